"""Forgot-password confirmation codes: issued, printed, checked strictly, consumed once.

moto accepts any code that lacks its ``moto-confirmation-code:`` prefix; Cognito accepts only the code it
sent, for one hour. Codes live here, keyed by pool and the user's real (stored) user name.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

from cognito_migrate.local.errors import CognitoError

CODE_VALIDITY_SECONDS = 3600


@dataclass(frozen=True)
class _Issued:
    code: str
    expires_at: float


class CodeBook:
    """The codes currently valid, one per user (a new ForgotPassword replaces the previous code)."""

    def __init__(self, validity_seconds: float = CODE_VALIDITY_SECONDS) -> None:
        self._codes: dict[tuple[str, str], _Issued] = {}
        self._lock = threading.Lock()
        self._validity = validity_seconds

    def issue(self, pool_id: str, username: str) -> str:
        code = f"{secrets.randbelow(1_000_000):06d}"
        with self._lock:
            self._codes[(pool_id, username)] = _Issued(code, time.monotonic() + self._validity)
        return code

    def peek(self, pool_id: str, username: str) -> str | None:
        """The code a user could type now, if any (the local-only retrieval call)."""
        with self._lock:
            issued = self._codes.get((pool_id, username))
        return issued.code if issued and issued.expires_at > time.monotonic() else None

    def redeem(self, pool_id: str, username: str, code: str) -> None:
        """Consume the code or raise Cognito's error for a wrong or expired one."""
        with self._lock:
            issued = self._codes.get((pool_id, username))
            if issued is None or not secrets.compare_digest(issued.code, code or ""):
                raise CognitoError("CodeMismatchException", "Invalid verification code provided, please try again.")
            if issued.expires_at <= time.monotonic():
                del self._codes[(pool_id, username)]
                raise CognitoError("ExpiredCodeException", "Invalid code provided, please request a code again.")
            del self._codes[(pool_id, username)]

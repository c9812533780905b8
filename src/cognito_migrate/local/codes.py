"""Forgot-password confirmation codes: issued, printed, checked strictly, consumed once, guessed a few times.

moto accepts any code that lacks its ``moto-confirmation-code:`` prefix; Cognito accepts only the code it
sent, for one hour. Codes live here, keyed by pool and the user's real (stored) user name.

Wrong codes: Cognito answers ``CodeMismatchException`` for the first five, then ``LimitExceededException``
("Attempt limit exceeded, please try after some time.") and does not publish for how long (see
docs/local-cognito.md for the sources). Here the sixth wrong attempt and every attempt after it, right code
or not, get ``LimitExceededException`` for :data:`LOCKOUT_SECONDS`, and the code is withdrawn: six digits
cannot be guessed five at a time.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

from cognito_migrate.local.errors import CognitoError

if TYPE_CHECKING:
    from collections.abc import Callable

CODE_VALIDITY_SECONDS = 3600
MAX_WRONG_CODES = 5  # CodeMismatchException this many times, then LimitExceededException
LOCKOUT_SECONDS = 900.0  # Cognito does not say; a quarter of an hour, as long as the lock lasts here
_LIMIT_MESSAGE = "Attempt limit exceeded, please try after some time."


@dataclass(frozen=True)
class _Issued:
    code: str
    expires_at: float


@dataclass
class _Misses:
    count: int = 0
    locked_until: float = 0.0


class CodeBook:
    """The codes currently valid, one per user (a new ForgotPassword replaces the previous code)."""

    def __init__(
        self,
        validity_seconds: float = CODE_VALIDITY_SECONDS,
        *,
        max_wrong: int = MAX_WRONG_CODES,
        lockout_seconds: float = LOCKOUT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._codes: dict[tuple[str, str], _Issued] = {}
        self._misses: dict[tuple[str, str], _Misses] = {}
        self._lock = threading.Lock()
        self._validity = validity_seconds
        self._max_wrong = max_wrong
        self._lockout = lockout_seconds
        self._clock = clock

    def issue(self, pool_id: str, username: str) -> str:
        code = f"{secrets.randbelow(1_000_000):06d}"
        with self._lock:
            self._codes[(pool_id, username)] = _Issued(code, self._clock() + self._validity)
        return code

    def peek(self, pool_id: str, username: str) -> str | None:
        """The code a user could type now, if any (the local-only retrieval call)."""
        with self._lock:
            issued = self._codes.get((pool_id, username))
        return issued.code if issued and issued.expires_at > self._clock() else None

    def redeem(self, pool_id: str, username: str, code: str) -> None:
        """Consume the code or raise Cognito's error for a wrong, expired or too often guessed one."""
        key = (pool_id, username)
        now = self._clock()
        with self._lock:
            self._check_not_locked(key, now)
            issued = self._codes.get(key)
            if issued is None or not secrets.compare_digest(issued.code, code or ""):
                self._miss(key, now)
            self._misses.pop(key, None)
            del self._codes[key]
        if issued.expires_at <= now:
            raise CognitoError("ExpiredCodeException", "Invalid code provided, please request a code again.")

    def refuse(self, pool_id: str, name: str) -> None:
        """Answer a code typed for a user who does not exist exactly as a wrong code (counted, then limited),
        so that the attempt limit does not tell existing users from unknown ones."""
        key = (pool_id, "\x00unknown:" + name)  # no real user name holds NUL: never an issued code's key
        now = self._clock()
        with self._lock:
            self._check_not_locked(key, now)
            self._miss(key, now)

    def _check_not_locked(self, key: tuple[str, str], now: float) -> None:
        misses = self._misses.get(key)
        if misses is not None and misses.locked_until > now:
            raise CognitoError("LimitExceededException", _LIMIT_MESSAGE)

    def _miss(self, key: tuple[str, str], now: float) -> NoReturn:
        misses = self._misses.setdefault(key, _Misses())
        misses.count += 1
        if misses.count > self._max_wrong:
            self._codes.pop(key, None)  # withdrawn: a new ForgotPassword sends a new code
            self._misses[key] = _Misses(locked_until=now + self._lockout)
            raise CognitoError("LimitExceededException", _LIMIT_MESSAGE)
        raise CognitoError("CodeMismatchException", "Invalid verification code provided, please try again.")

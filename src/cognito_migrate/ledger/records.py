"""What the ledger stores, and the keyed hashes that stand in for names.

Nothing here holds a password, a password hash or a raw sign-in name: names and source addresses become
HMAC-SHA256 digests under ``[ledger] hash_key`` (stable across containers, unlike the log's per-container
key), which is enough to find a record again and useless for reading one.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING, Any, NamedTuple

from cognito_migrate.outcomes import Outcome, Reason

if TYPE_CHECKING:
    from collections.abc import Mapping

KEY_CHARS = 40  # hex digits kept of each digest: 160 bits, no collisions in any user base


class Keys:
    """Keyed hashes of legacy identities, sign-in names and source addresses."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the ledger's hash key must have at least 16 bytes")
        self._key = key

    def _digest(self, kind: str, value: str) -> str:
        data = f"{kind}\0{value}".encode("utf-8", "surrogatepass")
        return hmac.new(self._key, data, hashlib.sha256).hexdigest()[:KEY_CHARS]

    def subject(self, legacy_username: str) -> str:
        """The record key of a legacy user: their legacy user name as stored (not as typed)."""
        return "u" + self._digest("user", legacy_username)

    def unknown(self, login: str) -> str:
        """The record key of a sign-in name no legacy user holds."""
        return "n" + self._digest("login", login.casefold())

    def login(self, login: str) -> str:
        """A sign-in name (user name, e-mail or phone), case-folded: how Cognito's names find a record."""
        return "l" + self._digest("login", login.casefold())

    def address(self, address: str) -> str:
        """A client's source address, for the per-address throttle."""
        return "a" + self._digest("address", address.strip().lower())


def count_key(outcome: Outcome, reason: Reason) -> str:
    """How an attempt is counted in a record: ``REJECTED:wrong_password``."""
    return f"{outcome.value}:{reason.value}"


class Attempt(NamedTuple):
    """One trigger invocation as the ledger records it (built by the recorder; no secrets)."""

    request_id: str
    subject: str
    known: bool  # a legacy user was found
    login_key: str
    outcome: Outcome
    reason: Reason
    scheme: str | None
    at: int  # epoch seconds

    @property
    def migrated(self) -> bool:
        return self.outcome in (Outcome.MIGRATED, Outcome.MIGRATED_RESET_REQUIRED)


class UserRecord(NamedTuple):
    """One ledger record, as ``status`` reads it back."""

    subject: str
    known: bool
    first_at: int
    last_at: int
    counts: Mapping[str, int]
    last_reason: str
    scheme: str | None
    migrated_at: int | None
    created_at: int | None  # Cognito confirmed the user exists (post-authentication / post-confirmation)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> UserRecord:
        return cls(
            subject=str(row["subject"]),
            known=bool(row["known"]),
            first_at=int(row["first_at"]),
            last_at=int(row["last_at"]),
            counts={str(k): int(v) for k, v in dict(row["counts"]).items()},
            last_reason=str(row["last_reason"]),
            scheme=row.get("scheme") or None,
            migrated_at=int(row["migrated_at"]) if row.get("migrated_at") is not None else None,
            created_at=int(row["created_at"]) if row.get("created_at") is not None else None,
        )

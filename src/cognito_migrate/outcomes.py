"""What a migration attempt ended in, and why (the why is for logs and metrics, never for the caller)."""

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

_EMPTY: Mapping[str, Any] = MappingProxyType({})  # the shared, immutable empty default


class Outcome(enum.StrEnum):
    """The four answers the trigger can give Cognito (see the outcome table in docs/trigger.md)."""

    MIGRATED = "MIGRATED"
    MIGRATED_RESET_REQUIRED = "MIGRATED_RESET_REQUIRED"
    REJECTED = "REJECTED"
    LEGACY_UNAVAILABLE = "LEGACY_UNAVAILABLE"


class Reason(enum.StrEnum):
    """Why: one value per path through the flow. Logged and counted; the caller never sees it."""

    OK = "ok"
    UNKNOWN_USER = "unknown_user"
    AMBIGUOUS = "ambiguous"
    WRONG_PASSWORD = "wrong_password"
    NO_CREDENTIAL = "no_credential"
    MALFORMED_HASH = "malformed_hash"
    UNSUPPORTED_HASH = "unsupported_hash"
    HASH_COST_OVER_LIMIT = "hash_cost_over_limit"
    DISABLED = "disabled"
    LOCKED_OUT = "locked_out"
    NO_DELIVERY_CHANNEL = "no_delivery_channel"
    UNMAPPABLE = "unmappable"
    POLICY_VIOLATION = "password_policy"
    MUST_CHANGE_PASSWORD = "must_change_password"
    WEAK_HASH = "weak_hash"
    STORE_ERROR = "store_error"
    DEADLINE = "deadline"
    MALFORMED_RECORD = "malformed_record"
    CASE_MISMATCH = "case_mismatch"
    PASSWORD_UNUSABLE = "password_unusable"
    THROTTLED = "throttled"
    REFUSED_INPUT = "refused_input"  # a password no sign-in form sends (control characters), refused unread
    INTERNAL_ERROR = "internal_error"


class MigrationOutcome(NamedTuple):
    """The decision, the attributes for Cognito when migrating, and timings for observability."""

    outcome: Outcome
    reason: Reason
    attributes: Mapping[str, str] = _EMPTY
    scheme: str | None = None
    detail: str | None = None  # safe text for the log: names a column or attribute, never a value
    timings_ms: Mapping[str, float] = _EMPTY
    subject: str | None = None  # the legacy user name when the store found one (the ledger's key)
    floor_ms: float | None = None  # a rejection padded to the rejection floor: the floor it waited for
    over_floor_ms: float = 0.0  # how far the rejection's own work ran past that floor (its time showed)

    @property
    def migrated(self) -> bool:
        return self.outcome in (Outcome.MIGRATED, Outcome.MIGRATED_RESET_REQUIRED)

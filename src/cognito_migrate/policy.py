"""CONFIRMED or RESET_REQUIRED: the decision after a correct password.

Cognito accepts a migrated password even when it breaks the pool's password policy, so the trigger must
check it itself and answer RESET_REQUIRED (documented behaviour, see docs/trigger.md). The legacy row can
also demand a change ("must change password"), and a team may decide that passwords stored with a weak
hash count as exposed. Which of the three apply is configured; the rules follow Cognito's.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from cognito_migrate.outcomes import Reason

# Cognito's special characters for the "require symbols" rule; a space that is neither leading nor
# trailing also counts (Cognito user pool password requirements).
COGNITO_SYMBOLS: Final = frozenset("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-")


class PasswordPolicy(NamedTuple):
    """A pool password policy, with Cognito's defaults."""

    minimum_length: int = 8
    require_uppercase: bool = True
    require_lowercase: bool = True
    require_numbers: bool = True
    require_symbols: bool = True

    def violations(self, password: str) -> list[str]:
        """The rules the password breaks, by name (never the password)."""
        broken: list[str] = []
        if len(password) < self.minimum_length:
            broken.append("minimum_length")
        if self.require_uppercase and not any(c.isascii() and c.isupper() for c in password):
            broken.append("require_uppercase")
        if self.require_lowercase and not any(c.isascii() and c.islower() for c in password):
            broken.append("require_lowercase")
        if self.require_numbers and not any(c in "0123456789" for c in password):
            broken.append("require_numbers")
        if self.require_symbols and not _has_symbol(password):
            broken.append("require_symbols")
        return broken


def _has_symbol(password: str) -> bool:
    if any(c in COGNITO_SYMBOLS for c in password):
        return True
    return " " in password.strip(" ")


# Cognito's AccountRecoverySetting mechanisms, and the verified attribute each one sends a code to.
RECOVERY_CHANNELS: Final = {"verified_email": "email_verified", "verified_phone_number": "phone_number_verified"}
RECOVERY_MECHANISMS: Final = (*RECOVERY_CHANNELS, "admin_only")
DEFAULT_RECOVERY: Final = ("verified_email", "verified_phone_number")
# A pool without an AccountRecoverySetting recovers the "legacy" way: SMS to a verified phone first, else
# e-mail to a verified address.
LEGACY_RECOVERY: Final = ("verified_phone_number", "verified_email")


class ResetPolicy(NamedTuple):
    """Which findings force RESET_REQUIRED; ``apply_to`` holds names from ``policy.reset_required_on``.

    ``recovery`` is the pool's account-recovery order (``[pool] recovery``): a reset code goes only to a
    verified channel the pool recovers by, so a user without one could never finish a reset.
    """

    password_policy: PasswordPolicy = PasswordPolicy()
    apply_to: frozenset[str] = frozenset({"password_policy", "must_change_password"})
    recovery: tuple[str, ...] = DEFAULT_RECOVERY

    def can_receive_code(self, attributes: dict[str, str]) -> bool:
        """Whether Cognito can deliver a reset code to this user (``admin_only`` pools: never)."""
        return any(attributes.get(RECOVERY_CHANNELS.get(m, "")) == "true" for m in self.recovery)

    def reset_reason(self, *, password: str | None, must_change: bool, weak_hash: bool) -> Reason | None:
        """The first reason to require a reset, or None for CONFIRMED. ``password`` is None for forgot-password."""
        if "must_change_password" in self.apply_to and must_change:
            return Reason.MUST_CHANGE_PASSWORD
        if "weak_hash" in self.apply_to and weak_hash:
            return Reason.WEAK_HASH
        if "password_policy" in self.apply_to and password is not None and self.password_policy.violations(password):
            return Reason.POLICY_VIOLATION
        return None

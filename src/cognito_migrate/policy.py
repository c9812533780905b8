"""CONFIRMED or RESET_REQUIRED: the decision after a correct password.

Cognito accepts a migrated password even when it breaks the pool's password policy, so the trigger must
check it itself and answer RESET_REQUIRED (documented behaviour, see docs/trigger.md). The legacy row can
also demand a change ("must change password"), and a team may decide that passwords stored with a weak
hash count as exposed. Which of the three apply is configured; the policy's rules are Cognito's
(:mod:`cognito_migrate.cognito_rules`).
"""

from typing import NamedTuple

from cognito_migrate.cognito_rules import DEFAULT_RECOVERY, RECOVERY_CHANNELS, PasswordPolicy
from cognito_migrate.outcomes import Reason


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

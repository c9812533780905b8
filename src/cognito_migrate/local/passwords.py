"""Cognito's password policy check, for the calls where Cognito applies it (here: ConfirmForgotPassword).

A migrated password is never checked: Cognito "still accepts the password so that it can continue to migrate
the user" (trigger docs); the trigger decides with ``finalUserStatus``. The rules themselves are
:mod:`cognito_migrate.cognito_rules`' (the trigger uses the same).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cognito_migrate.cognito_rules import MAX_PASSWORD_LENGTH, POLICY_MESSAGES
from cognito_migrate.local.errors import CognitoError

if TYPE_CHECKING:
    from cognito_migrate.cognito_rules import PasswordPolicy


def policy_violation(password: str, policy: PasswordPolicy) -> str | None:
    """The first rule ``password`` breaks, in Cognito's wording, or None."""
    broken = policy.violations(password)
    if broken and broken[0] == "minimum_length":
        return POLICY_MESSAGES["minimum_length"]
    if len(password) > MAX_PASSWORD_LENGTH:
        return "Password is too long"
    return POLICY_MESSAGES[broken[0]] if broken else None


def check_password(password: str, policy: PasswordPolicy) -> None:
    """Raise ``InvalidPasswordException`` as Cognito does when ``password`` breaks ``policy``."""
    violation = policy_violation(password, policy)
    if violation:
        raise CognitoError("InvalidPasswordException", f"Password does not conform to policy: {violation}")

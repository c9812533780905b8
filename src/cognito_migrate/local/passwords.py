"""Cognito's password policy check, for the calls where Cognito applies it (here: ConfirmForgotPassword).

A migrated password is never checked: Cognito "still accepts the password so that it can continue to migrate
the user" (trigger docs); the trigger decides with ``finalUserStatus``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cognito_migrate.local.errors import CognitoError

if TYPE_CHECKING:
    from cognito_migrate.local.settings import PasswordPolicy

# The special characters Cognito counts as symbols (and the space).
SYMBOLS = frozenset("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ")
MAX_LENGTH = 256


def policy_violation(password: str, policy: PasswordPolicy) -> str | None:
    """The first rule ``password`` breaks, in Cognito's wording, or None."""
    rules = (
        (len(password) < policy.minimum_length, "Password not long enough"),
        (len(password) > MAX_LENGTH, "Password is too long"),
        (
            policy.require_uppercase and not any(c.isupper() for c in password),
            "Password must have uppercase characters",
        ),
        (
            policy.require_lowercase and not any(c.islower() for c in password),
            "Password must have lowercase characters",
        ),
        (policy.require_numbers and not any(c.isdigit() for c in password), "Password must have numeric characters"),
        (policy.require_symbols and not any(c in SYMBOLS for c in password), "Password must have symbol characters"),
    )
    return next((message for broken, message in rules if broken), None)


def check_password(password: str, policy: PasswordPolicy) -> None:
    """Raise ``InvalidPasswordException`` as Cognito does when ``password`` breaks ``policy``."""
    violation = policy_violation(password, policy)
    if violation:
        raise CognitoError("InvalidPasswordException", f"Password does not conform to policy: {violation}")

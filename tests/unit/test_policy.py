"""Cognito's password policy rules, applied to migrated passwords."""

from __future__ import annotations

import pytest

from cognito_migrate.cognito_rules import PasswordPolicy
from cognito_migrate.outcomes import Reason
from cognito_migrate.policy import ResetPolicy


@pytest.mark.parametrize(
    ("password", "broken"),
    [
        ("Abcdef1!", []),
        ("abcdef1!", ["require_uppercase"]),
        ("ABCDEF1!", ["require_lowercase"]),
        ("Abcdefg!", ["require_numbers"]),
        ("Abcdefg1", ["require_symbols"]),
        ("Abc de1f", []),  # an inner space counts as a symbol
        (" Abcdef1", ["require_symbols"]),  # a leading space does not
        ("Ab1!", ["minimum_length"]),
        ("Äbcdéf1!", ["require_uppercase"]),  # Cognito counts ASCII letters only
    ],
)
def test_default_policy(password: str, broken: list[str]) -> None:
    assert PasswordPolicy().violations(password) == broken


def test_reset_reasons_follow_the_configuration() -> None:
    policy = ResetPolicy(apply_to=frozenset({"must_change_password", "weak_hash", "password_policy"}))
    assert policy.reset_reason(password="Abcdef1!", must_change=True, weak_hash=False) is Reason.MUST_CHANGE_PASSWORD
    assert policy.reset_reason(password="Abcdef1!", must_change=False, weak_hash=True) is Reason.WEAK_HASH
    assert policy.reset_reason(password="weak", must_change=False, weak_hash=False) is Reason.POLICY_VIOLATION
    assert policy.reset_reason(password="Abcdef1!", must_change=False, weak_hash=False) is None
    off = ResetPolicy(apply_to=frozenset())
    assert off.reset_reason(password="weak", must_change=True, weak_hash=True) is None

"""Constants and assertion helpers shared by the hashing tests (a plain module, not rewritten by pytest).

Assertions on verification results go through :func:`assert_verdict` so that a failure message names the
expected and actual verdicts only: pytest's assertion rewriting would otherwise print the call's arguments,
passwords included.
"""

from __future__ import annotations

from typing import Any

from cognito_migrate.hashing import Verdict, check

#: A unicode password (accents, CJK, an emoji) used across schemes.
UNICODE = "pässwörd-密码-🔑"
#: 80 ASCII bytes: over bcrypt's 72.
LONG = "correct horse battery staple " * 2 + "x" * 22


def assert_verdict(expected: Verdict, password: str, stored: str, **kwargs: Any) -> None:
    """Check and compare verdicts; the failure message never contains the password or the stored value."""
    actual = check(password, stored, **kwargs)
    if actual is not expected:
        raise AssertionError(f"expected {expected}, got {actual} (scheme={kwargs.get('scheme')})")


def assert_match(password: str, stored: str, **kwargs: Any) -> None:
    """MATCH for the password, MISMATCH for a one-character change of it."""
    assert_verdict(Verdict.MATCH, password, stored, **kwargs)
    assert_verdict(Verdict.MISMATCH, password + "x", stored, **kwargs)

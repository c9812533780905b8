"""Constants and assertion helpers shared by the hashing tests (a plain module, not rewritten by pytest).

Assertions on verification results go through :func:`assert_verdict` so that a failure message names the
expected and actual verdicts only: pytest's assertion rewriting would otherwise print the call's arguments,
passwords included.
"""

from __future__ import annotations

from typing import Any

from cognito_migrate.hashing import CostLimits, Verdict, check, check_detailed

#: Params that make ``create`` and ``verify`` work for schemes that need some (a salt, a project key).
PARAMS: dict[str, dict[str, Any]] = {
    "aspnet_membership": {"salt": "wZdnRVXWcvXZKY6HJmJqUg=="},
    "firebase_scrypt": {
        "signer_key": "jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==",
        "salt_separator": "Bw==", "rounds": 8, "mem_cost": 8, "salt": "42xEC+ixf3L2lw==",
    },
    "symfony_message_digest": {"iterations": 10},
    "symfony_pbkdf2": {"iterations": 10},
    "raw_digest": {"algorithm": "sha1"},
    "hmac_digest": {"algorithm": "sha1", "salt": "s"},
}  # fmt: skip
#: The cheapest cost each scheme accepts, so that tests over every scheme stay fast.
CHEAP: dict[str, dict[str, Any]] = {
    "bcrypt": {"rounds": 4}, "django_bcrypt": {"rounds": 4}, "django_bcrypt_sha256": {"rounds": 4},
    "wordpress_bcrypt": {"rounds": 4}, "aspnet_identity_v3": {"iterations": 10},
    "django_pbkdf2_sha256": {"iterations": 10}, "django_pbkdf2_sha1": {"iterations": 10},
    "django_scrypt": {"n": 16, "r": 1, "p": 1}, "argon2": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
    "django_argon2": {"time_cost": 1, "memory_cost": 8, "parallelism": 1}, "scrypt_crypt7": {"log2_n": 4, "r": 1},
    "yescrypt": {"count": 1}, "sha256_crypt": {"rounds": 1000}, "sha512_crypt": {"rounds": 1000},
    "passlib_pbkdf2": {"iterations": 10}, "werkzeug": {"n": 16, "r": 1}, "phpass": {"log2": 7}, "drupal7": {"log2": 7},
}  # fmt: skip
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


class WorkStarted(BaseException):
    """Raised by :class:`NoWork` when a scheme is about to compute: not an Exception, so nothing swallows it."""


class NoWork(CostLimits):
    """Limits under which a scheme that announces its expensive step (``CostLimits.admit``) fails the test.

    Asserts that a refusal came before any hashing, without a stopwatch.
    """

    __slots__ = ()

    def admit(self, primitive: str, units: int) -> None:
        raise WorkStarted(f"{primitive} work was started ({units} units)")


def assert_refused_before_work(expected: Verdict, password: str, stored: str, **kwargs: Any) -> str:
    """The verdict is ``expected`` and no expensive step started; returns the reason."""
    limits = NoWork(*(kwargs.pop("limits", None) or CostLimits()))
    result = check_detailed(password, stored, limits=limits, **kwargs)
    if result.verdict is not expected:
        raise AssertionError(f"expected {expected}, got {result.verdict} (scheme={kwargs.get('scheme')})")
    return result.reason

"""Reading a stored value's cost without hashing: the audit must refuse exactly what the verifiers refuse."""

from __future__ import annotations

from typing import Any

import pytest

from cognito_migrate import hashing
from cognito_migrate.hashing import CostLimits, Verdict
from cognito_migrate.hashing.cost import cost_of, over_limit

# (scheme, cost given to create, the label the audit shows, the cap, the value checked against that cap)
CASES: list[tuple[str, dict[str, Any], str, str, int]] = [
    ("bcrypt", {"rounds": 5}, "cost=5", "bcrypt_max_cost", 5),
    ("django_bcrypt_sha256", {"rounds": 5}, "cost=5", "bcrypt_max_cost", 5),
    ("aspnet_identity_v3", {"iterations": 1200, "prf": "HMACSHA256"}, "prf=HMACSHA256 iterations=1200",
     "pbkdf2_max_iterations", 1200),
    ("django_pbkdf2_sha256", {"iterations": 1500}, "iterations=1500", "pbkdf2_max_iterations", 1500),
    ("django_argon2", {"time_cost": 2, "memory_cost": 1024, "parallelism": 2}, "m=1024 t=2 p=2",
     "argon2_max_memory_kib", 1024),
    ("argon2", {"time_cost": 3, "memory_cost": 2048, "parallelism": 1}, "m=2048 t=3 p=1",
     "argon2_max_time_cost", 3),
    ("sha512_crypt", {"rounds": 2000}, "rounds=2000", "sha_crypt_max_rounds", 2000),
    ("phpass", {"log2": 9}, "log2=9", "phpass_max_log2", 9),
    ("passlib_pbkdf2", {"iterations": 1100}, "iterations=1100", "pbkdf2_max_iterations", 1100),
    ("werkzeug", {"method": "pbkdf2", "iterations": 1300}, "iterations=1300", "pbkdf2_max_iterations", 1300),
]  # fmt: skip


@pytest.mark.parametrize(("scheme", "cost", "label", "cap", "value"), CASES, ids=[c[0] for c in CASES])
def test_the_cost_read_from_a_real_value_matches_what_the_verifier_refuses(
    scheme: str, cost: dict[str, Any], label: str, cap: str, value: int
) -> None:
    stored = hashing.create(scheme, "Correct-Horse-9", cost=cost)
    read = cost_of(scheme, stored)
    assert read is not None
    assert read.label == label
    at_cap = CostLimits(**{cap: value})
    below = CostLimits(**{cap: value - 1})
    assert over_limit(read, at_cap) is None
    assert hashing.check("Correct-Horse-9", stored, scheme=scheme, limits=at_cap) is Verdict.MATCH
    assert over_limit(read, below) == f"{cap} exceeded"
    assert hashing.check("Correct-Horse-9", stored, scheme=scheme, limits=below) is Verdict.OVER_LIMIT


def test_aspnet_identity_v2_has_a_fixed_cost_and_no_cap() -> None:
    stored = hashing.create("aspnet_identity_v2", "Correct-Horse-9")
    read = cost_of("aspnet_identity_v2", stored)
    assert read is not None and read.label == "prf=HMACSHA1 iterations=1000"
    tight = CostLimits(pbkdf2_max_iterations=10)
    assert over_limit(read, tight) is None
    assert hashing.check("Correct-Horse-9", stored, limits=tight) is Verdict.MATCH


def test_scrypt_rows_are_held_to_every_scrypt_cap() -> None:
    stored = hashing.create("django_scrypt", "Correct-Horse-9", cost={"n": 2**10, "r": 8, "p": 1})
    read = cost_of("django_scrypt", stored)
    assert read is not None and read.label == "N=1024 r=8 p=1"
    assert over_limit(read, CostLimits()) is None
    assert over_limit(read, CostLimits(scrypt_max_n=512)) == "scrypt_max_n exceeded"
    assert hashing.check("x", stored, limits=CostLimits(scrypt_max_n=512)) is Verdict.OVER_LIMIT


def test_a_hostile_row_is_over_the_default_caps() -> None:
    hostile = "pbkdf2_sha256$2000000000$salt$AAAA"
    read = cost_of("django_pbkdf2_sha256", hostile)
    assert read is not None
    assert over_limit(read, CostLimits()) == "pbkdf2_max_iterations exceeded"


@pytest.mark.parametrize(
    ("scheme", "stored"),
    [
        ("bcrypt", "$2b$xx$garbage"),
        ("aspnet_identity_v3", "!!!not base64"),
        ("django_pbkdf2_sha256", "pbkdf2_sha256$many$salt$hash"),
        ("argon2", "$argon2id$v=19$m=lots,t=2,p=1$salt$hash"),
        ("raw_digest", "5f4dcc3b5aa765d61d8327deb882cf99"),  # no cost in the value
    ],
)
def test_unreadable_or_costless_values_have_no_cost(scheme: str, stored: str) -> None:
    assert cost_of(scheme, stored) is None

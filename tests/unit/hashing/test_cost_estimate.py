"""How long a verification will take, asked before it starts, and the refusal of one that would not fit."""

from __future__ import annotations

import hashlib
from typing import Any

import bcrypt
import pytest

from cognito_migrate.hashing import SCHEMES, CostLimits, Verdict, check_detailed, create, estimate
from cognito_migrate.hashing._estimate import SECONDS_PER_UNIT, CostModel, Work
from tests.unit.hashing.hashing_vectors import CHEAP, PARAMS

BCRYPT_12 = "$2b$12$" + "a" * 53  # never computed in these tests: only its cost is read


def _no_bcrypt(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    calls: list[bytes] = []
    monkeypatch.setattr(bcrypt, "hashpw", lambda secret, salt: calls.append(salt) or b"")
    return calls


def test_a_check_that_would_not_fit_is_refused_without_starting(monkeypatch: pytest.MonkeyPatch) -> None:
    """OVER_TIME, with the expected and the available time in the reason, and no bcrypt computed."""
    calls = _no_bcrypt(monkeypatch)
    result = check_detailed("pw", BCRYPT_12, max_seconds=0.001)
    assert Verdict.OVER_TIME is result.verdict
    assert "ms of bcrypt, 1 ms left" in result.reason
    assert calls == []


def test_pbkdf2_over_time_is_refused_before_deriving(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(hashlib, "pbkdf2_hmac", lambda *a, **k: calls.append(1) or b"")
    stored = "pbkdf2_sha256$2000000$salt$" + "A" * 43 + "="
    assert Verdict.OVER_TIME is check_detailed("pw", stored, max_seconds=0.001).verdict
    assert calls == []


def test_a_check_that_fits_runs_and_still_answers() -> None:
    stored = create("bcrypt", "pw", cost={"rounds": 4})
    assert Verdict.MATCH is check_detailed("pw", stored, max_seconds=60).verdict
    assert Verdict.MISMATCH is check_detailed("px", stored, max_seconds=60).verdict


def test_a_row_over_its_cap_stays_over_limit_whatever_the_time() -> None:
    """OVER_LIMIT (the row) is not OVER_TIME (the moment): a caller rejects the first and fails closed on the second."""
    assert Verdict.OVER_LIMIT is check_detailed("pw", "$2b$31$" + "a" * 53, max_seconds=0.001).verdict


@pytest.mark.parametrize("scheme", [s for s, info in SCHEMES.items() if not info.weak])
def test_every_costly_scheme_announces_its_work(scheme: str) -> None:
    """A scheme that forgot CostLimits.admit would never be refused for time: each has an estimate."""
    if scheme == "yescrypt":
        from cognito_migrate.hashing.schemes import yescrypt

        if not yescrypt.available():
            pytest.skip("libxcrypt is not installed here")
    params = PARAMS.get(scheme)
    stored = create(scheme, "pw", cost=CHEAP.get(scheme), params=params)
    seconds = estimate("pw", stored, scheme=scheme, params=params)
    assert seconds is not None
    assert seconds > 0


def test_estimates_follow_the_factors_that_multiply() -> None:
    """Cost doubles with each bcrypt cost step, with PBKDF2 iterations, with argon2 memory x passes, and
    iterated digests pay for the password's length."""

    def bcrypt_at(cost: int) -> float:
        return estimate("pw", f"$2b${cost:02d}$" + "a" * 53) or 0.0

    assert bcrypt_at(11) == pytest.approx(2 * bcrypt_at(10))

    def django(iterations: int) -> float:
        return estimate("pw", f"pbkdf2_sha256${iterations}$salt$" + "A" * 43 + "=") or 0.0

    assert django(1_000_000) == pytest.approx(2 * django(500_000))

    argon = "$argon2id$v=19$m={m},t={t},p=1$c2FsdHNhbHQ$" + "A" * 43
    assert estimate("pw", argon.format(m=65536, t=4)) == pytest.approx(estimate("pw", argon.format(m=131072, t=2)))

    sha512_crypt = create("sha512_crypt", "pw", cost={"rounds": 10000})
    assert (estimate("p" * 200, sha512_crypt) or 0) > 3 * (estimate("pw", sha512_crypt) or 0)


def test_fast_digests_and_refused_values_have_no_estimate() -> None:
    assert estimate("pw", "{SSHA}" + "A" * 32) is None
    assert estimate("pw", "$2b$31$" + "a" * 53) is None  # over the cap: refused before any work
    assert estimate("pw", "not a hash") is None


def test_argon2_cap_is_on_memory_times_passes() -> None:
    """m = 256 MiB and t = 16 each pass their own cap; together they are 4 GiB-passes, over the combined cap."""
    stored = "$argon2id$v=19$m=262144,t=16,p=1$c2FsdHNhbHQ$" + "A" * 43
    result = check_detailed("pw", stored)
    assert Verdict.OVER_LIMIT is result.verdict
    assert "argon2_max_work_kib" in result.reason
    within = CostLimits(argon2_max_work_kib=262144 * 16)
    assert estimate("pw", stored, limits=within) is not None


def test_the_default_caps_admit_what_frameworks_write_today_with_headroom() -> None:
    limits = CostLimits()
    assert limits.pbkdf2_max_iterations >= 2 * 1_200_000  # Django 6.0
    assert limits.argon2_max_work_kib >= 4 * 65536 * 4  # PHP's default argon2id: m=64 MiB, t=4


def test_the_model_learns_the_speed_of_the_machine_it_runs_on() -> None:
    model = CostModel()
    work = Work("bcrypt", 1 << 10)
    predicted = model.seconds(work)
    for _ in range(20):
        model.observe(work, 3 * predicted)  # a machine three times slower than the calibration one
    assert model.seconds(work) == pytest.approx(3 * predicted, rel=0.01)
    model.observe(Work("bcrypt", 1), 100.0)  # too short to have been measured: ignored
    assert model.seconds(work) == pytest.approx(3 * predicted, rel=0.01)
    for _ in range(50):
        model.observe(work, 1e6)  # a stalled process does not make the model think verifications take hours
    assert model.speed_factor <= 50


def test_an_unknown_primitive_costs_the_dearest_of_its_family() -> None:
    assert CostModel.unit_seconds("pbkdf2_md4") == max(v for k, v in SECONDS_PER_UNIT.items() if k.startswith("pbkdf2"))


def test_estimate_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    odd: list[Any] = [None, b"$2b$04$", 12, "", "$2b$04$" + "a" * 53]
    for stored in odd:
        estimate("pw", stored)
    estimate(None, "$2b$04$" + "a" * 53)  # type: ignore[arg-type]


def test_the_new_schemes_dummies_cost_what_their_rows_cost() -> None:
    """Issue 13's formats obey the timing rule: a dummy of the scheme does the work of one of its rows."""
    from cognito_migrate.hashing import dummy_credential

    mysql_row = create("mysql_caching_sha2", "pw")  # MySQL's default: $A$005$, 5000 rounds
    mysql_dummy = dummy_credential("mysql_caching_sha2")
    assert estimate("x", mysql_row) == estimate("x", mysql_dummy.stored, scheme="mysql_caching_sha2")
    row_2x = create("bcrypt", "pw", cost={"rounds": 5, "variant": "2x"})
    bcrypt_dummy = dummy_credential("bcrypt", cost={"rounds": 5})
    assert estimate("x", row_2x) == estimate("x", bcrypt_dummy.stored, scheme="bcrypt")


def test_a_small_lambda_starts_from_its_share_of_a_cpu() -> None:
    """Before any verification was timed, a 512 MB function assumes the ~3.5x slower CPU Lambda gives it."""
    from cognito_migrate.hashing._estimate import starting_factor

    assert starting_factor({"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512"}) == pytest.approx(1769 / 512)
    assert starting_factor({"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "3008"}) == 1.0  # more than a vCPU: no faster
    assert starting_factor({}) == 1.0
    assert starting_factor({"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "lots"}) == 1.0

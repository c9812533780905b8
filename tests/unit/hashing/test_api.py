"""The public API: verdicts, unknown schemes and params, limits configuration, dummies, lean import."""

from __future__ import annotations

import base64
import subprocess
import sys

import pytest

from cognito_migrate.hashing import (
    SCHEMES,
    CostLimits,
    LimitsError,
    Verdict,
    check,
    check_detailed,
    create,
    dummy_credential,
)
from tests.unit.hashing.hashing_vectors import UNICODE, assert_verdict

BCRYPT_A = "$2a$06$m0CrhHm10qJ3lXRY.5zDGO3rS2KdeeWLuGmsfGlMfOxih58VYVfxe"  # "a", jBCrypt TestBCrypt.java


def test_verify_is_check_is_match() -> None:
    assert_verdict(Verdict.MATCH, "a", BCRYPT_A)
    assert_verdict(Verdict.MATCH, "a", BCRYPT_A)
    assert_verdict(Verdict.MISMATCH, "b", BCRYPT_A)
    assert_verdict(Verdict.MISMATCH, "b", BCRYPT_A)


def test_verdict_values_are_their_names() -> None:
    assert [v.value for v in Verdict] == ["MATCH", "MISMATCH", "MALFORMED", "UNSUPPORTED", "OVER_LIMIT", "OVER_TIME"]


def test_unknown_scheme_and_unidentifiable_are_unsupported() -> None:
    assert_verdict(Verdict.UNSUPPORTED, "a", BCRYPT_A, scheme="rot13")
    assert_verdict(Verdict.UNSUPPORTED, "a", "5f4dcc3b5aa765d61d8327deb882cf99")
    result = check_detailed("a", "zzz")
    assert result.verdict is Verdict.UNSUPPORTED
    assert "configure the scheme" in result.reason


def test_non_str_inputs_do_not_raise() -> None:
    assert check(None, BCRYPT_A) is Verdict.MALFORMED  # type: ignore[arg-type]
    assert check("a", b"$2a$") is Verdict.MALFORMED  # type: ignore[arg-type]
    assert check("a", None) is Verdict.MALFORMED  # type: ignore[arg-type]


def test_huge_inputs() -> None:
    assert_verdict(Verdict.MALFORMED, "a", "$2a$" + "x" * 1_000_000)
    assert_verdict(Verdict.MISMATCH, "a" * 100_000, BCRYPT_A)


def test_reason_never_contains_the_password_or_the_stored_value() -> None:
    secret = "canary-Zq81"
    for stored in [BCRYPT_A, "pbkdf2_sha256$1000$salt$!!!", "$2b$31$" + "a" * 53, "junk"]:
        result = check_detailed(secret, stored, params={"pepper": secret} if stored == BCRYPT_A else None)
        assert secret not in result.reason
        assert stored not in result.reason or not stored


def test_every_scheme_has_docs() -> None:
    for scheme_id, info in SCHEMES.items():
        assert info.id == scheme_id
        assert info.summary
        assert info.module
        assert all(isinstance(doc, str) and doc for doc in info.params.values())


def test_create_refuses_unknown_cost_keys() -> None:
    with pytest.raises(ValueError, match="unknown cost"):
        create("bcrypt", "x", cost={"rouds": 4})


# ---- CostLimits ----------------------------------------------------------------------------------------------


def test_limits_from_mapping() -> None:
    limits = CostLimits.from_mapping({"bcrypt_max_cost": 12, "pbkdf2_max_iterations": 5000})
    assert limits.bcrypt_max_cost == 12
    assert limits.pbkdf2_max_iterations == 5000
    assert limits.scrypt_max_n == CostLimits().scrypt_max_n


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"bcrypt_max_costs": 12}, "hashing.limits.bcrypt_max_costs"),
        ({"bcrypt_max_cost": "12"}, "hashing.limits.bcrypt_max_cost"),
        ({"bcrypt_max_cost": True}, "hashing.limits.bcrypt_max_cost"),
        ({"bcrypt_max_cost": 0}, "hashing.limits.bcrypt_max_cost"),
    ],
    ids=["unknown", "string", "bool", "zero"],
)
def test_limits_config_errors_name_the_key(data: dict[str, object], key: str) -> None:
    with pytest.raises(LimitsError) as info:
        CostLimits.from_mapping(data)
    assert info.value.key == key


def test_limits_key_prefix() -> None:
    with pytest.raises(LimitsError) as info:
        CostLimits.from_mapping({"x": 1}, key_prefix="trigger.hashing")
    assert info.value.key == "trigger.hashing.x"


def test_limits_are_applied() -> None:
    stored = create("bcrypt", "x", cost={"rounds": 5})
    assert_verdict(Verdict.OVER_LIMIT, "x", stored, limits=CostLimits(bcrypt_max_cost=4))
    assert_verdict(Verdict.MATCH, "x", stored, limits=CostLimits(bcrypt_max_cost=5))


# ---- dummy_credential ----------------------------------------------------------------------------------------


def test_dummy_credential_is_cached_and_never_matches_obvious_passwords() -> None:
    first = dummy_credential("bcrypt", cost={"rounds": 4})
    assert dummy_credential("bcrypt", cost={"rounds": 4}) is first
    assert first.scheme == "bcrypt"
    assert first.stored.startswith("$2b$04$")
    assert_verdict(Verdict.MISMATCH, "", first.stored, scheme=first.scheme)


def test_dummy_costs_what_a_real_row_costs() -> None:
    """The dummy is a real hash with the row's cost parameters, so verifying it does the same work (a time
    ratio asserted here failed whenever other processes loaded the machine)."""
    real = create("bcrypt", UNICODE, cost={"rounds": 8})
    dummy = dummy_credential("bcrypt", cost={"rounds": 8})

    assert dummy.stored[:7] == real[:7] == "$2b$08$"
    assert len(dummy.stored) == len(real)
    assert_verdict(Verdict.MISMATCH, "wrong", dummy.stored, scheme=dummy.scheme)


def _v3_header(stored: str) -> tuple[int, int, int]:
    """ASP.NET Identity V3: format marker, PRF id and iteration count (big-endian) before the salt."""
    raw = base64.b64decode(stored)
    return raw[0], int.from_bytes(raw[1:5], "big"), int.from_bytes(raw[5:9], "big")


def test_dummy_for_aspnet_v3_takes_the_iterations() -> None:
    dummy = dummy_credential("aspnet_identity_v3", cost={"iterations": 20_000, "prf": "HMACSHA256"})
    real = create("aspnet_identity_v3", "x", cost={"iterations": 20_000, "prf": "HMACSHA256"})

    assert _v3_header(dummy.stored) == _v3_header(real) == (1, 1, 20_000)
    assert_verdict(Verdict.MISMATCH, "wrong", dummy.stored, scheme=dummy.scheme)


# ---- cold start ----------------------------------------------------------------------------------------------


def test_import_is_stdlib_only() -> None:
    code = (
        "import sys, cognito_migrate.hashing as h; h.identify('$2b$10$x'); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'bcrypt','argon2','cryptography','_cffi_backend','passlib','django','werkzeug'} "
        "or m.startswith('cognito_migrate.hashing.schemes.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_library_depends_on_nothing_of_the_application() -> None:
    """``cognito_migrate.hashing`` is usable on its own: no configuration errors, models or stores come with it."""
    code = (
        "import sys, cognito_migrate.hashing as h; "
        "h.verify('x', 'pbkdf2_sha256$1$s$' + 'A'*43 + '='); h.dummy_credential('bcrypt', cost={'rounds': 4}); "
        "h.CostLimits.from_mapping({'bcrypt_max_cost': 12}); "
        "print(sorted(m for m in sys.modules if m.startswith('cognito_migrate.') and not m.startswith('cognito_migrate.hashing')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_scheme_module_loaded_on_first_use_only() -> None:
    code = (
        "import sys, cognito_migrate.hashing as h; "
        "h.verify('x', 'pbkdf2_sha256$1$s$' + 'A'*43 + '='); "
        "print(sorted(m for m in sys.modules if m.startswith('cognito_migrate.hashing.schemes.') or m == 'bcrypt'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['cognito_migrate.hashing.schemes.django']"


def test_missing_extra_is_unsupported_with_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    from cognito_migrate.hashing import _registry

    monkeypatch.setitem(sys.modules, "argon2", None)  # import argon2 -> ModuleNotFoundError
    monkeypatch.delitem(sys.modules, "cognito_migrate.hashing.schemes.argon2", raising=False)
    monkeypatch.setattr(_registry, "_loaded", {})
    result = check_detailed("x", "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$" + "A" * 43)
    assert result.verdict is Verdict.UNSUPPORTED
    assert "pip install 'cognito-migrate[argon2]'" in result.reason

"""Regression tests for the findings of the hashing security review (each failed before its fix)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
import subprocess
import sys
from typing import Any

import pytest

from cognito_migrate.hashing import (
    SCHEMES,
    CostLimits,
    Verdict,
    check,
    check_detailed,
    create,
    dummy_credential,
    identify,
)
from tests.unit.hashing.hashing_vectors import assert_match, assert_refused_before_work, assert_verdict

# ---- no exception escapes check(), whatever the caller passes ----------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "params"),
    [(None, ["salt"]), ("raw_digest", ["salt"]), ("raw_digest", "salt=x"), (["bcrypt"], None), ({"x": 1}, None),
     (42, None), ("aspnet_membership", {1: "x"}), ("aspnet_membership", {("a",): "x"})],
)  # fmt: skip
def test_hostile_scheme_and_params_never_raise(scheme: Any, params: Any) -> None:
    result = check_detailed("pw", "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8", scheme=scheme, params=params)
    assert result.verdict in {Verdict.MALFORMED, Verdict.UNSUPPORTED}


@pytest.mark.parametrize("scheme", SCHEMES)
def test_fuzz_every_scheme(scheme: str) -> None:
    """Random strings, unicode, huge numbers, wrong base64, separators: only verdicts come back."""
    rng = random.Random(f"fuzz-{scheme}")
    pieces = ["$", "$$", "{", "}", ":", "*", "|", "=", "==", "9" * 30, "99999999999", "-1", "0", "é", "\udcff",
              "\x00", "密", "🔑", "AQAAAA", "$2b$", "$argon2id$v=19$m=", "rounds=", "{SSHA}", "+/", "..", " "]  # fmt: skip
    limits = CostLimits(pbkdf2_max_iterations=10**4, sha_crypt_max_rounds=10**4, phpass_max_log2=10,
                        digest_max_iterations=10**4, scrypt_max_work=2**12, argon2_max_memory_kib=64)  # fmt: skip
    verdicts = set()
    for _ in range(150):
        stored = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 12)))
        password = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 4)))
        verdicts.add(check(password, stored, scheme=scheme, limits=limits))  # never raises
    # the fuzz reached the parser's refusals, not only plain comparisons
    assert verdicts & {Verdict.MALFORMED, Verdict.UNSUPPORTED, Verdict.OVER_LIMIT}, sorted(verdicts)


# ---- plaintext comparisons leak no length -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "scheme", "stored", "params"),
    [
        ("spring", "spring_delegating", "{noop}correct horse battery staple", None),
        ("werkzeug", "werkzeug", "plain$$correct horse battery staple", None),
        ("aspnet_membership", "aspnet_membership", "correct horse battery staple", {"password_format": 0}),
    ],
)
def test_plaintext_comparison_is_of_equal_length_values(
    monkeypatch: pytest.MonkeyPatch, module: str, scheme: str, stored: str, params: dict[str, Any] | None
) -> None:
    """compare_digest returns early on a length difference: a stored plaintext's length must not show."""
    import importlib

    import cognito_migrate.hashing._codec as codec

    lengths: list[tuple[int, int]] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        lengths.append((len(a), len(b)))
        return real(a, b)

    mod = importlib.import_module(f"cognito_migrate.hashing.schemes.{module}")
    monkeypatch.setattr(codec.hmac, "compare_digest", spy)
    monkeypatch.setattr(mod, "equal", spy)
    for password in ("x", "correct horse battery staple", "y" * 200):
        check(password, stored, scheme=scheme, params=params)
    assert lengths
    assert all(a == b for a, b in lengths)
    assert_match("correct horse battery staple", stored, scheme=scheme, params=params)


# ---- iterated digests: a long password must not multiply the capped cost ------------------------------------

LONG_PASSWORD = "🔑" * 4096  # 16 KiB of UTF-8: within MAX_PASSWORD_CHARS


@pytest.mark.parametrize(
    ("scheme", "stored", "params"),
    [
        ("sha512_crypt", "$6$rounds=900000$salt$" + "a" * 86, None),
        ("sha256_crypt", "$5$rounds=900000$salt$" + "a" * 43, None),
        ("phpass", "$P$H" + "a" * 30, None),  # log2 19: under the cap of 20
        ("drupal7", "$S$I" + "a" * 51, None),  # log2 20, the cap; Drupal takes up to 512 bytes
        ("symfony_message_digest", base64.b64encode(b"x" * 64).decode(), {"iterations": 900_000}),
    ],
)
def test_long_password_times_rounds_is_capped(scheme: str, stored: str, params: dict[str, Any] | None) -> None:
    """Rounds under the cap with a short password; with a 16 KiB password the work is ~65x: refused at once."""
    password = "p" * 500 if scheme == "drupal7" else LONG_PASSWORD
    reason = assert_refused_before_work(Verdict.OVER_LIMIT, password, stored, scheme=scheme, params=params)
    assert reason.endswith("exceeded for this password length")  # the row is not to blame


def test_iterated_cap_leaves_real_passwords_alone() -> None:
    limits = CostLimits(sha_crypt_max_rounds=5000, phpass_max_log2=8, digest_max_iterations=5000)
    for scheme, cost in [("sha512_crypt", {"rounds": 5000}), ("phpass", {"log2": 8})]:
        password = "p" * 255
        stored = create(scheme, password, cost=cost)
        assert_verdict(Verdict.MATCH, password, stored, scheme=scheme, limits=limits)
        assert_verdict(Verdict.OVER_LIMIT, "p" * 256, stored, scheme=scheme, limits=limits)
    stored = create("symfony_message_digest", "p" * 200, params={"salt": "s"})
    assert_verdict(Verdict.MATCH, "p" * 200, stored, scheme="symfony_message_digest", params={"salt": "s"},
                   limits=limits)  # fmt: skip


def test_sha_crypt_long_password_still_verifies() -> None:
    """The DP step no longer builds password * len(password); the result is unchanged (libpass vector)."""
    passlib_hash = pytest.importorskip("passlib.hash")
    password = "ü" * 300
    stored = passlib_hash.sha512_crypt.using(rounds=1000).hash(password)
    assert_verdict(Verdict.MATCH, password, stored, scheme="sha512_crypt")


# ---- correctness ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("scheme", "digest"), [("django_salted_md5", "md5"), ("django_salted_sha1", "sha1")])
def test_django_salted_with_empty_salt(scheme: str, digest: str) -> None:
    """``md5$$hex``: Django's check_password verifies it (as unsalted); H("" + pw) is that same digest."""
    stored = f"{digest}$${hashlib.new(digest, 'lètmein'.encode()).hexdigest()}"
    assert_match("lètmein", stored, scheme=scheme)


def test_drupal6_rehash_accepts_long_passwords() -> None:
    """``U$S$``: Drupal's 512-byte limit applies to what _password_crypt hashes, the 32-character md5 hex."""
    password = "p" * 600
    inner = create("drupal7", hashlib.md5(password.encode()).hexdigest(), cost={"log2": 7})  # noqa: S324
    assert_match(password, "U" + inner, scheme="drupal7")
    assert_verdict(Verdict.MISMATCH, password, create("drupal7", password, cost={"log2": 7}), scheme="drupal7")


def test_werkzeug_pbkdf2_without_count_is_not_identified() -> None:
    assert identify("pbkdf2:sha256$salt$00") is None
    assert identify("pbkdf2:sha256:600000$salt$00") == "werkzeug"


def test_yescrypt_password_with_nul_never_matches() -> None:
    from cognito_migrate.hashing.schemes import yescrypt

    if not yescrypt.available():
        pytest.skip("libxcrypt not available")
    stored = create("yescrypt", "secret", cost={"count": 1})
    assert_verdict(Verdict.MATCH, "secret", stored)
    assert_verdict(Verdict.MISMATCH, "secret\x00anything", stored)


# ---- dummies ------------------------------------------------------------------------------------------------


def test_spring_pbkdf2_dummy_honours_base64_encoding() -> None:
    params = {"encoding": "base64", "iterations": 10}
    stored = create("spring_delegating", "pw", cost={"encoder": "pbkdf2"}, params=params)
    assert_match("pw", stored, scheme="spring_delegating", params=params)


def test_firebase_dummy_without_project_parameters() -> None:
    """The unknown-user path asks for a dummy without params: it gets Firebase's usual cost (r=8, N=2^14)."""
    pytest.importorskip("cryptography")
    dummy = dummy_credential("firebase_scrypt")
    assert dummy.params["rounds"] == 8
    assert dummy.params["mem_cost"] == 14
    assert_verdict(Verdict.MISMATCH, "pw", dummy.stored, scheme="firebase_scrypt", params=dict(dummy.params))


# ---- cold start ---------------------------------------------------------------------------------------------


def test_import_is_lean_and_verify_paths_do_not_import_secrets() -> None:
    """Importing the package loads no logging; verifying with stdlib schemes loads no ``secrets`` (dummies only)."""
    code = """
import sys
import cognito_migrate.hashing as h
assert "logging" not in sys.modules, "logging"
for scheme in ("django_pbkdf2_sha256", "sha512_crypt", "md5_crypt", "phpass", "ldap_ssha", "werkzeug",
               "des_crypt", "passlib_pbkdf2", "aspnet_membership", "scrypt_crypt7", "django_salted_md5"):
    h.check("pw", "x", scheme=scheme, params={"salt": "c2FsdA=="} if scheme == "aspnet_membership" else None)
heavy = {"secrets", "random", "bcrypt", "argon2", "cryptography", "logging"} & set(sys.modules)
assert not heavy, heavy
"""
    subprocess.run([sys.executable, "-c", code], check=True)


def test_yescrypt_upgrades_and_rom_refused_before_computing() -> None:
    """``have`` bit 4 (g, hash upgrades) or 8 (NROM): cost outside the caps, never passed to libxcrypt."""
    for params in ("j9T1.", "j9T5.", "j9T3.."):  # have = 4 (g), 8 (NROM), 6 (t and g)
        stored = f"$y${params}$saltsaltsaltsalt$" + "a" * 43
        assert_verdict(Verdict.UNSUPPORTED, "pw", stored, scheme="yescrypt")


def test_spring_salted_message_digest_identified() -> None:
    """``{MD5}{salt}hex`` is Spring's (LDAP's {MD5} is bare base64, never a brace)."""
    salt = "{c2FsdA==}"
    stored = "{MD5}" + salt + hashlib.md5(("pw" + salt).encode()).hexdigest()  # noqa: S324
    assert identify(stored) == "spring_delegating"
    assert_match("pw", stored)


@pytest.mark.parametrize(("fmt", "shape"), [(None, ("sha1", "64000", "18")), ("v1", ("sha256", "1000"))])
def test_pbkdf2_generic_dummy_costs_what_its_format_costs(fmt: str | None, shape: tuple[str, ...]) -> None:
    """defuse v1 rows are sha256 x 1000, v2 rows sha1 x 64000: a dummy of 64000 v1 iterations was 64x a real row."""
    stored = create("pbkdf2_generic", "pw", cost={"format": fmt} if fmt else None)
    assert tuple(stored.split(":")[: len(shape)]) == shape
    assert_match("pw", stored)


def test_broken_backend_is_unsupported_not_malformed(monkeypatch: pytest.MonkeyPatch) -> None:
    """An installed but unloadable extension (ImportError, not ModuleNotFoundError) is not the row's fault."""
    import builtins

    from cognito_migrate.hashing import _registry

    real_import = builtins.__import__

    def broken(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "bcrypt":
            raise ImportError("undefined symbol: something")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "cognito_migrate.hashing.schemes.bcrypt_family", raising=False)
    monkeypatch.delitem(sys.modules, "bcrypt", raising=False)
    monkeypatch.setattr(builtins, "__import__", broken)
    monkeypatch.setattr(_registry, "_loaded", {})
    result = check_detailed("x", "$2b$04$" + "a" * 53)
    assert result.verdict is Verdict.UNSUPPORTED, result


def test_params_of_wrong_types_are_malformed_with_a_reason() -> None:
    """An explicit null for a choice param tripped an assert (stripped under -O): now a named refusal."""
    result = check_detailed("pw", "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8", scheme="raw_digest",
                            params={"algorithm": None})  # fmt: skip
    assert result.verdict is Verdict.MALFORMED
    assert result.reason.startswith("params.algorithm")

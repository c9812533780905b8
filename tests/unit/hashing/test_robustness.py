"""No exception for any input; malformed and truncated values are MALFORMED; caps refuse in well under 1 ms."""

from __future__ import annotations

import base64
import random
import string

import pytest

from cognito_migrate.hashing import SCHEMES, CostLimits, Verdict, check, check_detailed, create, dummy_credential
from tests.unit.hashing.hashing_vectors import CHEAP, PARAMS, assert_refused_before_work, assert_verdict

# A valid value per scheme (cheap costs) for truncation and mutation fuzzing.
EXTRA_VALID = {
    "pbkdf2_generic": "sha1:10:c2FsdA==:AAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "episerver_membership": "$episerver$*0*MjEwNA==*ZUgAmuaYTqAvisD0A427FA3oaWU",
    "umbraco_hmacsha1": "Vz9mJxudAR4ZVJTNI4W+oH7m3X0=",
    "django_salted_md5": "md5$seasalt$3f86d0d3d465b7b458c231bf3555c0e3",
    "django_unsalted_sha1": "sha1$$6d138ca3ae545631b3abd71a4f076ce759c5700b",
    "django_crypt": "crypt$$ab1Hv2Lg7ltQo",
    "keycloak_pbkdf2": '{"secretData": {"value": "AAAAAAAAAAAAAAAAAAAAAA==", "salt": "c2FsdHNhbHQ="}, '
    '"credentialData": {"algorithm": "pbkdf2-sha256", "hashIterations": 10}}',
    "spring_delegating": "{sha256}97cde38028ad898ebc02e690819fa220e88c62e0699403e94fff291cfffaf8410849f27605abcbc0",
    "symfony_message_digest": base64.b64encode(b"x" * 64).decode(),
    "symfony_pbkdf2": base64.b64encode(b"x" * 40).decode(),
    "ldap_md5": "{MD5}X03MO1qnZdYdgyfeuILPmQ==", "ldap_smd5": "{SMD5}X03MO1qnZdYdgyfeuILPmQAA",
    "ldap_sha": "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", "ldap_ssha256": "{SSHA256}" + "A" * 48,
    "ldap_crypt": "{CRYPT}ab1Hv2Lg7ltQo", "mysql323": "6f8c114b58f2ce9e",
    "hmac_digest": "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8",
}  # fmt: skip


def _valid(scheme: str) -> str:
    if scheme in EXTRA_VALID:
        return EXTRA_VALID[scheme]
    if scheme == "yescrypt":
        from cognito_migrate.hashing.schemes import yescrypt

        if not yescrypt.available():
            pytest.skip("libxcrypt not available")
    return create(scheme, "pw", cost=CHEAP.get(scheme), params=PARAMS.get(scheme))


@pytest.mark.parametrize("scheme", SCHEMES)
def test_truncations_and_mutations_never_raise(scheme: str) -> None:
    stored = _valid(scheme)
    params = PARAMS.get(scheme)
    rng = random.Random(scheme)
    candidates = [stored[:i] for i in range(len(stored))]
    for _ in range(40):
        chars = list(stored)
        chars[rng.randrange(len(chars))] = rng.choice(string.printable + "é\x00")
        candidates.append("".join(chars))
    matched = [
        candidate
        for candidate in candidates  # none raises: check() answers with a verdict whatever the input
        if check("pw", candidate, scheme=scheme, params=params, limits=CostLimits(pbkdf2_max_iterations=10**5))
        is Verdict.MATCH
    ]
    # a mutation that left the value as it was, or changed only bits the format ignores, may still match;
    # most must not (a verifier that matched anything would pass "never raises")
    assert len(matched) < len(candidates) // 4
    # Truncated by more than a character is never a match, except where the framework itself takes the key
    # length from the stored value (PBKDF2 output is a prefix of a longer output): ASP.NET V3, Keycloak...
    if scheme in {"aspnet_identity_v3", "keycloak_pbkdf2", "pbkdf2_generic"}:
        return
    for candidate in candidates[: max(len(stored) - 2, 0)]:
        assert check("pw", candidate, scheme=scheme, params=params) is not Verdict.MATCH


@pytest.mark.parametrize("seed", range(5))
def test_random_garbage_never_raises(seed: int) -> None:
    rng = random.Random(seed)
    alphabet = string.printable + "$${}*:é€\x00\udcff"
    for _ in range(300):
        stored = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 120)))
        prefix = rng.choice(["", "$2b$10$", "$argon2id$", "{SSHA}", "pbkdf2_sha256$", "AQAAAA", "$y$", "$7$", "{"])
        # never raises, and garbage is never the hash of "pw"
        assert check("pw", prefix + stored) is not Verdict.MATCH
        assert check("pw", prefix + stored, scheme=rng.choice(list(SCHEMES))) is not Verdict.MATCH


def test_wrong_base64_and_huge_values() -> None:
    for scheme, stored in [
        ("aspnet_identity_v3", "AQAAAA==="), ("ldap_ssha", "{SSHA}@@@@"), ("django_pbkdf2_sha256", "pbkdf2_sha256$1$s$%%%"),
        ("atlassian_pbkdf2_sha1", "{PKCS5S2}" + "A" * 10_000), ("bcrypt", "$2b$" + "9" * 100_000),
    ]:  # fmt: skip
        assert check("pw", stored, scheme=scheme) in {Verdict.MALFORMED, Verdict.OVER_LIMIT}


OVER_LIMIT = {
    "bcrypt": "$2b$31$" + "a" * 53,
    "django_bcrypt": "bcrypt$$2b$31$" + "a" * 53,
    "wordpress_bcrypt": "$wp$2y$31$" + "a" * 53,
    "aspnet_identity_v3": base64.b64encode(b"\x01\0\0\0\x02\x7f\xff\xff\xff\0\0\0\x10" + b"s" * 16 + b"k" * 32).decode(),
    "django_pbkdf2_sha256": "pbkdf2_sha256$999999999$salt$" + "A" * 43 + "=",
    "django_scrypt": "scrypt$1073741824$salt$8$1$" + "A" * 86 + "==",
    "argon2": "$argon2id$v=19$m=4194304,t=3,p=4$c2FsdHNhbHQ$" + "A" * 43,
    "sha512_crypt": "$6$rounds=999999999$salt$" + "a" * 86,
    "scrypt_crypt7": "$7$Z6..../....salt$" + "a" * 43,
    "yescrypt": "$y$jZT$salt$hash",
    "passlib_pbkdf2": "$pbkdf2-sha256$999999999$c2FsdA$" + "A" * 43,
    "pbkdf2_generic": "sha256:999999999:salt:" + "A" * 44,
    "werkzeug": "pbkdf2:sha256:999999999$salt$" + "00" * 32,
    "phpass": "$P$J" + "a" * 30,  # log2 21: within phpass's 7..30, over the default cap of 20
    "drupal7": "$S$J" + "a" * 51,
    "spring_delegating": "{scrypt}$1e0801$AAAA$AAAA",
}  # fmt: skip


@pytest.mark.parametrize("scheme", OVER_LIMIT)
def test_over_limit_refused_before_any_hashing(scheme: str) -> None:
    assert_refused_before_work(Verdict.OVER_LIMIT, "pw", OVER_LIMIT[scheme], scheme=scheme)


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_dummy_credential_for_every_scheme(scheme: str) -> None:
    if scheme == "yescrypt":
        _valid(scheme)  # skips without libxcrypt
    dummy = dummy_credential(scheme, cost=CHEAP.get(scheme), params=PARAMS.get(scheme))
    assert dummy.scheme == scheme
    assert_verdict(Verdict.MISMATCH, "", dummy.stored, scheme=scheme, params=dict(dummy.params))


def test_canary_password_never_in_reasons_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    canary = "Canary-7f3a9d"
    caplog.set_level("DEBUG")
    for scheme in SCHEMES:
        for stored in ("", "garbage", canary, "$2b$04$" + "a" * 53, "{SSHA}" + canary):
            result = check_detailed(
                canary, stored, scheme=scheme, params={"salt": canary} if "salt" in SCHEMES[scheme].params else None
            )
            assert canary not in result.reason, scheme
    assert canary not in caplog.text

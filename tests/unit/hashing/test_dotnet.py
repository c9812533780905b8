"""ASP.NET Membership (SqlMembershipProvider), Episerver and Umbraco."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

import pytest

from cognito_migrate.hashing import Verdict, check_detailed, create, identify
from tests.unit.hashing.hashing_vectors import UNICODE, assert_match, assert_verdict

# Benjlet/SqlMembershipAdapter tests/SqlMembershipEncryptionTests.cs: "3GrM4v[eYgK-UT", PasswordFormat 1.
MEMBERSHIP_PASSWORD = "3GrM4v[eYgK-UT"
MEMBERSHIP_SALT = "wZdnRVXWcvXZKY6HJmJqUg=="
MEMBERSHIP = {
    "MD5": "Ux6iZnp/kSSqFLjP+jT/Qw==",
    "SHA1": "Vz9mJxudAR4ZVJTNI4W+oH7m3X0=",
    "SHA256": "Kqx+vXAfjf0esjMOR/Ls6rPijWFh3+ObJfA79YH30V8=",
    "SHA384": "gJyk9LnmCJvQRUxTIbUt+KRohZRy8vN30MWSCuQ5ywnKYQy28Df5yQ7GZvgFSnD3",
    "SHA512": "3axEbdUmy8RM4eN/oIoeAtWhqcrerF2UCf9qtrMaQ3xhCVeuS82vKlNTaPaLAa7JCIHGSw7QXVPEoBJXRLWLFw==",
}


@pytest.mark.parametrize("algorithm", MEMBERSHIP)
def test_membership_published(algorithm: str) -> None:
    params = {"salt": MEMBERSHIP_SALT, "algorithm": algorithm, "password_format": 1}
    assert_match(MEMBERSHIP_PASSWORD, MEMBERSHIP[algorithm], scheme="aspnet_membership", params=params)


def test_membership_default_is_sha1_and_sqlpasswordhasher_form() -> None:
    stored = MEMBERSHIP["SHA1"]
    assert_match(MEMBERSHIP_PASSWORD, stored, scheme="aspnet_membership", params={"salt": MEMBERSHIP_SALT})
    # Microsoft's SQLPasswordHasher sample keeps "hash|format|salt" in the Identity PasswordHash column.
    assert_match(MEMBERSHIP_PASSWORD, f"{stored}|1|{MEMBERSHIP_SALT}", scheme="aspnet_membership")


def _hmac_membership(password: str, salt: bytes, digest: str) -> str:
    """EncodePassword's KeyedHashAlgorithm branch (.NET reference source SQLMembershipProvider.cs), salt repeated."""
    size = 128 if digest in {"sha384", "sha512"} else 64
    key = (salt * (size // len(salt) + 1))[:size]
    return base64.b64encode(hmac.new(key, password.encode("utf-16-le"), digest).digest()).decode()


@pytest.mark.parametrize("digest", ["sha1", "sha256", "sha512"])
@pytest.mark.parametrize("password", ["", UNICODE, "Hunter2!"], ids=["empty", "unicode", "ascii"])
def test_membership_hmac_variants(digest: str, password: str) -> None:
    # Not vector-verified upstream (no public HMAC vector exists); built from the reference source.
    salt = os.urandom(16)
    stored = _hmac_membership(password, salt, digest)
    params = {"salt": base64.b64encode(salt).decode(), "algorithm": f"HMAC{digest.upper()}"}
    assert_match(password, stored, scheme="aspnet_membership", params=params)


def test_membership_clear_and_encrypted() -> None:
    assert_match("Hunter2!", "Hunter2!", scheme="aspnet_membership", params={"password_format": 0})
    result = check_detailed("x", "AAAA", scheme="aspnet_membership", params={"password_format": "2"})
    assert result.verdict is Verdict.UNSUPPORTED
    assert "machineKey" in result.reason


def test_membership_create_and_unicode() -> None:
    stored = create("aspnet_membership", UNICODE)
    assert identify(stored) is None
    assert_match(UNICODE, stored, scheme="aspnet_membership")


def test_membership_malformed() -> None:
    params = {"salt": MEMBERSHIP_SALT, "algorithm": "SHA256"}
    assert_verdict(Verdict.MALFORMED, "x", MEMBERSHIP["SHA1"], scheme="aspnet_membership", params=params)
    assert_verdict(Verdict.MALFORMED, "x", "not base64!", scheme="aspnet_membership", params=params)
    assert_verdict(Verdict.MALFORMED, "x", MEMBERSHIP["SHA1"], scheme="aspnet_membership", params={"algorithm": "X"})


EPISERVER = {
    # hashcat src/modules/module_00141.c and module_01441.c ST_HASH / ST_PASS.
    "hashcat-141-sha1": ("hashcat", "$episerver$*0*MjEwNA==*ZUgAmuaYTqAvisD0A427FA3oaWU"),
    "hashcat-1441-sha256": ("hashcat", "$episerver$*1*NDg1NTIz*8BFCg/YJBAuZs/wjbH3OWKe69BLr5Lao26ybpnD48Zk"),
}


@pytest.mark.parametrize("key", EPISERVER)
def test_episerver_published(key: str) -> None:
    password, stored = EPISERVER[key]
    assert identify(stored) == "episerver_membership"
    assert_match(password, stored)


def test_episerver_unicode_and_malformed() -> None:
    salt = os.urandom(8)
    digest = hashlib.sha256(salt + UNICODE.encode("utf-16-le")).digest()
    stored = f"$episerver$*1*{base64.b64encode(salt).decode()}*{base64.b64encode(digest).decode()}"
    assert_match(UNICODE, stored)
    assert_verdict(Verdict.MALFORMED, "x", "$episerver$*2*MjEwNA==*ZUgA")


@pytest.mark.parametrize("password", ["", "hashcat", UNICODE], ids=["empty", "ascii", "unicode"])
def test_umbraco(password: str) -> None:
    # hashcat mode 24800 "Umbraco HMAC-SHA1": HMAC-SHA1(key = utf16le(pw), msg = utf16le(pw)), base64.
    data = password.encode("utf-16-le")
    stored = base64.b64encode(hmac.new(data, data, "sha1").digest()).decode()
    assert_match(password, stored, scheme="umbraco_hmacsha1")
    assert_verdict(Verdict.MALFORMED, password, stored[:-4], scheme="umbraco_hmacsha1")


def test_membership_hashed_row_needs_its_salt() -> None:
    result = check_detailed(MEMBERSHIP_PASSWORD, MEMBERSHIP["SHA1"], scheme="aspnet_membership")
    assert result.verdict is Verdict.MALFORMED
    assert "PasswordSalt" in result.reason

"""LDAP RFC 2307 values, MySQL PASSWORD(), and configurable raw/HMAC digests."""

from __future__ import annotations

import base64
import hashlib
import hmac
import warnings

import pytest

from cognito_migrate.hashing import SCHEMES, Verdict, create, identify
from tests.unit.hashing.hashing_vectors import UNICODE, assert_match, assert_verdict

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from passlib import hash as passlib_hash

PASSWORDS = {"empty": "", "ascii": "hunter2", "unicode": UNICODE}
LDAP = {
    "ldap_md5": passlib_hash.ldap_md5,
    "ldap_smd5": passlib_hash.ldap_salted_md5,
    "ldap_sha": passlib_hash.ldap_sha1,
    "ldap_ssha": passlib_hash.ldap_salted_sha1,
    "ldap_ssha256": passlib_hash.ldap_salted_sha256,
    "ldap_ssha512": passlib_hash.ldap_salted_sha512,
}


@pytest.mark.parametrize("scheme", LDAP)
@pytest.mark.parametrize("password", PASSWORDS.values(), ids=PASSWORDS.keys())
def test_ldap_libpass_generated(scheme: str, password: str) -> None:
    stored = LDAP[scheme].hash(password)
    assert identify(stored) == scheme
    assert_match(password, stored)


@pytest.mark.parametrize("salt_length", [2, 4, 15, 16], ids=lambda n: f"salt{n}")
def test_ldap_any_salt_length(salt_length: int) -> None:
    # hashcat's {SSHA256} example has a 2-byte salt, which libpass refuses; the format allows any length.
    salt = bytes(range(salt_length))
    for tag, digest in (("{SSHA}", "sha1"), ("{SSHA256}", "sha256"), ("{SSHA512}", "sha512")):
        stored = tag + base64.b64encode(hashlib.new(digest, b"pw" + salt).digest() + salt).decode()
        assert_match("pw", stored)


def test_ldap_create_and_malformed() -> None:
    for scheme in ("ldap_ssha", "ldap_ssha512"):
        assert_match(UNICODE, create(scheme, UNICODE))
    assert_verdict(Verdict.MALFORMED, "pw", "{SHA}AAAA")
    assert_verdict(Verdict.MALFORMED, "pw", "{SSHA512}" + base64.b64encode(b"x" * 63).decode())
    assert_verdict(Verdict.MALFORMED, "pw", "{SSHA}not base64")


@pytest.mark.parametrize("password", PASSWORDS.values(), ids=PASSWORDS.keys())
def test_mysql_libpass_generated(password: str) -> None:
    stored = passlib_hash.mysql41.hash(password)
    assert identify(stored) == "mysql41"
    assert_match(password, stored)
    assert_match(password, stored[1:].lower(), scheme="mysql41")  # hashcat's form
    old = passlib_hash.mysql323.hash(password)
    assert identify(old) is None
    assert_match(password, old, scheme="mysql323")


def test_mysql323_skips_spaces_and_published() -> None:
    # MySQL 3.23 OLD_PASSWORD('mypass') = '6f8c114b58f2ce9e' (MySQL reference manual, "Password Hashing").
    assert_match("mypass", "6f8c114b58f2ce9e", scheme="mysql323")
    assert_verdict(Verdict.MATCH, "my pass", "6f8c114b58f2ce9e", scheme="mysql323")
    assert_match("mypass", create("mysql41", "mypass"))
    assert_verdict(Verdict.MALFORMED, "x", "*ABC", scheme="mysql41")


RAW = [
    ({"algorithm": "md5"}, lambda pw, s: hashlib.md5(pw).hexdigest()),  # noqa: S324
    ({"algorithm": "sha1", "salt": "NaCl"}, lambda pw, s: hashlib.sha1(s + pw).hexdigest()),  # noqa: S324
    ({"algorithm": "sha256", "salt": "NaCl", "salt_position": "suffix"}, lambda pw, s: hashlib.sha256(pw + s).hexdigest()),
    ({"algorithm": "sha512", "salt": "4e61436c", "salt_encoding": "hex", "encoding": "base64"},
     lambda pw, s: base64.b64encode(hashlib.sha512(s + pw).digest()).decode()),
]  # fmt: skip


@pytest.mark.parametrize(("params", "fn"), RAW, ids=["md5", "sha1-prefix", "sha256-suffix", "sha512-hex-salt-b64"])
@pytest.mark.parametrize("password", PASSWORDS.values(), ids=PASSWORDS.keys())
def test_raw_digest(params: dict[str, str], fn: object, password: str) -> None:
    # The hashcat modes 0/100/110/120/1410/1700 constructions, computed with hashlib.
    stored = fn(password.encode(), b"NaCl")  # type: ignore[operator]
    assert_match(password, stored, scheme="raw_digest", params=params)
    assert_match(password, stored.upper() if params.get("encoding") != "base64" else stored, scheme="raw_digest",
                 params=params)  # fmt: skip


@pytest.mark.parametrize("key", ["password", "salt"])
@pytest.mark.parametrize("password", PASSWORDS.values(), ids=PASSWORDS.keys())
def test_hmac_digest(key: str, password: str) -> None:
    # hashcat 50/60 (key = pass / key = salt) with SHA-256 (1450/1460).
    pw, salt = password.encode(), b"NaCl"
    stored = hmac.new(pw, salt, "sha256").hexdigest() if key == "password" else hmac.new(salt, pw, "sha256").hexdigest()
    params = {"algorithm": "sha256", "salt": "NaCl", "key": key}
    assert_match(password, stored, scheme="hmac_digest", params=params)
    other = {**params, "key": "salt" if key == "password" else "password"}  # swapped key/message never matches
    assert_verdict(Verdict.MISMATCH, password, stored, scheme="hmac_digest", params=other)


def test_digest_params_are_checked() -> None:
    stored = hashlib.sha256(b"pw").hexdigest()
    assert_verdict(Verdict.MALFORMED, "pw", stored, scheme="raw_digest", params={"algorithm": "md5"})
    assert_verdict(Verdict.MALFORMED, "pw", stored, scheme="raw_digest", params={"algorithm": "whirlpool"})
    assert_verdict(Verdict.MALFORMED, "pw", stored, scheme="raw_digest", params={"salt_position": "middle"})
    assert_verdict(Verdict.MALFORMED, "pw", stored, scheme="raw_digest", params={"nope": 1})
    assert SCHEMES["raw_digest"].weak
    assert not SCHEMES["raw_digest"].self_describing


@pytest.mark.parametrize("scheme", ["ldap_md5", "ldap_smd5", "ldap_sha", "ldap_ssha256", "ldap_crypt", "mysql323"])
def test_weak_creators_roundtrip(scheme: str) -> None:
    stored = create(scheme, UNICODE, cost={"rounds": 1000} if scheme == "ldap_crypt" else None)
    assert_match(UNICODE, stored, scheme=scheme)

"""Spring Security's DelegatingPasswordEncoder and Symfony's legacy hashers."""

from __future__ import annotations

import base64
import hashlib
import os

import pytest

from cognito_migrate.hashing import Verdict, identify
from tests.unit.hashing.hashing_vectors import UNICODE, assert_match, assert_verdict

# spring-projects/spring-security docs (features/authentication/password-storage.adoc) and the
# DelegatingPasswordEncoder javadoc: every value is the password "password".
SPRING = {
    "bcrypt": "{bcrypt}$2a$10$dXJ3SW6G7P50lGmMkkmwe.20cQQubK3.HZWzG3YB1tlRy.fqvM/BG",
    "noop": "{noop}password",
    "pbkdf2": "{pbkdf2}5d923b44a6d129f3ddf3e3c8d29412723dcbde72445e8ef6bf3b508fbf17fa4ed4d6b99ca763d8dc",
    "scrypt": "{scrypt}$e0801$8bWJaSu2IKSn9Z9kM+TPXfOc/9bdYSrN1oD9qfVThWEwdRTnO7re7Ei+fUZRJ68k9lTyuTeUp4of4g24hHnazw==$OAOec05+bXxvuu/1qZ6NUR+xQYvYv7BeL1QxwRpY5Pc=",
    "sha256": "{sha256}97cde38028ad898ebc02e690819fa220e88c62e0699403e94fff291cfffaf8410849f27605abcbc0",
}  # fmt: skip


@pytest.mark.parametrize("key", SPRING)
def test_spring_published(key: str) -> None:
    assert identify(SPRING[key]) == "spring_delegating"
    assert_match("password", SPRING[key])


def _spring_pbkdf2_v58(password: str) -> str:
    """Pbkdf2PasswordEncoder.defaultsForSpringSecurity_v5_8(): 16-byte salt, HMAC-SHA256, 310,000 iterations, hex."""
    salt = os.urandom(16)
    return (
        "{pbkdf2@SpringSecurity_v5_8}" + (salt + hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 310_000)).hex()
    )


@pytest.mark.parametrize("password", ["", UNICODE], ids=["empty", "unicode"])
def test_spring_generated_forms(password: str) -> None:
    assert_match(password, _spring_pbkdf2_v58(password))
    digest = hashlib.sha256((password + "{abc}").encode()).hexdigest()  # MessageDigestPasswordEncoder with {salt}
    assert_match(password, "{SHA-256}{abc}" + digest)
    assert_match(password, "{MD5}" + hashlib.md5(password.encode()).hexdigest())  # noqa: S324


def test_spring_pbkdf2_secret_param() -> None:
    salt = os.urandom(8)
    dk = hashlib.pbkdf2_hmac("sha1", b"pw", salt + b"secret", 1000, 32)
    stored = "{pbkdf2}" + (salt + dk).hex()
    assert_match("pw", stored, params={"secret": "secret", "iterations": 1000})
    assert_verdict(Verdict.MISMATCH, "pw", stored, params={"iterations": 1000})


@pytest.mark.parametrize(
    "stored", ["{unknown}abc", "{pbkdf2}zz", "{scrypt}$e0801$abc", "{sha256}00", "{bcrypt}$2a$10$short"],
    ids=["id", "hex", "scrypt-parts", "sha256-length", "bcrypt"],
)  # fmt: skip
def test_spring_malformed(stored: str) -> None:
    assert_verdict(Verdict.MALFORMED, "password", stored, scheme="spring_delegating")


def test_spring_scrypt_capped() -> None:
    assert_verdict(Verdict.OVER_LIMIT, "password", "{scrypt}$1e0801$AAAA$AAAA")


# symfony/symfony src/Symfony/Component/PasswordHasher/Tests/Hasher/Pbkdf2PasswordHasherTest.php ("password", salt "").
SYMFONY_PBKDF2 = {
    "sha256-hex-1": ("c1232f10f62715fda06ae7c0a2037ca19b33cf103b727ba56d870c11f290a2ab106974c75607c8a3", 1, False),
    "sha256-b64-1": ("wSMvEPYnFf2gaufAogN8oZszzxA7cnulbYcMEfKQoqsQaXTHVgfIow==", 1, True),
    "sha256-hex-2": ("8bc2f9167a81cdcfad1235cd9047f1136271c1f978fcfcb35e22dbeafa4634f6fd2214218ed63ebb", 2, False),
}


@pytest.mark.parametrize("key", SYMFONY_PBKDF2)
def test_symfony_pbkdf2_published(key: str) -> None:
    stored, iterations, b64 = SYMFONY_PBKDF2[key]
    params = {"algorithm": "sha256", "iterations": iterations, "encode_as_base64": b64, "length": 40}
    assert_match("password", stored, scheme="symfony_pbkdf2", params=params)


def test_symfony_pbkdf2_defaults_with_salt() -> None:
    dk = hashlib.pbkdf2_hmac("sha512", UNICODE.encode(), b"pepper-salt", 1000, 40)
    assert_match(UNICODE, base64.b64encode(dk).decode(), scheme="symfony_pbkdf2", params={"salt": "pepper-salt"})


def _symfony_digest(password: str, salt: str, algorithm: str, iterations: int) -> bytes:
    """MessageDigestPasswordHasher::hash as its test (MessageDigestPasswordHasherTest.php) spells it."""
    salted = (f"{password}{{{salt}}}" if salt else password).encode()
    digest = hashlib.new(algorithm, salted).digest()
    for _ in range(iterations - 1):
        digest = hashlib.new(algorithm, digest + salted).digest()
    return digest


def test_symfony_message_digest_published() -> None:
    # MessageDigestPasswordHasherTest.php: hash('sha256', 'password'), its base64, and 2 iterations.
    params = {"algorithm": "sha256", "iterations": 1, "encode_as_base64": False}
    assert_match("password", hashlib.sha256(b"password").hexdigest(), scheme="symfony_message_digest", params=params)
    b64 = base64.b64encode(hashlib.sha256(b"password").digest()).decode()
    assert_match("password", b64, scheme="symfony_message_digest", params={**params, "encode_as_base64": True})
    two = hashlib.sha256(hashlib.sha256(b"password").digest() + b"password").hexdigest()
    assert_match("password", two, scheme="symfony_message_digest", params={**params, "iterations": 2})


@pytest.mark.parametrize("password", ["", UNICODE], ids=["empty", "unicode"])
def test_symfony_message_digest_defaults_with_salt(password: str) -> None:
    stored = base64.b64encode(_symfony_digest(password, "s4lt", "sha512", 5000)).decode()
    assert_match(password, stored, scheme="symfony_message_digest", params={"salt": "s4lt"})
    assert_verdict(Verdict.MALFORMED, password, stored, scheme="symfony_message_digest", params={"salt": "{x}"})
    assert_verdict(Verdict.OVER_LIMIT, password, stored, scheme="symfony_message_digest",
                   params={"salt": "s4lt", "iterations": 10**8})  # fmt: skip


def test_creators_roundtrip() -> None:
    from cognito_migrate.hashing import create

    assert_match(UNICODE, create("spring_delegating", UNICODE, cost={"rounds": 4}))
    pbkdf2 = create("spring_delegating", UNICODE, cost={"encoder": "pbkdf2", "iterations": 1000})
    assert_match(UNICODE, pbkdf2, params={"iterations": 1000})
    params = {"salt": "s4lt", "iterations": 50}
    assert_match(UNICODE, create("symfony_message_digest", UNICODE, params=params), scheme="symfony_message_digest",
                 params=params)  # fmt: skip
    assert_match(UNICODE, create("symfony_pbkdf2", UNICODE, params=params), scheme="symfony_pbkdf2", params=params)

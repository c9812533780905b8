"""Stand-alone PBKDF2 formats: passlib, defuse-style ``alg:iter:salt:hash``, Atlassian, Keycloak."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import warnings

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from cognito_migrate.hashing import CostLimits, Verdict, create, identify
from tests.unit.hashing.hashing_vectors import UNICODE, assert_match, assert_verdict

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from passlib import hash as passlib_hash

PASSWORDS = {"empty": "", "ascii": "hunter2", "unicode": UNICODE}

# passlib's own test_handlers.py (pbkdf2_sha512 known_correct_hashes).
PASSLIB_PUBLISHED = (
    "password",
    "$pbkdf2-sha512$1212$RHY0Fr3IDMSVO/RSZyb5ow$eNLfBK.eVozomMr.1gYa17k9B7KIK25NOEshvhrSX.esqY3s.FvWZViXz4KoLlQI.BzY/YTNJOiKc5gBYFYGww",
)  # fmt: skip


def test_passlib_published() -> None:
    assert_match(*PASSLIB_PUBLISHED)


@pytest.mark.parametrize("handler", ["pbkdf2_sha1", "pbkdf2_sha256", "pbkdf2_sha512"])
@pytest.mark.parametrize("password", PASSWORDS.values(), ids=PASSWORDS.keys())
def test_passlib_generated(handler: str, password: str) -> None:
    stored = getattr(passlib_hash, handler).using(rounds=1000).hash(password)
    assert identify(stored) == "passlib_pbkdf2"
    assert_match(password, stored)


def test_passlib_create_read_by_libpass() -> None:
    stored = create("passlib_pbkdf2", UNICODE, cost={"iterations": 1000})
    verified = passlib_hash.pbkdf2_sha256.verify(UNICODE, stored)
    assert verified, "libpass rejects the value create() wrote"


@pytest.mark.parametrize("password", PASSWORDS.values(), ids=PASSWORDS.keys())
def test_atlassian_libpass_generated(password: str) -> None:
    stored = passlib_hash.atlassian_pbkdf2_sha1.hash(password)
    assert identify(stored) == "atlassian_pbkdf2_sha1"
    assert_match(password, stored)


def test_atlassian_create_and_malformed() -> None:
    stored = create("atlassian_pbkdf2_sha1", UNICODE)
    verified = passlib_hash.atlassian_pbkdf2_sha1.verify(UNICODE, stored)
    assert verified, "libpass rejects the value create() wrote"
    assert_verdict(Verdict.MALFORMED, "x", stored[:-8])


def _defuse_v1(password: str, digest: str, iterations: int) -> str:
    """defuse/password-hashing PasswordHash.php (v1): the base64 salt *text* is PBKDF2's salt."""
    salt = base64.b64encode(os.urandom(24)).decode()
    dk = hashlib.pbkdf2_hmac(digest, password.encode(), salt.encode(), iterations, 24)
    return f"{digest}:{iterations}:{salt}:{base64.b64encode(dk).decode()}"


def _defuse_v2(password: str, digest: str, iterations: int) -> str:
    """defuse/password-hashing PasswordStorage (v2): ``alg:iterations:size:b64(salt):b64(hash)``."""
    salt = os.urandom(24)
    dk = hashlib.pbkdf2_hmac(digest, password.encode(), salt, iterations, 18)
    return f"{digest}:{iterations}:18:{base64.b64encode(salt).decode()}:{base64.b64encode(dk).decode()}"


@pytest.mark.parametrize("builder", [_defuse_v1, _defuse_v2], ids=["v1", "v2"])
@pytest.mark.parametrize("password", PASSWORDS.values(), ids=PASSWORDS.keys())
def test_pbkdf2_generic(builder: object, password: str) -> None:
    stored = builder(password, "sha256", 1000)  # type: ignore[operator]
    assert identify(stored) == "pbkdf2_generic"
    assert_match(password, stored)


def test_pbkdf2_generic_hex_params_and_malformed() -> None:
    salt = os.urandom(16)
    dk = hashlib.pbkdf2_hmac("sha1", b"pw", salt, 1000, 20)
    stored = f"sha1:1000:{salt.hex()}:{dk.hex()}"
    assert_match("pw", stored, params={"salt_encoding": "hex", "hash_encoding": "hex"})
    assert_verdict(Verdict.MALFORMED, "pw", "md5:1000:salt:AAAA", scheme="pbkdf2_generic")
    assert_verdict(
        Verdict.OVER_LIMIT, "pw", "sha1:999999999:salt:AAAAAAAAAAAAAAAAAAAAAAAAAAA=", scheme="pbkdf2_generic"
    )


def _keycloak(password: str, algorithm: str, iterations: int, key_size: int, *, as_strings: bool = True) -> str:
    """A credential as Keycloak's Pbkdf2PasswordHashProvider stores it, derived with `cryptography` (PBEKeySpec)."""
    digest = {"pbkdf2": hashes.SHA1(), "pbkdf2-sha256": hashes.SHA256(), "pbkdf2-sha512": hashes.SHA512()}[algorithm]  # noqa: S303
    salt = os.urandom(16)
    value = PBKDF2HMAC(algorithm=digest, length=key_size, salt=salt, iterations=iterations).derive(password.encode())
    secret = {
        "value": base64.b64encode(value).decode(),
        "salt": base64.b64encode(salt).decode(),
        "additionalParameters": {},
    }
    credential = {"hashIterations": iterations, "algorithm": algorithm, "additionalParameters": {}}
    if as_strings:  # a realm export holds both as JSON strings
        return json.dumps({"secretData": json.dumps(secret), "credentialData": json.dumps(credential)})
    return json.dumps({"secretData": secret, "credentialData": credential})


@pytest.mark.parametrize(
    ("algorithm", "key_size"), [("pbkdf2", 64), ("pbkdf2-sha256", 32), ("pbkdf2-sha512", 64)],
    ids=["sha1", "sha256", "sha512"],
)  # fmt: skip
@pytest.mark.parametrize("password", PASSWORDS.values(), ids=PASSWORDS.keys())
def test_keycloak(algorithm: str, key_size: int, password: str) -> None:
    stored = _keycloak(password, algorithm, 1000, key_size)
    assert identify(stored) == "keycloak_pbkdf2"
    assert_match(password, stored)
    assert_match(password, _keycloak(password, algorithm, 1000, key_size, as_strings=False))


def test_keycloak_split_columns_and_limits() -> None:
    document = json.loads(_keycloak("pw", "pbkdf2-sha256", 1000, 32, as_strings=False))
    secret, credential = json.dumps(document["secretData"]), json.dumps(document["credentialData"])
    assert_match("pw", secret, scheme="keycloak_pbkdf2", params={"credential_data": credential})
    assert_verdict(Verdict.OVER_LIMIT, "pw", secret, scheme="keycloak_pbkdf2", params={"credential_data": credential},
                   limits=CostLimits(pbkdf2_max_iterations=999))  # fmt: skip


def test_keycloak_argon2() -> None:
    # No public vector: the raw argon2id output of argon2-cffi, stored the way Argon2PasswordHashProvider does.
    from argon2.low_level import Type, hash_secret_raw

    salt = os.urandom(16)
    raw = hash_secret_raw(b"pw", salt, time_cost=2, memory_cost=256, parallelism=1, hash_len=32, type=Type.ID)
    secret = {"value": base64.b64encode(raw).decode(), "salt": base64.b64encode(salt).decode()}
    credential = {"hashIterations": 2, "algorithm": "argon2", "additionalParameters": {
        "type": ["id"], "version": ["1.3"], "hashLength": ["32"], "memory": ["256"], "parallelism": ["1"]}}  # fmt: skip
    assert_match("pw", json.dumps({"secretData": secret, "credentialData": credential}))


@pytest.mark.parametrize(
    "stored",
    ['{"secretData": 1, "credentialData": {}}', '{"secretData": "{not json", "credentialData": "{}"}',
     '{"secretData": {"value": "AA==", "salt": "AA=="}, "credentialData": {"algorithm": "md5", "hashIterations": 1}}',
     '{"secretData": {"value": "AA==", "salt": "AA=="}, "credentialData": {"algorithm": "pbkdf2", "hashIterations": 0}}'],
    ids=["types", "json", "algorithm", "iterations"],
)  # fmt: skip
def test_keycloak_malformed(stored: str) -> None:
    assert_verdict(Verdict.MALFORMED, "pw", stored, scheme="keycloak_pbkdf2")


def test_new_creators_roundtrip() -> None:
    stored = create("keycloak_pbkdf2", UNICODE, cost={"iterations": 1000, "algorithm": "pbkdf2-sha512"})
    assert identify(stored) == "keycloak_pbkdf2"
    assert_match(UNICODE, stored)
    generic = create("pbkdf2_generic", UNICODE, cost={"iterations": 1000})
    assert identify(generic) == "pbkdf2_generic"
    assert_match(UNICODE, generic)

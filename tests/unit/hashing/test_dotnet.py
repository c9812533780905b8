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


def test_membership_clear_and_encrypted_without_a_key() -> None:
    assert_match("Hunter2!", "Hunter2!", scheme="aspnet_membership", params={"password_format": 0})
    result = check_detailed("x", "AAAA", scheme="aspnet_membership", params={"password_format": "2"})
    assert result.verdict is Verdict.UNSUPPORTED
    assert "machineKey" in result.reason
    assert "decryption_key" in result.reason


# ---- PasswordFormat 2 (encrypted) ---------------------------------------------------------------------------
# No public vectors exist (each application has its own machineKey). These are built independently of the
# module, step by step as the .NET reference source does: SqlMembershipProvider.EncodePassword (salt bytes +
# UTF-16LE password) -> MembershipAdapter.EncryptOrDecryptData (IVType.None, no signature) ->
# MachineKeySection.EncryptOrDecryptData (CBC, the all-zero IV of ConfigureEncryptionObject, PKCS#7).
MACHINE_KEY_AES = "2B7E151628AED2A6ABF7158809CF4F3C762E7160F38B4DA56A784D9045190CFE"
MACHINE_KEY_3DES = "0123456789ABCDEFFEDCBA987654321089ABCDEF01234567"


def _dotnet_encrypted(password: str, salt_b64: str, key_hex: str, algorithm: str) -> str:
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key = bytes.fromhex(key_hex)
    cipher_algorithm = algorithms.AES(key) if algorithm == "AES" else TripleDES(key)
    block_bits = cipher_algorithm.block_size
    padder = padding.PKCS7(block_bits).padder()
    data = padder.update(base64.b64decode(salt_b64) + password.encode("utf-16-le")) + padder.finalize()
    encryptor = Cipher(cipher_algorithm, modes.CBC(bytes(block_bits // 8))).encryptor()
    return base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode()


@pytest.mark.parametrize(("algorithm", "key"), [("AES", MACHINE_KEY_AES), ("3DES", MACHINE_KEY_3DES)])
def test_membership_encrypted_with_the_machine_key(algorithm: str, key: str) -> None:
    stored = _dotnet_encrypted(UNICODE, MEMBERSHIP_SALT, key, algorithm)
    params = {"password_format": 2, "decryption_key": key, "decryption": algorithm, "salt": MEMBERSHIP_SALT}
    assert_match(UNICODE, stored, scheme="aspnet_membership", params=params)
    assert stored == create("aspnet_membership", UNICODE, params=params)  # deterministic: zero IV, same salt


def test_membership_encrypted_key_is_read_only_when_an_encrypted_row_needs_it() -> None:
    """The key comes as a callable (a secret reference resolved by the caller); hashed rows never call it."""
    calls: list[int] = []

    def key() -> str:
        calls.append(1)
        return MACHINE_KEY_AES

    hashed = {"salt": MEMBERSHIP_SALT, "decryption_key": key}
    assert_match(MEMBERSHIP_PASSWORD, MEMBERSHIP["SHA1"], scheme="aspnet_membership", params=hashed)
    assert calls == []
    stored = _dotnet_encrypted("pw", MEMBERSHIP_SALT, MACHINE_KEY_AES, "AES")
    assert_match("pw", stored, scheme="aspnet_membership", params={"password_format": "2", "decryption_key": key})
    assert calls


def test_membership_encrypted_with_a_wrong_key_names_the_setting_to_check() -> None:
    stored = _dotnet_encrypted("pw", MEMBERSHIP_SALT, MACHINE_KEY_AES, "AES")
    wrong = {"password_format": 2, "decryption_key": "00" * 32}
    result = check_detailed("pw", stored, scheme="aspnet_membership", params=wrong)
    assert Verdict.MALFORMED is result.verdict  # the padding is wrong (for all but ~1 key in 256: then MISMATCH)
    assert "params.decryption_key" in result.reason
    bad_length = check_detailed("pw", stored, scheme="aspnet_membership", params={**wrong, "decryption_key": "00" * 5})
    assert Verdict.MALFORMED is bad_length.verdict
    assert "decryption_key" in bad_length.reason


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

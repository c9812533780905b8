"""ASP.NET Membership (``aspnet_Membership``) and the .NET CMS variants: Episerver, Umbraco.

``SqlMembershipProvider.EncodePassword`` (.NET reference source, System.Web/Security/SQLMembershipProvider.cs):
the password is UTF-16LE; PasswordFormat 0 = clear, 1 = hashed, 2 = encrypted. Hashed with an unkeyed
algorithm: ``H(salt + pw)``; with an HMAC: the salt, repeated or cut to the HMAC's default key size (64 bytes,
128 for SHA-384/512), is the key. ``passwordCompatMode=Framework20`` (the default) hashes with SHA1;
``hashAlgorithmType`` in web.config names another.

Encrypted (2): ``base64(E(salt + UTF-16LE(pw)))`` where E is ``MachineKeySection.EncryptOrDecryptData`` as
``MembershipAdapter`` calls it (``IVType.None``, no signature, for compatibility with stored passwords): CBC
with an all-zero IV and PKCS#7 padding, keyed by the machineKey ``decryptionKey`` with its ``decryption``
algorithm (AES or 3DES). ``UnEncodePassword`` decrypts and drops the 16 salt bytes; so does this module, then
compares in constant time. The key is a param (from a secret reference, resolved by the caller).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from typing import TYPE_CHECKING, Any

from cognito_migrate.hashing._codec import (
    b64decode,
    equal,
    equal_plaintext,
    hexdecode,
    param_choice,
    param_secret,
    param_str,
    utf16le,
)
from cognito_migrate.hashing._core import Malformed, Scheme, Unsupported

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cognito_migrate.hashing._core import CostLimits

_ALGORITHMS = {
    "md5": ("md5", False), "sha1": ("sha1", False), "sha256": ("sha256", False), "sha384": ("sha384", False),
    "sha512": ("sha512", False), "hmacmd5": ("md5", True), "hmacsha1": ("sha1", True),
    "hmacsha256": ("sha256", True), "hmacsha384": ("sha384", True), "hmacsha512": ("sha512", True),
}  # fmt: skip
_NAMES = {name: name for name in _ALGORITHMS}
_FORMATS = {"0": 0, "clear": 0, "1": 1, "hashed": 1, "2": 2, "encrypted": 2}


def membership_hash(password: str, salt: bytes, algorithm: str) -> bytes:
    """EncodePassword for PasswordFormat 1 (before base64)."""
    digest, keyed = _ALGORITHMS[algorithm]
    data = utf16le(password)
    if not keyed:
        return hashlib.new(digest, salt + data).digest()
    key_size = 128 if digest in {"sha384", "sha512"} else 64
    if not salt:
        raise Malformed("aspnet_membership: an HMAC algorithm needs a salt")
    key = (salt * (key_size // len(salt) + 1))[:key_size]
    return hmac.new(key, data, digest).digest()


def _format(params: Mapping[str, Any]) -> int:
    value = params.get("password_format", 1)
    return int(param_choice({"f": str(value)}, "f", _FORMATS, "1"))


def verify_aspnet_membership(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``Password`` column; ``salt`` = the ``PasswordSalt`` column, or stored as ``hash|format|salt``."""
    salt_text = param_str(params, "salt")
    password_format = _format(params)
    if salt_text is None and stored.count("|") == 2:  # Microsoft's SQLPasswordHasher sample: hash|format|salt
        stored, format_text, salt_text = stored.split("|")
        password_format = int(param_choice({"f": format_text}, "f", _FORMATS, "1"))
    if password_format == 0:
        return equal_plaintext(utf16le(password), utf16le(stored))
    if password_format == 2:
        return _verify_encrypted(password, stored, params)
    algorithm = param_choice(params, "algorithm", _NAMES, "sha1")
    if salt_text is None:
        raise Malformed("aspnet_membership: params.salt (the PasswordSalt column) is required for hashed rows")
    salt = b64decode(salt_text, "params.salt")
    expected = b64decode(stored, "aspnet_membership")
    if len(expected) != hashlib.new(_ALGORITHMS[algorithm][0]).digest_size:
        raise Malformed("aspnet_membership: hash length does not fit the algorithm")
    return equal(membership_hash(password, salt, algorithm), expected)


_MACHINE_KEY_ALGORITHMS = {"aes": "AES", "3des": "3DES"}
_SALT_BYTES = 16  # SALT_SIZE_IN_BYTES: the salt that UnEncodePassword drops after decrypting


def _cipher(params: Mapping[str, Any]) -> Any:
    """The machineKey cipher (CBC, zero IV); Unsupported with the reason when no key is configured here."""
    key_text = param_secret(params, "decryption_key")
    if not key_text:
        raise Unsupported(
            "aspnet_membership: PasswordFormat 2 (encrypted) needs params.decryption_key, web.config's "
            "machineKey decryptionKey, configured as a secret reference (env:, ssm:, secretsmanager:)"
        )
    key = hexdecode(key_text.strip(), "params.decryption_key")
    name = param_choice(params, "decryption", _MACHINE_KEY_ALGORITHMS, "AES")
    try:
        from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    except ModuleNotFoundError:
        raise Unsupported("aspnet_membership: encrypted passwords need pip install 'cognito-migrate[aspnet]'") from None
    sizes = (16, 24, 32) if name == "AES" else (16, 24)
    if len(key) not in sizes:
        raise Malformed(
            f"params.decryption_key: {name} takes a key of {' or '.join(str(s * 2) for s in sizes)} hex digits"
        )
    algorithm = algorithms.AES(key) if name == "AES" else TripleDES(key)
    return Cipher(algorithm, modes.CBC(bytes(algorithm.block_size // 8)))


def _verify_encrypted(password: str, stored: str, params: Mapping[str, Any]) -> bool:
    """Decrypt the column with the machineKey, drop the 16 salt bytes, compare with the password."""
    cipher = _cipher(params)
    block = cipher.algorithm.block_size // 8
    data = b64decode(stored, "aspnet_membership")
    if not data or len(data) % block:
        raise Malformed("aspnet_membership: encrypted value is not a whole number of cipher blocks")
    decryptor = cipher.decryptor()
    plain = decryptor.update(data) + decryptor.finalize()
    pad = plain[-1]
    if not 1 <= pad <= block or plain[-pad:] != bytes([pad]) * pad or len(plain) - pad < _SALT_BYTES:
        # every row failing this way means the wrong key or algorithm: say which setting to check
        raise Malformed("aspnet_membership: cannot decrypt (check params.decryption_key and params.decryption)")
    return equal_plaintext(utf16le(password), plain[_SALT_BYTES:-pad])


def _encrypt(password: str, salt: bytes, params: Mapping[str, Any]) -> str:
    cipher = _cipher(params)
    block = cipher.algorithm.block_size // 8
    data = salt + utf16le(password)
    pad = block - len(data) % block
    encryptor = cipher.encryptor()
    return base64.b64encode(encryptor.update(data + bytes([pad]) * pad) + encryptor.finalize()).decode("ascii")


def create_aspnet_membership(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """The ``Password`` column for ``params["salt"]``; without a salt, ``hash|1|salt`` with a new 16-byte salt.

    The second form (Microsoft's SQLPasswordHasher sample) is self-contained, which suits dummies and demos.
    With ``password_format`` 2, the encrypted column (decryption_key and decryption as for verify).
    """
    if _format(params) == 2:
        salt_text = param_str(params, "salt")
        salt = b64decode(salt_text, "params.salt") if salt_text is not None else os.urandom(_SALT_BYTES)
        return _encrypt(password, salt, params)
    algorithm = param_choice(params, "algorithm", _NAMES, "sha1")
    salt_text = param_str(params, "salt")
    salt = b64decode(salt_text, "params.salt") if salt_text is not None else os.urandom(16)
    digest = base64.b64encode(membership_hash(password, salt, algorithm)).decode("ascii")
    if salt_text is not None:
        return digest
    return f"{digest}|1|{base64.b64encode(salt).decode('ascii')}"


def verify_episerver_membership(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """hashcat's ``$episerver$*0*salt*hash`` (0 = SHA1, 1 = SHA256): ``H(salt + UTF-16LE(pw))``."""
    parts = stored.split("*")
    if len(parts) != 4 or parts[0] != "$episerver$" or parts[1] not in {"0", "1"}:
        raise Malformed("episerver_membership: expected $episerver$*0|1*salt*hash")
    digest = "sha1" if parts[1] == "0" else "sha256"
    salt = b64decode(parts[2], "episerver.salt", pad=True)
    expected = b64decode(parts[3], "episerver.hash", pad=True)
    return equal(membership_hash(password, salt, digest), expected)


def verify_umbraco_hmacsha1(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """Umbraco legacy ``HMACSHA1``: key = message = UTF-16LE(pw), base64 (hashcat 24800)."""
    expected = b64decode(stored, "umbraco_hmacsha1")
    if len(expected) != 20:
        raise Malformed("umbraco_hmacsha1: expected 20 bytes")
    data = utf16le(password)
    return equal(hmac.new(data, data, "sha1").digest(), expected)


def create_episerver_membership(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """``$episerver$*1*salt*hash`` (SHA256, .NET 4) with a 16-byte salt."""
    salt = os.urandom(16)
    digest = membership_hash(password, salt, "sha256")
    return f"$episerver$*1*{base64.b64encode(salt).decode('ascii')}*{base64.b64encode(digest).decode('ascii')}"


def create_umbraco_hmacsha1(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """base64(HMAC-SHA1(UTF-16LE(pw), UTF-16LE(pw)))."""
    data = utf16le(password)
    return base64.b64encode(hmac.new(data, data, "sha1").digest()).decode("ascii")


IMPLEMENTATIONS = (
    Scheme("aspnet_membership", verify_aspnet_membership, create_aspnet_membership),
    Scheme("episerver_membership", verify_episerver_membership, create_episerver_membership),
    Scheme("umbraco_hmacsha1", verify_umbraco_hmacsha1, create_umbraco_hmacsha1),
)

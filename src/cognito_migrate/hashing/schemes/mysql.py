"""MySQL account passwords (``mysql.user.authentication_string``), for applications whose users are DB accounts.

* ``mysql41``: 4.1+ ``PASSWORD()`` / ``mysql_native_password``, ``*`` + hex SHA1(SHA1(pw)); unsalted, fast.
* ``mysql323``: pre-4.1 ``OLD_PASSWORD()``, MySQL's ``hash_password()`` (sql/password.c): spaces and tabs are
  skipped, two 31-bit halves printed as 16 hex digits; weak.
* ``mysql_caching_sha2``: MySQL 8 ``caching_sha2_password``, ``$A$`` + 3 decimal digits (rounds / 1000) + ``$``
  + a 20-byte salt + the 43-character SHA-crypt checksum (sql/auth/sha2_password.cc ``deserialize``): Drepper's
  SHA-256 crypt with MySQL's 20-byte salt (``my_crypt_genhash``). The salt is raw bytes (7-bit, never NUL or
  ``$``), so exports often hold it hex-encoded: ``0x2441...`` (``print_identified_with_as_hex``) and hashcat's
  ``$mysql$A$005*<salt hex>*<checksum hex>`` are read too.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from cognito_migrate.hashing._codec import equal, hexdecode, is_itoa64, param_int, random_text, utf8
from cognito_migrate.hashing._core import Malformed, Scheme

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cognito_migrate.hashing._core import CostLimits


def verify_mysql41(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``*`` + 40 hex digits (also accepted without ``*`` and in lower case, as hashcat writes it)."""
    value = stored[1:] if stored.startswith("*") else stored
    if len(value) != 40:
        raise Malformed("mysql41: expected * and 40 hex digits")
    expected = hexdecode(value, "mysql41")
    return equal(hashlib.sha1(hashlib.sha1(utf8(password)).digest()).digest(), expected)  # noqa: S324


def create_mysql41(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """``*`` + upper hex, as ``PASSWORD()`` returns it."""
    return "*" + hashlib.sha1(hashlib.sha1(utf8(password)).digest()).hexdigest().upper()  # noqa: S324


def mysql323_digest(secret: bytes) -> bytes:
    """MySQL 3.23 ``hash_password`` as 8 bytes."""
    nr, nr2, add = 1345345333, 0x12345671, 7
    for byte in secret:
        if byte in (0x20, 0x09):
            continue
        nr ^= ((((nr & 63) + add) * byte) + (nr << 8)) & 0xFFFFFFFF
        nr2 = (nr2 + ((nr2 << 8) ^ nr)) & 0xFFFFFFFF
        add = (add + byte) & 0xFFFFFFFF
    return (nr & 0x7FFFFFFF).to_bytes(4, "big") + (nr2 & 0x7FFFFFFF).to_bytes(4, "big")


def verify_mysql323(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """16 hex digits."""
    if len(stored) != 16:
        raise Malformed("mysql323: expected 16 hex digits")
    return equal(mysql323_digest(utf8(password)), hexdecode(stored, "mysql323"))


def create_mysql323(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """16 hex digits, as ``OLD_PASSWORD()`` returns them."""
    return mysql323_digest(utf8(password)).hex()


_SHA2_SALT = 20
_SHA2_CHECKSUM = 43
_SHA2_MAX_PASSWORD = 256  # CACHING_SHA2_PASSWORD_MAX_PASSWORD_LENGTH: longer passwords never authenticate
_SHA2_SALT_ALPHABET = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in "$'\\\"")


def _caching_sha2_parts(stored: str) -> tuple[int, bytes, str]:
    """(rounds, salt, checksum) of any of the three spellings."""
    if stored.startswith("$mysql$A$"):  # hashcat 7401: $mysql$A$005*<salt hex>*<checksum hex>
        fields = stored[9:].split("*")
        if len(fields) != 3 or not fields[0].isdigit() or len(fields[0]) > 4:
            raise Malformed("mysql_caching_sha2: expected $mysql$A$NNN*salt*checksum")
        count, salt, checksum = fields[0], hexdecode(fields[1], "salt"), hexdecode(fields[2], "checksum")
        text = checksum.decode("ascii", "replace")
    else:
        raw = hexdecode(stored[2:], "mysql_caching_sha2") if stored[:2] in ("0x", "0X") else None
        value = raw if raw is not None else stored.encode("utf-8", "surrogateescape")
        if len(value) != 7 + _SHA2_SALT + _SHA2_CHECKSUM or value[:3] != b"$A$" or value[6:7] != b"$":
            raise Malformed("mysql_caching_sha2: expected $A$NNN$, a 20-byte salt and 43 characters")
        count, salt, text = value[3:6].decode("ascii", "replace"), value[7:27], value[27:].decode("ascii", "replace")
    if not count.isdigit() or not count.isascii() or int(count) == 0:
        raise Malformed("mysql_caching_sha2: the iteration field must be decimal and not zero")
    if len(salt) != _SHA2_SALT or len(text) != _SHA2_CHECKSUM or not is_itoa64(text):
        raise Malformed("mysql_caching_sha2: wrong salt or checksum length")
    return int(count) * 1000, salt, text


def verify_mysql_caching_sha2(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """SHA-256 crypt of the password with the row's salt and rounds, as ``Caching_sha2_password::authenticate``."""
    from cognito_migrate.hashing.schemes.sha_crypt import sha_crypt_checksum

    rounds, salt, checksum = _caching_sha2_parts(stored)
    secret = utf8(password)
    limits.check_iterated("sha_crypt_max_rounds", rounds, len(secret), digest="sha256")  # rounds re-hash it
    return equal(sha_crypt_checksum(secret, salt, rounds, "sha256"), checksum) and len(secret) <= _SHA2_MAX_PASSWORD


def create_mysql_caching_sha2(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """``$A$005$`` + a printable 20-character salt + checksum; ``cost={"rounds": 5000}`` (multiples of 1000)."""
    from cognito_migrate.hashing.schemes.sha_crypt import sha_crypt_checksum

    rounds = param_int(cost, "rounds", 5000) or 5000
    if rounds % 1000 or not 1000 <= rounds <= 999_000:
        raise Malformed("mysql_caching_sha2: rounds must be a multiple of 1000, 1000 to 999000")
    salt = random_text(_SHA2_SALT_ALPHABET, _SHA2_SALT)
    return f"$A${rounds // 1000:03d}${salt}{sha_crypt_checksum(utf8(password), salt.encode(), rounds, 'sha256')}"


IMPLEMENTATIONS = (
    Scheme("mysql41", verify_mysql41, create_mysql41),
    Scheme("mysql323", verify_mysql323, create_mysql323),
    Scheme("mysql_caching_sha2", verify_mysql_caching_sha2, create_mysql_caching_sha2),
)

"""MySQL ``PASSWORD()``: 4.1+ ``*`` + hex SHA1(SHA1(pw)) (``mysql41``), pre-4.1 ``OLD_PASSWORD()`` (``mysql323``).

mysql323 follows MySQL's ``hash_password()`` (sql/password.c): spaces and tabs are skipped, two 31-bit
halves printed as 16 hex digits. Both are unsalted and fast: ``weak``.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from cognito_migrate.hashing._codec import equal, hexdecode, utf8
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


IMPLEMENTATIONS = (
    Scheme("mysql41", verify_mysql41, create_mysql41),
    Scheme("mysql323", verify_mysql323, create_mysql323),
)

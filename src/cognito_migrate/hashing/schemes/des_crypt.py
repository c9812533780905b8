"""Traditional DES crypt(3): 13 characters, 2-character salt, only the first 8 characters of the password count.

Implemented from FIPS 46-3 and the Unix V7 ``crypt.c`` salt rule (salt bit j of character i swaps E-box outputs
6i+j and 6i+j+24), because the stdlib ``crypt`` module is gone in Python 3.13. The 16 DES rounds are computed
on integers with precomputed E-box and S-box+P tables; 25 encryptions of a zero block take a few milliseconds.
Also Django's ``crypt$$`` form. Cost is fixed, so no cap applies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cognito_migrate.hashing._codec import ITOA64, equal, is_itoa64, itoa64_index, random_text, utf8
from cognito_migrate.hashing._core import Malformed, Scheme

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from cognito_migrate.hashing._core import CostLimits

# FIPS 46-3 tables, 1-based bit positions counted from the most significant bit.
# fmt: off
_PC1 = (
    57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3,
    60, 52, 44, 36, 63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37,
    29, 21, 13, 5, 28, 20, 12, 4,
)
_PC2 = (
    14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2,
    41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
)
_SHIFTS = (
    1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1,
)
_E = (
    32, 1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 9, 8, 9, 10, 11, 12, 13, 12, 13, 14, 15, 16, 17,
    16, 17, 18, 19, 20, 21, 20, 21, 22, 23, 24, 25, 24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1,
)
_P = (
    16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9,
    19, 13, 30, 6, 22, 11, 4, 25,
)
_FP = (
    40, 8, 48, 16, 56, 24, 64, 32, 39, 7, 47, 15, 55, 23, 63, 31, 38, 6, 46, 14, 54, 22, 62, 30,
    37, 5, 45, 13, 53, 21, 61, 29, 36, 4, 44, 12, 52, 20, 60, 28, 35, 3, 43, 11, 51, 19, 59, 27,
    34, 2, 42, 10, 50, 18, 58, 26, 33, 1, 41, 9, 49, 17, 57, 25,
)
_S = (
    (
        14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7,
        0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
        4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0,
        15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13,
    ),
    (
        15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10,
        3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
        0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15,
        13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9,
    ),
    (
        10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8,
        13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
        13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7,
        1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12,
    ),
    (
        7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15,
        13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
        10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4,
        3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14,
    ),
    (
        2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9,
        14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
        4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14,
        11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3,
    ),
    (
        12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11,
        10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
        9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6,
        4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13,
    ),
    (
        4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1,
        13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
        1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2,
        6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12,
    ),
    (
        13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7,
        1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
        7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8,
        2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11,
    ),
)
# fmt: on


def _permute(value: int, table: Sequence[int], width: int) -> int:
    out = 0
    for position in table:
        out = (out << 1) | ((value >> (width - position)) & 1)
    return out


# E(R) as the OR of four per-byte tables; S-box i followed by P as one 64-entry table per box.
_E_BYTES = tuple(tuple(_permute(v << (24 - 8 * b), _E, 32) for v in range(256)) for b in range(4))
_SP = tuple(
    tuple(
        _permute(_S[box][((x >> 4) & 2 | x & 1) * 16 + ((x >> 1) & 0xF)] << (28 - 4 * box), _P, 32) for x in range(64)
    )
    for box in range(8)
)


def _subkeys(key: int) -> list[int]:
    cd = _permute(key, _PC1, 64)
    c, d = cd >> 28, cd & 0xFFFFFFF
    keys = []
    for shift in _SHIFTS:
        c = ((c << shift) | (c >> (28 - shift))) & 0xFFFFFFF
        d = ((d << shift) | (d >> (28 - shift))) & 0xFFFFFFF
        keys.append(_permute((c << 28) | d, _PC2, 56))
    return keys


def des_crypt_checksum(password: bytes, salt: str) -> str:
    """The 11 characters after the salt: 25 DES encryptions of zero keyed by the password, salted E-box."""
    key = 0
    for byte in password.split(b"\0", 1)[0][:8].ljust(8, b"\0"):
        key = (key << 8) | ((byte << 1) & 0xFF)
    keys = _subkeys(key)
    salt_value = itoa64_index(salt[0], "salt") | (itoa64_index(salt[1], "salt") << 6)
    swap = 0  # low-half mask: salt bit k swaps E outputs k and k+24 (0 = most significant of 48)
    for k in range(12):
        if (salt_value >> k) & 1:
            swap |= 1 << (23 - k)
    e0, e1, e2, e3 = _E_BYTES
    sp = _SP
    left = right = 0
    for _ in range(25):
        for subkey in keys:
            e = e0[right >> 24] | e1[(right >> 16) & 0xFF] | e2[(right >> 8) & 0xFF] | e3[right & 0xFF]
            t = ((e >> 24) ^ e) & swap
            e ^= t | (t << 24)
            e ^= subkey
            f = (
                sp[0][e >> 42] | sp[1][(e >> 36) & 63] | sp[2][(e >> 30) & 63] | sp[3][(e >> 24) & 63]
                | sp[4][(e >> 18) & 63] | sp[5][(e >> 12) & 63] | sp[6][(e >> 6) & 63] | sp[7][e & 63]
            )  # fmt: skip
            left, right = right, left ^ f
        left, right = right, left
    block = _permute((left << 32) | right, _FP, 64) << 2  # 66 bits, read 6 at a time from the top
    return "".join(ITOA64[(block >> (60 - 6 * i)) & 63] for i in range(11))


def _verify(password: str, stored: str) -> bool:
    if len(stored) != 13 or not is_itoa64(stored):
        raise Malformed("des_crypt: expected 13 characters of ./0-9A-Za-z")
    return equal(des_crypt_checksum(utf8(password), stored[:2]), stored[2:])


def verify_des_crypt(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """13-character traditional crypt (only 8 characters of the password count)."""
    return _verify(password, stored)


def create_des_crypt(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """A traditional crypt with a random 2-character salt."""
    salt = random_text(ITOA64, 2)
    return salt + des_crypt_checksum(utf8(password), salt)


def verify_django_crypt(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """Django's ``crypt$$<13-character DES crypt>`` (older rows: ``crypt$<salt>$<crypt>``)."""
    parts = stored.split("$")
    if len(parts) != 3 or parts[0] != "crypt":
        raise Malformed("django_crypt: expected crypt$salt$hash")
    return _verify(password, parts[2])


def create_django_crypt(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """``crypt$$<DES crypt>`` (Django <= 4.2 CryptPasswordHasher)."""
    return "crypt$$" + create_des_crypt(password, cost, params)


IMPLEMENTATIONS = (
    Scheme("des_crypt", verify_des_crypt, create_des_crypt),
    Scheme("django_crypt", verify_django_crypt, create_django_crypt),
)

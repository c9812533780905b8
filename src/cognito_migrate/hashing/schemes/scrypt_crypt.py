"""scrypt in crypt(3) form, ``$7$`` (libxcrypt ``crypt-scrypt.c``, from Colin Percival's / openwall's escrypt).

``$7$`` + log2(N) (1 char) + r (5 chars) + p (5 chars) + salt + ``$`` + 43 characters: r and p are 30-bit
little-endian crypt64 numbers, the salt is used as its own text, the 32-byte key is encoded little-endian
in 3-byte groups. Computed with ``hashlib.scrypt`` after N, r, p are checked against the caps.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from cognito_migrate.hashing._codec import ITOA64, encode64_le, equal, itoa64_index, param_int, random_text, utf8
from cognito_migrate.hashing._core import DEFAULT_LIMITS, Malformed, Scheme

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cognito_migrate.hashing._core import CostLimits


def _decode30(text: str) -> int:
    value = 0
    for shift, char in enumerate(text):
        value |= itoa64_index(char, "$7$.params") << (6 * shift)
    return value


def _encode30(value: int) -> str:
    return "".join(ITOA64[(value >> (6 * i)) & 63] for i in range(5))


def scrypt_crypt7_checksum(password: bytes, setting: str, limits: CostLimits) -> str:
    """The 43-character key for ``setting`` (``$7$`` + params + salt, without the trailing ``$hash``)."""
    if len(setting) < 14 or not setting.startswith("$7$"):
        raise Malformed("scrypt_crypt7: expected $7$ + 11 parameter characters + salt")
    n = 1 << itoa64_index(setting[3], "$7$.N")
    r, p = _decode30(setting[4:9]), _decode30(setting[9:14])
    maxmem = limits.scrypt_maxmem(n, r, p)
    key = hashlib.scrypt(password, salt=setting[14:].encode("ascii"), n=n, r=r, p=p, maxmem=maxmem, dklen=32)
    return encode64_le(key)


def verify_scrypt_crypt7(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``$7$CU..../....salt$hash``."""
    setting, sep, checksum = stored.rpartition("$")
    if not sep or len(checksum) != 43 or not setting.isascii():
        raise Malformed("scrypt_crypt7: expected setting$43 characters")
    return equal(scrypt_crypt7_checksum(utf8(password), setting, limits), checksum)


def create_scrypt_crypt7(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """libxcrypt's defaults (N=2^14, r=32, p=1) unless ``cost`` says otherwise."""
    log2n = param_int(cost, "log2_n", 14) or 14
    r = param_int(cost, "r", 32) or 32
    p = param_int(cost, "p", 1) or 1
    salt = random_text(ITOA64, 22)
    setting = f"$7${ITOA64[log2n]}{_encode30(r)}{_encode30(p)}{salt}"
    return f"{setting}${scrypt_crypt7_checksum(utf8(password), setting, DEFAULT_LIMITS)}"


IMPLEMENTATIONS = (Scheme("scrypt_crypt7", verify_scrypt_crypt7, create_scrypt_crypt7),)

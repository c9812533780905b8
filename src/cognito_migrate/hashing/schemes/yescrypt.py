"""yescrypt ``$y$`` through the system's libxcrypt (``crypt_rn``), the only implementation there is.

There is no pure-Python yescrypt. Debian/Ubuntu ship ``libcrypt.so.1``, Fedora and Amazon Linux 2023
``libcrypt.so.2``; when neither loads (or the library predates yescrypt) the verdict is UNSUPPORTED with a
reason saying so. N, r, p and t are decoded from the parameter field (yescrypt-common.c ``decode64_uint32``)
and checked against the scrypt caps before the library is called.
"""

from __future__ import annotations

import ctypes
from typing import TYPE_CHECKING, Any

from cognito_migrate.hashing._codec import equal, itoa64_index, param_int, utf8
from cognito_migrate.hashing._core import Malformed, Scheme, Unsupported

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cognito_migrate.hashing._core import CostLimits

_CRYPT_DATA_SIZE = 32768  # sizeof(struct crypt_data) in libxcrypt
_LIBRARIES = ("libcrypt.so.1", "libcrypt.so.2", "libcrypt.so")


def _load() -> Any:
    for name in _LIBRARIES:
        try:
            lib = ctypes.CDLL(name)
            fn = lib.crypt_rn
        except (OSError, AttributeError):
            continue
        fn.restype = ctypes.c_char_p
        fn.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int]
        gensalt = getattr(lib, "crypt_gensalt_rn", None)
        if gensalt is not None:
            gensalt.restype = ctypes.c_char_p
            gensalt.argtypes = [ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                                ctypes.c_int]  # fmt: skip
        return fn, gensalt
    return None, None


_crypt_rn, _gensalt_rn = _load()


def available() -> bool:
    """True when libxcrypt with ``crypt_rn`` was found."""
    return _crypt_rn is not None


def system_crypt(password: bytes, setting: bytes) -> bytes | None:
    """libxcrypt's crypt for any setting it knows; None when it refuses."""
    if _crypt_rn is None:
        raise Unsupported("yescrypt: libxcrypt (libcrypt.so.1/.2) is not available on this system")
    data = ctypes.create_string_buffer(_CRYPT_DATA_SIZE)
    result: bytes | None = _crypt_rn(password, setting, data, _CRYPT_DATA_SIZE)
    return result


def _decode(text: str, pos: int, minimum: int) -> tuple[int, int]:
    """yescrypt-common.c decode64_uint32: a variable-length little-endian crypt64 number."""
    if pos >= len(text):
        raise Malformed("yescrypt: truncated parameters")
    c = itoa64_index(text[pos], "yescrypt.params")
    pos += 1
    start, end, chars, bits, value = 0, 47, 1, 0, minimum
    while c > end:
        value += (end + 1 - start) << bits
        start = end + 1
        end = start + (62 - end) // 2
        chars += 1
        bits += 6
    value += (c - start) << bits
    for _ in range(chars - 1):
        if pos >= len(text):
            raise Malformed("yescrypt: truncated parameters")
        value += itoa64_index(text[pos], "yescrypt.params") << bits
        pos += 1
        bits += 6
    return value, pos


def check_cost(params: str, limits: CostLimits) -> None:
    """Decode flavor, N, r (and p, t when present) and check them against the caps."""
    _, pos = _decode(params, 0, 0)
    log2n, pos = _decode(params, pos, 1)
    r, pos = _decode(params, pos, 1)
    p, t = 1, 0
    if pos < len(params):
        have, pos = _decode(params, pos, 1)
        if have & ~3:
            # g (hash upgrades, each a costlier recomputation) and NROM are never written by crypt_gensalt;
            # their cost is not bounded by the caps below, so they are refused rather than computed.
            raise Unsupported("yescrypt: hash upgrades and ROM parameters are not supported")
        if have & 1:
            p, pos = _decode(params, pos, 2)
        if have & 2:
            t, pos = _decode(params, pos, 1)
    if log2n > 40:
        raise Malformed("yescrypt: N out of range")
    n = 1 << log2n
    # yescrypt splits N among the p threads, so time and memory follow N*r (times t+1), not N*r*p.
    limits.check("scrypt_max_n", n)
    limits.check("scrypt_max_r", r)
    limits.check("scrypt_max_p", p)
    limits.check("scrypt_max_memory", 128 * r * n)
    limits.check("scrypt_max_work", n * r * (t + 1))
    limits.admit("scrypt", n * r * (t + 1))


def verify_yescrypt(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``$y$<params>$<salt>$<hash>``."""
    parts = stored.split("$")
    if len(parts) != 5 or parts[0] or parts[1] != "y" or not parts[2] or not parts[4] or not stored.isascii():
        raise Malformed("yescrypt: expected $y$params$salt$hash")
    check_cost(parts[2], limits)
    secret = utf8(password)
    if b"\0" in secret:
        return False  # a C string ends at NUL: libxcrypt would verify only the part before it
    result = system_crypt(secret, stored.encode("ascii"))
    if result is None:
        raise Malformed("yescrypt: libxcrypt refused the setting")
    return equal(result, stored.encode("ascii"))


def create_yescrypt(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """A ``$y$`` hash from libxcrypt's ``crypt_gensalt`` (``cost={"count": 1..11}``, default 5: ``$y$j9T$``)."""
    if _gensalt_rn is None:
        raise Unsupported("yescrypt: libxcrypt (libcrypt.so.1/.2) is not available on this system")
    count = param_int(cost, "count", 5) or 5
    buffer = ctypes.create_string_buffer(256)
    setting = _gensalt_rn(b"$y$", count, None, 0, buffer, 256)
    result = system_crypt(utf8(password), setting) if setting else None
    if result is None:
        raise Unsupported("yescrypt: libxcrypt refused to create a hash")
    return result.decode("ascii")


IMPLEMENTATIONS = (Scheme("yescrypt", verify_yescrypt, create_yescrypt),)

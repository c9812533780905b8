"""Small shared helpers: password encodings, strict base64/hex decoding, crypt(3) base64, param readers.

Every decoder raises :class:`Malformed` (naming the field) instead of the stdlib's ValueError/binascii.Error,
so scheme modules stay short and no exception text ever carries a stored value.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from typing import TYPE_CHECKING, Any

from cognito_migrate.hashing._core import Malformed

if TYPE_CHECKING:
    from collections.abc import Mapping

#: crypt(3)'s base64 alphabet (also phpass, Drupal, bcrypt uses a permutation of it).
ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ITOA64_INDEX = {c: i for i, c in enumerate(ITOA64)}
_HEX = frozenset("0123456789abcdefABCDEF")

#: PHP trim()'s default character set: space, tab, LF, CR, NUL, vertical tab.
PHP_TRIM = " \t\n\r\0\x0b"

equal = hmac.compare_digest
"""Constant-time comparison of two ``bytes`` (or two ASCII ``str``); the only comparison used on digests."""


def equal_plaintext(given: bytes, stored: bytes) -> bool:
    """Constant-time comparison of a password with a stored plaintext (``{noop}``, ``plain$$``, PasswordFormat 0).

    ``compare_digest`` takes time proportional to its second argument and returns early on a length
    difference, which would tell the length of the stored password; fixed-size digests of both sides don't.
    """
    return hmac.compare_digest(hashlib.sha256(given).digest(), hashlib.sha256(stored).digest())


def random_text(alphabet: str, length: int) -> str:
    """A random salt of ``length`` characters of ``alphabet`` (``secrets`` is imported here, off the verify path)."""
    import secrets

    return "".join(secrets.choice(alphabet) for _ in range(length))


def utf8(password: str) -> bytes:
    """UTF-8 as the frameworks encode; lone surrogates (impossible to type) are kept, never an exception."""
    return password.encode("utf-8", "surrogatepass")


def utf16le(password: str) -> bytes:
    """.NET's ``Encoding.Unicode`` (UTF-16LE, no BOM), used by ASP.NET Membership, Episerver and Umbraco."""
    return password.encode("utf-16-le", "surrogatepass")


def b64decode(value: str, field: str, *, altchars: bytes | None = None, pad: bool = False) -> bytes:
    """Strict standard base64 (``pad=True`` adds missing ``=``); :class:`Malformed` on anything else."""
    if pad:
        value += "=" * (-len(value) % 4)
    try:
        return base64.b64decode(value.encode("ascii"), altchars=altchars, validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise Malformed(f"{field}: not base64") from None


def ab64decode(value: str, field: str) -> bytes:
    """passlib's "adapted base64": ``.`` instead of ``+``, no padding."""
    return b64decode(value.replace(".", "+"), field, pad=True)


def hexdecode(value: str, field: str) -> bytes:
    """Strict hex (either case)."""
    if len(value) % 2 or not _HEX.issuperset(value):
        raise Malformed(f"{field}: not hex")
    return bytes.fromhex(value)


def is_hex(value: str, length: int | None = None) -> bool:
    """True when ``value`` is non-empty hex, optionally of exactly ``length`` characters."""
    return bool(value) and (length is None or len(value) == length) and _HEX.issuperset(value)


def itoa64_index(char: str, field: str) -> int:
    """Position of a crypt(3) base64 character."""
    try:
        return _ITOA64_INDEX[char]
    except KeyError:
        raise Malformed(f"{field}: invalid character") from None


def is_itoa64(value: str) -> bool:
    """True when every character of ``value`` is in the crypt(3) alphabet."""
    return all(c in _ITOA64_INDEX for c in value)


def encode64_le(data: bytes) -> str:
    """phpass/md5-crypt style encoding: 3-byte little-endian groups, 6 bits at a time, least significant first."""
    out = []
    i = 0
    n = len(data)
    while i < n:
        value = data[i]
        i += 1
        out.append(ITOA64[value & 0x3F])
        if i < n:
            value |= data[i] << 8
        out.append(ITOA64[(value >> 6) & 0x3F])
        if i >= n:
            break
        i += 1
        if i < n:
            value |= data[i] << 16
        out.append(ITOA64[(value >> 12) & 0x3F])
        if i >= n:
            break
        i += 1
        out.append(ITOA64[(value >> 18) & 0x3F])
    return "".join(out)


def encode_24bit_groups(data: bytes, groups: tuple[tuple[int, ...], ...]) -> str:
    """crypt(3) transposed encoding (md5-crypt, sha-crypt): each group of byte indexes, MSB first, emitted LSB first."""
    out = []
    for group in groups:
        value = 0
        for index in group:
            value = (value << 8) | data[index]
        for _ in range((len(group) * 8 + 5) // 6):
            out.append(ITOA64[value & 0x3F])
            value >>= 6
    return "".join(out)


# ---- params -------------------------------------------------------------------------------------------------


def param_str(params: Mapping[str, Any], name: str, default: str | None = None) -> str | None:
    """A string param (or the default); :class:`Malformed` when present with another type."""
    value = params.get(name, default)
    if value is not None and not isinstance(value, str):
        raise Malformed(f"params.{name}: expected a string")
    return value


def param_choice(params: Mapping[str, Any], name: str, choices: Mapping[str, Any], default: str) -> Any:
    """A string param restricted to ``choices`` (case-insensitive); returns the mapped value."""
    value = param_str(params, name, default)
    try:
        return choices[value.lower()]  # type: ignore[union-attr] # None (an explicit null) fails as any other
    except (KeyError, AttributeError):
        raise Malformed(f"params.{name}: expected one of {', '.join(sorted(choices))}") from None


def param_int(params: Mapping[str, Any], name: str, default: int | None = None) -> int | None:
    """An integer param (an int, or a string of digits as read from a text column)."""
    value = params.get(name, default)
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise Malformed(f"params.{name}: expected an integer")
    return value


def param_bool(params: Mapping[str, Any], name: str, default: bool) -> bool:
    """A boolean param (a bool, or "true"/"false" as read from a text column)."""
    value = params.get(name, default)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "false", "1", "0"}:
        return value.lower() in {"true", "1"}
    raise Malformed(f"params.{name}: expected a boolean")


def param_secret(params: Mapping[str, Any], name: str) -> str | None:
    """A secret param: a string, or a zero-argument callable returning one (a secret reference resolved lazily).

    The caller that read the configuration passes a callable, so that the secret store is asked only when a
    row needs the secret; this package never resolves references itself.
    """
    value = params.get(name)
    if callable(value):
        value = value()
    if value is not None and not isinstance(value, str):
        raise Malformed(f"params.{name}: expected a string")
    return value


def param_bytes(params: Mapping[str, Any], name: str, encoding: str = "utf8") -> bytes | None:
    """A byte-string param: ``bytes`` as is, or a string decoded as ``encoding`` (utf8, base64, hex)."""
    value = params.get(name)
    if value is None or isinstance(value, bytes):
        return value
    if not isinstance(value, str):
        raise Malformed(f"params.{name}: expected a string")
    if encoding == "base64":
        return b64decode(value, f"params.{name}", pad=True)
    if encoding == "hex":
        return hexdecode(value, f"params.{name}")
    return utf8(value)

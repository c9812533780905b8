"""bcrypt and the formats that wrap it: `$2?$`, Django `bcrypt$` / `bcrypt_sha256$`, WordPress 6.8 `$wp$`.

pyca bcrypt 5 refuses passwords over 72 bytes (``hashpw`` and ``checkpw`` raise ValueError) while every legacy
implementation silently used the first 72 bytes, so the truncation is explicit here: after the pepper is
appended (Devise) and after any pre-hash. Verification is ``compare_digest(hashpw(pw, stored), stored)``.

``$2x$`` marks hashes made by crypt_blowfish before 1.1 (PHP < 5.3.7), whose key setup sign-extended bytes
>= 0x80: :func:`buggy_key` reproduces that bug (see its docstring), pyca bcrypt does the rest.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from typing import TYPE_CHECKING, Any

import bcrypt

from cognito_migrate.hashing._codec import PHP_TRIM, equal, param_bool, param_choice, param_int, param_str, utf8
from cognito_migrate.hashing._core import Malformed, Scheme

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from cognito_migrate.hashing._core import CostLimits

_BCRYPT = re.compile(r"\$2[abxy]\$([0-9]{2})\$[./A-Za-z0-9]{53}")
_MAX_BYTES = 72


def _hex(name: str) -> Callable[[bytes], bytes]:
    return lambda data: hashlib.new(name, data).hexdigest().encode("ascii")


_PREHASH: dict[str, Callable[[bytes], bytes] | None] = {
    "none": None,
    "md5_hex": _hex("md5"),
    "sha1_hex": _hex("sha1"),
    "sha256_hex": _hex("sha256"),
    "sha512_hex": _hex("sha512"),
    "sha256_b64": lambda data: base64.b64encode(hashlib.sha256(data).digest()),
}


def _parse(stored: str, limits: CostLimits, field: str = "bcrypt") -> bytes:
    """The stored value as bytes, after checking its shape and its cost against the cap."""
    match = _BCRYPT.fullmatch(stored)
    if match is None:
        raise Malformed(f"{field}: expected $2a$/$2b$/$2y$/$2x$, a 2-digit cost and 53 characters")
    cost = int(match.group(1))
    limits.check("bcrypt_max_cost", cost)
    limits.admit("bcrypt", 1 << min(cost, 31))
    return stored.encode("ascii")


def _matches(secret: bytes, stored: bytes) -> bool:
    """One bcrypt computation and a constant-time comparison; ``secret`` is at most 72 bytes."""
    return equal(bcrypt.hashpw(secret, stored), stored)


def _secret(password: str, params: Mapping[str, Any]) -> tuple[bytes, bool]:
    """bcrypt's input for ``password`` and whether it may match (False: over 72 bytes with truncate=false)."""
    data = utf8(password)
    pepper = param_str(params, "pepper")
    if pepper:
        data += utf8(pepper)
    prehash = param_choice(params, "prehash", _PREHASH, "none")
    if prehash is not None:
        data = prehash(data)
    if len(data) > _MAX_BYTES:
        return data[:_MAX_BYTES], param_bool(params, "truncate", default=True)
    return data, True


def buggy_key(secret: bytes) -> bytes:
    """The 72 key bytes crypt_blowfish's ``BF_set_key`` produced with its sign-extension bug (the ``$2x$`` flag).

    Blowfish's key schedule reads the key (NUL-terminated, repeated) as 18 big-endian 32-bit words. Before
    crypt_blowfish 1.1 (CVE-2011-2483) each byte was OR-ed in as a *signed* char, so a byte >= 0x80 set the
    24 bits above it, erasing the bytes before it in the same word. Computing those 18 words here and giving
    them to a correct bcrypt as a 72-byte key reproduces the buggy hash exactly: a correct bcrypt uses the
    first 72 key bytes as the same 18 words, and the rest of the algorithm (salt, cost, encoding) is unchanged.
    Passwords of 7-bit bytes (ASCII) give the same words with or without the bug. No maintained library
    reproduces it (pyca bcrypt computes ``$2x$`` correctly; passlib refuses ``$2x$``), hence these lines.
    """
    stream = secret.split(b"\0", 1)[0] + b"\0"  # a C string: the key ends at its first NUL, which is part of it
    words = bytearray()
    position = 0
    for _ in range(18):
        word = 0
        for _ in range(4):
            byte = stream[position]
            word = ((word << 8) | (byte | 0xFFFFFF00 if byte & 0x80 else byte)) & 0xFFFFFFFF
            position = (position + 1) % len(stream)
        words += word.to_bytes(4, "big")
    return bytes(words)


def verify_bcrypt(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``$2a$ $2b$ $2y$ $2x$``, with optional pre-hash and pepper; legacy 72-byte truncation by default.

    ``$2x$`` is verified as crypt_blowfish computed it, bug included (:func:`buggy_key`).
    """
    hashed = _parse(stored, limits)
    secret, allowed = _secret(password, params)
    if hashed[:4] == b"$2x$":
        return equal(bcrypt.hashpw(buggy_key(secret), b"$2b$" + hashed[4:])[4:], hashed[4:]) and allowed
    return _matches(secret, hashed) and allowed


def create_bcrypt(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """A ``$2b$`` hash (``cost={"rounds": 12, "variant": "2y"}`` for PHP's prefix; same algorithm)."""
    rounds = param_int(cost, "rounds", 10)
    variant = param_choice(cost, "variant", {"2a": "2a", "2b": "2b", "2y": "2y", "2x": "2x"}, "2b")
    secret, _ = _secret(password, params)
    key = buggy_key(secret) if variant == "2x" else secret  # 2x: as a pre-2011 crypt_blowfish wrote it
    hashed = bcrypt.hashpw(key, bcrypt.gensalt(rounds or 10)).decode("ascii")
    return f"${variant}{hashed[3:]}"


# ---- Django ------------------------------------------------------------------------------------------------


def verify_django_bcrypt(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """Django's ``bcrypt$`` + a bcrypt string, over the raw password (first 72 bytes)."""
    if not stored.startswith("bcrypt$"):
        raise Malformed("django_bcrypt: expected the bcrypt$ prefix")
    hashed = _parse(stored[7:], limits)
    return _matches(utf8(password)[:_MAX_BYTES], hashed)


def create_django_bcrypt(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """``bcrypt$$2b$12$...`` as Django's BCryptPasswordHasher writes it."""
    salt = bcrypt.gensalt(param_int(cost, "rounds", 12) or 12)
    return "bcrypt$" + bcrypt.hashpw(utf8(password)[:_MAX_BYTES], salt).decode("ascii")


def _sha256_hex(password: str) -> bytes:
    return hashlib.sha256(utf8(password)).hexdigest().encode("ascii")


def verify_django_bcrypt_sha256(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """Django's ``bcrypt_sha256$``: bcrypt over the hex SHA-256 of the password (no 72-byte issue)."""
    if not stored.startswith("bcrypt_sha256$"):
        raise Malformed("django_bcrypt_sha256: expected the bcrypt_sha256$ prefix")
    hashed = _parse(stored[14:], limits)
    return _matches(_sha256_hex(password), hashed)


def create_django_bcrypt_sha256(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """``bcrypt_sha256$$2b$12$...`` as Django's BCryptSHA256PasswordHasher writes it."""
    salt = bcrypt.gensalt(param_int(cost, "rounds", 12) or 12)
    return "bcrypt_sha256$" + bcrypt.hashpw(_sha256_hex(password), salt).decode("ascii")


# ---- WordPress 6.8 -----------------------------------------------------------------------------------------


def _wordpress_secret(password: str) -> bytes:
    """base64(HMAC-SHA384(key="wp-sha384", msg=trim(password))): WordPress trims what it hashes and checks."""
    mac = hmac.new(b"wp-sha384", utf8(password.strip(PHP_TRIM)), hashlib.sha384).digest()
    return base64.b64encode(mac)


def verify_wordpress_bcrypt(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """WordPress >= 6.8 ``$wp$2y$...`` (``wp_hash_password``); the password is trimmed as WordPress does."""
    if not stored.startswith("$wp$"):
        raise Malformed("wordpress_bcrypt: expected the $wp$ prefix")
    hashed = _parse(stored[3:], limits)
    return _matches(_wordpress_secret(password), hashed)


def create_wordpress_bcrypt(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """``$wp$2y$10$...`` as ``wp_hash_password`` writes it."""
    hashed = bcrypt.hashpw(_wordpress_secret(password), bcrypt.gensalt(param_int(cost, "rounds", 10) or 10))
    return "$wp$2y" + hashed.decode("ascii")[3:]


IMPLEMENTATIONS = (
    Scheme("bcrypt", verify_bcrypt, create_bcrypt),
    Scheme("django_bcrypt", verify_django_bcrypt, create_django_bcrypt),
    Scheme("django_bcrypt_sha256", verify_django_bcrypt_sha256, create_django_bcrypt_sha256),
    Scheme("wordpress_bcrypt", verify_wordpress_bcrypt, create_wordpress_bcrypt),
)

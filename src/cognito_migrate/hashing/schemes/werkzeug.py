"""Werkzeug/Flask ``generate_password_hash``: ``method$salt$hex`` (pallets/werkzeug src/werkzeug/security.py).

``pbkdf2:<hash>:<iterations>`` (hex PBKDF2, dklen = digest size), ``scrypt:N:r:p`` (hex, dklen 64, the
default since 2.3), and the pre-3.0 forms: ``md5$``/``sha1$``/``sha256$``... (HMAC keyed by the salt, or a
plain digest when the salt is empty) and ``plain$$password``. The salt is used as its own UTF-8 text.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING, Any

from cognito_migrate.hashing._codec import equal, equal_plaintext, hexdecode, param_choice, param_int, random_text, utf8
from cognito_migrate.hashing._core import Malformed, Scheme

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cognito_migrate.hashing._core import CostLimits

_LEGACY = frozenset({"md5", "sha1", "sha224", "sha256", "sha384", "sha512"})
_SALT_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def _int(text: str, field: str) -> int:
    if not text.isdigit() or not text.isascii() or len(text) > 12:
        raise Malformed(f"werkzeug.{field}: expected an integer")
    return int(text)


def verify_werkzeug(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """Any form ``check_password_hash`` of Werkzeug 0.9-3.1 accepts."""
    parts = stored.split("$", 2)
    if len(parts) != 3:
        raise Malformed("werkzeug: expected method$salt$hash")
    method, salt, hashval = parts
    name, *args = method.split(":")
    secret, salt_bytes = utf8(password), utf8(salt)
    if name == "plain":
        return equal_plaintext(secret, utf8(hashval))
    expected = hexdecode(hashval, "werkzeug.hash")
    if name == "scrypt":
        if args and len(args) != 3:
            raise Malformed("werkzeug: expected scrypt:N:r:p")
        n, r, p = (_int(a, "scrypt") for a in args) if args else (2**15, 8, 1)
        maxmem = limits.scrypt_maxmem(n, r, p)
        computed = hashlib.scrypt(secret, salt=salt_bytes, n=n, r=r, p=p, maxmem=maxmem, dklen=64)
    elif name == "pbkdf2":
        if len(args) > 2:
            raise Malformed("werkzeug: expected pbkdf2:hash:iterations")
        digest = args[0] if args else "sha256"
        if digest not in _LEGACY:
            raise Malformed("werkzeug: unsupported pbkdf2 digest")
        default = param_int(params, "default_iterations", 1_000_000) or 1_000_000
        iterations = _int(args[1], "iterations") if len(args) == 2 else default
        if iterations < 1:
            raise Malformed("werkzeug: iterations must be positive")
        limits.check_pbkdf2(digest, iterations, 1)
        computed = hashlib.pbkdf2_hmac(digest, secret, salt_bytes, iterations)
    elif name in _LEGACY and not args:
        # Werkzeug < 3.0: HMAC keyed by the salt, or a plain digest when there is no salt.
        computed = hmac.new(salt_bytes, secret, name).digest() if salt else hashlib.new(name, secret).digest()
    else:
        raise Malformed("werkzeug: unknown method")
    return equal(computed, expected)


def create_werkzeug(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """As Werkzeug 3.1 writes it: ``scrypt:32768:8:1`` by default, or ``cost={"method": "pbkdf2", "iterations": N}``."""
    method = param_choice(cost, "method", {"scrypt": "scrypt", "pbkdf2": "pbkdf2"}, "scrypt")
    salt = random_text(_SALT_CHARS, 16)
    if method == "scrypt":
        n = param_int(cost, "n", 2**15) or 2**15
        r = param_int(cost, "r", 8) or 8
        p = param_int(cost, "p", 1) or 1
        dk = hashlib.scrypt(
            utf8(password), salt=utf8(salt), n=n, r=r, p=p, maxmem=128 * r * (n + 2 + p) + 65536, dklen=64
        )
        return f"scrypt:{n}:{r}:{p}${salt}${dk.hex()}"
    iterations = param_int(cost, "iterations", 1_000_000) or 1_000_000
    dk = hashlib.pbkdf2_hmac("sha256", utf8(password), utf8(salt), iterations)
    return f"pbkdf2:sha256:{iterations}${salt}${dk.hex()}"


IMPLEMENTATIONS = (Scheme("werkzeug", verify_werkzeug, create_werkzeug),)

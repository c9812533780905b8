"""Spring Security ``DelegatingPasswordEncoder``: ``{id}encoded`` (spring-security crypto/.../password/*).

* ``{bcrypt}`` bcrypt (72-byte legacy truncation, as Spring before the CVE-2025-22228 fix);
  ``{argon2}`` PHC string; ``{ldap}`` ``{SSHA}...``; ``{noop}`` plaintext.
* ``{pbkdf2}`` hex(salt + PBKDF2(pw, salt + secret, iterations, hash_width)): the salt length, secret,
  algorithm and iterations are not in the string. Defaults are Spring 5's (8-byte salt, PBKDF2WithHmacSHA1,
  185,000 iterations, secret ""); ``{pbkdf2@SpringSecurity_v5_8}`` uses 16 bytes, SHA-256, 310,000.
* ``{scrypt}`` ``$hex(log2N<<16 | r<<8 | p)$b64(salt)$b64(dk)``.
* ``{sha256}`` StandardPasswordEncoder: hex(salt8 + SHA-256^1024(salt + secret + pw)).
* ``{MD5}`` / ``{SHA-1}`` / ``{SHA-256}`` MessageDigestPasswordEncoder: hex(H(pw + "{salt}")), the
  ``{salt}`` prefix being optional.
"""

from __future__ import annotations

import base64
import hashlib
import os
from typing import TYPE_CHECKING, Any

from cognito_migrate.hashing._codec import (
    b64decode,
    equal,
    equal_plaintext,
    hexdecode,
    param_choice,
    param_int,
    param_str,
    utf8,
)
from cognito_migrate.hashing._core import Malformed, Scheme, Unsupported

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cognito_migrate.hashing._core import CostLimits

_PBKDF2_ALGORITHMS = {"pbkdf2withhmacsha1": "sha1", "pbkdf2withhmacsha256": "sha256", "pbkdf2withhmacsha512": "sha512"}
_DIGESTS = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "MD4": "md4"}


def verify_spring_delegating(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """Dispatch on the ``{id}`` prefix."""
    from cognito_migrate.hashing._registry import implementation

    end = stored.find("}")
    if not stored.startswith("{") or end < 0:
        raise Malformed("spring_delegating: expected {id}encoded")
    encoder, encoded = stored[1:end], stored[end + 1 :]
    base, _, version = encoder.partition("@")
    v58 = version == "SpringSecurity_v5_8"
    if version and not v58:
        raise Malformed("spring_delegating: unknown encoder version")
    if base == "bcrypt":
        return implementation("bcrypt").verify(password, encoded, {}, limits)
    if base == "argon2":
        return implementation("argon2").verify(password, encoded, {}, limits)
    if base == "ldap":
        scheme = "ldap_ssha" if encoded[:6].upper() == "{SSHA}" else "ldap_sha"
        return implementation(scheme).verify(password, encoded, {}, limits)
    if base == "noop":
        return equal_plaintext(utf8(password), utf8(encoded))
    if base == "pbkdf2":
        return _pbkdf2(password, encoded, params, limits, v58=v58)
    if base == "scrypt":
        return _scrypt(password, encoded, limits)
    if base == "sha256":
        return _standard(password, encoded, params)
    if base in _DIGESTS:
        return _message_digest(password, encoded, _DIGESTS[base])
    raise Malformed("spring_delegating: unknown encoder id")


def _pbkdf2(password: str, encoded: str, params: Mapping[str, Any], limits: CostLimits, *, v58: bool) -> bool:
    from cognito_migrate.hashing.schemes.pbkdf2 import pbkdf2

    salt_length = param_int(params, "salt_length", 16 if v58 else 8) or 0
    iterations = param_int(params, "iterations", 310_000 if v58 else 185_000) or 0
    default_algorithm = "PBKDF2WithHmacSHA256" if v58 else "PBKDF2WithHmacSHA1"
    digest = param_choice(params, "algorithm", _PBKDF2_ALGORITHMS, default_algorithm)
    secret = utf8(param_str(params, "secret", "") or "")
    blob = b64decode(encoded, "spring.pbkdf2") if param_choice(
        params, "encoding", {"hex": "hex", "base64": "base64"}, "hex") == "base64" else hexdecode(
        encoded, "spring.pbkdf2")  # fmt: skip
    if len(blob) <= salt_length or iterations < 1:
        raise Malformed("spring.pbkdf2: shorter than its salt")
    salt, expected = blob[:salt_length], blob[salt_length:]
    return equal(pbkdf2(digest, utf8(password), salt + secret, iterations, len(expected), limits=limits), expected)


def _scrypt(password: str, encoded: str, limits: CostLimits) -> bool:
    parts = encoded.split("$")
    if len(parts) != 4 or parts[0] or not parts[1] or len(parts[1]) > 8:
        raise Malformed("spring.scrypt: expected $params$salt$key")
    packed = int.from_bytes(hexdecode(parts[1].rjust(len(parts[1]) + len(parts[1]) % 2, "0"), "spring.scrypt"))
    n, r, p = 1 << ((packed >> 16) & 0xFFFF), (packed >> 8) & 0xFF, packed & 0xFF
    salt = b64decode(parts[2], "spring.scrypt.salt")
    expected = b64decode(parts[3], "spring.scrypt.key")
    maxmem = limits.scrypt_maxmem(n, r, p)
    computed = hashlib.scrypt(utf8(password), salt=salt, n=n, r=r, p=p, maxmem=maxmem, dklen=len(expected) or 1)
    return equal(computed, expected)


def _standard(password: str, encoded: str, params: Mapping[str, Any]) -> bool:
    blob = hexdecode(encoded, "spring.sha256")
    if len(blob) != 8 + 32:
        raise Malformed("spring.sha256: expected 40 bytes")
    salt, expected = blob[:8], blob[8:]
    value = hashlib.sha256(salt + utf8(param_str(params, "secret", "") or "") + utf8(password)).digest()
    for _ in range(1023):
        value = hashlib.sha256(value).digest()
    return equal(value, expected)


def _message_digest(password: str, encoded: str, digest: str) -> bool:
    salt = ""
    if encoded.startswith("{"):
        end = encoded.find("}")
        if end < 0:
            raise Malformed("spring.digest: unterminated {salt}")
        salt, encoded = encoded[: end + 1], encoded[end + 1 :]
    if digest not in hashlib.algorithms_available:
        raise Unsupported("spring.digest: MD4 is not available in this OpenSSL")
    expected = hexdecode(encoded, "spring.digest")
    return equal(hashlib.new(digest, utf8(password + salt)).digest(), expected)


def create_spring_delegating(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """``{bcrypt}`` (Spring's default encoder, ``cost={"rounds": 10}``) or ``{pbkdf2}`` with the params' settings."""
    encoder = param_choice(cost, "encoder", {"bcrypt": "bcrypt", "pbkdf2": "pbkdf2"}, "bcrypt")
    if encoder == "bcrypt":
        import bcrypt

        rounds = param_int(cost, "rounds", 10) or 10
        return "{bcrypt}" + bcrypt.hashpw(utf8(password)[:72], bcrypt.gensalt(rounds, prefix=b"2a")).decode("ascii")
    salt = os.urandom(param_int(params, "salt_length", 8) or 8)
    iterations = param_int(cost, "iterations", param_int(params, "iterations", 185_000)) or 185_000
    digest = param_choice(params, "algorithm", _PBKDF2_ALGORITHMS, "PBKDF2WithHmacSHA1")
    secret = utf8(param_str(params, "secret", "") or "")
    blob = salt + hashlib.pbkdf2_hmac(digest, utf8(password), salt + secret, iterations, 32)
    if param_choice(params, "encoding", {"hex": "hex", "base64": "base64"}, "hex") == "base64":
        return "{pbkdf2}" + base64.b64encode(blob).decode("ascii")  # encodeHashAsBase64, as verify reads it
    return "{pbkdf2}" + blob.hex()


IMPLEMENTATIONS = (Scheme("spring_delegating", verify_spring_delegating, create_spring_delegating),)

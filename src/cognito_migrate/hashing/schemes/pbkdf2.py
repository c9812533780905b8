"""Stand-alone PBKDF2 formats: passlib's ``$pbkdf2[-sha256|-sha512]$``, ``alg:iterations:salt:hash``, Atlassian.

* passlib ``$pbkdf2-sha256$rounds$salt$checksum``: salt and checksum in passlib's adapted base64 (``.`` for
  ``+``, no padding); dklen = digest size (``$pbkdf2$`` is SHA-1).
* ``pbkdf2_generic``: ``sha256:1000:salt:hash`` as defuse's password-hashing library wrote it (the salt field is
  used as text, the hash is base64) or its v2 ``sha1:64000:18:salt:hash`` (salt base64-decoded). Params
  override the encodings for home-grown variants.
* Atlassian (Jira/Confluence/Crowd) ``{PKCS5S2}base64(salt16 + dk32)``, PBKDF2-HMAC-SHA1, 10,000 iterations.
"""

from __future__ import annotations

import base64
import hashlib
import os
from typing import TYPE_CHECKING, Any

from cognito_migrate.hashing._codec import ab64decode, b64decode, equal, hexdecode, param_choice, param_int, utf8
from cognito_migrate.hashing._core import Malformed, Scheme

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cognito_migrate.hashing._core import CostLimits

_DIGESTS = {"sha1": 20, "sha256": 32, "sha512": 64}
_PASSLIB = {"$pbkdf2$": "sha1", "$pbkdf2-sha256$": "sha256", "$pbkdf2-sha512$": "sha512"}


def _iterations(text: str, field: str) -> int:
    if not text.isdigit() or not text.isascii() or len(text) > 12 or int(text) < 1:
        raise Malformed(f"{field}: expected a positive integer")
    return int(text)


def pbkdf2(digest: str, secret: bytes, salt: bytes, iterations: int, dklen: int, *, limits: CostLimits) -> bytes:
    """PBKDF2 after checking iterations x output blocks against ``pbkdf2_max_iterations``."""
    if dklen < 1:
        raise Malformed("pbkdf2: empty derived key")
    limits.check_pbkdf2(digest, iterations, -(-dklen // hashlib.new(digest).digest_size))
    return hashlib.pbkdf2_hmac(digest, secret, salt, iterations, dklen)


def verify_passlib_pbkdf2(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``$pbkdf2$`` / ``$pbkdf2-sha256$`` / ``$pbkdf2-sha512$`` + rounds$salt$checksum."""
    head, _, rest = stored[1:].partition("$")
    digest = _PASSLIB.get(f"${head}$")
    parts = rest.split("$")
    if digest is None or len(parts) != 3:
        raise Malformed("passlib_pbkdf2: expected $pbkdf2-<digest>$rounds$salt$checksum")
    iterations = _iterations(parts[0], "passlib_pbkdf2.rounds")
    salt = ab64decode(parts[1], "passlib_pbkdf2.salt")
    expected = ab64decode(parts[2], "passlib_pbkdf2.checksum")
    if len(expected) != _DIGESTS[digest]:
        raise Malformed("passlib_pbkdf2: checksum length")
    return equal(pbkdf2(digest, utf8(password), salt, iterations, len(expected), limits=limits), expected)


def create_passlib_pbkdf2(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """``$pbkdf2-sha256$`` with passlib's 29,000 rounds unless ``cost={"iterations": N}``."""
    iterations = param_int(cost, "iterations", 29000) or 29000
    salt = os.urandom(16)
    dk = hashlib.pbkdf2_hmac("sha256", utf8(password), salt, iterations)

    def ab64(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii").rstrip("=").replace("+", ".")

    return f"$pbkdf2-sha256${iterations}${ab64(salt)}${ab64(dk)}"


_SALT_ENCODINGS = {"text": "text", "base64": "base64", "hex": "hex"}
_HASH_ENCODINGS = {"base64": "base64", "hex": "hex"}


def _decode(value: str, encoding: str, field: str) -> bytes:
    if encoding == "text":
        return utf8(value)
    if encoding == "hex":
        return hexdecode(value, field)
    return b64decode(value, field, pad=True)


def verify_pbkdf2_generic(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``alg:iterations:salt:hash`` (defuse v1, salt as text) or ``alg:iterations:size:salt:hash`` (defuse v2)."""
    parts = stored.split(":")
    if len(parts) == 4:
        digest, iterations_text, salt_text, hash_text = parts
        default_salt = "text"
    elif len(parts) == 5:
        digest, iterations_text, size_text, salt_text, hash_text = parts
        default_salt = "base64"
    else:
        raise Malformed("pbkdf2_generic: expected alg:iterations:salt:hash")
    digest = digest.lower()
    if digest not in _DIGESTS:
        raise Malformed("pbkdf2_generic: digest must be sha1, sha256 or sha512")
    iterations = _iterations(iterations_text, "pbkdf2_generic.iterations")
    salt = _decode(salt_text, param_choice(params, "salt_encoding", _SALT_ENCODINGS, default_salt), "salt")
    expected = _decode(hash_text, param_choice(params, "hash_encoding", _HASH_ENCODINGS, "base64"), "hash")
    if len(parts) == 5 and (not size_text.isdigit() or int(size_text) != len(expected)):
        raise Malformed("pbkdf2_generic: hash size field does not match")
    return equal(pbkdf2(digest, utf8(password), salt, iterations, len(expected), limits=limits), expected)


def verify_atlassian_pbkdf2_sha1(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``{PKCS5S2}base64(salt16 + PBKDF2-HMAC-SHA1(pw, salt, 10000, 32))``."""
    if stored[:9].upper() != "{PKCS5S2}":
        raise Malformed("atlassian_pbkdf2_sha1: expected {PKCS5S2}")
    blob = b64decode(stored[9:], "atlassian_pbkdf2_sha1")
    if len(blob) != 48:
        raise Malformed("atlassian_pbkdf2_sha1: expected 48 bytes")
    return equal(pbkdf2("sha1", utf8(password), blob[:16], 10000, 32, limits=limits), blob[16:])


def create_atlassian_pbkdf2_sha1(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """``{PKCS5S2}`` as Atlassian's DefaultPasswordEncoder writes it."""
    salt = os.urandom(16)
    dk = hashlib.pbkdf2_hmac("sha1", utf8(password), salt, 10000, 32)
    return "{PKCS5S2}" + base64.b64encode(salt + dk).decode("ascii")


_GENERIC_FORMATS = {
    # defuse/password-hashing PasswordStorage: (digest, iterations, hash bytes) of each release
    "v1": ("sha256", 1000, 24),  # PasswordHash.php: sha256:1000:salt:hash, the salt's base64 text is the salt
    "v2": ("sha1", 64_000, 18),  # PasswordStorage (2015+): sha1:64000:18:base64 salt:base64 hash
}


def create_pbkdf2_generic(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """As defuse's library writes it: v2 ``sha1:64000:18:salt:hash`` (default) or v1 ``sha256:1000:salt:hash``.

    Each format's own digest and iteration count are the defaults, so a dummy costs what real rows cost.
    """
    version = param_choice(cost, "format", {v: v for v in _GENERIC_FORMATS}, "v2")
    default_digest, default_iterations, size = _GENERIC_FORMATS[version]
    digest = param_choice(cost, "digest", {d: d for d in _DIGESTS}, default_digest)
    iterations = param_int(cost, "iterations", default_iterations) or default_iterations
    salt = os.urandom(24)
    if version == "v1":
        salt_text = base64.b64encode(salt).decode("ascii")
        dk = hashlib.pbkdf2_hmac(digest, utf8(password), utf8(salt_text), iterations, size)
        return f"{digest}:{iterations}:{salt_text}:{base64.b64encode(dk).decode('ascii')}"
    dk = hashlib.pbkdf2_hmac(digest, utf8(password), salt, iterations, size)
    encoded = (base64.b64encode(v).decode("ascii") for v in (salt, dk))
    return f"{digest}:{iterations}:{size}:{':'.join(encoded)}"


IMPLEMENTATIONS = (
    Scheme("passlib_pbkdf2", verify_passlib_pbkdf2, create_passlib_pbkdf2),
    Scheme("pbkdf2_generic", verify_pbkdf2_generic, create_pbkdf2_generic),
    Scheme("atlassian_pbkdf2_sha1", verify_atlassian_pbkdf2_sha1, create_atlassian_pbkdf2_sha1),
)

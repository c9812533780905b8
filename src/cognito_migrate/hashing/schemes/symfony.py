"""Symfony's legacy password hashers (symfony/symfony src/Symfony/Component/PasswordHasher/Hasher/).

* ``MessageDigestPasswordHasher(algorithm='sha512', encodeHashAsBase64=true, iterations=5000)``:
  ``salted = pw + "{" + salt + "}"`` (or pw when the salt is empty); ``d = H(salted)``; then
  ``iterations - 1`` times ``d = H(d + salted)``; base64 or hex.
* ``Pbkdf2PasswordHasher(algorithm='sha512', encodeHashAsBase64=true, iterations=1000, length=40)``.

The salt is the user's ``salt`` column (params). Modern Symfony ("auto"/"native") writes bcrypt or argon2.
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING, Any

from cognito_migrate.hashing._codec import (
    b64decode,
    equal,
    hexdecode,
    param_bool,
    param_choice,
    param_int,
    param_str,
    utf8,
)
from cognito_migrate.hashing._core import Malformed, Scheme

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cognito_migrate.hashing._core import CostLimits

_ALGORITHMS = {n: n for n in ("md5", "sha1", "sha256", "sha384", "sha512")}


def _expected(stored: str, params: Mapping[str, Any]) -> bytes:
    if param_bool(params, "encode_as_base64", default=True):
        return b64decode(stored, "symfony")
    return hexdecode(stored, "symfony")


def verify_symfony_message_digest(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """Iterated ``H(d + pw{salt})``; params algorithm, iterations, encode_as_base64, salt."""
    algorithm = param_choice(params, "algorithm", _ALGORITHMS, "sha512")
    iterations = param_int(params, "iterations", 5000) or 0
    salt = param_str(params, "salt", "") or ""
    if iterations < 1 or "{" in salt or "}" in salt:
        raise Malformed("symfony_message_digest: iterations >= 1, no braces in the salt")
    # every iteration re-hashes the password: a long one counts as more iterations
    limits.check_iterated("digest_max_iterations", iterations, len(utf8(f"{password}{{{salt}}}")), digest=algorithm)
    expected = _expected(stored, params)
    return equal(_message_digest(password, salt, algorithm, iterations), expected)


def _message_digest(password: str, salt: str, algorithm: str, iterations: int) -> bytes:
    salted = utf8(f"{password}{{{salt}}}" if salt else password)
    new = getattr(hashlib, algorithm)
    digest: bytes = new(salted).digest()
    for _ in range(iterations - 1):
        digest = new(digest + salted).digest()
    return digest


def _encode(raw: bytes, params: Mapping[str, Any]) -> str:
    if param_bool(params, "encode_as_base64", default=True):
        return base64.b64encode(raw).decode("ascii")
    return raw.hex()


def verify_symfony_pbkdf2(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``hash_pbkdf2``; params algorithm (sha512), iterations (1000), length (40), encode_as_base64, salt."""
    from cognito_migrate.hashing.schemes.pbkdf2 import pbkdf2

    algorithm = param_choice(params, "algorithm", _ALGORITHMS, "sha512")
    iterations = param_int(params, "iterations", 1000) or 0
    length = param_int(params, "length", 40) or 0
    if iterations < 1 or length < 1:
        raise Malformed("symfony_pbkdf2: iterations and length must be positive")
    expected = _expected(stored, params)
    if len(expected) != length:
        raise Malformed("symfony_pbkdf2: hash length differs from params.length")
    salt = utf8(param_str(params, "salt", "") or "")
    return equal(pbkdf2(algorithm, utf8(password), salt, iterations, length, limits=limits), expected)


def create_symfony_message_digest(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """The password column for the params (algorithm, iterations, salt, encoding); for dummies and tests."""
    algorithm = param_choice(params, "algorithm", _ALGORITHMS, "sha512")
    iterations = param_int(cost, "iterations", param_int(params, "iterations", 5000)) or 5000
    raw = _message_digest(password, param_str(params, "salt", "") or "", algorithm, iterations)
    return _encode(raw, params)


def create_symfony_pbkdf2(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """The password column for the params (algorithm, iterations, length, salt, encoding)."""
    algorithm = param_choice(params, "algorithm", _ALGORITHMS, "sha512")
    iterations = param_int(cost, "iterations", param_int(params, "iterations", 1000)) or 1000
    length = param_int(params, "length", 40) or 40
    salt = utf8(param_str(params, "salt", "") or "")
    return _encode(hashlib.pbkdf2_hmac(algorithm, utf8(password), salt, iterations, length), params)


IMPLEMENTATIONS = (
    Scheme("symfony_message_digest", verify_symfony_message_digest, create_symfony_message_digest),
    Scheme("symfony_pbkdf2", verify_symfony_pbkdf2, create_symfony_pbkdf2),
)

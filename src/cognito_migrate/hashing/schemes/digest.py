"""Plain and HMAC digests for home-grown schemes: the algorithm, salt and its position come from params.

``raw_digest``: ``H(pw)``, ``H(salt + pw)`` or ``H(pw + salt)``; ``hmac_digest``: HMAC keyed by the password
(message = salt) or by the salt (message = password). Stored as hex (either case) or base64. These are
fast unsalted-or-barely-salted digests: ``weak``.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING, Any

from cognito_migrate.hashing._codec import (
    b64decode,
    equal,
    hexdecode,
    param_bytes,
    param_choice,
    utf8,
    utf16le,
)
from cognito_migrate.hashing._core import Malformed, Scheme

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cognito_migrate.hashing._core import CostLimits

_ALGORITHMS = {n: n for n in ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_256", "sha3_512")}
_POSITIONS = {"none": "none", "prefix": "prefix", "suffix": "suffix"}
_KEYS = {"password": "password", "salt": "salt"}
_ENCODINGS = {"hex": "hex", "base64": "base64"}
_SALT_ENCODINGS = {"utf8": "utf8", "hex": "hex", "base64": "base64"}
_PASSWORD_ENCODINGS = {"utf8": utf8, "utf16le": utf16le}


def _common(password: str, stored: str, params: Mapping[str, Any]) -> tuple[str, bytes, bytes, bytes]:
    algorithm = param_choice(params, "algorithm", _ALGORITHMS, "sha256")
    secret = param_choice(params, "password_encoding", _PASSWORD_ENCODINGS, "utf8")(password)
    salt = param_bytes(params, "salt", param_choice(params, "salt_encoding", _SALT_ENCODINGS, "utf8")) or b""
    encoding = param_choice(params, "encoding", _ENCODINGS, "hex")
    expected = hexdecode(stored, "digest") if encoding == "hex" else b64decode(stored, "digest", pad=True)
    if len(expected) != hashlib.new(algorithm).digest_size:
        raise Malformed("digest: length does not fit the algorithm")
    return algorithm, secret, salt, expected


def verify_raw_digest(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``H(pw)``, ``H(salt + pw)`` (salt_position=prefix) or ``H(pw + salt)`` (suffix)."""
    algorithm, secret, salt, expected = _common(password, stored, params)
    position = param_choice(params, "salt_position", _POSITIONS, "none" if not salt else "prefix")
    if position == "prefix":
        secret = salt + secret
    elif position == "suffix":
        secret += salt
    return equal(hashlib.new(algorithm, secret).digest(), expected)


def create_raw_digest(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """Hex ``H(...)`` with the same params as verification (for tests and demos)."""
    algorithm = param_choice(params, "algorithm", _ALGORITHMS, "sha256")
    secret = param_choice(params, "password_encoding", _PASSWORD_ENCODINGS, "utf8")(password)
    salt = param_bytes(params, "salt", param_choice(params, "salt_encoding", _SALT_ENCODINGS, "utf8")) or b""
    position = param_choice(params, "salt_position", _POSITIONS, "none" if not salt else "prefix")
    secret = salt + secret if position == "prefix" else secret + salt if position == "suffix" else secret
    return hashlib.new(algorithm, secret).hexdigest()


def verify_hmac_digest(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """HMAC with ``key=password`` (message = salt, the default) or ``key=salt`` (message = password)."""
    algorithm, secret, salt, expected = _common(password, stored, params)
    key, message = (secret, salt) if param_choice(params, "key", _KEYS, "password") == "password" else (salt, secret)
    return equal(hmac.new(key, message, algorithm).digest(), expected)


def create_hmac_digest(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """Hex HMAC with the same params as verification (for tests and demos)."""
    algorithm = param_choice(params, "algorithm", _ALGORITHMS, "sha256")
    secret = param_choice(params, "password_encoding", _PASSWORD_ENCODINGS, "utf8")(password)
    salt = param_bytes(params, "salt", param_choice(params, "salt_encoding", _SALT_ENCODINGS, "utf8")) or b""
    key, message = (secret, salt) if param_choice(params, "key", _KEYS, "password") == "password" else (salt, secret)
    return hmac.new(key, message, algorithm).hexdigest()


IMPLEMENTATIONS = (
    Scheme("raw_digest", verify_raw_digest, create_raw_digest),
    Scheme("hmac_digest", verify_hmac_digest, create_hmac_digest),
)

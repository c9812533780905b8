"""Keycloak credentials: ``CREDENTIAL.SECRET_DATA`` + ``CREDENTIAL_DATA`` (PBKDF2 family and argon2).

``secretData = {"value": b64(dk), "salt": b64(salt), "additionalParameters": {}}`` and
``credentialData = {"hashIterations": n, "algorithm": "pbkdf2-sha256", "additionalParameters": {}}``
(keycloak/keycloak Pbkdf2PasswordHashProvider.java; ``pbkdf2`` = HMAC-SHA1). The key size is the length
of ``value``. Keycloak's NUL padding of short passwords (FIPS) does not change HMAC keys, so it is ignored.
``argon2`` (Keycloak >= 24 outside FIPS) stores the raw hash with type/version/memory/parallelism/hashLength
in ``additionalParameters``; no public vector exists for it, so it is verified only against argon2-cffi.

Stored value: one JSON object ``{"secretData": ..., "credentialData": ...}`` (each an object or a JSON
string, as a realm export writes them), or the secretData JSON with ``params={"credential_data": ...}``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from typing import TYPE_CHECKING, Any

from cognito_migrate.hashing._codec import b64decode, equal, param_choice, param_int, utf8
from cognito_migrate.hashing._core import Malformed, Scheme, Unsupported

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cognito_migrate.hashing._core import CostLimits

_PBKDF2 = {"pbkdf2": "sha1", "pbkdf2-sha256": "sha256", "pbkdf2-sha512": "sha512"}


def _object(value: Any, field: str) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise Malformed(f"keycloak: {field} is not JSON") from None
    if not isinstance(value, dict):
        raise Malformed(f"keycloak: {field} must be an object")
    return value


def _first(additional: Mapping[str, Any], name: str, default: str) -> str:
    value = additional.get(name, [default])
    return str(value[0] if isinstance(value, list) and value else value)


def verify_keycloak_pbkdf2(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """A Keycloak password credential (pbkdf2, pbkdf2-sha256, pbkdf2-sha512, argon2)."""
    document = _object(stored, "stored value")
    if "secretData" in document:
        secret_data = _object(document["secretData"], "secretData")
        credential_data = _object(document.get("credentialData"), "credentialData")
    else:
        secret_data = document
        credential_data = _object(params.get("credential_data"), "params.credential_data")
    value = secret_data.get("value")
    salt = secret_data.get("salt")
    algorithm = credential_data.get("algorithm")
    iterations = credential_data.get("hashIterations")
    if not isinstance(value, str) or not isinstance(salt, str) or not isinstance(algorithm, str):
        raise Malformed("keycloak: value, salt and algorithm are required")
    if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 1:
        raise Malformed("keycloak: hashIterations must be a positive integer")
    expected = b64decode(value, "keycloak.value", pad=True)
    salt_bytes = b64decode(salt, "keycloak.salt", pad=True)
    if algorithm == "argon2":
        return _argon2(
            password, credential_data, iterations=iterations, salt=salt_bytes, expected=expected, limits=limits
        )
    digest = _PBKDF2.get(algorithm)
    if digest is None:
        raise Malformed("keycloak: unknown algorithm")
    from cognito_migrate.hashing.schemes.pbkdf2 import pbkdf2

    return equal(pbkdf2(digest, utf8(password), salt_bytes, iterations, len(expected), limits=limits), expected)


def _argon2(
    password: str,
    credential_data: Mapping[str, Any],
    *,
    iterations: int,
    salt: bytes,
    expected: bytes,
    limits: CostLimits,
) -> bool:
    try:
        from argon2.low_level import Type

        from cognito_migrate.hashing.schemes.argon2 import argon2_raw
    except ModuleNotFoundError:
        raise Unsupported("keycloak argon2 needs: pip install 'cognito-migrate[argon2]'") from None

    additional = credential_data.get("additionalParameters") or {}
    if not isinstance(additional, dict):
        raise Malformed("keycloak: additionalParameters must be an object")
    kind = {"id": Type.ID, "i": Type.I, "d": Type.D}.get(_first(additional, "type", "id"))
    version = {"1.3": 0x13, "1.0": 0x10}.get(_first(additional, "version", "1.3"))
    memory, parallelism = _first(additional, "memory", "7168"), _first(additional, "parallelism", "1")
    if kind is None or version is None or not memory.isdigit() or not parallelism.isdigit():
        raise Malformed("keycloak: bad argon2 parameters")
    computed = argon2_raw(utf8(password), salt, kind=kind, version=version, m=int(memory), t=iterations,
                          p=int(parallelism), length=len(expected), limits=limits)  # fmt: skip
    return equal(computed, expected)


_KEY_SIZES = {"pbkdf2": 64, "pbkdf2-sha256": 32, "pbkdf2-sha512": 64}


def create_keycloak_pbkdf2(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """A combined ``{"secretData": ..., "credentialData": ...}`` credential (default pbkdf2-sha256, 27,500)."""
    algorithm = param_choice(cost, "algorithm", {a: a for a in _PBKDF2}, "pbkdf2-sha256")
    iterations = param_int(cost, "iterations", 27_500) or 27_500
    salt = os.urandom(16)
    value = hashlib.pbkdf2_hmac(_PBKDF2[algorithm], utf8(password), salt, iterations, _KEY_SIZES[algorithm])
    secret = {"value": base64.b64encode(value).decode("ascii"), "salt": base64.b64encode(salt).decode("ascii"),
              "additionalParameters": {}}  # fmt: skip
    credential = {"hashIterations": iterations, "algorithm": algorithm, "additionalParameters": {}}
    return json.dumps({"secretData": json.dumps(secret), "credentialData": json.dumps(credential)})


IMPLEMENTATIONS = (Scheme("keycloak_pbkdf2", verify_keycloak_pbkdf2, create_keycloak_pbkdf2),)

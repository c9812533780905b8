"""Firebase Authentication's modified scrypt (firebase/scrypt, ``scrypt`` + AES-256-CTR).

Project parameters (Console > Users > Password hash parameters) and the per-user salt from ``firebase
auth:export``::

    dk = scrypt(pw, salt + salt_separator, N = 2**mem_cost, r = rounds, p = 1, dklen = 64)
    passwordHash == base64(AES-256-CTR(key = dk[:32], counter = 0).encrypt(signer_key))

Needs ``cryptography`` for AES (the ``firebase`` extra).
"""

from __future__ import annotations

import base64
import hashlib
import os
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from cognito_migrate.hashing._codec import b64decode, equal, param_bytes, param_int, utf8
from cognito_migrate.hashing._core import DEFAULT_LIMITS, Malformed, Scheme

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cognito_migrate.hashing._core import CostLimits


def _required(params: Mapping[str, Any], name: str) -> bytes:
    value = param_bytes(params, name, "base64")
    if value is None:
        raise Malformed(f"params.{name}: required for firebase_scrypt")
    return value


def firebase_hash(password: str, params: Mapping[str, Any], limits: CostLimits) -> bytes:
    """The raw (not base64) Firebase password hash for ``params``."""
    salt = _required(params, "salt")
    separator = _required(params, "salt_separator")
    signer_key = _required(params, "signer_key")
    rounds = param_int(params, "rounds")
    mem_cost = param_int(params, "mem_cost")
    if rounds is None or mem_cost is None or not 1 <= mem_cost <= 40:
        raise Malformed("params.rounds and params.mem_cost (1..40) are required for firebase_scrypt")
    n = 1 << mem_cost
    maxmem = limits.scrypt_maxmem(n, rounds, 1)
    dk = hashlib.scrypt(utf8(password), salt=salt + separator, n=n, r=rounds, p=1, maxmem=maxmem, dklen=64)
    encryptor = Cipher(algorithms.AES(dk[:32]), modes.CTR(b"\0" * 16)).encryptor()
    return encryptor.update(signer_key) + encryptor.finalize()


def verify_firebase_scrypt(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``passwordHash`` (base64) with the project's signer key, separator, rounds, mem_cost and the user's salt."""
    expected = b64decode(stored, "firebase_scrypt", pad=True)
    return equal(firebase_hash(password, params, limits), expected)


def dummy_params_firebase_scrypt(params: Mapping[str, Any]) -> dict[str, Any]:
    """The project parameters of a dummy: the configured ones, and Firebase's defaults for the rest.

    Firebase projects use rounds 8 and mem_cost 14 (the console's default); a random signer key, the usual
    separator and a random user salt make a credential of the same cost when the project's are not given.
    """
    defaults = {
        "signer_key": base64.b64encode(os.urandom(64)).decode("ascii"),
        "salt_separator": "Bw==",
        "rounds": 8,
        "mem_cost": 14,
        "salt": base64.b64encode(os.urandom(12)).decode("ascii"),
    }
    return {**defaults, **params}


def create_firebase_scrypt(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """A ``passwordHash`` for the project ``params`` (``salt`` is generated when absent: dummies)."""
    if "salt" not in params:
        params = {**params, "salt": base64.b64encode(os.urandom(12)).decode("ascii")}
    return base64.b64encode(firebase_hash(password, params, DEFAULT_LIMITS)).decode("ascii")


IMPLEMENTATIONS = (
    Scheme(
        "firebase_scrypt", verify_firebase_scrypt, create_firebase_scrypt, dummy_params=dummy_params_firebase_scrypt
    ),
)

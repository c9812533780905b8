"""Argon2 PHC strings (``$argon2i$ $argon2d$ $argon2id$``, with or without ``v=``) and Django's ``argon2$``.

Parsed here so that m, t and p are checked against the caps before argon2-cffi computes anything; the raw
hash is then derived with ``argon2.low_level.hash_secret_raw`` and compared in constant time. Needs the
``argon2`` extra (argon2-cffi).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from argon2.low_level import Type, hash_secret_raw

from cognito_migrate.hashing._codec import b64decode, equal, param_int, utf8
from cognito_migrate.hashing._core import Malformed, Scheme

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cognito_migrate.hashing._core import CostLimits

_TYPES = {"argon2i": Type.I, "argon2d": Type.D, "argon2id": Type.ID}


def argon2_raw(secret: bytes, salt: bytes, *, kind: Type, version: int, m: int, t: int, p: int, length: int,
               limits: CostLimits) -> bytes:  # fmt: skip
    """The raw Argon2 output after checking m (KiB), t and p against the caps."""
    if not (t >= 1 and m >= 8 * p and p >= 1 and length >= 4 and len(salt) >= 8 and version in (0x10, 0x13)):
        raise Malformed("argon2: parameters out of range")
    limits.check_argon2(m, t, p)
    return hash_secret_raw(secret, salt, time_cost=t, memory_cost=m, parallelism=p, hash_len=length, type=kind,
                           version=version)  # fmt: skip


def _int(text: str, field: str) -> int:
    if not text.isdigit() or not text.isascii() or len(text) > 10:
        raise Malformed(f"argon2.{field}: expected an integer")
    return int(text)


def verify_argon2(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``$argon2id$v=19$m=65536,t=3,p=4$salt$hash`` (salt and hash in unpadded base64)."""
    parts = stored.split("$")
    if len(parts) == 5:  # no v= field: Argon2 1.0 (version 0x10), as old Django and PHP wrote it
        _, kind, cost, salt, digest = parts
        version = 0x10
    elif len(parts) == 6 and parts[2].startswith("v="):
        _, kind, version_text, cost, salt, digest = parts
        version = _int(version_text[2:], "v")
    else:
        raise Malformed("argon2: expected $argon2id$v=19$m=..,t=..,p=..$salt$hash")
    if parts[0] or kind not in _TYPES:
        raise Malformed("argon2: unknown variant")
    values = dict(item.partition("=")[::2] for item in cost.split(","))
    if set(values) - {"m", "t", "p", "keyid", "data"} or not {"m", "t", "p"} <= set(values):
        raise Malformed("argon2: expected m=,t=,p=")
    expected = b64decode(digest, "argon2.hash", pad=True)
    computed = argon2_raw(
        utf8(password),
        b64decode(salt, "argon2.salt", pad=True),
        kind=_TYPES[kind],
        version=version,
        m=_int(values["m"], "m"),
        t=_int(values["t"], "t"),
        p=_int(values["p"], "p"),
        length=len(expected),
        limits=limits,
    )
    return equal(computed, expected)


def create_argon2(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """argon2id with argon2-cffi's defaults (t=3, m=64 MiB, p=4) unless overridden in ``cost``."""
    hasher = PasswordHasher(
        time_cost=param_int(cost, "time_cost", 3) or 3,
        memory_cost=param_int(cost, "memory_cost", 65536) or 65536,
        parallelism=param_int(cost, "parallelism", 4) or 4,
    )
    return hasher.hash(password)


def verify_django_argon2(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """Django's ``argon2`` + a PHC string (``argon2$argon2id$v=19$...``; old rows argon2i without ``v=``)."""
    if not stored.startswith("argon2$argon2"):
        raise Malformed("django_argon2: expected argon2$argon2...")
    return verify_argon2(password, stored[6:], params, limits)


def create_django_argon2(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """As Django 5.2's Argon2PasswordHasher writes it (t=2, m=102400 KiB, p=8 unless overridden)."""
    defaults = {"time_cost": 2, "memory_cost": 102400, "parallelism": 8}
    return "argon2" + create_argon2(password, {**defaults, **cost}, params)


IMPLEMENTATIONS = (
    Scheme("argon2", verify_argon2, create_argon2),
    Scheme("django_argon2", verify_django_argon2, create_django_argon2),
)

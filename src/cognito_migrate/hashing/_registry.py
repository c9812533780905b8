"""The scheme catalogue and the lazy loader that imports a scheme's module the first time it is used.

Each :class:`SchemeInfo` names its implementing module under ``cognito_migrate.hashing.schemes``; that module
defines ``verify_<id>(password, stored, params, limits) -> bool`` and, when producing a hash is natural,
``create_<id>(password, cost, params) -> str``. Nothing here imports bcrypt, argon2 or cryptography.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from cognito_migrate.hashing._core import Unsupported

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from cognito_migrate.hashing._core import CostLimits

    Verifier = Callable[[str, str, Mapping[str, Any], CostLimits], bool]
    Creator = Callable[[str, Mapping[str, Any], Mapping[str, Any]], str]

_PACKAGE = "cognito_migrate.hashing.schemes"


@dataclass(frozen=True, slots=True)
class SchemeInfo:
    """What a scheme is, for people (the generated docs/hashes.md) and for policy code.

    ``params`` documents what the stored string does not carry (a salt column, a pepper, a signer key);
    these are the only keys ``verify(..., params=...)`` accepts for the scheme. ``weak`` marks unsalted or
    fast digests that a "weak hash -> RESET_REQUIRED" policy may act on. ``extra`` is the pip extra the
    scheme needs, if any. ``cost`` documents the keys ``create``/``dummy_credential`` accept in ``cost``.
    """

    id: str
    summary: str
    module: str
    self_describing: bool = True
    weak: bool = False
    extra: str | None = None
    params: Mapping[str, str] = field(default_factory=dict)
    cost: Mapping[str, str] = field(default_factory=dict)
    creatable: bool = False
    example: str = ""


_BCRYPT_PARAMS = {
    "prehash": "none (default), sha256_hex, sha512_hex, sha1_hex, md5_hex, sha256_b64: the password is first "
    "digested and the digest's text is bcrypt's input (hashcat 25600/25800/28400/30600 style)",
    "pepper": "a string appended to the password before hashing (Devise's config.pepper)",
    "truncate": "true (default): legacy behaviour, only the first 72 bytes count (PHP, Ruby, Node, OpenBSD, "
    "old Spring); false: passwords over 72 bytes never match (Go, patched Spring)",
}
_BCRYPT_COST = {"rounds": "log2 cost (default 10; Django 12)", "variant": "2a, 2b (default) or 2y"}
_PBKDF2_COST = {"iterations": "PBKDF2 iteration count"}

_CATALOGUE: tuple[SchemeInfo, ...] = (
    SchemeInfo(
        "bcrypt",
        "bcrypt `$2a$ $2b$ $2y$ $2x$` (PHP/Laravel, Ruby/Devise, Node, Spring, Auth0...). `$2x$` is computed "
        "with the corrected algorithm, so `$2x$` hashes of 8-bit passwords (the crypt_blowfish bug) do not verify.",
        "bcrypt_family",
        params=_BCRYPT_PARAMS,
        cost=_BCRYPT_COST,
        creatable=True,
        example="$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
    ),
    SchemeInfo(
        "aspnet_identity_v2",
        "ASP.NET Identity V2 `PasswordHash`: base64(0x00 | salt16 | PBKDF2-HMAC-SHA1 1000 iterations, 32 bytes). "
        "Like ASP.NET itself, a V3 value given with this scheme id is verified as V3.",
        "aspnet_identity",
        creatable=True,
        example="AAABAgMEBQYHCAkKCwwNDg+ukCEMDf0yyQ29NYubggHIVY0sdEUfdyeM+E1LtH1uJg==",
    ),
    SchemeInfo(
        "aspnet_identity_v3",
        "ASP.NET Core Identity V3 `PasswordHash`: base64(0x01 | prf | iterations | salt length | salt | subkey), "
        "PBKDF2 with HMAC-SHA1/256/512 (.NET 7+: SHA512, 100,000 iterations; Core <= 6: SHA256, 10,000).",
        "aspnet_identity",
        cost={
            "iterations": "iteration count (default 100000)",
            "prf": "HMACSHA1, HMACSHA256 or HMACSHA512 (default HMACSHA512)",
        },
        creatable=True,
        example="AQAAAAEAACcQAAAAEAABAgMEBQYHCAkKCwwNDg+yWU7rLgUwPZb1Itsmra7cbxw2EFpwpVFIEtP+JIuUEw==",
    ),
    SchemeInfo(
        "django_pbkdf2_sha256",
        "Django's default `pbkdf2_sha256$iterations$salt$base64(dk)`.",
        "django",
        cost=_PBKDF2_COST,
        creatable=True,
        example="pbkdf2_sha256$15000$50a7ff2d7e00$t7Qx2CfzMhGEbyCa3Wk5nJvNjj3N+FdxhpwJDerl4Fs=",
    ),
    SchemeInfo(
        "django_pbkdf2_sha1",
        "Django `pbkdf2_sha1$iterations$salt$base64(dk)`.",
        "django",
        cost=_PBKDF2_COST,
        creatable=True,
    ),
    SchemeInfo(
        "django_bcrypt",
        "Django `bcrypt$` + a bcrypt string over the raw password (first 72 bytes).",
        "bcrypt_family",
        cost=_BCRYPT_COST,
        creatable=True,
    ),
    SchemeInfo(
        "django_bcrypt_sha256",
        "Django `bcrypt_sha256$` + a bcrypt string over hex(SHA-256(password)).",
        "bcrypt_family",
        cost=_BCRYPT_COST,
        creatable=True,
    ),
    SchemeInfo(
        "django_scrypt",
        "Django >= 4.0 `scrypt$N$salt$r$p$base64(dk)` (defaults N=2^14, r=8, p=5, 64-byte key).",
        "django",
        cost={"n": "CPU/memory cost (default 16384)", "r": "block size (default 8)", "p": "parallelism (default 5)"},
        creatable=True,
    ),
    SchemeInfo(
        "django_salted_md5",
        "Django `md5$salt$hex`: md5(salt + password).",
        "django",
        weak=True,
    ),
    SchemeInfo(
        "django_salted_sha1",
        "Django `sha1$salt$hex`: sha1(salt + password) (the default before Django 1.4).",
        "django",
        weak=True,
        creatable=True,
    ),
    SchemeInfo(
        "django_unsalted_md5",
        "Django unsalted md5: `md5$$hex` or bare 32 hex digits (bare hex is only identified as this with an "
        "explicit scheme).",
        "django",
        weak=True,
        creatable=True,
    ),
    SchemeInfo(
        "django_unsalted_sha1",
        "Django `sha1$$hex`: sha1(password).",
        "django",
        weak=True,
    ),
    SchemeInfo(
        "wordpress_bcrypt",
        "WordPress >= 6.8 `$wp$2y$...`: bcrypt over base64(HMAC-SHA384(key 'wp-sha384', trim(password))).",
        "bcrypt_family",
        cost=_BCRYPT_COST,
        creatable=True,
    ),
)


def _freeze(info: SchemeInfo) -> SchemeInfo:
    object.__setattr__(info, "params", MappingProxyType(dict(info.params)))
    object.__setattr__(info, "cost", MappingProxyType(dict(info.cost)))
    return info


SCHEMES: Mapping[str, SchemeInfo] = MappingProxyType({i.id: _freeze(i) for i in _CATALOGUE})
"""Every scheme id, in catalogue order."""

_verifiers: dict[str, Verifier] = {}
_creators: dict[str, Creator] = {}


def _load(scheme: str, kind: str) -> Any:
    info = SCHEMES[scheme]
    try:
        module = importlib.import_module(f"{_PACKAGE}.{info.module}")
    except ModuleNotFoundError as exc:
        extra = f" (pip install 'cognito-migrate[{info.extra}]')" if info.extra else ""
        raise Unsupported(f"{scheme}: backend {exc.name!r} is not installed{extra}") from None
    return getattr(module, f"{kind}_{scheme}")


def verifier(scheme: str) -> Verifier:
    """The verify function of a known scheme, importing its module on first use."""
    fn = _verifiers.get(scheme)
    if fn is None:
        fn = _verifiers[scheme] = _load(scheme, "verify")
    return fn


def creator(scheme: str) -> Creator:
    """The create function of a creatable scheme, importing its module on first use."""
    fn = _creators.get(scheme)
    if fn is None:
        fn = _creators[scheme] = _load(scheme, "create")
    return fn

"""ASP.NET (Core) Identity ``PasswordHash``: V2 (PBKDF2-SHA1, 1000 iterations) and V3 (PRF, iterations, salt inline).

Layout (dotnet/aspnetcore src/Identity/Extensions.Core/src/PasswordHasher.cs)::

    V2: base64( 0x00 | salt[16] | subkey[32] )                       PBKDF2-HMAC-SHA1, 1000 iterations
    V3: base64( 0x01 | prf u32be | iterations u32be | saltLen u32be | salt | subkey )
        prf 0 = HMACSHA1, 1 = HMACSHA256, 2 = HMACSHA512; salt >= 16 bytes, subkey (the rest) >= 16 bytes

Like ``PasswordHasher.VerifyHashedPassword``, the marker byte decides: either scheme id verifies both formats.
The password is UTF-8.
"""

from __future__ import annotations

import base64
import hashlib
import os
from typing import TYPE_CHECKING, Any

from cognito_migrate.hashing._codec import b64decode, equal, param_choice, param_int, utf8
from cognito_migrate.hashing._core import Malformed, Scheme

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cognito_migrate.hashing._core import CostLimits

_PRF = {0: "sha1", 1: "sha256", 2: "sha512"}
_PRF_NAMES = {"hmacsha1": 0, "hmacsha256": 1, "hmacsha512": 2}
_DIGEST_SIZE = {"sha1": 20, "sha256": 32, "sha512": 64}


def _verify(password: str, stored: str, limits: CostLimits) -> bool:
    blob = b64decode(stored, "PasswordHash")
    if not blob:
        raise Malformed("PasswordHash: empty")
    if blob[0] == 0:
        if len(blob) != 49:
            raise Malformed("PasswordHash: V2 must be 49 bytes")
        prf, iterations, salt, subkey = "sha1", 1000, blob[1:17], blob[17:]
        limits.admit("pbkdf2_sha1", iterations)
    elif blob[0] == 1:
        if len(blob) < 13:
            raise Malformed("PasswordHash: V3 header truncated")
        prf_id = int.from_bytes(blob[1:5], "big")
        iterations = int.from_bytes(blob[5:9], "big")
        salt_len = int.from_bytes(blob[9:13], "big")
        if prf_id not in _PRF:
            raise Malformed("PasswordHash: unknown PRF")
        if salt_len < 16 or len(blob) - 13 - salt_len < 16:
            raise Malformed("PasswordHash: salt or subkey shorter than 16 bytes")
        if iterations < 1 or iterations > 0x7FFFFFFF:
            raise Malformed("PasswordHash: iteration count out of range")
        prf, salt, subkey = _PRF[prf_id], blob[13 : 13 + salt_len], blob[13 + salt_len :]
        blocks = -(-len(subkey) // _DIGEST_SIZE[prf])
        limits.check_pbkdf2(prf, iterations, blocks)
    else:
        raise Malformed("PasswordHash: unknown format marker")
    return equal(hashlib.pbkdf2_hmac(prf, utf8(password), salt, iterations, len(subkey)), subkey)


def verify_aspnet_identity_v2(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """V2 (and V3, as ASP.NET does: the marker byte decides)."""
    return _verify(password, stored, limits)


def verify_aspnet_identity_v3(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """V3 with any PRF (and V2, as ASP.NET does: the marker byte decides)."""
    return _verify(password, stored, limits)


def create_aspnet_identity_v2(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """A V2 hash as ``PasswordHasherCompatibilityMode.IdentityV2`` writes it."""
    salt = os.urandom(16)
    subkey = hashlib.pbkdf2_hmac("sha1", utf8(password), salt, 1000, 32)
    return base64.b64encode(b"\x00" + salt + subkey).decode("ascii")


def create_aspnet_identity_v3(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """A V3 hash; defaults are .NET 7+'s (HMACSHA512, 100,000 iterations, 16-byte salt, 32-byte subkey)."""
    prf_id = param_choice(cost, "prf", _PRF_NAMES, "HMACSHA512")
    iterations = param_int(cost, "iterations", 100_000) or 100_000
    salt = os.urandom(16)
    subkey = hashlib.pbkdf2_hmac(_PRF[prf_id], utf8(password), salt, iterations, 32)
    header = bytes([1]) + b"".join(n.to_bytes(4, "big") for n in (prf_id, iterations, len(salt)))
    return base64.b64encode(header + salt + subkey).decode("ascii")


IMPLEMENTATIONS = (
    Scheme("aspnet_identity_v2", verify_aspnet_identity_v2, create_aspnet_identity_v2),
    Scheme("aspnet_identity_v3", verify_aspnet_identity_v3, create_aspnet_identity_v3),
)

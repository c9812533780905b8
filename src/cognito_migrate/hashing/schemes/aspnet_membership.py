"""ASP.NET Membership (``aspnet_Membership``) and the .NET CMS variants: Episerver, Umbraco.

``SqlMembershipProvider.EncodePassword`` (.NET reference source, System.Web/Security/SQLMembershipProvider.cs):
the password is UTF-16LE; PasswordFormat 0 = clear, 1 = hashed, 2 = encrypted (needs the app's machineKey: not
supported). Hashed with an unkeyed algorithm: ``H(salt + pw)``; with an HMAC: the salt, repeated or cut to the
HMAC's default key size (64 bytes, 128 for SHA-384/512), is the key. ``passwordCompatMode=Framework20`` (the
default) hashes with SHA1; ``hashAlgorithmType`` in web.config names another.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from typing import TYPE_CHECKING, Any

from cognito_migrate.hashing._codec import b64decode, equal, equal_plaintext, param_choice, param_str, utf16le
from cognito_migrate.hashing._core import Malformed, Scheme, Unsupported

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cognito_migrate.hashing._core import CostLimits

_ALGORITHMS = {
    "md5": ("md5", False), "sha1": ("sha1", False), "sha256": ("sha256", False), "sha384": ("sha384", False),
    "sha512": ("sha512", False), "hmacmd5": ("md5", True), "hmacsha1": ("sha1", True),
    "hmacsha256": ("sha256", True), "hmacsha384": ("sha384", True), "hmacsha512": ("sha512", True),
}  # fmt: skip
_NAMES = {name: name for name in _ALGORITHMS}
_FORMATS = {"0": 0, "clear": 0, "1": 1, "hashed": 1, "2": 2, "encrypted": 2}


def membership_hash(password: str, salt: bytes, algorithm: str) -> bytes:
    """EncodePassword for PasswordFormat 1 (before base64)."""
    digest, keyed = _ALGORITHMS[algorithm]
    data = utf16le(password)
    if not keyed:
        return hashlib.new(digest, salt + data).digest()
    key_size = 128 if digest in {"sha384", "sha512"} else 64
    if not salt:
        raise Malformed("aspnet_membership: an HMAC algorithm needs a salt")
    key = (salt * (key_size // len(salt) + 1))[:key_size]
    return hmac.new(key, data, digest).digest()


def _format(params: Mapping[str, Any]) -> int:
    value = params.get("password_format", 1)
    return int(param_choice({"f": str(value)}, "f", _FORMATS, "1"))


def verify_aspnet_membership(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``Password`` column; ``salt`` = the ``PasswordSalt`` column, or stored as ``hash|format|salt``."""
    salt_text = param_str(params, "salt")
    password_format = _format(params)
    if salt_text is None and stored.count("|") == 2:  # Microsoft's SQLPasswordHasher sample: hash|format|salt
        stored, format_text, salt_text = stored.split("|")
        password_format = int(param_choice({"f": format_text}, "f", _FORMATS, "1"))
    if password_format == 0:
        return equal_plaintext(utf16le(password), utf16le(stored))
    if password_format == 2:
        raise Unsupported("aspnet_membership: PasswordFormat 2 (encrypted) needs the machineKey; not supported")
    algorithm = param_choice(params, "algorithm", _NAMES, "sha1")
    if salt_text is None:
        raise Malformed("aspnet_membership: params.salt (the PasswordSalt column) is required for hashed rows")
    salt = b64decode(salt_text, "params.salt")
    expected = b64decode(stored, "aspnet_membership")
    if len(expected) != hashlib.new(_ALGORITHMS[algorithm][0]).digest_size:
        raise Malformed("aspnet_membership: hash length does not fit the algorithm")
    return equal(membership_hash(password, salt, algorithm), expected)


def create_aspnet_membership(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """The ``Password`` column for ``params["salt"]``; without a salt, ``hash|1|salt`` with a new 16-byte salt.

    The second form (Microsoft's SQLPasswordHasher sample) is self-contained, which suits dummies and demos.
    """
    algorithm = param_choice(params, "algorithm", _NAMES, "sha1")
    salt_text = param_str(params, "salt")
    salt = b64decode(salt_text, "params.salt") if salt_text is not None else os.urandom(16)
    digest = base64.b64encode(membership_hash(password, salt, algorithm)).decode("ascii")
    if salt_text is not None:
        return digest
    return f"{digest}|1|{base64.b64encode(salt).decode('ascii')}"


def verify_episerver_membership(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """hashcat's ``$episerver$*0*salt*hash`` (0 = SHA1, 1 = SHA256): ``H(salt + UTF-16LE(pw))``."""
    parts = stored.split("*")
    if len(parts) != 4 or parts[0] != "$episerver$" or parts[1] not in {"0", "1"}:
        raise Malformed("episerver_membership: expected $episerver$*0|1*salt*hash")
    digest = "sha1" if parts[1] == "0" else "sha256"
    salt = b64decode(parts[2], "episerver.salt", pad=True)
    expected = b64decode(parts[3], "episerver.hash", pad=True)
    return equal(membership_hash(password, salt, digest), expected)


def verify_umbraco_hmacsha1(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """Umbraco legacy ``HMACSHA1``: key = message = UTF-16LE(pw), base64 (hashcat 24800)."""
    expected = b64decode(stored, "umbraco_hmacsha1")
    if len(expected) != 20:
        raise Malformed("umbraco_hmacsha1: expected 20 bytes")
    data = utf16le(password)
    return equal(hmac.new(data, data, "sha1").digest(), expected)


def create_episerver_membership(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """``$episerver$*1*salt*hash`` (SHA256, .NET 4) with a 16-byte salt."""
    salt = os.urandom(16)
    digest = membership_hash(password, salt, "sha256")
    return f"$episerver$*1*{base64.b64encode(salt).decode('ascii')}*{base64.b64encode(digest).decode('ascii')}"


def create_umbraco_hmacsha1(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """base64(HMAC-SHA1(UTF-16LE(pw), UTF-16LE(pw)))."""
    data = utf16le(password)
    return base64.b64encode(hmac.new(data, data, "sha1").digest()).decode("ascii")


IMPLEMENTATIONS = (
    Scheme("aspnet_membership", verify_aspnet_membership, create_aspnet_membership),
    Scheme("episerver_membership", verify_episerver_membership, create_episerver_membership),
    Scheme("umbraco_hmacsha1", verify_umbraco_hmacsha1, create_umbraco_hmacsha1),
)

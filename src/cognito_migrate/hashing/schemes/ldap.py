"""RFC 2307 ``userPassword`` values: ``{MD5} {SMD5} {SHA} {SSHA} {SSHA256} {SSHA512} {CRYPT}``.

Salted forms are ``base64(digest(pw + salt) + salt)``: the salt is whatever follows the digest, of any
length (2, 4, 8, 15 and 16 bytes all occur), which is why these are parsed here rather than by libpass.
``{CRYPT}`` is followed by any crypt(3) string, verified by the matching crypt scheme. The tag is
case-insensitive.
"""

from __future__ import annotations

import base64
import hashlib
import os
from typing import TYPE_CHECKING, Any

from cognito_migrate.hashing._codec import b64decode, equal, utf8
from cognito_migrate.hashing._core import Malformed, Scheme

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cognito_migrate.hashing._core import CostLimits

_SCHEMES = {
    "ldap_md5": ("{MD5}", "md5", False),
    "ldap_smd5": ("{SMD5}", "md5", True),
    "ldap_sha": ("{SHA}", "sha1", False),
    "ldap_ssha": ("{SSHA}", "sha1", True),
    "ldap_ssha256": ("{SSHA256}", "sha256", True),
    "ldap_ssha512": ("{SSHA512}", "sha512", True),
}


def _verify(password: str, stored: str, scheme: str) -> bool:
    tag, digest, salted = _SCHEMES[scheme]
    if stored[: len(tag)].upper() != tag:
        raise Malformed(f"{scheme}: expected the {tag} prefix")
    blob = b64decode(stored[len(tag) :].strip(), scheme)
    size = hashlib.new(digest).digest_size
    if len(blob) < size or (not salted and len(blob) != size):
        raise Malformed(f"{scheme}: wrong length")
    expected, salt = blob[:size], blob[size:]
    return equal(hashlib.new(digest, utf8(password) + salt).digest(), expected)


def _create(password: str, scheme: str) -> str:
    tag, digest, salted = _SCHEMES[scheme]
    salt = os.urandom(8) if salted else b""
    blob = hashlib.new(digest, utf8(password) + salt).digest() + salt
    return tag + base64.b64encode(blob).decode("ascii")


def verify_ldap_md5(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``{MD5}base64(md5(pw))``."""
    return _verify(password, stored, "ldap_md5")


def verify_ldap_smd5(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``{SMD5}base64(md5(pw + salt) + salt)``."""
    return _verify(password, stored, "ldap_smd5")


def verify_ldap_sha(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``{SHA}base64(sha1(pw))``."""
    return _verify(password, stored, "ldap_sha")


def verify_ldap_ssha(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``{SSHA}base64(sha1(pw + salt) + salt)`` (OpenLDAP's default)."""
    return _verify(password, stored, "ldap_ssha")


def verify_ldap_ssha256(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``{SSHA256}base64(sha256(pw + salt) + salt)``."""
    return _verify(password, stored, "ldap_ssha256")


def verify_ldap_ssha512(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``{SSHA512}base64(sha512(pw + salt) + salt)``."""
    return _verify(password, stored, "ldap_ssha512")


def create_ldap_ssha(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """``{SSHA}`` with an 8-byte salt."""
    return _create(password, "ldap_ssha")


def create_ldap_ssha512(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """``{SSHA512}`` with an 8-byte salt."""
    return _create(password, "ldap_ssha512")


def verify_ldap_crypt(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``{CRYPT}`` + a crypt(3) string (DES, ``$1$``, ``$5$``, ``$6$``, bcrypt, yescrypt...).

    The crypt string is placed by :func:`identify`, as the system's crypt(3) would place it by its prefix;
    without a ``$`` prefix it is traditional DES.
    """
    from cognito_migrate.hashing._identify import identify
    from cognito_migrate.hashing._registry import implementation

    if stored[:7].upper() != "{CRYPT}":
        raise Malformed("ldap_crypt: expected the {CRYPT} prefix")
    value = stored[7:]
    scheme = identify(value) if value.startswith("$") else "des_crypt"
    if scheme is None:
        raise Malformed("ldap_crypt: unknown crypt(3) prefix")
    return implementation(scheme).verify(password, value, {}, limits)


def create_ldap_md5(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """``{MD5}``."""
    return _create(password, "ldap_md5")


def create_ldap_smd5(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """``{SMD5}`` with an 8-byte salt."""
    return _create(password, "ldap_smd5")


def create_ldap_sha(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """``{SHA}``."""
    return _create(password, "ldap_sha")


def create_ldap_ssha256(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """``{SSHA256}`` with an 8-byte salt."""
    return _create(password, "ldap_ssha256")


def create_ldap_crypt(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """``{CRYPT}`` + a ``$6$`` SHA-crypt (``cost={"rounds": N}``)."""
    from cognito_migrate.hashing.schemes.sha_crypt import create_sha512_crypt

    return "{CRYPT}" + create_sha512_crypt(password, cost, params)


IMPLEMENTATIONS = (
    Scheme("ldap_md5", verify_ldap_md5, create_ldap_md5),
    Scheme("ldap_smd5", verify_ldap_smd5, create_ldap_smd5),
    Scheme("ldap_sha", verify_ldap_sha, create_ldap_sha),
    Scheme("ldap_ssha", verify_ldap_ssha, create_ldap_ssha),
    Scheme("ldap_ssha256", verify_ldap_ssha256, create_ldap_ssha256),
    Scheme("ldap_ssha512", verify_ldap_ssha512, create_ldap_ssha512),
    Scheme("ldap_crypt", verify_ldap_crypt, create_ldap_crypt),
)

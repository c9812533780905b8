"""md5-crypt (``$1$``, FreeBSD/Linux, Poul-Henning Kamp) and Apache's ``$apr1$`` variant.

Algorithm as in FreeBSD ``crypt-md5.c`` / libxcrypt ``crypt-md5.c``: salt up to 8 characters, 1000 fixed
rounds, transposed crypt(3) base64 output of 22 characters. The cost is fixed, so no cap applies.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from cognito_migrate.hashing._codec import ITOA64, encode_24bit_groups, equal, is_itoa64, random_text, utf8
from cognito_migrate.hashing._core import Malformed, Scheme

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cognito_migrate.hashing._core import CostLimits

_GROUPS = ((0, 6, 12), (1, 7, 13), (2, 8, 14), (3, 9, 15), (4, 10, 5), (11,))


def md5_crypt_checksum(password: bytes, salt: bytes, magic: bytes) -> str:
    """The 22-character checksum of md5-crypt for ``salt`` (at most 8 bytes) and ``magic`` (``$1$``/``$apr1$``)."""
    md5 = hashlib.md5
    alternate = md5(password + salt + password).digest()
    ctx = md5(password + magic + salt)
    length = len(password)
    while length > 0:
        ctx.update(alternate[: min(16, length)])
        length -= 16
    i = len(password)
    while i:
        ctx.update(b"\0" if i & 1 else password[:1])
        i >>= 1
    final = ctx.digest()
    for i in range(1000):
        data = password if i & 1 else final
        if i % 3:
            data += salt
        if i % 7:
            data += password
        data += final if i & 1 else password
        final = md5(data).digest()
    return encode_24bit_groups(final, _GROUPS)


def _verify(password: str, stored: str, magic: str) -> bool:
    if not stored.startswith(magic):
        raise Malformed(f"{magic}: wrong prefix")
    salt, sep, checksum = stored[len(magic) :].partition("$")
    if not sep or len(salt) > 8 or len(checksum) != 22 or not is_itoa64(checksum) or "$" in salt:
        raise Malformed(f"{magic}: expected salt (<= 8 characters) $ 22 characters")
    computed = md5_crypt_checksum(utf8(password), salt.encode("utf-8", "surrogateescape"), magic.encode())
    return equal(computed, checksum)


def _create(password: str, magic: str) -> str:
    salt = random_text(ITOA64, 8)
    return f"{magic}{salt}${md5_crypt_checksum(utf8(password), salt.encode(), magic.encode())}"


def verify_md5_crypt(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``$1$salt$checksum``."""
    return _verify(password, stored, "$1$")


def verify_apr1_md5_crypt(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``$apr1$salt$checksum`` (Apache htpasswd)."""
    return _verify(password, stored, "$apr1$")


def create_md5_crypt(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """``$1$`` with an 8-character random salt."""
    return _create(password, "$1$")


def create_apr1_md5_crypt(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """``$apr1$`` with an 8-character random salt."""
    return _create(password, "$apr1$")


IMPLEMENTATIONS = (
    Scheme("md5_crypt", verify_md5_crypt, create_md5_crypt),
    Scheme("apr1_md5_crypt", verify_apr1_md5_crypt, create_apr1_md5_crypt),
)

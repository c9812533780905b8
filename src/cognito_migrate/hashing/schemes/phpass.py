"""phpass portable hashes (``$P$`` WordPress <= 6.7, ``$H$`` phpBB3) and Drupal 7 (``$S$``, ``U$S$``).

phpass 0.3 ``crypt_private``: ``h = md5(salt + pw)``, then ``2**log2`` times ``h = md5(h + pw)``, phpass base64.
Drupal 7 ``_password_crypt`` is the same with SHA-512, its output cut to 55 characters; ``U$S$`` rows are
Drupal 6 md5 hashes re-hashed on upgrade (the input is md5(pw) as hex). log2 must be 7..30 (both libraries)
and at most ``phpass_max_log2``.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from cognito_migrate.hashing._codec import (
    ITOA64,
    PHP_TRIM,
    encode64_le,
    equal,
    is_itoa64,
    itoa64_index,
    param_bool,
    param_int,
    random_text,
    utf8,
)
from cognito_migrate.hashing._core import DEFAULT_LIMITS, ITERATED_BLOCK, PASSWORD_BLOCK, Malformed, OverLimit, Scheme

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cognito_migrate.hashing._core import CostLimits


def phpass_checksum(password: bytes, setting: str, digest: str, limits: CostLimits) -> str:
    """The encoded digest for a 12-character setting (``$P$`` + log2 char + 8-char salt)."""
    log2 = itoa64_index(setting[3], "phpass.log2")
    if not 7 <= log2 <= 30:
        raise Malformed("phpass: log2 count out of 7..30")
    limits.check("phpass_max_log2", log2)
    # every round re-hashes the password: a long one counts as more rounds (CostLimits.check_iterated)
    if (1 << log2) * (1 + len(password) // PASSWORD_BLOCK) > 1 << limits.phpass_max_log2:
        raise OverLimit("phpass_max_log2 exceeded for this password length")
    limits.admit(f"iterated_{digest}", (1 << log2) * (1 + len(password) // ITERATED_BLOCK))
    new = getattr(hashlib, digest)
    h = new(setting[4:12].encode("ascii") + password).digest()
    for _ in range(1 << log2):
        h = new(h + password).digest()
    return encode64_le(h)


def _setting(stored: str, prefixes: tuple[str, ...], length: int) -> str:
    if len(stored) != length or not stored.startswith(prefixes) or not is_itoa64(stored[3:]):
        raise Malformed(f"{'/'.join(prefixes)}: expected {length} characters")
    return stored[:12]


def verify_phpass(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``$P$``/``$H$`` + log2 + salt8 + 22 characters. ``trim``: WordPress trims the password (PHP trim)."""
    if param_bool(params, "trim", default=False):
        password = password.strip(PHP_TRIM)
    setting = _setting(stored, ("$P$", "$H$"), 34)
    return equal(phpass_checksum(utf8(password), setting, "md5", limits), stored[12:])


def create_phpass(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """``$P$`` with WordPress's log2 8 unless ``cost={"log2": N}``."""
    if param_bool(params, "trim", default=False):
        password = password.strip(PHP_TRIM)
    log2 = param_int(cost, "log2", 8) or 8
    setting = "$P$" + ITOA64[log2] + random_text(ITOA64, 8)
    return setting + phpass_checksum(utf8(password), setting, "md5", DEFAULT_LIMITS)


def verify_drupal7(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """Drupal 7 ``$S$`` (SHA-512, 55 characters), ``U$S$`` (over md5 hex) and its phpass ``$P$``/``$H$`` rows."""
    secret = utf8(password)
    if stored.startswith("U$"):
        stored = stored[1:]
        secret = hashlib.md5(secret).hexdigest().encode("ascii")  # noqa: S324 - Drupal 6's format
    if len(secret) > 512:
        return False  # Drupal's _password_crypt refuses longer input (for U$ rows, the md5 hex: never)
    if stored.startswith(("$P$", "$H$")):
        setting = _setting(stored, ("$P$", "$H$"), 34)
        return equal(phpass_checksum(secret, setting, "md5", limits), stored[12:])
    setting = _setting(stored, ("$S$",), 55)
    return equal(phpass_checksum(secret, setting, "sha512", limits)[:43], stored[12:])


def create_drupal7(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """``$S$`` with Drupal 7's log2 15 unless ``cost={"log2": N}``."""
    log2 = param_int(cost, "log2", 15) or 15
    setting = "$S$" + ITOA64[log2] + random_text(ITOA64, 8)
    return setting + phpass_checksum(utf8(password), setting, "sha512", DEFAULT_LIMITS)[:43]


IMPLEMENTATIONS = (
    Scheme("phpass", verify_phpass, create_phpass),
    Scheme("drupal7", verify_drupal7, create_drupal7),
)

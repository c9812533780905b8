"""Django's ``auth_user.password`` formats that need only hashlib (django/contrib/auth/hashers.py).

``algorithm$...``; the salt is used as its own UTF-8 text, the password as UTF-8. A value starting with ``!``
is Django's unusable password and never matches. ``django_bcrypt*`` live in bcrypt_family, ``django_argon2``
in argon2, ``django_crypt`` in des_crypt.
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING, Any

from cognito_migrate.hashing._codec import b64decode, equal, hexdecode, param_int, random_text, utf8
from cognito_migrate.hashing._core import Malformed, Scheme

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cognito_migrate.hashing._core import CostLimits


def _fields(stored: str, algorithm: str, count: int) -> list[str]:
    """Split ``algorithm$a$b...`` into its ``count`` fields after the algorithm."""
    if stored.startswith("!"):
        raise Malformed(f"django_{algorithm}: unusable password (Django '!' marker)")
    parts = stored.split("$")
    if len(parts) != count + 1 or parts[0] != algorithm:
        raise Malformed(f"django_{algorithm}: expected {algorithm}$ and {count} fields")
    return parts[1:]


def _positive(text: str, field: str) -> int:
    if not text.isdigit() or not text.isascii() or len(text) > 12 or int(text) < 1:
        raise Malformed(f"{field}: expected a positive integer")
    return int(text)


def _salt() -> str:
    """Django's get_random_string(22) alphabet: letters and digits."""
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return random_text(alphabet, 22)


# ---- PBKDF2 ------------------------------------------------------------------------------------------------


def _pbkdf2(password: str, stored: str, digest: str, limits: CostLimits) -> bool:
    algorithm = f"pbkdf2_{digest}"
    iterations_text, salt, encoded = _fields(stored, algorithm, 3)
    iterations = _positive(iterations_text, f"{algorithm}.iterations")
    expected = b64decode(encoded, f"{algorithm}.hash")
    if len(expected) != hashlib.new(digest).digest_size:
        raise Malformed(f"{algorithm}.hash: wrong length")
    limits.check_pbkdf2(digest, iterations, 1)
    return equal(hashlib.pbkdf2_hmac(digest, utf8(password), utf8(salt), iterations), expected)


def _create_pbkdf2(password: str, digest: str, iterations: int) -> str:
    salt = _salt()
    dk = hashlib.pbkdf2_hmac(digest, utf8(password), utf8(salt), iterations)
    return f"pbkdf2_{digest}${iterations}${salt}${base64.b64encode(dk).decode('ascii')}"


def verify_django_pbkdf2_sha256(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``pbkdf2_sha256$iterations$salt$base64(dk)``."""
    return _pbkdf2(password, stored, "sha256", limits)


def create_django_pbkdf2_sha256(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """As Django writes it (default iterations: Django 5.2's 1,000,000)."""
    return _create_pbkdf2(password, "sha256", param_int(cost, "iterations", 1_000_000) or 1_000_000)


def verify_django_pbkdf2_sha1(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``pbkdf2_sha1$iterations$salt$base64(dk)``."""
    return _pbkdf2(password, stored, "sha1", limits)


def create_django_pbkdf2_sha1(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """As Django's PBKDF2SHA1PasswordHasher writes it."""
    return _create_pbkdf2(password, "sha1", param_int(cost, "iterations", 1_000_000) or 1_000_000)


# ---- scrypt ------------------------------------------------------------------------------------------------


def verify_django_scrypt(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``scrypt$N$salt$r$p$base64(dk64)`` (Django >= 4.0; defaults N=2^14, r=8, p=5)."""
    n_text, salt, r_text, p_text, encoded = _fields(stored, "scrypt", 5)
    n = _positive(n_text, "scrypt.N")
    r = _positive(r_text, "scrypt.r")
    p = _positive(p_text, "scrypt.p")
    expected = b64decode(encoded, "scrypt.hash")
    if len(expected) != 64:
        raise Malformed("scrypt.hash: wrong length")
    maxmem = limits.scrypt_maxmem(n, r, p)
    computed = hashlib.scrypt(utf8(password), salt=utf8(salt), n=n, r=r, p=p, maxmem=maxmem, dklen=64)
    return equal(computed, expected)


def create_django_scrypt(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """As Django's ScryptPasswordHasher writes it."""
    n = param_int(cost, "n", 2**14) or 2**14
    r = param_int(cost, "r", 8) or 8
    p = param_int(cost, "p", 5) or 5
    salt = _salt()
    dk = hashlib.scrypt(utf8(password), salt=utf8(salt), n=n, r=r, p=p, maxmem=128 * r * (n + 2 + p) + 65536, dklen=64)
    return f"scrypt${n}${salt}${r}${p}${base64.b64encode(dk).decode('ascii')}"


# ---- salted and unsalted digests ---------------------------------------------------------------------------


def _digest(password: str, stored: str, digest: str, *, salted: bool) -> bool:
    if salted:
        # An empty salt (``md5$$hex``) is verified too, as Django's salted hashers do: H("" + pw) = H(pw).
        salt, hexhash = _fields(stored, digest, 2)
    else:
        prefix = f"{digest}$$"
        hexhash = stored[len(prefix) :] if stored.startswith(prefix) else stored
        salt = ""
    expected = hexdecode(hexhash, f"{digest}.hash")
    if len(expected) != hashlib.new(digest).digest_size:
        raise Malformed(f"{digest}.hash: wrong length")
    return equal(hashlib.new(digest, utf8(salt + password)).digest(), expected)


def verify_django_salted_md5(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``md5$salt$hex``: md5(salt + password)."""
    return _digest(password, stored, "md5", salted=True)


def verify_django_salted_sha1(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``sha1$salt$hex``: sha1(salt + password)."""
    return _digest(password, stored, "sha1", salted=True)


def verify_django_unsalted_md5(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """Bare 32 hex digits or ``md5$$hex``: md5(password)."""
    return _digest(password, stored, "md5", salted=False)


def verify_django_unsalted_sha1(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``sha1$$hex``: sha1(password)."""
    if not stored.startswith("sha1$$"):
        raise Malformed("django_unsalted_sha1: expected sha1$$")
    return _digest(password, stored, "sha1", salted=False)


def create_django_salted_sha1(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """``sha1$salt$hex`` (for tests and demos of the weak-hash policy)."""
    salt = _salt()
    return f"sha1${salt}${hashlib.sha1(utf8(salt + password)).hexdigest()}"  # noqa: S324 - the legacy format


def create_django_unsalted_md5(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """``md5$$hex`` (for tests and demos of the weak-hash policy)."""
    return f"md5$${hashlib.md5(utf8(password)).hexdigest()}"  # noqa: S324 - the legacy format


def create_django_salted_md5(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """``md5$salt$hex`` as Django's MD5PasswordHasher writes it."""
    salt = _salt()
    return f"md5${salt}${hashlib.md5(utf8(salt + password)).hexdigest()}"  # noqa: S324 - the legacy format


def create_django_unsalted_sha1(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """``sha1$$hex`` (Django <= 5.0 UnsaltedSHA1PasswordHasher)."""
    return f"sha1$${hashlib.sha1(utf8(password)).hexdigest()}"  # noqa: S324 - the legacy format


IMPLEMENTATIONS = (
    Scheme("django_pbkdf2_sha256", verify_django_pbkdf2_sha256, create_django_pbkdf2_sha256),
    Scheme("django_pbkdf2_sha1", verify_django_pbkdf2_sha1, create_django_pbkdf2_sha1),
    Scheme("django_scrypt", verify_django_scrypt, create_django_scrypt),
    Scheme("django_salted_md5", verify_django_salted_md5, create_django_salted_md5),
    Scheme("django_salted_sha1", verify_django_salted_sha1, create_django_salted_sha1),
    Scheme("django_unsalted_md5", verify_django_unsalted_md5, create_django_unsalted_md5),
    Scheme("django_unsalted_sha1", verify_django_unsalted_sha1, create_django_unsalted_sha1),
)

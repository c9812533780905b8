"""SHA-crypt ``$5$`` (SHA-256) and ``$6$`` (SHA-512), from Drepper's specification (akkadia.org/drepper/SHA-crypt.txt).

``$5$[rounds=N$]salt$checksum``: salt up to 16 characters, rounds default 5000, clamped to 1000..999,999,999
as the specification says, and checked against ``sha_crypt_max_rounds`` before any hashing.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from cognito_migrate.hashing._codec import ITOA64, encode_24bit_groups, equal, is_itoa64, param_int, random_text, utf8
from cognito_migrate.hashing._core import Malformed, Scheme

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cognito_migrate.hashing._core import CostLimits

_GROUPS = {
    "sha256": (
        (0, 10, 20), (21, 1, 11), (12, 22, 2), (3, 13, 23), (24, 4, 14), (15, 25, 5), (6, 16, 26), (27, 7, 17),
        (18, 28, 8), (9, 19, 29), (31, 30),
    ),
    "sha512": (
        (0, 21, 42), (22, 43, 1), (44, 2, 23), (3, 24, 45), (25, 46, 4), (47, 5, 26), (6, 27, 48), (28, 49, 7),
        (50, 8, 29), (9, 30, 51), (31, 52, 10), (53, 11, 32), (12, 33, 54), (34, 55, 13), (56, 14, 35),
        (15, 36, 57), (37, 58, 16), (59, 17, 38), (18, 39, 60), (40, 61, 19), (62, 20, 41), (63,),
    ),
}  # fmt: skip
_CHECKSUM_LENGTH = {"sha256": 43, "sha512": 86}
_DEFAULT_ROUNDS = 5000


def _repeat(digest: bytes, length: int) -> bytes:
    return (digest * (length // len(digest) + 1))[:length]


def sha_crypt_checksum(password: bytes, salt: bytes, rounds: int, name: str) -> str:
    """The checksum part of a SHA-crypt hash (steps 1-22 of Drepper's specification)."""
    new = getattr(hashlib, name)
    size = new().digest_size
    b = new(password + salt + password).digest()
    a = new(password + salt)
    length = len(password)
    while length > size:
        a.update(b)
        length -= size
    a.update(b[:length])
    i = len(password)
    while i:
        a.update(b if i & 1 else password)
        i >>= 1
    c = a.digest()
    dp = new()
    for _ in range(len(password)):  # DP = H(password repeated len times), without allocating len**2 bytes
        dp.update(password)
    p = _repeat(dp.digest(), len(password))
    s = _repeat(new(salt * (16 + c[0])).digest(), len(salt))
    # The 42 combinations of (i odd, i % 3, i % 7) as "prefix + C" or "C + suffix" byte strings.
    pattern = []
    for k in range(42):
        middle = (s if k % 3 else b"") + (p if k % 7 else b"")
        pattern.append((True, p + middle) if k & 1 else (False, middle + p))
    for i in range(rounds):
        odd, extra = pattern[i % 42]
        c = new(extra + c).digest() if odd else new(c + extra).digest()
    return encode_24bit_groups(c, _GROUPS[name])


def _verify(password: str, stored: str, name: str, magic: str, limits: CostLimits) -> bool:
    if not stored.startswith(magic):
        raise Malformed(f"{magic}: wrong prefix")
    parts = stored[len(magic) :].split("$")
    rounds = _DEFAULT_ROUNDS
    if len(parts) == 3 and parts[0].startswith("rounds="):
        text = parts.pop(0)[7:]
        if not text.isdigit() or not text.isascii() or len(text) > 10:
            raise Malformed(f"{magic}: rounds must be decimal")
        rounds = min(max(int(text), 1000), 999_999_999)
    if len(parts) != 2:
        raise Malformed(f"{magic}: expected [rounds=N$]salt$checksum")
    salt, checksum = parts
    if len(checksum) != _CHECKSUM_LENGTH[name] or not is_itoa64(checksum):
        raise Malformed(f"{magic}: checksum has the wrong length or alphabet")
    salt_bytes = salt.encode("utf-8", "surrogateescape")[:16]
    secret = utf8(password)
    limits.check_iterated("sha_crypt_max_rounds", rounds, len(secret), digest=name)  # rounds re-hash it
    return equal(sha_crypt_checksum(secret, salt_bytes, rounds, name), checksum)


def _create(password: str, name: str, magic: str, cost: Mapping[str, Any]) -> str:
    rounds = param_int(cost, "rounds", _DEFAULT_ROUNDS) or _DEFAULT_ROUNDS
    salt = random_text(ITOA64, 16)
    prefix = "" if rounds == _DEFAULT_ROUNDS else f"rounds={rounds}$"
    return f"{magic}{prefix}{salt}${sha_crypt_checksum(utf8(password), salt.encode(), rounds, name)}"


def verify_sha256_crypt(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``$5$[rounds=N$]salt$checksum``."""
    return _verify(password, stored, "sha256", "$5$", limits)


def verify_sha512_crypt(password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> bool:
    """``$6$[rounds=N$]salt$checksum`` (the default of most Linux distributions before yescrypt)."""
    return _verify(password, stored, "sha512", "$6$", limits)


def create_sha256_crypt(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """``$5$`` with a 16-character salt; ``cost={"rounds": N}`` (default 5000)."""
    return _create(password, "sha256", "$5$", cost)


def create_sha512_crypt(password: str, cost: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """``$6$`` with a 16-character salt; ``cost={"rounds": N}`` (default 5000)."""
    return _create(password, "sha512", "$6$", cost)


IMPLEMENTATIONS = (
    Scheme("sha256_crypt", verify_sha256_crypt, create_sha256_crypt),
    Scheme("sha512_crypt", verify_sha512_crypt, create_sha512_crypt),
)

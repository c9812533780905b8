"""The cost parameters a stored value carries, read without hashing anything (for ``cognito-migrate audit``).

``cost_of(scheme, stored)`` parses only the header of a self-describing value (bcrypt's ``$2b$12$``, ASP.NET
Identity V3's PRF and iteration count, an Argon2 ``m=,t=,p=``...) and says which :class:`CostLimits` caps
it meets; :func:`over_limit` checks them with :class:`CostLimits` itself, so the audit refuses exactly the
rows the verifiers would refuse as OVER_LIMIT. Schemes whose cost is fixed or lives outside the stored
value (a salted digest, Firebase's project parameters) have no readable cost: None.

Nothing here is on the trigger's path; it runs once per row over a whole store, so it stays cheap:
string splits, one small base64 decode, no scheme module import.

Not to be confused with ``_estimate.py``, which predicts a verification's *time* by running the scheme's
own verify function up to the step it announces (for the trigger's deadline).
"""

from __future__ import annotations

import binascii
import re
from typing import TYPE_CHECKING, Final, NamedTuple

from cognito_migrate.hashing._codec import ITOA64
from cognito_migrate.hashing._core import OverLimit, Refusal

if TYPE_CHECKING:
    from collections.abc import Callable

    from cognito_migrate.hashing._core import CostLimits

_BCRYPT: Final = re.compile(r"\$2[abxy]\$(\d{2})\$")
_ASPNET_PRF: Final = {0: ("HMACSHA1", 20), 1: ("HMACSHA256", 32), 2: ("HMACSHA512", 64)}
_CRYPT_DEFAULT_ROUNDS: Final = 5000


class Cost(NamedTuple):
    """What one stored value costs to verify: named values for people, and the caps they are held to.

    ``values`` is ordered as the format writes it (``prf``, ``iterations``); ``caps`` pairs a
    :class:`CostLimits` field with the number checked against it (``pbkdf2_max_iterations``, 100000).
    ``scrypt`` holds (N, r, p) when the scrypt caps apply, which :meth:`CostLimits.scrypt_maxmem` checks.
    """

    values: tuple[tuple[str, int | str], ...]
    caps: tuple[tuple[str, int], ...] = ()
    scrypt: tuple[int, int, int] | None = None

    @property
    def label(self) -> str:
        """``prf=HMACSHA512 iterations=100000``: one bucket of the cost distribution."""
        return " ".join(f"{name}={value}" for name, value in self.values)


def _bcrypt(stored: str) -> Cost | None:
    match = _BCRYPT.search(stored, 0, 24)  # after a prefix: bcrypt_sha256$, $wp$
    if match is None:
        return None
    rounds = int(match.group(1))
    return Cost((("cost", rounds),), (("bcrypt_max_cost", rounds),))


def _aspnet(stored: str) -> Cost | None:
    try:
        blob = binascii.a2b_base64(stored)
    except (binascii.Error, ValueError):
        return None
    if len(blob) == 49 and blob[0] == 0:  # V2: a fixed cost, which the verifier never caps
        return Cost((("prf", "HMACSHA1"), ("iterations", 1000)))
    if len(blob) < 13 or blob[0] != 1:
        return None
    prf = _ASPNET_PRF.get(int.from_bytes(blob[1:5], "big"))
    if prf is None:
        return None
    iterations = int.from_bytes(blob[5:9], "big")
    subkey = len(blob) - 13 - int.from_bytes(blob[9:13], "big")
    blocks = max(1, -(-subkey // prf[1]))
    return Cost((("prf", prf[0]), ("iterations", iterations)), (("pbkdf2_max_iterations", iterations * blocks),))


def _iterations(text: str) -> Cost | None:
    if not text.isdigit():
        return None
    iterations = int(text)
    return Cost((("iterations", iterations),), (("pbkdf2_max_iterations", iterations),))


def _django_pbkdf2(stored: str) -> Cost | None:
    parts = stored.split("$", 3)
    return _iterations(parts[1]) if len(parts) == 4 else None


def _argon2(phc: str) -> Cost | None:
    for part in phc.split("$"):
        if part.startswith("m="):
            values = dict(item.partition("=")[::2] for item in part.split(","))
            try:
                m, t, p = int(values["m"]), int(values["t"]), int(values["p"])
            except (KeyError, ValueError):
                return None
            caps = (("argon2_max_memory_kib", m), ("argon2_max_time_cost", t), ("argon2_max_parallelism", p))
            return Cost((("m", m), ("t", t), ("p", p)), caps)
    return None


def _scrypt(n: str, r: str, p: str) -> Cost | None:
    if not (n.isdigit() and r.isdigit() and p.isdigit()):
        return None
    values = int(n), int(r), int(p)
    return Cost((("N", values[0]), ("r", values[1]), ("p", values[2])), scrypt=values)


def _django_scrypt(stored: str) -> Cost | None:
    parts = stored.split("$")
    return _scrypt(parts[1], parts[3], parts[4]) if len(parts) == 6 else None


def _sha_crypt(stored: str) -> Cost | None:
    head = stored[3:].split("$", 1)[0]
    rounds = _CRYPT_DEFAULT_ROUNDS
    if head.startswith("rounds="):
        if not head[7:].isdigit():
            return None
        rounds = min(max(int(head[7:]), 1000), 999_999_999)
    return Cost((("rounds", rounds),), (("sha_crypt_max_rounds", rounds),))


def _phpass(stored: str) -> Cost | None:
    offset = 4 if stored.startswith("U$") else 3
    if len(stored) <= offset or stored[offset] not in ITOA64:
        return None
    log2 = ITOA64.index(stored[offset])
    return Cost((("log2", log2),), (("phpass_max_log2", log2),))


def _passlib_pbkdf2(stored: str) -> Cost | None:
    parts = stored.split("$")
    return _iterations(parts[2]) if len(parts) >= 3 else None


def _werkzeug(stored: str) -> Cost | None:
    method = stored.split("$", 1)[0].split(":")
    if method[0] == "pbkdf2" and len(method) == 3:
        return _iterations(method[2])
    if method[0] == "scrypt" and len(method) == 4:
        return _scrypt(method[1], method[2], method[3])
    return None


def _pbkdf2_generic(stored: str) -> Cost | None:
    parts = stored.split(":")
    return _iterations(parts[1]) if len(parts) >= 4 else None


_READERS: Final[dict[str, Callable[[str], Cost | None]]] = {
    "bcrypt": _bcrypt,
    "django_bcrypt": _bcrypt,
    "django_bcrypt_sha256": _bcrypt,
    "wordpress_bcrypt": _bcrypt,
    "aspnet_identity_v2": _aspnet,
    "aspnet_identity_v3": _aspnet,
    "django_pbkdf2_sha256": _django_pbkdf2,
    "django_pbkdf2_sha1": _django_pbkdf2,
    "django_argon2": _argon2,
    "argon2": _argon2,
    "django_scrypt": _django_scrypt,
    "sha256_crypt": _sha_crypt,
    "sha512_crypt": _sha_crypt,
    "phpass": _phpass,
    "drupal7": _phpass,
    "passlib_pbkdf2": _passlib_pbkdf2,
    "werkzeug": _werkzeug,
    "pbkdf2_generic": _pbkdf2_generic,
}


def cost_of(scheme: str, stored: str) -> Cost | None:
    """The cost ``stored`` carries, or None when the scheme's cost cannot be read from it (never raises)."""
    reader = _READERS.get(scheme)
    if reader is None or not isinstance(stored, str):
        return None
    try:
        return reader(stored)
    except (ValueError, IndexError):  # a corrupt header: the verifier will call it MALFORMED
        return None


def over_limit(cost: Cost, limits: CostLimits) -> str | None:
    """The cap the cost exceeds (``bcrypt_max_cost exceeded``), or None: the verifier's own checks, no hashing."""
    try:
        for name, value in cost.caps:
            limits.check(name, value)
        if cost.scrypt is not None:
            limits.scrypt_maxmem(*cost.scrypt)
    except OverLimit as refusal:
        return refusal.reason
    except Refusal:  # malformed parameters: not a cost problem
        return None
    return None

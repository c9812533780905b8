"""The vocabulary every scheme module shares: verdicts, cost limits, and the three refusals.

Standard library only: this module is imported on the trigger's cold path.
"""

import enum
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple


class Verdict(enum.StrEnum):
    """What a verification ended in. Only ``MATCH`` lets a user in.

    ``MALFORMED`` (the stored value or its params cannot be parsed), ``UNSUPPORTED`` (unknown scheme id, a value
    :func:`identify` cannot place, a backend that is missing here) and ``OVER_LIMIT`` (a cost parameter above
    :class:`CostLimits`, refused before any computation) let the caller log *why* without ever seeing a value.
    ``OVER_TIME``: the verification was expected to take longer than the ``max_seconds`` the caller had left,
    so it was not started; the row may be fine, the time was not (a caller fails closed, it does not reject).
    """

    MATCH = "MATCH"
    MISMATCH = "MISMATCH"
    MALFORMED = "MALFORMED"
    UNSUPPORTED = "UNSUPPORTED"
    OVER_LIMIT = "OVER_LIMIT"
    OVER_TIME = "OVER_TIME"


class LimitsError(ValueError):
    """A table of cost limits is invalid: ``key`` is the full key (``hashing.limits.bcrypt_max_cost``)."""

    def __init__(self, key: str, problem: str) -> None:
        self.key = key
        self.problem = problem
        super().__init__(f"{key}: {problem}")


class Refusal(Exception):
    """Raised by a scheme module to stop a verification early; ``reason`` names a field, never a value."""

    verdict: Verdict = Verdict.MALFORMED

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class Malformed(Refusal):
    """The stored value (or a param) does not have the scheme's shape."""

    verdict = Verdict.MALFORMED


class OverLimit(Refusal):
    """A cost parameter read from the stored value is above the configured cap."""

    verdict = Verdict.OVER_LIMIT


class OverTime(Refusal):
    """The verification would take longer than the time the caller has left; it was not started."""

    verdict = Verdict.OVER_TIME


class Unsupported(Refusal):
    """The scheme cannot be verified in this process (backend or optional extra missing)."""

    verdict = Verdict.UNSUPPORTED


class CostLimits(NamedTuple):
    """Caps on cost parameters read from stored values, checked before any hashing starts.

    Immutable (a NamedTuple rather than a dataclass: importing dataclasses costs the cold start ~8 ms).

    A hostile or corrupt row (``pbkdf2_sha256$2000000000$...``) must not spend the trigger's 5-second budget.
    The defaults leave headroom over what frameworks write today (Django 5.2 and Werkzeug 3.1 write 1,000,000
    PBKDF2 iterations, Django 6.0 1,200,000; PHP argon2 m=64 MiB t=4, Django m=100 MiB t=2; bcrypt cost
    10-14) and refuse what is far costlier. Where factors multiply the cap is on their product: argon2 memory
    x passes, PBKDF2 iterations x output blocks, rounds x password length for iterated digests, scrypt
    N x r x p. Whether a verification under the caps still fits the time left is the caller's question,
    answered by ``estimate`` / ``check(max_seconds=...)``. Configured under ``[hashing.limits]``.

    :meth:`admit` is where every scheme announces the work it is about to do, right before doing it: a
    no-op here, it is how the estimate learns a verification's cost without running it.
    """

    bcrypt_max_cost: int = 15
    pbkdf2_max_iterations: int = 3_000_000
    digest_max_iterations: int = 1_000_000
    sha_crypt_max_rounds: int = 1_000_000
    phpass_max_log2: int = 20
    scrypt_max_n: int = 2**20
    scrypt_max_r: int = 32
    scrypt_max_p: int = 16
    scrypt_max_memory: int = 256 * 1024 * 1024
    scrypt_max_work: int = 2**22
    argon2_max_memory_kib: int = 256 * 1024
    argon2_max_time_cost: int = 16
    argon2_max_parallelism: int = 16
    argon2_max_work_kib: int = 1024 * 1024

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, key_prefix: str = "hashing.limits") -> "CostLimits":
        """Build from a configuration table; unknown keys and non-positive or non-integer values raise
        :class:`LimitsError`."""
        from collections.abc import Mapping as MappingABC

        if not isinstance(data, MappingABC):
            raise LimitsError(key_prefix, f"expected a table of limits, got {type(data).__name__}")
        known = set(cls._fields)
        values: dict[str, int] = {}
        for key, value in data.items():
            full = f"{key_prefix}.{key}"
            if key not in known:
                raise LimitsError(full, f"unknown key; expected one of: {', '.join(sorted(known))}")
            if isinstance(value, bool) or not isinstance(value, int):
                raise LimitsError(full, f"expected a positive integer, got {type(value).__name__}")
            if value <= 0:
                raise LimitsError(full, "expected a positive integer")
            values[key] = value
        return cls(**values)

    def check(self, name: str, value: int) -> None:
        """Raise :class:`OverLimit` when ``value`` exceeds the cap ``name`` (a field of this class)."""
        if value > getattr(self, name):
            raise OverLimit(f"{name} exceeded")

    def admit(self, primitive: str, units: int) -> None:
        """Called by a scheme right before it computes ``units`` of ``primitive`` (see ``_estimate.py``); no-op here."""

    def check_pbkdf2(self, digest: str, iterations: int, blocks: int) -> None:
        """Check PBKDF2 iterations x output blocks against ``pbkdf2_max_iterations``, then admit the work."""
        self.check("pbkdf2_max_iterations", iterations * blocks)
        self.admit(f"pbkdf2_{digest}", iterations * blocks)

    def check_argon2(self, m: int, t: int, p: int) -> None:
        """Check Argon2 memory (KiB), passes, lanes and memory x passes (its time), then admit the work."""
        self.check("argon2_max_memory_kib", m)
        self.check("argon2_max_time_cost", t)
        self.check("argon2_max_parallelism", p)
        self.check("argon2_max_work_kib", m * t)
        self.admit("argon2", m * t)

    def check_iterated(self, name: str, rounds: int, secret_length: int, *, digest: str) -> None:
        """Check ``rounds`` of an iterated digest that re-hashes the password every round.

        SHA-crypt, phpass/Drupal and Symfony's MessageDigest hash the password (not a fixed-size key) in each
        round, so their cost is rounds x password length: a 16 KB password at an allowed round count would
        take minutes. Each started :data:`PASSWORD_BLOCK` bytes of password counts as one more round, so
        every real password (shorter than that) is checked against the cap exactly as before. The verdict is
        OVER_LIMIT, not MISMATCH: callers spend a dummy verification on any non-MATCH/MISMATCH verdict, so a
        known user answers in the time an unknown one does.
        """
        self.check(name, rounds)
        if rounds * (1 + secret_length // PASSWORD_BLOCK) > getattr(self, name):
            # the row is fine, the password is long: say so, so that nobody goes looking for a hostile row
            raise OverLimit(f"{name} exceeded for this password length")
        self.admit(f"iterated_{digest}", rounds * (1 + secret_length // ITERATED_BLOCK))

    def scrypt_maxmem(self, n: int, r: int, p: int) -> int:
        """Check scrypt's N, r, p (and N*r*p, memory) against the caps; the ``maxmem`` to pass to hashlib.

        OpenSSL needs ``128*r*(N+2) + 128*r*p`` bytes; hashlib's default cap (32 MiB) is too small for
        Werkzeug's defaults, so the exact need is passed, once it is known to be under the cap.
        """
        if n < 2 or n & (n - 1) or r < 1 or p < 1:
            raise Malformed("scrypt: N must be a power of two > 1, r and p positive")
        self.check("scrypt_max_n", n)
        self.check("scrypt_max_r", r)
        self.check("scrypt_max_p", p)
        self.check("scrypt_max_work", n * r * p)
        memory = 128 * r * (n + 2 + p)
        self.check("scrypt_max_memory", memory)
        self.admit("scrypt", n * r * p)
        return memory + 65536


PASSWORD_BLOCK = 256
"""Password bytes counted as one round by :meth:`CostLimits.check_iterated`."""

ITERATED_BLOCK = 64
"""Password bytes that make one more digest block per round, for the time estimate of iterated digests."""

DEFAULT_LIMITS = CostLimits()

Verifier = Callable[[str, str, Mapping[str, Any], CostLimits], bool]
"""``verify(password, stored, params, limits)``: True on a match; raises a :class:`Refusal` to refuse."""
Creator = Callable[[str, Mapping[str, Any], Mapping[str, Any]], str]
"""``create(password, cost, params)``: a stored value as the scheme's framework writes it."""
ParamsFiller = Callable[[Mapping[str, Any]], Mapping[str, Any]]
"""Completes the params a dummy credential needs (Firebase's project parameters)."""


class Scheme(NamedTuple):
    """One scheme's implementation: the contract between a module of ``hashing/schemes/`` and the registry.

    Each scheme module ends with ``IMPLEMENTATIONS = (Scheme("bcrypt", verify_bcrypt, create_bcrypt), ...)``:
    the functions are referenced, not named, so a misspelt one fails when the module is imported and mypy
    checks their signatures. The registry imports the module the first time one of its schemes is used and
    checks that it implements exactly the ids the catalogue (``_catalogue.py``) assigns to it.

    ``verify(password, stored, params, limits)`` returns True on a match and raises :class:`Malformed`,
    :class:`OverLimit` or :class:`Unsupported` to refuse; it checks every cost read from ``stored`` against
    ``limits`` before computing. ``create(password, cost, params)`` writes a stored value as the framework
    does (for dummies, demos and tests). ``dummy_params`` completes the params a dummy needs, when a stored
    value is useless without some (Firebase's project parameters).
    """

    id: str
    verify: Verifier
    create: Creator
    dummy_params: ParamsFiller | None = None

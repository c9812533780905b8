"""How long a verification will take, asked before it starts: a work-unit model per primitive.

Every scheme announces its expensive step right before computing it, through ``CostLimits.admit(primitive,
units)`` (after its caps are checked). :func:`probe` runs a scheme's verify function with limits whose
``admit`` stops it there, so the work is known from the stored value and the password without computing
anything; :class:`CostModel` turns it into seconds.

The primitives and their units:

========================  =====================================================================
``bcrypt``                2**cost (key expansions)
``pbkdf2_<digest>``       iterations x output blocks
``scrypt``                N x r x p (yescrypt: N x r x (t + 1))
``argon2``                memory in KiB x passes
``iterated_<digest>``     rounds x (1 + password bytes // 64): SHA-crypt, phpass/Drupal, Symfony's
                          MessageDigest, MySQL caching_sha2, one digest call per round
========================  =====================================================================

:data:`SECONDS_PER_UNIT` was measured on the development machine with ``python bench/bench_hashing.py
--calibrate`` (which prints a new table). The machine the trigger runs on is faster or slower by one factor,
whatever the primitive, to a first approximation: :class:`CostModel` learns it from the verifications it times
(a running average of measured / predicted). Before its first verification a process starts from what it can
know: inside Lambda, CPU is proportional to memory (a full vCPU at 1,769 MB), so the starting factor is
1769 / ``AWS_LAMBDA_FUNCTION_MEMORY_SIZE`` when that is smaller (about 3.5 at 512 MB); elsewhere 1. Schemes that
announce nothing (plain digests, md5-crypt, DES: fixed, sub-millisecond to a few milliseconds) have no
estimate: :func:`probe` returns None.
"""

import os
from collections.abc import Mapping
from typing import Any, NamedTuple

from cognito_migrate.hashing._core import CostLimits, OverTime, Verifier

SECONDS_PER_UNIT: dict[str, float] = {
    "bcrypt": 6.0e-5,
    "pbkdf2_md5": 3.5e-7,
    "pbkdf2_sha1": 3.5e-7,
    "pbkdf2_sha224": 4.0e-7,
    "pbkdf2_sha256": 4.0e-7,
    "pbkdf2_sha384": 1.1e-6,
    "pbkdf2_sha512": 1.1e-6,
    "scrypt": 4.0e-7,
    "argon2": 1.6e-6,
    "iterated_md5": 5.0e-7,
    "iterated_sha1": 5.5e-7,
    "iterated_sha256": 1.0e-6,
    "iterated_sha384": 1.5e-6,
    "iterated_sha512": 1.5e-6,
}
"""Seconds per unit of each primitive on the machine the table was measured on (see the module docstring)."""


class Work(NamedTuple):
    """What a verification is about to compute: ``units`` of ``primitive``."""

    primitive: str
    units: int


class _Admitted(Exception):
    def __init__(self, work: Work) -> None:
        super().__init__(work.primitive)
        self.work = work


class _Probe(CostLimits):
    """The caller's limits, except that the first admitted work stops the verification (before it runs)."""

    __slots__ = ()

    def admit(self, primitive: str, units: int) -> None:
        raise _Admitted(Work(primitive, units))


class Gate(CostLimits):
    """The caller's limits plus a time budget: admitted work expected to exceed ``max_seconds`` is refused.

    Used for one verification: the scheme parses, checks its caps, announces its work, and either goes on in
    the same call (no second parse) or stops with :class:`OverTime` before computing anything.
    """

    # no __slots__: an instance carries its budget and the work it admitted
    max_seconds: float
    work: Work | None

    @classmethod
    def around(cls, limits: CostLimits, max_seconds: float) -> "Gate":
        gate = cls(*limits)
        gate.max_seconds = max_seconds
        gate.work = None
        return gate

    def admit(self, primitive: str, units: int) -> None:
        work = Work(primitive, units)
        expected = MODEL.seconds(work)
        if expected > self.max_seconds:
            left = max(self.max_seconds, 0.0) * 1000
            raise OverTime(f"expected {expected * 1000:.0f} ms of {primitive}, {left:.0f} ms left")
        self.work = work


def probe(verify: Verifier, password: str, stored: str, params: Mapping[str, Any], limits: CostLimits) -> Work | None:
    """The work ``verify`` would do for this password and stored value, without doing it.

    None when it would do none worth estimating: it refuses the value first (malformed, over a cap), or the
    scheme is a fast digest that announces nothing (it then ran, which costs microseconds).
    """
    try:
        verify(password, stored, params, _Probe(*limits))
    except _Admitted as admitted:
        return admitted.work
    except Exception:  # noqa: BLE001 - the real verification meets the same refusal and reports it
        return None
    return None


_MIN_FACTOR, _MAX_FACTOR = 0.1, 50.0
_LEARNING_RATE = 0.3


class CostModel:
    """Seconds for a :class:`Work` on this machine: the calibrated table times a speed factor it learns.

    :meth:`observe` feeds it measured verifications (exponential average of measured / predicted, bounded to
    0.1-50), so the factor follows the machine it runs on rather than the one the table was measured on.
    """

    def __init__(self, speed_factor: float = 1.0) -> None:
        self.speed_factor = speed_factor

    @staticmethod
    def unit_seconds(primitive: str) -> float:
        """Seconds per unit; an unknown primitive costs what the dearest of its family does (never zero)."""
        known = SECONDS_PER_UNIT.get(primitive)
        if known is not None:
            return known
        family = primitive.split("_", 1)[0]
        same = [v for k, v in SECONDS_PER_UNIT.items() if k.split("_", 1)[0] == family]
        return max(same or SECONDS_PER_UNIT.values())

    def seconds(self, work: Work) -> float:
        """The expected duration of ``work`` here."""
        return work.units * self.unit_seconds(work.primitive) * self.speed_factor

    def observe(self, work: Work, seconds: float) -> None:
        """Learn from one measured verification of ``work`` (ignored when too short to measure)."""
        predicted = work.units * self.unit_seconds(work.primitive)
        if predicted < 0.001 or seconds <= 0:  # a millisecond is the resolution that matters here
            return
        ratio = min(max(seconds / predicted, _MIN_FACTOR), _MAX_FACTOR)
        self.speed_factor += _LEARNING_RATE * (ratio - self.speed_factor)


_FULL_VCPU_MB = 1769


def starting_factor(environ: Mapping[str, str] = os.environ) -> float:
    """How much slower than the calibration machine this process is before it has measured anything.

    Lambda gives a function CPU in proportion to its memory, one full vCPU at 1,769 MB: a 512 MB function
    runs CPU-bound code about 3.5 times slower. Outside Lambda (or with an unreadable value): 1.
    """
    text = environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "")
    if not text.isdigit() or int(text) == 0:
        return 1.0
    return max(1.0, _FULL_VCPU_MB / int(text))


MODEL = CostModel(starting_factor())
"""The process's model: every timed verification of :func:`~cognito_migrate.hashing.check` teaches it."""

"""When a rejected sign-in may answer: never before a floor measured from the start of the invocation.

A rejection's own work varies with things an attacker can learn from the clock: whether the user exists,
the scheme and cost of their row (ASP.NET Identity V2 at 1 ms next to V3 at 100 ms), which lookups
matched, and what earlier requests left behind. Rather than imitate that work, every rejection of a
sign-in with a password waits until ``floor`` seconds after the invocation started; the work done before
is hidden inside the floor. Sleeping costs billed Lambda time but no CPU.

The floor is ``trigger.reject_floor_ms`` when configured, otherwise *auto*: ``HEADROOM`` times the
dearest verification this container knows of, plus the dearest lookup, plus the dearest ledger and
throttle write (they run inside the floor, so that a rejection that writes more answers no later). "Knows
of" is measured, never guessed: the first rejection of a container times one verification of the
configured dummy credential and of a row sampled from the store (:meth:`RejectionFloor.calibrate`); every
real lookup and write afterwards raises the marks (the service leaves out the container's first invocation,
whose lookup and writes open the connections), and so does a verification the floor did not cover (one
longer than ``HEADROOM`` times the mark: a floor that moved after every slightly dearer verification would
tell the next request that the one before it verified a dear row). The marks only rise, so an earlier cheap
request never lowers the floor for the next one, and a floor is computed from what was known *before* the
current request, so the request's own row does not shape its own answer. Work past the floor is reported
(``over``), logged and counted, because it means a row or a lookup is dearer than the floor and its time
shows.

The first rejection of a container has one measurement to go on, taken under whatever load the host has
at that moment, while an existing user's own verification (of a row as dear as the dummy) ran a moment
earlier under another: its floor uses ``COLD_HEADROOM``, so that single measurement's noise stays under it.

Forgot-password requests carry no password and verify nothing: they are not padded (their rejections and
their migrations run the same lookups, and padding only one side would itself tell them apart).
"""

import threading
import time
from collections.abc import Callable
from typing import Final, NamedTuple

from cognito_migrate.models import Deadline

HEADROOM: Final = 1.25
"""The auto floor is this many times the dearest verification: a real one varies by some percent."""

COLD_HEADROOM: Final = 1.6
"""The headroom of the rejection that calibrates (the first of a container): one measurement, no marks yet."""

MAX_FLOOR_S: Final = 3.0
"""No floor beyond this: Cognito waits 5 s for the whole trigger, cold start included."""


class FloorReport(NamedTuple):
    """What the floor did for one rejection, in milliseconds (for the log line and the metrics)."""

    floor_ms: float
    waited_ms: float
    over_ms: float


class RejectionFloor:
    """The floor for rejected sign-ins of one container (one per :class:`~cognito_migrate.service.MigrationService`)."""

    def __init__(
        self,
        *,
        configured_s: float | None = None,
        clock: Callable[[], float] = time.perf_counter,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._configured = configured_s
        self._clock = clock
        self._sleep = sleep
        self._hash_s = 0.0  # dearest verification known (calibration and real checks)
        self._lookup_s = 0.0  # dearest lookup known
        self._record_s = 0.0  # dearest ledger and throttle writes known
        self._calibrated = configured_s is not None
        self._lock = threading.Lock()  # the local Cognito serves several threads with one service

    @property
    def clock(self) -> Callable[[], float]:
        """The clock the floor is measured on (the service times its steps with it)."""
        return self._clock

    @property
    def needs_calibration(self) -> bool:
        """True until the auto floor has timed the dummy (never with a configured floor)."""
        return not self._calibrated

    def calibrate(self, measure: Callable[[], float]) -> float:
        """Run ``measure`` (it returns the seconds of the dearest reference verification) once; returns the
        seconds spent, which the current rejection adds to its floor (every first rejection pays them)."""
        started = self._clock()
        with self._lock:
            if not self._calibrated:
                self._hash_s = max(self._hash_s, measure())
                self._calibrated = True
        return self._clock() - started

    def seconds(self, *, lookup_s: float = 0.0, cold: bool = False) -> float:
        """The floor for a rejection whose own lookup took ``lookup_s``: from what is known now.

        ``cold``: the rejection that has just calibrated (``COLD_HEADROOM``, see the module docstring).
        """
        headroom = COLD_HEADROOM if cold else HEADROOM
        auto = headroom * self._hash_s + max(self._lookup_s, lookup_s) + self._record_s
        return min(max(self._configured or 0.0, auto), MAX_FLOOR_S)

    def observe(self, *, lookup_s: float | None, verify_s: float | None, record_s: float | None = None) -> None:
        """Raise the marks after an invocation (real work only: a lookup that answered, a hash computed,
        the ledger and throttle writes)."""
        with self._lock:
            if lookup_s is not None:
                self._lookup_s = max(self._lookup_s, lookup_s)
            if verify_s is not None and verify_s > HEADROOM * self._hash_s:
                # only a verification the floor did not cover moves it: moving it for one it covered would
                # tell the next request that this one verified a row dearer than any before (a user exists)
                self._hash_s = verify_s
            if record_s is not None:
                self._record_s = max(self._record_s, record_s)

    def wait(self, started: float, floor_s: float, deadline: Deadline | None) -> FloorReport:
        """Sleep until ``started + floor_s`` (never past the deadline); report the wait and any overrun."""
        now = self._clock()
        until = started + floor_s
        if deadline is not None:
            until = min(until, now + max(deadline.remaining(), 0.0))
        waited = max(until - now, 0.0)
        if waited > 0:
            self._sleep(waited)
        over = max(now - (started + floor_s), 0.0)
        return FloorReport(round(floor_s * 1000, 3), round(waited * 1000, 3), round(over * 1000, 3))

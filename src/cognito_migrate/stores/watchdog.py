"""One watchdog thread that runs a callback when an armed step outlives its deadline (it shuts a socket).

A blocking client library (ldap3) bounds each read, not a whole operation: a server that answers one byte
at a time, or a TLS handshake that stalls, would hold the trigger past its deadline. The watchdog ends
such a step from outside. One daemon thread serves every armed step of the process and sleeps on a
condition between alarms; arming and disarming is a dictionary update under a lock, where a
``threading.Timer`` per step would start a thread per step (about 0.5 ms each on this machine:
BENCHMARKS.md §10).
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


class Watchdog:
    """Alarms by monotonic time; :meth:`arm` returns a token for :meth:`disarm`."""

    def __init__(self) -> None:
        self._alarms: dict[int, tuple[float, Callable[[], None]]] = {}
        self._tokens = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def arm(self, seconds: float, callback: Callable[[], None]) -> int:
        """Run ``callback`` in ``seconds`` unless disarmed first (at once when ``seconds`` is not positive)."""
        with self._wake:
            token = next(self._tokens)
            self._alarms[token] = (time.monotonic() + seconds, callback)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="cognito-migrate-watchdog", daemon=True)
                self._thread.start()
            self._wake.notify()
        return token

    def disarm(self, token: int) -> None:
        with self._wake:
            self._alarms.pop(token, None)

    def _run(self) -> None:
        while True:
            with self._wake:
                due: list[Callable[[], None]] = []
                while not due:
                    now = time.monotonic()
                    expired = [token for token, (when, _) in self._alarms.items() if when <= now]
                    due = [self._alarms.pop(token)[1] for token in expired]
                    if not due:
                        wait = min((when for when, _ in self._alarms.values()), default=now + 3600.0) - now
                        self._wake.wait(wait)
            for callback in due:  # outside the lock: a callback may take a moment (a socket shutdown)
                with contextlib.suppress(Exception):  # one failing callback must not stop the others' alarms
                    callback()


WATCHDOG = Watchdog()
"""The process's one watchdog (its thread starts at the first alarm armed)."""

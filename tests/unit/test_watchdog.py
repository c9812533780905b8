"""The stores' shared watchdog: an armed alarm fires once, a disarmed one never does, in deadline order."""

from __future__ import annotations

import threading

from cognito_migrate.stores.watchdog import Watchdog


def test_an_alarm_fires_and_a_disarmed_one_does_not() -> None:
    watchdog = Watchdog()
    fired: list[str] = []
    last = threading.Event()
    cancelled = watchdog.arm(0.05, lambda: fired.append("cancelled"))
    watchdog.arm(0.1, lambda: fired.append("second"))
    watchdog.arm(0.0, lambda: fired.append("first"))
    watchdog.arm(0.2, last.set)
    watchdog.disarm(cancelled)
    assert last.wait(5)
    assert fired == ["first", "second"]


def test_a_failing_callback_does_not_stop_the_thread() -> None:
    watchdog = Watchdog()
    done = threading.Event()

    def broken() -> None:
        raise OSError("socket already closed")

    watchdog.arm(0.0, broken)
    watchdog.arm(0.05, done.set)
    assert done.wait(5)

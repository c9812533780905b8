"""The rejection floor's arithmetic, on a fake clock: what it waits for, what it learns, what it reports."""

from __future__ import annotations

from cognito_migrate.floor import COLD_HEADROOM, HEADROOM, MAX_FLOOR_S, RejectionFloor
from cognito_migrate.models import Deadline


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_a_configured_floor_needs_no_measurement_and_is_waited_for_from_the_start() -> None:
    clock = FakeClock()
    floor = RejectionFloor(configured_s=0.2, clock=clock, sleep=clock.sleep)
    assert not floor.needs_calibration
    started = clock.now
    clock.now += 0.05  # the rejection's own work
    report = floor.wait(started, floor.seconds(), None)
    assert len(clock.slept) == 1 and abs(clock.slept[0] - 0.15) < 1e-9
    assert (report.floor_ms, report.over_ms) == (200.0, 0.0)


def test_the_auto_floor_is_measured_once_and_adds_the_measurement_to_the_first_rejection() -> None:
    clock = FakeClock()
    floor = RejectionFloor(clock=clock, sleep=clock.sleep)
    assert floor.needs_calibration

    def measure() -> float:
        clock.now += 0.3  # measuring takes time: the dummy and the sample are verified
        return 0.1

    assert abs(floor.calibrate(measure) - 0.3) < 1e-9
    assert floor.calibrate(lambda: 99.0) == 0.0  # once only
    assert abs(floor.seconds() - HEADROOM * 0.1) < 1e-9


def test_marks_only_rise_and_a_request_does_not_shape_its_own_floor() -> None:
    floor = RejectionFloor(configured_s=0.0)
    floor.observe(lookup_s=0.01, verify_s=0.1)
    before = floor.seconds()
    floor.observe(lookup_s=0.001, verify_s=0.001)  # a cheap request afterwards
    assert floor.seconds() == before
    assert floor.seconds(lookup_s=0.05) > before  # this request's slow lookup counts for itself


def test_work_past_the_floor_is_reported_and_nothing_waits_past_the_deadline() -> None:
    clock = FakeClock()
    floor = RejectionFloor(configured_s=0.1, clock=clock, sleep=clock.sleep)
    started = clock.now
    clock.now += 0.25
    report = floor.wait(started, floor.seconds(), None)
    assert clock.slept == [] and abs(report.over_ms - 150.0) < 1e-6
    deadline = Deadline(0.05, clock=clock)
    floor.wait(clock.now, 1.0, deadline)
    assert abs(clock.slept[-1] - 0.05) < 1e-9


def test_the_floor_never_exceeds_the_cap() -> None:
    floor = RejectionFloor()
    floor.observe(lookup_s=None, verify_s=60.0)
    assert floor.seconds() == MAX_FLOOR_S


def test_the_calibrating_rejection_has_more_headroom_and_writes_count_once_seen() -> None:
    floor = RejectionFloor()
    floor.calibrate(lambda: 0.1)
    assert abs(floor.seconds(cold=True) - COLD_HEADROOM * 0.1) < 1e-9
    assert COLD_HEADROOM > HEADROOM
    floor.observe(lookup_s=None, verify_s=None, record_s=0.02)
    floor.observe(lookup_s=None, verify_s=None, record_s=0.01)  # marks only rise
    assert abs(floor.seconds() - (HEADROOM * 0.1 + 0.02)) < 1e-9


def test_a_verification_the_floor_covered_does_not_move_it() -> None:
    """Under load a dear row's check varies; each slightly dearer one raised the floor for the next request, which
    told it that the request before had verified a dear row (in the warm bench, existing users answered earlier)."""
    floor = RejectionFloor()
    floor.calibrate(lambda: 0.1)
    before = floor.seconds()
    floor.observe(lookup_s=None, verify_s=0.12)  # within the headroom: covered, nothing learnt
    assert floor.seconds() == before
    floor.observe(lookup_s=None, verify_s=0.2)  # past it: its time showed, the floor now covers it
    assert abs(floor.seconds() - HEADROOM * 0.2) < 1e-9

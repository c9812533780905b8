"""Rejections take the same time whatever the row, the lookups and the earlier requests (issue 8, section 1).

The tests assert the mechanism: every rejection leaves through the floor, the floor of a request is
fixed before its own row is seen, the same statements run for every sign-in name, work past the floor is
reported. One interleaved ratio test checks the clock itself, with a floor far above any noise.
"""

from __future__ import annotations

import statistics
import time
from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate import hashing
from cognito_migrate.config import settings_from_mapping
from cognito_migrate.event import parse
from cognito_migrate.floor import HEADROOM, RejectionFloor
from cognito_migrate.models import Deadline
from cognito_migrate.outcomes import Outcome, Reason
from cognito_migrate.service import MigrationService
from cognito_migrate.stores.base import UserStore
from cognito_migrate.testing import LambdaContext, make_event
from cognito_migrate.wiring import build_floor, build_mapper, build_reset_policy, build_store, build_verifier
from tests.conftest import FAST_V3, GOOD, log_records
from tests.legacy import AspNetUser, create_aspnet_sqlite
from tests.unit.test_floor import FakeClock

if TYPE_CHECKING:
    import io
    from collections.abc import Callable
    from pathlib import Path

    from cognito_migrate.handler import Trigger
    from cognito_migrate.mapping.identity import LoginField
    from cognito_migrate.models import MigrationRequest
    from cognito_migrate.outcomes import MigrationOutcome

WRONG = "Wrong-Password-1"
DEAR_V3 = {"iterations": 40_000, "prf": "HMACSHA512"}  # ~20-40 ms here: far dearer than FAST_V3 and V2


class RecordingSleep:
    """Stands in for time.sleep: records what the floor asked for, returns at once."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


class BlockEveryone:
    """A throttle that blocks every request (the real protocol)."""

    def is_blocked(self, request: MigrationRequest, deadline: Deadline) -> bool:
        return True

    def record(self, request: MigrationRequest, outcome: MigrationOutcome, deadline: Deadline) -> None:
        return None


def service_for(url: str, floor: RejectionFloor | None = None, **sections: Any) -> MigrationService:
    data: dict[str, Any] = {"store": {"type": "sql", "url": url, "preset": "aspnet_identity"}}
    data.update(sections)
    data.setdefault("hashing", {"dummy_cost": FAST_V3})
    settings = settings_from_mapping(data, environ={})
    return MigrationService(
        store=build_store(settings),
        verifier=build_verifier(settings),
        mapper=build_mapper(settings),
        reset_policy=build_reset_policy(settings),
        floor=floor or build_floor(settings),
    )


def attempt(service: MigrationService, username: str, password: str | None = GOOD) -> MigrationOutcome:
    return service.migrate(parse(make_event(username, password)), Deadline(5))


@pytest.fixture(scope="module")
def mixed_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Cheap and dear rows side by side, as real legacy tables have them; the dear one is sampled first."""
    path = tmp_path_factory.mktemp("mixed") / "mixed.db"
    return create_aspnet_sqlite(
        str(path),
        [
            AspNetUser("dear", hashing.create("aspnet_identity_v3", GOOD, cost=DEAR_V3), email="dear@example.com"),
            AspNetUser("cheap", hashing.create("aspnet_identity_v2", GOOD), email="cheap@example.com"),
        ],
    )


@pytest.mark.parametrize(
    ("username", "password", "reason"),
    [
        ("nobody", GOOD, Reason.UNKNOWN_USER),
        ("alice", WRONG, Reason.WRONG_PASSWORD),  # Identity V3
        ("bob", WRONG, Reason.WRONG_PASSWORD),  # Identity V2
        ("kim", WRONG, Reason.WRONG_PASSWORD),  # bcrypt
        ("dave", GOOD, Reason.LOCKED_OUT),
        ("frank", GOOD, Reason.MALFORMED_HASH),
        ("olga", GOOD, Reason.UNSUPPORTED_HASH),
        ("grace", GOOD, Reason.NO_CREDENTIAL),
    ],
)
def test_every_kind_of_rejection_waits_for_the_floor(
    aspnet_db: str, username: str, password: str, reason: Reason
) -> None:
    sleep = RecordingSleep()
    service = service_for(aspnet_db, RejectionFloor(configured_s=0.25, sleep=sleep))
    outcome = attempt(service, username, password)
    assert (outcome.outcome, outcome.reason) == (Outcome.REJECTED, reason)
    assert (outcome.floor_ms, outcome.over_floor_ms) == (250.0, 0.0)
    (waited,) = sleep.calls
    work_ms = sum(ms for step, ms in outcome.timings_ms.items() if step != "floor")
    # it waits for what is left of the floor after the work (less any time spent between the two)
    assert 250.0 - work_ms - 50 <= waited * 1000 <= 250.0 - work_ms + 0.01


def test_a_throttled_rejection_waits_for_the_floor_too(aspnet_db: str) -> None:
    sleep = RecordingSleep()
    service = service_for(aspnet_db, RejectionFloor(configured_s=0.25, sleep=sleep))
    service._throttle = BlockEveryone()  # the hook ops builds on: no store call, the same exit
    outcome = attempt(service, "alice", GOOD)
    assert (outcome.reason, outcome.floor_ms) == (Reason.THROTTLED, 250.0)
    assert "lookup" not in outcome.timings_ms
    assert len(sleep.calls) == 1 and sleep.calls[0] > 0.2


def test_successful_migrations_and_forgot_password_are_not_padded(aspnet_db: str) -> None:
    sleep = RecordingSleep()
    service = service_for(aspnet_db, RejectionFloor(configured_s=0.25, sleep=sleep))
    assert attempt(service, "alice").migrated
    forgot = service.migrate(parse(make_event("nobody", trigger="UserMigration_ForgotPassword")), Deadline(5))
    assert forgot.reason is Reason.UNKNOWN_USER
    assert sleep.calls == []


def dear_cost_ms(url: str) -> float:
    """What verifying the dear row costs here (the fastest of three: a lower bound under load)."""
    import sqlite3

    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    (stored,) = conn.execute('SELECT "PasswordHash" FROM "AspNetUsers" WHERE "UserName" = \'dear\'').fetchone()
    conn.close()
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        hashing.verify(WRONG, stored)
        runs.append((time.perf_counter() - started) * 1000)
    return min(runs)


@pytest.mark.parametrize("first", ["nobody", "cheap", "dear"])
def test_the_auto_floor_covers_the_dearest_row_on_the_first_call_of_a_container(mixed_db: str, first: str) -> None:
    """Whatever the first request of a fresh container, the sampled dear row, not the far cheaper configured
    dummy, sets the floor (it is measured before the request's own row counts)."""
    service = service_for(mixed_db)  # the configured dummy (FAST_V3) is far cheaper than the dear row
    outcome = attempt(service, first, WRONG)
    assert outcome.outcome is Outcome.REJECTED
    assert outcome.floor_ms is not None
    assert outcome.floor_ms >= HEADROOM * dear_cost_ms(mixed_db) * 0.5
    if first != "dear":
        assert outcome.over_floor_ms == 0.0


def test_the_floor_of_a_request_is_fixed_before_its_own_row_is_seen(mixed_db: str) -> None:
    """With the sample left out, the dear row is unknown to the floor: its first check runs past it and is
    reported; the floor then rises for every later rejection, and a cheap request never lowers it."""
    service = service_for(mixed_db, store={"type": "sql", "url": mixed_db, "query": _DEAR_LAST_QUERY,
                                           "columns": {"username": "UserName", "password_hash": "PasswordHash"}},
                          hashing={"dummy_scheme": "aspnet_identity_v3", "dummy_cost": FAST_V3})  # fmt: skip
    attempt(service, "cheap", WRONG)  # calibrates on the configured dummy alone: no sample query
    dear = attempt(service, "dear", WRONG)
    assert dear.over_floor_ms > 0  # its time showed, and the log says so (next test)
    after = [attempt(service, name, WRONG) for name in ("cheap", "nobody", "dear")]
    assert all(a.floor_ms is not None and a.floor_ms >= HEADROOM * dear.timings_ms["verify"] for a in after)
    assert [a.over_floor_ms for a in after[:2]] == [0.0, 0.0]


_DEAR_LAST_QUERY = 'SELECT "UserName", "PasswordHash" FROM "AspNetUsers" WHERE "UserName" = :username'


def test_work_past_the_floor_is_logged_and_counted(
    make_trigger: Callable[..., Trigger], mixed_db: str, log_stream: io.StringIO
) -> None:
    trigger = make_trigger(mixed_db, trigger={"reject_floor_ms": 1})
    trigger(make_event("dear", WRONG), LambdaContext())
    record = log_records(log_stream)[-1]
    assert record["level"] == "WARNING"
    assert record["floor_ms"] >= 1.0 and record["over_floor_ms"] > 0  # the floor counts this lookup too
    assert record["RejectedOverFloor"] == 1


class RecordingStore(UserStore):
    """A backend over a dict that records every lookup step the store contract runs."""

    def __init__(self) -> None:
        super().__init__(lookup_fields={"username", "email", "phone_number"}, columns={"username": "name"})
        self.users = [{"name": "ALICE", "email": "ALICE@EXAMPLE.COM", "phone_number": "+14325551212"}]
        self.steps: list[str] = []

    def _lookup(self, field: LoginField, key: str, deadline: Deadline) -> list[dict[str, str]]:
        self.steps.append(field)
        return [u for u in self.users if u["name" if field == "username" else field] == key]


def test_every_lookup_runs_the_same_statements_whatever_matched() -> None:
    """An unknown name ran the e-mail query where a known one skipped it: every field is looked up, always."""
    store = RecordingStore()
    runs = {}
    for login in ("ALICE", "ALICE@EXAMPLE.COM", "+14325551212", "NOBODY"):
        store.steps.clear()
        found = store.find(login, fields=("username", "email", "phone_number"), deadline=Deadline(5))
        runs[login] = (list(store.steps), found.matched_by if found else None)
    assert {tuple(steps) for steps, _ in runs.values()} == {("username", "email", "phone_number")}
    assert [matched for _, matched in runs.values()] == ["username", "email", "phone_number", None]


def test_unknown_and_existing_users_take_the_same_time_interleaved(aspnet_db: str) -> None:
    """The clock itself, with a floor (150 ms) far above the rows' own cost (about a millisecond)."""
    service = service_for(aspnet_db, trigger={"reject_floor_ms": 150})
    unknown, existing = [], []
    for _ in range(7):
        for name, sink in (("nobody", unknown), ("alice", existing)):
            started = time.perf_counter()
            attempt(service, name, WRONG)
            sink.append(time.perf_counter() - started)
    assert 0.9 <= statistics.median(unknown) / statistics.median(existing) <= 1.1


def test_a_sampled_row_nested_too_deep_is_contained(tmp_path: Path, log_stream: io.StringIO) -> None:
    """hash_params nested 100,000 deep raised RecursionError: only unknown users got "unavailable"."""
    import sqlite3

    path = tmp_path / "deep.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE users (name TEXT, hash TEXT, params TEXT)")
    deep = "[" * 100_000 + "]" * 100_000
    conn.execute("INSERT INTO users VALUES ('deep', ?, ?)", (hashing.create("bcrypt", GOOD, cost={"rounds": 4}), deep))
    conn.commit()
    conn.close()
    store = {
        "type": "sql", "url": f"sqlite:///{path}", "query": "SELECT name, hash, params FROM users WHERE name = :username",
        "sample_query": "SELECT hash, params FROM users LIMIT 1",
        "columns": {"username": "name", "password_hash": "hash", "hash_params": "params"},
    }  # fmt: skip
    service = service_for(str(path), store=store, hashing={"dummy_scheme": "bcrypt", "dummy_cost": {"rounds": 4}})
    outcome = attempt(service, "nobody")
    assert (outcome.outcome, outcome.reason) == (Outcome.REJECTED, Reason.UNKNOWN_USER)


def test_a_sampled_row_over_the_cost_cap_is_left_out_of_the_floor(tmp_path: Path) -> None:
    """A sampled row the caps refuse would cost nothing (0.4 ms against 147 ms): it never sets the floor."""
    hostile = hashing.create("aspnet_identity_v3", GOOD, cost={"iterations": 5_000, "prf": "HMACSHA256"})
    url = create_aspnet_sqlite(str(tmp_path / "cap.db"), [AspNetUser("hostile", hostile, email="h@example.com")])
    service = service_for(url, hashing={"dummy_cost": FAST_V3, "limits": {"pbkdf2_max_iterations": 2_000}})
    outcome = attempt(service, "nobody")
    assert outcome.reason is Reason.UNKNOWN_USER
    assert outcome.detail is not None and "sampled row left out" in outcome.detail
    assert "OVER_LIMIT" in outcome.detail


# --- the ledger and the throttle write inside the floor; refused input waits for it too ---------------------


class SlowWriter:
    """A ledger and a throttle (the real protocols) whose writes take ``seconds`` on the fake clock."""

    def __init__(self, clock: FakeClock, seconds: float, *, blocked: bool = False) -> None:
        self.clock, self.seconds, self.blocked = clock, seconds, blocked
        self.written: list[tuple[Reason, bool]] = []  # (reason, whether the floor had been waited for already)

    def is_blocked(self, request: MigrationRequest, deadline: Deadline) -> bool:
        return self.blocked

    def record(self, request: MigrationRequest, outcome: MigrationOutcome, deadline: Deadline) -> None:
        self.written.append((outcome.reason, bool(self.clock.slept)))
        self.clock.now += self.seconds


def timed_service(url: str, clock: FakeClock, **hooks: Any) -> MigrationService:
    settings = settings_from_mapping(
        {"store": {"type": "sql", "url": url, "preset": "aspnet_identity"}, "hashing": {"dummy_cost": FAST_V3}},
        environ={},
    )
    return MigrationService(
        store=build_store(settings), verifier=build_verifier(settings), mapper=build_mapper(settings),
        reset_policy=build_reset_policy(settings), floor=RejectionFloor(configured_s=0.25, clock=clock, sleep=clock.sleep),
        **hooks,
    )  # fmt: skip


@pytest.mark.parametrize(("username", "reason"), [("nobody", Reason.UNKNOWN_USER), ("alice", Reason.WRONG_PASSWORD)])
@pytest.mark.parametrize("write_s", [0.05, 0.3])
def test_a_rejection_answers_at_the_floor_or_after_its_ledger_write_whichever_is_later(
    aspnet_db: str, username: str, reason: Reason, write_s: float
) -> None:
    """The ledger wrote after the floor's wait: a rejection that wrote longer (a new record) answered later."""
    clock = FakeClock()
    ledger = SlowWriter(clock, write_s)
    service = timed_service(aspnet_db, clock, ledger=ledger)
    started = clock.now
    outcome = attempt(service, username, WRONG)
    assert outcome.reason is reason
    assert ledger.written == [(reason, False)]  # written before the wait, with the answer's own outcome
    assert clock.now - started == pytest.approx(max(0.25, write_s))
    assert outcome.over_floor_ms == pytest.approx(max(write_s - 0.25, 0.0) * 1000)


def test_a_throttled_rejection_counts_its_failure_inside_the_floor(aspnet_db: str) -> None:
    clock = FakeClock()
    throttle = SlowWriter(clock, 0.1, blocked=True)
    service = timed_service(aspnet_db, clock, throttle=throttle)
    started = clock.now
    outcome = attempt(service, "alice", GOOD)
    assert (outcome.reason, throttle.written) == (Reason.THROTTLED, [(Reason.THROTTLED, False)])
    assert clock.now - started == pytest.approx(0.25)
    assert clock.slept == [pytest.approx(0.15)]


def test_the_dearest_write_seen_raises_the_auto_floor(aspnet_db: str) -> None:
    """A write's time is learnt like a lookup's: the next rejections' floor covers it."""
    clock = FakeClock()
    service = timed_service(aspnet_db, clock, ledger=SlowWriter(clock, 0.04))
    service._floor = RejectionFloor(configured_s=0.0, clock=clock, sleep=clock.sleep)  # the auto part alone
    attempt(service, "nobody", WRONG)  # the container's first invocation: its connections are not learnt
    first, second = attempt(service, "nobody", WRONG), attempt(service, "alice", WRONG)
    assert (first.floor_ms, first.over_floor_ms) == (0.0, pytest.approx(40.0))  # nothing known yet: it showed
    assert (second.floor_ms, second.over_floor_ms) == (pytest.approx(40.0), 0.0)
    assert second.timings_ms["ledger"] == pytest.approx(40.0)


def test_a_refused_password_waits_for_the_floor_like_any_rejection(
    aspnet_db: str, log_stream: io.StringIO
) -> None:
    """A password with a NUL byte was answered at once: it never reaches the store, its answer came early."""
    from cognito_migrate.handler import Trigger
    from cognito_migrate.observability import InvocationLog

    clock = FakeClock()
    settings = settings_from_mapping({"store": {"type": "sql", "url": aspnet_db, "preset": "aspnet_identity"}}, environ={})
    trigger = Trigger(settings, service=timed_service(aspnet_db, clock), log=InvocationLog(stream=log_stream))
    response = trigger(make_event("alice", "pass\x00word"), LambdaContext())
    assert response["response"].get("userAttributes") is None
    assert clock.slept == [pytest.approx(0.25)]
    record = log_records(log_stream)[-1]
    assert (record["reason"], record["floor_ms"], record["over_floor_ms"]) == ("refused_input", 250.0, 0.0)


def test_the_first_floor_counts_the_measurement_but_not_loading_the_schemes(
    aspnet_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loading a scheme's module weighed on an unknown user's first floor only (an existing user had loaded it
    while verifying its own row): the first floor of a container was the higher one for unknown users."""
    from cognito_migrate.floor import COLD_HEADROOM

    clock = FakeClock()
    service = timed_service(aspnet_db, clock)
    service._floor = RejectionFloor(clock=clock, sleep=clock.sleep)
    verifier = service._verifier

    def load_schemes(sample: object) -> None:
        clock.now += 0.1  # an import: the same cold cost whoever asks, outside the floor

    def reference_seconds(sample: object) -> float:
        clock.now += 0.05  # creating the dummy, checking the sample
        return 0.04

    monkeypatch.setattr(verifier, "load_schemes", load_schemes)
    monkeypatch.setattr(verifier, "reference_seconds", reference_seconds)
    outcome = attempt(service, "nobody", WRONG)
    assert outcome.floor_ms == pytest.approx((COLD_HEADROOM * 0.04 + 0.05) * 1000)
    assert outcome.timings_ms["calibrate"] == pytest.approx(150.0)
    later = attempt(service, "nobody", WRONG)  # warm: the usual headroom, no measurement
    assert later.floor_ms == pytest.approx(HEADROOM * 0.04 * 1000)


def test_the_connections_the_first_invocation_opens_are_not_billed_to_every_later_rejection(aspnet_db: str) -> None:
    """The first write opened the ledger's connection (and created its tables): the floor kept that cost for
    the container's life, about 13 ms per rejection on PostgreSQL, though it says nothing about any user."""
    clock = FakeClock()
    ledger = SlowWriter(clock, 0.1)
    service = timed_service(aspnet_db, clock, ledger=ledger)
    service._floor = RejectionFloor(configured_s=0.0, clock=clock, sleep=clock.sleep)  # the auto part alone
    first = attempt(service, "nobody", WRONG)  # connecting: 100 ms
    ledger.seconds = 0.01
    second, third = attempt(service, "alice", WRONG), attempt(service, "nobody", WRONG)
    assert first.over_floor_ms == pytest.approx(100.0)  # the cold write showed, as every cold start does
    assert (second.floor_ms, third.floor_ms) == (0.0, pytest.approx(10.0))

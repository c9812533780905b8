"""Every invocation answers before its deadline under every database fault (a TCP fault proxy on loopback
between the driver and the real PostgreSQL / MariaDB server; a held lock for SQLite).

The property under test is time itself, so the assertions are deadline-relative: the answer (the constant
"temporarily unavailable", LEGACY_UNAVAILABLE) comes before the Lambda budget ends, a statement cut on the
client is not left running on the server, a timeout is not retried, and the next invocation recovers.
Budgets are short (1 s, so a 0.7 s deadline after the 300 ms safety margin) to keep the suite quick.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from cognito_migrate.handler import UNAVAILABLE, TriggerFailure
from cognito_migrate.testing import LambdaContext, make_event
from tests.conftest import GOOD, aspnet_users, service_url
from tests.faultproxy import FaultProxy, NewConnections
from tests.legacy import create_aspnet_mysql, create_aspnet_postgres, create_aspnet_sqlite

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from cognito_migrate.handler import Trigger

BUDGET_MS = 1000  # the deadline is 0.7 s after the default 300 ms safety margin
SERVERS = {
    "postgres": ("TEST_POSTGRES_URL", create_aspnet_postgres),
    "mysql": ("TEST_MYSQL_URL", create_aspnet_mysql),
}
MARKS = {"postgres": pytest.mark.postgres, "mysql": pytest.mark.mysql}
V3_DUMMY = {"dummy_scheme": "aspnet_identity_v3"}  # the custom slow query has no preset to take it from
pytestmark = pytest.mark.slow


@pytest.fixture(params=[pytest.param(name, marks=MARKS[name]) for name in sorted(SERVERS)], scope="module")
def server_url(request: pytest.FixtureRequest) -> str:
    env, create = SERVERS[request.param]
    url = service_url(env)
    create(url, aspnet_users())
    return url


@pytest.fixture
def proxy(server_url: str) -> Iterator[FaultProxy]:
    parts = urlsplit(server_url)
    with FaultProxy((parts.hostname or "127.0.0.1", parts.port or 0)) as fault_proxy:
        yield fault_proxy


def sign_in(trigger: Trigger, budget_ms: int = 5000) -> dict[str, Any]:
    return trigger(make_event("alice", GOOD), LambdaContext(budget_ms=budget_ms))["response"]


def answers_unavailable_in_time(trigger: Trigger, budget_ms: int = BUDGET_MS) -> float:
    """Invoke with ``budget_ms``; assert the fail-closed answer comes before the budget ends; return seconds.

    The invocation runs in a thread joined with a bound, so a regression fails the test instead of hanging
    the suite (the proxy's close then releases the stuck driver)."""
    answer: list[BaseException | dict[str, Any]] = []

    def invoke() -> None:
        try:
            answer.append(sign_in(trigger, budget_ms))
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            answer.append(exc)

    started = time.monotonic()
    worker = threading.Thread(target=invoke, daemon=True)
    worker.start()
    worker.join(timeout=budget_ms / 1000 + 2)
    elapsed = time.monotonic() - started
    assert answer, f"no answer {elapsed:.1f} s into a {budget_ms} ms budget"
    assert isinstance(answer[0], TriggerFailure), "the trigger did not fail closed"
    assert str(answer[0]) == UNAVAILABLE
    assert elapsed < budget_ms / 1000, f"answered after {elapsed:.3f} s, the budget was {budget_ms} ms"
    return elapsed


def recovers(trigger: Trigger, proxy: FaultProxy) -> None:
    proxy.heal()
    assert sign_in(trigger)["finalUserStatus"] == "CONFIRMED"


def running_statements(server_url: str) -> int:
    """Statements of the store still running (or waiting for a lock) on the server, seen from outside."""
    if server_url.startswith("postgres"):
        import psycopg2

        conn = psycopg2.connect(server_url, connect_timeout=2)
        sql = (
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND application_name = 'cognito-migrate' AND state = 'active'"
        )
    else:
        import pymysql

        parts = urlsplit(server_url)
        conn = pymysql.connect(
            host=parts.hostname, port=parts.port or 3306, user=parts.username or "root",
            database=parts.path.lstrip("/"), connect_timeout=2, read_timeout=2,
        )  # fmt: skip
        sql = (
            "SELECT count(*) FROM information_schema.PROCESSLIST"
            " WHERE DB = DATABASE() AND COMMAND = 'Query' AND ID <> CONNECTION_ID()"
        )
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return int(cur.fetchone()[0])
    finally:
        conn.close()


def nothing_left_running(server_url: str, within: float = 0.3) -> bool:
    """True once no statement of the store runs on the server, looking for at most ``within`` seconds."""
    give_up = time.monotonic() + within
    while running_statements(server_url):
        if time.monotonic() > give_up:
            return False
        time.sleep(0.05)
    return True


def q(server_url: str, name: str) -> str:
    return f'"{name}"' if server_url.startswith("postgres") else f"`{name}`"


def slow_query(server_url: str, seconds: int) -> dict[str, Any]:
    """A lookup that matches alice after sleeping ``seconds`` on the server."""
    sleep = f"pg_sleep({seconds})::text" if server_url.startswith("postgres") else f"SLEEP({seconds})"
    return {
        "preset": None,
        "query": f"SELECT {q(server_url, 'UserName')}, {q(server_url, 'PasswordHash')} "
        f"FROM {q(server_url, 'AspNetUsers')} "
        f"WHERE {q(server_url, 'NormalizedUserName')} = :username AND {sleep} IS NOT NULL",
        "columns": {"username": "UserName", "password_hash": "PasswordHash"},
        "normalize": "upper",
    }


@pytest.fixture
def table_lock(server_url: str) -> Iterator[Callable[[], None]]:
    """Call it to have another session hold an exclusive lock on the users table until the test ends."""
    holders: list[Any] = []

    def hold() -> None:
        if server_url.startswith("postgres"):
            import psycopg2

            conn = psycopg2.connect(server_url)
            conn.cursor().execute('LOCK TABLE "AspNetUsers" IN ACCESS EXCLUSIVE MODE')
        else:
            import pymysql

            parts = urlsplit(server_url)
            conn = pymysql.connect(host=parts.hostname, port=parts.port or 3306, user=parts.username or "root",
                                   database=parts.path.lstrip("/"))  # fmt: skip
            conn.cursor().execute("LOCK TABLES `AspNetUsers` WRITE")
        holders.append(conn)

    yield hold
    for conn in holders:
        conn.rollback()
        conn.close()


# -------------------------------------------------------------------------------- faults on the network


WARM_FAULTS: dict[str, Callable[[FaultProxy], None]] = {
    # the server stops answering mid-invocation (PostgreSQL waited until the network healed)
    "blackhole": FaultProxy.blackhole,
    # the header of the answer's first message arrives, then nothing
    "stall mid-answer": lambda proxy: proxy.stall(after=7),
    # every packet arrives, too late (PostgreSQL answered after the latency, past the deadline)
    "latency": lambda proxy: proxy.latency(1.5),
    # the answer arrives a byte at a time (PyMySQL waited per packet, so a packet could take seconds)
    "drip": lambda proxy: proxy.drip(0.1),
}


@pytest.mark.parametrize("fault", sorted(WARM_FAULTS))
def test_a_fault_on_a_warm_connection_is_answered_before_the_deadline(
    make_trigger: Callable[..., Trigger], proxy: FaultProxy, server_url: str, fault: str
) -> None:
    trigger = make_trigger(proxy.url(server_url))
    assert sign_in(trigger)["finalUserStatus"] == "CONFIRMED"
    WARM_FAULTS[fault](proxy)
    answers_unavailable_in_time(trigger)
    recovers(trigger, proxy)


def test_blackhole_during_the_handshake(
    make_trigger: Callable[..., Trigger], proxy: FaultProxy, server_url: str
) -> None:
    """New connections are accepted and never answered: the connect (greeting, TLS, authentication) is
    bounded by the deadline, not by connect_timeout or query_timeout (MariaDB waited 2 x query_timeout)."""
    trigger = make_trigger(proxy.url(server_url), store={"connect_timeout": 4, "query_timeout": 4})
    proxy.new_connections("hang")
    answers_unavailable_in_time(trigger)
    recovers(trigger, proxy)


def test_a_handshake_that_drips_is_bounded_by_the_deadline(
    make_trigger: Callable[..., Trigger], proxy: FaultProxy, server_url: str
) -> None:
    """The greeting arrives a byte every 0.1 s: each byte is on time, the whole handshake never is."""
    trigger = make_trigger(proxy.url(server_url), store={"connect_timeout": 4, "query_timeout": 4})
    proxy.drip(0.1)
    answers_unavailable_in_time(trigger)
    recovers(trigger, proxy)


def test_failover_late_in_the_invocation_does_not_reconnect(
    make_trigger: Callable[..., Trigger], proxy: FaultProxy, server_url: str
) -> None:
    """The old connection dies with less than connect_timeout left, and new connections would hang."""
    trigger = make_trigger(proxy.url(server_url), store={"connect_timeout": 0.5})
    assert sign_in(trigger)["finalUserStatus"] == "CONFIRMED"
    proxy.blackhole()  # the statement is in flight when the primary dies
    failover = threading.Timer(0.4, lambda: (proxy.new_connections("hang"), proxy.kill()))
    failover.start()
    try:
        answers_unavailable_in_time(trigger)
    finally:
        failover.join()
    assert proxy.accepted == 1, "a reconnect was attempted without time for it"
    recovers(trigger, proxy)


@pytest.mark.parametrize("new_primary", ["hang", "refuse"])
def test_failover_early_in_the_invocation_reconnects_within_the_deadline(
    make_trigger: Callable[..., Trigger], proxy: FaultProxy, server_url: str, new_primary: NewConnections
) -> None:
    """The warm connection died between invocations and the new primary hangs or refuses: one reconnect."""
    trigger = make_trigger(proxy.url(server_url), store={"connect_timeout": 0.5})
    assert sign_in(trigger)["finalUserStatus"] == "CONFIRMED"
    proxy.new_connections(new_primary)
    proxy.kill()
    answers_unavailable_in_time(trigger, budget_ms=1500)  # 1.2 s left: room for the 0.5 s reconnect, even under load
    assert proxy.accepted == 2
    recovers(trigger, proxy)


def test_a_warm_connection_is_reused_and_reopened_in_the_same_invocation_once_broken(
    make_trigger: Callable[..., Trigger], proxy: FaultProxy, server_url: str
) -> None:
    trigger = make_trigger(proxy.url(server_url))
    assert sign_in(trigger)["finalUserStatus"] == "CONFIRMED"
    assert sign_in(trigger)["finalUserStatus"] == "CONFIRMED"
    assert proxy.accepted == 1  # reused while warm
    proxy.kill()  # the server restarted between two invocations
    assert sign_in(trigger)["finalUserStatus"] == "CONFIRMED"
    assert proxy.accepted == 2


# ---------------------------------------------------------------------------- faults on the server side


def test_a_lock_past_query_timeout_is_one_timeout_not_retried_and_not_left_waiting(
    make_trigger: Callable[..., Trigger], proxy: FaultProxy, server_url: str, table_lock: Callable[[], None]
) -> None:
    """Before: the timeout was taken for a broken connection, the statement ran twice (2 x query_timeout)."""
    trigger = make_trigger(proxy.url(server_url), store={"query_timeout": 0.4})
    assert sign_in(trigger)["finalUserStatus"] == "CONFIRMED"
    table_lock()
    elapsed = answers_unavailable_in_time(trigger, budget_ms=5000)
    assert elapsed < 0.4 * 2, "the statement was retried"
    assert proxy.accepted == 1, "a timeout reopened the connection"
    assert nothing_left_running(server_url), "the statement still waits for the lock on the server"


def test_a_slow_statement_cut_at_the_deadline_is_cancelled_on_the_server(
    make_trigger: Callable[..., Trigger], proxy: FaultProxy, server_url: str
) -> None:
    """Before: MariaDB went on running the statement after the client gave up (sessions piled up)."""
    trigger = make_trigger(
        proxy.url(server_url), store={**slow_query(server_url, 3), "query_timeout": 4}, hashing=V3_DUMMY
    )
    answers_unavailable_in_time(trigger)
    assert nothing_left_running(server_url), "the statement runs on after the client gave up"


def test_a_slow_statement_with_a_silent_network_still_stops_on_the_server(
    make_trigger: Callable[..., Trigger], proxy: FaultProxy, server_url: str
) -> None:
    """The client cannot reach the server to cancel: the server's own limit, tied to the deadline, stops it."""
    trigger = make_trigger(
        proxy.url(server_url), store={**slow_query(server_url, 3), "query_timeout": 4}, hashing=V3_DUMMY
    )
    proxy.stall(after=0)  # the statement reaches the server; nothing comes back
    answers_unavailable_in_time(trigger)
    assert nothing_left_running(server_url), "the statement runs on after the client gave up"


# ------------------------------------------------------------------------------------------------ SQLite


def test_sqlite_locked_database_is_bounded_by_the_deadline(
    make_trigger: Callable[..., Trigger], tmp_path: Path
) -> None:
    """Before: the busy wait was fixed at connect (query_timeout), then retried: 8 s with query_timeout = 4."""
    url = create_aspnet_sqlite(str(tmp_path / "locked.db"), aspnet_users())
    trigger = make_trigger(url, store={"query_timeout": 4})
    assert sign_in(trigger)["finalUserStatus"] == "CONFIRMED"
    writer = sqlite3.connect(str(tmp_path / "locked.db"), isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")
    try:
        answers_unavailable_in_time(trigger)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert sign_in(trigger)["finalUserStatus"] == "CONFIRMED"

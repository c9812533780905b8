"""The SQL store against the real PostgreSQL and MariaDB servers (URLs from TEST_POSTGRES_URL / TEST_MYSQL_URL)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate.handler import UNAVAILABLE, TriggerFailure
from cognito_migrate.testing import LambdaContext, make_event
from tests.conftest import GOOD, WEAK, aspnet_users, log_records, service_url
from tests.legacy import create_aspnet_mysql, create_aspnet_postgres

if TYPE_CHECKING:
    import io
    from collections.abc import Callable

    from cognito_migrate.handler import Trigger

SERVERS = {
    "postgres": ("TEST_POSTGRES_URL", create_aspnet_postgres),
    "mysql": ("TEST_MYSQL_URL", create_aspnet_mysql),
}


@pytest.fixture(params=sorted(SERVERS), scope="module")
def server_url(request: pytest.FixtureRequest) -> str:
    env, create = SERVERS[request.param]
    url = service_url(env)
    create(url, aspnet_users())
    return url


def sign_in(trigger: Trigger, username: str, password: str = GOOD) -> dict[str, Any]:
    return trigger(make_event(username, password), LambdaContext())["response"]


def test_identity_users_migrate_from_a_real_server(make_trigger: Callable[..., Trigger], server_url: str) -> None:
    trigger = make_trigger(server_url, pool={"case_sensitive": False})
    assert sign_in(trigger, "alice")["userAttributes"]["email"] == "alice@example.com"
    assert sign_in(trigger, "Alice")["finalUserStatus"] == "CONFIRMED"  # NormalizedUserName lookup
    assert sign_in(trigger, "bob")["finalUserStatus"] == "CONFIRMED"
    assert sign_in(trigger, "carol", WEAK)["finalUserStatus"] == "RESET_REQUIRED"
    assert sign_in(trigger, "alice", "Wrong-Password-1")["userAttributes"] is None
    assert sign_in(trigger, "nobody")["userAttributes"] is None


def test_lockout_timestamps_from_the_server_are_honoured(
    make_trigger: Callable[..., Trigger], server_url: str, log_stream: io.StringIO
) -> None:
    trigger = make_trigger(server_url)
    assert sign_in(trigger, "dave")["userAttributes"] is None
    assert log_records(log_stream)[-1]["reason"] == "locked_out"
    assert sign_in(trigger, "erin")["finalUserStatus"] == "CONFIRMED"


def test_email_alias_lookup_on_a_real_server(make_trigger: Callable[..., Trigger], server_url: str) -> None:
    trigger = make_trigger(server_url, pool={"alias_attributes": ["email"], "case_sensitive": False})
    assert sign_in(trigger, "ALICE@example.com")["userAttributes"]["username"] == "alice"


def test_sign_in_name_is_a_bound_parameter_not_sql(
    make_trigger: Callable[..., Trigger], server_url: str, log_stream: io.StringIO
) -> None:
    """Each payload would find exactly alice if it were interpolated into the query; bound, it finds nobody."""
    trigger = make_trigger(server_url, pool={"case_sensitive": False})
    payloads = (
        "NOBODY' OR \"UserName\" = 'alice",
        "NOBODY' OR `UserName` = 'alice",
        "NOBODY' OR 'x'='y' OR \"NormalizedUserName\" = 'ALICE' --",
    )
    for hostile in payloads:
        assert sign_in(trigger, hostile)["userAttributes"] is None
        assert log_records(log_stream)[-1]["reason"] == "unknown_user"
    assert sign_in(trigger, "alice")["finalUserStatus"] == "CONFIRMED"


def test_unreachable_server_fails_closed_within_the_deadline(
    make_trigger: Callable[..., Trigger], server_url: str
) -> None:
    dead = server_url.replace(":5432", ":1").replace(":3306", ":1")
    trigger = make_trigger(dead, store={"connect_timeout": 0.5})
    with pytest.raises(TriggerFailure) as info:
        sign_in(trigger, "alice")
    assert str(info.value) == UNAVAILABLE


def test_a_slow_query_is_cut_at_the_deadline(
    make_trigger: Callable[..., Trigger], server_url: str, log_stream: io.StringIO
) -> None:
    """A query that would take 3 s is stopped when the invocation's deadline runs out (about 0.7 s here)."""
    sleep = "pg_sleep(3)" if server_url.startswith("postgres") else "SLEEP(3)"
    q = '"' if server_url.startswith("postgres") else "`"
    query = f"SELECT {q}UserName{q}, {q}PasswordHash{q} FROM {q}AspNetUsers{q} WHERE {q}NormalizedUserName{q} = :username AND {sleep} IS NOT NULL"
    if server_url.startswith("postgres"):
        query = query.replace("pg_sleep(3) IS NOT NULL", "pg_sleep(3)::text IS NOT NULL")
    trigger = make_trigger(
        server_url,
        store={
            "preset": None,
            "query": query,
            "columns": {"username": "UserName", "password_hash": "PasswordHash"},
            "query_timeout": 4,
            "normalize": "upper",
        },
        hashing={"dummy_scheme": "aspnet_identity_v3"},
    )
    started = time.monotonic()
    with pytest.raises(TriggerFailure):
        trigger(make_event("alice", GOOD), LambdaContext(budget_ms=1000))
    assert time.monotonic() - started < 1.5
    assert log_records(log_stream)[-1]["outcome"] == "LEGACY_UNAVAILABLE"

"""``[store] groups_query`` against real databases: ASP.NET Identity's roles (AspNetRoles, AspNetUserRoles)
on SQLite and PostgreSQL, read with the preset's lookup and a bound ``:username``, bounded by the deadline."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate.config import settings_from_mapping
from cognito_migrate.errors import ConfigError, LegacyUnavailableError
from cognito_migrate.models import Deadline
from cognito_migrate.wiring import build_store
from tests.conftest import aspnet_users, service_url
from tests.legacy import connect, create_aspnet_postgres, create_aspnet_sqlite

if TYPE_CHECKING:
    from pathlib import Path

# written for PostgreSQL and SQLite (double-quoted identifiers, as Entity Framework names them)
ROLES_QUERY = (
    'SELECT r."Name" FROM "AspNetRoles" r JOIN "AspNetUserRoles" ur ON ur."RoleId" = r."Id" '
    'JOIN "AspNetUsers" u ON u."Id" = ur."UserId" WHERE u."UserName" = :username ORDER BY r."Name"'
)
ROLES = [("r1", "Admin"), ("r2", "Staff"), ("r3", "Auditor")]
MEMBERS = [("id-0", "r1"), ("id-0", "r2"), ("id-1", "r3")]  # alice (id-0): Admin, Staff; bob (id-1): Auditor


def _add_roles(url: str) -> None:
    conn = connect(url)
    cur = conn.cursor()
    mark = "?" if url.startswith("sqlite") else "%s"
    for table in ("AspNetUserRoles", "AspNetRoles"):
        cur.execute(f'DROP TABLE IF EXISTS "{table}"')
    cur.execute('CREATE TABLE "AspNetRoles" ("Id" VARCHAR(64) PRIMARY KEY, "Name" VARCHAR(256))')
    cur.execute('CREATE TABLE "AspNetUserRoles" ("UserId" VARCHAR(64), "RoleId" VARCHAR(64))')
    cur.executemany(f'INSERT INTO "AspNetRoles" VALUES ({mark}, {mark})', ROLES)
    cur.executemany(f'INSERT INTO "AspNetUserRoles" VALUES ({mark}, {mark})', MEMBERS)
    cur.close()
    conn.close()


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        url = create_aspnet_sqlite(str(tmp_path / "aspnet.db"), aspnet_users())
    else:
        url = service_url("TEST_POSTGRES_URL")
        create_aspnet_postgres(url, aspnet_users())
    _add_roles(url)
    return url


def _store(url: str, query: str = ROLES_QUERY, **store: Any) -> Any:
    data = {"store": {"type": "sql", "url": url, "preset": "aspnet_identity", "groups_query": query, **store}}
    return build_store(settings_from_mapping(data, environ={}))


def _groups(store: Any, name: str) -> tuple[str, ...]:
    found = store.find(name, fields=["username"], deadline=Deadline(5))
    assert found is not None
    return tuple(store.groups(found.user, Deadline(5)))


def test_the_groups_query_reads_each_user_s_roles(url: str) -> None:
    store = _store(url)
    try:
        assert _groups(store, "alice") == ("Admin", "Staff")
        assert _groups(store, "bob") == ("Auditor",)
        assert _groups(store, "carol") == ()
    finally:
        store.close()


def test_the_user_name_is_bound_never_interpolated(url: str) -> None:
    store = _store(url)
    try:
        found = store.find("alice", fields=["username"], deadline=Deadline(5))
        assert found is not None
        hostile = found.user._replace(username="x' OR '1'='1")
        assert store.groups(hostile, Deadline(5)) == ()
    finally:
        store.close()


def test_a_groups_query_that_writes_is_refused_when_the_configuration_loads(url: str) -> None:
    with pytest.raises(ConfigError, match="groups_query"):
        _store(url, query='DELETE FROM "AspNetRoles" WHERE "Name" = :username')


def test_a_slow_groups_query_is_an_outage_bounded_by_the_query_timeout() -> None:
    url = service_url("TEST_POSTGRES_URL")
    create_aspnet_postgres(url, aspnet_users())
    _add_roles(url)
    slow = ROLES_QUERY.replace("WHERE", "WHERE pg_sleep(3) IS NOT NULL AND", 1)
    store = _store(url, query=slow, query_timeout=0.3)
    try:
        found = store.find("alice", fields=["username"], deadline=Deadline(5))
        assert found is not None
        deadline = Deadline(5)
        with pytest.raises(LegacyUnavailableError):
            store.groups(found.user, deadline)
        assert deadline.remaining() > 3.5  # stopped by the statement timeout, not by pg_sleep finishing
    finally:
        store.close()

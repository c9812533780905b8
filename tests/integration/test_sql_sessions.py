"""Store sessions are read-only on every server: a configured statement cannot change a legacy row."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from cognito_migrate.errors import LegacyUnavailableError
from cognito_migrate.stores.sql_drivers import driver_for
from tests.conftest import aspnet_users, service_url
from tests.legacy import create_aspnet_mysql, create_aspnet_postgres, create_aspnet_sqlite

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture(
    params=[
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("mysql", marks=pytest.mark.mysql),
        "sqlite",
    ]
)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return create_aspnet_sqlite(str(tmp_path / "legacy.db"), aspnet_users())
    server = service_url("TEST_POSTGRES_URL" if request.param == "postgres" else "TEST_MYSQL_URL")
    (create_aspnet_postgres if request.param == "postgres" else create_aspnet_mysql)(server, aspnet_users())
    return server


def test_a_session_refuses_to_write(url: str) -> None:
    """Before: MySQL/MariaDB sessions ran an UPDATE and changed the row (PostgreSQL and SQLite refused)."""
    driver = driver_for(url, password=lambda: None, query_timeout=2)
    q = driver.quote
    email = f"SELECT {q}Email{q} FROM {q}AspNetUsers{q} WHERE {q}UserName{q} = 'alice'"
    session = driver.open(2)
    try:
        with pytest.raises(LegacyUnavailableError):
            driver.run(session, f"UPDATE {q}AspNetUsers{q} SET {q}Email{q} = 'evil@example.com'", {}, 2, 1)
        driver.close(session)
        session = driver.open(2)
        assert driver.run(session, email, {}, 2, 1)[1] == [("alice@example.com",)]
    finally:
        driver.close(session)


NO_RESULT_SET = {
    "postgres": "SET application_name = 'cognito-migrate'",
    "mysql": "SET @unused = 1",
    "sqlite": "SAVEPOINT x",
}


def test_a_statement_without_a_result_set_is_an_outage_not_a_crash(url: str) -> None:
    """Load-time checks refuse such queries; if one still gets through (a server-specific statement), the
    store says what is wrong instead of failing on a missing cursor description."""
    driver = driver_for(url, password=lambda: None, query_timeout=2)
    dialect = "postgres" if url.startswith("postgres") else "mysql" if url.startswith("mysql") else "sqlite"
    session = driver.open(2)
    try:
        with pytest.raises(LegacyUnavailableError, match="no result set"):
            driver.run(session, NO_RESULT_SET[dialect], {}, 2, 1)
    finally:
        driver.close(session)

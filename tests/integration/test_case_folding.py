"""Sign-in names a real server's collation matches more loosely than the pool's case rule (issue 8, section 4).

MariaDB's ``utf8mb4_general_ci`` ignores accents and trailing blanks and maps dotless i to I; a PostgreSQL
ICU collation at strength 1 ignores accents; SQLite's NOCASE folds ASCII only. Each loose match would have
become a second Cognito user for the same legacy account: it is refused (and logged), while the legacy
name in another letter case still migrates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from cognito_migrate import hashing
from cognito_migrate.testing import LambdaContext, make_event
from tests.conftest import GOOD, log_records, service_url

if TYPE_CHECKING:
    import io
    from collections.abc import Callable
    from pathlib import Path

    from cognito_migrate.handler import Trigger

TABLE = "surface_case_users"


def _rows() -> list[tuple[str, str, str]]:
    stored = hashing.create("bcrypt", GOOD, cost={"rounds": 4})
    return [("admin", stored, "admin@example.com"), ("Renee", stored, "renee@example.com")]


def _fill(conn: Any, columns: str) -> None:
    """(Re)create the table with ``columns`` (each server's case-insensitive collation) and the rows."""
    with conn.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cur.execute(f"CREATE TABLE {TABLE} ({columns})")
        cur.executemany(f"INSERT INTO {TABLE} VALUES (%s, %s, %s)", _rows())


def _mariadb(url: str) -> str:
    import pymysql

    parts = urlsplit(url)
    conn = pymysql.connect(
        host=parts.hostname, port=parts.port or 3306, user=parts.username or "root",
        password=parts.password or "", database=parts.path.lstrip("/"), autocommit=True, charset="utf8mb4",
    )  # fmt: skip
    _fill(
        conn,
        "username VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci, password_hash VARCHAR(100), "
        "email VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci",
    )
    conn.close()
    return url


def _postgres(url: str) -> str:
    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(
            "CREATE COLLATION IF NOT EXISTS surface_ci_level1 "
            "(provider = icu, locale = 'und-u-ks-level1', deterministic = false)"
        )
    _fill(conn, "username TEXT COLLATE surface_ci_level1, password_hash TEXT, email TEXT COLLATE surface_ci_level1")
    conn.close()
    return url


def _sqlite(tmp_path: Path) -> str:
    import sqlite3

    path = tmp_path / "nocase.db"
    conn = sqlite3.connect(path)
    conn.execute(f"CREATE TABLE {TABLE} (username TEXT COLLATE NOCASE, password_hash TEXT, email TEXT COLLATE NOCASE)")
    conn.executemany(f"INSERT INTO {TABLE} VALUES (?, ?, ?)", _rows())
    conn.commit()
    conn.close()
    return f"sqlite:///{path}"


@pytest.fixture(params=["mariadb", "postgres", "sqlite"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "mariadb":
        return _mariadb(service_url("TEST_MYSQL_URL"))
    if request.param == "postgres":
        return _postgres(service_url("TEST_POSTGRES_URL"))
    return _sqlite(tmp_path)


def _trigger(make_trigger: Callable[..., Trigger], url: str, **pool: Any) -> Trigger:
    return make_trigger(
        url,
        store={
            "preset": None,
            "query": f"SELECT username, password_hash, email FROM {TABLE} WHERE username = :username",
            "email_query": f"SELECT username, password_hash, email FROM {TABLE} WHERE email = :username",
            "columns": {"username": "username", "password_hash": "password_hash", "email": "email"},
        },
        pool={"case_sensitive": False, **pool},
        policy={"reset_required_on": []},
        hashing={"dummy_cost": {}, "dummy_scheme": "bcrypt"},
    )


def _sign_in(trigger: Trigger, login: str) -> Any:
    return trigger(make_event(login, GOOD), LambdaContext())["response"]["userAttributes"]


# Each spelling is what the named collation matches; under Cognito's rule every one is another user name.
LOOSE = ["\u00e4dmin", "admin ", "adm\u0131n", "\u00c1DMIN", "r\u00e9n\u00e9e"]


@pytest.mark.parametrize("login", LOOSE)
def test_a_loosely_matched_name_is_refused_and_logged(
    make_trigger: Callable[..., Trigger], store_url: str, log_stream: io.StringIO, login: str
) -> None:
    trigger = _trigger(make_trigger, store_url)
    assert _sign_in(trigger, login) is None
    record = log_records(log_stream)[-1]
    assert record["outcome"] == "REJECTED"
    assert record["reason"] in ("case_mismatch", "unknown_user")  # unknown where this collation is stricter


def test_mariadb_general_ci_matches_every_loose_spelling_and_each_is_refused_as_a_case_mismatch(
    make_trigger: Callable[..., Trigger], log_stream: io.StringIO
) -> None:
    """The collation really matched these rows: the refusal is ours, not the database's."""
    trigger = _trigger(make_trigger, _mariadb(service_url("TEST_MYSQL_URL")))
    for login in LOOSE:
        assert _sign_in(trigger, login) is None
        assert log_records(log_stream)[-1]["reason"] == "case_mismatch"


def test_the_legacy_name_and_email_in_another_letter_case_migrate(
    make_trigger: Callable[..., Trigger], store_url: str
) -> None:
    trigger = _trigger(make_trigger, store_url, alias_attributes=["email"])
    assert _sign_in(trigger, "ADMIN") == {"email": "admin@example.com", "email_verified": "false"}
    assert _sign_in(trigger, "RENEE@example.COM")["username"] == "Renee"


def test_an_email_alias_matched_loosely_is_refused(
    make_trigger: Callable[..., Trigger], store_url: str, log_stream: io.StringIO
) -> None:
    trigger = _trigger(make_trigger, store_url, alias_attributes=["email"])
    assert _sign_in(trigger, "\u00e4dmin@example.com") is None
    assert log_records(log_stream)[-1]["outcome"] == "REJECTED"

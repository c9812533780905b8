"""Reading legacy rows and preparing queries, without a database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cognito_migrate.errors import BackendNotAvailableError, ConfigError, MalformedRecordError
from cognito_migrate.stores.rows import RowReader, normalize_login
from cognito_migrate.stores.sql_drivers import dialect_of, driver_for

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
COLUMNS = {
    "username": "u",
    "password_hash": "h",
    "salt": "s",
    "hash_params": "hp",
    "email_verified": "ev",
    "lockout_end": "le",
    "lockout_enabled": "len",
    "disabled": "d",
}


def read(**row: Any) -> Any:
    base: dict[str, Any] = {
        "u": "ada",
        "h": "$2b$04$x",
        "s": None,
        "hp": None,
        "ev": None,
        "le": None,
        "len": None,
        "d": None,
    }
    base.update(row)
    return RowReader(COLUMNS, clock=lambda: NOW).read(base)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (0, False),
        (1, True),
        ("Yes", True),
        ("f", False),
        (b"\x01", True),
        (b"\x00", False),
        (None, False),
    ],
)
def test_flags_accept_what_databases_return(value: Any, expected: bool) -> None:
    assert read(ev=value).email_verified is expected


@pytest.mark.parametrize("value", ["maybe", 2.5, b"ab"])
def test_unreadable_flags_name_the_column(value: Any) -> None:
    with pytest.raises(MalformedRecordError) as info:
        read(ev=value)
    assert info.value.column == "ev"
    assert str(value) not in str(info.value)


def test_lockout_end_in_the_future_locks_only_when_enabled() -> None:
    assert read(le="2027-01-01T00:00:00+00:00").locked_out is True
    assert read(le=dt.datetime(2025, 1, 1)).locked_out is False  # naive means UTC, and it is past
    assert read(le="2027-01-01 00:00:00", len=0).locked_out is False
    with pytest.raises(MalformedRecordError):
        read(le="next tuesday")


def test_secret_columns_stay_out_of_the_profile_and_salt_goes_to_params() -> None:
    user = read(s="NaCl", hp='{"algorithm": "sha1"}')
    assert "h" not in user.profile
    assert "s" not in user.profile
    assert user.credential is not None
    assert dict(user.credential.params) == {"algorithm": "sha1", "salt": "NaCl"}


def test_missing_username_and_bad_json_params_are_malformed() -> None:
    with pytest.raises(MalformedRecordError):
        read(u=None)
    with pytest.raises(MalformedRecordError):
        read(hp="{not json")


def test_null_hash_means_no_credential() -> None:
    assert read(h=None).credential is None


def test_column_names_match_without_case_as_postgres_folds_them() -> None:
    user = RowReader({"username": "UserName", "password_hash": "PasswordHash"}).read(
        {"username": "ada", "passwordhash": "x"}
    )
    assert user.username == "ada"


def test_a_column_the_query_does_not_return_is_named() -> None:
    with pytest.raises(MalformedRecordError, match="Mail"):
        RowReader({"username": "u", "password_hash": "h", "email": "Mail"}).read({"u": "ada", "h": "x"})


def test_upper_normalization_keeps_characters_that_grow_like_dotnet() -> None:
    assert normalize_login("straße", "upper") == "STRAßE"
    assert normalize_login("Ada", "lower") == "ada"
    assert normalize_login("Ada", "none") == "Ada"


@pytest.mark.parametrize(
    ("url", "dialect"),
    [
        ("sqlite:///x.db", "sqlite"),
        ("postgres://h/db", "postgres"),
        ("postgresql+psycopg2://h/db", "postgres"),
        ("mariadb://h/db", "mysql"),
        ("mssql://h/db", "mssql"),
    ],
)
def test_dialects(url: str, dialect: str) -> None:
    assert dialect_of(url) == dialect


def test_unknown_url_scheme_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as info:
        dialect_of("oracle://h/db")
    assert info.value.key == "store.url"


def test_named_parameter_is_rewritten_for_pyformat_drivers_and_percent_escaped() -> None:
    driver = driver_for("mssql://sa@127.0.0.1/app", password=lambda: None, query_timeout=1)
    assert driver.prepare("SELECT * FROM t WHERE a LIKE 'x%' AND u = :username AND c = '::text'") == (
        "SELECT * FROM t WHERE a LIKE 'x%%' AND u = %(username)s AND c = '::text'"
    )
    sqlite = driver_for("sqlite:///x.db", password=lambda: None, query_timeout=1)
    assert sqlite.prepare("SELECT 1 WHERE u = :username") == "SELECT 1 WHERE u = :username"


def test_missing_driver_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pymysql", None)
    with pytest.raises(BackendNotAvailableError, match=r"pip install 'cognito-migrate\[mysql\]'"):
        driver_for("mysql://root@127.0.0.1/test", password=lambda: None, query_timeout=1)

"""Configured queries must return rows: anything else is refused when the configuration is loaded."""

from __future__ import annotations

import pytest

from cognito_migrate.config import settings_from_mapping
from cognito_migrate.errors import ConfigError
from cognito_migrate.stores.sql_drivers import check_query
from cognito_migrate.stores.sql_presets import PRESETS


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT u, h FROM users WHERE u = :username",
        "  -- the login\n(SELECT u FROM t WHERE u = :username)",
        "/* by e-mail */ WITH x AS (SELECT u FROM t) SELECT u FROM x WHERE u = :username;",
        "select u from t where note = 'a; b' and u = :username",
    ],
)
def test_queries_that_return_rows_are_accepted(sql: str) -> None:
    check_query("store.query", sql)


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        ("UPDATE users SET seen = 1 WHERE u = :username", "not UPDATE"),
        ("DELETE FROM users WHERE u = :username", "not DELETE"),
        ("-- SELECT\nINSERT INTO log VALUES (:username)", "not INSERT"),
        ("SELECT u FROM t WHERE u = :username; UPDATE t SET seen = 1", "one statement"),
        ("EXEC dbo.find_user :username", "not EXEC"),
        ("CALL find_user(:username)", "not CALL"),
        ("", "not nothing"),
    ],
)
def test_statements_that_return_no_rows_are_config_errors(sql: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem) as info:
        check_query("store.query", sql)
    assert info.value.key == "store.query"


def test_every_preset_query_passes_the_check() -> None:
    for name, preset in PRESETS.items():
        for sql in (preset.query, preset.email_query, preset.phone_query, preset.sample_query):
            if sql is not None:
                check_query(f"preset {name}", sql)


def test_a_configured_update_is_refused_when_the_configuration_loads() -> None:
    with pytest.raises(ConfigError, match="must be a query that returns rows") as info:
        settings_from_mapping(
            {
                "store": {
                    "type": "sql",
                    "url": "sqlite:///legacy.db",
                    "query": 'UPDATE "users" SET "seen" = 1 WHERE "name" = :username',
                    "columns": {"username": "name", "password_hash": "hash"},
                }
            },
            environ={},
        )
    assert info.value.key == "store.query"

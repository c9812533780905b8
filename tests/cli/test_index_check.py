"""``config validate`` asks the planner whether each lookup query scans, and the CREATE INDEX it prints works."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from typer.testing import CliRunner

from cognito_migrate.cli.app import app
from cognito_migrate.config import settings_from_mapping
from cognito_migrate.models import Deadline
from cognito_migrate.stores.indexes import unindexed_lookups
from cognito_migrate.wiring import build_store
from tests.conftest import aspnet_users
from tests.legacy import create_aspnet_sqlite, create_django_sqlite

if TYPE_CHECKING:
    from pathlib import Path

    from cognito_migrate.stores.indexes import IndexFinding

ALIASES = {"alias_attributes": ["email", "phone_number"]}


def findings(url: str, preset: str, pool: dict[str, Any]) -> list[IndexFinding]:
    settings = settings_from_mapping({"store": {"url": url, "preset": preset}, "pool": pool}, environ={})
    store = build_store(settings)
    try:
        return unindexed_lookups(store, Deadline(5))
    finally:
        store.close()


def apply(url: str, statements: list[str | None]) -> None:
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    for sql in statements:
        assert sql is not None
        conn.execute(sql)
    conn.commit()
    conn.close()


def test_aspnet_lookups_without_indexes_are_found_and_the_printed_indexes_fix_them(tmp_path: Path) -> None:
    url = create_aspnet_sqlite(str(tmp_path / "a.db"), aspnet_users())
    found = findings(url, "aspnet_identity", ALIASES)
    assert {f.field for f in found} == {"username", "email", "phone_number"}
    assert all(f.plan.startswith("SCAN") for f in found)
    apply(url, [f.create_index for f in found])
    assert findings(url, "aspnet_identity", ALIASES) == []


def test_the_django_email_lookup_needs_an_expression_index(tmp_path: Path) -> None:
    """auth_user.username is UNIQUE (indexed); LOWER("email") is indexed by nothing Django creates."""
    url = create_django_sqlite(str(tmp_path / "d.db"), [{"username": "ada", "password": "x", "email": "a@x.org"}])
    (email,) = findings(url, "django", {"alias_attributes": ["email"]})
    assert email.field == "email"
    assert email.create_index is not None and 'LOWER("email")' in email.create_index
    apply(url, [email.create_index])
    assert findings(url, "django", {"alias_attributes": ["email"]}) == []


def test_validate_warns_with_the_statement_to_run(tmp_path: Path) -> None:
    url = create_aspnet_sqlite(str(tmp_path / "v.db"), aspnet_users())
    config = tmp_path / "c.toml"
    config.write_text(f'[store]\nurl = "{url}"\npreset = "aspnet_identity"\n[pool]\nalias_attributes = ["email"]\n')
    result = CliRunner().invoke(app, ["config", "validate", "-c", str(config)], env={"COLUMNS": "400"})
    assert result.exit_code == 0
    assert 'CREATE INDEX "cognito_migrate_aspnetusers_normalizedemail" ON "AspNetUsers" ("NormalizedEmail");' in (
        result.output
    )


def test_validate_warns_when_the_sample_query_misses_a_credential_column(tmp_path: Path) -> None:
    """A sampled row without its salt cannot be verified: rejections would be timed on the dummy alone."""
    path = tmp_path / "s.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE users (name TEXT PRIMARY KEY, hash TEXT, salt TEXT)")
    conn.execute("INSERT INTO users VALUES ('ann', 'ab12', 's4lt')")
    conn.commit()
    conn.close()
    config = tmp_path / "s.toml"
    config.write_text(
        f'[store]\nurl = "sqlite:///{path}"\nquery = "SELECT name, hash, salt FROM users WHERE name = :username"\n'
        'sample_query = "SELECT hash FROM users LIMIT 1"\n'
        '[store.columns]\nusername = "name"\npassword_hash = "hash"\nsalt = "salt"\n'
        '[hashing]\nscheme = "raw_digest"\ndummy_scheme = "bcrypt"\n'
    )
    result = CliRunner().invoke(app, ["config", "validate", "-c", str(config)], env={"COLUMNS": "400"})
    assert result.exit_code == 0
    assert "the sample query does not return: store.columns.salt = 'salt'" in result.output

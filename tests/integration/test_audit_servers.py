"""``cognito-migrate audit`` on real servers: Django-made rows in PostgreSQL, Identity rows in MariaDB."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING, Any

from typer.testing import CliRunner

from cognito_migrate import wiring
from cognito_migrate.cli.app import app
from cognito_migrate.config import settings_from_mapping
from tests.cli.test_audit import identity_rows, write_config
from tests.conftest import service_url
from tests.legacy import create_aspnet_mysql

if TYPE_CHECKING:
    from pathlib import Path

runner = CliRunner()


def problems(document: dict[str, Any]) -> dict[str, int]:
    return {p["kind"]: p["count"] for p in document["problems"] if p["count"]}


def audit_json(tmp_path: Path, config: str) -> tuple[int, dict[str, Any]]:
    path = tmp_path / "cognito-migrate.toml"
    path.write_text(config)
    result = runner.invoke(app, ["audit", "--config", str(path), "--json"])
    return result.exit_code, json.loads(result.stdout)


def test_a_django_database_in_postgresql(tmp_path: Path) -> None:
    url = service_url("TEST_POSTGRES_URL")
    made = subprocess.run(
        [sys.executable, "-m", "tests.django_rows", url], capture_output=True, text=True, check=True, timeout=300
    )
    created = json.loads(made.stdout)
    code, document = audit_json(
        tmp_path,
        f"""
[store]
url = "{url}"
preset = "django"

[pool]
alias_attributes = ["email"]
case_sensitive = false
""",
    )
    assert code == 1
    assert document["users"] == created["users"] == 52
    assert document["schemes"] == {
        "django_pbkdf2_sha256": created["pbkdf2_fast"] + created["pbkdf2_default"],
        "django_argon2": created["argon2"],
        "no_password": created["unusable"],  # set_unusable_password(): nothing to migrate with
    }
    costs = {c["cost"]: c["count"] for c in document["costs"]["django_pbkdf2_sha256"]}
    assert costs == {"iterations=1000": created["pbkdf2_fast"], "iterations=1000000": created["pbkdf2_default"]}
    assert document["costs"]["django_argon2"] == [{"cost": "m=102400 t=2 p=8", "count": 3}]  # Django 5.2's
    assert problems(document) == {
        "case_collision": 2,  # Sam, sam
        "duplicate_email": 2,  # carl, dora
        "email_shaped_username": 1,  # eve@example.com
        "no_recovery_channel": 51,  # auth_user has no verified flag (eve is refused for her name, not counted)
        "disabled_or_locked": 1,  # is_active = false
        "unindexed_lookup": 1,  # LOWER("email"): Django indexes the user name only
    }
    # the store and its argon2 rows: what `package` must include
    assert document["extras"] == ["argon2", "postgres"]


def test_the_postgresql_scan_streams_through_a_server_side_cursor() -> None:
    url = service_url("TEST_POSTGRES_URL")
    subprocess.run([sys.executable, "-m", "tests.django_rows", url], capture_output=True, check=True, timeout=300)
    store = wiring.build_store(settings_from_mapping({"store": {"url": url, "preset": "django"}}, environ={}))
    batches = store.scan(batch_size=10)
    first = next(batches)
    assert len(first) == 10
    import psycopg2

    with psycopg2.connect(url) as watcher, watcher.cursor() as cur:
        cur.execute("SELECT query FROM pg_stat_activity WHERE application_name = 'cognito-migrate'")
        queries = [row[0] for row in cur.fetchall()]
    assert any(q.startswith("FETCH FORWARD 10 FROM") for q in queries), queries  # not the whole table at once
    assert sum(len(batch) for batch in batches) == 52 - 10
    store.close()


def test_an_identity_database_in_mariadb(tmp_path: Path) -> None:
    url = service_url("TEST_MYSQL_URL")
    create_aspnet_mysql(url, identity_rows())
    result = runner.invoke(app, ["audit", "--config", str(write_config(tmp_path, url=url)), "--json"])
    code, document = result.exit_code, json.loads(result.stdout)
    assert code == 1
    assert document["users"] == 13
    assert document["schemes"] == {"aspnet_identity_v3": 11, "unidentified": 1, "no_password": 1}
    assert problems(document) == {
        "unsupported_hash": 1,
        "over_cost_limit": 1,
        "unmappable_attribute": 1,
        "case_collision": 2,
        "duplicate_email": 2,
        "email_shaped_username": 1,
        "no_recovery_channel": 1,
        "disabled_or_locked": 1,  # the lockout end in MariaDB's DATETIME is read as UTC
        "unindexed_lookup": 3,
    }
    assert document["extras"] == ["mysql", "phone"]  # the preset maps PhoneNumber

"""``cognito-migrate audit`` as a migration team runs it: terminal, ``--json`` and exit codes."""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

import pytest
from typer.testing import CliRunner

from cognito_migrate import hashing
from cognito_migrate.cli.app import app
from tests.conftest import GOOD
from tests.legacy import AspNetUser, create_aspnet_sqlite

if TYPE_CHECKING:
    from pathlib import Path

runner = CliRunner()
FAST_V3 = {"iterations": 1000, "prf": "HMACSHA256"}


def identity_rows() -> list[AspNetUser]:
    """An Identity table with one of each problem the audit reports, and real hashes."""
    v3 = hashing.create("aspnet_identity_v3", GOOD, cost=FAST_V3)
    v3_512 = hashing.create("aspnet_identity_v3", GOOD, cost={"iterations": 2000, "prf": "HMACSHA512"})
    hostile = hashing.create("aspnet_identity_v3", GOOD, cost={"iterations": 5000, "prf": "HMACSHA512"})
    return [
        AspNetUser("alice", v3, email="alice@example.com"),
        AspNetUser("bob", v3_512, email="bob@example.com", phone="+14325551212", phone_confirmed=True),
        AspNetUser("Sam", v3, email="sam1@example.com"),
        AspNetUser("sam", v3, email="sam2@example.com"),  # one name for a case-insensitive pool
        AspNetUser("ivan", v3, email="shared@example.com"),
        AspNetUser("judy", v3, email="SHARED@example.com"),
        AspNetUser("kim@example.com", v3, email="kim@example.com"),
        AspNetUser("lena", v3, email="lena@example.com", email_confirmed=False),
        AspNetUser("mo", v3, email="mo@example.com", phone="tbc"),
        AspNetUser("dave", v3, email="dave@example.com", lockout_end="2999-01-01T00:00:00+00:00"),
        AspNetUser("olga", "not-a-hash", email="olga@example.com"),
        AspNetUser("hugo", hostile, email="hugo@example.com"),
        AspNetUser("grace", None, email="grace@example.com"),
    ]


def write_config(
    tmp_path: Path, store: str = 'preset = "aspnet_identity"', extra: str = "", url: str = "sqlite:///identity.db"
) -> Path:
    """The configuration of these tests (an e-mail alias pool, case-insensitive, a low PBKDF2 cap) over ``url``,
    by default a SQLite file of :func:`identity_rows`."""
    if url == "sqlite:///identity.db" and not (tmp_path / "identity.db").exists():
        create_aspnet_sqlite(str(tmp_path / "identity.db"), identity_rows())
    path = tmp_path / "cognito-migrate.toml"
    path.write_text(
        f"""
[store]
url = "{url}"
{store}

[pool]
alias_attributes = ["email"]
case_sensitive = false

[hashing.limits]
pbkdf2_max_iterations = 4000

[logging]
username_hash_key = "audit-test-key"
{extra}
"""
    )
    return path


def problems(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["kind"]: p for p in document["problems"]}


def test_json_reports_the_census_and_every_problem_kind(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", "--config", str(write_config(tmp_path)), "--json"])
    assert result.exit_code == 1, result.output  # problems found
    document = json.loads(result.stdout)
    assert document["users"] == 13
    assert document["schemes"] == {"aspnet_identity_v3": 11, "unidentified": 1, "no_password": 1}
    assert {c["cost"]: c["count"] for c in document["costs"]["aspnet_identity_v3"]} == {
        "prf=HMACSHA256 iterations=1000": 9,
        "prf=HMACSHA512 iterations=2000": 1,
        "prf=HMACSHA512 iterations=5000": 1,
    }
    found = problems(document)
    assert {kind: p["count"] for kind, p in found.items() if p["count"]} == {
        "unsupported_hash": 1,  # olga
        "over_cost_limit": 1,  # hugo, 5000 > 4000
        "unmappable_attribute": 1,  # mo's "tbc"
        "case_collision": 2,  # Sam, sam
        "duplicate_email": 2,  # ivan, judy
        "email_shaped_username": 1,  # kim@example.com
        "no_recovery_channel": 1,  # lena: e-mail not confirmed, no phone
        "disabled_or_locked": 1,  # dave
        "unindexed_lookup": 3,  # the table has no index on NormalizedUserName, NormalizedEmail, PhoneNumber
    }
    assert all("CREATE INDEX" in detail for detail in found["unindexed_lookup"]["details"])
    assert found["unmappable_attribute"]["details"] == {  # mo migrates without the phone number
        "phone_number: not in E.164 and mapping.default_phone_region is not set (dropped)": 1
    }
    assert found["over_cost_limit"]["details"] == {"aspnet_identity_v3: pbkdf2_max_iterations exceeded": 1}
    assert document["extras"] == ["phone"]  # the preset maps PhoneNumber: every number is validated


def test_examples_never_show_names_emails_or_hashes(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", "--config", str(write_config(tmp_path)), "--json"])
    document = json.loads(result.stdout)
    shown = json.dumps([(p["examples"], p["details"]) for p in document["problems"]])
    for row in identity_rows():
        assert row.user_name not in shown
        assert row.email is None or row.email.lower() not in shown.lower()
        assert row.password_hash is None or row.password_hash not in result.stdout
    assert all(len(ref) == 24 for p in document["problems"] for ref in p["examples"] if " = " not in ref)


def test_the_terminal_run_shows_progress_and_a_summary(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", "-c", str(write_config(tmp_path))], terminal_width=160)
    assert result.exit_code == 1
    assert "reading users" in result.output and "13/13" in result.output  # the progress bar, with its total
    assert "13 legacy users" in result.output
    for kind in ("case_collision", "duplicate_email", "over_cost_limit", "missing_extra"):
        assert kind in result.output


def test_a_clean_store_exits_0(tmp_path: Path) -> None:
    create_aspnet_sqlite(
        str(tmp_path / "identity.db"),
        [AspNetUser("alice", hashing.create("aspnet_identity_v3", GOOD, cost=FAST_V3), email="a@example.com")],
    )
    with sqlite3.connect(tmp_path / "identity.db") as conn:  # what the unindexed_lookup findings say to run
        for column in ("NormalizedUserName", "NormalizedEmail", "PhoneNumber"):
            conn.execute(f'CREATE INDEX "ix_{column}" ON "AspNetUsers" ("{column}")')
    path = tmp_path / "c.toml"
    path.write_text('[store]\nurl = "sqlite:///identity.db"\npreset = "aspnet_identity"\n')
    result = runner.invoke(app, ["audit", "-c", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["users"] == 1


def test_a_missing_store_is_an_outage_not_a_clean_report(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[store]\nurl = "sqlite:///nowhere.db"\npreset = "aspnet_identity"\n')
    result = runner.invoke(app, ["audit", "-c", str(path), "--json"])
    assert result.exit_code == 3
    assert result.stdout == ""
    assert "cannot read the legacy store" in result.stderr


def test_own_queries_need_a_list_query(tmp_path: Path) -> None:
    store = """query = 'SELECT * FROM "AspNetUsers" WHERE "NormalizedUserName" = :username'
email_query = 'SELECT * FROM "AspNetUsers" WHERE "NormalizedEmail" = :username'
normalize = "upper"
columns = { username = "UserName", password_hash = "PasswordHash", email = "Email", email_verified = "EmailConfirmed" }"""
    result = runner.invoke(app, ["audit", "-c", str(write_config(tmp_path, store)), "--json"])
    assert result.exit_code == 2
    assert "store.list_query" in result.stderr
    listed = store + "\nlist_query = 'SELECT * FROM \"AspNetUsers\"'"
    result = runner.invoke(app, ["audit", "-c", str(write_config(tmp_path, listed)), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["users"] == 13


@pytest.mark.parametrize("region", ["", '[mapping]\ndefault_phone_region = "GB"'])
def test_extras_the_data_needs(tmp_path: Path, region: str) -> None:
    """Argon2 rows need argon2; phone numbers need phonenumbers (a national one is read only with a region)."""
    create_aspnet_sqlite(
        str(tmp_path / "identity.db"),
        [
            AspNetUser("a", hashing.create("argon2", GOOD, cost={"time_cost": 1, "memory_cost": 64, "parallelism": 1})),
            AspNetUser("b", None, phone="020 7946 0018", phone_confirmed=True),
        ],
    )
    path = tmp_path / "c.toml"
    path.write_text(f'[store]\nurl = "sqlite:///identity.db"\npreset = "aspnet_identity"\n{region}\n')
    document = json.loads(runner.invoke(app, ["audit", "-c", str(path), "--json"]).stdout)
    assert document["extras"] == ["argon2", "phone"]
    assert problems(document)["missing_extra"]["count"] == 0  # installed here
    assert problems(document)["unmappable_attribute"]["count"] == (0 if region else 1)


def test_worker_processes_make_the_same_report_as_one(tmp_path: Path) -> None:
    """Two rows a batch over three workers: Sam and sam (and ivan and judy) are read by different processes."""
    config = str(write_config(tmp_path))
    reports = []
    for workers in ("1", "3"):
        result = runner.invoke(app, ["audit", "-c", config, "--json", "--workers", workers, "--batch-size", "2"])
        assert result.exit_code == 1, result.output
        document = json.loads(result.stdout)
        document.pop("seconds")
        for p in document["problems"]:
            p["examples"] = sorted(p["examples"])
        reports.append(document)
    assert reports[0] == reports[1]

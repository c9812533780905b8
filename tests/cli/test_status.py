"""``cognito-migrate status``: progress from the ledger and the legacy store, as JSON and in the terminal."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

import pytest
from typer.testing import CliRunner

from cognito_migrate import hashing
from cognito_migrate.cli.app import app
from cognito_migrate.config import load_settings
from cognito_migrate.handler import Trigger
from cognito_migrate.observability import InvocationLog
from cognito_migrate.testing import LambdaContext, make_event
from tests.ledger_support import HASH_KEY
from tests.legacy import AspNetUser, create_aspnet_sqlite

if TYPE_CHECKING:
    from pathlib import Path

GOOD = "Correct-Horse-9"
FAST_V3 = {"iterations": 1000, "prf": "HMACSHA256"}
runner = CliRunner()


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path)


def write_config(tmp_path: Path) -> Path:
    """A SQLite legacy store of four users and a SQLite ledger, in ``tmp_path``."""
    v3 = hashing.create("aspnet_identity_v3", GOOD, cost=FAST_V3)
    users = [AspNetUser(name, v3, email=f"{name}@example.com") for name in ("alice", "bob", "carol", "dave")]
    create_aspnet_sqlite(str(tmp_path / "legacy.db"), users)
    path = tmp_path / "cognito-migrate.toml"
    path.write_text(
        '[store]\ntype = "sql"\nurl = "sqlite:///legacy.db"\npreset = "aspnet_identity"\n'
        '[hashing]\ndummy_cost = { iterations = 1000, prf = "HMACSHA256" }\n'
        f'[ledger]\nurl = "sqlite:///ledger.db"\nhash_key = "{HASH_KEY}"\n[throttle]\nmax_failures = 2\n'
    )
    return path


def sign_ins(config: Path) -> None:
    """alice migrates and signs in again (post-authentication); bob migrates; carol gets throttled."""
    trigger = Trigger(load_settings(config), log=InvocationLog(stream=open("/dev/null", "w")))  # noqa: SIM115, PTH123
    for name, password in [("alice", GOOD), ("bob", GOOD), ("carol", "Wrong-1"), ("carol", "Wrong-2"),
                           ("carol", GOOD), ("nobody", "Wrong-3")]:  # fmt: skip
        trigger(make_event(name, password), LambdaContext())
    post: dict[str, Any] = {
        "triggerSource": "PostAuthentication_Authentication", "userName": "alice",
        "request": {"userAttributes": {"email": "alice@example.com"}}, "response": {},
    }  # fmt: skip
    trigger(post, LambdaContext())


def test_json_reports_progress_from_the_ledger_and_the_store(config: Path) -> None:
    sign_ins(config)
    result = runner.invoke(app, ["status", "--config", str(config), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    # alice's post-authentication confirmed she exists in Cognito; bob was only answered for
    assert (doc["migrated"], doc["confirmed_created"], doc["answered"]) == (1, 1, 2)
    if doc["legacy_users"] is None:  # the store cannot count its users: said, not guessed
        assert doc["remaining"] is None
        assert doc["notes"] == ["legacy store not counted: this store cannot count its users"]
    else:
        assert (doc["legacy_users"], doc["remaining"]) == (4, 3)
    assert doc["rejected_by_reason"] == {"wrong_password": 2, "throttled": 1, "unknown_user": 1}
    assert doc["throttled"] == 1
    assert doc["daily"] == [{"date": dt.datetime.now(dt.UTC).date().isoformat(), "migrated": 1, "answered": 2}]
    assert doc["user_pool_id"] is None


def test_the_terminal_shows_the_figures_and_a_chart(config: Path) -> None:
    sign_ins(config)
    result = runner.invoke(app, ["status", "--config", str(config)], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "legacy users" in result.stdout and "remaining" in result.stdout
    assert "migrated per day" in result.stdout
    assert "█" in result.stdout
    assert "wrong_password" in result.stdout


def test_an_empty_ledger_reports_nothing_migrated(config: Path) -> None:
    result = runner.invoke(app, ["status", "--config", str(config), "--json"])
    doc = json.loads(result.stdout)
    assert (doc["migrated"], doc["answered"], doc["daily"], doc["rejected_by_reason"]) == (0, 0, [], {})
    assert not [note for note in doc["notes"] if "confirmed none" in note]  # nothing answered: nothing to confirm


def test_answers_that_nothing_confirms_are_named_in_the_notes(config: Path) -> None:
    trigger = Trigger(load_settings(config), log=InvocationLog(stream=open("/dev/null", "w")))  # noqa: SIM115, PTH123
    trigger(make_event("bob", GOOD), LambdaContext())  # migrated; no post-authentication ever runs
    doc = json.loads(runner.invoke(app, ["status", "--config", str(config), "--json"]).stdout)
    assert (doc["migrated"], doc["answered"]) == (0, 1)
    assert [note for note in doc["notes"] if "Cognito confirmed none" in note and "post-authentication" in note]


def test_status_needs_a_ledger(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[store]\ntype = "sql"\nurl = "sqlite:///legacy.db"\npreset = "aspnet_identity"\n')
    result = runner.invoke(app, ["status", "--config", str(path), "--json"])
    assert result.exit_code == 2
    assert "[ledger] url" in result.output


def test_remaining_is_what_the_legacy_store_holds_less_what_migrated() -> None:
    from cognito_migrate.ledger.progress import summarize
    from cognito_migrate.ledger.records import UserRecord

    def record(subject: str, migrated_at: int | None, created_at: int | None = None) -> UserRecord:
        counts = {"MIGRATED:ok": 1} if migrated_at else {"REJECTED:wrong_password": 2}
        return UserRecord(subject, True, 0, 0, counts, "", None, migrated_at, created_at)

    day = 86_400
    records = [record("u1", 3 * day, 3 * day), record("u2", 5 * day, 5 * day), record("u3", None),
               record("u4", 5 * day)]  # fmt: skip  (u4: answered, never confirmed: Cognito may have refused it)
    progress = summarize(records, legacy_users=10)
    assert (progress.migrated, progress.answered, progress.remaining) == (2, 3, 8)
    assert progress.rejected_by_reason == {"wrong_password": 2}
    assert [(d.date, d.migrated) for d in progress.daily] == [
        ("1970-01-04", 1), ("1970-01-05", 0), ("1970-01-06", 1)
    ]  # fmt: skip

"""``cognito-migrate check --batch``: the acceptance test a migration team runs before go-live, and
``check --json`` for scripts."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from typer.testing import CliRunner

from cognito_migrate.cli.app import app
from tests.cli.test_check_and_validate import config_for
from tests.conftest import GOOD, WEAK

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    import pytest

runner = CliRunner()


def test_check_json_is_one_document_without_the_password(aspnet_db: str, tmp_config: Callable[[str], Path]) -> None:
    path = tmp_config(config_for(aspnet_db))
    result = runner.invoke(app, ["check", "alice", "-c", str(path), "--password-stdin", "--json"], input=GOOD + "\n")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["outcome"] == "MIGRATED"
    assert document["response"]["userAttributes"]["email"] == "alice@example.com"
    assert "lookup" in document["latency_ms"]
    assert GOOD not in result.stdout


def test_a_batch_runs_every_account_and_compares_with_the_expected_outcome(
    aspnet_db: str, tmp_config: Callable[[str], Path], tmp_path: Path
) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(
        "username,password,expect\n"
        f"alice,{GOOD},\n"  # no expectation: must migrate
        f"carol,{WEAK},MIGRATED_RESET_REQUIRED\n"
        f"dave,{GOOD},REJECTED\n"  # locked out in the legacy store
        f"bob,Wrong-Password-1,migrated\n"  # expected to migrate, does not: the row fails
    )
    path = tmp_config(config_for(aspnet_db))
    result = runner.invoke(app, ["check", "--batch", str(accounts), "-c", str(path), "--json"])
    assert result.exit_code == 1, result.stderr
    document = json.loads(result.stdout)
    by_user = {a["username"]: a for a in document["accounts"]}
    assert [by_user[u]["passed"] for u in ("alice", "carol", "dave", "bob")] == [True, True, True, False]
    assert by_user["bob"]["reason"] == "wrong_password"
    assert by_user["dave"]["reason"] == "locked_out"
    assert (document["passed"], document["failed"]) == (3, 1)
    for secret in (GOOD, "Wrong-Password-1"):
        assert secret not in result.stdout


def test_a_batch_table_for_people_and_exit_0_when_all_pass(
    aspnet_db: str, tmp_config: Callable[[str], Path], tmp_path: Path
) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(f"username,password\nalice,{GOOD}\nkim,{GOOD}\n")
    path = tmp_config(config_for(aspnet_db))
    result = runner.invoke(app, ["check", "--batch", str(accounts), "-c", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "2 of 2 accounts passed" in result.output
    assert GOOD not in result.output


def test_a_batch_without_passwords_prompts_for_each(
    aspnet_db: str, tmp_config: Callable[[str], Path], tmp_path: Path
) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("username\nalice\nkim\n")
    path = tmp_config(config_for(aspnet_db))
    result = runner.invoke(
        app, ["check", "--batch", str(accounts), "-c", str(path), "--json"], input=f"{GOOD}\n{GOOD}\n"
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["passed"] == 2


def test_a_bad_batch_file_is_a_usage_error_naming_the_row(
    aspnet_db: str, tmp_config: Callable[[str], Path], tmp_path: Path
) -> None:
    path = tmp_config(config_for(aspnet_db))
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("username,expect\nalice,MAYBE\n")
    result = runner.invoke(app, ["check", "--batch", str(accounts), "-c", str(path)])
    assert result.exit_code == 2
    assert "row 2" in result.stderr and "expect" in result.stderr
    result = runner.invoke(app, ["check", "alice", "--batch", str(accounts), "-c", str(path)])
    assert result.exit_code == 2
    assert "not both" in result.stderr


def test_validate_json_is_one_document(aspnet_db: str, tmp_config: Callable[[str], Path]) -> None:
    path = tmp_config(config_for(aspnet_db))
    result = runner.invoke(app, ["config", "validate", "-c", str(path), "--json"])
    assert result.exit_code == 0, result.stdout
    document = json.loads(result.stdout)
    assert document["valid"] is True
    assert {c["check"] for c in document["checks"]} >= {"configuration", "legacy store", "hashing"}
    broken = tmp_config(config_for(aspnet_db, "[pool]\ncase_sensitiv = true\n"))
    result = runner.invoke(app, ["config", "validate", "-c", str(broken), "--json"])
    assert result.exit_code == 1
    failed = [c for c in json.loads(result.stdout)["checks"] if c["status"] == "fail"]
    assert any("case_sensitiv" in c["check"] for c in failed), failed


def test_config_defaults_to_the_environment_then_the_working_directory(
    aspnet_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COGNITO_MIGRATE_CONFIG", raising=False)
    missing = runner.invoke(app, ["config", "validate", "--json"])
    assert missing.exit_code == 1
    assert "cognito-migrate.toml" in json.loads(missing.stdout)["checks"][0]["check"]
    (tmp_path / "cognito-migrate.toml").write_text(config_for(aspnet_db))
    assert runner.invoke(app, ["config", "validate", "--json"]).exit_code == 0
    elsewhere = tmp_path / "elsewhere.toml"
    elsewhere.write_text(config_for(aspnet_db))
    monkeypatch.setenv("COGNITO_MIGRATE_CONFIG", str(elsewhere))
    result = runner.invoke(app, ["config", "validate", "--json"])
    assert json.loads(result.stdout)["checks"][0]["result"] == f"{elsewhere} loads"

"""``--config`` on every command that reads a configuration: it defaults to ``COGNITO_MIGRATE_CONFIG``, else
``./cognito-migrate.toml``; an error names the file the user gave; under ``--json`` stdout stays clean."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from cognito_migrate.cli.app import app

if TYPE_CHECKING:
    from pathlib import Path

runner = CliRunner()

# each command that reads a configuration, with the other arguments it needs to get that far
COMMANDS = {
    "audit": ["audit", "--json"],
    "status": ["status", "--json"],
    "check": ["check", "alice", "--password-stdin", "--json"],
    "export": ["export", "--out", "OUT", "--user-pool-id", "eu-west-1_AbC123", "--json"],
    "import": ["import", "DIR", "--logs-role-arn", "arn:aws:iam::123456789012:role/r", "--json"],
    "package": ["package", "--out", "OUT"],
    "doctor": ["doctor", "--user-pool-id", "eu-west-1_AbC123", "--json"],
}


def _args(name: str, tmp_path: Path) -> list[str]:
    (tmp_path / "exported").mkdir(exist_ok=True)
    swap = {"OUT": str(tmp_path / "out"), "DIR": str(tmp_path / "exported")}
    return [swap.get(arg, arg) for arg in COMMANDS[name]]


@pytest.mark.parametrize("name", sorted(set(COMMANDS) - {"doctor"}))
def test_the_default_is_the_environment_variable_then_the_working_directory(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COGNITO_MIGRATE_CONFIG", str(tmp_path / "from-env.toml"))
    result = runner.invoke(app, _args(name, tmp_path), input="pw\n")
    assert result.exit_code == 2, result.output
    assert "from-env.toml" in result.stderr and "Traceback" not in result.output
    monkeypatch.delenv("COGNITO_MIGRATE_CONFIG")
    result = runner.invoke(app, _args(name, tmp_path), input="pw\n")
    assert result.exit_code == 2, result.output
    assert "cognito-migrate.toml" in result.stderr


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_an_error_names_the_file_given_with_config_and_stdout_stays_clean(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COGNITO_MIGRATE_CONFIG", str(tmp_path / "from-env.toml"))
    given = tmp_path / "given.toml"
    given.write_text('[store]\ntype = "sql"\nurl = "sqlite:///legacy.db"\npreset = "django"\n[pool]\ncase_sensitiv = true\n')
    result = runner.invoke(app, [*_args(name, tmp_path), "--config", str(given)], input="pw\n")
    assert result.exit_code == 2, result.output
    assert "given.toml" in result.stderr and "case_sensitiv" in result.stderr
    assert "from-env.toml" not in result.output and "COGNITO_MIGRATE_CONFIG" not in result.output
    assert result.stdout == ""  # nothing but the JSON document (here: none) ever goes to stdout


def test_a_missing_pool_names_the_config_key_unmangled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cognito-migrate.toml").write_text('[store]\ntype = "sql"\nurl = "sqlite:///legacy.db"\npreset = "django"\n')
    result = runner.invoke(app, ["export", "--out", str(tmp_path / "out"), "--json"])
    assert result.exit_code == 2, result.output
    assert "[pool] user_pool_id" in result.stderr and result.stdout == ""

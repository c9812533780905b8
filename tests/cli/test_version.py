"""``cognito-migrate --version`` prints the version the package declares (the one pyproject.toml builds)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from typer.testing import CliRunner

from cognito_migrate import __version__
from cognito_migrate.cli.app import app


def test_version_is_printed_and_matches_the_distribution() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"cognito-migrate {__version__}\n"
    pyproject = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["version"] == __version__


def test_commands_still_run_after_the_root_options() -> None:
    result = CliRunner().invoke(app, ["hash", "--help"])
    assert result.exit_code == 0
    assert "identify" in result.output

"""``cognito-migrate demo`` end to end, small: it must pass its own self-check and leave a usable config."""

from __future__ import annotations

from typing import TYPE_CHECKING

from typer.testing import CliRunner

from cognito_migrate.cli.app import app
from cognito_migrate.config import load_settings

if TYPE_CHECKING:
    from pathlib import Path


def test_the_demo_migrates_a_sample_and_every_answer_is_what_cognito_would_give(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--users", "120", "--sample", "60", "--keep", str(tmp_path)])

    assert result.exit_code == 0, result.output
    assert "answers are what Cognito would give" in result.output
    assert "Demo hash costs are lowered" in result.output
    for scheme in ("aspnet_identity_v3", "bcrypt", "django_pbkdf2_sha256"):
        assert f"migrating: {scheme}" in result.output
    assert "remain in the legacy store" in result.output
    settings = load_settings(tmp_path / "cognito-migrate.toml")
    assert settings.store.url == f"sqlite:///{tmp_path / 'legacy.db'}"

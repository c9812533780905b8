"""``[hashing] params`` that are secrets (issue 8, section 5): a reference, resolved once per container."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from cognito_migrate import hashing, secrets
from cognito_migrate.cli.app import app
from cognito_migrate.testing import LambdaContext, make_event
from tests.conftest import GOOD
from tests.legacy import AspNetUser, create_aspnet_sqlite

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from cognito_migrate.handler import Trigger

PEPPER = "p3pper-for-tests"


@pytest.fixture(autouse=True)
def _fresh_secrets(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TEST_PEPPER", PEPPER)
    secrets.clear_cache()
    yield
    secrets.clear_cache()


@pytest.fixture
def peppered_db(tmp_path: Path) -> str:
    stored = hashing.create("bcrypt", GOOD, cost={"rounds": 4}, params={"pepper": PEPPER})
    return create_aspnet_sqlite(str(tmp_path / "peppered.db"), [AspNetUser("pat", stored, email="pat@example.com")])


def test_a_pepper_given_as_a_reference_verifies_the_rows(
    make_trigger: Callable[..., Trigger], peppered_db: str
) -> None:
    trigger = make_trigger(
        peppered_db, hashing={"scheme": "bcrypt", "params": {"pepper": "env:TEST_PEPPER"}, "dummy_cost": {}}
    )
    response = trigger(make_event("pat", GOOD), LambdaContext())["response"]
    assert response["finalUserStatus"] == "CONFIRMED"


def _config(tmp_path: Path, url: str, pepper: str) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(
        f'[store]\ntype = "sql"\nurl = "{url}"\npreset = "aspnet_identity"\n\n'
        f'[hashing]\nscheme = "bcrypt"\nparams = {{ pepper = "{pepper}" }}\n'
    )
    return path


def test_config_validate_warns_of_a_pepper_in_clear_with_the_package_detector(tmp_path: Path, peppered_db: str) -> None:
    result = CliRunner().invoke(
        app, ["config", "validate", "-c", str(_config(tmp_path, peppered_db, PEPPER))], terminal_width=200
    )
    assert "hashing.params.pepper holds a secret in clear" in result.output
    assert PEPPER not in result.output
    clean = CliRunner().invoke(
        app, ["config", "validate", "-c", str(_config(tmp_path, peppered_db, "env:TEST_PEPPER"))], terminal_width=200
    )
    assert "no secret in clear" in clean.output


def test_config_validate_finds_a_password_in_a_url_option(tmp_path: Path, peppered_db: str) -> None:
    """``?password=`` used to pass as "no secret in clear"; the URL is unreachable, the warning still shows."""
    url = "postgresql://migrator@127.0.0.1:1/identity?password=s3cret"
    result = CliRunner().invoke(
        app, ["config", "validate", "-c", str(_config(tmp_path, url, "env:TEST_PEPPER"))], terminal_width=200
    )
    assert "store.url (a password in its URL option)" in result.output
    assert "s3cret" not in result.output

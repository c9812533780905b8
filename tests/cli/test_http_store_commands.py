"""``check``, ``config validate`` and ``package``'s extras for an ``http`` store, against the loopback legacy API."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from cognito_migrate import wiring
from cognito_migrate.cli.app import app
from cognito_migrate.config import settings_from_mapping
from tests.legacy_api import LegacyApi, running

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

runner = CliRunner()
GOOD = "Correct-Horse-9"


@pytest.fixture
def api() -> Iterator[LegacyApi]:
    users = {"alice": {"username": "alice", "password": GOOD, "email": "alice@example.com", "email_verified": True}}
    yield from running(LegacyApi(users))


def _config(url: str) -> str:
    return f"""
[store]
type = "http"
url = "{url}"

[hashing]
dummy_scheme = "bcrypt"
dummy_cost = {{ rounds = 4 }}
"""


def test_check_migrates_through_the_api_and_never_shows_the_password(
    api: LegacyApi, tmp_config: Callable[[str], Path]
) -> None:
    path = tmp_config(_config(api.url))
    result = runner.invoke(app, ["check", "alice", "-c", str(path), "--password-stdin"], input=GOOD + "\n")
    assert result.exit_code == 0, result.output
    assert '"finalUserStatus": "CONFIRMED"' in result.output
    assert GOOD not in result.output


def test_check_reports_the_api_being_down_as_an_outage(api: LegacyApi, tmp_config: Callable[[str], Path]) -> None:
    api.fault = "5xx"
    path = tmp_config(_config(api.url))
    result = runner.invoke(app, ["check", "alice", "-c", str(path), "--password-stdin"], input=GOOD + "\n")
    assert result.exit_code == 3
    assert "LEGACY_UNAVAILABLE" in result.output


def test_validate_calls_the_api_and_tells_when_it_is_down(api: LegacyApi, tmp_config: Callable[[str], Path]) -> None:
    path = tmp_config(_config(api.url))
    assert runner.invoke(app, ["config", "validate", "-c", str(path)]).exit_code == 0
    api.fault = "5xx"
    result = runner.invoke(app, ["config", "validate", "-c", str(path)])
    assert result.exit_code == 1
    assert "HTTP 503" in result.output


def test_validate_tells_a_misconfigured_http_store_in_one_line(tmp_config: Callable[[str], Path]) -> None:
    path = tmp_config(_config("ftp://legacy.example.com"))
    result = runner.invoke(app, ["config", "validate", "-c", str(path)])
    assert result.exit_code != 0
    [line] = [line for line in result.output.splitlines() if "store.url" in line]
    assert "expected an http:// or https:// URL" in line


def test_validate_names_an_unreachable_api_and_why_in_one_line(tmp_config: Callable[[str], Path]) -> None:
    api = LegacyApi({})
    api.stop()  # never started, now closed: its port refuses connections
    result = runner.invoke(app, ["config", "validate", "-c", str(tmp_config(_config(api.url)))])
    assert result.exit_code == 1
    [line] = [line for line in result.output.splitlines() if "legacy store" in line]
    port = api.url.split(":")[2].split("/")[0]
    assert f"the legacy API at localhost:{port} failed (connection refused)" in line
    assert "Traceback" not in result.output


def test_validate_says_in_one_line_that_the_api_refused_the_store_s_token(tmp_config: Callable[[str], Path]) -> None:
    api = LegacyApi({}, auth="Bearer right-token").start()  # the configuration sends no token
    try:
        result = runner.invoke(app, ["config", "validate", "-c", str(tmp_config(_config(api.url)))])
    finally:
        api.stop()
    assert result.exit_code == 1
    [line] = [line for line in result.output.splitlines() if "legacy store" in line]
    assert "refused the store's credentials (HTTP 401): check [store.http] token" in line


def test_audit_says_in_one_line_that_an_http_store_cannot_be_listed(
    api: LegacyApi, tmp_config: Callable[[str], Path]
) -> None:
    result = runner.invoke(app, ["audit", "-c", str(tmp_config(_config(api.url)))])
    assert result.exit_code == 2
    [line] = [line for line in result.output.splitlines() if "http store" in line]
    assert "an http store cannot be audited: neither contract lists users" in line
    assert api.requests == []  # refused before any call


def test_an_http_store_needs_no_extra() -> None:
    """The store is standard library only: ``package`` adds nothing for it (bcrypt is in the core)."""
    data = {"store": {"type": "http", "url": "https://legacy.example.com/auth"}, "hashing": {"dummy_scheme": "bcrypt"}}
    assert wiring.required_extras(settings_from_mapping(data, environ={})) == set()

"""``check``, ``config validate``, ``audit`` and ``package``'s extras for an ``ldap`` store, against a real slapd."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from cognito_migrate import wiring
from cognito_migrate.cli.app import app
from cognito_migrate.config import settings_from_mapping
from tests.ldap_server import GOOD, SEARCH_DN, SEARCH_PASSWORD, Directory, free_port, running_directory

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

pytestmark = [pytest.mark.slow, pytest.mark.ldap]
runner = CliRunner()


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Directory]:
    yield from running_directory(tmp_path_factory.mktemp("slapd"))


def _config(url: str, *, password: str = SEARCH_PASSWORD, base_dn: str = "ou=people,dc=example,dc=com",
            extra: str = "") -> str:  # fmt: skip
    return f"""
[store]
type = "ldap"
url = "{url}"

[store.ldap]
bind_dn = "{SEARCH_DN}"
bind_password = "{password}"
base_dn = "{base_dn}"
user_filter = "(uid={{username}})"
{extra}

[hashing]
dummy_scheme = "bcrypt"
dummy_cost = {{ rounds = 4 }}
"""


def test_check_migrates_through_the_directory_and_never_shows_the_password(
    directory: Directory, tmp_config: Callable[[str], Path]
) -> None:
    path = tmp_config(_config(directory.url))
    result = runner.invoke(app, ["check", "alice", "-c", str(path), "--password-stdin"], input=GOOD + "\n")
    assert result.exit_code == 0, result.output
    assert '"finalUserStatus": "CONFIRMED"' in result.output
    assert GOOD not in result.output


def test_check_reports_a_wrong_password_as_a_rejection(directory: Directory, tmp_config: Callable[[str], Path]) -> None:
    path = tmp_config(_config(directory.url))
    result = runner.invoke(app, ["check", "alice", "-c", str(path), "--password-stdin"], input="Wrong-Horse-9\n")
    assert result.exit_code not in (0, 3), result.output
    assert "wrong_password" in result.output


def test_validate_connects_and_passes(directory: Directory, tmp_config: Callable[[str], Path]) -> None:
    path = tmp_config(_config(directory.url))
    result = runner.invoke(app, ["config", "validate", "-c", str(path)])
    assert result.exit_code == 0, result.output
    assert "configuration is valid" in result.output


@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        ("password", "refused the search account's bind (invalidCredentials)"),
        ("base_dn", "base_dn 'ou=nowhere,dc=example,dc=com' does not exist"),
        ("port", "cannot reach the directory at 127.0.0.1:{port} (connection refused)"),
        ("host", "cannot reach the directory at nowhere.invalid:389 (host name not found)"),  # RFC 6761: no DNS
    ],
)
def test_validate_tells_a_misconfigured_directory_in_one_line(
    directory: Directory, tmp_config: Callable[[str], Path], problem: str, expected: str
) -> None:
    port = free_port()
    url = {"port": f"ldap://127.0.0.1:{port}", "host": "ldap://nowhere.invalid"}.get(problem, directory.url)
    password = "not-the-password" if problem == "password" else SEARCH_PASSWORD
    base_dn = "ou=nowhere,dc=example,dc=com" if problem == "base_dn" else "ou=people,dc=example,dc=com"
    path = tmp_config(_config(url, password=password, base_dn=base_dn))
    result = runner.invoke(app, ["config", "validate", "-c", str(path)])
    assert result.exit_code == 1
    [line] = [line for line in result.output.splitlines() if "✗" in line]
    assert "legacy store" in line
    assert expected.format(port=port) in line
    assert "not-the-password" not in result.output


def test_validate_refuses_a_bad_filter_and_url_before_connecting(tmp_config: Callable[[str], Path]) -> None:
    text = _config("https://directory.example.com").replace("(uid={username})", "uid={user}")
    result = runner.invoke(app, ["config", "validate", "-c", str(tmp_config(text))])
    assert result.exit_code == 1
    [line] = [line for line in result.output.splitlines() if "store.ldap.user_filter" in line]
    assert "{username}" in line


@pytest.mark.parametrize("verify", ["hash", "bind"])
def test_audit_reads_every_entry(directory: Directory, tmp_config: Callable[[str], Path], verify: str) -> None:
    """Hash mode counts the directory's schemes; bind mode has no hash to read, and says so."""
    path = tmp_config(_config(directory.url, extra=f'verify = "{verify}"'))
    result = runner.invoke(app, ["audit", "-c", str(path), "--json"])
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.output)
    assert report["users"] == 8
    expected = {"ldap_ssha": 7, "ldap_crypt": 1} if verify == "hash" else {"checked_by_store": 8}
    assert report["schemes"] == expected


def test_an_ldap_store_needs_the_ldap_extra() -> None:
    data = {"store": {"type": "ldap", "url": "ldaps://dc1.corp.example.com",
                      "ldap": {"bind_dn": SEARCH_DN, "bind_password": "env:BIND", "base_dn": "dc=corp,dc=example,dc=com",
                               "user_filter": "(sAMAccountName={username})"}},
            "hashing": {"dummy_scheme": "bcrypt"}}  # fmt: skip
    assert wiring.required_extras(settings_from_mapping(data, environ={})) == {"ldap", "phone"}

"""``check``, ``config validate``, ``audit`` and ``package``'s extras for a ``file`` store."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from cognito_migrate.cli.app import app
from tests.export_files import GOOD, auth0_users, ndjson, write

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

runner = CliRunner()


def _config(url: str, fmt: str = "auth0", extra: str = "") -> str:
    return f"""
[store]
type = "file"
url = "{url}"
{extra}

[store.file]
format = "{fmt}"

[hashing]
dummy_scheme = "bcrypt"
dummy_cost = {{ rounds = 4 }}

[logging]
username_hash_key = "file-store-test-key"
"""


def _users(tmp_path: Path) -> str:
    bad = '{"username": "broken", \n'
    return write(tmp_path / "users.json", ndjson(auth0_users()[:3]) + bad + ndjson(auth0_users()[3:]))


def test_check_migrates_from_the_file_and_never_shows_the_password(
    tmp_path: Path, tmp_config: Callable[[str], Path]
) -> None:
    path = tmp_config(_config(_users(tmp_path)))
    result = runner.invoke(app, ["check", "alice", "-c", str(path), "--password-stdin"], input=GOOD + "\n")
    assert result.exit_code == 0, result.output
    assert '"finalUserStatus": "CONFIRMED"' in result.output
    assert GOOD not in result.output


def test_validate_reads_the_file_and_reports_unreadable_lines_by_number(
    tmp_path: Path, tmp_config: Callable[[str], Path]
) -> None:
    path = tmp_config(_config(_users(tmp_path)))
    result = runner.invoke(app, ["config", "validate", "-c", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 unreadable line(s) skipped: line 4: not valid JSON" in result.output
    assert "broken" not in result.output


@pytest.mark.parametrize(
    "case",
    [
        (None, "", "", "No such file or directory"),  # no file at all
        ("users.csv", "login,hash\nann,$2b$04$x\n", "password_hash = \"hash\"",  # a CSV named as jsonl
         "the user file holds no readable user (2 unreadable line(s))"),
        ("users.jsonl", '{"login": "ann", "hash": "$2b$04$x"}\n', "password_hash = \"pasword\"",  # a typo
         "does not return: store.columns.password_hash = 'pasword'"),
    ],
)  # fmt: skip
def test_validate_tells_a_broken_file_store_in_one_line(
    case: tuple[str | None, str, str, str], tmp_path: Path, tmp_config: Callable[[str], Path]
) -> None:
    name, text, columns, problem = case
    url = write(tmp_path / name, text) if name else str(tmp_path / "gone.json")
    extra = f'columns = {{ username = "login", {columns} }}' if columns else ""
    path = tmp_config(_config(url, "jsonl" if columns else "auth0", extra))
    result = runner.invoke(app, ["config", "validate", "-c", str(path)], terminal_width=300)
    assert result.exit_code == 1
    [line] = [line for line in result.output.splitlines() if "legacy store" in line]
    assert problem in line


def test_audit_lists_every_user_and_counts_unreadable_lines(tmp_path: Path, tmp_config: Callable[[str], Path]) -> None:
    path = tmp_config(_config(_users(tmp_path)))
    result = runner.invoke(app, ["audit", "-c", str(path), "--json"])
    document = json.loads(result.stdout)
    assert document["users"] == 7  # six users and the unreadable line
    found = {p["kind"]: p for p in document["problems"]}
    assert found["unreadable_row"]["details"] == {"line 4: not valid JSON": 1}
    assert found["disabled_or_locked"]["count"] == 1  # bob is blocked
    assert document["schemes"]["bcrypt"] == 5
    assert "alice" not in result.stdout


def test_package_includes_a_local_file_and_needs_nothing_for_an_s3_one(tmp_path: Path) -> None:
    """A relative path travels in the zip beside the configuration; an s3:// object is read with the runtime's
    boto3 (``package`` refuses to add it)."""
    from cognito_migrate.deploy.packaging import build

    columns = 'columns = { username = "u", password_hash = "p" }'
    write(tmp_path / "users.jsonl", ndjson([{"u": "ann", "p": "$2b$04$" + "x" * 53}]))
    local = tmp_path / "local.toml"
    local.write_text(_config("users.jsonl", "jsonl", columns).replace('"file-store-test-key"', '"env:HASH_KEY"'))
    result = build(local, tmp_path / "out-local", installer=lambda *a, **k: None, census=False)
    assert result.included_files == ("users.jsonl",)
    assert result.extras == ()
    s3 = tmp_path / "s3.toml"
    s3.write_text(local.read_text().replace('"users.jsonl"', '"s3://legacy-exports/users.jsonl"'))
    result = build(s3, tmp_path / "out-s3", installer=lambda *a, **k: None, census=False)
    assert result.included_files == ()
    assert result.extras == ()


def test_check_loads_the_file_before_the_sign_in_it_checks(tmp_path: Path, tmp_config: Callable[[str], Path]) -> None:
    """A command can wait for a big file: the sign-in it shows is a loaded container's (no `load` lap), never
    "still loading" for a file that takes longer than an invocation's deadline."""
    path = tmp_config(_config(_users(tmp_path)))
    result = runner.invoke(app, ["check", "alice", "-c", str(path), "--password-stdin", "--json"], input=GOOD + "\n")
    document = json.loads(result.stdout)
    assert document["outcome"] == "MIGRATED"
    assert "lookup" in document["latency_ms"]
    assert "load" not in document["latency_ms"]

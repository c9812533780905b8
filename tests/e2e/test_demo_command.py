"""``cognito-migrate demo`` end to end, small: it must pass its own self-check and leave a usable config."""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import textwrap
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from cognito_migrate.cli.app import app
from cognito_migrate.cli.demo_data import make_population
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
    # the end of the migration: the rest exported, imported by the local Cognito's jobs, one reset and sign-in
    assert "Every legacy user is in the pool or listed apart with the reason." in result.output
    assert "An imported user reset the password with a code and signed in." in result.output
    (export_dir,) = tmp_path.glob("export-*")
    (csv_file,) = export_dir.glob("cognito-import-*.csv")
    exported = len(csv_file.read_text(encoding="utf-8").splitlines()) - 1  # the header line
    assert exported > 0
    assert f"│ exported to import CSV files        │ {exported:>5} │" in result.output
    assert f"│ imported (RESET_REQUIRED)           │ {exported:>5} │" in result.output


def test_the_end_of_the_migration_adds_up_only_when_every_user_is_accounted_for() -> None:
    from cognito_migrate.cli.demo_end import EndOfMigration

    good = EndOfMigration(
        legacy_users=10, in_pool_before=3, exported=5, not_importable={"disabled": 2}, imported=5,
        skipped=0, failed=0, in_pool_after=8, imported_user_signed_in=True,
    )  # fmt: skip
    assert good.consistent
    from dataclasses import replace

    assert not replace(good, imported=4, in_pool_after=7).consistent  # an import job lost a user
    assert not replace(good, exported=4).consistent  # a legacy user neither exported nor listed apart
    assert not replace(good, failed=1).consistent
    assert not replace(good, in_pool_after=9).consistent
    assert not replace(good, imported_user_signed_in=False).consistent
    assert replace(good, imported_user_signed_in=None).consistent  # nobody suitable to try


@pytest.mark.parametrize("value", ["0", "9", "-5", "50001", "99999999999999999999", "many"])
def test_a_bad_user_count_is_one_clear_error(value: str) -> None:
    # 99999999999999999999 used to be accepted: the demo then tried to build that many users
    result = CliRunner().invoke(app, ["demo", "--users", value])

    assert result.exit_code == 2
    assert "Invalid value for '--users'" in result.output
    assert "Traceback" not in result.output


def test_keep_on_a_file_is_one_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "a-file[bold]"  # a path is printed as it is: rich markup must not eat "[bold]"
    target.write_text("")

    result = CliRunner().invoke(app, ["demo", "--users", "10", "--keep", str(target)])

    assert result.exit_code == 2
    assert f"--keep {target}" in result.output
    assert "Traceback" not in result.output


def test_without_keep_the_demo_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    result = CliRunner().invoke(app, ["demo", "--users", "30", "--sample", "10"])

    assert result.exit_code == 0, result.output
    assert list(tmp_path.iterdir()) == []  # the legacy database (real hashes) used to stay in /tmp


# Packages of the other extras and of the dev tools: the demo must not need any of them. (phonenumbers is
# in the local extra: the trigger validates every phone number with it.)
NOT_IN_THE_LOCAL_EXTRA = (
    "psycopg2", "psycopg", "pymysql", "pytds", "argon2", "django", "passlib", "flask",
    "sqlalchemy", "cfnlint", "samtranslator", "mypy_boto3_cognito_idp", "pytest",
)  # fmt: skip

RUN_DEMO_OFFLINE = textwrap.dedent(
    """
    import socket, sys

    BLOCKED = set(sys.argv[1].split(","))

    class Blocker:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"No module named {name!r} (not in the local extra)", name=name)
            return None

    sys.meta_path.insert(0, Blocker())
    for name in list(sys.modules):
        if name.split(".")[0] in BLOCKED:
            del sys.modules[name]

    real_connect = socket.socket.connect

    def loopback_only(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if host not in ("127.0.0.1", "::1", "localhost"):
            raise OSError(f"network access attempted: {address!r}")
        return real_connect(self, address)

    socket.socket.connect = loopback_only
    sys.argv = ["cognito-migrate", "demo", *sys.argv[2:]]
    from cognito_migrate.cli import main
    main()
    """
)


def test_the_demo_needs_only_the_local_extra_and_no_network_and_prints_no_password(tmp_path: Path) -> None:
    args = ["--users", "150", "--sample", "60", "--seed", "11"]
    result = subprocess.run(
        [sys.executable, "-c", RUN_DEMO_OFFLINE, ",".join(NOT_IN_THE_LOCAL_EXTRA), *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "COLUMNS": "200"},
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "answers are what Cognito would give" in output
    assert "network access attempted" not in output
    population = make_population(150, random.Random(11))
    leaked = [u.username for u in population if u.password in output]
    assert leaked == []

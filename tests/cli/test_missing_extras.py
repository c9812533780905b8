"""Commands whose extra is not installed say which one, with the whole ``pip install`` line, never a traceback."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path

# Runs the CLI with some top-level packages made unimportable, as in an installation without their extra.
WITHOUT = textwrap.dedent(
    """
    import sys

    BLOCKED = set(sys.argv[1].split(","))

    class Blocker:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, Blocker())
    sys.argv = ["cognito-migrate", *sys.argv[2:]]
    from cognito_migrate.cli import main
    main()
    """
)


@pytest.mark.parametrize("command", [["serve", "-c", "{config}"], ["demo", "--users", "10", "--sample", "5"]])
def test_serve_and_demo_without_the_local_extra_name_it(tmp_path: Path, command: list[str]) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[store]\ntype = "sql"\nurl = "sqlite:///x.db"\npreset = "django"\n')
    args = [a.format(config=config) for a in command]
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT, "moto,werkzeug", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "60"},
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "pip install 'cognito-migrate[local]'" in result.stderr  # whole: brackets and all, on one line
    assert "moto" in result.stderr


def test_validate_prints_the_whole_pip_line_for_missing_extras(tmp_path: Path) -> None:
    """rich used to eat '[mysql,phone]' as markup, printing `pip install 'cognito-migrate'`."""
    config = tmp_path / "c.toml"
    config.write_text('[store]\ntype = "sql"\nurl = "mysql://u@127.0.0.1:1/app"\npreset = "aspnet_identity"\n')
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT, "pymysql,phonenumbers", "config", "validate", "-c", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "60"},
    )
    assert result.returncode == 1
    assert "pip install 'cognito-migrate[mysql,phone]'" in result.stdout

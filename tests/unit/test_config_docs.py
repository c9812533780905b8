"""docs/configuration.md's key tables are generated from the schema and checked in: they must be current."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from cognito_migrate.config import Settings, env_override_names
from cognito_migrate.config_docs import PAGE, main, render, sections
from cognito_migrate.config_schema import Nested, walk

if TYPE_CHECKING:
    from pathlib import Path


def test_checked_in_page_is_current() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert text == render(text), "run: python -m cognito_migrate.config_docs"


def test_every_key_and_variable_is_on_the_page() -> None:
    text = PAGE.read_text(encoding="utf-8")
    for path, key in walk(Settings):
        if len(path) > 1 and not isinstance(key.kind, Nested):
            assert f"| `{'.'.join(path[1:])}` |" in text
    for variable in env_override_names():
        assert f"| `{variable}` |" in text
    assert set(sections()) == {
        "store",
        "hashing",
        "pool",
        "policy",
        "trigger",
        "mapping",
        "logging",
        "ledger",
        "throttle",
        "groups",
    }


def test_a_section_without_its_block_is_refused() -> None:
    text = PAGE.read_text(encoding="utf-8").replace("<!-- keys: logging -->", "")
    with pytest.raises(ValueError, match="no block for: logging"):
        render(text)


def test_check_mode(tmp_path: Path) -> None:
    target = tmp_path / "configuration.md"
    target.write_text(PAGE.read_text(encoding="utf-8").replace("| `url` |", "| `uri` |"), encoding="utf-8")
    assert main(["--check", "--output", str(target)]) == 1
    assert main(["--output", str(target)]) == 0
    assert main(["--check", "--output", str(target)]) == 0
    assert "| `url` |" in target.read_text(encoding="utf-8")

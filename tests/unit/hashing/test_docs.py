"""docs/hashes.md is generated from the code and checked in: it must be up to date."""

from __future__ import annotations

from pathlib import Path

from cognito_migrate.hashing import SCHEMES, CostLimits
from cognito_migrate.hashing._docs import LIMIT_DOCS, main, render

PAGE = Path(__file__).resolve().parents[3] / "docs" / "hashes.md"


def test_checked_in_page_is_current() -> None:
    assert PAGE.read_text(encoding="utf-8") == render(), "run: python -m cognito_migrate.hashing._docs"


def test_every_scheme_and_limit_is_documented() -> None:
    text = render()
    for scheme in SCHEMES:
        assert f"### {scheme}\n" in text
    assert set(LIMIT_DOCS) == set(CostLimits._fields)


def test_check_mode(tmp_path: Path) -> None:
    target = tmp_path / "hashes.md"
    assert main(["--check", "--output", str(target)]) == 1
    assert main(["--output", str(target)]) == 0
    assert main(["--check", "--output", str(target)]) == 0

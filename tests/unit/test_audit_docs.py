"""docs/audit.md lists every problem kind from the code, and the README leads to it."""

from __future__ import annotations

from pathlib import Path

from cognito_migrate.audit.kinds import BEGIN, DESCRIPTIONS, Kind, with_table

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "audit.md"


def test_the_kinds_table_is_current() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert BEGIN in text
    assert text == with_table(text), "run: python -m cognito_migrate.audit.kinds docs/audit.md"


def test_every_kind_is_described_and_named_as_the_issue_asks() -> None:
    assert set(DESCRIPTIONS) == set(Kind)
    assert {k.value for k in Kind} >= {
        "unsupported_hash", "over_cost_limit", "unmappable_attribute", "case_collision", "duplicate_email",
        "email_shaped_username", "no_recovery_channel", "disabled_or_locked", "unindexed_lookup", "missing_extra",
    }  # fmt: skip


def test_the_readme_links_the_audit_guide() -> None:
    assert "(docs/audit.md)" in (ROOT / "README.md").read_text(encoding="utf-8")

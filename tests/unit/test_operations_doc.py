"""docs/operations.md lists every metric the trigger emits and every key of ``status --json``."""

from __future__ import annotations

import re
from pathlib import Path

from cognito_migrate.ledger.progress import summarize
from cognito_migrate.observability import METRICS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text(encoding="utf-8")


def _table_keys(after_heading: str) -> set[str]:
    section = DOC.split(after_heading, 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(\w+)` \|", section, flags=re.M))


def test_every_metric_is_explained() -> None:
    assert _table_keys("## The dashboard and the metrics") == set(METRICS)


def test_every_status_json_key_is_explained() -> None:
    keys = {*summarize([]).to_json(), "user_pool_id", "notes"}
    assert _table_keys("## Watching progress") == keys

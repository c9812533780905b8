"""ListUsers pacing under Cognito's quota, and the import's state file."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from cognito_migrate.bulk.importer import STATE_FILE, FileJob, ImportJobError, ImportState
from cognito_migrate.bulk.pool import LIST_USERS_PER_SECOND, QUOTA_SHARE, Pacer

if TYPE_CHECKING:
    from pathlib import Path


def test_the_pacer_spaces_calls_to_the_rate() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 6))
        now[0] += seconds

    pacer = Pacer(LIST_USERS_PER_SECOND * QUOTA_SHARE, clock=lambda: now[0], sleep=sleep)
    for _ in range(4):
        pacer.wait()
    assert slept == [round(1 / 24, 6)] * 3  # 24 calls a second: 80% of ListUsers' 30

    now[0] += 10  # an idle pacer does not sleep
    pacer.wait()
    assert len(slept) == 3


def test_the_state_file_round_trips_and_belongs_to_one_pool(tmp_path: Path) -> None:
    state = ImportState("eu-west-1_AAA", {"cognito-import-0001.csv": FileJob("import-1", uploaded=True)})
    state.save(tmp_path)
    assert ImportState.load(tmp_path, "eu-west-1_AAA") == state
    with pytest.raises(ImportJobError, match="eu-west-1_AAA, not eu-west-1_BBB"):
        ImportState.load(tmp_path, "eu-west-1_BBB")
    (tmp_path / STATE_FILE).write_text("{", encoding="utf-8")
    with pytest.raises(ImportJobError, match="cannot be read"):
        ImportState.load(tmp_path, "eu-west-1_AAA")

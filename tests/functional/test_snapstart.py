"""Lambda SnapStart: an environment restored from a snapshot answers like a fresh one (docs/deploy.md)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from typing import TYPE_CHECKING

import pytest

from cognito_migrate import handler
from cognito_migrate.handler import lambda_handler
from cognito_migrate.testing import LambdaContext, make_event
from tests.conftest import GOOD

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def restored_from_an_old_snapshot(aspnet_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A container whose init (and first trigger, with its open connection) happened an hour before."""
    config = tmp_path / "c.toml"
    config.write_text(f'[store]\ntype = "sql"\nurl = "{aspnet_db}"\npreset = "aspnet_identity"\n')
    monkeypatch.setenv("COGNITO_MIGRATE_CONFIG", str(config))
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "migrate-user")
    monkeypatch.setattr(handler, "_trigger", None)
    monkeypatch.setattr(handler, "_LOADED_AT", time.monotonic() - 3600)


def test_without_the_restore_hook_the_snapshots_init_clock_spends_the_whole_budget(
    restored_from_an_old_snapshot: None,
) -> None:
    with pytest.raises(handler.TriggerFailure):
        lambda_handler(make_event("alice", GOOD), LambdaContext())


def test_after_restore_the_first_invocation_has_its_budget_and_a_new_trigger(
    restored_from_an_old_snapshot: None,
) -> None:
    handler._trigger = handler.make_handler(handler.load_settings())  # built (and connected) before the snapshot
    snapshotted = handler._trigger

    handler.after_restore()

    assert lambda_handler(make_event("alice", GOOD), LambdaContext())["response"]["finalUserStatus"] == "CONFIRMED"
    assert handler._trigger is not snapshotted


def test_the_hook_is_registered_only_when_lambda_initializes_for_a_snapshot(tmp_path: Path) -> None:
    fake_runtime = tmp_path / "snapshot_restore_py.py"
    fake_runtime.write_text("hooks = []\ndef register_after_restore(fn):\n    hooks.append(fn)\n")
    code = textwrap.dedent(
        """
        import snapshot_restore_py, cognito_migrate.handler as h
        print([f.__name__ for f in snapshot_restore_py.hooks])
        """
    )
    runs = {}
    for init_type in ("snap-start", "on-demand"):
        path = os.pathsep.join(p for p in (str(tmp_path), os.environ.get("PYTHONPATH", "")) if p)
        env = dict(os.environ, PYTHONPATH=path, AWS_LAMBDA_INITIALIZATION_TYPE=init_type)
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
        runs[init_type] = done.stdout.strip()

    assert runs == {"snap-start": "['after_restore']", "on-demand": "[]"}

"""Lambda's init phase loads an export file before the first sign-in (handler._initialize), in a fresh process
as Lambda imports the handler; with SnapStart the loaded index is kept across a restore (docs/deploy.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from typing import TYPE_CHECKING, Any

from cognito_migrate import handler
from cognito_migrate.testing import LambdaContext, make_event
from tests.conftest import GOOD
from tests.export_files import auth0_users, ndjson, write

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

# A container's life: Lambda imports the handler (the init phase), then invokes it. The child prints one JSON
# line of its own after the trigger's log lines.
CONTAINER = textwrap.dedent(
    """
    import json, sys
    import cognito_migrate.handler as h
    from cognito_migrate.testing import LambdaContext, make_event

    at_import = {"store": h._store is not None, "loaded": getattr(h._store, "loaded", None),
                 "settings": h._settings is not None}
    if sys.argv[1] == "restore":
        import snapshot_restore_py
        [hook] = snapshot_restore_py.hooks
        hook()
    answer = h.lambda_handler(make_event("alice", "Correct-Horse-9"), LambdaContext())
    shared = h._trigger._service.store is h._store
    print(json.dumps({**at_import, "status": answer["response"]["finalUserStatus"], "shared": shared}))
    """
)


def _container(tmp_path: Path, config: dict[str, Any], init_type: str | None, mode: str = "plain") -> Any:
    """(what the child printed last, its trigger's log lines) for a container run with ``init_type``."""
    path = tmp_path / "config.json"  # as `cognito-migrate package` deploys it
    path.write_text(json.dumps(config))
    fake_runtime = tmp_path / "snapshot_restore_py.py"  # what the Lambda runtime ships for SnapStart
    fake_runtime.write_text("hooks = []\ndef register_after_restore(fn):\n    hooks.append(fn)\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_LAMBDA_")}
    env.update(
        COGNITO_MIGRATE_CONFIG=str(path),
        AWS_LAMBDA_FUNCTION_NAME="migrate-user",
        PYTHONPATH=os.pathsep.join(p for p in (str(tmp_path), os.environ.get("PYTHONPATH", "")) if p),
    )
    if init_type is not None:
        env["AWS_LAMBDA_INITIALIZATION_TYPE"] = init_type
    done = subprocess.run(
        [sys.executable, "-c", CONTAINER, mode], env=env, capture_output=True, text=True, check=True, timeout=60
    )
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return lines[-1], lines[:-1]


def _file_config(tmp_path: Path, url: str | None = None) -> dict[str, Any]:
    return {
        "store": {"type": "file", "url": url or write(tmp_path / "users.json", ndjson(auth0_users())),
                  "file": {"format": "auth0"}},
        "hashing": {"dummy_scheme": "bcrypt", "dummy_cost": {"rounds": 4}},
    }  # fmt: skip


def _migration(log: list[dict[str, Any]]) -> dict[str, Any]:
    [line] = [line for line in log if line.get("message") == "migration"]
    return line


def test_a_file_store_is_loaded_at_import_and_the_first_sign_in_does_not_load(tmp_path: Path) -> None:
    result, log = _container(tmp_path, _file_config(tmp_path), "on-demand")

    assert result == {"store": True, "loaded": True, "settings": True, "status": "CONFIRMED", "shared": True}
    [prepared] = [line for line in log if line.get("message") == "store prepared during init"]
    assert prepared["init_type"] == "on-demand"
    assert "problem" not in prepared
    migration = _migration(log)
    assert migration["cold_start"] is True
    assert "load" not in migration["latency_ms"]  # the load was the init's, not this sign-in's


def test_outside_lambda_s_init_the_import_loads_nothing_and_the_first_sign_in_loads(tmp_path: Path) -> None:
    result, log = _container(tmp_path, _file_config(tmp_path), None)

    assert result == {"store": False, "loaded": None, "settings": False, "status": "CONFIRMED", "shared": False}
    assert "load" in _migration(log)["latency_ms"]


def test_a_sql_store_is_not_opened_during_the_init(tmp_path: Path, aspnet_db: str) -> None:
    config = {"store": {"type": "sql", "url": aspnet_db, "preset": "aspnet_identity"}}
    result, log = _container(tmp_path, config, "on-demand")

    assert result["store"] is False  # no store, no connection: the first invocation opens it, as before
    assert result["settings"] is True  # read once, during the init, and used by the first invocation
    assert result["status"] == "CONFIRMED"
    assert not [line for line in log if line.get("message") == "store prepared during init"]


def test_a_broken_configuration_fails_no_init_and_the_first_sign_in_says_why(tmp_path: Path) -> None:
    config = {"store": {"type": "file", "url": "users.json"}}  # no format
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    code = "import cognito_migrate.handler as h; print(h._settings, h._store)"
    env = dict(os.environ, COGNITO_MIGRATE_CONFIG=str(path), AWS_LAMBDA_INITIALIZATION_TYPE="on-demand")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["None", "None"]


def test_snapstart_keeps_the_loaded_index_across_a_restore_and_the_first_sign_in_does_not_load(
    tmp_path: Path,
) -> None:
    result, log = _container(tmp_path, _file_config(tmp_path), "snap-start", mode="restore")

    assert result == {"store": True, "loaded": True, "settings": True, "status": "CONFIRMED", "shared": True}
    assert "load" not in _migration(log)["latency_ms"]


def test_snapstart_fetches_no_secret_for_the_file_s_location_before_the_snapshot(tmp_path: Path) -> None:
    config = _file_config(tmp_path, url="ssm:/legacy/export-location")
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    code = "import cognito_migrate.handler as h, cognito_migrate.secrets as s; print(h._store, s._cache)"
    env = dict(os.environ, COGNITO_MIGRATE_CONFIG=str(path), AWS_LAMBDA_INITIALIZATION_TYPE="snap-start")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(tmp_path), os.environ.get("PYTHONPATH", "")) if p)
    (tmp_path / "snapshot_restore_py.py").write_text("def register_after_restore(fn):\n    pass\n")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["None", "{}"]


def test_a_load_cut_short_by_the_init_s_time_is_carried_on_by_the_sign_ins(tmp_path: Path) -> None:
    # the init's budget already spent when the load starts (as if the imports had taken it): one step is read,
    # the load stops, and the first sign-in carries it on
    code = CONTAINER.replace("import cognito_migrate.handler as h", textwrap.dedent(
        """
        import time, cognito_migrate.stores.base as base
        real = base.UserStore.prepare
        def late(self, deadline):
            from cognito_migrate.models import Deadline
            return real(self, Deadline(0.0001))
        base.UserStore.prepare = late
        import cognito_migrate.handler as h
        base.UserStore.prepare = real
        """))  # fmt: skip
    path = tmp_path / "config.json"
    path.write_text(json.dumps(_file_config(tmp_path)))
    env = dict(os.environ, COGNITO_MIGRATE_CONFIG=str(path), AWS_LAMBDA_INITIALIZATION_TYPE="on-demand")
    done = subprocess.run([sys.executable, "-c", code, "plain"], env=env, capture_output=True, text=True, check=True)
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    result, log = lines[-1], lines[:-1]

    assert result["loaded"] is False
    assert result["status"] == "CONFIRMED"
    [prepared] = [line for line in log if line.get("message") == "store prepared during init"]
    assert prepared["level"] == "WARNING"
    assert "problem" in prepared
    assert "load" in _migration(log)["latency_ms"]


def test_an_environment_provisioned_ahead_of_traffic_has_its_whole_budget_at_its_first_sign_in(
    aspnet_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its init ended long before (hours, with provisioned concurrency): no sign-in waited for it."""
    config = tmp_path / "c.toml"
    config.write_text(f'[store]\ntype = "sql"\nurl = "{aspnet_db}"\npreset = "aspnet_identity"\n')
    monkeypatch.setenv("COGNITO_MIGRATE_CONFIG", str(config))
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "migrate-user")
    for init_type, answers in (("on-demand", False), ("provisioned-concurrency", True)):
        monkeypatch.setenv("AWS_LAMBDA_INITIALIZATION_TYPE", init_type)
        monkeypatch.setattr(handler, "_trigger", None)
        monkeypatch.setattr(handler, "_LOADED_AT", time.monotonic() - 3600)
        try:
            answered = handler.lambda_handler(make_event("alice", GOOD), LambdaContext())["response"] is not None
        except handler.TriggerFailure:
            answered = False
        assert answered is answers, init_type

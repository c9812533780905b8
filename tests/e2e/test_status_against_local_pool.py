"""``status`` talks to the pool the way every pool command does: ``--user-pool-id`` or ``[pool]
user_pool_id``, boto3's credential chain and ``AWS_ENDPOINT_URL``, here pointed at the local Cognito."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from cognito_migrate.cli.app import app
from tests.ledger_support import HASH_KEY
from tests.legacy import AspNetUser, create_aspnet_sqlite

if TYPE_CHECKING:
    from pathlib import Path

    from cognito_migrate.local import LocalCognito

runner = CliRunner()


@pytest.fixture
def pool(local: LocalCognito) -> str:
    pool_id, _ = local.create_pool_and_client("status-pool", trigger=None)
    api = local.client()
    for name in ("ann", "ben", "cid"):
        api.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS")
    return pool_id


def write_config(tmp_path: Path, pool_line: str = "") -> Path:
    create_aspnet_sqlite(str(tmp_path / "legacy.db"), [AspNetUser("ann", None), AspNetUser("ben", None)])
    path = tmp_path / "c.toml"
    path.write_text(
        f'[store]\ntype = "sql"\nurl = "sqlite:///legacy.db"\npreset = "aspnet_identity"\n[pool]\n{pool_line}\n'
        f'[ledger]\nurl = "sqlite:///ledger.db"\nhash_key = "{HASH_KEY}"\n'
    )
    return path


def test_the_pool_is_read_through_aws_endpoint_url(local: LocalCognito, pool: str, tmp_path: Path) -> None:
    env = {"AWS_ENDPOINT_URL": local.endpoint or ""}
    result = runner.invoke(
        app, ["status", "-c", str(write_config(tmp_path)), "--user-pool-id", pool, "--json"], env=env
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert (doc["user_pool_id"], doc["pool_users"]) == (pool, 3)


def test_the_pool_id_may_come_from_the_configuration(local: LocalCognito, pool: str, tmp_path: Path) -> None:
    config = write_config(tmp_path, f'user_pool_id = "{pool}"')
    result = runner.invoke(app, ["status", "-c", str(config), "--json"], env={"AWS_ENDPOINT_URL": local.endpoint or ""})
    assert json.loads(result.stdout)["pool_users"] == 3


def test_an_unreachable_pool_is_a_note_not_a_failure(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    env = {"AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_MAX_ATTEMPTS": "1"}
    result = runner.invoke(app, ["status", "-c", str(config), "--user-pool-id", "us-east-1_Nope", "--json"], env=env)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["pool_users"] is None
    assert any(note.startswith("pool not read") for note in doc["notes"])

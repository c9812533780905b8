"""``config validate`` with ``[pool] user_pool_id`` compares the mapped attributes with the pool, as ``doctor``
does: a mapped ``custom:`` attribute the pool lacks fails every migration in Cognito (issue 9 §2)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import boto3
import moto
import pytest
from typer.testing import CliRunner

from cognito_migrate.cli.app import app

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

REGION = "eu-west-1"


@pytest.fixture
def cognito(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with moto.mock_aws():
        yield boto3.client("cognito-idp", region_name=REGION)


def _pool_check(tmp_path: Path, pool_id: str) -> dict[str, str]:
    config = tmp_path / "c.toml"
    config.write_text(
        '[store]\ntype = "sql"\nurl = "sqlite:///legacy.db"\npreset = "django"\n'
        f'[pool]\nuser_pool_id = "{pool_id}"\n[mapping.attributes]\n"custom:legacy_id" = "id"\n'
    )
    result = CliRunner().invoke(app, ["config", "validate", "-c", str(config), "--json"])
    checks = {c["check"]: c for c in json.loads(result.stdout)["checks"]}
    return checks["pool attributes"]


def test_a_mapped_custom_attribute_the_pool_lacks_fails(cognito: Any, tmp_path: Path) -> None:
    pool_id = cognito.create_user_pool(PoolName="p")["UserPool"]["Id"]
    check = _pool_check(tmp_path, pool_id)
    assert check["status"] == "fail"
    assert "custom:legacy_id" in check["result"] and "add-custom-attributes" in check["result"]


def test_a_pool_that_declares_it_passes(cognito: Any, tmp_path: Path) -> None:
    schema = [{"Name": "legacy_id", "AttributeDataType": "String", "Mutable": True}]
    pool_id = cognito.create_user_pool(PoolName="p", Schema=schema)["UserPool"]["Id"]
    assert _pool_check(tmp_path, pool_id)["status"] == "ok"


def test_a_pool_that_cannot_be_read_is_a_warning(cognito: Any, tmp_path: Path) -> None:
    check = _pool_check(tmp_path, f"{REGION}_nope")
    assert check["status"] == "warn" and f"{REGION}_nope" in check["result"]

"""``config validate``, ``check``, ``audit`` and ``package``'s extras for a ``cognito`` store, against an old pool
on the session's local Cognito."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from typer.testing import CliRunner

from cognito_migrate import wiring
from cognito_migrate.cli.app import app
from tests.e2e.test_cognito_store import GOOD, OldPool

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from cognito_migrate.local import LocalCognito

runner = CliRunner()


def _config(old: OldPool, **cognito: str) -> str:
    keys = {"user_pool_id": old.pool_id, "client_id": old.client_id, "endpoint_url": old.endpoint, **cognito}
    lines = "\n".join(f'{k} = "{v}"' for k, v in keys.items())
    return f"""
[store]
type = "cognito"

[store.cognito]
{lines}

[pool]
case_sensitive = false
alias_attributes = ["email"]
"""


def test_validate_reads_the_old_pool_and_names_a_wrong_client_in_one_line(
    local: LocalCognito, tmp_config: Callable[[str], Path]
) -> None:
    old = OldPool(local)
    result = runner.invoke(app, ["config", "validate", "-c", str(tmp_config(_config(old)))])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["config", "validate", "-c", str(tmp_config(_config(old, client_id="nope")))])
    assert result.exit_code == 1
    [line] = [line for line in result.output.splitlines() if "app client nope" in line]
    assert "ResourceNotFoundException" in line


def test_check_migrates_from_the_old_pool_and_never_shows_the_password(
    local: LocalCognito, tmp_config: Callable[[str], Path]
) -> None:
    old = OldPool(local)
    old.add("ivan", given_name="Ivan")
    path = tmp_config(_config(old))
    result = runner.invoke(app, ["check", "ivan", "-c", str(path), "--password-stdin"], input=GOOD + "\n")
    assert result.exit_code == 0, result.output
    assert '"finalUserStatus": "CONFIRMED"' in result.output and '"given_name": "Ivan"' in result.output
    assert GOOD not in result.output
    wrong = runner.invoke(app, ["check", "ivan", "-c", str(path), "--password-stdin"], input="Wrong-Horse-9\n")
    assert wrong.exit_code != 0 and "wrong_password" in wrong.output


def test_audit_lists_every_user_of_the_old_pool(local: LocalCognito, tmp_config: Callable[[str], Path]) -> None:
    old = OldPool(local)
    for name in ("judy", "ken", "leo"):
        old.add(name)
    result = runner.invoke(app, ["audit", "-c", str(tmp_config(_config(old))), "--json"])
    assert result.exit_code in (0, 1), result.output
    assert json.loads(result.stdout)["users"] == 3


def test_a_cognito_store_adds_no_extra_to_the_package(local: LocalCognito, tmp_config: Callable[[str], Path]) -> None:
    """boto3 comes with the Lambda Python runtime: ``package`` must not add it (it refuses the ``aws`` extra)."""
    from cognito_migrate.config import load_settings
    from cognito_migrate.deploy.packaging import requirements_for

    settings = load_settings(tmp_config(_config(OldPool(local))), environ={})
    extras = wiring.required_extras(settings)
    assert "aws" not in extras
    requirements_for(extras)  # raises PackagingError for an extra the runtime provides


def test_serve_migrates_from_an_old_pool_served_elsewhere_with_its_groups(
    local: LocalCognito, tmp_config: Callable[[str], Path]
) -> None:
    """``serve`` in a child process, its new pool's trigger reading the old pool of this process's local Cognito."""
    import os
    import signal
    import subprocess
    import sys

    import boto3

    from tests.e2e.helpers import attributes, sign_in

    old = OldPool(local)
    old.add("olga", groups=("admins",), given_name="Olga")
    config = tmp_config(_config(old) + '\n[groups]\nmap = { "admins" = "Admins" }\n')
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    process = subprocess.Popen([sys.executable, "-m", "cognito_migrate.cli", "serve", "--config", str(config)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)  # fmt: skip
    try:
        assert process.stdout is not None
        line = json.loads(process.stdout.readline())
        cognito = boto3.client("cognito-idp", region_name=line["region"], endpoint_url=line["endpoint"])
        assert "AuthenticationResult" in sign_in(cognito, line["client_id"], "olga", GOOD)
        user = cognito.admin_get_user(UserPoolId=line["user_pool_id"], Username="olga")
        assert attributes(user)["given_name"] == "Olga"
        groups = cognito.admin_list_groups_for_user(UserPoolId=line["user_pool_id"], Username="olga")["Groups"]
        assert [g["GroupName"] for g in groups] == ["Admins"]
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)

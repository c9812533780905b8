"""``cognito-migrate serve`` as a user runs it: a child process, one JSON line, boto3, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from typing import TYPE_CHECKING

import boto3

from tests.e2e.helpers import sign_in
from tests.e2e.test_real_trigger import GOOD, legacy_users
from tests.legacy import create_aspnet_sqlite

if TYPE_CHECKING:
    from pathlib import Path


def test_serve_prints_the_endpoint_line_serves_our_trigger_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    url = create_aspnet_sqlite(str(tmp_path / "legacy.db"), legacy_users())
    config = tmp_path / "cognito-migrate.toml"
    config.write_text(
        f'[store]\ntype = "sql"\nurl = "{url}"\npreset = "aspnet_identity"\n\n'
        '[hashing]\ndummy_cost = { iterations = 1000, prf = "HMACSHA256" }\n'
    )
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    process = subprocess.Popen(
        [sys.executable, "-m", "cognito_migrate.cli", "serve", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = json.loads(process.stdout.readline())
        assert set(line) == {"endpoint", "region", "user_pool_id", "client_id"}
        assert line["endpoint"].startswith("http://127.0.0.1:")
        cognito = boto3.client("cognito-idp", region_name=line["region"], endpoint_url=line["endpoint"])

        assert "IdToken" in sign_in(cognito, line["client_id"], "alice", GOOD)["AuthenticationResult"]
        user = cognito.admin_get_user(UserPoolId=line["user_pool_id"], Username="alice")
        assert user["UserStatus"] == "CONFIRMED"
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr
    assert GOOD not in stderr

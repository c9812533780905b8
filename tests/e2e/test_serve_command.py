"""``cognito-migrate serve`` as a user runs it: a child process, one JSON line, boto3, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from tests.e2e.helpers import sign_in
from tests.e2e.test_real_trigger import GOOD, legacy_users
from tests.legacy import create_aspnet_sqlite

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_serve_prints_the_endpoint_line_serves_our_trigger_and_stops_on_ctrl_c(
    tmp_path: Path, stop: signal.Signals
) -> None:
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
        assert set(line) == {"endpoint", "region", "user_pool_id", "client_id", "local_token"}
        assert line["endpoint"].startswith("http://127.0.0.1:")
        cognito = boto3.client("cognito-idp", region_name=line["region"], endpoint_url=line["endpoint"])

        assert "IdToken" in sign_in(cognito, line["client_id"], "alice", GOOD)["AuthenticationResult"]
        user = cognito.admin_get_user(UserPoolId=line["user_pool_id"], Username="alice")
        assert user["UserStatus"] == "CONFIRMED"

        cognito.forgot_password(ClientId=line["client_id"], Username="alice")
        codes = f"{line['endpoint']}/_local/codes/{line['user_pool_id']}/alice"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(codes)  # noqa: S310 - loopback test endpoint
        assert refused.value.code == 401
        request = urllib.request.Request(codes, headers={"X-Local-Token": line["local_token"]})  # noqa: S310
        with urllib.request.urlopen(request) as response:  # noqa: S310 - loopback test endpoint
            assert len(json.load(response)["code"]) == 6
    finally:
        process.send_signal(stop)
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr  # SIGTERM used to kill it at once (-15)
    assert "stopped" in stderr
    assert GOOD not in stderr


def _config(tmp_path: Path) -> Path:
    url = create_aspnet_sqlite(str(tmp_path / "legacy.db"), legacy_users())
    config = tmp_path / "cognito-migrate.toml"
    config.write_text(f'[store]\ntype = "sql"\nurl = "{url}"\npreset = "aspnet_identity"\n')
    return config


def _serve(*args: str) -> Any:
    from typer.testing import CliRunner

    from cognito_migrate.cli.app import app

    return CliRunner().invoke(app, ["serve", *args])


def _flat(text: str) -> str:
    """stderr without rich's line wrapping."""
    return " ".join(text.split())


def test_a_bad_configuration_is_one_clear_error_and_nothing_on_stdout(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[store]\ntype = "sql"\n')  # no url

    result = _serve("--config", str(bad))

    assert result.exit_code == 2
    assert result.stdout == ""
    assert "configuration error" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_busy_port_is_one_clear_error_not_a_silent_exit(tmp_path: Path) -> None:
    config = _config(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        result = _serve("--config", str(config), "--port", str(port))

    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in _flat(result.stderr)
    assert "another program uses it" in _flat(result.stderr)


@pytest.mark.parametrize("port", ["70000", "-1"])
def test_a_port_out_of_range_is_refused_not_wrapped(tmp_path: Path, port: str) -> None:
    # 70000 used to bind port 4464 (70000 mod 65536) and -1 ended in an OverflowError traceback
    result = _serve("--config", str(_config(tmp_path)), "--port", port)

    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--port" in result.stderr


def test_an_unknown_region_is_refused_before_serving(tmp_path: Path) -> None:
    # moto answered every call with an HTTP 500 traceback page, and serve crashed creating the pool
    result = _serve("--config", str(_config(tmp_path)), "--region", "nowhere-1")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert "unknown region 'nowhere-1'" in _flat(result.stderr)

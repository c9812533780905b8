"""Small assertions shared by the end-to-end tests."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path


def error_of(call: Callable[[], Any]) -> tuple[str, str]:
    """(code, message) of the ClientError ``call`` raises."""
    with pytest.raises(ClientError) as info:
        call()
    error = info.value.response["Error"]
    return error["Code"], error["Message"]


def claims(token: str) -> dict[str, Any]:
    """The payload of a JWT, unverified (test_tokens.py checks the signatures against the served JWKS)."""
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


def attributes(user: dict[str, Any]) -> dict[str, str]:
    return {a["Name"]: a["Value"] for a in user.get("UserAttributes", user.get("Attributes", []))}


def sign_in(cognito: Any, client_id: str, username: str, password: str, **extra: Any) -> dict[str, Any]:
    result: dict[str, Any] = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
        **extra,
    )
    return result


@contextmanager
def serving(config: Path, **env: str) -> Iterator[tuple[Any, dict[str, Any]]]:
    """``cognito-migrate serve --config`` in a child process, as an app team runs it: (a boto3 client of the
    served local Cognito, the endpoint line it printed). Stops it with Ctrl-C and asserts a clean exit."""
    environ = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", **env}
    process = subprocess.Popen([sys.executable, "-m", "cognito_migrate.cli", "serve", "--config", str(config)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environ)  # fmt: skip
    try:
        assert process.stdout is not None
        line = json.loads(process.stdout.readline())
        yield boto3.client("cognito-idp", region_name=line["region"], endpoint_url=line["endpoint"]), line
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr

"""Where the trigger's own AWS calls find credentials: the environment, the container endpoint that a
SnapStart-restored function gets instead, and refreshing them before they expire or after AWS refuses them."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate.aws_credentials import (
    REFRESH_BEFORE,
    Credentials,
    CredentialSource,
    container_endpoint,
    find_credentials,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

TOKEN = "agent-token-123"


class _Agent(BaseHTTPRequestHandler):
    """A container credentials agent: credentials for the right Authorization header, 401 otherwise."""

    served: list[str | None]
    answer: dict[str, Any]

    def do_GET(self) -> None:
        self.served.append(self.headers.get("Authorization"))
        if self.headers.get("Authorization") != TOKEN:
            self.send_response(401)
            self.end_headers()
            return
        body = json.dumps(self.answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: Any) -> None:
        return


@pytest.fixture
def agent() -> Iterator[tuple[str, type[_Agent]]]:
    handler = type("Agent", (_Agent,), {"served": [], "answer": {}})
    handler.answer = {
        "AccessKeyId": "ASIACONTAINER",
        "SecretAccessKey": "container-secret",
        "Token": "container-session",
        "Expiration": "2099-01-01T00:00:00Z",
    }
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/2018-06-01/credentials", handler
    server.shutdown()
    server.server_close()


def test_the_environment_comes_first_and_does_not_expire() -> None:
    env = {"AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_SESSION_TOKEN": "tok"}
    assert find_credentials(environ=env) == Credentials("AKIAENV", "env-secret", "tok", None)


def test_a_snapstart_function_reads_the_container_endpoint_with_its_token(agent: Any) -> None:
    url, handler = agent
    found = find_credentials(environ={"AWS_CONTAINER_CREDENTIALS_FULL_URI": url, "AWS_CONTAINER_AUTHORIZATION_TOKEN": TOKEN})

    assert found is not None
    assert (found.access_key, found.secret_key, found.token) == ("ASIACONTAINER", "container-secret", "container-session")
    assert found.expires_at == 4070908800.0  # 2099-01-01T00:00:00Z
    assert handler.served == [TOKEN]


def test_the_token_can_come_from_a_file(agent: Any, tmp_path: Path) -> None:
    url, _handler = agent
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    env = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": url, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": str(token_file)}
    found = find_credentials(environ=env)
    assert found is not None
    assert found.access_key == "ASIACONTAINER"


def test_a_token_file_that_cannot_be_read_is_the_error_callers_handle(agent: Any, tmp_path: Path) -> None:
    """The ledger and the group step turn a ValueError into their own outage; an OSError escaped both."""
    url, handler = agent
    env = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": url, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": str(tmp_path / "gone")}
    with pytest.raises(ValueError, match=r"token file cannot be read \(FileNotFoundError\)"):
        find_credentials(environ=env)
    assert handler.served == []


def test_credentials_never_show_their_secret_or_token_in_a_repr() -> None:
    shown = repr(Credentials("AKIAENV", "env-secret", "session-tok", 1.0))
    assert "AKIAENV" in shown
    assert ("env-secret" in shown, "session-tok" in shown) == (False, False)  # never print the repr itself


def test_boto3_s_chain_failing_is_the_error_callers_handle(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """On a laptop (serve, check): a profile that does not exist, an expired SSO session."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    with pytest.raises(ValueError, match=r"boto3 found no usable credentials \(ProfileNotFound\)"):
        find_credentials()


def test_a_refusing_endpoint_is_an_error_that_names_no_secret(agent: Any) -> None:
    url, _handler = agent
    with pytest.raises(ValueError, match="HTTP 401") as caught:
        find_credentials(environ={"AWS_CONTAINER_CREDENTIALS_FULL_URI": url, "AWS_CONTAINER_AUTHORIZATION_TOKEN": "wrong-tok"})
    assert "wrong-tok" not in str(caught.value)


@pytest.mark.parametrize(
    "url",
    ["http://attacker.example/creds", "http://10.0.0.5/creds", "ftp://127.0.0.1/creds", "http:///creds"],
)
def test_the_token_is_never_sent_in_clear_off_the_host(url: str) -> None:
    with pytest.raises(ValueError, match="must be https"):
        container_endpoint({"AWS_CONTAINER_CREDENTIALS_FULL_URI": url})


@pytest.mark.parametrize(
    "url", ["https://creds.example/x", "http://127.0.0.1:9/x", "http://localhost/x", "http://169.254.170.23/v1/credentials"]
)
def test_https_loopback_and_the_agents_addresses_are_trusted(url: str) -> None:
    assert container_endpoint({"AWS_CONTAINER_CREDENTIALS_FULL_URI": url}) == url


def test_ecs_relative_uri_is_a_path_on_the_agent() -> None:
    assert container_endpoint({"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/creds/abc"}) == "http://169.254.170.2/v2/creds/abc"


def test_credentials_are_fetched_again_before_they_expire_and_after_a_refusal() -> None:
    now = [1000.0]
    issued: list[Credentials] = []

    def find(_timeout: float) -> Credentials:
        issued.append(Credentials(f"AK{len(issued)}", "s", "t", expires_at=now[0] + 3600))
        return issued[-1]

    source = CredentialSource(find, clock=lambda: now[0])
    first = source.get()
    assert source.get() is first  # held, not fetched per call
    now[0] += 3600 - REFRESH_BEFORE + 1  # within the refresh window
    second = source.get()
    assert second is not first
    source.forget()  # AWS said ExpiredToken
    assert source.get() is not second
    assert len(issued) == 3


def test_lambda_environment_credentials_are_not_fetched_again() -> None:
    calls: list[int] = []

    def find(_timeout: float) -> Credentials:
        calls.append(1)
        return Credentials("AK", "s")

    source = CredentialSource(find, clock=lambda: 1e12)
    source.get()
    source.get()
    assert calls == [1]


def test_finding_credentials_on_lambda_imports_no_boto3(agent: Any) -> None:
    url, _handler = agent
    code = (
        "import sys, os\n"
        "from cognito_migrate.aws_credentials import find_credentials\n"
        "assert find_credentials() is not None\n"
        "print('boto3' in sys.modules, 'botocore' in sys.modules)\n"
    )
    env = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": url, "AWS_CONTAINER_AUTHORIZATION_TOKEN": TOKEN, "PATH": ""}
    env["PYTHONPATH"] = ":".join(sys.path)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_a_fetch_waits_no_longer_than_the_caller_s_share_of_its_deadline() -> None:
    asked: list[float] = []

    def find(timeout: float) -> Credentials:
        asked.append(timeout)
        return Credentials("AK", "s", expires_at=0.0)  # expired at once: every get() fetches again

    source = CredentialSource(find, clock=lambda: 1e9)
    source.get(0.2)
    source.get(30.0)
    assert asked == [0.2, 1.0]  # the deadline's share, and never more than the endpoint's own bound


def test_an_endpoint_that_never_answers_is_an_error_after_the_timeout_given() -> None:
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection, never answers
    try:
        env = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": f"http://127.0.0.1:{silent.getsockname()[1]}/creds"}
        with pytest.raises(ValueError, match="did not answer"):
            find_credentials(0.1, environ=env)
    finally:
        silent.close()

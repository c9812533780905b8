"""Starting and stopping the local Cognito as a library: errors a caller can handle, never a process exit."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate.local import LocalCognito

if TYPE_CHECKING:
    from collections.abc import Iterator


def test_a_busy_port_raises_oserror_instead_of_exiting_the_process() -> None:
    # werkzeug's make_server prints a message and calls sys.exit(1) when the port is taken
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        local = LocalCognito(console=None)

        with pytest.raises(OSError, match="in use"):
            local.start("127.0.0.1", port)

    assert local.endpoint is None
    local.stop()  # nothing to stop: still fine


@pytest.mark.parametrize("port", [-1, 65536, 70000])
def test_a_port_outside_the_tcp_range_is_a_value_error(port: int) -> None:
    with pytest.raises(ValueError, match="0 to 65535"):
        LocalCognito(console=None).start("127.0.0.1", port)


def test_an_unknown_region_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown region 'mars-1'"):
        LocalCognito(region="mars-1")


def test_the_chosen_port_is_the_one_served() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    local = LocalCognito(console=None)
    try:
        assert local.start("127.0.0.1", port) == f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(f"{local.endpoint}/_local/health") as response:  # noqa: S310 - loopback
            assert json.load(response) == {"ok": True}
    finally:
        local.stop()


@pytest.fixture
def recorded() -> Iterator[tuple[LocalCognito, list[str]]]:
    lines: list[str] = []
    with LocalCognito(console=lines.append) as local:
        yield local, lines


def _post(endpoint: str, target: str, body: Any) -> tuple[int, dict[str, Any], dict[str, str]]:
    request = urllib.request.Request(  # noqa: S310 - loopback
        endpoint,
        data=json.dumps(body).encode(),
        headers={
            "X-Amz-Target": f"AWSCognitoIdentityProviderService.{target}",
            "Content-Type": "application/x-amz-json-1.1",
        },
    )
    try:
        with urllib.request.urlopen(request) as response:  # noqa: S310
            return response.status, json.load(response), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc), dict(exc.headers)


def test_an_unexpected_error_is_a_json_internal_error_without_the_request_on_the_console(
    recorded: tuple[LocalCognito, list[str]],
) -> None:
    local, lines = recorded
    pool_id, client_id = local.create_pool_and_client(trigger=None)
    assert local.endpoint is not None

    # AuthParameters must be a map; a list used to crash the layer into werkzeug's HTML 500 page
    status, body, headers = _post(
        local.endpoint,
        "InitiateAuth",
        {"ClientId": client_id, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": ["Canary-Secret-42"]},
    )

    assert status == 500
    assert body["__type"] == "InternalErrorException"
    assert headers["x-amzn-ErrorType"] == "InternalErrorException"
    assert any("internal error answering AWSCognitoIdentityProviderService.InitiateAuth" in line for line in lines)
    assert not any("Canary-Secret-42" in line for line in lines)
    assert pool_id


def _status_with_host(endpoint: str, host: str) -> int:
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(endpoint)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port)
    try:
        connection.request("GET", "/_local/health", headers={"Host": host})
        return connection.getresponse().status
    finally:
        connection.close()


def test_a_loopback_server_refuses_requests_for_other_host_names(local: LocalCognito) -> None:
    # DNS rebinding: a web page whose name now resolves to 127.0.0.1 sends its own name as Host
    assert local.endpoint is not None
    port = local.endpoint.rsplit(":", 1)[1]

    assert _status_with_host(local.endpoint, f"attacker.example:{port}") == 403
    assert _status_with_host(local.endpoint, f"127.0.0.1.attacker.example:{port}") == 403
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "LOCALHOST", "127.0.0.1"):
        assert _status_with_host(local.endpoint, host) == 200, host

"""The local Cognito as a server on a developer's machine (issue 8, section 6): only Cognito's JSON protocol,
no moto internals, bounded bodies, a token for the codes, and Cognito's limit on wrong confirmation codes."""

from __future__ import annotations

import http.client
import json
import socket
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from cognito_migrate.local.wsgi import MAX_BODY_BYTES
from tests.e2e.conftest import DictTrigger, LegacyUser
from tests.e2e.helpers import error_of

if TYPE_CHECKING:
    from cognito_migrate.local import LocalCognito


def _request(
    local: LocalCognito, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    parts = urlsplit(local.endpoint)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        payload = response.read()
        return response.status, json.loads(payload or b"{}")
    finally:
        connection.close()


def _pool_count(cognito: Any) -> int:
    return len(cognito.list_user_pools(MaxResults=60)["UserPools"])


def test_moto_internals_are_not_reachable(local: LocalCognito, cognito: Any) -> None:
    """A cross-site form POST to /moto-api/reset used to wipe every pool."""
    local.create_pool_and_client(trigger=None)
    before = _pool_count(cognito)
    status, _ = _request(local, "POST", "/moto-api/reset")
    assert status == 404
    assert _pool_count(cognito) == before
    assert _request(local, "GET", "/moto-api/data.json")[0] == 404


@pytest.mark.parametrize(
    ("method", "path", "body", "headers"),
    [
        ("GET", "/?Action=ListUserPools&MaxResults=10", b"", {}),
        (
            "POST",
            "/",
            b"Action=ListUserPools&MaxResults=10",
            {"Content-Type": "application/x-www-form-urlencoded"},
        ),
        ("POST", "/", b'{"MaxResults": 10}', {"Content-Type": "text/plain"}),  # a form can send text/plain
        (
            "POST",
            "/",
            b'{"MaxResults": 10}',
            {"Content-Type": "text/plain", "X-Amz-Target": "AWSCognitoIdentityProviderService.ListUserPools"},
        ),
        ("POST", "/", b'{"MaxResults": 10}', {"Content-Type": "application/x-amz-json-1.1"}),  # no target
    ],
    ids=["query-get", "query-form-post", "text-plain", "target-text-plain", "json-without-target"],
)
def test_only_the_cognito_json_protocol_is_answered(
    local: LocalCognito, method: str, path: str, body: bytes, headers: dict[str, str]
) -> None:
    local.create_pool_and_client(trigger=None)
    status, payload = _request(local, method, path, body, headers)
    assert status in (400, 404)
    assert "UserPools" not in payload


def test_the_json_protocol_still_serves_the_sdk_and_the_jwks(local: LocalCognito, cognito: Any) -> None:
    pool_id, _ = local.create_pool_and_client(trigger=None)
    assert _pool_count(cognito) >= 1
    status, jwks = _request(local, "GET", f"/{pool_id}/.well-known/jwks.json")
    assert status == 200
    assert jwks["keys"]


def test_a_body_over_the_cap_is_refused(local: LocalCognito) -> None:
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.X"}
    status, payload = _request(local, "POST", "/", b"{" + b" " * MAX_BODY_BYTES + b"}", headers)
    assert status == 413
    assert payload["__type"] == "SerializationException"


@pytest.mark.parametrize("length", ["-1", "abc", "1e3", "+5"])
def test_an_invalid_content_length_is_answered_at_once(local: LocalCognito, length: str) -> None:
    """``Content-Length: -1`` used to read until the client closed: the answer must come while it waits."""
    parts = urlsplit(local.endpoint)
    with socket.create_connection((parts.hostname or "", parts.port or 0), timeout=5) as raw:
        raw.sendall(
            (
                "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\n"
                "X-Amz-Target: AWSCognitoIdentityProviderService.ListUserPools\r\n"
                f"Content-Length: {length}\r\n\r\n{{}}"
            ).encode()
        )
        answer = raw.recv(4096)  # socket.timeout here: the worker is stuck reading
    assert answer.startswith(b"HTTP/1.1 400")


def _forgot(local: LocalCognito, cognito: Any) -> tuple[str, str, str]:
    trigger = DictTrigger({"carol": LegacyUser("old-Carol-1", email="carol@example.com")})
    pool_id, client_id = local.create_pool_and_client(trigger=trigger)
    cognito.forgot_password(ClientId=client_id, Username="carol")
    code = local.forgot_password_code(pool_id, "carol")
    assert code is not None
    return pool_id, client_id, code


def test_the_codes_need_the_token_printed_at_start(local: LocalCognito, cognito: Any, console_lines: list[str]) -> None:
    pool_id, _, code = _forgot(local, cognito)
    assert any(local.token in line and "X-Local-Token" in line for line in console_lines)
    path = f"/_local/codes/{pool_id}/carol"
    assert _request(local, "GET", path)[0] == 401
    assert _request(local, "GET", path, headers={"X-Local-Token": "guess"})[0] == 401
    assert _request(local, "GET", "/_local/invocations")[0] == 401
    assert _request(local, "GET", path, headers={"X-Local-Token": local.token}) == (200, {"code": code})
    assert _request(local, "GET", "/_local/health") == (200, {"ok": True})


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_wrong_codes_hit_cognitos_attempt_limit(local: LocalCognito, cognito: Any) -> None:
    """Five CodeMismatchException, then LimitExceededException, even for the right code."""
    _, client_id, code = _forgot(local, cognito)

    def confirm(value: str) -> tuple[str, str]:
        return error_of(
            lambda: cognito.confirm_forgot_password(
                ClientId=client_id, Username="carol", ConfirmationCode=value, Password="New-Carol-pw-1"
            )
        )

    for _ in range(5):
        assert confirm(_wrong(code))[0] == "CodeMismatchException"
    assert confirm(_wrong(code)) == ("LimitExceededException", "Attempt limit exceeded, please try after some time.")
    assert confirm(code)[0] == "LimitExceededException"


def test_an_unknown_user_reaches_the_same_limit(local: LocalCognito, cognito: Any) -> None:
    """With PreventUserExistenceErrors the limit must not tell an unknown user from a real one."""
    _, client_id = local.create_pool_and_client(trigger=None)
    answers = [
        error_of(
            lambda: cognito.confirm_forgot_password(
                ClientId=client_id, Username="ghost", ConfirmationCode="123456", Password="New-Ghost-pw-1"
            )
        )[0]
        for _ in range(6)
    ]
    assert answers == ["CodeMismatchException"] * 5 + ["LimitExceededException"]

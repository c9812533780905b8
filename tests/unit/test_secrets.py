"""Secret references: env vars, the Lambda secrets extension over local HTTP, and boto3 (against moto)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate import secrets
from cognito_migrate.errors import SecretResolutionError

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    secrets.clear_cache()
    yield
    secrets.clear_cache()


def test_plain_values_are_not_references() -> None:
    assert secrets.resolve("postgresql://db/app", environ={}) == "postgresql://db/app"


def test_env_reference() -> None:
    assert secrets.resolve("env:DB_PASSWORD", environ={"DB_PASSWORD": "s3cr3t"}) == "s3cr3t"
    with pytest.raises(SecretResolutionError, match="NOPE"):
        secrets.resolve("env:NOPE", environ={})


class _Extension(BaseHTTPRequestHandler):
    answers: dict[str, Any] = {}
    tokens: list[str] = []

    def do_GET(self) -> None:
        self.tokens.append(self.headers.get("X-Aws-Parameters-Secrets-Token", ""))
        body = json.dumps(self.answers.get(self.path.split("?")[0], {})).encode()
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def extension() -> Iterator[dict[str, str]]:
    server = HTTPServer(("127.0.0.1", 0), _Extension)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Extension.answers = {
        "/secretsmanager/get": {"SecretString": json.dumps({"username": "app", "password": "from-extension"})},
        "/systemsmanager/parameters/get": {"Parameter": {"Value": "param-value"}},
    }
    _Extension.tokens = []
    yield {"AWS_SESSION_TOKEN": "session-token", "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT": str(server.server_port)}
    server.shutdown()


def test_secrets_manager_through_the_extension_picks_a_json_field(extension: dict[str, str]) -> None:
    value = secrets.resolve("secretsmanager:arn:aws:secretsmanager:eu-west-1:1:secret:db#password", environ=extension)
    assert value == "from-extension"
    assert _Extension.tokens == ["session-token"]


def test_ssm_through_the_extension(extension: dict[str, str]) -> None:
    assert secrets.resolve("ssm:/legacy/db-url", environ=extension) == "param-value"


def test_resolution_is_cached_per_process(extension: dict[str, str]) -> None:
    for _ in range(3):
        secrets.resolve("ssm:/legacy/db-url", environ=extension)
    assert len(_Extension.tokens) == 1


def test_missing_json_field_is_a_clear_error(extension: dict[str, str]) -> None:
    with pytest.raises(SecretResolutionError, match="no field 'pwd'"):
        secrets.resolve("secretsmanager:db#pwd", environ=extension)


def test_boto3_fallback_outside_lambda(monkeypatch: pytest.MonkeyPatch) -> None:
    moto = pytest.importorskip("moto")
    import boto3

    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with moto.mock_aws():
        boto3.client("secretsmanager").create_secret(Name="legacy-db", SecretString="plain-secret")
        boto3.client("ssm").put_parameter(Name="/legacy/key", Value="k3y", Type="SecureString")
        assert secrets.resolve("secretsmanager:legacy-db", environ={}) == "plain-secret"
        assert secrets.resolve("ssm:/legacy/key", environ={}) == "k3y"
        with pytest.raises(SecretResolutionError, match="absent"):
            secrets.resolve("secretsmanager:absent", environ={})


def test_a_secret_arn_is_read_in_its_own_region(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default region is the caller's; a secret ARN in another region must still resolve."""
    moto = pytest.importorskip("moto")
    import boto3

    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with moto.mock_aws():
        arn = boto3.client("secretsmanager", region_name="eu-west-1").create_secret(
            Name="legacy-db", SecretString='{"password": "eu-secret"}'
        )["ARN"]
        param = boto3.client("ssm", region_name="ap-south-1")
        param.put_parameter(Name="/legacy/key", Value="k3y", Type="SecureString")
        assert secrets.resolve(f"secretsmanager:{arn}#password", environ={}) == "eu-secret"
        ssm_arn = "arn:aws:ssm:ap-south-1:123456789012:parameter/legacy/key"
        assert secrets.resolve(f"ssm:{ssm_arn}", environ={}) == "k3y"


def test_region_of_reads_arns_only() -> None:
    assert secrets.region_of("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf") == "eu-west-1"
    assert secrets.region_of("legacy-db") is None
    assert secrets.region_of("/legacy/key") is None

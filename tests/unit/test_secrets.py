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


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://migrator:s3cret@db/identity",
        "postgresql://:s3cret@db/identity",
        "postgresql://db/identity?password=s3cret",
        "postgresql://db/identity?sslmode=require&Password=s3cret",
        "postgresql://db/identity?pass%77ord=s3cret",
        "postgresql://db/identity?sslpassword=s3cret",
        "postgresql://db/identity?passfile=/var/task/pgpass",
        "mysql://migrator@db/identity?passwd=s3cret",
        "mysql://migrator@db/identity?password1=s3cret",
        "mssql://migrator@db/identity?PWD=s3cret",
        "mssql://db/identity?odbc_connect=DRIVER%3Dx%3BUID%3Dm%3BPWD%3Ds3cret",
    ],
)
def test_every_spelling_of_a_password_in_a_url_is_found(url: str) -> None:
    assert secrets.url_password(url) is not None
    assert secrets.in_clear({"store": {"url": url}}) == [f"store.url (a password in its {secrets.url_password(url)})"]


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://migrator@db/identity",
        "postgresql://migrator@db/identity?sslmode=verify-full&application_name=x",
        "postgresql://migrator:@db/identity",
        "mysql://migrator@db/identity?charset=utf8mb4&ssl_ca=/etc/ca.pem",
        "sqlite:///legacy.db",
        "secretsmanager:arn:aws:secretsmanager:eu-west-1:1:secret:db#url",
    ],
)
def test_a_url_without_a_password_is_clean(url: str) -> None:
    assert secrets.url_password(url) is None


def test_secret_hash_params_are_declared_params_of_a_scheme() -> None:
    from cognito_migrate import hashing

    documented = {name for info in hashing.SCHEMES.values() for name in info.params}
    assert documented >= secrets.SECRET_HASH_PARAMS
    declared = {name for info in hashing.SCHEMES.values() for name in info.secret_params}
    assert declared <= secrets.SECRET_HASH_PARAMS  # what the catalogue calls a key, the detector knows


def test_hashing_params_in_clear_are_found_and_references_are_not() -> None:
    document = {"hashing": {"scheme": "bcrypt", "params": {"pepper": "p3pper", "prehash": "none"}}}
    assert secrets.in_clear(document) == ["hashing.params.pepper"]
    document["hashing"]["params"]["pepper"] = "env:PEPPER"
    assert secrets.in_clear(document) == []


def test_secret_hash_params_resolve_and_others_stay_as_written() -> None:
    params = {"pepper": "env:PEPPER", "prehash": "env:NOT_A_SECRET_PARAM", "truncate": True}
    resolved = secrets.resolve_params(params, environ={"PEPPER": "p3pper"})
    assert resolved == {"pepper": "p3pper", "prehash": "env:NOT_A_SECRET_PARAM", "truncate": True}

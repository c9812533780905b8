"""A file store on S3, read with the real boto3 client against moto's S3 (in process): read once per
container, an outage when the object cannot be read, a broken download resumed where it stopped."""

from __future__ import annotations

import contextlib
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate.config import settings_from_mapping
from cognito_migrate.errors import LegacyUnavailableError
from cognito_migrate.handler import UNAVAILABLE, Trigger, TriggerFailure
from cognito_migrate.models import Deadline
from cognito_migrate.observability import InvocationLog
from cognito_migrate.stores import file as file_module
from cognito_migrate.stores.file import FileUserStore, S3Object
from cognito_migrate.testing import LambdaContext, make_event
from tests.export_files import GOOD, auth0_hash_export, auth0_users, ndjson

moto = pytest.importorskip("moto")
boto3 = pytest.importorskip("boto3")

if TYPE_CHECKING:
    from collections.abc import Iterator

BUCKET = "legacy-exports"
COLUMNS = {"username": "username", "password_hash": "password_hash", "email": "email"}


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    with moto.mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


def _trigger(store: dict[str, Any]) -> Trigger:
    data = {"store": {"type": "file", **store}, "hashing": {"dummy_scheme": "bcrypt", "dummy_cost": {"rounds": 4}}}
    return Trigger(settings_from_mapping(data, environ={}), log=InvocationLog(level="ERROR"))


def test_users_and_hashes_from_s3_sign_in_and_the_object_is_read_once(s3: Any) -> None:
    users = auth0_users(with_hashes=False)
    s3.put_object(Bucket=BUCKET, Key="auth0/users.json", Body=ndjson(users).encode())
    s3.put_object(Bucket=BUCKET, Key="auth0/hashes.json", Body=auth0_hash_export(users).encode())
    trigger = _trigger({"url": f"s3://{BUCKET}/auth0/users.json",
                        "file": {"format": "auth0", "hashes": f"s3://{BUCKET}/auth0/hashes.json"}})  # fmt: skip
    answer = trigger(make_event("alice", GOOD), LambdaContext())
    assert answer["response"]["finalUserStatus"] == "CONFIRMED"
    s3.delete_object(Bucket=BUCKET, Key="auth0/users.json")  # read once per container: no longer needed
    assert trigger(make_event("dave", GOOD), LambdaContext())["response"]["finalUserStatus"] == "CONFIRMED"


def test_a_missing_object_is_an_outage_that_names_it(s3: Any) -> None:
    trigger = _trigger({"url": f"s3://{BUCKET}/nothing.json", "file": {"format": "auth0"}})
    with pytest.raises(TriggerFailure, match=UNAVAILABLE):
        trigger(make_event("alice", GOOD), LambdaContext())
    source = S3Object(f"s3://{BUCKET}/nothing.json")
    with pytest.raises(LegacyUnavailableError, match=rf"cannot read s3://{BUCKET}/nothing.json \(NoSuchKey\)"):
        source.step()


def test_a_broken_download_resumes_with_a_range_request_on_the_same_version(
    s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = ndjson([{"username": f"user{i}", "password_hash": f"$2b$04${i:053d}"} for i in range(200)]).encode()
    s3.put_object(Bucket=BUCKET, Key="users.json", Body=body)
    monkeypatch.setattr(file_module, "_S3_CHUNK", 1000)
    source = S3Object(f"s3://{BUCKET}/users.json")
    source.step()
    source.step()
    source._body.close()  # the connection drops while the container is frozen
    with pytest.raises(LegacyUnavailableError, match="reading s3://"):
        source.step()
    assert source.offset == 2000
    store = FileUserStore(source, file_format="auth0", columns=COLUMNS, lookup_fields=["username"])
    found = store.find("user199", fields=["username"], deadline=Deadline(10))
    assert found is not None
    assert bytes(store._format.data) == body  # every byte once, in order


def test_a_closed_store_drops_its_download_and_resumes_it_and_a_read_object_keeps_no_client(
    s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a SnapStart snapshot may hold: no connection, no client (docs/deploy.md)."""
    body = ndjson([{"username": f"user{i}", "password_hash": f"$2b$04${i:053d}"} for i in range(200)]).encode()
    s3.put_object(Bucket=BUCKET, Key="users.json", Body=body)
    monkeypatch.setattr(file_module, "_S3_CHUNK", 1000)
    source = S3Object(f"s3://{BUCKET}/users.json")
    store = FileUserStore(source, file_format="auth0", columns=COLUMNS, lookup_fields=["username"])
    source.step()
    store.close()  # the init ends part-loaded, before the snapshot
    assert (source._body, source._client) == (None, None)
    assert store.find("user199", fields=["username"], deadline=Deadline(10)) is not None  # resumed
    assert source.complete
    assert (source._body, source._client) == (None, None)
    assert bytes(store._format.data) == body


def test_an_object_replaced_during_the_download_is_read_again_from_the_start(
    s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_module, "_S3_CHUNK", 10)
    s3.put_object(Bucket=BUCKET, Key="users.json", Body=ndjson([{"username": "old", "password_hash": "x"}]).encode())
    source = S3Object(f"s3://{BUCKET}/users.json")
    source.step()
    source._body = None  # the connection dropped
    new = ndjson([{"username": "new", "password_hash": "y"}]).encode()
    s3.put_object(Bucket=BUCKET, Key="users.json", Body=new)
    with pytest.raises(LegacyUnavailableError, match="PreconditionFailed"):
        source.step()
    while not source.complete:
        source.step()
    assert bytes(source.data) == new


def test_without_boto3_the_s3_source_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from cognito_migrate.errors import BackendNotAvailableError

    monkeypatch.setitem(sys.modules, "boto3", None)  # import boto3 fails, as where it is not installed
    with pytest.raises(BackendNotAvailableError, match=r"pip install 'cognito-migrate\[aws\]'"):
        S3Object(f"s3://{BUCKET}/users.json").step()


class _SlowS3(BaseHTTPRequestHandler):
    """An S3 endpoint on loopback whose GetObject holds its answer: before the headers, or after the first MB."""

    body: bytes
    hold: str  # "headers" or "body"
    release: threading.Event
    requests: list[str]

    def do_GET(self) -> None:
        self.requests.append(self.path)
        if self.hold == "headers":
            self.release.wait(10)
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.send_header("ETag", '"e1"')
        self.end_headers()
        first = 1 << 20  # what the store's first step reads
        self.wfile.write(self.body[:first])
        self.wfile.flush()
        if self.hold == "body":
            self.release.wait(10)
        with contextlib.suppress(OSError):  # the client gave up
            self.wfile.write(self.body[first:])

    def log_message(self, *_args: Any) -> None:
        return


@pytest.mark.parametrize("hold", ["headers", "body"])
def test_a_slow_s3_answer_is_an_outage_within_the_deadline_not_after_the_configured_timeouts(
    hold: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The configured timeouts (2 s each) are the most a read waits; the deadline shortens them, and the request is
    not retried (botocore's ``max_attempts`` counts retries: 1 meant two requests)."""
    handler = type("Handler", (_SlowS3,), {"body": b"x" * (3 << 20), "hold": hold, "release": threading.Event(),
                                           "requests": []})  # fmt: skip
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "us-east-1",
                        "AWS_ENDPOINT_URL_S3": f"http://127.0.0.1:{server.server_port}"}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    try:
        source = S3Object(f"s3://{BUCKET}/users.json", connect_timeout=2.0, read_timeout=2.0)
        if hold == "body":
            source.step(Deadline(10))  # the first MB
            assert source.offset == 1 << 20
        else:
            # boto3's first client in a process loads its models (0.5 s and more on a fresh CI run): CPU work
            # that the waits under test are not; a container's load pays it once, before any wait
            import boto3

            boto3.client("s3")
        deadline = Deadline(0.5)
        with pytest.raises(LegacyUnavailableError, match=r"users\.json"):
            source.step(deadline)
        assert deadline.remaining() > -0.3  # each wait came from the deadline, and nothing was tried twice
        assert len(handler.requests) == 1
    finally:
        handler.release.set()
        server.shutdown()
        server.server_close()

"""Ledger backends for tests: SQLite files, the real PostgreSQL/MariaDB servers, and moto's DynamoDB served
over real HTTP on loopback (our DynamoDB client speaks HTTP, so moto's in-process mock cannot see it)."""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

TABLES = ("cognito_migrate_ledger", "cognito_migrate_ledger_counts", "cognito_migrate_ledger_groups", "cognito_migrate_throttle")
HASH_KEY = "ledger-test-key-0123456789abcdef"


def dynamodb_app(environ: dict[str, Any], start_response: Any) -> Any:
    """moto's DynamoDB JSON API as a WSGI app (moto's own server needs Flask)."""
    from moto.core.request import Request
    from moto.dynamodb.responses import DynamoHandler

    request = Request(environ)
    request.from_wsgi_server = True
    with _MOTO_LOCK:
        status, headers, body = DynamoHandler.dispatch(request, request.raw_url, dict(request.headers))
    data = body if isinstance(body, bytes) else str(body or "").encode()
    items = [(str(k), str(v)) for k, v in dict(headers or {}).items() if str(k).lower() != "content-length"]
    items.append(("Content-Length", str(len(data))))
    start_response(f"{int(status)} X", items)
    return [data]


_MOTO_LOCK = threading.Lock()


class MotoDynamo:
    """moto's DynamoDB on a free loopback port, with a helper to create a ledger table."""

    def __init__(self) -> None:
        from werkzeug.serving import WSGIRequestHandler, make_server

        class Quiet(WSGIRequestHandler):
            def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
                return None

        self.server = make_server("127.0.0.1", 0, dynamodb_app, threaded=True, request_handler=Quiet)
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def create_table(self, name: str) -> str:
        import boto3

        client = boto3.client(
            "dynamodb", region_name="eu-west-1", endpoint_url=self.endpoint,
            aws_access_key_id="testing", aws_secret_access_key="testing",
        )  # fmt: skip
        client.create_table(
            TableName=name,
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        return f"dynamodb://{name}?region=eu-west-1&endpoint={self.endpoint}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def moto_dynamodb() -> Iterator[MotoDynamo]:
    pytest.importorskip("moto", reason="moto's DynamoDB needs the 'local' extra")
    mp = pytest.MonkeyPatch()
    mp.setenv("AWS_ACCESS_KEY_ID", "testing")
    mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    mp.delenv("AWS_SESSION_TOKEN", raising=False)
    server = MotoDynamo()
    yield server
    server.stop()
    mp.undo()


def fresh_sql_ledger(url: str) -> str:
    """``url`` with the ledger's tables dropped, so each test starts from nothing."""
    from cognito_migrate.ledger.backend import open_backend

    backend: Any = open_backend(url, timeout=2.0)
    conn = backend._connection()  # creates the tables
    cur = conn.cursor()
    for table in TABLES:
        cur.execute(f"DELETE FROM {table}")
    cur.close()
    backend.close()
    return url


def ledger_url(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A fresh, empty ledger of ``kind`` (sqlite, postgres, mysql, dynamodb); skipped without its server."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.db'}"
    if kind == "dynamodb":
        moto: MotoDynamo = request.getfixturevalue("moto_dynamodb")
        return moto.create_table(f"ledger-{os.urandom(4).hex()}")
    env = {"postgres": "TEST_POSTGRES_URL", "mysql": "TEST_MYSQL_URL"}[kind]
    url = os.environ.get(env)
    if not url:
        pytest.skip(f"{env} is not set")
    return fresh_sql_ledger(url)

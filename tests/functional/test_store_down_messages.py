"""A store that cannot be reached is named in the log: where (host and port, or the file) and the class of
the failure, never the database user's password."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

import pytest

from cognito_migrate.handler import TriggerFailure
from cognito_migrate.testing import LambdaContext, make_event
from tests.conftest import GOOD, log_records

if TYPE_CHECKING:
    import io
    from collections.abc import Callable
    from pathlib import Path

    from cognito_migrate.handler import Trigger

DB_PASSWORD = "Db-Secret-771"  # a made-up database password that must never be printed


def closed_port() -> int:
    with socket.socket() as s:  # bound and closed again: nothing listens there now
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(
    ("scheme", "cause"),
    # the MySQL driver opens the TCP connection itself (bounded by the deadline), so the socket's error shows
    [("postgresql", "OperationalError"), ("mysql", "ConnectionRefusedError")],
)
def test_a_refused_connection_names_host_port_and_cause(
    make_trigger: Callable[..., Trigger], log_stream: io.StringIO, scheme: str, cause: str
) -> None:
    port = closed_port()
    trigger = make_trigger(f"{scheme}://migrator:{DB_PASSWORD}@127.0.0.1:{port}/app")
    with pytest.raises(TriggerFailure):
        trigger(make_event("alice", GOOD), LambdaContext())
    record = log_records(log_stream)[-1]
    assert record["outcome"] == "LEGACY_UNAVAILABLE"
    assert f"at 127.0.0.1:{port}" in record["detail"]
    assert f"({cause})" in record["detail"]
    assert DB_PASSWORD not in log_stream.getvalue()


def test_a_missing_sqlite_file_is_named(
    make_trigger: Callable[..., Trigger], log_stream: io.StringIO, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such.db"
    trigger = make_trigger(f"sqlite:///{missing}")
    with pytest.raises(TriggerFailure):
        trigger(make_event("alice", GOOD), LambdaContext())
    record = log_records(log_stream)[-1]
    assert record["outcome"] == "LEGACY_UNAVAILABLE"
    assert str(missing) in record["detail"]

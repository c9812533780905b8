"""PostgreSQL through psycopg2, in asynchronous mode so that no wait can outlast the deadline.

A blocking libpq connection waits on its socket with no timeout once a statement is sent: a warm connection
whose network goes silent, or a server that stalls mid-answer, held the invocation until Lambda killed it.
Here libpq never blocks: the client polls the socket until the session's end time, for the connection (TCP,
TLS, authentication) and for every statement, then gives up.

On the server, ``statement_timeout`` (which also ends lock waits) is a little shorter than the client's wait
(``GRACE``): a statement the client stops waiting for is stopped by the server too, even when the network
is gone. The session starts with ``store.query_timeout``; a statement that has less time left carries a
``SET statement_timeout`` in the same round trip.
"""

from __future__ import annotations

import select
import time
from typing import TYPE_CHECKING, Any

from cognito_migrate.stores.sql_drivers import Driver, Session, import_module, server_limit_ms

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping


class PostgresDriver(Driver):
    def __init__(self, dsn: str, password: Callable[[], str | None], *, query_timeout: float) -> None:
        super().__init__(import_module("psycopg2", "postgres"), query_timeout=query_timeout, where=_host_port(dsn))
        self._extensions = import_module("psycopg2.extensions", "postgres")
        self._dsn = dsn
        self._password = password

    def _open(self, timeout: float, end: float) -> Session:
        limit = server_limit_ms(self.query_timeout)
        kwargs: dict[str, Any] = {
            "async_": True,  # asynchronous connections are autocommit
            "application_name": "cognito-migrate",
            "options": f"-c statement_timeout={limit} -c default_transaction_read_only=on",
        }
        secret = self._password()
        if secret is not None:
            kwargs["password"] = secret
        conn = self.module.connect(self._dsn, **kwargs)
        try:
            self._wait(conn, end)
        except BaseException:
            conn.close()
            raise
        return Session(conn, limit_ms=limit)

    def _execute(self, session: Session, query: str, params: Mapping[str, str], timeout: float) -> Any:
        limit = server_limit_ms(timeout)
        if limit != session.limit_ms:
            session.limit_ms = None  # unknown until the statement succeeds (a failure rolls the SET back)
            query = f"SET statement_timeout = {limit}; {query}"
        cursor = session.conn.cursor()
        cursor.execute(query, params)
        self._wait(session.conn, session.end)
        session.limit_ms = limit
        return cursor

    def _wait(self, conn: Any, end: float) -> None:
        """Drive libpq until the operation completes; TimeoutError at ``end`` (monotonic seconds)."""
        ext = self._extensions
        while True:
            state = conn.poll()
            if state == ext.POLL_OK:
                return
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("the legacy store did not answer in time")
            if state not in (ext.POLL_READ, ext.POLL_WRITE):
                raise self.module.OperationalError(f"unexpected poll state {state}")
            # libpq may change sockets while connecting (several addresses): ask for the fd each time
            poller = select.poll()
            poller.register(conn.fileno(), select.POLLIN if state == ext.POLL_READ else select.POLLOUT)
            poller.poll(max(left * 1000, 1))

    def _scan_session(self, timeout: float) -> Session:
        # a server-side (named) cursor needs a blocking connection and a transaction: read-only, no limit
        kwargs: dict[str, Any] = {
            "application_name": "cognito-migrate",
            "connect_timeout": max(1, int(timeout + 0.999)),
            "options": "-c statement_timeout=0 -c default_transaction_read_only=on",
        }
        secret = self._password()
        if secret is not None:
            kwargs["password"] = secret
        return Session(self.module.connect(self._dsn, **kwargs))

    def _scan_cursor(self, session: Session) -> Any:
        return session.conn.cursor(name="cognito_migrate_scan")

    def _timed_out(self, exc: BaseException) -> bool:
        return isinstance(exc, self._extensions.QueryCanceledError)

    def _lost(self, session: Session, exc: BaseException) -> bool:
        return bool(session.conn.closed)


def _host_port(dsn: str) -> str:
    """Where the server is, for outage messages: host and port of the URL, never its user or password."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(dsn)
        return f"{parts.hostname or 'localhost'}:{parts.port or 5432}"
    except ValueError:
        return "the PostgreSQL server"


def driver(url: str, *, password: Callable[[], str | None], query_timeout: float) -> PostgresDriver:
    dsn = "postgresql://" + url.split("://", 1)[1] if "://" in url else url
    return PostgresDriver(dsn, password, query_timeout=query_timeout)

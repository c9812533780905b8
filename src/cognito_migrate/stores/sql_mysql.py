"""MySQL and MariaDB through PyMySQL: read-only sessions whose every socket wait ends at the deadline.

PyMySQL sets a socket timeout before each packet it reads or writes, from ``read_timeout`` and
``write_timeout``: a fixed wait per packet, and per receive within it, so the handshake alone could wait
several times ``query_timeout`` on a silent network, and an answer arriving a byte at a time never ended.
Here every receive and send waits at most until the session's end: :class:`DeadlineSocket` (the TCP socket
given to PyMySQL) sets the time left before each call. Over TLS, PyMySQL wraps that socket in one of its
own, so :class:`BoundedConnection` also makes PyMySQL's per-packet timeouts the time left (it reads them
before every packet: connections.py, ``_read_packet`` and ``_write_bytes``); over TLS the bound is per
packet.

On the server, each session is read-only (an ``UPDATE`` in a configured query is refused, as PostgreSQL and
SQLite refuse it) and has a statement limit a little shorter than the client's wait (``GRACE``), so a
statement the client gives up on does not keep running: MariaDB's ``max_statement_time`` (which also ends
table and row lock waits), per statement with ``SET STATEMENT ... FOR`` when less time is left; MySQL's
``max_execution_time`` (SELECT only; not tested here, the machine runs MariaDB).
"""

from __future__ import annotations

import socket
import time
from typing import TYPE_CHECKING, Any, Final

from cognito_migrate.stores.sql_drivers import Driver, Session, import_module, server_limit_ms, split_url

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

# ER_STATEMENT_TIMEOUT (MariaDB), ER_QUERY_TIMEOUT (MySQL), ER_QUERY_INTERRUPTED, ER_LOCK_WAIT_TIMEOUT
_TIMEOUT_CODES: Final = frozenset({1969, 3024, 1317, 1205})
_SESSION: Final = {
    "mariadb": "SET SESSION tx_read_only = 1, max_statement_time = {seconds}",
    "mysql": "SET SESSION transaction_read_only = 1, max_execution_time = {ms}",
}


_UNLIMITED: Final = {
    "mariadb": "SET SESSION max_statement_time = 0",
    "mysql": "SET SESSION max_execution_time = 0",
}


class DeadlineSocket(socket.socket):
    """A TCP socket whose every receive and send waits at most until its connection's ``io_end``."""

    connection: Any = None

    def settimeout(self, value: float | None) -> None:
        """PyMySQL's fixed timeouts are replaced by the time left, set before each call."""

    def _time_left(self) -> None:
        super().settimeout(max(self.connection.io_end - time.monotonic(), 0.001))

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        self._time_left()
        return super().recv_into(buffer, nbytes, flags)

    def sendall(self, data: Any, flags: int = 0) -> None:
        self._time_left()
        super().sendall(data, flags)


def _bounded_connection_class(module: Any) -> type[Any]:
    class BoundedConnection(module.connections.Connection):  # type: ignore[misc]
        """A PyMySQL connection whose socket timeouts are the time left until ``io_end`` (monotonic)."""

        io_end = 0.0

        @property
        def _read_timeout(self) -> float:
            return max(self.io_end - time.monotonic(), 0.001)

        @_read_timeout.setter
        def _read_timeout(self, value: object) -> None:
            """PyMySQL's fixed per-packet timeout is not used."""

        _write_timeout = _read_timeout

    return BoundedConnection


class MysqlDriver(Driver):
    quote = "`"

    def __init__(self, url: str, password: Callable[[], str | None], *, query_timeout: float) -> None:
        self._parts = split_url(url, 3306, options=("charset", "ssl_ca", "ssl_verify_cert"))
        where = f"{self._parts['host']}:{self._parts['port']}"
        super().__init__(import_module("pymysql", "mysql"), query_timeout=query_timeout, where=where)
        self._connection = _bounded_connection_class(self.module)
        self._password = password
        query = self._parts["query"]
        # TLS to the legacy database: the connection carries password hashes
        self._ssl = (
            {"ca": query["ssl_ca"], "check_hostname": query.get("ssl_verify_cert", "true") != "false"}
            if "ssl_ca" in query
            else None
        )

    def _open(self, timeout: float, end: float) -> Session:
        parts = self._parts
        secret = self._password()
        conn = self._connection(
            host=parts["host"],
            port=parts["port"],
            user=parts["user"] or "root",
            password=secret if secret is not None else (parts["password"] or ""),
            database=parts["database"],
            charset=parts["query"].get("charset", "utf8mb4"),
            autocommit=True,
            ssl=self._ssl,
            defer_connect=True,
        )
        conn.io_end = end
        tcp = socket.create_connection((parts["host"], parts["port"]), timeout=max(timeout, 0.001))
        sock = DeadlineSocket(tcp.family, tcp.type, tcp.proto, fileno=tcp.detach())
        sock.connection = conn
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as PyMySQL does for its own sockets
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        conn.connect(sock)
        try:
            flavor = "mariadb" if "mariadb" in conn.get_server_info().lower() else "mysql"
            limit = server_limit_ms(self.query_timeout)
            with conn.cursor() as cursor:
                cursor.execute(_SESSION[flavor].format(seconds=limit / 1000, ms=limit))
        except BaseException:
            conn.close()
            raise
        return Session(conn, limit_ms=limit, flavor=flavor)

    def _execute(self, session: Session, query: str, params: Mapping[str, str], timeout: float) -> Any:
        conn = session.conn
        conn.io_end = session.end
        limit = server_limit_ms(timeout)
        cursor = conn.cursor()
        if limit != session.limit_ms:
            if session.flavor == "mariadb":
                query = f"SET STATEMENT max_statement_time = {limit / 1000} FOR {query}"
            else:
                session.limit_ms = None
                cursor.execute(f"SET SESSION max_execution_time = {limit}")
                session.limit_ms = limit
        cursor.execute(query, params)
        return cursor

    def _scan_session(self, timeout: float) -> Session:
        session = super()._scan_session(timeout)
        session.conn.io_end = session.end
        with session.conn.cursor() as cursor:  # no statement limit for the scan
            cursor.execute(_UNLIMITED[session.flavor])
        return session

    def _scan_cursor(self, session: Session) -> Any:
        return session.conn.cursor(self.module.cursors.SSCursor)  # unbuffered: rows come as they are read

    def _timed_out(self, exc: BaseException) -> bool:
        return isinstance(exc, self.module.MySQLError) and bool(exc.args) and exc.args[0] in _TIMEOUT_CODES

    def _lost(self, session: Session, exc: BaseException) -> bool:
        return not session.conn.open


def driver(url: str, *, password: Callable[[], str | None], query_timeout: float) -> MysqlDriver:
    return MysqlDriver(url, password, query_timeout=query_timeout)

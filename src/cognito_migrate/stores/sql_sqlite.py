"""SQLite through the standard library's ``sqlite3``: a read-only file, every statement bounded in time.

Two waits can outlast a deadline in SQLite: a long statement, and a wait for a lock another process holds
(``database is locked``). The first is cut by a progress handler that reads the session's end time; the
second by ``PRAGMA busy_timeout``, set to the statement's time whenever that changes (an in-process call,
no round trip).
"""

from __future__ import annotations

import sqlite3
import time
from typing import TYPE_CHECKING, Any, Final

from cognito_migrate.errors import ConfigError
from cognito_migrate.stores.sql_drivers import Driver, Session

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

_TIMEOUT_CODES: Final = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_INTERRUPT})
_PROGRESS_STEPS: Final = 1000  # virtual machine instructions between two looks at the clock


class SqliteDriver(Driver):
    paramstyle_named = True

    def __init__(self, path: str, *, query_timeout: float) -> None:
        super().__init__(sqlite3, query_timeout=query_timeout, where=path)
        self._path = path

    def _open(self, timeout: float, end: float) -> Session:
        # Read-only: the trigger never writes to the legacy store, and a wrong path must not create an
        # empty database that would make every user "unknown".
        target = self._path if self._path.startswith("file:") else f"file:{self._path}?mode=ro"
        conn = sqlite3.connect(target, uri=True, timeout=max(timeout, 0.001), check_same_thread=False)
        session = Session(conn)
        # a non-zero answer interrupts the running statement (sqlite3.OperationalError: interrupted)
        conn.set_progress_handler(lambda: time.monotonic() > session.end, _PROGRESS_STEPS)
        return session

    def _execute(self, session: Session, query: str, params: Mapping[str, str], timeout: float) -> Any:
        busy_ms = max(int(timeout * 1000), 1)
        if busy_ms != session.limit_ms:
            session.conn.execute(f"PRAGMA busy_timeout = {busy_ms}")
            session.limit_ms = busy_ms
        return session.conn.execute(query, params)

    def _timed_out(self, exc: BaseException) -> bool:
        return getattr(exc, "sqlite_errorcode", 0) & 0xFF in _TIMEOUT_CODES

    def _lost(self, session: Session, exc: BaseException) -> bool:
        return False  # a file does not hang up


def driver(url: str, *, password: Callable[[], str | None], query_timeout: float) -> SqliteDriver:
    path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else ""
    if not path:
        raise ConfigError(
            "store.url", "a SQLite URL looks like sqlite:///relative/path.db or sqlite:////absolute/path.db"
        )
    return SqliteDriver(path, query_timeout=query_timeout)

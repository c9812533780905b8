"""Connections to the legacy database through plain DB-API drivers: what they share, and the leaf per scheme.

No SQL toolkit: SQLAlchemy alone costs 360-500 ms of imports on a cold start and psycopg 3 280 ms, against
10-40 ms for ``sqlite3``, ``psycopg2`` and ``pymysql`` measured the same way (BENCHMARKS.md). Each driver
lives in a leaf module (``sql_sqlite``, ``sql_postgres``, ``sql_mysql``, ``sql_mssql``) imported only when a
URL of its scheme is configured; a missing DB-API package names the extra to install.

Every connection is read-only, autocommit (no idle transaction held across warm invocations), and every
step of it is bounded (docs/configuration.md, "What the timeouts guarantee"):

- the client never waits past the time it is given (connect, handshake, each statement, each lock wait);
- the server is told to give up a little earlier (``GRACE``), so a statement the client stops waiting for is
  also stopped on the server, and a clean server-side cancel keeps the connection usable;
- failures come out classified: :class:`~cognito_migrate.stores.base.ConnectionLost` when an open
  connection broke (the store may reconnect once), :class:`LegacyUnavailableError` for everything else,
  a timeout included (an outage for this invocation, never retried: it would wait on the same lock or the
  same silent network).
"""

from __future__ import annotations

import contextlib
import importlib
import re
import time
from typing import TYPE_CHECKING, Any, ClassVar, Final

from cognito_migrate.errors import BackendNotAvailableError, ConfigError, LegacyUnavailableError
from cognito_migrate.stores.base import ConnectionLost

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

SCHEMES: Final = {
    "sqlite": "sqlite",
    "postgresql": "postgres",
    "postgres": "postgres",
    "mysql": "mysql",
    "mariadb": "mysql",
    "mssql": "mssql",
    "sqlserver": "mssql",
}
EXTRAS: Final = {"sqlite": None, "postgres": "postgres", "mysql": "mysql", "mssql": "mssql"}
SCAN_WAIT: Final = 24 * 3600.0
"""Seconds a whole-table scan (``audit``) may take before its session gives up."""
GRACE: Final = 0.05
"""Seconds by which the server's statement limit undercuts the client's wait (see the module docstring)."""

# Regular expressions are kept as their text and compiled by ``re`` on first use (it caches them): a pattern
# compiled at import costs every cold start, whether or not a configured query ever needs it (BENCHMARKS.md).
NAMED_PARAM: Final = r"(?<![:\w]):username\b"
"""The named parameter of every configured query, ``:username`` (not ``::username``, not ``:usernames``)."""
_NOT_CODE: Final = r"(?s)'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`[^`]*`|--[^\n]*|/\*.*?\*/"
_FIRST_WORD: Final = r"[\s(]*([A-Za-z]+)"
_ROW_RETURNING: Final = frozenset({"select", "with", "values", "table"})

Rows = tuple[list[str], list[tuple[Any, ...]]]


def dialect_of(url: str) -> str:
    """``sqlite``, ``postgres``, ``mysql`` or ``mssql`` for a store URL; :class:`ConfigError` otherwise."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    scheme = scheme.split("+", 1)[0]
    if scheme not in SCHEMES:
        raise ConfigError(
            "store.url", f"unsupported database URL scheme {scheme!r}; expected one of {', '.join(SCHEMES)}"
        )
    return SCHEMES[scheme]


def check_query(key: str, sql: str) -> None:
    """Refuse, at load time, a configured query that cannot return rows: one statement, a SELECT (or WITH,
    VALUES, TABLE). An ``UPDATE``, a procedure call (whether it returns rows cannot be known before it
    runs) or a second statement is a configuration error."""
    code = re.sub(_NOT_CODE, " ", sql).strip().rstrip(";").rstrip()
    first = re.match(_FIRST_WORD, code)
    if first is None or first.group(1).lower() not in _ROW_RETURNING:
        word = first.group(1).upper() if first else "nothing"
        raise ConfigError(key, f"must be a query that returns rows (SELECT ...), not {word}")
    if ";" in code:
        raise ConfigError(key, "must be one statement (found ';' outside quotes)")


def server_limit_ms(timeout: float) -> int:
    """The server-side statement limit, in milliseconds, for a client that waits ``timeout`` seconds."""
    return max(int((timeout - GRACE) * 1000), 1)


def import_module(name: str, dialect: str) -> Any:
    """Import a DB-API package, or say which extra installs it."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError:
        raise BackendNotAvailableError(f"a {dialect} legacy store", EXTRAS[dialect] or dialect) from None


def caused_by_timeout(exc: BaseException) -> bool:
    """True when a client-side timeout is in the exception's chain (drivers wrap socket timeouts)."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return False
        if isinstance(seen, TimeoutError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class Session:
    """One open connection and what the driver knows of its server-side state.

    ``limit_ms`` is the statement limit the server session has now (None when unknown), so that it is sent
    again only when a statement needs another one; ``end`` is when the client stops waiting (monotonic).
    """

    __slots__ = ("conn", "end", "flavor", "limit_ms")

    def __init__(self, conn: Any, *, limit_ms: int | None = None, flavor: str = "") -> None:
        self.conn = conn
        self.limit_ms = limit_ms
        self.flavor = flavor
        self.end = 0.0


class Driver:
    """A DB-API module and how to open, run and close bounded, read-only sessions on it.

    Leaves implement ``_open`` and ``_execute`` and say which errors are timeouts and when a connection is
    gone; :meth:`open` and :meth:`run` turn every failure into one of the store's error types.
    """

    quote: ClassVar[str] = '"'
    paramstyle_named: ClassVar[bool] = False

    def __init__(self, module: Any, *, query_timeout: float, where: str) -> None:
        self.module = module
        self.query_timeout = query_timeout
        self.where = where  # "host:port" or the file: named in outage messages (never a user or password)

    @property
    def error(self) -> type[BaseException]:
        return self.module.Error  # type: ignore[no-any-return]

    def prepare(self, query: str) -> str:
        """Rewrite ``:username`` for the driver (sqlite3 takes it as is; the others use ``%(username)s``)."""
        if self.paramstyle_named:
            return query
        return re.sub(NAMED_PARAM, "%(username)s", query.replace("%", "%%"))

    def open(self, timeout: float) -> Session:
        """A new session, connected and configured within ``timeout`` seconds."""
        end = time.monotonic() + timeout
        try:
            return self._open(timeout, end)
        except (self.module.Error, OSError) as exc:
            raise self._failure(f"cannot connect to the legacy store at {self.where}", exc, end, None) from exc

    def run(self, session: Session, query: str, params: Mapping[str, str], timeout: float, max_rows: int) -> Rows:
        """Run one statement within ``timeout`` seconds: its column names and at most ``max_rows`` rows."""
        end = session.end = time.monotonic() + timeout
        try:
            cursor = self._execute(session, query, params, timeout)
            try:
                if cursor.description is None:
                    raise LegacyUnavailableError("the query returned no result set: store queries must be SELECTs")
                names = [d[0] for d in cursor.description]
                return names, list(cursor.fetchmany(max_rows))
            finally:
                with contextlib.suppress(Exception):
                    cursor.close()
        except (self.module.Error, OSError) as exc:
            raise self._failure(f"legacy store query failed at {self.where}", exc, end, session) from exc

    def stream(self, query: str, batch_size: int, connect_timeout: float) -> Iterator[Rows]:
        """Every row of ``query``, ``batch_size`` at a time, on a session of its own (``audit``; never the
        trigger): no statement limit (a scan of a large table takes minutes), and a cursor that streams from
        the server where the driver has one, so memory stays flat whatever the table's size."""
        try:
            session = self._scan_session(connect_timeout)
        except (self.module.Error, OSError) as exc:
            raise LegacyUnavailableError(
                f"cannot connect to the legacy store at {self.where} ({type(exc).__name__})"
            ) from None
        cursor = None
        try:
            cursor = self._scan_cursor(session)
            cursor.execute(query, {})
            rows = cursor.fetchmany(batch_size)
            names = [d[0] for d in cursor.description]  # a server-side cursor knows them after a fetch
            while rows:
                yield names, list(rows)
                rows = cursor.fetchmany(batch_size)
        except (self.module.Error, OSError) as exc:
            # the server's words help here (a missing table or column); this never runs in the trigger
            raise LegacyUnavailableError(
                f"reading every user at {self.where} failed ({type(exc).__name__}: {exc})"
            ) from None
        finally:
            if cursor is not None:  # before its connection: an unbuffered cursor finishes its result on close
                with contextlib.suppress(Exception):
                    cursor.close()
            self.close(session)

    def close(self, session: Session) -> None:
        """Close, ignoring errors: a broken connection may fail to close and is discarded anyway."""
        with contextlib.suppress(Exception):
            session.conn.close()

    # ---------------------------------------------------------------------------------------- for leaves

    def _scan_session(self, timeout: float) -> Session:
        """A session for :meth:`stream`: a new one whose waits end only after :data:`SCAN_WAIT`."""
        session = self.open(timeout)
        session.end = time.monotonic() + SCAN_WAIT
        return session

    def _scan_cursor(self, session: Session) -> Any:
        """The cursor :meth:`stream` reads with (SQLite and python-tds hand rows over as they are read)."""
        return session.conn.cursor()

    def _open(self, timeout: float, end: float) -> Session:
        raise NotImplementedError

    def _execute(self, session: Session, query: str, params: Mapping[str, str], timeout: float) -> Any:
        """Send the statement with a server-side limit matching ``timeout``; return the cursor with its result."""
        raise NotImplementedError

    def _timed_out(self, exc: BaseException) -> bool:
        """The server stopped the statement at its limit (or a lock wait timed out)."""
        return False

    def _lost(self, session: Session, exc: BaseException) -> bool:
        """The connection is gone (it was open before this statement)."""
        return isinstance(exc, self.module.OperationalError | self.module.InterfaceError | OSError)

    def _failure(
        self, what: str, exc: BaseException, end: float, session: Session | None
    ) -> LegacyUnavailableError | ConnectionLost:
        kind = type(exc).__name__
        if caused_by_timeout(exc) or self._timed_out(exc) or time.monotonic() >= end:
            return LegacyUnavailableError(f"{what}: timed out ({kind})")
        if session is not None and self._lost(session, exc):
            return ConnectionLost(kind)
        return LegacyUnavailableError(f"{what} ({kind})")


_LEAVES: Final = {"sqlite": "sql_sqlite", "postgres": "sql_postgres", "mysql": "sql_mysql", "mssql": "sql_mssql"}


def driver_for(url: str, *, password: Callable[[], str | None], query_timeout: float) -> Driver:
    """Build the driver for ``url``; ``password`` is called at connect time (lazy secret resolution)."""
    leaf = importlib.import_module(f"cognito_migrate.stores.{_LEAVES[dialect_of(url)]}")
    return leaf.driver(url, password=password, query_timeout=query_timeout)  # type: ignore[no-any-return]


def split_url(url: str, default_port: int, *, options: tuple[str, ...]) -> dict[str, Any]:
    """Host, port, user, password, database and the allowed query options of a MySQL or SQL Server URL."""
    from urllib.parse import parse_qs, unquote, urlsplit  # only MySQL and SQL Server URLs need it

    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        # never repeat the URL: it may hold the database password
        raise ConfigError(
            "store.url", "cannot read host and port; percent-encode special characters in the user and password"
        ) from None
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    unknown = sorted(set(query) - set(options))
    if unknown:
        raise ConfigError("store.url", f"unsupported URL options {', '.join(unknown)}; supported: {', '.join(options)}")
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": port or default_port,
        "user": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        "database": parts.path.lstrip("/") or None,
        "query": query,
    }

"""Connections to the legacy database through plain DB-API drivers, one per URL scheme.

No SQL toolkit: SQLAlchemy alone costs 360-500 ms of imports on a cold start and psycopg 3 280 ms, against
10-40 ms for ``sqlite3``, ``psycopg2`` and ``pymysql`` measured the same way (BENCHMARKS.md). The driver
is imported only when a URL of its scheme is configured; a missing one names the extra to install.

Every connection is read-only where the server allows it, autocommit (no idle transaction held across
warm invocations) and bounded by timeouts taken from the invocation's deadline.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from cognito_migrate.errors import BackendNotAvailableError, ConfigError

if TYPE_CHECKING:
    from collections.abc import Callable

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
_NAMED_PARAM: Final = re.compile(r"(?<![:\w]):username\b")


def dialect_of(url: str) -> str:
    """``sqlite``, ``postgres``, ``mysql`` or ``mssql`` for a store URL; :class:`ConfigError` otherwise."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    scheme = scheme.split("+", 1)[0]
    if scheme not in SCHEMES:
        raise ConfigError(
            "store.url", f"unsupported database URL scheme {scheme!r}; expected one of {', '.join(SCHEMES)}"
        )
    return SCHEMES[scheme]


def _no_limit(conn: Any, seconds: float) -> Callable[[], None]:
    return _nothing


def _nothing() -> None:
    return None


class Driver(NamedTuple):
    """A DB-API module, how it wants its parameters, how to quote identifiers, and how to bound one call.

    ``limit(conn, seconds)`` makes the next statement give up after ``seconds`` and returns a function that
    restores the connection's usual timeout; drivers call it only when the invocation's deadline is
    shorter than ``store.query_timeout``, so the common path costs nothing.
    """

    module: Any
    connect: Callable[[float], Any]
    paramstyle_named: bool
    quote: str
    limit: Callable[[Any, float], Callable[[], None]] = _no_limit

    @property
    def error(self) -> type[BaseException]:
        return self.module.Error  # type: ignore[no-any-return]

    @property
    def transient(self) -> tuple[type[BaseException], ...]:
        """Errors worth one reconnect: the connection broke. A bad query or a timeout is not retried."""
        return (self.module.OperationalError, self.module.InterfaceError, OSError)

    def prepare(self, query: str) -> str:
        """Rewrite ``:username`` for the driver (sqlite3 takes it as is; the others use ``%(username)s``)."""
        if self.paramstyle_named:
            return query
        return _NAMED_PARAM.sub("%(username)s", query.replace("%", "%%"))


def driver_for(url: str, *, password: Callable[[], str | None], query_timeout: float) -> Driver:
    """Build the driver for ``url``; ``password`` is called at connect time (lazy secret resolution)."""
    dialect = dialect_of(url)
    if dialect == "sqlite":
        return _sqlite(url, query_timeout)
    if dialect == "postgres":
        return _postgres(url, password, query_timeout)
    if dialect == "mysql":
        return _mysql(url, password, query_timeout)
    return _mssql(url, password, query_timeout)


def _import(module: str, dialect: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ModuleNotFoundError:
        raise BackendNotAvailableError(f"a {dialect} legacy store", EXTRAS[dialect] or dialect) from None


def _sqlite(url: str, query_timeout: float) -> Driver:
    import sqlite3

    path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else ""
    if not path:
        raise ConfigError(
            "store.url", "a SQLite URL looks like sqlite:///relative/path.db or sqlite:////absolute/path.db"
        )

    def connect(timeout: float) -> Any:
        # Read-only: the trigger never writes to the legacy store, and a wrong path must not create an
        # empty database that would make every user "unknown".
        target = path if path.startswith("file:") else f"file:{path}?mode=ro"
        conn = sqlite3.connect(target, uri=True, timeout=max(timeout, 0.05), check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {int(query_timeout * 1000)}")
        return conn

    def limit(conn: Any, seconds: float) -> Callable[[], None]:
        end = time.monotonic() + seconds
        # a non-zero answer interrupts the statement (sqlite3.OperationalError: interrupted)
        conn.set_progress_handler(lambda: time.monotonic() > end, 1000)
        return lambda: conn.set_progress_handler(None, 0)

    return Driver(sqlite3, connect, paramstyle_named=True, quote='"', limit=limit)


def _postgres(url: str, password: Callable[[], str | None], query_timeout: float) -> Driver:
    module = _import("psycopg2", "postgres")
    dsn = "postgresql://" + url.split("://", 1)[1] if "://" in url else url

    def connect(timeout: float) -> Any:
        kwargs: dict[str, Any] = {
            "connect_timeout": max(1, int(timeout + 0.999)),
            "application_name": "cognito-migrate",
            "options": f"-c statement_timeout={int(query_timeout * 1000)} -c default_transaction_read_only=on",
        }
        secret = password()
        if secret is not None:
            kwargs["password"] = secret
        conn = module.connect(dsn, **kwargs)
        conn.autocommit = True
        return conn

    def limit(conn: Any, seconds: float) -> Callable[[], None]:
        with conn.cursor() as cur:
            cur.execute("SET statement_timeout = %s", (max(1, int(seconds * 1000)),))

        def restore() -> None:
            with conn.cursor() as cur:
                cur.execute("SET statement_timeout = %s", (int(query_timeout * 1000),))

        return restore

    return Driver(module, connect, paramstyle_named=False, quote='"', limit=limit)


def _split(url: str, default_port: int, *, options: tuple[str, ...]) -> dict[str, Any]:
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


def _mysql(url: str, password: Callable[[], str | None], query_timeout: float) -> Driver:
    module = _import("pymysql", "mysql")
    parts = _split(url, 3306, options=("charset", "ssl_ca", "ssl_verify_cert"))
    ssl: dict[str, Any] | None = None
    if "ssl_ca" in parts["query"]:
        # TLS to the legacy database: the connection carries password hashes
        ssl = {
            "ca": parts["query"]["ssl_ca"],
            "check_hostname": parts["query"].get("ssl_verify_cert", "true") != "false",
        }

    def connect(timeout: float) -> Any:
        secret = password()
        return module.connect(
            host=parts["host"],
            port=parts["port"],
            user=parts["user"] or "root",
            password=secret if secret is not None else (parts["password"] or ""),
            database=parts["database"],
            charset=parts["query"].get("charset", "utf8mb4"),
            connect_timeout=max(timeout, 0.05),
            read_timeout=query_timeout,
            write_timeout=query_timeout,
            autocommit=True,
            ssl=ssl,
        )

    def limit(conn: Any, seconds: float) -> Callable[[], None]:
        # pymysql applies _read_timeout to the socket before each packet it reads (connections.py);
        # a public per-call timeout does not exist.
        conn._read_timeout = max(seconds, 0.01)

        def restore() -> None:
            conn._read_timeout = query_timeout

        return restore

    return Driver(module, connect, paramstyle_named=False, quote="`", limit=limit)


def _mssql(url: str, password: Callable[[], str | None], query_timeout: float) -> Driver:
    # python-tds is pure Python (no ODBC driver to ship in a Lambda package); not tested against a server here.
    module = _import("pytds", "mssql")
    parts = _split(url, 1433, options=())

    def connect(timeout: float) -> Any:
        secret = password()
        return module.connect(
            dsn=parts["host"],
            port=parts["port"],
            database=parts["database"],
            user=parts["user"],
            password=secret if secret is not None else parts["password"],
            login_timeout=max(1, int(timeout + 0.999)),
            timeout=query_timeout,
            autocommit=True,
        )

    return Driver(module, connect, paramstyle_named=False, quote='"')

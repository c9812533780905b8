"""The ledger in a SQL database: SQLite, PostgreSQL or MySQL/MariaDB (the legacy database or another).

Four tables, created on first use when missing: ``cognito_migrate_ledger`` (one row per legacy user or
unknown sign-in name), ``cognito_migrate_ledger_counts`` (its counts by outcome and reason),
``cognito_migrate_ledger_groups`` (a migrated user whose legacy groups are assigned; a table of its own, so
that a ledger created before it needs no ``ALTER``) and ``cognito_migrate_throttle`` (one row per throttled
key). Unlike the legacy store's connection, this one writes; it is its own connection, opened on first use
and kept for the container's life, autocommit, with the server-side statement timeout set to ``[ledger]
timeout``.

Writes are idempotent per Lambda request id: a record remembers the last request that counted in it, and
the update that counts an attempt applies only when the request id differs. Every write is one atomic
upsert per table (``INSERT ... ON CONFLICT DO UPDATE``; MySQL's ``ON DUPLICATE KEY UPDATE``), so concurrent
invocations in other containers never lose a count, and an attempt costs few round trips: on PostgreSQL
one (the record's upsert feeds the count's in one statement), on SQLite and MySQL two; a failure counted
by the throttle is one more, whatever the number of keys.
"""

from __future__ import annotations

import contextlib
import re
import threading
from typing import TYPE_CHECKING, Any, Final

from cognito_migrate.errors import BackendNotAvailableError, ConfigError, LedgerUnavailableError
from cognito_migrate.ledger.records import UserRecord, count_key

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from cognito_migrate.ledger.records import Attempt

LEDGER_TABLE: Final = "cognito_migrate_ledger"
THROTTLE_TABLE: Final = "cognito_migrate_throttle"
COUNTS_TABLE: Final = "cognito_migrate_ledger_counts"
GROUPS_TABLE: Final = "cognito_migrate_ledger_groups"
_COLUMNS: Final = (
    "subject", "known", "login_key", "first_at", "last_at", "last_reason", "scheme", "migrated_at", "created_at",
    "request_id",
)  # fmt: skip
_PARAM: Final = re.compile(r"%\((\w+)\)s")
_RECORD_UPDATES: Final = (
    ("known", "{new}"), ("last_at", "{new}"), ("last_reason", "{new}"), ("scheme", "COALESCE({new}, {old})"),
    ("migrated_at", "COALESCE({old}, {new})"), ("login_key", "COALESCE({new}, {old})"),
)  # fmt: skip
"""What a new attempt writes into an existing record: ``{new}`` is the attempt's value, ``{old}`` the record's."""


def _record_upsert(dialect: str) -> str:
    """Insert the record, or count the attempt in it unless its request id was counted already (a retry)."""
    insert = f"""INSERT INTO {LEDGER_TABLE} ({", ".join(_COLUMNS)}) VALUES (%(subject)s, %(known)s,
        %(login_key)s, %(at)s, %(at)s, %(last_reason)s, %(scheme)s, %(migrated_at)s, NULL, %(request_id)s)"""
    if dialect == "mysql":
        # no WHERE on ON DUPLICATE KEY UPDATE: each column keeps its value for a request id counted already, so
        # the row is unchanged and the row count 0; request_id is assigned last, as MySQL evaluates the SET
        # list left to right with the values already assigned
        fresh = f"{LEDGER_TABLE}.request_id <> VALUES(request_id)"
        sets = [f"{c} = IF({fresh}, {e.format(new=f'VALUES({c})', old=c)}, {c})" for c, e in _RECORD_UPDATES]
        return f"{insert} ON DUPLICATE KEY UPDATE {', '.join(sets)}, request_id = VALUES(request_id)"
    sets = [f"{c} = {e.format(new=f'excluded.{c}', old=f'{LEDGER_TABLE}.{c}')}" for c, e in _RECORD_UPDATES]
    return (
        f"{insert} ON CONFLICT (subject) DO UPDATE SET {', '.join(sets)}, request_id = excluded.request_id"
        f" WHERE {LEDGER_TABLE}.request_id <> excluded.request_id"
    )


def _count_upsert(dialect: str, source: str = "VALUES (%(subject)s, %(key)s, 1)") -> str:
    """Add one to the record's count for its outcome and reason (a new count starts at 1)."""
    if dialect == "mysql":
        conflict = "ON DUPLICATE KEY UPDATE n = n + 1"
    else:
        conflict = f"ON CONFLICT (subject, count_key) DO UPDATE SET n = {COUNTS_TABLE}.n + 1"
    return f"INSERT INTO {COUNTS_TABLE} (subject, count_key, n) {source} {conflict}"


def _failure_upsert(dialect: str, keys: int) -> str:
    """Count one failure for each of ``keys`` keys (``%(k0)s``...): a key whose window has passed starts anew."""
    rows = ", ".join(f"(%(k{i})s, %(at)s, 1)" for i in range(keys))
    insert = f"INSERT INTO {THROTTLE_TABLE} (throttle_key, window_start, failures) VALUES {rows}"
    if dialect == "mysql":
        # failures is assigned before window_start: MySQL evaluates SET left to right with the new values
        return f"""{insert} ON DUPLICATE KEY UPDATE
            failures = CASE WHEN window_start <= %(cutoff)s THEN 1 ELSE failures + 1 END,
            window_start = CASE WHEN window_start <= %(cutoff)s THEN VALUES(window_start) ELSE window_start END"""
    passed = f"{THROTTLE_TABLE}.window_start <= %(cutoff)s"  # the SET list reads the row as it was
    return f"""{insert} ON CONFLICT (throttle_key) DO UPDATE SET
        failures = CASE WHEN {passed} THEN 1 ELSE {THROTTLE_TABLE}.failures + 1 END,
        window_start = CASE WHEN {passed} THEN excluded.window_start ELSE {THROTTLE_TABLE}.window_start END"""


def _schema(dialect: str) -> list[str]:
    index = "" if dialect != "mysql" else ", INDEX cognito_migrate_ledger_login (login_key)"
    statements = [
        f"""CREATE TABLE IF NOT EXISTS {LEDGER_TABLE} (
            subject VARCHAR(48) NOT NULL PRIMARY KEY, known SMALLINT NOT NULL, login_key VARCHAR(48),
            first_at BIGINT NOT NULL, last_at BIGINT NOT NULL, last_reason VARCHAR(80) NOT NULL,
            scheme VARCHAR(80), migrated_at BIGINT, created_at BIGINT, request_id VARCHAR(80) NOT NULL{index})""",
        f"""CREATE TABLE IF NOT EXISTS {COUNTS_TABLE} (
            subject VARCHAR(48) NOT NULL, count_key VARCHAR(80) NOT NULL, n INTEGER NOT NULL,
            PRIMARY KEY (subject, count_key))""",
        f"""CREATE TABLE IF NOT EXISTS {GROUPS_TABLE} (
            subject VARCHAR(48) NOT NULL PRIMARY KEY, assigned_at BIGINT NOT NULL)""",
        f"""CREATE TABLE IF NOT EXISTS {THROTTLE_TABLE} (
            throttle_key VARCHAR(48) NOT NULL PRIMARY KEY, window_start BIGINT NOT NULL, failures INTEGER NOT NULL)""",
    ]
    if dialect != "mysql":
        statements.append(f"CREATE INDEX IF NOT EXISTS cognito_migrate_ledger_login ON {LEDGER_TABLE} (login_key)")
    return statements


class SqlLedger:
    """A :class:`~cognito_migrate.ledger.backend.LedgerBackend` over one DB-API connection."""

    def __init__(self, module: Any, connect: Callable[[], Any], *, dialect: str) -> None:
        self._module = module
        self._connect = connect
        self._dialect = dialect
        self._conn: Any = None
        self._lock = threading.Lock()  # one connection; the local Cognito calls from several threads

    @classmethod
    def from_url(cls, url: str, *, timeout: float, password: Callable[[], str | None]) -> SqlLedger:
        scheme = url.split(":", 1)[0].split("+", 1)[0].lower()
        if scheme == "sqlite":
            return _sqlite(url, timeout)
        if scheme in ("postgresql", "postgres"):
            return _postgres(url, timeout, password)
        return _mysql(url, timeout, password)

    # -- the protocol -------------------------------------------------------------------------------------
    def record(self, attempt: Attempt, timeout: float) -> bool:
        values = {
            "subject": attempt.subject,
            "known": int(attempt.known),
            "at": attempt.at,
            "last_reason": count_key(attempt.outcome, attempt.reason),
            "scheme": attempt.scheme,
            "migrated_at": attempt.at if attempt.migrated else None,
            "login_key": attempt.login_key if attempt.migrated else None,
            "request_id": attempt.request_id,
        }
        values["key"] = values["last_reason"]
        # each statement refuses a request id counted already: no read-modify-write, no lost race
        record = _record_upsert(self._dialect)
        if self._dialect == "postgres":
            # one round trip: the count is added only for a row the record's upsert wrote
            count = _count_upsert(self._dialect, source="SELECT %(subject)s, %(key)s, 1 FROM counted")
            return bool(self._run("record", f"WITH counted AS ({record} RETURNING 1) {count}", values, fetch=False))
        if not self._run("record", record, values, fetch=False):
            return False  # this request id was counted already (a retried invocation)
        self._run("record", _count_upsert(self._dialect), values, fetch=False)
        return True

    def mark_created(self, login_keys: Sequence[str], at: int, timeout: float) -> int:
        if not login_keys:
            return 0
        names, placeholders = _keys(login_keys)
        return int(
            self._run(
                "mark_created",
                f"""UPDATE {LEDGER_TABLE} SET created_at = %(at)s WHERE login_key IN ({placeholders})
                AND migrated_at IS NOT NULL AND created_at IS NULL""",
                {**names, "at": at},
                fetch=False,
            )
        )

    def groups_pending(self, login_keys: Sequence[str], timeout: float) -> bool:
        if not login_keys:
            return False
        names, placeholders = _keys(login_keys)
        rows = self._run(
            "groups_pending",
            f"""SELECT 1 FROM {LEDGER_TABLE} l WHERE l.login_key IN ({placeholders}) AND l.migrated_at IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM {GROUPS_TABLE} g WHERE g.subject = l.subject)""",
            names,
        )
        return bool(rows)

    def mark_groups_assigned(self, login_keys: Sequence[str], at: int, timeout: float) -> None:
        if not login_keys:
            return
        names, placeholders = _keys(login_keys)
        if self._dialect == "mysql":
            conflict = f"ON DUPLICATE KEY UPDATE {GROUPS_TABLE}.assigned_at = {GROUPS_TABLE}.assigned_at"
        else:
            conflict = "ON CONFLICT (subject) DO NOTHING"  # SQLite parses it after a SELECT that has a WHERE
        self._run(
            "mark_groups_assigned",
            f"""INSERT INTO {GROUPS_TABLE} (subject, assigned_at) SELECT subject, %(at)s FROM {LEDGER_TABLE}
            WHERE login_key IN ({placeholders}) AND migrated_at IS NOT NULL {conflict}""",
            {**names, "at": at},
            fetch=False,
        )

    def failures(self, keys: Sequence[str], since: int, timeout: float) -> dict[str, int]:
        names, placeholders = _keys(keys)
        rows = self._run(
            "failures",
            f"SELECT throttle_key, failures FROM {THROTTLE_TABLE} WHERE throttle_key IN ({placeholders})"
            " AND window_start > %(since)s",
            {**names, "since": since},
        )
        return {str(key): int(count) for key, count in rows}

    def add_failure(self, keys: Sequence[str], at: int, window: int, timeout: float) -> None:
        unique = list(dict.fromkeys(keys))  # one statement may not write a row twice
        if unique:
            names = {f"k{i}": key for i, key in enumerate(unique)}
            sql = _failure_upsert(self._dialect, len(unique))
            self._run("add_failure", sql, {**names, "at": at, "cutoff": at - window}, fetch=False)

    def records(self) -> Iterator[UserRecord]:
        counts: dict[str, dict[str, int]] = {}
        for subject, key, n in self._run("records", f"SELECT subject, count_key, n FROM {COUNTS_TABLE}", {}):
            counts.setdefault(str(subject), {})[str(key)] = int(n)
        rows = self._run("records", f"SELECT {', '.join(_COLUMNS[:-1])} FROM {LEDGER_TABLE}", {})
        for row in rows:
            data = dict(zip(_COLUMNS, row, strict=False))
            data["counts"] = counts.get(str(data["subject"]), {})
            yield UserRecord.from_row(data)

    def close(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(self._module.Error):
                conn.close()

    # -- plumbing -----------------------------------------------------------------------------------------
    def _run(self, operation: str, sql: str, params: dict[str, Any], *, fetch: bool = True) -> Any:
        """Rows (``fetch``) or the row count; one reconnect when the kept connection has gone away."""
        if self._dialect == "sqlite":
            sql = _PARAM.sub(r":\1", sql)
        with self._lock:
            for attempt in (1, 2):
                try:
                    conn = self._connection()
                    cur = conn.cursor()
                    try:
                        cur.execute(sql, params)
                        return cur.fetchall() if fetch else cur.rowcount
                    finally:
                        cur.close()
                except self._module.IntegrityError:
                    raise LedgerUnavailableError(f"{operation}: integrity error") from None
                except (self._module.OperationalError, self._module.InterfaceError, OSError) as exc:
                    self._drop()
                    if attempt == 2 or _is_timeout(exc):
                        raise LedgerUnavailableError(f"{operation}: {type(exc).__name__}") from None
                except self._module.Error as exc:
                    raise LedgerUnavailableError(f"{operation}: {type(exc).__name__}") from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _connection(self) -> Any:
        if self._conn is None:
            conn = self._connect()
            try:
                cur = conn.cursor()
                for statement in _schema(self._dialect):
                    cur.execute(statement)
                cur.close()
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):  # the connection is broken already
                conn.close()


def _keys(keys: Sequence[str]) -> tuple[dict[str, str], str]:
    """``keys`` as named parameters (``k0``...) and the placeholders of an ``IN (...)`` list."""
    names = {f"k{i}": key for i, key in enumerate(keys)}
    return names, ", ".join(f"%({name})s" for name in names)


def _is_timeout(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "timeout" in text or "timed out" in text or "canceling statement" in text


def _import(module: str, extra: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ModuleNotFoundError:
        raise BackendNotAvailableError(f"a {extra} ledger", extra) from None


def _sqlite(url: str, timeout: float) -> SqlLedger:
    import sqlite3

    path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else ""
    if not path:
        raise ConfigError("ledger.url", "a SQLite URL looks like sqlite:///relative/path.db or sqlite:////absolute.db")

    def connect() -> Any:
        # autocommit (isolation_level None): every statement is its own transaction, as on the servers.
        # WAL with synchronous=NORMAL: a commit appends to the log without an fsync (the default journal
        # fsyncs every commit, ~45 ms on this machine's disk: BENCHMARKS.md); a power cut may lose the last
        # records, never corrupt the file, and the ledger never changes an answer anyway.
        conn = sqlite3.connect(path, timeout=timeout, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    return SqlLedger(sqlite3, connect, dialect="sqlite")


def _postgres(url: str, timeout: float, password: Callable[[], str | None]) -> SqlLedger:
    module = _import("psycopg2", "postgres")
    dsn = "postgresql://" + url.split("://", 1)[1]

    def connect() -> Any:
        kwargs: dict[str, Any] = {
            "connect_timeout": max(1, int(timeout + 0.999)),
            "application_name": "cognito-migrate-ledger",
            # synchronous_commit off: a commit does not wait for the server's WAL flush (~20 ms per statement
            # on a disk like this machine's: BENCHMARKS.md); a server crash may lose the last moments of
            # records, never corrupt them, and the ledger never changes an answer
            "options": f"-c statement_timeout={max(1, int(timeout * 1000))} -c synchronous_commit=off",
        }
        secret = password()
        if secret is not None:
            kwargs["password"] = secret
        conn = module.connect(dsn, **kwargs)
        conn.autocommit = True
        return conn

    return SqlLedger(module, connect, dialect="postgres")


def _mysql(url: str, timeout: float, password: Callable[[], str | None]) -> SqlLedger:
    from urllib.parse import unquote, urlsplit

    module = _import("pymysql", "mysql")
    try:
        parts = urlsplit(url)
        port = parts.port or 3306
    except ValueError:
        raise ConfigError("ledger.url", "cannot read host and port; percent-encode special characters") from None

    def connect() -> Any:
        secret = password()
        return module.connect(
            host=parts.hostname or "127.0.0.1",
            port=port,
            user=unquote(parts.username) if parts.username else "root",
            password=secret if secret is not None else (unquote(parts.password) if parts.password else ""),
            database=parts.path.lstrip("/") or None,
            charset="utf8mb4",
            connect_timeout=max(timeout, 0.05),
            read_timeout=timeout,
            write_timeout=timeout,
            autocommit=True,
        )

    return SqlLedger(module, connect, dialect="mysql")

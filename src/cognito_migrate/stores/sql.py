"""The SQL legacy store: a parameterized query per sign-in field, one row, read into a :class:`LegacyUser`.

The connection is opened on first use and kept for the container's life (warm invocations reuse it);
a broken connection is re-opened once, within the deadline. Nothing from the event is ever interpolated
into SQL: the sign-in name is always a bound parameter.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
from typing import TYPE_CHECKING, Any, Final

from cognito_migrate.errors import LegacyUnavailableError, MalformedRecordError
from cognito_migrate.models import Credential, LegacyUser
from cognito_migrate.stores.base import LookupResult

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from cognito_migrate.mapping.identity import LoginField
    from cognito_migrate.models import Deadline
    from cognito_migrate.stores.sql_drivers import Driver

_TRUE: Final = frozenset({"1", "true", "t", "yes", "y", "on"})
_FALSE: Final = frozenset({"0", "false", "f", "no", "n", "off", ""})
_SECRET_COLUMNS: Final = ("password_hash", "salt", "hash_params")


class SqlUserStore:
    """A :class:`~cognito_migrate.stores.base.UserStore` over one database and a query per sign-in field."""

    def __init__(
        self,
        driver: Driver,
        *,
        queries: Mapping[LoginField, str],
        columns: Mapping[str, str],
        sample_query: str | None = None,
        normalize: str = "none",
        connect_timeout: float = 2.0,
        query_timeout: float = 2.0,
        forget_secret: Callable[[], None] | None = None,
        clock: Any = None,
    ) -> None:
        self._driver = driver
        self._queries = {field: driver.prepare(sql) for field, sql in queries.items()}
        self._sample = driver.prepare(sample_query) if sample_query else None
        self._rows = RowReader(columns, clock=clock)
        self._normalize = normalize
        self._connect_timeout = connect_timeout
        self._query_timeout = query_timeout
        self._forget_secret = forget_secret or (lambda: None)
        self._conn: Any = None
        self._lock = threading.Lock()  # one connection; the local Cognito may call from several threads

    @property
    def fields(self) -> frozenset[str]:
        """The sign-in fields this store has a query for."""
        return frozenset(self._queries)

    def find(self, login: str, *, fields: Sequence[LoginField], deadline: Deadline) -> LookupResult | None:
        key = normalize_login(login, self._normalize)
        with self._lock:
            for field in fields:
                query = self._queries.get(field)
                if query is None:
                    continue
                rows = self._fetch(query, {"username": key}, deadline)
                if len(rows) == 1:
                    return LookupResult(self._read(rows[0]), field)
                # Two users share this name or alias: never pick one at random. The next field may still
                # match exactly one user; otherwise the sign-in fails like an unknown user.
        return None

    def sample_credential(self, deadline: Deadline) -> Credential | None:
        """One real stored credential (any user's), to calibrate the unknown-user dummy; None without a query."""
        if self._sample is None:
            return None
        with self._lock:
            rows = self._fetch(self._sample, {}, deadline)
        if not rows:
            return None
        try:
            return self._rows.credential(rows[0])
        except MalformedRecordError:
            return None

    def describe(self, deadline: Deadline) -> dict[str, list[str]]:
        """The columns each lookup query returns (run with a name nobody has), for ``config validate``."""
        out: dict[str, list[str]] = {}
        with self._lock:
            for field, query in self._queries.items():
                conn = self._connection(deadline)
                cursor = conn.cursor()
                try:
                    cursor.execute(query, {"username": "\x01cognito-migrate-validate"})
                    out[field] = [d[0] for d in cursor.description]
                    cursor.fetchall()
                except self._driver.error as exc:
                    self._drop()
                    raise LegacyUnavailableError(f"the {field} query failed: {type(exc).__name__}: {exc}") from None
                finally:
                    with contextlib.suppress(Exception):
                        cursor.close()
        return out

    @property
    def column_roles(self) -> dict[str, str]:
        return self._rows.columns

    def close(self) -> None:
        with self._lock:
            self._drop()

    # ---------------------------------------------------------------------------------------- internals

    def _read(self, row: dict[str, Any]) -> LegacyUser:
        try:
            return self._rows.read(row)
        except MalformedRecordError:
            raise
        except Exception as exc:  # noqa: BLE001 - a hostile or corrupt row must look like any unreadable row
            raise MalformedRecordError("(row)", f"unreadable ({type(exc).__name__})") from None

    def _fetch(self, query: str, params: dict[str, str], deadline: Deadline) -> list[dict[str, Any]]:
        for attempt in (1, 2):
            if deadline.expired:
                raise LegacyUnavailableError("deadline spent before the legacy store answered")
            conn = self._connection(deadline)
            try:
                return self._run(conn, query, params, deadline)
            except self._driver.transient as exc:
                # the connection broke (or the server went away between invocations): one reconnect,
                # if the deadline leaves time for it
                self._drop()
                if attempt == 2 or deadline.remaining() < self._connect_timeout / 4:
                    raise LegacyUnavailableError(f"legacy store query failed ({type(exc).__name__})") from exc
            except self._driver.error as exc:
                self._drop()
                raise LegacyUnavailableError(f"legacy store query failed ({type(exc).__name__})") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _run(self, conn: Any, query: str, params: dict[str, str], deadline: Deadline) -> list[dict[str, Any]]:
        left = deadline.remaining()
        restore = self._driver.limit(conn, left) if left < self._query_timeout else None
        try:
            cursor = conn.cursor()
            try:
                cursor.execute(query, params)
                names = [d[0] for d in cursor.description]
                return [dict(zip(names, row, strict=True)) for row in cursor.fetchmany(2)]
            finally:
                cursor.close()
        finally:
            if restore is not None:
                restore()

    def _connection(self, deadline: Deadline) -> Any:
        if self._conn is None:
            try:
                self._conn = self._driver.connect(deadline.timeout(self._connect_timeout))
            except (self._driver.error, OSError) as exc:
                self._forget_secret()  # a rotated password is fetched again on the next attempt
                raise LegacyUnavailableError(f"cannot connect to the legacy store ({type(exc).__name__})") from exc
        return self._conn

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            # a broken connection may fail to close; it is discarded anyway
            with contextlib.suppress(Exception):
                conn.close()


def normalize_login(login: str, how: str) -> str:
    """Apply the store's explicit case rule to the typed name before it is bound to the query.

    ``upper`` maps character by character and keeps characters whose upper case is longer (``ß``), as
    .NET's ``ToUpperInvariant`` (ASP.NET Identity's normalizer) does.
    """
    if how == "lower":
        return login.lower()
    if how == "upper":
        return "".join(u if len(u := c.upper()) == 1 else c for c in login)
    return login


class RowReader:
    """Turns one result row into a :class:`LegacyUser`, using the configured column roles."""

    def __init__(self, columns: Mapping[str, str], *, clock: Any = None) -> None:
        self.columns = self._columns = dict(columns)
        self._now = clock or (lambda: dt.datetime.now(dt.UTC))

    def read(self, row: Mapping[str, Any]) -> LegacyUser:
        username = self._value(row, "username")
        if not isinstance(username, str) or not username:
            raise MalformedRecordError(self._columns["username"], "missing or not text")
        hidden = {self._columns[c] for c in _SECRET_COLUMNS if c in self._columns}
        return LegacyUser(
            username=username,
            credential=self.credential(row),
            profile={k: v for k, v in row.items() if k not in hidden},
            email=self._text(row, "email"),
            email_verified=self._flag(row, "email_verified", default=False),
            phone_number=self._text(row, "phone_number"),
            phone_number_verified=self._flag(row, "phone_number_verified", default=False),
            disabled=self._flag(row, "disabled", default=False) or not self._flag(row, "enabled", default=True),
            locked_out=self._flag(row, "locked", default=False) or self._locked_until(row),
            must_change_password=self._flag(row, "must_change_password", default=False),
        )

    def _value(self, row: Mapping[str, Any], role: str) -> Any:
        column = self._columns.get(role)
        if column is None:
            return None
        if column in row:
            return row[column]
        lowered = {k.lower(): k for k in row}
        if column.lower() in lowered:
            return row[lowered[column.lower()]]
        raise MalformedRecordError(column, f"the query does not return this column (role {role})")

    def _text(self, row: Mapping[str, Any], role: str) -> str | None:
        value = self._value(row, role)
        if value is None:
            return None
        if isinstance(value, bytes | bytearray | memoryview):
            try:
                value = bytes(value).decode("utf-8")
            except UnicodeDecodeError:
                raise MalformedRecordError(self._columns[role], "not UTF-8 text") from None
        if not isinstance(value, str):
            raise MalformedRecordError(self._columns[role], f"expected text, got {type(value).__name__}")
        return value.strip() or None

    def _flag(self, row: Mapping[str, Any], role: str, *, default: bool) -> bool:
        value = self._value(row, role)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value != 0
        if isinstance(value, bytes) and len(value) == 1:  # MySQL BIT(1)
            return value != b"\x00"
        if isinstance(value, str):
            lowered = value.strip().lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
        raise MalformedRecordError(self._columns[role], "expected a boolean (true/false, 1/0)")

    def _locked_until(self, row: Mapping[str, Any]) -> bool:
        value = self._value(row, "lockout_end")
        if value is None or not self._flag(row, "lockout_enabled", default=True):
            return False
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value.strip())
            except ValueError:
                raise MalformedRecordError(self._columns["lockout_end"], "not a date and time") from None
        if not isinstance(value, dt.datetime):
            raise MalformedRecordError(self._columns["lockout_end"], "not a date and time")
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)  # Identity stores UTC
        return bool(value > self._now())

    def credential(self, row: Mapping[str, Any]) -> Credential | None:
        stored = self._text(row, "password_hash")
        if stored is None:
            return None
        params: dict[str, Any] = {}
        raw_params = self._value(row, "hash_params")
        if raw_params is not None:
            if isinstance(raw_params, str):
                try:
                    raw_params = json.loads(raw_params)
                except ValueError:
                    raise MalformedRecordError(self._columns["hash_params"], "not a JSON object") from None
            if not isinstance(raw_params, dict):
                raise MalformedRecordError(self._columns["hash_params"], "not a JSON object")
            params.update(raw_params)
        salt = self._value(row, "salt")
        if salt is not None:
            params["salt"] = salt
        return Credential(stored=stored, scheme=self._text(row, "scheme"), params=params)

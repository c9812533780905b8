"""The SQL legacy store: a parameterized query per sign-in field, run through a plain DB-API driver.

The flow (normalizing, field order, ambiguity, the one reconnect, reading rows, the deadline) is
:class:`~cognito_migrate.stores.base.UserStore`'s; this module only runs queries. The connection is opened
on first use and kept for the container's life (warm invocations reuse it); after any failure it is dropped,
and a broken one is re-opened (by the base) only when a whole ``connect_timeout`` is left. How each statement
is bounded, on the client and on the server, is ``sql_drivers``'s. Nothing from the event is ever
interpolated into SQL: the sign-in name is always a bound parameter.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, Final

from cognito_migrate.cognito_rules import MAX_GROUPS_PER_USER
from cognito_migrate.errors import ConfigError, LegacyUnavailableError, MalformedRecordError
from cognito_migrate.stores.base import ConnectionLost, UserStore
from cognito_migrate.stores.rows import CUSTOM_RESET, ResetRule, RowReader

if TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterator, Mapping

    from cognito_migrate.mapping.identity import LoginField
    from cognito_migrate.models import Deadline, LegacyUser
    from cognito_migrate.stores.sql_drivers import Driver, Rows, Session

# bound to the lookup queries by ``config validate``: no user has it, so no row (and no hash) comes back
_NOBODY: Final = "\x01cognito-migrate-validate"


class SqlUserStore(UserStore):
    """A :class:`~cognito_migrate.stores.base.UserStore` over one database and a query per sign-in field."""

    def __init__(
        self,
        driver: Driver,
        *,
        queries: Mapping[LoginField, str],
        columns: Mapping[str, str],
        sample_query: str | None = None,
        list_query: str | None = None,
        groups_query: str | None = None,
        reset_rule: ResetRule = CUSTOM_RESET,
        normalize: str = "none",
        connect_timeout: float = 2.0,
        query_timeout: float = 2.0,
        forget_secret: Callable[[], None] | None = None,
        clock: Any = None,
    ) -> None:
        super().__init__(
            lookup_fields=set(queries),
            rows=RowReader(columns, clock=clock, reset_rule=reset_rule),
            normalize=normalize,
            # a reconnect is tried only when it has the whole time a connect may take
            reconnect_budget=connect_timeout,
        )
        self._driver = driver
        self._queries = {field: driver.prepare(sql) for field, sql in queries.items()}
        self._sample_query = driver.prepare(sample_query) if sample_query else None
        self._list_query = driver.prepare(list_query) if list_query else None
        self._groups_query = driver.prepare(groups_query) if groups_query else None
        self._connect_timeout = connect_timeout
        self._query_timeout = query_timeout
        self._forget_secret = forget_secret or (lambda: None)
        self._session: Session | None = None

    # ------------------------------------------------------------------------------------ steps

    def _lookup(self, field: LoginField, key: str, deadline: Deadline) -> list[dict[str, Any]]:
        return self._rows_of(self._queries[field], {"username": key}, deadline)

    def _sample(self, deadline: Deadline) -> dict[str, Any] | None:
        if self._sample_query is None:
            return None
        rows = self._rows_of(self._sample_query, {}, deadline)
        return rows[0] if rows else None

    def _groups(self, user: LegacyUser, deadline: Deadline) -> list[str]:
        """``groups_query``'s first column, one group per row, with ``:username`` bound to the legacy user name."""
        if self._groups_query is None:
            return []
        _, rows = self._fetch(self._groups_query, {"username": user.username}, deadline, MAX_GROUPS_PER_USER)
        names = []
        for row in rows:
            value = row[0] if row else None
            if isinstance(value, bytes | bytearray | memoryview):
                value = bytes(value).decode("utf-8", "replace")
            if not isinstance(value, str):
                raise MalformedRecordError("groups_query", "the first column must hold the group name as text")
            names.append(value.strip())
        return [n for n in names if n]

    def _columns(self, field: LoginField, deadline: Deadline) -> list[str]:
        try:
            names, _ = self._fetch(self._queries[field], {"username": _NOBODY}, deadline, 1)
        except LegacyUnavailableError as exc:
            # the server's own words help here (a missing column); this never runs in the trigger
            detail = f"{exc}: {exc.__cause__}" if exc.__cause__ else str(exc)
            raise LegacyUnavailableError(f"the {field} query failed: {detail}") from None
        return names

    def _batches(self, batch_size: int) -> Iterator[list[dict[str, Any]]]:
        """Every row of ``store.list_query``, streamed on a session of its own (see :meth:`Driver.stream`)."""
        if self._list_query is None:
            raise ConfigError("store.list_query", "required to read every user (audit): the presets have one")
        for names, rows in self._stream(self._list_query, batch_size):
            yield [dict(zip(names, row, strict=True)) for row in rows]

    def _count(self) -> int | None:
        if self._list_query is None:
            return None
        count = f"SELECT COUNT(*) FROM ({self._list_query}) AS listed"  # noqa: S608 - the configured query
        with contextlib.closing(self._stream(count, 1)) as batches:
            for _, rows in batches:
                return int(rows[0][0])
        return None

    def _stream(self, query: str, batch_size: int) -> Generator[Rows, None, None]:
        try:
            yield from self._driver.stream(query, batch_size, self._connect_timeout)
        except LegacyUnavailableError:
            self._forget_secret()  # a rotated password is fetched again next time
            raise

    def _disconnect(self) -> None:
        self._drop()

    # ------------------------------------------------- for the lookup index check (stores/indexes.py)

    @property
    def lookup_queries(self) -> dict[str, str]:
        """Each sign-in field's query as the driver runs it."""
        return {str(field): query for field, query in self._queries.items()}

    @property
    def driver_module(self) -> str:
        """The DB-API module's name (``sqlite3``, ``psycopg2``, ``pymysql``, ``pytds``)."""
        return str(self._driver.module.__name__)

    def run_statement(self, sql: str, deadline: Deadline) -> list[dict[str, Any]]:
        """Run one statement that returns rows (``EXPLAIN ...``) with ``:username`` bound to a name nobody
        has; never used by the trigger. Failures are :class:`LegacyUnavailableError`, as for a lookup."""
        with self._lock:
            names, rows = self._fetch(sql, {"username": _NOBODY}, deadline, 1000)
        return [dict(zip(names, row, strict=True)) for row in rows]

    # ---------------------------------------------------------------------------------------- internals

    def _rows_of(self, query: str, params: dict[str, str], deadline: Deadline) -> list[dict[str, Any]]:
        names, rows = self._fetch(query, params, deadline, 2)
        return [dict(zip(names, row, strict=True)) for row in rows]

    def _fetch(self, query: str, params: dict[str, str], deadline: Deadline, max_rows: int) -> Rows:
        session = self._connection(deadline)
        try:
            return self._driver.run(session, query, params, deadline.timeout(self._query_timeout), max_rows)
        except (ConnectionLost, LegacyUnavailableError):
            self._drop()  # broken, or in an unknown state after a timeout: the next step opens a new one
            raise

    def _connection(self, deadline: Deadline) -> Session:
        if self._session is None:
            try:
                self._session = self._driver.open(deadline.timeout(self._connect_timeout))
            except LegacyUnavailableError:
                self._forget_secret()  # a rotated password is fetched again on the next attempt
                raise
        return self._session

    def _drop(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            self._driver.close(session)

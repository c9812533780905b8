"""The SQL legacy store: a parameterized query per sign-in field, run through a plain DB-API driver.

The flow (normalizing, field order, ambiguity, the one reconnect, reading rows, the deadline) is
:class:`~cognito_migrate.stores.base.UserStore`'s; this module only runs queries. The connection is opened
on first use and kept for the container's life (warm invocations reuse it). Nothing from the event is
ever interpolated into SQL: the sign-in name is always a bound parameter.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, Final

from cognito_migrate.errors import LegacyUnavailableError
from cognito_migrate.stores.base import ConnectionLost, UserStore
from cognito_migrate.stores.rows import RowReader

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from cognito_migrate.mapping.identity import LoginField
    from cognito_migrate.models import Deadline
    from cognito_migrate.stores.sql_drivers import Driver

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
        normalize: str = "none",
        connect_timeout: float = 2.0,
        query_timeout: float = 2.0,
        forget_secret: Callable[[], None] | None = None,
        clock: Any = None,
    ) -> None:
        super().__init__(
            lookup_fields=set(queries),
            rows=RowReader(columns, clock=clock),
            normalize=normalize,
            # a reconnect is worth trying only if it has a fair part of a connect's time left
            reconnect_budget=connect_timeout / 4,
        )
        self._driver = driver
        self._queries = {field: driver.prepare(sql) for field, sql in queries.items()}
        self._sample_query = driver.prepare(sample_query) if sample_query else None
        self._connect_timeout = connect_timeout
        self._query_timeout = query_timeout
        self._forget_secret = forget_secret or (lambda: None)
        self._conn: Any = None

    # ------------------------------------------------------------------------------------ steps

    def _lookup(self, field: LoginField, key: str, deadline: Deadline) -> list[dict[str, Any]]:
        return self._fetch(self._queries[field], {"username": key}, deadline)

    def _sample(self, deadline: Deadline) -> dict[str, Any] | None:
        if self._sample_query is None:
            return None
        rows = self._fetch(self._sample_query, {}, deadline)
        return rows[0] if rows else None

    def _columns(self, field: LoginField, deadline: Deadline) -> list[str]:
        conn = self._connection(deadline)
        cursor = conn.cursor()
        try:
            cursor.execute(self._queries[field], {"username": _NOBODY})
            names = [d[0] for d in cursor.description]
            cursor.fetchall()
        except self._driver.error as exc:
            self._drop()
            raise LegacyUnavailableError(f"the {field} query failed: {type(exc).__name__}: {exc}") from None
        finally:
            with contextlib.suppress(Exception):
                cursor.close()
        return names

    def _disconnect(self) -> None:
        self._drop()

    # ---------------------------------------------------------------------------------------- internals

    def _fetch(self, query: str, params: dict[str, str], deadline: Deadline) -> list[dict[str, Any]]:
        conn = self._connection(deadline)
        try:
            return self._run(conn, query, params, deadline)
        except self._driver.transient as exc:
            # the connection broke (or the server went away between invocations): the base reconnects once
            raise ConnectionLost(type(exc).__name__) from exc
        except self._driver.error as exc:
            self._drop()
            raise LegacyUnavailableError(f"legacy store query failed ({type(exc).__name__})") from exc

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

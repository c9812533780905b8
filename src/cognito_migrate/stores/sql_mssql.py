"""SQL Server through python-tds (pure Python: no ODBC driver to ship in a Lambda package).

Not tested against a server here (the machine runs none). The login is bounded by the time given to
:meth:`open`; each statement by ``store.query_timeout`` (python-tds's socket timeout, fixed per connection),
not by the time left: the store's deadline checks between statements are the only finer bound.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cognito_migrate.stores.sql_drivers import Driver, Session, import_module, split_url

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping


class MssqlDriver(Driver):
    def __init__(self, url: str, password: Callable[[], str | None], *, query_timeout: float) -> None:
        self._parts = split_url(url, 1433, options=())
        where = f"{self._parts['host']}:{self._parts['port']}"
        super().__init__(import_module("pytds", "mssql"), query_timeout=query_timeout, where=where)
        self._password = password

    def _open(self, timeout: float, end: float) -> Session:
        parts = self._parts
        secret = self._password()
        conn = self.module.connect(
            dsn=parts["host"],
            port=parts["port"],
            database=parts["database"],
            user=parts["user"],
            password=secret if secret is not None else parts["password"],
            login_timeout=timeout,
            timeout=self.query_timeout,
            autocommit=True,
        )
        return Session(conn)

    def _execute(self, session: Session, query: str, params: Mapping[str, str], timeout: float) -> Any:
        cursor = session.conn.cursor()
        cursor.execute(query, params)
        return cursor


def driver(url: str, *, password: Callable[[], str | None], query_timeout: float) -> MssqlDriver:
    return MssqlDriver(url, password, query_timeout=query_timeout)

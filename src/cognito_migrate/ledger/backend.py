"""The protocol every ledger backend implements, and :func:`open_backend`, which picks one by URL scheme.

A backend stores two kinds of records: ledger records (one per legacy user, or per unknown sign-in name)
and throttle counters (failures within a window, per hashed sign-in name or source address). Every
method is bounded by ``timeout`` seconds and raises :class:`~cognito_migrate.errors.LedgerUnavailableError`
when the backend cannot answer; the recorder and the throttle turn that into a log line and a metric, never
into a different answer to Cognito.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Protocol

from cognito_migrate.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from cognito_migrate.ledger.records import Attempt, UserRecord

SQL_SCHEMES: Final = ("sqlite", "postgresql", "postgres", "mysql", "mariadb")
URL_SCHEMES: Final = ("dynamodb", *SQL_SCHEMES)


class LedgerBackend(Protocol):
    """Where ledger records and throttle counters live."""

    def record(self, attempt: Attempt, timeout: float) -> bool:
        """Count ``attempt`` in its record; False when this request id was counted already (a retry)."""
        ...

    def mark_created(self, login_keys: Sequence[str], at: int, timeout: float) -> int:
        """Note that Cognito holds the migrated user known by one of ``login_keys``; how many records changed."""
        ...

    def groups_pending(self, login_keys: Sequence[str], timeout: float) -> bool:
        """Whether a migrated user known by one of ``login_keys`` has not had its legacy groups assigned yet."""
        ...

    def mark_groups_assigned(self, login_keys: Sequence[str], at: int, timeout: float) -> None:
        """Note that the groups of the migrated user known by one of ``login_keys`` are assigned (idempotent)."""
        ...

    def failures(self, keys: Sequence[str], since: int, timeout: float) -> dict[str, int]:
        """Failures counted for each of ``keys`` in a window that started after ``since`` (absent: none)."""
        ...

    def add_failure(self, keys: Sequence[str], at: int, window: int, timeout: float) -> None:
        """Count one failure for each key; a key whose window has passed starts a new one at ``at``."""
        ...

    def records(self) -> Iterator[UserRecord]:
        """Every ledger record (for ``status``; not on the trigger's path)."""
        ...

    def close(self) -> None: ...


def open_backend(url: str, *, timeout: float, password: Callable[[], str | None] | None = None) -> LedgerBackend:
    """The backend for ``[ledger] url``; its driver module is imported here, and only here."""
    scheme = url.split(":", 1)[0].split("+", 1)[0].lower() if ":" in url else ""
    if scheme == "dynamodb":
        from cognito_migrate.ledger.dynamodb import DynamoLedger

        return DynamoLedger.from_url(url, timeout=timeout)
    if scheme in SQL_SCHEMES:
        from cognito_migrate.ledger.sql import SqlLedger

        return SqlLedger.from_url(url, timeout=timeout, password=password or (lambda: None))
    raise ConfigError("ledger.url", f"unsupported URL scheme {scheme!r}; expected one of {', '.join(URL_SCHEMES)}")

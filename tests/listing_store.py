"""A legacy store over a list of rows that can be enumerated (``UserStore.scan``), for the export tests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cognito_migrate.stores.base import UserStore

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from cognito_migrate.mapping.identity import LoginField
    from cognito_migrate.models import Deadline

COLUMNS = {
    "username": "username",
    "password_hash": "password_hash",
    "email": "email",
    "email_verified": "email_verified",
    "phone_number": "phone",
    "phone_number_verified": "phone_verified",
    "disabled": "disabled",
}


def row(username: str, **values: Any) -> dict[str, Any]:
    """A legacy row: a verified e-mail unless told otherwise."""
    return {
        "username": username,
        "password_hash": None,
        "email": f"{username}@example.com",
        "email_verified": True,
        "phone": None,
        "phone_verified": False,
        "disabled": False,
        **values,
    }


class ListingStore(UserStore):
    """Rows in memory; looked up by user name or e-mail, listed ``batch_size`` at a time."""

    def __init__(self, rows: Sequence[Mapping[str, Any]]) -> None:
        super().__init__(lookup_fields={"username", "email"}, columns=COLUMNS)
        self.rows = list(rows)

    def _lookup(self, field: LoginField, key: str, deadline: Deadline) -> list[Mapping[str, Any]]:
        column = COLUMNS[field]
        return [r for r in self.rows if str(r.get(column) or "").lower() == key.lower()][:2]

    def _batches(self, batch_size: int) -> Iterator[Sequence[Mapping[str, Any]]]:
        for start in range(0, len(self.rows), batch_size):
            yield self.rows[start : start + batch_size]

    def _count(self) -> int:
        return len(self.rows)

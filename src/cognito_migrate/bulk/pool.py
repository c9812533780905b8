"""Reading a user pool within Cognito's request-rate quotas, with a boto3 client from ``cli/_pool.py``
(boto3's standard credential chain and ``AWS_ENDPOINT_URL``: AWS and ``cognito-migrate serve`` alike)."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any, Final

from cognito_migrate.bulk.export import PoolMembers

if TYPE_CHECKING:
    from collections.abc import Callable

# Cognito's quotas (per account and Region): ListUsers is in the UserList category, 30 requests per second
# and not adjustable, at most 60 users a page. Other tools of the account share the quota: use 80% of it.
LIST_USERS_PER_SECOND: Final = 30
LIST_USERS_PAGE: Final = 60
QUOTA_SHARE: Final = 0.8


class Pacer:
    """At most ``rate`` calls a second: :meth:`wait` sleeps until the next call is allowed."""

    def __init__(
        self, rate: float, *, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self._interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = self._clock()
            if now < self._next:
                self._sleep(self._next - now)
                now = self._next
            self._next = now + self._interval


def pool_members(
    cognito: Any, user_pool_id: str, *, case_sensitive: bool, progress: Callable[[int], None] = lambda _n: None
) -> PoolMembers:
    """Every user of the pool (ListUsers, paginated and paced under the UserList quota)."""
    pacer = Pacer(LIST_USERS_PER_SECOND * QUOTA_SHARE)
    names: set[str] = set()
    emails: set[str] = set()
    phones: set[str] = set()
    token: str | None = None
    while True:
        pacer.wait()
        kwargs: dict[str, Any] = {"UserPoolId": user_pool_id, "Limit": LIST_USERS_PAGE}
        if token:
            kwargs["PaginationToken"] = token
        page = cognito.list_users(**kwargs)
        for user in page.get("Users", []):
            names.add(user["Username"] if case_sensitive else user["Username"].lower())
            attributes = {a["Name"]: a["Value"] for a in user.get("Attributes", [])}
            if attributes.get("email"):
                emails.add(attributes["email"].lower())
            if attributes.get("phone_number"):
                phones.add(attributes["phone_number"])
        progress(len(page.get("Users", [])))
        token = page.get("PaginationToken")
        if not token:
            return PoolMembers(frozenset(names), frozenset(emails), frozenset(phones), case_sensitive)

"""Progress of a migration, from the ledger's records (and the legacy store's and the pool's counts).

Pure: records in, one :class:`Progress` out; ``status`` renders it as a table, a chart, JSON or HTML.
``migrated`` counts the legacy users Cognito confirmed it holds (the post-authentication / post-confirmation
step): "exists in Cognito". The trigger only knows what it answered, and Cognito can still refuse a user it
answered for (a schema error, an alias taken), so the trigger's own MIGRATED answers are counted apart as
``answered``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, Any, NamedTuple

from cognito_migrate.outcomes import Outcome, Reason

if TYPE_CHECKING:
    from collections.abc import Iterable

    from cognito_migrate.ledger.records import UserRecord


class Day(NamedTuple):
    date: str  # ISO date, UTC
    migrated: int  # confirmed created in Cognito that day
    answered: int  # the trigger answered MIGRATED that day


class Progress(NamedTuple):
    """What ``cognito-migrate status`` reports."""

    legacy_users: int | None
    migrated: int
    answered: int
    rejected_by_reason: dict[str, int]
    throttled: int
    legacy_outages: int
    attempts: int
    unknown_names: int
    daily: list[Day]
    pool_users: int | None = None

    @property
    def remaining(self) -> int | None:
        return None if self.legacy_users is None else max(self.legacy_users - self.migrated, 0)

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` document (keys documented in docs/operations.md)."""
        return {
            "legacy_users": self.legacy_users,
            "migrated": self.migrated,
            "confirmed_created": self.migrated,  # the same count, under the name it had before ``migrated`` did
            "answered": self.answered,
            "remaining": self.remaining,
            "rejected_by_reason": self.rejected_by_reason,
            "throttled": self.throttled,
            "legacy_outages": self.legacy_outages,
            "attempts": self.attempts,
            "unknown_names": self.unknown_names,
            "pool_users": self.pool_users,
            "daily": [day._asdict() for day in self.daily],
        }


def summarize(
    records: Iterable[UserRecord], *, legacy_users: int | None = None, pool_users: int | None = None
) -> Progress:
    """Add the records up; ``daily`` has one entry per day from the first migration to the last, gaps as 0."""
    rejected: Counter[str] = Counter()
    answered_on: Counter[dt.date] = Counter()
    migrated_on: Counter[dt.date] = Counter()
    answered = migrated = outages = attempts = unknown = 0
    for record in records:
        unknown += not record.known
        for key, count in record.counts.items():
            outcome, _, reason = key.partition(":")
            attempts += count
            if outcome == Outcome.REJECTED.value:
                rejected[reason] += count
            elif outcome == Outcome.LEGACY_UNAVAILABLE.value:
                outages += count
        if record.known and record.migrated_at is not None:
            answered += 1
            answered_on[_day(record.migrated_at)] += 1
        if record.known and record.created_at is not None:
            migrated += 1
            migrated_on[_day(record.created_at)] += 1
    return Progress(
        legacy_users=legacy_users,
        migrated=migrated,
        answered=answered,
        rejected_by_reason=dict(sorted(rejected.items(), key=lambda item: (-item[1], item[0]))),
        throttled=rejected.get(Reason.THROTTLED.value, 0),
        legacy_outages=outages,
        attempts=attempts,
        unknown_names=unknown,
        daily=_days(migrated_on, answered_on),
        pool_users=pool_users,
    )


def _day(epoch: int) -> dt.date:
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC).date()


def _days(migrated: Counter[dt.date], answered: Counter[dt.date]) -> list[Day]:
    dates = set(migrated) | set(answered)
    if not dates:
        return []
    first, last = min(dates), max(dates)
    out = []
    for offset in range((last - first).days + 1):
        day = first + dt.timedelta(days=offset)
        out.append(Day(day.isoformat(), migrated[day], answered[day]))
    return out

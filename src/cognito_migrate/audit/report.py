"""What an audit found: the census and the problems, in bounded memory, and its JSON form.

A :class:`Tally` keeps a count, a few example user references and counts per detail (the attribute, the
scheme, the cap): however many rows a store has, it holds at most :data:`MAX_EXAMPLES` examples and
:data:`MAX_DETAILS` details. Examples are keyed hashes of user names (the trigger's log lines carry the
same ones under the same ``logging.username_hash_key``), never a hash, a password or a raw e-mail.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Final

from cognito_migrate.audit.kinds import DESCRIPTIONS, Kind

MAX_EXAMPLES: Final = 5
MAX_DETAILS: Final = 50
OTHER: Final = "(other)"


def ranked(counts: Counter[str]) -> list[tuple[str, int]]:
    """Largest first, ties by name: the same order whatever order the rows (or worker processes) came in."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


class BoundedCounter:
    """A counter of at most ``limit`` keys; later new keys are counted under :data:`OTHER`."""

    def __init__(self, limit: int = MAX_DETAILS) -> None:
        self.counts: Counter[str] = Counter()
        self._limit = limit

    def add(self, key: str, n: int = 1) -> None:
        if key not in self.counts and len(self.counts) >= self._limit:
            key = OTHER
        self.counts[key] += n

    def most_common(self) -> list[tuple[str, int]]:
        return ranked(self.counts)

    def merge(self, other: BoundedCounter) -> None:
        for key, n in other.counts.items():
            self.add(key, n)


@dataclass
class Tally:
    """One problem kind: how many users, a few examples, and the count per detail."""

    kind: Kind
    count: int = 0
    examples: list[str] = field(default_factory=list)
    details: BoundedCounter = field(default_factory=BoundedCounter)
    hint: str = ""

    def add(self, ref: str | None, detail: str = "", n: int = 1) -> None:
        self.count += n
        if ref is not None and len(self.examples) < MAX_EXAMPLES and ref not in self.examples:
            self.examples.append(ref)
        if detail:
            self.details.add(detail, n)

    def merge(self, other: Tally) -> None:
        self.count += other.count
        for ref in other.examples:
            if len(self.examples) < MAX_EXAMPLES and ref not in self.examples:
                self.examples.append(ref)
        self.details.merge(other.details)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "count": self.count,
            "examples": list(self.examples),
            "details": dict(self.details.most_common()),
            "hint": self.hint,
            "description": DESCRIPTIONS[self.kind],
        }


@dataclass
class Report:
    """The census of a store and every problem kind (zero counts included, so scripts can rely on each)."""

    users: int = 0
    schemes: Counter[str] = field(default_factory=Counter)
    costs: dict[str, BoundedCounter] = field(default_factory=dict)
    problems: dict[Kind, Tally] = field(default_factory=lambda: {kind: Tally(kind) for kind in Kind})
    extras: list[str] = field(default_factory=list)
    store: str = ""
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def tally(self, kind: Kind) -> Tally:
        return self.problems[kind]

    def add_cost(self, scheme: str, label: str) -> None:
        counter = self.costs.get(scheme)
        if counter is None:
            counter = self.costs[scheme] = BoundedCounter()
        counter.add(label)

    def merge(self, other: Report) -> None:
        """Add another part of the same store (read by another worker process)."""
        self.users += other.users
        self.schemes.update(other.schemes)
        for scheme, counter in other.costs.items():
            self.costs.setdefault(scheme, BoundedCounter()).merge(counter)
        for kind, tally in other.problems.items():
            self.problems[kind].merge(tally)

    @property
    def problem_count(self) -> int:
        """Users and lookups with a problem that blocks a migration (``disabled_or_locked`` is for the record)."""
        return sum(t.count for t in self.problems.values() if t.kind is not Kind.DISABLED_OR_LOCKED)

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` document."""
        return {
            "store": self.store,
            "users": self.users,
            "schemes": dict(ranked(self.schemes)),
            "costs": {
                scheme: [{"cost": label, "count": n} for label, n in counter.most_common()]
                for scheme, counter in sorted(self.costs.items())
            },
            "problems": [self.problems[kind].to_json() for kind in Kind],
            "extras": sorted(self.extras),
            "seconds": round(self.seconds, 3),
            "notes": list(self.notes),
        }

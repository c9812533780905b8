"""Finding users who share a name or an alias, over any number of rows, in flat memory.

Each row adds (space, key, user reference) to a temporary SQLite file on disk; one ``GROUP BY`` at the
end finds the keys held by more than one user. The key is Python's ``hash()`` of the folded value: a
SipHash keyed randomly per process, so the file holds neither names nor e-mail addresses, and two different
values share a key with a probability of about one in 10^7 for a million rows (a false pair would be
reported with both references, for a person to look at). The file is deleted when the finder closes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Iterator

_BATCH: Final = 20_000
_FILE: Final = "keys.db"


class DuplicateFinder:
    """Collects (space, value, reference) and yields the groups of references that share a value."""

    def __init__(self, directory: str | None = None) -> None:
        self.directory = tempfile.mkdtemp(prefix="cognito-migrate-audit-", dir=directory)
        self._db = sqlite3.connect(os.path.join(self.directory, _FILE))  # noqa: PTH118
        # a scratch file: no journal, no fsync, a bounded page cache, sorting spills to disk
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -16384", "temp_store = FILE"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute("CREATE TABLE k (space INTEGER, key INTEGER, ref TEXT)")
        self._pending: list[tuple[int, int, str]] = []

    def add(self, space: int, value: str, ref: str) -> None:
        """Record that the user ``ref`` holds ``value`` (already folded) in ``space`` (name, e-mail, phone)."""
        self._pending.append((space, hash(value), ref))
        if len(self._pending) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._db.executemany("INSERT INTO k VALUES (?, ?, ?)", self._pending)
            self._pending.clear()

    def groups(self) -> Iterator[tuple[int, list[str]]]:
        """(space, references) for every value held by more than one user, streamed from disk."""
        self._flush()
        cursor = self._db.execute("SELECT space, group_concat(ref, ' ') FROM k GROUP BY space, key HAVING count(*) > 1")
        for space, refs in cursor:
            yield space, refs.split(" ")

    def detach(self) -> str:
        """Write everything out and close, keeping the file: its directory, for another finder to :meth:`absorb`
        (the audit's worker processes each fill one)."""
        self._flush()
        self._db.commit()
        self._db.close()
        return self.directory

    def absorb(self, directory: str) -> None:
        """Add the keys of a detached finder, then delete its file."""
        self._flush()
        self._db.execute("ATTACH DATABASE ? AS other", (os.path.join(directory, _FILE),))  # noqa: PTH118
        self._db.execute("INSERT INTO k SELECT space, key, ref FROM other.k")
        self._db.commit()
        self._db.execute("DETACH DATABASE other")
        shutil.rmtree(directory, ignore_errors=True)

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> DuplicateFinder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

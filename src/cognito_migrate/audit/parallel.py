"""An audit on several cores: this process reads the store, worker processes read rows and audit them.

Reading a row into a user and running it through the trigger's rules is pure Python and most of the work;
fetching rows from the database is a small part. So one process fetches (one streaming query, as in the
single-process audit) and hands plain row values, a batch at a time, to workers through a bounded queue
(memory stays flat: at most ``2 x workers`` batches wait). Each worker keeps its own counts and file of
keys; at the end this process merges them, and the report is the one a single process would have made.

Workers are forked before the scan opens its connection, so no database connection is shared between
processes, and they inherit the configured objects (nothing is pickled but rows and results). Python's
``hash()`` (the duplicate finder's key) is the same in a forked child as in its parent.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
from typing import TYPE_CHECKING, Any, Final

from cognito_migrate.errors import CognitoMigrateError, LegacyUnavailableError

if TYPE_CHECKING:
    from collections.abc import Callable

    from cognito_migrate.audit.census import Auditor
    from cognito_migrate.audit.report import Report
    from cognito_migrate.stores.base import UserStore

_POLL: Final = 0.5
# below this many rows, starting processes costs more than it saves
SMALL_STORE: Final = 50_000
MAX_WORKERS: Final = 4


def workers_for(rows: int | None) -> int:
    """Worker processes for a store of ``rows`` users: one per core (at most 4), or 1 for a small store."""
    import os

    if rows is not None and rows < SMALL_STORE:
        return 1
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


def _work(store: UserStore, make_auditor: Callable[[], Auditor], tasks: Any, results: Any) -> None:
    """A worker: audit every batch until the sentinel, then send back its share (or what went wrong)."""
    try:
        auditor = make_auditor()
        while (batch := tasks.get()) is not None:
            auditor.add_batch([store.read_row(row) for row in batch])
        results.put(("ok", auditor.partial()))
    except CognitoMigrateError as exc:  # messages of our errors name keys and columns, never values
        results.put(("error", str(exc)))
    except BaseException as exc:  # noqa: BLE001 - a row's value could be in a foreign message: the type only
        results.put(("error", f"an audit worker failed ({type(exc).__name__})"))


def audit_in_parallel(
    store: UserStore,
    make_auditor: Callable[[], Auditor],
    *,
    workers: int,
    batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Audit every row of ``store`` with ``workers`` processes; the same report as one process would make."""
    context = multiprocessing.get_context("fork")
    tasks = context.Queue(maxsize=2 * workers)
    results = context.Queue()
    main = make_auditor()
    processes = [context.Process(target=_work, args=(store, make_auditor, tasks, results)) for _ in range(workers)]
    for process in processes:
        process.start()
    try:
        return _run(
            store, main, tasks=tasks, results=results, processes=processes, batch_size=batch_size, progress=progress
        )
    except BaseException:
        main.close()
        raise
    finally:
        for process in processes:
            if process.exitcode is None:
                process.terminate()
            process.join(timeout=10)
        with contextlib.suppress(Exception):
            tasks.close()
            results.close()


def _run(
    store: UserStore,
    main: Auditor,
    *,
    tasks: Any,
    results: Any,
    processes: list[Any],
    batch_size: int,
    progress: Callable[[int], None] | None,
) -> Report:
    """Feed every batch to the workers, then collect and merge their shares."""
    for batch in store.scan_rows(batch_size):
        _put(tasks, list(batch), processes)
        if progress is not None:
            progress(len(batch))
    for _ in processes:
        _put(tasks, None, processes)
    received = 0
    while received < len(processes):
        try:
            status, payload = results.get(timeout=_POLL)
        except queue.Empty:
            if any(p.exitcode not in (None, 0) for p in processes):
                raise LegacyUnavailableError("an audit worker process ended unexpectedly") from None
            continue
        received += 1
        if status != "ok":
            raise CognitoMigrateError(payload)
        main.absorb(payload)
    return main.finish()


def _put(tasks: Any, item: Any, processes: list[Any]) -> None:
    """Hand over a batch, waiting while the queue is full, unless a worker died (then nobody would take it)."""
    while True:
        try:
            tasks.put(item, timeout=_POLL)
            return
        except queue.Full:
            if any(p.exitcode not in (None, 0) for p in processes):
                raise LegacyUnavailableError("an audit worker process ended unexpectedly") from None

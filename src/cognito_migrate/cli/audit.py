"""``cognito-migrate audit``: read every row of the legacy store and report what would stop users migrating.

Exit codes: 0 no problem that blocks a migration (disabled or locked accounts are only counted), 1 problems
found, 2 configuration error (or a missing extra), 3 the store cannot be read. ``--json`` prints one JSON
document on stdout; ``--html FILE`` also writes a self-contained page with charts (the ``report`` extra).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from cognito_migrate import wiring
from cognito_migrate.audit.kinds import Kind
from cognito_migrate.cli._common import ConfigOption, errors, load, missing_modules, write_html
from cognito_migrate.errors import CognitoMigrateError, LegacyUnavailableError
from cognito_migrate.models import Deadline

if TYPE_CHECKING:
    from cognito_migrate.audit.report import Report
    from cognito_migrate.stores.base import UserStore

EXIT_OK, EXIT_PROBLEMS, EXIT_CONFIG, EXIT_UNAVAILABLE = 0, 1, 2, 3


def audit(
    config: ConfigOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")] = False,
    html: Annotated[
        Path | None, typer.Option("--html", dir_okay=False, help="Also write a self-contained HTML report here.")
    ] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, max=100_000, help="Rows per fetch.")] = 5000,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", min=1, max=64, help="Processes that audit rows (default: one per core, 1 for small stores)."
        ),
    ] = None,
) -> None:
    """Read every user of the configured store (never a password check, never a write) and report problems."""
    settings = load(config)
    console = Console(stderr=as_json, highlight=False)
    try:
        user_ref = wiring.build_log(settings).user_ref  # one key for every worker's examples
        auditor = wiring.build_auditor(settings, installed=installed, user_ref=user_ref)
        store = wiring.build_store(settings)
    except CognitoMigrateError as exc:
        errors.print(f"[red]configuration error:[/] {escape(str(exc))}")
        raise typer.Exit(EXIT_CONFIG) from None
    from cognito_migrate.audit.census import audit as run
    from cognito_migrate.audit.parallel import audit_in_parallel, workers_for

    try:
        scans = _unindexed_lookups(store)
        total = store.count()
        processes = workers or workers_for(total)
        with _progress(console, enabled=not as_json) as progress:
            task = progress.add_task("reading users", total=total)

            def advance(n: int) -> None:
                progress.advance(task, n)

            if processes > 1:
                auditor.close()  # each process builds its own
                report = audit_in_parallel(
                    store,
                    lambda: wiring.build_auditor(settings, installed=installed, user_ref=user_ref),
                    workers=processes,
                    batch_size=batch_size,
                    progress=advance,
                )
            else:
                report = run(store.scan(batch_size), auditor, advance)
    except LegacyUnavailableError as exc:
        errors.print(f"[red]cannot read the legacy store:[/] {escape(str(exc))}")
        raise typer.Exit(EXIT_UNAVAILABLE) from None
    except CognitoMigrateError as exc:
        errors.print(f"[red]configuration error:[/] {escape(str(exc))}")
        raise typer.Exit(EXIT_CONFIG) from None
    finally:
        store.close()
    report.store = _store_name(settings.store.url)
    for line in scans:
        report.tally(Kind.UNINDEXED_LOOKUP).add(None, line)
    document = report.to_json()
    if html is not None:
        from cognito_migrate.report.audit import audit_page

        write_html(html, lambda: audit_page(document))
    if as_json:
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        render(document, console)
        if html is not None:
            console.print(f"HTML report: {escape(str(html))}")
    raise typer.Exit(EXIT_PROBLEMS if _blocking(report) else EXIT_OK)


def _unindexed_lookups(store: UserStore) -> list[str]:
    """``config validate``'s EXPLAIN of every lookup query: one line per query that scans its table, with the
    ``CREATE INDEX`` to run (every sign-in runs every lookup, so a scan is paid on each one)."""
    from cognito_migrate.stores.indexes import describe, unindexed_lookups

    return [describe(finding) for finding in unindexed_lookups(store, Deadline(30))]


def installed(extra: str) -> bool:
    """Whether every module of ``extra`` is installed here (for ``missing_extra``)."""
    return not missing_modules(extra)


def _blocking(report: Report) -> bool:
    return report.problem_count > 0


def _store_name(url: str) -> str:
    """The store's URL without a password (``postgresql://user@host/db``), or the reference as written."""
    from urllib.parse import urlsplit

    from cognito_migrate.secrets import is_reference

    if is_reference(url) or "://" not in url:
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{user}{host}{port}{parts.path}"


def _progress(console: Console, *, enabled: bool) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not enabled,
        transient=False,
    )


def render(document: dict[str, Any], console: Console) -> None:
    """The census and the problems as rich tables (every value escaped: no markup from the data)."""
    census = Table(title=f"{document['users']:,} legacy users", show_edge=False, title_justify="left")
    census.add_column("hash scheme", no_wrap=True)
    census.add_column("rows", justify="right")
    census.add_column("cost (rows)")
    for scheme, count in document["schemes"].items():
        costs = ", ".join(f"{c['cost']} ({c['count']:,})" for c in document["costs"].get(scheme, []))
        census.add_row(escape(scheme), f"{count:,}", escape(costs))
    console.print(census)
    problems = Table(title="problems", show_edge=False, title_justify="left")
    problems.add_column("", no_wrap=True)
    problems.add_column("kind", no_wrap=True)
    problems.add_column("users", justify="right")
    problems.add_column("details")
    problems.add_column("examples", overflow="fold")
    for p in document["problems"]:
        mark = "[green]✓[/]" if not p["count"] else "[yellow]![/]" if p["kind"] == "disabled_or_locked" else "[red]✗[/]"
        details = "; ".join(f"{d}: {n:,}" for d, n in p["details"].items())
        problems.add_row(mark, p["kind"], f"{p['count']:,}", escape(details), escape(", ".join(p["examples"][:2])))
    console.print(problems)
    console.print(f"extras to package: {escape(', '.join(document['extras']) or 'none')}")
    for note in document["notes"]:
        console.print(f"[yellow]note:[/] {escape(note)}")
    console.print(f"read in {document['seconds']:.1f} s")

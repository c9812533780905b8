"""``cognito-migrate status``: how far the migration is, from the ledger, the legacy store and the pool.

Terminal: the figures, rejections by reason and a chart of migrations per day. ``--json``: one document
(keys in docs/operations.md). ``--html FILE`` also writes that document as a self-contained page with charts
(the ``report`` extra).
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from cognito_migrate.cli._common import ConfigOption, console, errors, load, write_html
from cognito_migrate.cli._pool import aws_errors, cognito_client, pool_id

if TYPE_CHECKING:
    from cognito_migrate.config import Settings
    from cognito_migrate.ledger.progress import Progress

CHART_DAYS = 14  # days shown in the terminal chart (the JSON and the HTML page have them all)
_BAR = "█"


def status(
    config: ConfigOption = None,
    user_pool_id: Annotated[
        str | None, typer.Option("--user-pool-id", help="Count the pool's users too (default: [pool] user_pool_id).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON document on stdout.")] = False,
    html: Annotated[
        Path | None, typer.Option("--html", dir_okay=False, help="Also write a self-contained HTML page here.")
    ] = None,
) -> None:
    """Show the migration's progress: legacy users, migrated, remaining, rejections, per day."""
    settings = load(config)
    if settings.ledger.url is None:
        errors.print("[red]status reads the ledger:[/] configure \\[ledger] url (docs/operations.md)")
        raise typer.Exit(2)
    notes: list[str] = []
    with console.status("reading the ledger...", spinner="dots") if not as_json else contextlib.nullcontext():
        records = _ledger_records(settings)
        legacy_users = _legacy_users(settings, notes)
        pool = pool_id(user_pool_id, settings)
        pool_users = _pool_users(pool, notes) if pool else None
    from cognito_migrate.ledger.progress import summarize

    progress = summarize(records, legacy_users=legacy_users, pool_users=pool_users)
    if progress.answered and not progress.migrated:
        notes.append(
            f"the trigger migrated {progress.answered:,} users but Cognito confirmed none: attach this function to the "
            "pool's post-authentication and post-confirmation triggers (the SAM template does; docs/operations.md)"
        )
    document = {**progress.to_json(), "user_pool_id": pool, "notes": notes}
    if html is not None:
        from cognito_migrate.report.status import status_page

        write_html(html, lambda: status_page(document))
    if as_json:
        print(json.dumps(document, indent=2))
        return
    render(progress, pool, notes)
    if html is not None:
        console.print(f"HTML report: {escape(str(html))}")


def _ledger_records(settings: Settings) -> list[Any]:
    from cognito_migrate import secrets
    from cognito_migrate.errors import CognitoMigrateError
    from cognito_migrate.ledger.backend import open_backend

    config = settings.ledger
    try:
        backend = open_backend(
            secrets.resolve(config.url or ""),
            timeout=max(config.timeout, 5.0),  # not the trigger's leash: a scan of the whole ledger
            password=lambda: secrets.resolve(config.password) if config.password else None,
        )
        try:
            return list(backend.records())
        finally:
            backend.close()
    except CognitoMigrateError as exc:
        errors.print(f"[red]cannot read the ledger:[/] {escape(str(exc))}")
        raise typer.Exit(3) from None


def _legacy_users(settings: Settings, notes: list[str]) -> int | None:
    from cognito_migrate.errors import CognitoMigrateError
    from cognito_migrate.wiring import build_store

    store = build_store(settings)
    try:
        count = store.count()
    except CognitoMigrateError as exc:
        notes.append(f"legacy store not counted: {exc}")
        return None
    finally:
        store.close()
    if count is None:
        notes.append("legacy store not counted: this store cannot count its users")
    return count


def _pool_users(user_pool_id: str, notes: list[str]) -> int | None:
    try:
        client = cognito_client(user_pool_id)
        answer = client.describe_user_pool(UserPoolId=user_pool_id)
    except ModuleNotFoundError:
        notes.append("pool not read: boto3 is not installed (pip install 'cognito-migrate[aws]')")
        return None
    except aws_errors() as exc:
        notes.append(f"pool not read: {exc}")
        return None
    estimate = answer["UserPool"].get("EstimatedNumberOfUsers")
    return int(estimate) if estimate is not None else None


def render(progress: Progress, user_pool_id: str | None, notes: list[str]) -> None:
    """The figures, the rejections and a chart of the last days, with rich."""

    def number(value: int | None) -> str:
        return "?" if value is None else f"{value:,}"

    figures = Table(title="cognito-migrate status", show_header=False)
    figures.add_column("", style="bold")
    figures.add_column("", justify="right")
    share = ""
    if progress.legacy_users:
        share = f"  ({progress.migrated / progress.legacy_users:.1%})"
    figures.add_row("legacy users", number(progress.legacy_users))
    figures.add_row("migrated (exists in Cognito)", number(progress.migrated) + share)
    figures.add_row("  answered MIGRATED by the trigger", number(progress.answered))
    figures.add_row("remaining", number(progress.remaining))
    if user_pool_id:
        figures.add_row(f"users in {user_pool_id} (estimate)", number(progress.pool_users))
    figures.add_row("throttled sign-ins", number(progress.throttled))
    figures.add_row("legacy store outages", number(progress.legacy_outages))
    figures.add_row("sign-in names nobody holds", number(progress.unknown_names))
    console.print(figures)
    if progress.rejected_by_reason:
        rejected = Table(title="rejected, by reason")
        rejected.add_column("reason")
        rejected.add_column("sign-ins", justify="right")
        for reason, count in progress.rejected_by_reason.items():
            rejected.add_row(reason, f"{count:,}")
        console.print(rejected)
    days = progress.daily[-CHART_DAYS:]
    if days:
        peak = max(day.migrated for day in days) or 1
        chart = Table(title=f"migrated per day (last {len(days)})", show_header=False, box=None)
        chart.add_column("date")
        chart.add_column("bar", style="green")
        chart.add_column("count", justify="right")
        for day in days:
            chart.add_row(
                day.date, _BAR * max(round(30 * day.migrated / peak), 1 if day.migrated else 0), f"{day.migrated:,}"
            )
        console.print(chart)
    for note in notes:
        console.print(f"[yellow]note:[/] {escape(note)}")

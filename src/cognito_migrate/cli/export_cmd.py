"""``cognito-migrate export``: the legacy users not yet in the pool, as Cognito user-import CSV files.

Reads the pool's header (GetCSVHeader) and its users (ListUsers, paced under Cognito's quota), scans the
store (``UserStore.scan``) and writes through :mod:`cognito_migrate.bulk.export`. See docs/operations.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from cognito_migrate.cli import _pool
from cognito_migrate.cli._common import ConfigOption, config_path, console, errors, load
from cognito_migrate.errors import CognitoMigrateError

if TYPE_CHECKING:
    from collections.abc import Callable

    from cognito_migrate.config import Settings


def _ledger_created(settings: Settings) -> Callable[[str], bool]:
    """With a ``[ledger]``: legacy user name -> Cognito confirmed it created the user (the ledger's record)."""
    from cognito_migrate import wiring

    parts = wiring.build_ledger(settings, wiring.build_log(settings))
    if parts is None:
        return lambda _name: False
    return parts.recorder.created_predicate()


def export(
    *,
    config: ConfigOption = None,
    out: Annotated[Path, typer.Option("--out", file_okay=False, help="A new directory for the CSV files.")],
    user_pool_id: _pool.UserPoolIdOption = None,
    region: _pool.RegionOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document instead of the summary.")] = False,
) -> None:
    """Write the legacy users who are not in the pool yet as Cognito import CSV files (and list apart those
    who could never reset a password)."""
    from cognito_migrate import wiring
    from cognito_migrate.bulk.export import EXCLUDED_FILE, ExportResult, ExportRules, export_files
    from cognito_migrate.bulk.pool import pool_members

    settings = load(config)
    pool_id = _pool.required_pool_id(user_pool_id, settings)
    cognito = _pool.client(pool_id, region, "export")
    store = wiring.build_store(settings)
    try:
        with _pool.progress(quiet=as_json) as bars:
            try:
                header = cognito.get_csv_header(UserPoolId=pool_id)["CSVHeader"]
                listing = bars.add_task("users in the pool", total=None)
                members = pool_members(
                    cognito,
                    pool_id,
                    case_sensitive=settings.pool.case_sensitive,
                    progress=lambda n: bars.advance(listing, n),
                )
            except _pool.aws_errors() as exc:
                raise _pool.fail("cannot read the pool", exc) from None
            rules = ExportRules(
                mapper=wiring.build_mapper(settings),
                reset_policy=wiring.build_reset_policy(settings),
                header=header,
                members=members,
                in_ledger=_ledger_created(settings),
            )
            scanning = bars.add_task("legacy users", total=store.count())
            result: ExportResult = export_files(
                store.scan(), rules=rules, out_dir=out, progress=lambda n: bars.advance(scanning, n)
            )
    except CognitoMigrateError as exc:
        errors.print(f"[red]error:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(2) from None
    finally:
        store.close()
    if as_json:
        document = {
            "user_pool_id": pool_id,
            "out": str(out),
            "files": [{"path": str(f.path), "users": f.users, "bytes": f.bytes} for f in result.files],
            "counts": {
                "legacy_users": result.legacy_users,
                "in_pool": result.in_pool,
                "exported": result.exported,
                "not_importable": len(result.excluded),
            },
            "not_importable_by_reason": result.excluded_by_reason,
            "not_importable_file": str(out / EXCLUDED_FILE),
        }
        sys.stdout.write(json.dumps(document) + "\n")
        return
    table = Table(title=f"export for {escape(pool_id)}")
    table.add_column("file")
    table.add_column("users", justify="right")
    table.add_column("bytes", justify="right")
    for f in result.files:
        table.add_row(escape(str(f.path)), str(f.users), str(f.bytes))
    console.print(table)
    console.print(
        f"{result.legacy_users} legacy users: {result.in_pool} already in the pool, {result.exported} exported, "
        f"{len(result.excluded)} not importable"
    )
    for reason, count in result.excluded_by_reason.items():
        console.print(f"  {escape(reason)}: {count}")
    if result.excluded:
        console.print(f"The users left out are listed in {escape(str(out / EXCLUDED_FILE))}.")
    next_step = f"cognito-migrate import --config {config_path(config)} {out} --logs-role-arn ARN"
    console.print(f"Next: {escape(next_step)}")

"""``cognito-migrate doctor``: check that a user pool is wired to the trigger the way Cognito needs.

The checks live in :mod:`cognito_migrate.deploy.doctor`; this module reads the options, builds the boto3
clients and renders the checklist. boto3 is imported only when the command runs.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from cognito_migrate.cli._common import console as _console
from cognito_migrate.cli._common import errors, naming_the_file
from cognito_migrate.cli._pool import pool_id
from cognito_migrate.cognito_rules import pool_region

if TYPE_CHECKING:
    from collections.abc import Mapping

    from rich.console import Console

    from cognito_migrate.deploy.doctor import PoolExpectations, Report

_ICONS = {"pass": "[green]✓[/]", "warn": "[yellow]![/]", "fail": "[red]✗[/]", "info": "[blue]i[/]"}


def render(report: Report, console: Console) -> None:
    """The checklist as a table, then the fixes (numbered, unwrapped so they can be copied)."""
    table = Table(title=f"cognito-migrate doctor: {escape(report.user_pool_id)}", show_lines=False)
    table.add_column("", no_wrap=True)
    table.add_column("check")
    table.add_column("for")
    table.add_column("finding")
    table.add_column("fix", justify="right")
    fixes: list[tuple[int, str]] = []
    for result in report.results:
        ref = ""
        if result.fix and result.status.value != "pass" and result.check != "password policy":
            fixes.append((len(fixes) + 1, result.fix))
            ref = f"[{len(fixes)}]"
        cells = (result.check, result.subject, result.detail, ref)
        table.add_row(_ICONS[result.status.value], *(escape(cell) for cell in cells))
    console.print(table)
    for number, fix in fixes:
        console.print(f"[bold][{number}][/] ", end="")
        console.print(fix, markup=False, highlight=False, soft_wrap=True)
    policy = next((r for r in report.results if r.check == "password policy"), None)
    if policy is not None and policy.fix:
        console.print("\nThe pool's password policy, for the configuration:", style="bold")
        console.print(policy.fix, markup=False, highlight=False)
    failed = sum(r.failed for r in report.results)
    if failed:
        console.print(f"\n[red]{failed} check(s) failed.[/] See docs/deploy.md.")
    else:
        console.print("\n[green]No check failed.[/]")


def doctor(
    user_pool_id: Annotated[
        str | None, typer.Option("--user-pool-id", help="The pool to check (default: [pool] user_pool_id of --config).")
    ] = None,
    client_id: Annotated[
        str | None, typer.Option("--client-id", help="Check only this app client (default: all).")
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="AWS region (default: the one in the pool id).")
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            exists=True,
            dir_okay=False,
            help="The trigger's configuration, to compare with the pool.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document instead of the checklist.")] = False,
) -> None:
    """Check the pool's wiring to the Migrate-user trigger; exit 1 when a check fails."""
    console = _console
    from cognito_migrate.deploy.doctor import ExpectationsFor, expectations_from_settings, run_checks

    expectations_for: ExpectationsFor | None = None
    if config is not None:
        from cognito_migrate.config import CONFIG_ENV, ENV_PREFIX, load_settings
        from cognito_migrate.errors import CognitoMigrateError

        file = config

        def expectations_for(environment: Mapping[str, str] | None) -> PoolExpectations:
            # The function runs the file with its own COGNITO_MIGRATE_* variables (the SAM template sets
            # [pool] for a pool it creates): compare that, not the file alone. Without the function's
            # environment, this shell's variables apply, as for every other command.
            environ = (
                os.environ
                if environment is None
                else {k: v for k, v in environment.items() if k.startswith(ENV_PREFIX) and k != CONFIG_ENV}
            )
            return expectations_from_settings(load_settings(file, environ=environ))

        try:
            expectations_for(None)  # the file itself must be valid before anything is read from AWS
            user_pool_id = pool_id(user_pool_id, load_settings(file))
        except CognitoMigrateError as exc:
            errors.print(f"[red]configuration:[/] {escape(naming_the_file(file, exc))}", highlight=False)
            raise typer.Exit(2) from None
    if user_pool_id is None:
        errors.print("[red]which pool?[/] give --user-pool-id, or --config with \\[pool] user_pool_id")
        raise typer.Exit(2)
    try:
        # import_module keeps mypy --strict clean with or without boto3-stubs installed
        boto3 = importlib.import_module("boto3")
        botocore_exceptions = importlib.import_module("botocore.exceptions")
    except ModuleNotFoundError:
        errors.print(escape("doctor needs boto3: pip install 'cognito-migrate[aws]'"))
        raise typer.Exit(2) from None
    aws_errors = (botocore_exceptions.ClientError, botocore_exceptions.BotoCoreError)

    session = boto3.session.Session(region_name=region or pool_region(user_pool_id))

    def lambda_for_region(name: str) -> Any:
        return session.client("lambda", region_name=name)

    try:
        report = run_checks(
            cognito=session.client("cognito-idp"),
            lambda_for_region=lambda_for_region,
            user_pool_id=user_pool_id,
            client_id=client_id,
            expectations_for=expectations_for,
        )
    except aws_errors as exc:
        errors.print(f"[red]cannot read the pool:[/] {escape(str(exc))}", highlight=False)
        errors.print("doctor needs cognito-idp:DescribeUserPool on the pool (see docs/deploy.md, step 6).")
        raise typer.Exit(2) from None
    if as_json:
        results = [
            {"check": r.check, "status": r.status.value, "subject": r.subject, "detail": r.detail, "fix": r.fix}
            for r in report.results
        ]
        sys.stdout.write(json.dumps({"user_pool_id": report.user_pool_id, "ok": report.ok, "results": results}) + "\n")
    else:
        render(report, console)
    if not report.ok:
        raise typer.Exit(1)

"""``cognito-migrate import``: run Cognito user import jobs for the files ``export`` wrote, resumably.

The work is :func:`cognito_migrate.bulk.importer.run_imports`; this module reads the options, shows a
progress bar per file and reports the counts. See docs/operations.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from cognito_migrate.cli import _pool
from cognito_migrate.cli._common import ConfigOption, console, errors, load
from cognito_migrate.errors import CognitoMigrateError


def import_users(
    directory: Annotated[Path, typer.Argument(exists=True, file_okay=False, help="The directory export wrote.")],
    *,
    config: ConfigOption = None,
    logs_role_arn: Annotated[
        str,
        typer.Option(
            "--logs-role-arn", help="The IAM role Cognito writes the jobs' per-user results to CloudWatch Logs with."
        ),
    ],
    user_pool_id: _pool.UserPoolIdOption = None,
    region: _pool.RegionOption = None,
    poll_seconds: Annotated[
        float, typer.Option("--poll-seconds", min=0.0, help="Seconds between two polls of a job.")
    ] = 5.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document instead of the table.")] = False,
) -> None:
    """Create, upload, start and follow one import job per exported file; run it again to resume."""
    from cognito_migrate.bulk.importer import FileJob, import_files_of, run_imports, users_in

    settings = load(config)
    pool_id = _pool.required_pool_id(user_pool_id, settings)
    cognito = _pool.client(pool_id, region, "import")
    with _pool.progress(quiet=as_json) as bars:
        tasks = {path.name: bars.add_task(path.name, total=users_in(path)) for path in import_files_of(directory)}

        def on_update(name: str, job: FileJob) -> None:
            bars.update(
                tasks[name], completed=job.imported + job.skipped + job.failed, description=f"{name} {job.status}"
            )

        try:
            state = run_imports(
                cognito, pool_id, directory, logs_role_arn=logs_role_arn, poll_seconds=poll_seconds, on_update=on_update
            )
        except CognitoMigrateError as exc:
            errors.print(f"[red]error:[/] {escape(str(exc))}", highlight=False)
            raise typer.Exit(2) from None
        except _pool.aws_errors() as exc:
            raise _pool.fail("the import stopped (run the command again to resume)", exc) from None
    jobs = state.files
    totals = {key: sum(getattr(j, key) for j in jobs.values()) for key in ("imported", "skipped", "failed")}
    unfinished = sorted(name for name, job in jobs.items() if job.status != "Succeeded")
    if as_json:
        document = {
            "user_pool_id": pool_id,
            "jobs": [{"file": name, **vars(job)} for name, job in jobs.items()],
            **totals,
            "not_succeeded": unfinished,
        }
        sys.stdout.write(json.dumps(document) + "\n")
    else:
        table = Table(title=f"import into {escape(pool_id)}")
        for column in ("file", "job", "status", "imported", "skipped", "failed"):
            table.add_column(column, justify="right" if column in totals else "left")
        for name, job in jobs.items():
            cells = (name, job.job_id, job.status, str(job.imported), str(job.skipped), str(job.failed))
            table.add_row(*(escape(c) for c in cells))
        console.print(table)
        console.print(
            f"{totals['imported']} imported (RESET_REQUIRED), {totals['skipped']} skipped, {totals['failed']} failed; "
            "each job's per-user results are in CloudWatch Logs (written with the --logs-role-arn role)."
        )
    if unfinished:
        raise typer.Exit(1)

"""What the commands that talk to a user pool share: which pool, and a boto3 client for it.

The pool is ``--user-pool-id`` or ``[pool] user_pool_id``. Credentials and endpoint come from boto3's
standard chain (environment, profiles, SSO, instance roles) and ``AWS_ENDPOINT_URL``, so the same command
runs against AWS and, unchanged, against the local Cognito from ``cognito-migrate serve``
(``AWS_ENDPOINT_URL=http://127.0.0.1:PORT``). boto3 is imported only when a command needs it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from cognito_migrate.cli._common import errors, require_extra
from cognito_migrate.cognito_rules import pool_region

if TYPE_CHECKING:
    from cognito_migrate.config import Settings

UserPoolIdOption = Annotated[
    str | None, typer.Option("--user-pool-id", help="The pool (default: [pool] user_pool_id).")
]
RegionOption = Annotated[str | None, typer.Option("--region", help="AWS region (default: the one in the pool id).")]


def pool_id(option: str | None, settings: Settings | None) -> str | None:
    """``--user-pool-id`` when given, else ``[pool] user_pool_id``, else None."""
    if option:
        return option
    return settings.pool.user_pool_id if settings is not None else None


def cognito_client(user_pool_id: str, *, region: str | None = None) -> Any:
    """A ``cognito-idp`` client in the pool's region; raises ModuleNotFoundError without boto3."""
    boto3 = importlib.import_module("boto3")  # import_module: mypy-clean with or without boto3-stubs
    # standard retry mode: a throttled call (TooManyRequestsException) is retried with backoff
    config = importlib.import_module("botocore.config").Config(retries={"mode": "standard", "max_attempts": 10})
    return boto3.session.Session(region_name=region or pool_region(user_pool_id)).client("cognito-idp", config=config)


def aws_errors() -> tuple[type[Exception], ...]:
    """The exceptions a boto3 call raises for an AWS-side or credential problem."""
    exceptions = importlib.import_module("botocore.exceptions")
    return (exceptions.ClientError, exceptions.BotoCoreError)


def required_pool_id(option: str | None, settings: Settings) -> str:
    """The pool (:func:`pool_id`), or exit saying how to give it."""
    chosen = pool_id(option, settings)
    if not chosen:
        errors.print("[red]error:[/] give the pool with --user-pool-id (or \\[pool] user_pool_id)")
        raise typer.Exit(2)
    return chosen


def client(user_pool_id: str, region: str | None, command: str) -> Any:
    """A cognito-idp client, or exit with the ``pip install`` line of the ``aws`` extra."""
    require_extra("aws", command)
    return cognito_client(user_pool_id, region=region)


def fail(what: str, exc: Exception) -> typer.Exit:
    """Print ``what`` failed and why (the AWS error), and return the exit to raise."""
    errors.print(f"[red]{escape(what)}:[/] {escape(str(exc))}", highlight=False)
    return typer.Exit(2)


def progress(*, quiet: bool) -> Progress:
    """A progress display on stderr, so that stdout stays one JSON document under ``--json``."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        disable=quiet and not errors.is_terminal,
    )

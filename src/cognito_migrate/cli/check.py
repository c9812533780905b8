"""``cognito-migrate check``: run the whole trigger for one user against the configured store, and show
exactly what Cognito would receive (password redacted) and how long each step took."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from cognito_migrate.cli._common import console, errors, load, read_password
from cognito_migrate.errors import CognitoMigrateError
from cognito_migrate.handler import Trigger, TriggerFailure
from cognito_migrate.observability import InvocationLog
from cognito_migrate.testing import LambdaContext, make_event

EXIT_CODES = {"MIGRATED": 0, "MIGRATED_RESET_REQUIRED": 0, "REJECTED": 1, "LEGACY_UNAVAILABLE": 3}


def check(
    username: Annotated[str, typer.Argument(help="The sign-in name, as the user would type it.")],
    config: Annotated[Path, typer.Option("--config", "-c", help="The TOML configuration file.")],
    forgot_password: Annotated[
        bool, typer.Option("--forgot-password", help="Simulate UserMigration_ForgotPassword (no password).")
    ] = False,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin.")
    ] = False,
) -> None:
    """Show what Cognito would get for USERNAME. The password is prompted for without echo (or read from stdin)."""
    settings = load(config)
    if forgot_password:
        event = make_event(username, trigger="UserMigration_ForgotPassword")
    else:
        event = make_event(username, read_password(from_stdin=password_stdin))
    buffer = io.StringIO()
    try:
        log = InvocationLog(stream=buffer, debug_usernames=True, metrics=False, level="DEBUG")
        trigger = Trigger(settings, log=log)
    except CognitoMigrateError as exc:
        errors.print(f"[red]configuration error:[/] {exc}")
        raise typer.Exit(2) from None
    answer: dict[str, Any] | str
    try:
        answer = trigger(event, LambdaContext())
    except TriggerFailure as exc:
        answer = f"raises: UserMigration failed with error {exc}"
    record = json.loads(buffer.getvalue().splitlines()[-1])
    _report(record, answer)
    raise typer.Exit(EXIT_CODES.get(record.get("outcome", ""), 3))


def _report(record: dict[str, Any], answer: dict[str, Any] | str) -> None:
    outcome = record.get("outcome", "MALFORMED_EVENT")
    colour = {"MIGRATED": "green", "MIGRATED_RESET_REQUIRED": "yellow"}.get(outcome, "red")
    console.print(f"[bold {colour}]{outcome}[/]  reason: {record.get('reason', record.get('problem'))}")
    if record.get("scheme"):
        console.print(f"hash scheme: {record['scheme']}")
    if record.get("detail"):
        console.print(f"detail: {record['detail']}")
    console.print("\n[bold]What Cognito receives[/]")
    if isinstance(answer, str):
        console.print(answer)
    else:
        request = dict(answer.get("request") or {})
        if "password" in request:  # pragma: no cover - the trigger already drops it
            request["password"] = "**********"
        console.print_json(json.dumps({"response": answer.get("response"), "request": request}))
    timings = Table(title="Time per step", show_edge=False)
    timings.add_column("step")
    timings.add_column("ms", justify="right")
    for step, ms in record.get("latency_ms", {}).items():
        timings.add_row(step, f"{ms:.1f}")
    console.print(timings)

"""``cognito-migrate check``: run the whole trigger for one user against the configured store, and show
exactly what Cognito would receive (password redacted) and how long each step took."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Annotated, Any, NamedTuple

import typer
from rich.markup import escape
from rich.table import Table

from cognito_migrate.cli._common import ConfigOption, console, errors, load, read_password
from cognito_migrate.config import Settings
from cognito_migrate.errors import CognitoMigrateError, TriggerFailure
from cognito_migrate.handler import Trigger
from cognito_migrate.testing import LambdaContext, make_event
from cognito_migrate.wiring import build_log

EXIT_CODES = {"MIGRATED": 0, "MIGRATED_RESET_REQUIRED": 0, "REJECTED": 1, "LEGACY_UNAVAILABLE": 3}
OUTCOMES = ("MIGRATED", "MIGRATED_RESET_REQUIRED", "REJECTED", "LEGACY_UNAVAILABLE")


def check(
    username: Annotated[
        str | None, typer.Argument(help="The sign-in name, as the user would type it (or --batch).")
    ] = None,
    *,
    config: ConfigOption = None,
    forgot_password: Annotated[
        bool, typer.Option("--forgot-password", help="Simulate UserMigration_ForgotPassword (no password).")
    ] = False,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin.")
    ] = False,
    batch: Annotated[
        Path | None,
        typer.Option(
            "--batch",
            help="A CSV of test accounts (columns: username; optional password, expect): one row per account.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document instead of tables.")] = False,
) -> None:
    """Show what Cognito would get for USERNAME. The password is prompted for without echo (or read from stdin).

    With --batch, run every account of a CSV (the acceptance test before go-live): a row passes when its
    outcome is the one in its `expect` column (default: migrated, CONFIRMED or RESET_REQUIRED). Rows without
    a `password` column are prompted for, one by one. Exit codes: 0 all passed (or, for one user, migrated),
    1 rejected / a row did not pass, 2 usage or configuration error, 3 legacy store unavailable.
    """
    if (username is None) == (batch is None):
        errors.print("[red]error:[/] give a USERNAME or --batch FILE.csv (not both)")
        raise typer.Exit(2)
    settings = load(config)
    try:
        checker = Checker(settings)
    except CognitoMigrateError as exc:
        errors.print(f"[red]configuration error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None
    if batch is not None:
        _run_batch(checker, batch, forgot_password=forgot_password, as_json=as_json)
        return
    assert username is not None  # noqa: S101 - checked above: exactly one of username and batch
    password = None if forgot_password else read_password(from_stdin=password_stdin)
    record, answer = checker.run(username, password)
    if as_json:
        sys.stdout.write(json.dumps(_json_result(username, record, answer)) + "\n")
    else:
        _report(record, answer)
    raise typer.Exit(EXIT_CODES.get(record.get("outcome", ""), 3))


class Checker:
    """The whole trigger, built once from the configuration, run for one account at a time.

    Its log goes to a buffer (user names in clear: the operator typed them) so that each run's record can be
    shown; the record never holds a password.
    """

    def __init__(self, settings: Settings) -> None:
        self._buffer = io.StringIO()
        log = build_log(settings, stream=self._buffer, debug_usernames=True, metrics=False, level="DEBUG")
        self._trigger = Trigger(settings, log=log)
        self._trigger.prepare()  # a file store loads its file first, however long it takes: a command can wait

    def run(self, username: str, password: str | None) -> tuple[dict[str, Any], dict[str, Any] | str]:
        """Run the trigger once (forgot-password when ``password`` is None); its log record and its answer."""
        if password is None:
            event = make_event(username, trigger="UserMigration_ForgotPassword")
        else:
            event = make_event(username, password)
        answer: dict[str, Any] | str
        try:
            answer = self._trigger(event, LambdaContext())
        except TriggerFailure as exc:
            answer = f"raises: UserMigration failed with error {exc}"
        record: dict[str, Any] = json.loads(self._buffer.getvalue().splitlines()[-1])
        return record, answer


def _json_result(username: str, record: dict[str, Any], answer: dict[str, Any] | str) -> dict[str, Any]:
    """What one account ended in, for scripts: never the password."""
    return {
        "username": username,
        "outcome": record.get("outcome", "MALFORMED_EVENT"),
        "reason": record.get("reason", record.get("problem")),
        "scheme": record.get("scheme"),
        "detail": record.get("detail"),
        "response": answer.get("response") if isinstance(answer, dict) else None,
        "error": answer if isinstance(answer, str) else None,
        "latency_ms": record.get("latency_ms", {}),
    }


class _Account(NamedTuple):
    row: int
    username: str
    password: str | None
    expect: str | None


def _read_accounts(path: Path, *, forgot_password: bool) -> list[_Account]:
    """The accounts of a batch CSV; a clear usage error names the file, the row and the problem."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        errors.print(f"[red]error:[/] cannot read {escape(str(path))}: {escape(type(exc).__name__)}")
        raise typer.Exit(2) from None
    accounts = []
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        name = (row.get("username") or "").strip()
        if not name:
            errors.print(f"[red]error:[/] {escape(str(path))} row {number}: no username (a 'username' column)")
            raise typer.Exit(2)
        expect = (row.get("expect") or "").strip().upper() or None
        if expect is not None and expect not in OUTCOMES:
            errors.print(
                f"[red]error:[/] {escape(str(path))} row {number}: expect must be one of {', '.join(OUTCOMES)}"
            )
            raise typer.Exit(2)
        password = None if forgot_password else (row.get("password") or None)
        accounts.append(_Account(number, name, password, expect))
    return accounts


def _passes(account: _Account, outcome: str) -> bool:
    if account.expect is not None:
        return outcome == account.expect
    return outcome in ("MIGRATED", "MIGRATED_RESET_REQUIRED")


def _run_batch(checker: Checker, path: Path, *, forgot_password: bool, as_json: bool) -> None:
    results: list[dict[str, Any]] = []
    for account in _read_accounts(path, forgot_password=forgot_password):
        password = account.password
        if password is None and not forgot_password:
            password = read_password(from_stdin=False, prompt=f"Password for {account.username}: ")
        record, answer = checker.run(account.username, password)
        result = _json_result(account.username, record, answer)
        result["expect"] = account.expect
        result["passed"] = _passes(account, result["outcome"])
        results.append(result)
    passed = sum(r["passed"] for r in results)
    if as_json:
        summary = {"accounts": results, "passed": passed, "failed": len(results) - passed}
        sys.stdout.write(json.dumps(summary) + "\n")
    else:
        table = Table(title=f"{escape(str(path))}: {passed} of {len(results)} accounts passed")
        for column in ("user", "outcome", "reason", "scheme", "ms", ""):
            table.add_column(column, no_wrap=column in ("user", "outcome"))
        for r in results:
            mark = "[green]pass[/]" if r["passed"] else "[red]FAIL[/]"
            total = r["latency_ms"].get("total")
            table.add_row(
                escape(r["username"]), r["outcome"], escape(str(r["reason"])), escape(r["scheme"] or ""),
                f"{total:.0f}" if isinstance(total, int | float) else "", mark,
            )  # fmt: skip
        console.print(table)
    raise typer.Exit(0 if passed == len(results) else 1)


def _report(record: dict[str, Any], answer: dict[str, Any] | str) -> None:
    outcome = record.get("outcome", "MALFORMED_EVENT")
    colour = {"MIGRATED": "green", "MIGRATED_RESET_REQUIRED": "yellow"}.get(outcome, "red")
    reason = escape(str(record.get("reason", record.get("problem"))))
    console.print(f"[bold {colour}]{escape(outcome)}[/]  reason: {reason}")
    if record.get("scheme"):
        console.print(f"hash scheme: {escape(record['scheme'])}")
    if record.get("detail"):
        console.print(f"detail: {escape(record['detail'])}")
    console.print("\n[bold]What Cognito receives[/]")
    if isinstance(answer, str):
        console.print(escape(answer))
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

"""``cognito-migrate config validate``: load a configuration, build everything, connect, run each lookup
query once, and report every problem found (not only the first)."""

from __future__ import annotations

import importlib.util
import secrets as random
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from cognito_migrate import wiring
from cognito_migrate.cli._common import console, load
from cognito_migrate.errors import CognitoMigrateError
from cognito_migrate.models import Deadline
from cognito_migrate.secrets import is_reference

if TYPE_CHECKING:
    from collections.abc import Callable

    from cognito_migrate.config import Settings

config_app = typer.Typer(help="Work with configuration files.", no_args_is_help=True)

EXTRA_MODULES = {
    "postgres": "psycopg2",
    "mysql": "pymysql",
    "mssql": "pytds",
    "phone": "phonenumbers",
    "argon2": "argon2",
}


@config_app.command("validate")
def validate(config: Annotated[Path, typer.Option("--config", "-c", help="The TOML configuration file.")]) -> None:
    """Check the configuration, the legacy store connection and every lookup query."""
    settings = load(config)
    results: list[tuple[str, str, str]] = [("ok", "configuration", f"{config} loads")]
    for name, step in _steps(settings):
        try:
            message = step()
        except CognitoMigrateError as exc:
            results.append(("fail", name, str(exc)))
        else:
            results.append(("warn" if message.startswith("warning:") else "ok", name, message))
    table = Table(show_edge=False)
    table.add_column("")
    table.add_column("check")
    table.add_column("result")
    marks = {"ok": "[green]✓[/]", "warn": "[yellow]![/]", "fail": "[red]✗[/]"}
    for status, name, message in results:
        table.add_row(marks[status], name, message)
    console.print(table)
    failures = sum(1 for status, _, _ in results if status == "fail")
    if failures:
        console.print(f"[red]{failures} problem(s) found[/]")
        raise typer.Exit(1)
    console.print("[green]configuration is valid[/]")


def _steps(settings: Settings) -> list[tuple[str, Callable[[], str]]]:
    def extras() -> str:
        needed = sorted(wiring.required_extras(settings))
        missing = [e for e in needed if importlib.util.find_spec(EXTRA_MODULES.get(e, e)) is None]
        if missing:
            raise CognitoMigrateError(f"not installed: pip install 'cognito-migrate[{','.join(missing)}]'")
        return f"installed: {', '.join(needed) or 'nothing beyond the core'}"

    def verifier() -> str:
        wiring.build_verifier(settings)
        return f"default scheme: {settings.hashing.scheme or 'identified per row'}"

    def mapper() -> str:
        names = sorted(wiring.build_mapper(settings).attribute_names)
        return f"may return: {', '.join(names)}"

    def store() -> str:
        built = wiring.build_store(settings)
        try:
            fields = tuple(sorted(built.fields))
            built.find(f"validate-{random.token_hex(8)}", fields=fields, deadline=Deadline(10))  # type: ignore[arg-type]
        finally:
            built.close()
        return f"connected; lookup queries run: {', '.join(fields)}"

    def secrets() -> str:
        plain = []
        if settings.store.password and not is_reference(settings.store.password):
            plain.append("store.password")
        if "@" in settings.store.url and ":" in settings.store.url.split("@")[0].split("//")[-1]:
            plain.append("store.url (has a password)")
        if plain:
            return f"warning: {', '.join(plain)} hold a secret in clear; use env:, ssm: or secretsmanager: references"
        return "no secret in clear"

    def logging() -> str:
        if settings.logging.username_hash_key is None:
            return "warning: logging.username_hash_key not set; user hashes differ from one container to the next"
        wiring.build_log(settings)
        return "username hash key resolves"

    return [
        ("extras", extras),
        ("hashing", verifier),
        ("mapping", mapper),
        ("legacy store", store),
        ("secrets", secrets),
        ("logging", logging),
    ]

"""``cognito-migrate config validate``: load a configuration, build everything, connect, run each lookup
query once, and report every problem found (not only the first)."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from cognito_migrate import wiring
from cognito_migrate.cli._common import ConfigOption, config_path, console, missing_modules
from cognito_migrate.config import load_settings
from cognito_migrate.errors import CognitoMigrateError, ConfigError
from cognito_migrate.models import Deadline
from cognito_migrate.secrets import in_clear

if TYPE_CHECKING:
    from collections.abc import Callable

    from cognito_migrate.config import Settings

config_app = typer.Typer(help="Work with configuration files.", no_args_is_help=True)


@config_app.command("validate")
def validate(
    config: ConfigOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document instead of a table.")] = False,
) -> None:
    """Check the configuration, the legacy store connection and every lookup query.

    Exit codes: 0 valid (warnings allowed), 1 a problem was found.
    """
    try:
        settings = load_settings(config_path(config))
    except ConfigError as exc:  # every problem of the file, one row each; nothing can be built from it
        results = [("fail", key, problem) for key, problem in exc.problems]
        steps = []
    else:
        results = [("ok", "configuration", f"{config_path(config)} loads")]
        steps = _steps(settings)
    for name, step in steps:
        try:
            message = step()
        except CognitoMigrateError as exc:
            results.append(("fail", name, str(exc)))
        except Exception as exc:  # noqa: BLE001 - report and go on; the message may quote a URL, so type only
            results.append(("fail", name, f"unexpected {type(exc).__name__}"))
        else:
            results.append(("warn" if message.startswith("warning:") else "ok", name, message))
    failures = sum(1 for status, _, _ in results if status == "fail")
    if as_json:
        checks = [{"status": status, "check": name, "result": message} for status, name, message in results]
        sys.stdout.write(json.dumps({"valid": not failures, "checks": checks}) + "\n")
        raise typer.Exit(1 if failures else 0)
    # one line per check rather than a table: a result (a pip line, a key path) is never broken across lines
    marks = {"ok": "[green]✓[/]", "warn": "[yellow]![/]", "fail": "[red]✗[/]"}
    width = max(len(name) for _, name, _ in results)
    for status, name, message in results:
        text = " ".join(message.split())  # a driver's multi-line message on the check's own line
        console.print(f"{marks[status]} {escape(name.ljust(width))}  {escape(text)}", highlight=False)
    if failures:
        console.print(f"[red]{failures} problem(s) found[/]")
        raise typer.Exit(1)
    console.print("[green]configuration is valid[/]")


def _steps(settings: Settings) -> list[tuple[str, Callable[[], str]]]:
    def extras() -> str:
        needed = sorted(wiring.required_extras(settings))
        missing = [e for e in needed if missing_modules(e)]
        if missing:
            raise CognitoMigrateError(f"not installed: pip install 'cognito-migrate[{','.join(missing)}]'")
        return f"installed: {', '.join(needed) or 'nothing beyond the core'}"

    def verifier() -> str:
        from cognito_migrate import hashing

        built = wiring.build_verifier(settings)
        dummy = built.dummy_credential()
        verdict = hashing.check(
            "x", dummy.stored, scheme=dummy.scheme, params=dummy.params or None, limits=built.limits
        )
        if verdict is hashing.Verdict.OVER_LIMIT:
            raise CognitoMigrateError(
                "hashing.dummy_cost is above hashing.limits: unknown users would be answered faster"
            )
        return f"default scheme: {settings.hashing.scheme or 'identified per row'}; dummy: {dummy.scheme}"

    def mapper() -> str:
        names = sorted(wiring.build_mapper(settings).attribute_names)
        return f"may return: {', '.join(names)}"

    def store() -> str:
        built = wiring.build_store(settings)
        try:
            described = built.describe(Deadline(10))
            sample = built.sample_credential(Deadline(10))
        finally:
            built.close()
        wanted = {f"store.columns.{role}": column for role, column in built.column_roles.items()}
        wanted |= {f"mapping.attributes.{name}": column for name, column in settings.mapping.attributes.items()}
        problems = []
        for field, columns in sorted(described.items()):
            if columns is None:
                continue  # the store cannot tell without a real user
            have = {c.lower() for c in columns}
            missing = [f"{key} = {column!r}" for key, column in wanted.items() if column.lower() not in have]
            if missing:
                problems.append(f"the {field} query does not return: {', '.join(missing)}")
        if problems:
            raise CognitoMigrateError("; ".join(problems))
        calibration = "a sampled row calibrates the dummy" if sample else "no sample row: the configured dummy is used"
        return (
            f"connected; queries run and return every configured column ({', '.join(sorted(described))}); {calibration}"
        )

    def secrets() -> str:
        plain = in_clear(
            {
                "store": {"url": settings.store.url, "password": settings.store.password},
                "logging": {"username_hash_key": settings.logging.username_hash_key},
                "hashing": {"params": dict(settings.hashing.params)},
            }
        )
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

"""``cognito-migrate package``: build the Lambda zip for a configuration.

The work is in :mod:`cognito_migrate.deploy.packaging`; this module reads the options and prints the result.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from cognito_migrate.cli._common import ConfigOption, config_path, errors, naming_the_file
from cognito_migrate.cli._common import console as _console

if TYPE_CHECKING:
    from rich.console import Console

    from cognito_migrate.deploy.packaging import BuildResult


class Arch(StrEnum):
    arm64 = "arm64"
    x86_64 = "x86_64"


class PythonVersion(StrEnum):
    py311 = "3.11"
    py312 = "3.12"
    py313 = "3.13"
    py314 = "3.14"


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} kB"


def render(result: BuildResult, console: Console) -> None:
    """The zip, its size, the dependency table and what to set in the function."""
    table = Table(title="dependencies in the package")
    table.add_column("distribution")
    table.add_column("version")
    table.add_column("size", justify="right")
    for dep in result.dependencies:
        table.add_row(escape(dep.name), escape(dep.version), _size(dep.size))
    if not result.dependencies:
        table.add_row("(none)", "", "")
    console.print(table)
    console.print(f"extras: {escape(', '.join(result.extras) or 'none')}")
    for note in result.notes:
        console.print(f"[yellow]note:[/] {escape(note)}")
    sizes = f"{_size(result.zip_size)} zipped, {_size(result.unzipped_size)} unzipped"
    precompiled = " (bytecode precompiled)" if result.precompiled else ""
    console.print(f"[bold]{escape(str(result.zip_path))}[/]: {sizes}{precompiled}")
    console.print("Set in the function's environment (the SAM template does):")
    console.print(f"  {result.config_env}", markup=False, highlight=False)


def package(
    *,
    config: ConfigOption = None,
    out: Annotated[Path, typer.Option("--out", file_okay=False, help="Directory for the zip.")] = Path("build"),
    arch: Annotated[Arch, typer.Option("--arch", help="Lambda architecture.")] = Arch.arm64,
    python: Annotated[PythonVersion, typer.Option("--python", help="Lambda Python runtime version.")] = (
        PythonVersion.py313
    ),
    extra: Annotated[
        list[str] | None,
        typer.Option(
            "--extra",
            help="Add an extra (postgres, mysql, mssql, phone, argon2, firebase, or sqlite for none); "
            "needed when store.url is a secret reference, and for hashes the configuration does not name "
            "when the store cannot be read from here (argon2 rows in a Django store). Repeatable.",
        ),
    ] = None,
    cache_dir: Annotated[
        Path | None, typer.Option("--cache-dir", help="pip's wheel cache (default: pip's own).")
    ] = None,
    census: Annotated[
        bool,
        typer.Option(
            "--census/--no-census",
            help="Read the store (as `audit` does) to add the extras its rows need, such as argon2.",
        ),
    ] = True,
) -> None:
    """Build the Lambda zip: the trigger, the configuration and only the wheels it needs, for the target."""
    console = _console
    from cognito_migrate.deploy.packaging import build
    from cognito_migrate.errors import CognitoMigrateError, ConfigError

    try:
        with console.status("reading the store's hashes, then building the package (pip may download wheels)"):
            result = build(
                config_path(config),
                out,
                arch=arch.value,
                python=python.value,
                extra_extras=extra or (),
                cache_dir=cache_dir,
                census=census,
            )
    except (CognitoMigrateError, OSError) as exc:
        message = naming_the_file(config_path(config), exc) if isinstance(exc, ConfigError) else str(exc)
        errors.print(f"[red]cannot build the package:[/] {escape(message)}", highlight=False)
        raise typer.Exit(2) from None
    render(result, console)

"""The command tree. Each command lives in its own module; this file only registers them."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(
    name="cognito-migrate",
    help="Move a legacy user base into an Amazon Cognito user pool without password resets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)



def _print_version(value: bool) -> None:
    if value:
        from cognito_migrate import __version__

        typer.echo(f"cognito-migrate {__version__}")
        raise typer.Exit


@app.callback()
def _options(
    version: Annotated[
        bool, typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Move a legacy user base into an Amazon Cognito user pool without password resets."""


# Registrations: one line per command module (keep sorted by command name).

from cognito_migrate.cli import audit as _audit  # noqa: E402
from cognito_migrate.cli import check as _check  # noqa: E402
from cognito_migrate.cli.config_cmd import config_app as _config_app  # noqa: E402

app.command("audit")(_audit.audit)
app.command("check")(_check.check)
app.add_typer(_config_app, name="config")

from cognito_migrate.cli import doctor as _doctor  # noqa: E402
from cognito_migrate.cli import export_cmd as _export  # noqa: E402
from cognito_migrate.cli import import_cmd as _import  # noqa: E402
from cognito_migrate.cli import package as _package  # noqa: E402

app.command("doctor")(_doctor.doctor)
app.command("export")(_export.export)
app.command("import")(_import.import_users)
app.command("package")(_package.package)

from cognito_migrate.cli.serve import serve as _serve  # noqa: E402

app.command("serve")(_serve)

from cognito_migrate.cli.demo import demo as _demo  # noqa: E402

app.command("demo")(_demo)

from cognito_migrate.cli.hash_cmd import hash_app as _hash_app  # noqa: E402
from cognito_migrate.cli.status import status as _status  # noqa: E402

app.add_typer(_hash_app, name="hash")
app.command("status")(_status)

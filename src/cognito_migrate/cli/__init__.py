"""The ``cognito-migrate`` command line (needs the ``cli`` extra: typer and rich)."""

from __future__ import annotations

import sys


def main() -> None:
    """Entry point of the ``cognito-migrate`` script; explains how to install the CLI if it is missing."""
    try:
        from cognito_migrate.cli.app import app
    except ModuleNotFoundError as exc:  # pragma: no cover - depends on the installed extras
        if exc.name in {"typer", "rich", "click"}:
            sys.stderr.write("The command line needs an optional dependency: pip install 'cognito-migrate[cli]'\n")
            raise SystemExit(2) from None
        raise
    app()

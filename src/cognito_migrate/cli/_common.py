"""What the commands share: reading a password safely and loading a configuration with a clear error."""

from __future__ import annotations

import getpass
import importlib.util
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final

import typer
from rich.console import Console
from rich.markup import escape

from cognito_migrate.config import CONFIG_ENV, load_settings
from cognito_migrate.errors import CognitoMigrateError

if TYPE_CHECKING:
    from collections.abc import Callable

    from cognito_migrate.config import Settings

# soft_wrap: a line longer than the terminal is left to the terminal, never broken by rich, so that an ARN, a
# path or a pip command can be copied whole; emoji=False: ":secret:" in an ARN is text, not an emoji. Values
# printed inside markup still go through rich.markup.escape.
console = Console(soft_wrap=True, emoji=False)
errors = Console(stderr=True, soft_wrap=True, emoji=False)


def read_password(*, from_stdin: bool, prompt: str = "Password: ") -> str:
    """The password from a no-echo prompt, or one line of stdin; never from the command line."""
    if from_stdin or not sys.stdin.isatty():
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
    else:
        password = getpass.getpass(prompt)
    if not password:
        errors.print("[red]error:[/] empty password")
        raise typer.Exit(2)
    return password


DEFAULT_CONFIG_FILE: Final = "cognito-migrate.toml"

#: The ``--config`` option every command that reads a configuration takes.
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help=f"The TOML configuration file (default: ${CONFIG_ENV}, else ./{DEFAULT_CONFIG_FILE}).",
    ),
]


def config_path(config: Path | None) -> Path:
    """The file ``--config`` names, else the one ``COGNITO_MIGRATE_CONFIG`` names, else ``./cognito-migrate.toml``."""
    if config is not None:
        return config
    return Path(os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG_FILE)


def naming_the_file(path: Path, exc: Exception) -> str:
    """The message of a configuration error, with the file it is about (a single problem names only its key)."""
    return str(exc) if str(path) in str(exc) else f"{path}: {exc}"


def load(config: Path | None) -> Settings:
    """Load the configuration (see :func:`config_path`) or exit with the file, the key and the problem."""
    path = config_path(config)
    try:
        return load_settings(path)
    except CognitoMigrateError as exc:
        errors.print(f"[red]configuration error:[/] {escape(naming_the_file(path, exc))}", highlight=False)
        raise typer.Exit(2) from None


# The module each extra brings, to tell whether it is installed without importing it.
EXTRA_MODULES: Final = {
    "postgres": ("psycopg2",),
    "mysql": ("pymysql",),
    "mssql": ("pytds",),
    "phone": ("phonenumbers",),
    "argon2": ("argon2",),
    "firebase": ("cryptography",),
    "aspnet": ("cryptography",),
    "aws": ("boto3",),
    "ldap": ("ldap3",),
    "local": ("moto", "werkzeug", "boto3"),  # serve and demo import some of them only once they run
}


def write_html(path: Path, page: Callable[[], str]) -> None:
    """Write the HTML report ``page()`` builds to ``path``; without the ``report`` extra, say which to install
    and exit 2, writing nothing (``audit --html``, ``status --html``)."""
    try:
        text = page()
    except CognitoMigrateError as exc:  # matplotlib missing: the extra to install
        errors.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None
    path.write_text(text, encoding="utf-8")


def missing_modules(extra: str) -> list[str]:
    """The modules of ``extra`` that are not installed (an extra without a module list: its own name)."""
    return [m for m in EXTRA_MODULES.get(extra, (extra,)) if not _installed(m)]


def require_extra(extra: str, command: str) -> None:
    """Exit with the ``pip install`` line when a module of ``extra`` is missing, before anything starts
    (a missing module found later would surface as a traceback)."""
    missing = missing_modules(extra)
    if missing:
        errors.print(
            f"[red]error:[/] {command} needs the '{extra}' extra (not installed: {', '.join(missing)}): "
            + escape(f"pip install 'cognito-migrate[{extra}]'")
        )
        raise typer.Exit(2)


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ModuleNotFoundError, ValueError):
        return False

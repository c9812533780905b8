"""``cognito-migrate hash``: identify stored values and verify one password against one, from the shell.

``hash identify`` reads stored values from stdin, one per line, and prints the scheme of each (or
``unknown``). ``hash verify`` prompts for the password without echo, or reads it from a line of stdin with
``--password-stdin`` (never from argv), prints the verdict
(MATCH, MISMATCH, MALFORMED, UNSUPPORTED, OVER_LIMIT) and exits 0 only on MATCH. ``hash schemes`` lists the
catalogue. Neither the password nor the stored value is ever printed.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

hash_app = typer.Typer(
    help="Identify and verify legacy password hashes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_out = Console(highlight=False)
_err = Console(stderr=True, highlight=False)


@hash_app.command("identify")
def identify_cmd() -> None:
    """Read stored values from stdin, one per line; print each one's scheme id, or "unknown"."""
    from cognito_migrate.hashing import identify

    for line in sys.stdin:
        scheme = identify(line.rstrip("\r\n"))
        sys.stdout.write(f"{scheme or 'unknown'}\n")


def _parse_params(text: str | None) -> dict[str, Any] | None:
    """The --params JSON; ``@PATH`` reads it from a file, so that a pepper or signer key stays out of argv
    (which other local users can read in /proc and which the shell keeps in its history)."""
    if text is None:
        return None
    if text.startswith("@"):
        try:
            with open(text[1:], encoding="utf-8") as handle:  # noqa: PTH123 - no pathlib on the CLI's path
                text = handle.read()
        except OSError as exc:
            raise typer.BadParameter(f"cannot read {text[1:]!r}: {exc.strerror}", param_hint="--params") from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise typer.BadParameter(f"not valid JSON ({exc.msg} at character {exc.pos})", param_hint="--params") from None
    if not isinstance(value, dict):
        raise typer.BadParameter('must be a JSON object, e.g. \'{"salt": "..."}\'', param_hint="--params")
    return value


@hash_app.command("verify")
def verify_cmd(
    stored: Annotated[str | None, typer.Argument(help="The stored hash (or use --stored-stdin).")] = None,
    *,
    scheme: Annotated[str | None, typer.Option(help="Scheme id; default: identify the stored value.")] = None,
    params: Annotated[
        str | None,
        typer.Option(help="Scheme params as a JSON object (salt, pepper...), or @FILE to read it from a file."),
    ] = None,
    stored_stdin: Annotated[bool, typer.Option("--stored-stdin", help="Read the stored hash from stdin.")] = False,
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help="Read the password from a line of stdin (after the stored hash with --stored-stdin).",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object: verdict, scheme, reason.")] = False,
) -> None:
    """Prompt for a password (no echo) and verify it; exit 0 on MATCH, 1 otherwise, 2 on bad usage."""
    from cognito_migrate.cli._common import read_password
    from cognito_migrate.hashing import SCHEMES, Verdict, check_detailed

    parsed = _parse_params(params)
    if scheme is not None and scheme not in SCHEMES:
        raise typer.BadParameter("unknown scheme; see 'cognito-migrate hash schemes'", param_hint="--scheme")
    if stored_stdin:
        if stored is not None:
            raise typer.BadParameter("give STORED or --stored-stdin, not both")
        stored = sys.stdin.readline().rstrip("\r\n")
    if not stored:
        raise typer.BadParameter("no stored hash: give STORED or --stored-stdin")
    password = read_password(from_stdin=password_stdin)
    result = check_detailed(password, stored, scheme=scheme, params=parsed)
    if as_json:
        # the verdict, the scheme and why: never the password nor the stored value
        doc = {"verdict": result.verdict.value, "scheme": result.scheme, "reason": result.reason or None}
        sys.stdout.write(json.dumps(doc) + "\n")
        raise typer.Exit(0 if result.verdict is Verdict.MATCH else 1)
    _out.print(result.verdict.value)
    if result.verdict is not Verdict.MATCH:
        # no markup: a reason such as "pip install 'cognito-migrate[argon2]'" must print as written
        _err.print(f"scheme: {result.scheme or 'unknown'}; {result.reason}", markup=False, soft_wrap=True)
        raise typer.Exit(1)


@hash_app.command("schemes")
def schemes_cmd() -> None:
    """List every scheme id with what it is, whether it is self-describing, weak, and the extra it needs."""
    from cognito_migrate.hashing import SCHEMES

    table = Table(box=None)
    table.add_column("scheme", no_wrap=True)
    table.add_column("identified", no_wrap=True)
    table.add_column("weak", no_wrap=True)
    table.add_column("extra", no_wrap=True)
    table.add_column("summary")
    for info in SCHEMES.values():
        table.add_row(
            info.id,
            "yes" if info.self_describing else "no",
            "weak" if info.weak else "",
            info.extra or "",
            info.summary.split(". ")[0],
        )
    _out.print(table)

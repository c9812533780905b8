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
from cognito_migrate.errors import CognitoMigrateError, ConfigError, LegacyUnavailableError
from cognito_migrate.floor import COLD_HEADROOM, HEADROOM
from cognito_migrate.models import Deadline
from cognito_migrate.secrets import in_clear
from cognito_migrate.stores.indexes import checkable, unindexed_lookups
from cognito_migrate.stores.indexes import describe as describe_finding
from cognito_migrate.stores.rows import CREDENTIAL_COLUMNS

if TYPE_CHECKING:
    from collections.abc import Callable

    from cognito_migrate.config import Settings
    from cognito_migrate.models import Credential

config_app = typer.Typer(help="Work with configuration files.", no_args_is_help=True)

def _missing(columns: list[str], wanted: dict[str, str]) -> list[str]:
    have = {c.lower() for c in columns}
    return [f"{key} = {column!r}" for key, column in wanted.items() if column.lower() not in have]


def _floor_note(settings: Settings, sample: Credential | None) -> str:
    """What the rejection floor would be on this machine (the trigger measures it the same way)."""
    if settings.trigger.reject_floor_ms is not None:
        return f"rejection floor: {settings.trigger.reject_floor_ms} ms (trigger.reject_floor_ms)"
    verifier = wiring.build_verifier(settings)
    verifier.load_schemes(sample)  # as the trigger does: imports are not part of the floor
    seconds = verifier.reference_seconds(sample)
    source = "no sample row, the dummy alone" if sample is None else "the dearer of the dummy and a sampled row"
    problem = f"; {verifier.problem}" if verifier.problem else ""
    first = (COLD_HEADROOM + 1) * seconds * 1000  # its headroom, and the measurement it waits for
    return (
        f"rejection floor here: about {HEADROOM * seconds * 1000:.0f} ms + lookups + ledger writes ({source}; "
        f"the first rejection of a container about {first:.0f} ms + lookups){problem}"
    )


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

    def secrets() -> str:
        plain = in_clear(
            {
                "store": {
                    "url": settings.store.url,
                    "password": settings.store.password,
                    "http": {"token": settings.store.http.token, "password": settings.store.http.password},
                    "ldap": {"bind_password": settings.store.ldap.bind_password},
                    "cognito": {"client_secret": settings.store.cognito.client_secret},
                },
                "logging": {"username_hash_key": settings.logging.username_hash_key},
                "hashing": {"params": dict(settings.hashing.params)},
            }
        )
        if plain:
            verb = "holds" if len(plain) == 1 else "hold"
            return f"warning: {', '.join(plain)} {verb} a secret in clear; use env:, ssm: or secretsmanager: references"
        return "no secret in clear"

    def logging() -> str:
        if settings.logging.username_hash_key is None:
            return "warning: logging.username_hash_key not set; user hashes differ from one container to the next"
        wiring.build_log(settings)
        return "username hash key resolves"

    def groups() -> str:
        if settings.ledger.url is None:
            return (
                "warning: [groups] without a [ledger]: groups are assigned at every sign-in, and a user who signs "
                "up in the pool under a legacy name not yet migrated gets that legacy user's groups"
            )
        return "assigned once per migrated user (the ledger tells which users the trigger migrated)"

    return [
        ("extras", extras),
        ("hashing", verifier),
        ("mapping", mapper),
        *([("pool attributes", lambda: _pool_attributes_step(settings))] if settings.pool.user_pool_id else []),
        ("legacy store", lambda: _store_step(settings)),
        ("indexes", lambda: _index_step(settings)),
        *([("groups", groups)] if settings.groups.enabled else []),
        ("secrets", secrets),
        ("logging", logging),
    ]


def _pool_attributes_step(settings: Settings) -> str:
    """With ``[pool] user_pool_id``: every attribute the mapping returns exists in that pool (as ``doctor``
    checks), or each migration returning it fails with 'Attributes did not conform to the schema'."""
    from cognito_migrate.cli._pool import aws_errors, cognito_client
    from cognito_migrate.deploy.doctor.pool import check_attributes

    pool_id = settings.pool.user_pool_id or ""
    if missing_modules("aws"):
        return f"warning: the mapped attributes are not compared with {pool_id}: pip install 'cognito-migrate[aws]'"
    try:
        pool = cognito_client(pool_id).describe_user_pool(UserPoolId=pool_id)["UserPool"]
    except aws_errors() as exc:
        return f"warning: cannot read {pool_id} to compare the mapped attributes: {exc}"
    names = sorted(wiring.build_mapper(settings).attribute_names)
    failed = [r for r in check_attributes(pool, [], names) if r.failed]
    if failed:
        raise CognitoMigrateError("; ".join(f"{r.subject}: {r.detail}; {r.fix}" for r in failed))
    return f"every mapped attribute exists in {pool_id}"


def _store_step(settings: Settings) -> str:
    """Connect, run every query, check the columns they return; say what the rejection floor would be."""
    built = wiring.build_store(settings)
    try:
        described = built.describe(Deadline(10))
        sample = built.sample_credential(Deadline(10))
        sample_columns = built.sample_columns(Deadline(10))
        notes = built.notes()
    finally:
        built.close()
    wanted = {f"store.columns.{role}": column for role, column in built.column_roles.items()}
    wanted |= {f"mapping.attributes.{name}": column for name, column in settings.mapping.attributes.items()}
    problems = []
    for field, columns in sorted(described.items()):
        if columns is None:
            continue  # the store cannot tell without a real user
        missing = _missing(columns, wanted)
        if missing:
            problems.append(f"the {field} query does not return: {', '.join(missing)}")
    if problems:
        raise CognitoMigrateError("; ".join(problems))
    message = f"connected; queries run and return every configured column ({', '.join(sorted(described))})"
    if sample_columns is not None:
        # the floor's reference cost verifies a sampled row: without its salt, scheme or parameters it
        # cannot be verified, and rejections are timed on the configured dummy alone
        roles = built.column_roles.items()
        credential = {f"store.columns.{r}": c for r, c in roles if r in CREDENTIAL_COLUMNS}
        missing = _missing(sample_columns, credential)
        if missing:
            return f"warning: {message}; the sample query does not return: {', '.join(missing)}"
    if notes:  # what the data holds that the trigger skips (a file's unreadable lines)
        return f"warning: {message}; {'; '.join(notes)}"
    return f"{message}; {_floor_note(settings, sample)}"


def _index_step(settings: Settings) -> str:
    """EXPLAIN every lookup query: a scan is a warning with the CREATE INDEX to run."""
    built = wiring.build_store(settings)
    try:
        findings = unindexed_lookups(built, Deadline(10))
    except LegacyUnavailableError:
        return "warning: not checked, the legacy store did not answer (see above)"
    finally:
        built.close()
    if findings:
        return "warning: " + "\n".join(describe_finding(f) for f in findings)
    return "every lookup query uses an index" if checkable(built) else "not checked (no query plans for this store)"

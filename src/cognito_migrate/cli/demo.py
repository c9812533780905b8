"""``cognito-migrate demo``: the whole migration on this machine, no configuration, no network.

It writes a SQLite legacy database of synthetic users (several hash formats; some disabled, locked out,
"must change password" or with a password that breaks the pool policy), starts the local Cognito with our
trigger in-process, signs a sample in through boto3 (right and wrong passwords, unknown users,
forgot-password to the end, second sign-ins) and reports outcome counts, latency per hash scheme and how
many users are migrated. Then it ends the migration as ``export`` and ``import`` do (:mod:`.demo_end`): the
users who did not sign in are exported and imported, and one of them resets and signs in. It exits 1 if any
answer differs from what Cognito would give, or if a legacy user is not accounted for at the end.
"""

from __future__ import annotations

import math
import os
import random
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cognito_migrate.cli._common import console, errors, require_extra

if TYPE_CHECKING:
    from cognito_migrate.cli.demo_end import EndOfMigration
    from cognito_migrate.cli.demo_scenarios import Result


MAX_USERS = 50_000  # about 2.5 minutes of hashing on 2 cores; docs/local-cognito.md says what the default takes
MAX_SAMPLE = 5_000


def demo(
    users: Annotated[
        int, typer.Option("--users", min=10, max=MAX_USERS, help=f"Legacy users to create (10 to {MAX_USERS}).")
    ] = 3000,
    sample: Annotated[
        int, typer.Option("--sample", min=5, max=MAX_SAMPLE, help=f"Users the demo signs in (5 to {MAX_SAMPLE}).")
    ] = 400,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same users).")] = 7,
    keep: Annotated[
        Path | None,
        typer.Option("--keep", help="Keep legacy.db and cognito-migrate.toml in this directory (for `serve`)."),
    ] = None,
) -> None:
    """Migrate synthetic legacy users into a local Cognito and report what happened."""
    require_extra("local", "demo")
    from cognito_migrate.cli import demo_data

    if keep is not None:
        try:
            keep.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            errors.print(f"[red]error:[/] --keep {escape(str(keep))}: {escape(str(exc.strerror or exc))}")
            raise typer.Exit(2) from None
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - synthetic demo data, reproducible by seed
    console.print(Panel.fit("[bold]cognito-migrate demo[/]: legacy users -> local Cognito, through boto3"))
    console.print(f"[dim]{demo_data.COST_NOTE}[/]")
    with tempfile.TemporaryDirectory(prefix="cognito-migrate-demo-", ignore_cleanup_errors=True) as scratch:
        workdir = keep or Path(scratch)
        results, end = _run(workdir, users, sample, rng, keep=keep is not None)
    console.print(f"[dim]{time.perf_counter() - started:.1f} s in all[/]")
    if keep is not None:
        console.print(f"legacy database: {escape(str(workdir / 'legacy.db'))}")
        serve_line = f"cognito-migrate serve --config {workdir / 'cognito-migrate.toml'}"
        console.print(f"try it yourself: [bold]{escape(serve_line)}[/]")
    if any(not r.as_expected for r in results) or not end.consistent:
        raise typer.Exit(1)


def _run(
    workdir: Path, users: int, sample: int, rng: random.Random, *, keep: bool
) -> tuple[list[Result], EndOfMigration]:
    """Create the legacy database in ``workdir``, migrate a sample through the local Cognito, end the
    migration with an export and an import, report."""
    from cognito_migrate.cli import demo_data, demo_end, demo_scenarios
    from cognito_migrate.config import settings_from_mapping
    from cognito_migrate.local.configured import configured_cognito, create_recommended_pool

    db = workdir / "legacy.db"
    db.unlink(missing_ok=True)
    population = demo_data.make_population(users, rng)
    with _progress() as progress:
        task = progress.add_task("creating the legacy database", total=len(population))
        url = demo_data.write_legacy_db(db, population, progress=lambda n: progress.advance(task, n))
    mapping = demo_data.demo_settings_mapping(url)
    settings = settings_from_mapping(mapping, environ={})
    if keep:
        (workdir / "cognito-migrate.toml").write_text(_toml(mapping))

    with (
        Path(os.devnull).open("w") as sink,
        configured_cognito(settings, log_stream=sink, console=lambda _l: None) as local,
    ):
        pool = create_recommended_pool(local, settings, name="demo")
        cognito = local.client()
        scenarios = demo_scenarios.plan(population, sample, rng)
        results = []
        with _progress() as progress:
            task = progress.add_task("signing in through boto3", total=len(scenarios))
            for scenario in scenarios:
                results.append(demo_scenarios.run(scenario, local, pool, cognito))
                progress.advance(task)
        migrated = int(cognito.describe_user_pool(UserPoolId=pool.user_pool_id)["UserPool"]["EstimatedNumberOfUsers"])
        with console.status("ending the migration: export, import jobs, a reset"):
            out_dir = Path(tempfile.mkdtemp(prefix="export-", dir=workdir))
            end = demo_end.end_migration(settings, local, pool, cognito, population=population, out_dir=out_dir)

    _report(results, len(population), migrated)
    _report_end(end, out_dir if keep else None)
    return results, end


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    )


def _report(results: list[Result], legacy_total: int, migrated: int) -> None:
    from cognito_migrate.cli.demo_scenarios import RIGHT, SCENARIOS, SECOND, UNKNOWN, percentiles

    outcomes = Table(title="Outcomes (what the application saw)")
    for column in ("scenario", "outcome", "count", "as Cognito answers"):
        outcomes.add_column(column, justify="right" if column in ("count", "as Cognito answers") else "left")
    counts = Counter((r.scenario, r.outcome) for r in results)
    good = Counter((r.scenario, r.outcome) for r in results if r.as_expected)
    for scenario in SCENARIOS:
        for (name, outcome), count in sorted(counts.items()):
            if name == scenario:
                ok = good[(name, outcome)]
                mark = "[green]" if ok == count else "[red]"
                outcomes.add_row(name, outcome, str(count), f"{mark}{ok}/{count}[/]")
    console.print(outcomes)

    latency = Table(title="Latency of the sign-in call, end to end through boto3 (ms)")
    for column in ("scheme", "calls", "p50", "p95"):
        latency.add_column(column, justify="left" if column == "scheme" else "right")
    by_scheme: defaultdict[str, list[float]] = defaultdict(list)
    for r in results:
        if r.scenario == RIGHT and r.outcome == "tokens":
            by_scheme[r.scheme].append(r.latency_ms)
    rows = [(f"migrating: {k}", v) for k, v in sorted(by_scheme.items())]
    rows.append(("unknown user", [r.latency_ms for r in results if r.scenario == UNKNOWN]))
    rows.append(("already migrated (no trigger)", [r.latency_ms for r in results if r.scenario == SECOND]))
    for label, values in rows:
        p50, p95 = percentiles(values)
        latency.add_row(label, str(len(values)), _fmt(p50), _fmt(p95))
    console.print(latency)

    share = migrated / legacy_total * 100 if legacy_total else 0.0
    console.print(
        f"Migrated [bold]{migrated}[/] of {legacy_total} legacy users ({share:.1f}%); "
        f"[bold]{legacy_total - migrated}[/] remain in the legacy store."
    )
    wrong = [r for r in results if not r.as_expected]
    if wrong:
        errors.print(f"[red]{len(wrong)} answers differ from what Cognito would give:[/]")
        for r in wrong[:10]:
            errors.print(f"  {r.scenario} ({r.scheme}): got {r.outcome}, expected {r.expected}")
    else:
        console.print(f"[green]All {len(results)} answers are what Cognito would give.[/]")


def _report_end(end: EndOfMigration, kept: Path | None) -> None:
    table = Table(title="The end of the migration (export, then Cognito import jobs)")
    table.add_column("step")
    table.add_column("users", justify="right")
    table.add_row("legacy users", str(end.legacy_users))
    table.add_row("already in the pool (signed in)", str(end.in_pool_before))
    table.add_row("exported to import CSV files", str(end.exported))
    for reason, count in end.not_importable.items():
        table.add_row(f"not importable: {reason}", str(count))
    table.add_row("imported (RESET_REQUIRED)", str(end.imported))
    table.add_row("skipped / failed by the import jobs", f"{end.skipped} / {end.failed}")
    table.add_row("in the pool now", str(end.in_pool_after))
    console.print(table)
    if end.imported_user_signed_in:
        console.print("An imported user reset the password with a code and signed in.")
    if kept is not None:
        console.print(f"import files: {escape(str(kept))}")
    if end.consistent:
        console.print("[green]Every legacy user is in the pool or listed apart with the reason.[/]")
    else:
        errors.print("[red]The end of the migration does not add up: see the table above.[/]")


def _fmt(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.1f}"


def _toml(mapping: dict[str, Any]) -> str:
    """A TOML rendering of the demo's configuration (strings, numbers and flat tables only)."""
    import json

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return str(v)
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + " }"
        return json.dumps(v)

    lines = ["# Written by `cognito-migrate demo --keep`: a generic SQL store over the demo's users table."]
    for section, table in mapping.items():
        lines.append(f"\n[{section}]")
        nested = {k: v for k, v in table.items() if isinstance(v, dict) and section == "store"}
        lines += [f"{k} = {value(v)}" for k, v in table.items() if k not in nested]
        for name, sub in nested.items():
            lines.append(f"\n[{section}.{name}]")
            lines += [f"{k} = {value(v)}" for k, v in sub.items()]
    return "\n".join(lines) + "\n"

"""Timing of rejections on mixed-cost tables: can the clock tell an unknown user from an existing one?

Two legacy tables, each mixing a cheap and a dear hash as real ones do, on SQLite and (when their URLs
are given) PostgreSQL and MariaDB on loopback:

* ``aspnet``: ASP.NET Identity V2 rows (1,000 x PBKDF2-SHA1) next to V3 rows (100,000 x PBKDF2-SHA512),
  the ``aspnet_identity`` preset with its defaults (the floor is measured by the trigger);
* ``bcrypt``: bcrypt cost 10 rows next to cost 12 rows, your own queries, with ``hashing.dummy_cost``
  set to the dearest rows (``rounds = 12``), as docs/trigger.md says to tune it.

In both the first row (the one ``sample_query`` reads) is a cheap one. Three scenarios, each printing
median(unknown user) / median(existing user, wrong password) for the cheap and the dear existing user:

1. warm: one container, requests interleaved (unknown, cheap, dear, rotating);
2. primed: before each probe the attacker sends a wrong password for a cheap user;
3. cold: the first invocation of a new process (configuration loaded, first call timed).

In every scenario the kinds are interleaved (rotating order each round), so the load of the machine falls
on all of them alike; the medians are compared. Target: every ratio within 0.9-1.1. Each ratio comes with
a 95% bootstrap interval: on a loaded machine one cold sample varies by tens of percent, and the interval
says whether the number of samples can tell a ratio of 1.1 from 1.

    .venv/bin/python bench/bench_timing.py [--quick] [--rounds N] [--cold-rounds N] \\
        [--postgres postgresql://postgres@127.0.0.1:5432/DB] [--mysql mysql://root@127.0.0.1:3306/DB]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE.parent))

from tests.legacy import (  # noqa: E402
    AspNetUser,
    connect,
    create_aspnet_mysql,
    create_aspnet_postgres,
    create_aspnet_sqlite,
)

from cognito_migrate import hashing  # noqa: E402
from cognito_migrate.testing import LambdaContext, make_event  # noqa: E402

PASSWORD = "Bench-Password-1"
WRONG = "Wrong-Password-1"
KINDS = ("unknown", "cheap", "dear")
USERS = {"unknown": "nobody-here", "cheap": "cheap", "dear": "dear"}
FILLERS = 200


# ----------------------------------------------------------------------------------------- legacy tables


def aspnet_users() -> list[AspNetUser]:
    v2 = hashing.create("aspnet_identity_v2", PASSWORD)
    v3 = hashing.create("aspnet_identity_v3", PASSWORD, cost={"iterations": 100_000, "prf": "HMACSHA512"})
    users = [AspNetUser("first", v2, email="first@example.com")]  # the sampled row is a cheap one
    users += [AspNetUser(f"user{i}", v2 if i % 2 else v3, email=f"user{i}@example.com") for i in range(FILLERS)]
    users += [AspNetUser("cheap", v2, email="cheap@example.com"), AspNetUser("dear", v3, email="dear@example.com")]
    return users


def bcrypt_rows() -> list[tuple[str, str, str]]:
    b10 = hashing.create("bcrypt", PASSWORD, cost={"rounds": 10})
    b12 = hashing.create("bcrypt", PASSWORD, cost={"rounds": 12})
    rows = [("first", b10, "first@example.com")]
    rows += [(f"user{i}", b10 if i % 2 else b12, f"user{i}@example.com") for i in range(FILLERS)]
    return [*rows, ("cheap", b10, "cheap@example.com"), ("dear", b12, "dear@example.com")]


ASPNET_INDEXES = ('"NormalizedUserName"', '"NormalizedEmail"')
BCRYPT_DDL = "CREATE TABLE bench_users (name VARCHAR(64) PRIMARY KEY, hash VARCHAR(100), email VARCHAR(100))"


def execute(url: str, statements: list[str], rows: list[tuple[str, str, str]] | None = None) -> None:
    """Run DDL (and insert the bcrypt rows) with a writable connection."""
    conn = connect(url)
    cur = conn.cursor()
    for sql in statements:
        cur.execute(sql.replace('"', "`") if url.startswith("mysql") else sql)
    if rows:
        mark = "?" if url.startswith("sqlite") else "%s"
        cur.executemany(f"INSERT INTO bench_users VALUES ({mark}, {mark}, {mark})", rows)
    conn.close()


def build(workdir: Path, db: str, url: str, floors: dict[str, int] | None = None) -> dict[str, Path]:
    """Both tables in the database at ``url``; returns a configuration file per table."""
    if db == "sqlite":
        path = workdir / "aspnet.db"
        path.unlink(missing_ok=True)
        url = create_aspnet_sqlite(str(path), aspnet_users())
    elif db == "postgres":
        create_aspnet_postgres(url, aspnet_users())
    else:
        create_aspnet_mysql(url, aspnet_users())
    execute(url, [f'CREATE INDEX "bench_{c.strip(chr(34))}" ON "AspNetUsers" ({c})' for c in ASPNET_INDEXES])
    execute(url, ["DROP TABLE IF EXISTS bench_users", BCRYPT_DDL], bcrypt_rows())
    common = '[logging]\nusername_hash_key = "bench-key"\n'
    trigger = {table: f"[trigger]\nreject_floor_ms = {ms}\n" for table, ms in (floors or {}).items()}
    aspnet = workdir / f"{db}-aspnet.toml"
    aspnet.write_text(f'[store]\nurl = "{url}"\npreset = "aspnet_identity"\n\n{common}{trigger.get("aspnet", "")}')
    bcrypt = workdir / f"{db}-bcrypt.toml"
    bcrypt.write_text(
        f'[store]\nurl = "{url}"\n'
        'query = "SELECT name, hash, email FROM bench_users WHERE name = :username"\n'
        'sample_query = "SELECT hash FROM bench_users ORDER BY name LIMIT 1"\n'
        '[store.columns]\nusername = "name"\npassword_hash = "hash"\nemail = "email"\n'
        f'[hashing]\ndummy_scheme = "bcrypt"\ndummy_cost = {{ rounds = 12 }}\n\n{common}{trigger.get("bcrypt", "")}'
    )
    return {"aspnet": aspnet, "bcrypt": bcrypt}


# ------------------------------------------------------------------------------------------- scenarios


def trigger_for(config: Path) -> Any:
    from cognito_migrate.config import load_settings
    from cognito_migrate.handler import make_handler

    trigger = make_handler(load_settings(config))
    trigger._log._stream = open(os.devnull, "w")  # noqa: SIM115, PTH123 - measure the work, not the terminal
    return trigger


def call(trigger: Any, kind: str) -> float:
    event = make_event(USERS[kind], WRONG)
    started = time.perf_counter()
    trigger(event, LambdaContext())
    return (time.perf_counter() - started) * 1000


def warm(config: Path, rounds: int, *, primed: bool) -> dict[str, list[float]]:
    trigger = trigger_for(config)
    for kind in KINDS:  # the first rejection measures the floor; not part of the warm figures
        call(trigger, kind)
    times: dict[str, list[float]] = {k: [] for k in KINDS}
    for i in range(rounds):
        for kind in KINDS[i % 3 :] + KINDS[: i % 3]:  # rotate, so no kind always follows another
            if primed:
                call(trigger, "cheap")  # the attacker's priming request, untimed
            times[kind].append(call(trigger, kind))
    return times


CHILD = """
import json, sys, time
sys.path.insert(0, {src!r})
from cognito_migrate.config import load_settings
from cognito_migrate.handler import make_handler
from cognito_migrate.testing import LambdaContext, make_event
trigger = make_handler(load_settings({config!r}))
trigger._log._stream = open("/dev/null", "w")
event = make_event({user!r}, {password!r})
started = time.perf_counter()
trigger(event, LambdaContext())
print((time.perf_counter() - started) * 1000)
"""


def cold(config: Path, rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {k: [] for k in KINDS}
    for i in range(rounds):
        for kind in KINDS[i % 3 :] + KINDS[: i % 3]:
            code = CHILD.format(src=str(HERE.parent / "src"), config=str(config), user=USERS[kind], password=WRONG)
            done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
            times[kind].append(float(done.stdout.strip().splitlines()[-1]))
    return times


def interval(unknown: list[float], existing: list[float], resamples: int = 2000) -> tuple[float, float]:
    """A 95% bootstrap interval of median(unknown) / median(existing): how far the sampling noise reaches."""
    import random

    rng = random.Random(0)  # resampling, not security

    def median_of_resample(values: list[float]) -> float:
        return statistics.median(rng.choices(values, k=len(values)))

    ratios = sorted(median_of_resample(unknown) / median_of_resample(existing) for _ in range(resamples))
    return ratios[int(0.025 * resamples)], ratios[int(0.975 * resamples) - 1]


def report(db: str, table: str, scenario: str, times: dict[str, list[float]]) -> dict[str, Any]:
    m = {k: statistics.median(v) for k, v in times.items()}
    row: dict[str, Any] = {
        "db": db, "table": table, "scenario": scenario, "samples": len(times["unknown"]),
        **{f"{k}_ms": round(v, 1) for k, v in m.items()},
    }  # fmt: skip
    cells = []
    for kind in ("cheap", "dear"):
        low, high = interval(times["unknown"], times[kind])
        row[f"unknown/{kind}"] = round(m["unknown"] / m[kind], 3)
        row[f"unknown/{kind}_95"] = [round(low, 3), round(high, 3)]
        cells.append(f"{row[f'unknown/{kind}']:>7.3f} [{low:.2f}-{high:.2f}]")
    ok = all(0.9 <= row[r] <= 1.1 for r in ("unknown/cheap", "unknown/dear"))
    print(
        f"{db:<9}{table:<8}{scenario:<8}{row['samples']:>4}{m['unknown']:>9.1f}{m['cheap']:>9.1f}{m['dear']:>9.1f}"
        f"{cells[0]:>21}{cells[1]:>21}  {'ok' if ok else 'OUT'}"
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    parser.add_argument("--postgres", help="a PostgreSQL database URL on loopback (tables are replaced)")
    parser.add_argument("--mysql", help="a MariaDB/MySQL database URL on loopback (tables are replaced)")
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout instead of the table")
    parser.add_argument("--rounds", type=int, help="warm rounds (each times every kind once); default 30")
    parser.add_argument("--cold-rounds", type=int, help="cold rounds (a new process per kind); default 15")
    parser.add_argument("--scenarios", default="warm,primed,cold", help="which scenarios to run (comma-separated)")
    parser.add_argument(
        "--floor-ms", metavar="ASPNET,BCRYPT", help="trigger.reject_floor_ms for each table (default: the auto floor)"
    )
    args = parser.parse_args()
    rounds, cold_rounds = (6, 3) if args.quick else (30, 15)
    rounds, cold_rounds = args.rounds or rounds, args.cold_rounds or cold_rounds
    scenarios = set(args.scenarios.split(","))
    floors = dict(zip(("aspnet", "bcrypt"), map(int, args.floor_ms.split(",")), strict=True)) if args.floor_ms else None
    dbs = {"sqlite": "", "postgres": args.postgres, "mariadb": args.mysql}
    out = sys.stdout
    if args.json:
        sys.stdout = sys.stderr  # the table goes to stderr, the document to stdout
    print(f"Python {sys.version.split()[0]} on {os.cpu_count()} cores; {rounds} warm rounds, {cold_rounds} cold")
    print(
        f"{'db':<9}{'table':<8}{'case':<8}{'n':>4}{'unknown':>9}{'cheap':>9}{'dear':>9}"
        f"{'u/cheap [95%]':>21}{'u/dear [95%]':>21}"
    )
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for db, url in dbs.items():
            if url is None:
                print(f"{db}: no URL given, skipped")
                continue
            configs = build(Path(tmp), "mysql" if db == "mariadb" else db, url, floors)
            for table, config in configs.items():
                if "warm" in scenarios:
                    rows.append(report(db, table, "warm", warm(config, rounds, primed=False)))
                if "primed" in scenarios:
                    rows.append(report(db, table, "primed", warm(config, rounds, primed=True)))
                if "cold" in scenarios:
                    rows.append(report(db, table, "cold", cold(config, cold_rounds)))
    if args.json:
        out.write(json.dumps({"rounds": rounds, "cold_rounds": cold_rounds, "results": rows}) + "\n")


if __name__ == "__main__":
    main()

"""What the ledger and the throttle add to a warm invocation, and what the DynamoDB ledger adds to a cold start.

Side by side in one run: the same trigger configuration without a ledger, with a SQLite ledger, with a
PostgreSQL ledger on loopback (``TEST_POSTGRES_URL``; a database of its own), and with moto's DynamoDB served
over loopback HTTP (moto's own speed, not DynamoDB's: for reference only). The rounds alternate between
the configurations, so machine noise hits them alike; medians are compared. The hash is Identity V3 at
1,000 iterations, cheap on purpose, so that what the ledger adds is not lost in the verification.

    .venv/bin/python bench/bench_ledger.py            # --quick for fewer rounds

1. a sign-in that migrates a user (the ledger's write; each round a new user, as in a real migration);
2. a wrong password with the throttle on (the throttle's read, the ledger's write, the failure count);
3. cold start: importing our DynamoDB client (sigv4 + http.client) against importing boto3 and making a
   DynamoDB client, each in a new process after the modules the Lambda runtime has already imported.
"""

from __future__ import annotations

import argparse
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

from tests.ledger_support import HASH_KEY, MotoDynamo, fresh_sql_ledger  # noqa: E402
from tests.legacy import AspNetUser, create_aspnet_sqlite  # noqa: E402

from cognito_migrate import hashing  # noqa: E402
from cognito_migrate.config import settings_from_mapping  # noqa: E402
from cognito_migrate.handler import Trigger  # noqa: E402
from cognito_migrate.observability import InvocationLog  # noqa: E402
from cognito_migrate.testing import LambdaContext, make_event  # noqa: E402

PASSWORD = "Bench-Password-1"
COST = {"iterations": 1000, "prf": "HMACSHA256"}
RUNTIME_PRELUDE = "import json, logging, os, sys, time, traceback, socket, decimal, enum, importlib, math"


def legacy(workdir: Path, users: int) -> str:
    stored = hashing.create("aspnet_identity_v3", PASSWORD, cost=COST)
    return create_aspnet_sqlite(
        str(workdir / "legacy.db"), [AspNetUser(f"user{i}", stored, email=f"user{i}@example.com") for i in range(users)]
    )


def trigger(store: str, ledger: str | None, *, throttle: bool) -> Trigger:
    data: dict[str, Any] = {
        "store": {"type": "sql", "url": store, "preset": "aspnet_identity"},
        "hashing": {"dummy_scheme": "aspnet_identity_v3", "dummy_cost": COST},
    }
    if ledger:
        data["ledger"] = {"url": ledger, "hash_key": HASH_KEY, "timeout": 2.0}
    if throttle:
        data["throttle"] = {"max_failures": 1000}  # count every failure, block nobody here
    devnull = open(os.devnull, "w")  # noqa: SIM115, PTH123 - kept open for the benchmark's life
    return Trigger(settings_from_mapping(data, environ={}), log=InvocationLog(stream=devnull))


def timed(fn: Trigger, event: dict[str, Any]) -> float:
    start = time.perf_counter()
    fn(event, LambdaContext())
    return (time.perf_counter() - start) * 1000


def side_by_side(title: str, triggers: dict[str, Trigger], password: str, rounds: int, first_user: int) -> None:
    print(f"\n{title} (median ms; rounds alternate between the configurations)")
    times: dict[str, list[float]] = {name: [] for name in triggers}
    for fn in triggers.values():  # warm every connection
        timed(fn, make_event(f"user{first_user}", password))
    for n in range(rounds):
        event = make_event(f"user{first_user + 1 + n}", password)
        for name, fn in triggers.items():
            times[name].append(timed(fn, dict(event, request=dict(event["request"]))))
    base = statistics.median(times["no ledger"])
    print(f"{'configuration':<34}{'median':>9}{'added':>9}  target")
    for name, values in times.items():
        median = statistics.median(values)
        target = "< 2 ms added" if name.startswith(("SQLite", "PostgreSQL")) else ""
        print(f"{name:<34}{median:>9.3f}{median - base:>9.3f}  {target}")


COLD_OURS = """
{prelude}
t0 = time.perf_counter()
import cognito_migrate.ledger.dynamodb, cognito_migrate.ledger.recorder, cognito_migrate.ledger.throttle, http.client
sys.stderr.write(str((time.perf_counter() - t0) * 1000))
"""
COLD_BOTO = """
{prelude}
t0 = time.perf_counter()
import boto3
boto3.client("dynamodb", region_name="eu-west-1")
sys.stderr.write(str((time.perf_counter() - t0) * 1000))
"""


def cold(rounds: int) -> None:
    print("\n3. Cold start: a DynamoDB client, after the Lambda runtime's own imports (median ms, new processes)")
    env = dict(os.environ, PYTHONPATH=f"{HERE.parent / 'src'}{os.pathsep}{HERE.parent}")

    def run(code: str) -> float:
        done = subprocess.run(
            [sys.executable, "-c", code.format(prelude=RUNTIME_PRELUDE)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return float(done.stderr.strip().splitlines()[-1])

    ours, boto = [], []
    for _ in range(rounds):
        ours.append(run(COLD_OURS))
        boto.append(run(COLD_BOTO))
    print(f"{'ledger modules + http.client (ours)':<40}{statistics.median(ours):>9.1f}")
    print(f"{'boto3 + a DynamoDB client':<40}{statistics.median(boto):>9.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    args = parser.parse_args()
    rounds = 60 if args.quick else 300
    print(f"Python {sys.version.split()[0]} on {os.cpu_count()} cores; {rounds} rounds per case")
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        store = legacy(workdir, 2 * rounds + 10)
        ledgers: dict[str, str | None] = {"no ledger": None, "SQLite ledger": f"sqlite:///{workdir / 'ledger.db'}"}
        postgres = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("TEST_POSTGRES_URL")
        if postgres:
            ledgers["PostgreSQL ledger (loopback)"] = fresh_sql_ledger(postgres)
        moto = MotoDynamo()
        ledgers["DynamoDB ledger (moto, loopback)"] = moto.create_table("bench-ledger")
        try:
            migrating = {name: trigger(store, url, throttle=False) for name, url in ledgers.items()}
            side_by_side("1. A sign-in that migrates a new user", migrating, PASSWORD, rounds, 0)
            throttled = {name: trigger(store, url, throttle=url is not None) for name, url in ledgers.items()}
            side_by_side(
                "2. A wrong password, ledger and throttle on", throttled, "Wrong-Password-1", rounds, rounds + 2
            )
        finally:
            moto.stop()
    cold(7 if args.quick else 21)


if __name__ == "__main__":
    main()

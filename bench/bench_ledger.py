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
   DynamoDB client, each in a new process after the modules the Lambda runtime has already imported;
4. with ``--against REV``: the SQL ledger's writes alone (``record`` for a new user, for a known one, and
   the throttle's ``add_failure``), this tree's ``ledger/sql.py`` against the one at git revision REV, calls
   alternating between the two on the same tables, on SQLite, PostgreSQL and MariaDB (``TEST_MYSQL_URL``).
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


def sql_before(rev: str) -> Any:
    """``ledger/sql.py`` as it was at git revision ``rev``, imported beside this tree's."""
    import importlib.util

    command = ["git", "-C", str(HERE.parent), "show", f"{rev}:src/cognito_migrate/ledger/sql.py"]
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    path = Path(tempfile.mkdtemp()) / "sql_before.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location("cognito_migrate.ledger._sql_before", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def writes_alone(urls: dict[str, str], rev: str, rounds: int) -> None:
    """Section 4: the SQL ledger's writes, this tree against ``rev``, alternating call by call."""
    from cognito_migrate.ledger import sql
    from cognito_migrate.ledger.records import Attempt, Keys
    from cognito_migrate.outcomes import Outcome, Reason

    print(f"\n4. The SQL ledger's writes alone: this tree against {rev} (median ms per call, alternating)")
    print(f"{'backend':<12}{'write':<26}{rev:>10}{'this tree':>11}")
    keys = Keys(HASH_KEY.encode())
    versions = {rev: sql_before(rev), "this tree": sql}
    times: dict[tuple[str, str, str], list[float]] = {}

    def one(key: tuple[str, str, str], call: Any, *args: Any) -> None:
        started = time.perf_counter()
        call(*args, 2.0)
        times.setdefault(key, []).append((time.perf_counter() - started) * 1000)

    writes = ("record, a new user", "record, a known user", "add_failure (throttle)")
    for backend, url in urls.items():
        ledgers = {name: module.SqlLedger.from_url(fresh_sql_ledger(url), timeout=2.0, password=lambda: None)
                   for name, module in versions.items()}  # fmt: skip
        for n in range(rounds):
            for name, ledger in ledgers.items():
                new = Attempt(f"{name}-{n}-a", keys.subject(f"{name}-user{n}"), True, keys.login(f"{name}{n}"),
                              Outcome.REJECTED, Reason.WRONG_PASSWORD, "bcrypt", 1_000 + n)  # fmt: skip
                known = new._replace(request_id=f"{name}-{n}-b", subject=keys.subject(f"{name}-known"))
                one((backend, writes[0], name), ledger.record, new)
                one((backend, writes[1], name), ledger.record, known)
                one((backend, writes[2], name), ledger.add_failure, [keys.login(f"{name}-known")], 1_000, 900)
        for write in writes:
            medians = [statistics.median(times[(backend, write, name)][1:]) for name in versions]  # 1st connects
            print(f"{backend:<12}{write:<26}{medians[0]:>10.3f}{medians[1]:>11.3f}")
        for ledger in ledgers.values():
            ledger.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    parser.add_argument("--against", metavar="REV", help="section 4 only: the SQL ledger's writes against REV's")
    args = parser.parse_args()
    if args.against:
        urls = {"SQLite": f"sqlite:///{tempfile.mkdtemp()}/ledger.db"}
        for name, env in (("PostgreSQL", "TEST_POSTGRES_URL"), ("MariaDB", "TEST_MYSQL_URL")):
            if os.environ.get(env):
                urls[name] = os.environ[env]
        writes_alone(urls, args.against, 100 if args.quick else 300)
        return
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

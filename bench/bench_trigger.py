"""Trigger benchmarks, measured side by side in one run against a minimal hand-written handler.

The baseline (``bench/baseline_handler.py``) is the trigger tutorials show: ``sqlite3`` plus ``bcrypt`` (or
``hashlib.pbkdf2_hmac`` for Identity V3), one query, one verification, no framework. Both read the same
legacy database. Runs alternate A/B so that machine noise hits both alike; medians are compared.

    .venv/bin/python bench/bench_trigger.py            # all three
    .venv/bin/python bench/bench_trigger.py --quick    # fewer rounds
    .venv/bin/python bench/bench_trigger.py --cold     # only the cold start (--instructions: also counted;
                                                       # --no-exit: without the interpreter shutdown)

1. warm invocation, bcrypt cost 10 (target ratio <= 1.05) and Identity V3 10,000 iterations (target <= +1 ms);
2. cold start: a new process that first imports what the Lambda runtime imports, then the handler, its
   configuration and the first invocation, on an Identity V3 row (10,000 x HMAC-SHA256, where the hash
   hides nothing) and a bcrypt cost-10 row (target ratio <= 1.5);
3. unknown user against wrong password, same scheme (target ratio 0.9-1.1).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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

from tests.legacy import AspNetUser, create_aspnet_sqlite  # noqa: E402

from cognito_migrate import hashing  # noqa: E402
from cognito_migrate.testing import LambdaContext, make_event  # noqa: E402

PASSWORD = "Bench-Password-1"
RUNTIME_PRELUDE = "import json, logging, os, sys, time, traceback, socket, decimal, enum, importlib, math"


def build(workdir: Path, scheme: str, cost: dict[str, Any]) -> Path:
    """A legacy database of 1,000 users with one hash format, and our configuration for it."""
    stored = hashing.create(scheme, PASSWORD, cost=cost)
    users = [AspNetUser(f"user{i}", stored, email=f"user{i}@example.com") for i in range(1000)]
    db = workdir / f"{scheme}.db"
    db.unlink(missing_ok=True)
    create_aspnet_sqlite(str(db), users)
    config = workdir / f"{scheme}.toml"
    dummy = ", ".join(f"{k} = {json.dumps(v)}" for k, v in cost.items())
    config.write_text(
        f'[store]\ntype = "sql"\nurl = "sqlite:///{db}"\npreset = "aspnet_identity"\n\n'
        f'[hashing]\ndummy_scheme = "{scheme}"\ndummy_cost = {{ {dummy} }}\n\n'
        f'[logging]\nusername_hash_key = "bench-key"\n'
    )
    return config


def ours(config: Path) -> Any:
    from cognito_migrate.config import load_settings
    from cognito_migrate.handler import make_handler

    trigger = make_handler(load_settings(config))
    devnull = open(os.devnull, "w")  # noqa: SIM115, PTH123 - kept open for the benchmark's life
    trigger._log._stream = devnull  # type: ignore[attr-defined]  # measure the work, not the terminal
    return trigger


def baseline(db: Path, scheme: str) -> Any:
    os.environ["BASELINE_DB"] = str(db)
    os.environ["BASELINE_SCHEME"] = scheme
    import importlib

    import bench.baseline_handler as module

    return importlib.reload(module).handler


def timed(fn: Any, event: dict[str, Any]) -> float:
    start = time.perf_counter()
    fn(dict(event, request=dict(event["request"])), LambdaContext())
    return (time.perf_counter() - start) * 1000


def interleave(a: Any, b: Any, event_a: dict[str, Any], event_b: dict[str, Any], rounds: int) -> tuple[float, float]:
    for _ in range(3):  # warm both
        timed(a, event_a), timed(b, event_b)
    xs, ys = [], []
    for _ in range(rounds):
        xs.append(timed(a, event_a))
        ys.append(timed(b, event_b))
    return statistics.median(xs), statistics.median(ys)


def warm(workdir: Path, rounds: int) -> None:
    print("\n1. Warm invocation (median ms, alternating runs)")
    print(f"{'scheme':<34}{'baseline':>10}{'ours':>10}{'ratio':>8}{'diff ms':>9}  target")
    cases = [
        ("bcrypt", {"rounds": 10}, "ratio <= 1.05"),
        ("aspnet_identity_v3", {"iterations": 10000, "prf": "HMACSHA256"}, "diff <= 1 ms"),
    ]
    for scheme, cost, target in cases:
        config = build(workdir, scheme, cost)
        event = make_event("user500", PASSWORD)
        base_ms, our_ms = interleave(baseline(workdir / f"{scheme}.db", scheme), ours(config), event, event, rounds)
        label = f"{scheme} " + ",".join(str(v) for v in cost.values())
        print(f"{label:<34}{base_ms:>10.2f}{our_ms:>10.2f}{our_ms / base_ms:>8.3f}{our_ms - base_ms:>9.2f}  {target}")


# A whole new process per run, as a Lambda cold start: interpreter start, what the Lambda runtime imports,
# the handler's import, the configuration, the first invocation. Both sides get the event as a literal.
COLD_OURS = """
{prelude}
from cognito_migrate.handler import lambda_handler
import os, sys
sys.stdout = open(os.devnull, "w")
class Context:
    aws_request_id = "bench"
    def get_remaining_time_in_millis(self):
        return 5000
lambda_handler(json.loads({event!r}), Context())
"""
COLD_BASE = """
{prelude}
from bench.baseline_handler import handler
handler(json.loads({event!r}), None)
"""
COLD_CASES: tuple[tuple[str, dict[str, Any], str], ...] = (
    # (scheme, cost, configuration format): JSON is what `cognito-migrate package` deploys
    ("aspnet_identity_v3", {"iterations": 10000, "prf": "HMACSHA256"}, "json"),
    ("aspnet_identity_v3", {"iterations": 10000, "prf": "HMACSHA256"}, "toml"),
    ("bcrypt", {"rounds": 10}, "json"),
)


# With --no-exit both processes end with os._exit(0) after the answer, as a Lambda environment does (it is
# frozen and discarded, never shut down): the interpreter's shutdown (freeing every module, a last garbage
# collection) is then left out on both sides.
NO_EXIT = "\nos._exit(0)\n"


def cold_case(
    workdir: Path, scheme: str, cost: dict[str, Any], form: str, *, no_exit: bool = False
) -> tuple[list[str], list[str], dict[str, str]]:
    """The two command lines (baseline, ours) of one cold case and their environment."""
    config = build(workdir, scheme, cost)
    if form == "json":  # the packaged form: the Lambda runtime has json loaded already, tomllib is not needed
        import tomllib

        packaged = config.with_suffix(".json")
        packaged.write_text(json.dumps(tomllib.loads(config.read_text())))
        config = packaged
    env = dict(
        os.environ,
        COGNITO_MIGRATE_CONFIG=str(config),
        BASELINE_DB=str(workdir / f"{scheme}.db"),
        BASELINE_SCHEME=scheme,
        PYTHONPATH=f"{HERE.parent / 'src'}{os.pathsep}{HERE.parent}",
        AWS_LAMBDA_INITIALIZATION_TYPE="on-demand",  # as Lambda sets it: the handler imports as in its init phase
    )
    event = json.dumps(make_event("user500", PASSWORD))
    end = NO_EXIT if no_exit else ""
    base = [sys.executable, "-c", COLD_BASE.format(prelude=RUNTIME_PRELUDE, event=event) + end]
    our = [sys.executable, "-c", COLD_OURS.format(prelude=RUNTIME_PRELUDE, event=event) + end]
    # Bytecode present for both sides, as in a package (`package` precompiles): a shell with
    # PYTHONDONTWRITEBYTECODE set would otherwise make ours recompile its modules on every run.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(HERE.parent / "src"), str(HERE)], check=True)
    for command in (base, our):  # once each: disk cache warm
        subprocess.run(command, env=env, check=True, capture_output=True)
    return base, our, env


def cold(workdir: Path, rounds: int, *, no_exit: bool = False) -> None:
    print("\n2. Cold start: a whole new process each (interpreter, runtime imports, handler import, configuration,")
    print("   first invocation), baseline and ours alternating; median wall ms, and median CPU ms (user + system)")
    print(f"{'':<42}{'baseline':>10}{'ours':>10}{'ratio':>8}{'cpu base':>10}{'ours':>8}{'ratio':>8}  target")

    def run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        wall = (time.perf_counter() - start) * 1000
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
        return wall, cpu

    for scheme, cost, form in COLD_CASES:
        base, our, env = cold_case(workdir, scheme, cost, form, no_exit=no_exit)
        xs, ys = [], []
        for i in range(rounds):  # alternating, and which side goes first alternates too
            if i % 2 == 0:
                xs.append(run(base, env))
                ys.append(run(our, env))
            else:
                ys.append(run(our, env))
                xs.append(run(base, env))
        base_ms, our_ms = statistics.median(x[0] for x in xs), statistics.median(y[0] for y in ys)
        base_cpu, our_cpu = statistics.median(x[1] for x in xs), statistics.median(y[1] for y in ys)
        label = f"{scheme} " + ",".join(str(v) for v in cost.values()) + f" ({form})"
        print(
            f"{label:<42}{base_ms:>10.1f}{our_ms:>10.1f}{our_ms / base_ms:>8.3f}"
            f"{base_cpu:>10.1f}{our_cpu:>8.1f}{our_cpu / base_cpu:>8.3f}  ratio <= 1.5"
        )


def cold_instructions(workdir: Path, *, no_exit: bool = False) -> None:
    """The same processes counted in CPU instructions (valgrind's callgrind): unlike wall time, the count
    does not move when other processes load the machine (it leaves out waiting on the disk and the kernel)."""
    print("\n2b. Cold start in instructions executed by the whole process (millions; valgrind --tool=callgrind)")
    print(f"{'':<42}{'baseline':>10}{'ours':>10}{'ratio':>8}")

    def count(command: list[str], env: dict[str, str]) -> float:
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],  # noqa: S607 - from PATH
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        line = next(x for x in done.stderr.splitlines() if "Collected" in x)
        return int(line.rsplit(":", 1)[1]) / 1e6

    for scheme, cost, form in COLD_CASES:
        if scheme == "bcrypt":
            continue  # the same hash on both sides; and under valgrind a bcrypt check outlasts the deadline
        base, our, env = cold_case(workdir, scheme, cost, form, no_exit=no_exit)
        base_m, our_m = count(base, env), count(our, env)
        label = f"{scheme} " + ",".join(str(v) for v in cost.values()) + f" ({form})"
        print(f"{label:<42}{base_m:>10.1f}{our_m:>10.1f}{our_m / base_m:>8.3f}")


def timing_equality(workdir: Path, rounds: int) -> None:
    print("\n3. Unknown user against wrong password (ours, same scheme; median ms)")
    print(f"{'scheme':<34}{'wrong pw':>10}{'unknown':>10}{'ratio':>8}  target")
    cases = (("bcrypt", {"rounds": 10}), ("aspnet_identity_v3", {"iterations": 10000, "prf": "HMACSHA256"}))
    for scheme, cost in cases:
        trigger = ours(build(workdir, scheme, cost))
        wrong = make_event("user500", "Wrong-Password-1")
        unknown = make_event("nobody-here", "Wrong-Password-1")
        wrong_ms, unknown_ms = interleave(trigger, trigger, wrong, unknown, rounds)
        print(f"{scheme:<34}{wrong_ms:>10.2f}{unknown_ms:>10.2f}{unknown_ms / wrong_ms:>8.3f}  0.9-1.1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    parser.add_argument("--cold", action="store_true", help="only the cold start")
    parser.add_argument(
        "--instructions", action="store_true", help="with --cold: also count instructions (needs valgrind)"
    )
    parser.add_argument(
        "--no-exit", action="store_true", help="with --cold: end both processes with os._exit (as Lambda, no shutdown)"
    )
    args = parser.parse_args()
    rounds = 30 if args.quick else 120
    print(f"Python {sys.version.split()[0]} on {os.cpu_count()} cores; {rounds} rounds per case")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if args.cold:
            cold(workdir, 7 if args.quick else 21, no_exit=args.no_exit)
            if args.instructions:
                cold_instructions(workdir, no_exit=args.no_exit)
            return
        warm(workdir, rounds)
        cold(workdir, 7 if args.quick else 21)
        timing_equality(workdir, rounds)


if __name__ == "__main__":
    main()

"""What a file store costs a new container: load time and memory for N users, and a lookup once loaded.

Each case runs in a fresh process (the way a Lambda container starts): it builds the store as the trigger
does, loads and indexes the whole file, and reports the wall and CPU time of the load, the resident memory
it added (VmRSS after minus before) and the peak (VmHWM), then the time of one ``find`` by user name and by
e-mail (the pool's lookups) over ``--lookups`` names. Side by side in one run:

- ``jsonl``: a generic NDJSON file (user name, e-mail, phone, bcrypt-shaped hash, names, flags);
- ``auth0``: Auth0's bulk export lines (``user_id``, ``app_metadata``...) with the hash on the line;
- ``auth0 + hashes``: the users export without hashes and Auth0 support's separate hash export, joined;
- ``naive dicts``: the obvious alternative, every line parsed into a dict kept in a dict by name and e-mail
  (what the store avoids by keeping each record's bytes and parsing it again at lookup).

Also the CPU time of the imports in a fresh process (``--processes`` each, alternating): the handler alone,
with ``cognito_migrate.stores.file``, and with boto3 too (what an ``s3://`` source adds to a cold start).

``--first-sign-ins 100000,300000,1000000`` measures instead what a new container's first sign-ins see: a
fresh process imports the handler as Lambda's init does, then signs one user in until a sign-in succeeds,
each with Lambda's 4 s (the template's timeout) and Cognito's 5 s less the init that sign-in waited for.
Side by side: the load left to the first sign-ins (as before the init phase loaded it), the load during an
on-demand init, and an init ahead of traffic (provisioned concurrency; a SnapStart restore starts from it).

    .venv/bin/python bench/bench_file_store.py [--users 1000000] [--lookups 100000] [--processes 9] [--json]
    .venv/bin/python bench/bench_file_store.py --first-sign-ins 100000,300000,1000000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = str(HERE.parent / "src")
sys.path.insert(0, str(HERE.parent))

from bench.store_bench import import_ms, report  # noqa: E402

_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _hash(rng: random.Random) -> str:
    return "$2b$10$" + "".join(rng.choice(_ALPHABET) for _ in range(53))


def write_files(directory: Path, users: int) -> dict[str, Path]:
    """The three files of the cases (same users in each), written once per run."""
    rng = random.Random(7)
    hashes = [_hash(rng) for _ in range(1000)]  # 1,000 distinct hashes reused: the load never verifies them
    paths = {name: directory / f"{name}.json" for name in ("jsonl", "auth0", "auth0_users", "auth0_hashes")}
    with (
        paths["jsonl"].open("w") as jsonl,
        paths["auth0"].open("w") as auth0,
        paths["auth0_users"].open("w") as auth0_users,
        paths["auth0_hashes"].open("w") as auth0_hashes,
    ):
        for i in range(users):
            name, mail, oid = f"user{i:07d}", f"user{i:07d}@example.com", f"{i:024x}"
            pw = hashes[i % 1000]
            jsonl.write(json.dumps({
                "username": name, "email": mail, "email_verified": True, "phone_number": f"+1432555{i:07d}",
                "password_hash": pw, "given_name": "Given", "family_name": f"Family{i}", "enabled": True,
            }) + "\n")  # fmt: skip
            user = {
                "user_id": f"auth0|{oid}", "email": mail, "email_verified": True, "username": name,
                "given_name": "Given", "family_name": f"Family{i}", "name": f"Given Family{i}", "blocked": False,
                "created_at": "2021-03-05T16:34:44.434Z", "app_metadata": {"roles": ["member"]},
            }  # fmt: skip
            auth0_users.write(json.dumps(user) + "\n")
            auth0.write(json.dumps({**user, "passwordHash": pw}) + "\n")
            auth0_hashes.write(json.dumps({"_id": {"$oid": oid}, "email": mail, "passwordHash": pw,
                                           "connection": "Username-Password-Authentication"}) + "\n")  # fmt: skip
    return paths


# ------------------------------------------------------------------------------------- one process


def _status(field: str) -> int:
    """A /proc/self/status memory field in bytes."""
    with open("/proc/self/status") as status:  # noqa: PTH123
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def run_case(case: str, users_path: str, hashes_path: str, users: int, lookups: int) -> dict[str, float]:
    """In the child process: build, load, look up; the measurements as a dict."""
    sys.path.insert(0, SRC)
    from cognito_migrate.models import Deadline
    from cognito_migrate.stores.file import FileUserStore, LocalFile

    rng = random.Random(11)
    names = [f"user{rng.randrange(users):07d}" for _ in range(lookups)]
    before = _status("VmRSS")
    wall, cpu = time.perf_counter(), time.process_time()
    if case == "naive dicts":
        by_name: dict[str, dict[str, object]] = {}
        by_mail: dict[str, dict[str, object]] = {}
        with open(users_path, "rb") as handle:  # noqa: PTH123
            for line in handle:
                row = json.loads(line)
                by_name[row["username"]] = row
                by_mail[row["email"]] = row
        store = None
    else:
        fmt = "jsonl" if case == "jsonl" else "auth0"
        columns = {"username": "username", "password_hash": "password_hash", "email": "email"}
        store = FileUserStore(
            LocalFile(users_path), file_format=fmt, columns=columns, lookup_fields=["username", "email"],
            normalize="lower", hashes=LocalFile(hashes_path) if case == "auth0 + hashes" else None,
        )  # fmt: skip
        store.prepare(Deadline(3600))
    load_wall, load_cpu = time.perf_counter() - wall, time.process_time() - cpu
    after, peak = _status("VmRSS"), _status("VmHWM")
    timings = {}
    for field, keys in (("username", names), ("email", [f"{n}@example.com" for n in names])):
        started = time.perf_counter()
        for key in keys:
            if store is None:
                found = (by_name if field == "username" else by_mail).get(key)
            else:
                found = store.find(key, fields=[field], deadline=Deadline(5))
            assert found is not None
        timings[field] = (time.perf_counter() - started) / len(keys) * 1e6
    return {
        "load_s": load_wall, "load_cpu_s": load_cpu, "added_mb": (after - before) / 1e6, "peak_mb": peak / 1e6,
        "find_by_username_us": timings["username"], "find_by_email_us": timings["email"],
    }  # fmt: skip


# ------------------------------------------------------------------------------ a container's first sign-ins

CONTAINER = """
import json, sys, time
wall, cpu = time.perf_counter(), time.process_time()
import cognito_migrate.handler as h
init = {"init_s": time.perf_counter() - wall, "init_cpu_s": time.process_time() - cpu}
from cognito_migrate.errors import TriggerFailure
from cognito_migrate.testing import LambdaContext, make_event
answers = []
for _ in range(8):
    started = time.perf_counter()
    try:
        h.lambda_handler(make_event(sys.argv[1], sys.argv[2]), LambdaContext(4000))
    except TriggerFailure:
        answers.append(round(time.perf_counter() - started, 2))
    else:
        init["first_ok_s"] = round(time.perf_counter() - started, 2)
        break
print(json.dumps({**init, "failed": answers}))
"""
FIRST_SIGN_IN_MODES = {  # AWS_LAMBDA_INITIALIZATION_TYPE of each side (None: not Lambda's init, nothing loads)
    "first sign-ins load": None,
    "init loads (on-demand)": "on-demand",
    "init ahead of traffic": "provisioned-concurrency",
}


def first_sign_ins(sizes: list[int]) -> None:
    """For each size: a file and configuration, then one fresh process per mode."""
    from cognito_migrate import hashing

    password = "Correct-Horse-9"
    stored = hashing.create("bcrypt", password, cost={"rounds": 10})
    print("users      mode                       init s  init cpu s  failed sign-ins (s each)      first ok s")
    with tempfile.TemporaryDirectory() as tmp:
        for users in sizes:
            path = Path(tmp) / f"users{users}.jsonl"
            with path.open("w") as out:
                for i in range(users):
                    out.write(json.dumps({"username": f"user{i:07d}", "email": f"user{i:07d}@example.com",
                                          "password_hash": stored, "given_name": "Given"}) + "\n")  # fmt: skip
            config = Path(tmp) / "config.json"
            config.write_text(json.dumps({
                "store": {"type": "file", "url": str(path), "file": {"format": "jsonl"},
                          "columns": {"username": "username", "password_hash": "password_hash", "email": "email"}},
                "hashing": {"dummy_scheme": "bcrypt", "dummy_cost": {"rounds": 10}},
            }))  # fmt: skip
            login = f"user{users // 2:07d}"
            for mode, init_type in FIRST_SIGN_IN_MODES.items():
                env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_LAMBDA_")}
                env.update(PYTHONPATH=SRC, COGNITO_MIGRATE_CONFIG=str(config), AWS_LAMBDA_FUNCTION_NAME="bench")
                if init_type is not None:
                    env["AWS_LAMBDA_INITIALIZATION_TYPE"] = init_type
                done = subprocess.run(
                    [sys.executable, "-c", CONTAINER, login, password], capture_output=True, text=True, check=True,
                    env=env,
                )  # fmt: skip
                r = json.loads(done.stdout.splitlines()[-1])
                each = ", ".join(f"{x:.2f}" for x in r["failed"])
                failed = f"{len(r['failed'])} " + (f"({each})" if each else "")
                first = r.get("first_ok_s")
                print(f"{users:<11,}{mode:<27}{r['init_s']:>6.2f}{r['init_cpu_s']:>12.2f}  {failed:<28}"
                      f"{'none in 8' if first is None else f'{first:.2f}':>10}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=100_000)
    parser.add_argument("--processes", type=int, default=9)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--first-sign-ins", help="comma-separated user counts: a new container's first sign-ins")
    parser.add_argument("--case", help=argparse.SUPPRESS)  # the child process
    parser.add_argument("--paths", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.first_sign_ins:
        first_sign_ins([int(n) for n in args.first_sign_ins.split(",")])
        return
    if args.case:
        print(json.dumps(run_case(args.case, *args.paths, args.users, args.lookups)))
        return

    with tempfile.TemporaryDirectory() as tmp:
        paths = write_files(Path(tmp), args.users)
        sizes = {name: path.stat().st_size / 1e6 for name, path in paths.items()}
        cases = {
            "jsonl": (paths["jsonl"], paths["jsonl"]),
            "auth0": (paths["auth0"], paths["auth0"]),
            "auth0 + hashes": (paths["auth0_users"], paths["auth0_hashes"]),
            "naive dicts": (paths["jsonl"], paths["jsonl"]),
        }
        results = {}
        for case, (users_path, hashes_path) in cases.items():
            out = subprocess.run(
                [sys.executable, __file__, "--case", case, "--paths", str(users_path), str(hashes_path),
                 "--users", str(args.users), "--lookups", str(args.lookups)],
                capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": SRC},
            )  # fmt: skip
            results[case] = json.loads(out.stdout)
    sides = {
        "handler": "cognito_migrate.handler",
        "handler + file store": "cognito_migrate.handler, cognito_migrate.stores.file",
        "handler + file store + boto3": "cognito_migrate.handler, cognito_migrate.stores.file, boto3",
    }
    imports: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(args.processes):
        for name, mods in sides.items():
            imports[name].append(import_ms(mods))
    import_stats = {n: {"median": statistics.median(v), "min": min(v)} for n, v in imports.items()}
    if args.json:
        print(json.dumps({"users": args.users, "file_mb": sizes, "cases": results, "import_ms": import_stats}))
        return
    print(f"{args.users:,} users; files: " + ", ".join(f"{n} {s:,.0f} MB" for n, s in sizes.items()))
    header = ("case", "load s", "cpu s", "added MB", "peak MB", "find/name us", "find/email us")
    print("{:<16}{:>8}{:>8}{:>10}{:>9}{:>14}{:>15}".format(*header))
    for case, r in results.items():
        print(f"{case:<16}{r['load_s']:>8.2f}{r['load_cpu_s']:>8.2f}{r['added_mb']:>10.0f}{r['peak_mb']:>9.0f}"
              f"{r['find_by_username_us']:>14.1f}{r['find_by_email_us']:>15.1f}")  # fmt: skip
    report({"import_ms (CPU in a fresh process, the sides alternated)": import_stats}, as_json=False)


if __name__ == "__main__":
    main()

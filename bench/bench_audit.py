"""``cognito-migrate audit`` over large AspNetUsers tables: time and peak resident memory per row count.

Builds an ASP.NET Identity table of realistic variety (V3 HMAC-SHA512 100,000 iterations as .NET 7+ writes
them, V3 HMAC-SHA256 10,000 as Core <= 6 did, V2, a few bcrypt rows; e-mails with duplicates; phone numbers
on 30% of the rows, 7% of them in a national format that needs ``phonenumbers`` and 3% junk; lockouts,
unconfirmed e-mails), then runs the real command (``cognito-migrate audit --json``) in a fresh process per
size. It reports the CPU time of the whole process tree and each process's peak RSS (``VmHWM``, read from
/proc while it runs): the largest, and their sum (the reader and its workers). Sizes run side by side, so
"memory does not grow with the row count" is read off one table.

Real hashes are made once (a few hundred) and reused across rows: the audit parses headers, it never
hashes, so the cost per row does not depend on which value a row holds.

Run: .venv/bin/python bench/bench_audit.py [--rows 100000,300000,1000000] [--postgres URL] [--mysql URL]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from cognito_migrate import hashing

COLUMNS = (
    "Id", "UserName", "NormalizedUserName", "Email", "NormalizedEmail", "EmailConfirmed", "PasswordHash",
    "SecurityStamp", "PhoneNumber", "PhoneNumberConfirmed", "TwoFactorEnabled", "LockoutEnd", "LockoutEnabled",
    "AccessFailedCount",
)  # fmt: skip
CONFIG = """
[store]
url = "{url}"
preset = "aspnet_identity"

[pool]
alias_attributes = ["email"]
case_sensitive = false

[mapping]
default_phone_region = "US"

[logging]
username_hash_key = "bench-key"
"""


def hash_pool() -> list[str]:
    """Real Identity (and a few bcrypt) values at the frameworks' usual costs."""
    pool = [hashing.create("aspnet_identity_v3", f"pw{i}") for i in range(12)]  # SHA512, 100,000
    pool += [hashing.create("aspnet_identity_v3", f"pw{i}", cost={"iterations": 10000, "prf": "HMACSHA256"})
             for i in range(12)]  # fmt: skip
    pool += [hashing.create("aspnet_identity_v2", f"pw{i}") for i in range(12)]
    pool += [hashing.create("bcrypt", f"pw{i}", cost={"rounds": 10}) for i in range(4)]
    return pool


def rows(count: int, seed: int = 7) -> Any:
    rnd = random.Random(seed)
    pool = hash_pool()
    weights = [60 / 12] * 12 + [25 / 12] * 12 + [12 / 12] * 12 + [3 / 4] * 4
    for i in range(count):
        name = f"user{i:07d}" if i % 1000 else f"User{i - 1:07d}"  # a case collision every 1,000 rows
        email = f"{name.lower()}@example.com" if i % 500 else "shared@example.com"
        # Identity's PhoneNumber is optional: most rows have none, some E.164, a few national or junk
        draw = rnd.random()
        phone = (
            None if draw < 0.7
            else f"+1432555{rnd.randrange(10_000):04d}" if draw < 0.9
            else f"(432) 555-{rnd.randrange(10_000):04d}" if draw < 0.97
            else "tbc"
        )  # fmt: skip
        locked = "2999-01-01 00:00:00" if i % 97 == 0 else None
        stored = rnd.choices(pool, weights)[0]
        yield (
            f"{i:08d}-0000-0000-0000-000000000000", name, name.upper(), email, email.upper(), i % 13 != 0, stored,
            "stamp", phone, phone is not None and i % 2 == 0, False, locked, True, 0,
        )  # fmt: skip


def make_sqlite(path: Path, count: int) -> str:
    if not path.exists():
        conn = sqlite3.connect(path)
        cols = ", ".join(f'"{c}"' for c in COLUMNS)
        conn.execute(f'CREATE TABLE "AspNetUsers" ({cols})')
        conn.executemany(f'INSERT INTO "AspNetUsers" VALUES ({",".join("?" * len(COLUMNS))})', rows(count))
        conn.commit()
        conn.close()
    return f"sqlite:///{path}"


def load_postgres(url: str, count: int) -> str:
    import io

    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute('DROP TABLE IF EXISTS "AspNetUsers"')
        types = ["text"] * 5 + [
            "boolean",
            "text",
            "text",
            "text",
            "boolean",
            "boolean",
            "timestamptz",
            "boolean",
            "int",
        ]
        columns = ", ".join(f'"{c}" {t}' for c, t in zip(COLUMNS, types, strict=True))
        cur.execute(f'CREATE TABLE "AspNetUsers" ({columns})')
        buffer = io.StringIO()
        for row in rows(count):
            buffer.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
        buffer.seek(0)
        cur.copy_expert('COPY "AspNetUsers" FROM STDIN', buffer)
    conn.close()
    return url


def load_mysql(url: str, count: int) -> str:
    from urllib.parse import urlsplit

    import pymysql

    parts = urlsplit(url)
    conn = pymysql.connect(host=parts.hostname, port=parts.port or 3306, user=parts.username or "root",
                           password=parts.password or "", database=parts.path.lstrip("/"), autocommit=True)  # fmt: skip
    types = ["varchar(64)"] + ["varchar(256)"] * 4 + ["boolean", "text", "text", "varchar(64)", "boolean",
                                                      "boolean", "datetime(6)", "boolean", "int"]  # fmt: skip
    with conn.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS `AspNetUsers`")
        cur.execute(
            f"CREATE TABLE `AspNetUsers` ({', '.join(f'`{c}` {t}' for c, t in zip(COLUMNS, types, strict=True))})"
        )
        batch: list[tuple[Any, ...]] = []
        sql = f"INSERT INTO `AspNetUsers` VALUES ({','.join(['%s'] * len(COLUMNS))})"
        for row in rows(count):
            batch.append(row)
            if len(batch) == 5000:
                cur.executemany(sql, batch)
                batch.clear()
        if batch:
            cur.executemany(sql, batch)
    conn.close()
    return url


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (the audit's worker processes)."""
    out = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return out
    for child in children:
        out += _tree(int(child))
    return out


def _peak_kib(pid: int) -> int:
    """The process's peak RSS since its exec (``VmHWM``), 0 once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return int(status.split("VmHWM:")[1].split()[0]) if "VmHWM:" in status else 0


def run_audit(url: str, workdir: Path) -> tuple[float, float, dict[int, int], dict[str, Any]]:
    """Wall seconds, CPU seconds of the process tree, each process's peak RSS (KiB), and the JSON document.

    Peaks are read from /proc while the processes run (``VmHWM``): ``wait4``'s ``ru_maxrss`` would count the
    memory of this (large) process at the moment it forked the audit.
    """
    config = workdir / "bench-audit.toml"
    config.write_text(CONFIG.format(url=url))
    out = workdir / "audit.json"
    cli = Path(sys.executable).with_name("cognito-migrate")
    peaks: dict[int, int] = {}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with out.open("w") as sink:
        proc = subprocess.Popen([str(cli), "audit", "--config", str(config), "--json"], stdout=sink)
        while proc.poll() is None:
            for pid in _tree(proc.pid):
                peaks[pid] = max(peaks.get(pid, 0), _peak_kib(pid))
            time.sleep(0.2)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"audit failed with exit code {proc.returncode}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the audit and its workers, once reaped
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return seconds, cpu, peaks, json.loads(out.read_text())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="100000,300000,1000000")
    parser.add_argument("--postgres", help="also load and audit this PostgreSQL database (its AspNetUsers is replaced)")
    parser.add_argument("--mysql", help="also load and audit this MySQL/MariaDB database (its AspNetUsers is replaced)")
    parser.add_argument("--server-rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="keep the generated SQLite files here (and reuse them)")
    args = parser.parse_args()
    sizes = [int(n) for n in args.rows.split(",")]
    print(f"Python {platform.python_version()} on {os.cpu_count()} cores; `audit --json`, a fresh process tree per run")
    print(f"load average {os.getloadavg()[0]:.1f} (the machine is shared: wall seconds include waiting for a core)")
    header = ("rows", "load s", "audit s", "cpu s", "rows/s", "peak MB", "sum MB", "procs")
    print(f"{'store':<11}" + "".join(f"{h:>9}" for h in header) + "  problems")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        files = args.keep or work
        files.mkdir(parents=True, exist_ok=True)
        targets: list[tuple[str, int, Any]] = [
            ("sqlite", n, lambda n=n: make_sqlite(files / f"identity-{n}.db", n)) for n in sizes
        ]
        if args.postgres:
            targets.append(("postgresql", args.server_rows, lambda: load_postgres(args.postgres, args.server_rows)))
        if args.mysql:
            targets.append(("mariadb", args.server_rows, lambda: load_mysql(args.mysql, args.server_rows)))
        for name, count, load in targets:
            start = time.perf_counter()
            url = load()
            loaded = time.perf_counter() - start
            seconds, cpu, peaks, document = run_audit(url, work)
            assert document["users"] == count
            found = {p["kind"]: p["count"] for p in document["problems"] if p["count"]}
            cells = (count, loaded, seconds, cpu, count / seconds, max(peaks.values()) / 1024,
                     sum(peaks.values()) / 1024, len(peaks))  # fmt: skip
            formats = (",", ".1f", ".1f", ".1f", ",.0f", ".0f", ".0f", "")
            line = "".join(f"{value:>9{fmt}}" for value, fmt in zip(cells, formats, strict=True))
            print(f"{name:<11}{line}  {sum(found.values()):,} in {len(found)} kinds")


if __name__ == "__main__":
    main()

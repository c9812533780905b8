"""What bounding every statement costs on a warm connection: our drivers against the plain DB-API call.

For each server (SQLite always; PostgreSQL and MariaDB when TEST_POSTGRES_URL / TEST_MYSQL_URL are set),
the ASP.NET Identity lookup by user name is run side by side, alternating, on one warm connection each:

- plain: the DB-API driver as tutorials use it (``psycopg2`` blocking, ``pymysql``, ``sqlite3``), no bounds;
- ours: ``Driver.run`` with the time left above ``query_timeout`` (the usual warm invocation);
- ours, deadline-limited: less time left than ``query_timeout``, so the statement carries its own server-side
  limit (PostgreSQL ``SET statement_timeout`` in the same round trip, MariaDB ``SET STATEMENT ... FOR``,
  SQLite ``PRAGMA busy_timeout``).

    .venv/bin/python bench/bench_store.py [--rounds 2000] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE.parent))

from tests.conftest import aspnet_users  # noqa: E402
from tests.legacy import create_aspnet_mysql, create_aspnet_postgres, create_aspnet_sqlite  # noqa: E402

from cognito_migrate.stores.sql_drivers import driver_for  # noqa: E402
from cognito_migrate.stores.sql_presets import PRESETS, requote  # noqa: E402

QUERY_TIMEOUT = 2.0


def plain_connection(url: str) -> Any:
    if url.startswith("sqlite"):
        import sqlite3

        return sqlite3.connect(url[len("sqlite:///") :])
    if url.startswith("postgres"):
        import psycopg2

        conn = psycopg2.connect(url)
        conn.autocommit = True
        return conn
    import pymysql

    parts = urlsplit(url)
    return pymysql.connect(
        host=parts.hostname, port=parts.port or 3306, user=parts.username or "root",
        database=parts.path.lstrip("/"), autocommit=True,
    )  # fmt: skip


def measure(url: str, rounds: int) -> dict[str, float]:
    driver = driver_for(url, password=lambda: None, query_timeout=QUERY_TIMEOUT)
    query = driver.prepare(requote(PRESETS["aspnet_identity"].query, driver.quote))
    params = {"username": "ALICE"}
    session = driver.open(QUERY_TIMEOUT)
    plain = plain_connection(url)

    def run_plain() -> None:
        cursor = plain.cursor()
        cursor.execute(query, params)
        cursor.fetchmany(2)
        cursor.close()

    cases = {
        "plain": run_plain,
        "ours": lambda: driver.run(session, query, params, QUERY_TIMEOUT, 2),
        "ours, deadline-limited": lambda: driver.run(session, query, params, 1.5, 2),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, case in cases.items():  # alternating, so machine noise hits every case alike
            started = time.perf_counter()
            case()
            times[name].append((time.perf_counter() - started) * 1e6)
    driver.close(session)
    plain.close()
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    args = parser.parse_args()

    servers: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        servers["sqlite"] = create_aspnet_sqlite(str(Path(tmp) / "bench.db"), aspnet_users())
        for name, env, create in (
            ("postgres", "TEST_POSTGRES_URL", create_aspnet_postgres),
            ("mariadb", "TEST_MYSQL_URL", create_aspnet_mysql),
        ):
            if os.environ.get(env):
                create(os.environ[env], aspnet_users())
                servers[name] = os.environ[env]
        results = {name: measure(url, args.rounds) for name, url in servers.items()}

    if args.json:
        print(json.dumps({"rounds": args.rounds, "median_us": results}))
        return
    print(f"Python {sys.version.split()[0]}; {args.rounds} alternating rounds per case; median µs per lookup")
    print(f"{'server':10} {'plain':>9} {'ours':>9} {'ratio':>7} {'limited':>9} {'ratio':>7}")
    for name, r in results.items():
        ours, limited = r["ours"], r["ours, deadline-limited"]
        print(
            f"{name:10} {r['plain']:9.1f} {ours:9.1f} {ours / r['plain']:7.3f}"
            f" {limited:9.1f} {limited / r['plain']:7.3f}"
        )


if __name__ == "__main__":
    main()

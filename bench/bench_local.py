"""What a migrating sign-in costs against a sign-in of an already-migrated user, through the local Cognito.

Same endpoint, same app client, same boto3 client; each legacy user signs in twice in a row (first: the
trigger runs, verifies the legacy hash and the user is created; second: Cognito alone), so both columns are
measured side by side under the same conditions. The ratio shows what migration adds on top of the plain
sign-in; "trigger" is the part spent inside our handler (lookup + hash verification), the rest is the local
Cognito's own work (event, validation, user creation).

    .venv/bin/python bench/bench_local.py [--users 60]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from cognito_migrate import hashing
from cognito_migrate.config import settings_from_mapping
from cognito_migrate.local.configured import configured_cognito, create_recommended_pool

SCHEMES: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("bcrypt, cost 10", "bcrypt", {"rounds": 10}),
    ("ASP.NET Identity V3, 100,000 x SHA-512", "aspnet_identity_v3", {}),
    ("ASP.NET Identity V2, 1,000 x SHA-1", "aspnet_identity_v2", {}),
)
PASSWORD = "Bench-Password-1!"


def legacy_db(path: Path, scheme: str, cost: dict[str, Any], count: int) -> str:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE users (username TEXT PRIMARY KEY, email TEXT, password_hash TEXT)")
    conn.executemany(
        "INSERT INTO users VALUES (?, ?, ?)",
        [(f"user{i}", f"user{i}@example.com", hashing.create(scheme, PASSWORD, cost=cost)) for i in range(count)],
    )
    conn.commit()
    conn.close()
    return f"sqlite:///{path}"


def settings(url: str) -> Any:
    return settings_from_mapping(
        {
            "store": {
                "type": "sql",
                "url": url,
                "query": "SELECT username, email, password_hash FROM users WHERE username = :username",
                "columns": {"username": "username", "email": "email", "password_hash": "password_hash"},
            },
            "logging": {"level": "ERROR", "metrics": False},
        },
        environ={},
    )


def timed(call: Any) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def run(label: str, scheme: str, cost: dict[str, Any], count: int, workdir: Path) -> dict[str, Any]:
    config = settings(legacy_db(workdir / f"{scheme}.db", scheme, cost, count))
    with (
        Path(os.devnull).open("w") as sink,
        configured_cognito(config, log_stream=sink, console=lambda _l: None) as local,
    ):
        pool = create_recommended_pool(local, config, name=scheme)
        cognito = local.client()

        def sign_in(name: str) -> None:
            cognito.initiate_auth(
                ClientId=pool.client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD},
            )

        for i in range(min(5, count)):  # warm-up: connection, imports, moto's first calls
            sign_in(f"user{i}")
            sign_in(f"user{i}")
        migrating, migrated = [], []
        for i in range(min(5, count), count):
            migrating.append(timed(lambda i=i: sign_in(f"user{i}")))
            migrated.append(timed(lambda i=i: sign_in(f"user{i}")))
        trigger = [inv.trigger_ms for inv in local.invocations if inv.user_pool_id == pool.user_pool_id][5:]
    return {
        "label": label,
        "n": len(migrating),
        "migrated": statistics.median(migrated),
        "migrating": statistics.median(migrating),
        "trigger": statistics.median(trigger),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=60, help="legacy users per scheme (5 are warm-up)")
    args = parser.parse_args()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    with tempfile.TemporaryDirectory() as tmp:
        rows = [run(label, scheme, cost, args.users, Path(tmp)) for label, scheme, cost in SCHEMES]
    header = (
        f"{'legacy hash':40} {'n':>4} {'migrated ms':>12} {'migrating ms':>13} {'ratio':>7} {'added ms':>9}"
        f" {'of which trigger':>17}"
    )
    print(f"InitiateAuth USER_PASSWORD_AUTH through boto3, medians (cpus: {os.cpu_count()})")
    print(header)
    print("-" * len(header))
    for r in rows:
        added = r["migrating"] - r["migrated"]
        print(
            f"{r['label']:40} {r['n']:>4} {r['migrated']:>12.1f} {r['migrating']:>13.1f}"
            f" {r['migrating'] / r['migrated']:>6.2f}x {added:>9.1f} {r['trigger']:>17.1f}"
        )


if __name__ == "__main__":
    main()

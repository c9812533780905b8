"""What the http store adds to a cold start and to one request, side by side.

1. Import (CPU time in a fresh process, alternating, ``--processes`` each): the handler alone against the
   handler plus ``cognito_migrate.stores.http`` (``http.client``, ``ssl``, ``json``: what ``type = "http"`` loads).
2. One lookup against the loopback legacy API (tests/legacy_api.py), alternating: a plain ``http.client``
   GET on a new connection against the store's bounded request (watchdog, read timeout, body cap).

    .venv/bin/python bench/bench_http_store.py [--processes 15] [--rounds 300] [--json]
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE.parent))

from tests.legacy_api import LegacyApi  # noqa: E402

from bench.store_bench import import_ms, report  # noqa: E402
from cognito_migrate.models import Deadline  # noqa: E402
from cognito_migrate.stores.http import HttpUserStore  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--processes", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    sides = {
        "handler": "cognito_migrate.handler",
        "handler + http store": "cognito_migrate.handler, cognito_migrate.stores.http",
    }
    imports: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(args.processes):
        for name, mods in sides.items():
            imports[name].append(import_ms(mods))

    api = LegacyApi({"alice": {"username": "alice", "password": "x", "email": "alice@example.com"}}).start()
    store = HttpUserStore(api.url)
    host, port = "127.0.0.1", int(api.url.split(":")[2].split("/")[0])
    plain: list[float] = []
    ours: list[float] = []
    try:
        for _ in range(args.rounds):
            t = time.perf_counter()
            conn = http.client.HTTPConnection(host, port, timeout=2)
            conn.request("GET", "/api/users/alice")
            conn.getresponse().read()
            conn.close()
            plain.append(time.perf_counter() - t)
            t = time.perf_counter()
            store.find("alice", fields=["username"], deadline=Deadline(5))
            ours.append(time.perf_counter() - t)
    finally:
        api.stop()

    result = {
        "import_ms": {n: {"median": statistics.median(v), "min": min(v)} for n, v in imports.items()},
        "lookup_ms": {
            "plain http.client": {"median": statistics.median(plain) * 1000, "min": min(plain) * 1000},
            "http store": {"median": statistics.median(ours) * 1000, "min": min(ours) * 1000},
        },
    }
    report(result, as_json=args.json)


if __name__ == "__main__":
    main()

"""What the ldap store adds to a cold start and to one sign-in, side by side, against a real slapd on loopback.

1. Import (CPU time in a fresh process, alternating, ``--processes`` each): the handler alone against the
   handler plus ``cognito_migrate.stores.ldap`` and ``ldap3`` (what building a ``type = "ldap"`` store loads).
2. One sign-in's directory work, warm connections, alternating (``--rounds`` each):
   - ``plain ldap3``: a hand-written search and bind on two kept ldap3 connections (no escaping, no
     deadline, no watchdog): the floor;
   - ``store, bind``: the store's lookup and password check (``verify = "bind"``);
   - ``store, hash``: the store's lookup and the hash catalogue's check of the ``{SSHA}`` it read
     (``verify = "hash"``).
3. Bounding a step (``--rounds`` x 10 each, alternating): a ``threading.Timer`` started and cancelled (a
   thread per step) against the shared watchdog armed and disarmed (stores/watchdog.py).

    .venv/bin/python bench/bench_ldap_store.py [--processes 12] [--rounds 300] [--json]

Needs Debian's slapd (tests/ldap_server.py starts one in a temporary directory and stops it).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE.parent))

import ldap3  # noqa: E402
from tests.ldap_server import GOOD, SEARCH_DN, SEARCH_PASSWORD, start_directory, stop_directory  # noqa: E402

from bench.store_bench import import_ms, report  # noqa: E402
from cognito_migrate import hashing  # noqa: E402
from cognito_migrate.models import Deadline  # noqa: E402
from cognito_migrate.stores.ldap import LdapUserStore  # noqa: E402
from cognito_migrate.stores.watchdog import Watchdog  # noqa: E402


def _stats(seconds: list[float]) -> dict[str, float]:
    return {"median": statistics.median(seconds) * 1000, "min": min(seconds) * 1000}


def _imports(processes: int) -> dict[str, list[float]]:
    sides = {
        "handler": "cognito_migrate.handler",
        "handler + ldap store": "cognito_migrate.handler, cognito_migrate.stores.ldap, ldap3",
    }
    imports: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(processes):
        for name, mods in sides.items():
            imports[name].append(import_ms(mods))
    return imports


def _sign_ins(rounds: int) -> dict[str, list[float]]:
    directory = start_directory(Path(tempfile.mkdtemp(prefix="bench-slapd-")) / "slapd")
    base = "ou=people,dc=example,dc=com"
    common = {"bind_dn": SEARCH_DN, "bind_password": lambda: SEARCH_PASSWORD, "base_dn": base,
              "filters": {"username": "(uid={username})"}}  # fmt: skip
    bind_store = LdapUserStore(directory.url, verify="bind", **common)  # type: ignore[arg-type]
    hash_store = LdapUserStore(directory.url, verify="hash", **common)  # type: ignore[arg-type]
    server = ldap3.Server("localhost", port=int(directory.url.rsplit(":", 1)[1]), get_info=ldap3.NONE)
    search = ldap3.Connection(server, SEARCH_DN, SEARCH_PASSWORD, auto_bind=True)
    binds = ldap3.Connection(server, authentication=ldap3.SIMPLE)
    binds.open()
    timings: dict[str, list[float]] = {"plain ldap3": [], "store, bind": [], "store, hash": []}
    try:
        for _ in range(rounds):
            t = time.perf_counter()
            search.search(base, "(uid=alice)", attributes=["uid", "mail", "givenName", "sn", "cn"], size_limit=2)
            binds.user, binds.password = search.response[0]["dn"], GOOD
            assert binds.bind()
            timings["plain ldap3"].append(time.perf_counter() - t)

            t = time.perf_counter()
            found = bind_store.find("alice", fields=["username"], deadline=Deadline(5))
            assert found is not None and bind_store.check_password(found.user, GOOD, Deadline(5))
            timings["store, bind"].append(time.perf_counter() - t)

            t = time.perf_counter()
            found = hash_store.find("alice", fields=["username"], deadline=Deadline(5))
            assert found is not None and found.user.credential is not None
            assert hashing.check(GOOD, found.user.credential.stored) is hashing.Verdict.MATCH
            timings["store, hash"].append(time.perf_counter() - t)
    finally:
        for conn in (search, binds):
            conn.unbind()
        bind_store.close()
        hash_store.close()
        stop_directory(directory)
    return timings


def _alarms(rounds: int) -> dict[str, list[float]]:
    alarms: dict[str, list[float]] = {"threading.Timer": [], "shared watchdog": []}
    watchdog = Watchdog()
    for _ in range(rounds):
        t = time.perf_counter()
        timer = threading.Timer(5, lambda: None)
        timer.daemon = True
        timer.start()
        timer.cancel()
        alarms["threading.Timer"].append(time.perf_counter() - t)
        t = time.perf_counter()
        watchdog.disarm(watchdog.arm(5, lambda: None))
        alarms["shared watchdog"].append(time.perf_counter() - t)
    return alarms


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--processes", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    result = {
        "import_ms": {n: {"median": statistics.median(v), "min": min(v)} for n, v in _imports(args.processes).items()},
        "sign_in_ms": {name: _stats(values) for name, values in _sign_ins(args.rounds).items()},
        "alarm_ms": {name: _stats(values) for name, values in _alarms(args.rounds * 10).items()},
    }
    report(result, as_json=args.json)


if __name__ == "__main__":
    main()

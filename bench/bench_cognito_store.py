"""What the cognito store and the group step add to a cold start and to one call, side by side, against the
local Cognito on loopback.

1. Cold start (CPU time in a fresh process, alternating, ``--processes`` each):
   - ``handler``: the handler alone;
   - ``handler + group step``: plus ``groups`` and ``cognito_api`` (the signed ``AdminAddUserToGroup``);
   - ``handler + boto3 client``: plus importing boto3 and building a ``cognito-idp`` client, which is what the
     group step would cost with boto3, and what a cognito store costs (``stores.cognito`` builds one).
2. One call, warm, alternating (``--rounds`` each):
   - ``AdminAddUserToGroup``: ``cognito_api.CognitoAdmin`` (a new connection each, SigV4 by hand) against a
     kept boto3 client;
   - a sign-in's old-pool work: the store's lookup and password check (``AdminGetUser`` + ``InitiateAuth``,
     with its deadline, timeouts and row reading) against the same two calls on a plain boto3 client.

    .venv/bin/python bench/bench_cognito_store.py [--processes 8] [--rounds 100] [--json]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE.parent))

from bench.store_bench import report  # noqa: E402
from cognito_migrate.cognito_api import CognitoAdmin  # noqa: E402
from cognito_migrate.ledger.sigv4 import Credentials  # noqa: E402
from cognito_migrate.local import LocalCognito  # noqa: E402
from cognito_migrate.models import Deadline  # noqa: E402
from cognito_migrate.stores.cognito import CognitoUserStore  # noqa: E402

PASSWORD = "Correct-Horse-9"
_COLD = {
    "handler": "import cognito_migrate.handler",
    "handler + group step": "import cognito_migrate.handler, cognito_migrate.groups, cognito_migrate.cognito_api",
    "handler + boto3 client": (
        "import cognito_migrate.handler, boto3; boto3.session.Session().client('cognito-idp', region_name='us-east-1')"
    ),
}
_TIMED = "import time; t=time.process_time(); {code}; print((time.process_time() - t) * 1000)"


def _stats(ms: list[float]) -> dict[str, float]:
    return {"median": statistics.median(ms), "min": min(ms)}


def _cold(processes: int) -> dict[str, list[float]]:
    env = {**os.environ, "PYTHONPATH": str(HERE.parent / "src")}
    out: dict[str, list[float]] = {name: [] for name in _COLD}
    for _ in range(processes):
        for name, code in _COLD.items():
            done = subprocess.run([sys.executable, "-c", _TIMED.format(code=code)], capture_output=True, text=True,
                                  check=True, env=env)  # fmt: skip
            out[name].append(float(done.stdout))
    return out


def _calls(rounds: int) -> dict[str, dict[str, list[float]]]:
    import boto3

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    with LocalCognito(console=None) as local:
        api: Any = local.client()
        pool = api.create_user_pool(PoolName="bench")["UserPool"]["Id"]
        flows = ["ALLOW_USER_PASSWORD_AUTH"]
        client = api.create_user_pool_client(UserPoolId=pool, ClientName="c", ExplicitAuthFlows=flows)["UserPoolClient"]
        api.create_group(UserPoolId=pool, GroupName="Admins")
        api.admin_create_user(UserPoolId=pool, Username="alice", MessageAction="SUPPRESS")
        api.admin_set_user_password(UserPoolId=pool, Username="alice", Password=PASSWORD, Permanent=True)
        signed = CognitoAdmin("us-east-1", endpoint=local.endpoint, credentials=lambda: Credentials("local", "local"))
        plain = boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=local.endpoint)
        store = CognitoUserStore(user_pool_id=pool, client_id=client["ClientId"], region="us-east-1",
                                 endpoint_url=local.endpoint)  # fmt: skip

        def add_signed() -> None:
            signed.add_user_to_group(pool, "alice", "Admins", 2.0)

        def add_boto3() -> None:
            plain.admin_add_user_to_group(UserPoolId=pool, Username="alice", GroupName="Admins")

        def sign_in_store() -> None:
            found = store.find("alice", fields=["username"], deadline=Deadline(4))
            assert found is not None and store.check_password(found.user, PASSWORD, Deadline(4))

        def sign_in_boto3() -> None:
            plain.admin_get_user(UserPoolId=pool, Username="alice")
            plain.initiate_auth(ClientId=client["ClientId"], AuthFlow="USER_PASSWORD_AUTH",
                                AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD})  # fmt: skip

        sections = {
            "add_to_group_ms": {"signed (cognito_api)": add_signed, "boto3, kept client": add_boto3},
            "old_pool_sign_in_ms": {"cognito store": sign_in_store, "plain boto3": sign_in_boto3},
        }
        out: dict[str, dict[str, list[float]]] = {s: {n: [] for n in sides} for s, sides in sections.items()}
        for section, sides in sections.items():
            for call in sides.values():
                call()  # warm: connections, clients, the store's first client
            for _ in range(rounds):
                for name, call in sides.items():
                    started = time.perf_counter()
                    call()
                    out[section][name].append((time.perf_counter() - started) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = {"cold_start_cpu_ms": {n: _stats(v) for n, v in _cold(args.processes).items()}}
    for section, sides in _calls(args.rounds).items():
        result[section] = {n: _stats(v) for n, v in sides.items()}
    report(result, as_json=args.json)


if __name__ == "__main__":
    main()

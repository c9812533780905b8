"""The trigger's cold path stays lean: what BENCHMARKS.md ("Cold start") measured, held by counting, not timing.

A whole cold start (the handler's import, the configuration, the first invocation) runs in a new process
that counts calls of ``compile()`` on text: ``typing`` compiles every string annotation of a NamedTuple or a
TypeVar bound (``from __future__ import annotations`` makes every annotation a string), and the first such
call of a process builds the ``ast`` module's types, about 9 million instructions (~3% of the cold start).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from cognito_migrate import hashing
from tests.legacy import AspNetUser, create_aspnet_sqlite

ROOT = Path(__file__).resolve().parents[2]

COLD_START = r"""
import builtins, json, os, sys, traceback

compiled = []
_compile = builtins.compile

def counting(source, *args, **kwargs):
    if isinstance(source, str):  # the import system compiles modules from bytes; typing from str
        compiled.append((source, traceback.format_stack(limit=8)[-8:-1]))
    return _compile(source, *args, **kwargs)

builtins.compile = counting

from cognito_migrate.handler import lambda_handler

class Context:
    aws_request_id = "cold"
    def get_remaining_time_in_millis(self):
        return 5000

event = json.loads(sys.argv[1])
sys.stdout, out = open(os.devnull, "w"), sys.stdout
response = lambda_handler(event, Context())["response"]
sys.stdout = out
print(json.dumps({
    "status": response["finalUserStatus"],
    "compiled": [source for source, _ in compiled],
    "where": ["".join(stack) for _, stack in compiled][:3],
    "modules": sorted(m for m in sys.modules if m.startswith("cognito_migrate")),
}))
"""


def _cold_start(tmp_path: Path) -> dict[str, object]:
    stored = hashing.create("aspnet_identity_v3", "Cold-Start-1", cost={"iterations": 1000, "prf": "HMACSHA256"})
    db = tmp_path / "legacy.db"
    create_aspnet_sqlite(str(db), [AspNetUser("ada", stored, email="ada@example.com")])
    config = tmp_path / "config.json"  # as `cognito-migrate package` deploys it
    config.write_text(json.dumps({"store": {"type": "sql", "url": f"sqlite:///{db}", "preset": "aspnet_identity"}}))
    event = {
        "version": "1",
        "triggerSource": "UserMigration_Authentication",
        "region": "eu-west-1",
        "userPoolId": "eu-west-1_TestPool1",
        "userName": "ada",
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "client1"},
        "request": {"password": "Cold-Start-1", "validationData": None},
        "response": {},
    }
    # as Lambda runs it: the configuration is read during the init (the handler's import)
    env = dict(
        os.environ, COGNITO_MIGRATE_CONFIG=str(config), PYTHONPATH=str(ROOT / "src"), AWS_LAMBDA_INITIALIZATION_TYPE="on-demand"
    )
    done = subprocess.run(
        [sys.executable, "-c", COLD_START, json.dumps(event)], env=env, capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_a_cold_start_compiles_no_annotation(tmp_path: Path) -> None:
    """No NamedTuple or TypeVar on the cold path has a string annotation: declare them in a module without
    ``from __future__ import annotations``, or as a plain class with ``__slots__`` (docs/architecture.md)."""
    result = _cold_start(tmp_path)
    assert result["status"] == "CONFIRMED"  # the whole path ran: import, configuration, build, invocation
    assert result["compiled"] == [], "\n".join(result["where"])  # type: ignore[arg-type]


def test_a_cold_start_leaves_the_cli_the_local_cognito_and_the_ledger_alone(tmp_path: Path) -> None:
    modules = _cold_start(tmp_path)["modules"]
    assert isinstance(modules, list)
    assert not [m for m in modules if m.startswith(("cognito_migrate.cli", "cognito_migrate.local"))]
    assert not [m for m in modules if m.startswith(("cognito_migrate.ledger", "cognito_migrate.audit"))]
    assert "cognito_migrate.hashing.schemes.aspnet_identity" in modules  # loaded when the row needed it

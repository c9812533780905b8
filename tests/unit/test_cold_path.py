"""The trigger's cold path stays lean: what BENCHMARKS.md ("Cold start") measured, held by counting, not timing.

A whole cold start (the handler's import, the configuration, the first invocation) runs in a new process
that counts calls of ``compile()`` on text: ``typing`` compiles every string annotation of a NamedTuple or a
TypeVar bound (``from __future__ import annotations`` makes every annotation a string), and the first such
call of a process builds the ``ast`` module's types, about 9 million instructions (~3% of the cold start).
It also records the regular expressions our modules compile while they are imported (each costs every cold
start, used or not), which modules were loaded, and what the handler's import did to the garbage collector.
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

import gc, re
at_import = []
_re_compile = re._compile

def noting(pattern, flags):
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename == re.__file__:
        frame = frame.f_back  # re.compile, re.sub...: the caller is the frame that named the pattern
    if frame is not None and frame.f_code.co_name == "<module>" and "cognito_migrate" in frame.f_code.co_filename:
        at_import.append(f"{frame.f_code.co_filename}: {pattern}")
    return _re_compile(pattern, flags)

re._compile = noting
from cognito_migrate.handler import lambda_handler
re._compile = _re_compile
gc_after_import = {"enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}

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
    "patterns_at_import": at_import,
    "gc": gc_after_import,
}))
"""


def _cold_start(tmp_path: Path, *, in_lambda: bool = True) -> dict[str, object]:
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
    env = dict(os.environ, COGNITO_MIGRATE_CONFIG=str(config), PYTHONPATH=str(ROOT / "src"))
    env.pop("AWS_LAMBDA_INITIALIZATION_TYPE", None)
    if in_lambda:
        env["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand"
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


def test_a_sql_cold_start_leaves_the_other_stores_alone(tmp_path: Path) -> None:
    """The configuration declares every store's keys and checks in one place, but a SQL store's cold start
    loads none of the other stores' modules (their checks import them when such a key is set)."""
    modules = _cold_start(tmp_path)["modules"]
    assert isinstance(modules, list)
    others = ("ldap", "ldap_filters", "http", "file", "file_formats", "cognito", "watchdog")
    assert not [m for m in modules if m.removeprefix("cognito_migrate.stores.") in others]
    assert "cognito_migrate.stores.sql_sqlite" in modules  # the store that was configured did load


def test_the_cold_path_compiles_no_regular_expression_at_import(tmp_path: Path) -> None:
    """A pattern compiled at import costs every cold start whether or not it is used: keep its text and let
    ``re`` compile it when it is first needed (or compile it in a cached function, for per-row checks)."""
    assert _cold_start(tmp_path)["patterns_at_import"] == []


def test_in_lambda_the_handler_import_leaves_its_objects_out_of_the_collector(tmp_path: Path) -> None:
    """In Lambda the collector is paused during the handler's imports and their objects frozen; it is on
    again afterwards. Outside Lambda (tests, the CLI, the local Cognito) the collector is not touched."""
    in_lambda = _cold_start(tmp_path)["gc"]
    assert isinstance(in_lambda, dict)
    assert in_lambda["enabled"] is True
    assert in_lambda["frozen"] > 1000  # the modules, classes and functions of the import
    (tmp_path / "elsewhere").mkdir()
    elsewhere = _cold_start(tmp_path / "elsewhere", in_lambda=False)
    assert elsewhere["gc"] == {"enabled": True, "frozen": 0}
    assert elsewhere["status"] == "CONFIRMED"

"""The post-authentication group step in-process: it never fails a sign-in, says what it could not do, and
keeps boto3 off the trigger's path (a whole process, so no other test's imports count)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate.config import settings_from_mapping
from cognito_migrate.handler import Trigger
from cognito_migrate.local.trigger_event import POST_AUTHENTICATION, build_post_event
from cognito_migrate.observability import InvocationLog
from cognito_migrate.testing import LambdaContext
from tests.conftest import aspnet_users, log_records
from tests.legacy import create_aspnet_sqlite

if TYPE_CHECKING:
    import io
    from pathlib import Path

NOWHERE = "http://127.0.0.1:9"  # the discard port: nothing listens, the connection is refused at once


def _post_event(name: str) -> dict[str, Any]:
    user = (name, {"sub": "0f0c0e0a-0000-4000-8000-000000000000", "email": f"{name}@example.com"})
    return build_post_event(POST_AUTHENTICATION, pool=("eu-west-1", "eu-west-1_Pool1"), client_id="c", user=user,
                            metadata=None)  # fmt: skip


def _trigger(store_url: str, stream: io.StringIO, sections: dict[str, Any] | None = None, **store: Any) -> Trigger:
    data = {
        "store": {"type": "sql", "url": store_url, "preset": "aspnet_identity", **store},
        "groups": {"map": {"Admin": "Admins"}, "unmapped": "copy"},
        "hashing": {"dummy_cost": {"iterations": 1000, "prf": "HMACSHA256"}},
        **(sections or {}),
    }
    return Trigger(settings_from_mapping(data, environ={}), log=InvocationLog(stream=stream, level="DEBUG"))


def _cognito_nowhere(monkeypatch: Any) -> None:
    """The group step's Cognito API is a port nobody listens on: a call that is made fails, and says so."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDP", NOWHERE)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


def test_an_unreachable_cognito_api_is_logged_and_the_event_answered_unchanged(
    tmp_path: Path, log_stream: io.StringIO, monkeypatch: Any
) -> None:
    _cognito_nowhere(monkeypatch)
    url = create_aspnet_sqlite(str(tmp_path / "aspnet.db"), aspnet_users())
    query = """SELECT 'Admin' UNION ALL SELECT 'two words' WHERE :username IS NOT NULL"""
    trigger = _trigger(url, log_stream, groups_query=query)
    event = _post_event("alice")
    assert trigger(json.loads(json.dumps(event)), LambdaContext()) == event
    [line] = [r for r in log_records(log_stream) if r["message"] == "groups not assigned"]
    assert line["level"] == "ERROR"
    assert line["failed"] == {"Admins": "ConnectionRefusedError"}
    assert line["refused"] == ["two words"]  # copied names must be valid group names
    assert line["GroupsFailed"] == 1


def test_a_store_that_is_down_at_post_authentication_is_logged_not_raised(
    tmp_path: Path, log_stream: io.StringIO
) -> None:
    trigger = _trigger(f"sqlite:///{tmp_path / 'missing' / 'nothing.db'}", log_stream)
    event = _post_event("alice")
    assert trigger(json.loads(json.dumps(event)), LambdaContext()) == event
    [line] = [r for r in log_records(log_stream) if r["message"] == "groups not assigned"]
    assert "problem" in line and line["added"] == []


def test_a_malformed_groups_column_migrates_the_user_and_the_group_step_says_why_it_assigned_none(
    tmp_path: Path, log_stream: io.StringIO
) -> None:
    import sqlite3

    from cognito_migrate import hashing
    from cognito_migrate.testing import make_event
    from tests.conftest import GOOD

    db = tmp_path / "users.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE users (name TEXT, hash TEXT, email TEXT, roles TEXT)")
        conn.execute("INSERT INTO users VALUES ('alice', ?, 'alice@example.com', '[not json')",
                     (hashing.create("bcrypt", GOOD, cost={"rounds": 4}),))  # fmt: skip
    data = {
        "store": {"type": "sql", "url": f"sqlite:///{db}", "query": "SELECT * FROM users WHERE name = :username",
                  "columns": {"username": "name", "password_hash": "hash", "email": "email", "groups": "roles"}},
        "groups": {"map": {"Admin": "Admins"}},
        "hashing": {"dummy_scheme": "bcrypt", "dummy_cost": {"rounds": 4}},
    }  # fmt: skip
    trigger = Trigger(settings_from_mapping(data, environ={}), log=InvocationLog(stream=log_stream, level="DEBUG"))

    response = trigger(make_event("alice", GOOD), LambdaContext())["response"]
    assert response["finalUserStatus"] == "CONFIRMED"  # it used to be refused as a malformed record
    event = _post_event("alice")
    assert trigger(json.loads(json.dumps(event)), LambdaContext()) == event
    [line] = [r for r in log_records(log_stream) if r["message"] == "groups not assigned"]
    assert "roles" in line["problem"]
    assert line["added"] == []
    assert GOOD not in log_stream.getvalue()


def test_a_confirmed_self_sign_up_under_a_legacy_name_gets_no_legacy_groups(
    tmp_path: Path, log_stream: io.StringIO, monkeypatch: Any
) -> None:
    """Without a ledger the post-confirmation of a sign-up used to look the name up and assign that legacy
    user's groups to whoever signed up under it."""
    _cognito_nowhere(monkeypatch)  # a call, if one were made, would fail and be logged
    url = create_aspnet_sqlite(str(tmp_path / "aspnet.db"), aspnet_users())
    trigger = _trigger(url, log_stream, groups_query="SELECT 'Admin' WHERE :username IS NOT NULL")
    event = {**_post_event("alice"), "triggerSource": "PostConfirmation_ConfirmSignUp"}
    assert trigger(json.loads(json.dumps(event)), LambdaContext()) == event
    assert not [r for r in log_records(log_stream) if r["message"].startswith("groups")]


def test_a_user_the_legacy_store_does_not_know_gets_nothing_and_no_line(
    tmp_path: Path, log_stream: io.StringIO
) -> None:
    url = create_aspnet_sqlite(str(tmp_path / "aspnet.db"), aspnet_users())
    trigger = _trigger(url, log_stream, groups_query="SELECT 'Admin' WHERE :username IS NOT NULL")
    event = _post_event("somebody-created-in-cognito")
    assert trigger(json.loads(json.dumps(event)), LambdaContext()) == event
    assert not [r for r in log_records(log_stream) if r["message"].startswith("groups")]


PROBE = """
import json, sys
from cognito_migrate.handler import lambda_handler
from cognito_migrate.testing import LambdaContext, make_event
from cognito_migrate.local.trigger_event import POST_AUTHENTICATION, build_post_event
lambda_handler(make_event("alice", "Correct-Horse-9"), LambdaContext())
event = build_post_event(POST_AUTHENTICATION, pool=("eu-west-1", "eu-west-1_Pool1"), client_id="c",
                         user=("alice", {"sub": "x"}), metadata=None)
lambda_handler(event, LambdaContext())
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("boto3", "botocore"))))
"""


def test_neither_the_migration_nor_the_group_step_imports_boto3(tmp_path: Path) -> None:
    url = create_aspnet_sqlite(str(tmp_path / "aspnet.db"), aspnet_users())
    config = tmp_path / "cognito-migrate.json"
    config.write_text(json.dumps({
        "store": {"type": "sql", "url": url, "preset": "aspnet_identity",
                  "groups_query": "SELECT 'Admin' WHERE :username IS NOT NULL"},
        "groups": {"map": {"Admin": "Admins"}},
        "logging": {"level": "ERROR"},
    }))  # fmt: skip
    env = {"COGNITO_MIGRATE_CONFIG": str(config), "AWS_ENDPOINT_URL_COGNITO_IDP": NOWHERE,
           "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "PYTHONPATH": ":".join(sys.path)}  # fmt: skip
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=60, check=True)
    lines = done.stdout.strip().splitlines()
    assert any('"groups not assigned"' in line for line in lines)  # the group step did run (and failed: nowhere)
    assert json.loads(lines[-1]) == []


def test_an_unverified_email_or_phone_never_picks_whose_legacy_groups_a_user_gets(
    tmp_path: Path, log_stream: io.StringIO, monkeypatch: Any
) -> None:
    # a Cognito user the legacy store does not know (signed up in the pool) who set their own e-mail and phone
    # to a legacy admin's: Cognito keeps them unverified, and they must not earn that admin's groups
    _cognito_nowhere(monkeypatch)
    url = create_aspnet_sqlite(str(tmp_path / "aspnet.db"), aspnet_users())
    pool = {"pool": {"alias_attributes": ["email", "phone_number"]}}
    trigger = _trigger(url, log_stream, pool, groups_query="SELECT 'Admin' WHERE :username IS NOT NULL")
    claimed = {"sub": "0f0c0e0a-0000-4000-8000-000000000001", "email": "alice@example.com", "email_verified": "false",
               "phone_number": "+14325551212", "phone_number_verified": "false"}  # fmt: skip
    event = build_post_event(POST_AUTHENTICATION, pool=("eu-west-1", "eu-west-1_Pool1"), client_id="c",
                             user=("mallory", claimed), metadata=None)  # fmt: skip
    assert trigger(json.loads(json.dumps(event)), LambdaContext()) == event
    assert not [r for r in log_records(log_stream) if r["message"].startswith("groups")]  # nobody was looked up

    # verified by Cognito, the same e-mail does find the legacy user (the call then fails: nowhere)
    verified = {**claimed, "email_verified": "true"}
    event = build_post_event(POST_AUTHENTICATION, pool=("eu-west-1", "eu-west-1_Pool1"), client_id="c",
                             user=("0f0c0e0a-0000-4000-8000-000000000001", verified), metadata=None)  # fmt: skip
    trigger(json.loads(json.dumps(event)), LambdaContext())
    [line] = [r for r in log_records(log_stream) if r["message"] == "groups not assigned"]
    assert line["failed"] == {"Admins": "ConnectionRefusedError"}


def test_with_a_ledger_only_users_it_confirms_get_groups_and_not_while_it_is_down(
    tmp_path: Path, log_stream: io.StringIO, monkeypatch: Any
) -> None:
    # a ledger that cannot answer cannot tell a migrated user from one who signed up under a legacy name: the
    # groups wait for the next sign-in (the record is confirmed then), they are never given on doubt
    _cognito_nowhere(monkeypatch)
    url = create_aspnet_sqlite(str(tmp_path / "aspnet.db"), aspnet_users())
    ledger = {"ledger": {"url": f"sqlite:///{tmp_path / 'missing' / 'ledger.db'}", "hash_key": "k" * 32}}
    trigger = _trigger(url, log_stream, ledger, groups_query="SELECT 'Admin' WHERE :username IS NOT NULL")
    event = _post_event("alice")
    assert trigger(json.loads(json.dumps(event)), LambdaContext()) == event
    assert not [r for r in log_records(log_stream) if r["message"].startswith("groups")]


def test_a_cold_start_s_init_counts_against_post_authentication_s_five_seconds_too(
    tmp_path: Path, log_stream: io.StringIO, monkeypatch: Any
) -> None:
    # Cognito waits 5 s for post-authentication as for the migration, init included, and a post-authentication
    # that times out fails the sign-in: a container whose init took 4.9 s has no time left for the group step
    _cognito_nowhere(monkeypatch)
    url = create_aspnet_sqlite(str(tmp_path / "aspnet.db"), aspnet_users())
    trigger = _trigger(url, log_stream, groups_query="SELECT 'Admin' WHERE :username IS NOT NULL")
    trigger.init_spent = 4.9
    event = _post_event("alice")
    assert trigger(json.loads(json.dumps(event)), LambdaContext()) == event
    [line] = [r for r in log_records(log_stream) if r["message"] == "groups not assigned"]
    assert "deadline" in line["problem"] and line["failed"] == {}  # nothing was called past Cognito's wait


@pytest.mark.parametrize(("case_sensitive", "looked_up"), [(True, False), (False, True)])
def test_a_name_the_store_matched_only_loosely_gets_no_groups_in_a_case_sensitive_pool(
    tmp_path: Path, log_stream: io.StringIO, monkeypatch: Any, case_sensitive: bool, looked_up: bool
) -> None:
    # ASP.NET Identity matches on the upper-cased name: "ALICE" finds alice. In a case-sensitive pool "ALICE" is
    # another Cognito user (the trigger refuses to migrate alice under it): it must not get alice's groups
    _cognito_nowhere(monkeypatch)
    url = create_aspnet_sqlite(str(tmp_path / "aspnet.db"), aspnet_users())
    pool = {"pool": {"case_sensitive": case_sensitive}}
    trigger = _trigger(url, log_stream, pool, groups_query="SELECT 'Admin' WHERE :username IS NOT NULL")
    event = _post_event("ALICE")
    assert trigger(json.loads(json.dumps(event)), LambdaContext()) == event
    lines = [r for r in log_records(log_stream) if r["message"] == "groups not assigned"]
    assert bool(lines) is looked_up  # a case-insensitive pool: "ALICE" is alice, whose call then fails (nowhere)

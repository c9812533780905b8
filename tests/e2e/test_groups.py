"""Legacy groups become Cognito groups end to end: boto3 signs in against the local Cognito, our trigger
migrates the user from a real SQL store, the post-authentication trigger adds the user to the mapped groups,
and ``AdminListGroupsForUser`` shows them."""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate import hashing
from cognito_migrate.config import settings_from_mapping
from cognito_migrate.local.configured import configured_cognito, create_recommended_pool
from tests.e2e.helpers import error_of, sign_in
from tests.ledger_support import HASH_KEY, ledger_url, moto_dynamodb  # noqa: F401 - the fixture
from tests.legacy_api import LegacyApi, running

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

GOOD = "Correct-Horse-9"
MAP = {"admin": "Admins", "staff": "Staff", "auditor": "Auditors"}


def _store(path: Path) -> str:
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE users (name TEXT PRIMARY KEY, pw TEXT, email TEXT);
        CREATE TABLE user_roles (name TEXT, role TEXT);
        """
    )
    hashed = hashing.create("bcrypt", GOOD, cost={"rounds": 4})
    for name in ("alice", "bob", "carol"):
        db.execute("INSERT INTO users VALUES (?, ?, ?)", (name, hashed, f"{name}@example.com"))
    roles = [("alice", "admin"), ("alice", "staff"), ("alice", "gardener"), ("carol", "auditor"), ("carol", "staff")]
    db.executemany("INSERT INTO user_roles VALUES (?, ?)", roles)
    db.commit()
    db.close()
    return f"sqlite:///{path}"


def _settings(tmp_path: Path, **extra: Any) -> Any:
    data = {
        "store": {
            "type": "sql",
            "url": _store(tmp_path / "legacy.db"),
            "query": "SELECT name, pw, email FROM users WHERE name = :username",
            "groups_query": "SELECT role FROM user_roles WHERE name = :username ORDER BY role",
            "columns": {"username": "name", "password_hash": "pw", "email": "email"},
        },
        "hashing": {"dummy_scheme": "bcrypt", "dummy_cost": {"rounds": 4}},
        "pool": {"case_sensitive": False},
        "groups": {"map": MAP},
        **extra,
    }
    return settings_from_mapping(data, environ={})


def groups_of(cognito: Any, pool_id: str, name: str) -> list[str]:
    answer = cognito.admin_list_groups_for_user(UserPoolId=pool_id, Username=name)
    return sorted(g["GroupName"] for g in answer["Groups"])


def log_lines(stream: io.StringIO, message: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("message") == message]


@contextlib.contextmanager
def recommended_pool(settings: Any) -> Iterator[tuple[io.StringIO, Any, str, str]]:
    """(the trigger's log, a boto3 client, pool id, client id) of a local Cognito for ``settings``."""
    stream = io.StringIO()
    with configured_cognito(settings, log_stream=stream) as local:
        pool_id, client_id = create_recommended_pool(local, settings)
        yield stream, local.client(), pool_id, client_id


def test_a_migrated_user_gets_the_mapped_groups_and_only_those(tmp_path: Path) -> None:
    with recommended_pool(_settings(tmp_path)) as (stream, cognito, pool_id, client_id):
        # the recommended pool has the mapped groups, as docs/deploy.md asks of a real one
        assert sorted(g["GroupName"] for g in cognito.list_groups(UserPoolId=pool_id)["Groups"]) == sorted(
            MAP.values()
        )
        assert "AuthenticationResult" in sign_in(cognito, client_id, "alice", GOOD)
        assert groups_of(cognito, pool_id, "alice") == ["Admins", "Staff"]  # "gardener" is not mapped: dropped
        assert "AuthenticationResult" in sign_in(cognito, client_id, "bob", GOOD)
        assert groups_of(cognito, pool_id, "bob") == []
        [assigned] = log_lines(stream, "groups assigned")
        assert assigned["added"] == ["Admins", "Staff"]

        # without a ledger every sign-in adds the groups again (idempotent), even one removed in Cognito
        cognito.admin_remove_user_from_group(UserPoolId=pool_id, Username="alice", GroupName="Staff")
        assert "AuthenticationResult" in sign_in(cognito, client_id, "alice", GOOD)
        assert groups_of(cognito, pool_id, "alice") == ["Admins", "Staff"]


def test_a_group_missing_from_the_pool_is_logged_by_name_and_the_sign_in_still_succeeds(tmp_path: Path) -> None:
    with recommended_pool(_settings(tmp_path)) as (stream, cognito, pool_id, client_id):
        cognito.delete_group(UserPoolId=pool_id, GroupName="Auditors")
        assert "AuthenticationResult" in sign_in(cognito, client_id, "carol", GOOD)
        assert groups_of(cognito, pool_id, "carol") == ["Staff"]
        [failed] = log_lines(stream, "groups not assigned")
        assert failed["missing"] == ["Auditors"]
        assert failed["added"] == ["Staff"]
        assert failed["level"] == "ERROR"


def test_unmapped_groups_are_copied_when_asked(tmp_path: Path) -> None:
    settings = _settings(tmp_path, groups={"map": {"admin": "Admins"}, "unmapped": "copy"})
    with recommended_pool(settings) as (_, cognito, pool_id, client_id):
        for group in ("staff", "gardener"):
            cognito.create_group(UserPoolId=pool_id, GroupName=group)
        assert "AuthenticationResult" in sign_in(cognito, client_id, "alice", GOOD)
        assert groups_of(cognito, pool_id, "alice") == ["Admins", "gardener", "staff"]


@pytest.fixture(params=["sqlite", "dynamodb"])
def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """``[ledger]`` on SQLite, and on moto's DynamoDB over HTTP."""
    return {"url": ledger_url(request.param, tmp_path, request), "hash_key": HASH_KEY}


def test_with_a_ledger_groups_are_assigned_once_and_kept_as_an_administrator_changes_them(
    tmp_path: Path, ledger: dict[str, str]
) -> None:
    with recommended_pool(_settings(tmp_path, ledger=ledger)) as (stream, cognito, pool_id, client_id):
        assert "AuthenticationResult" in sign_in(cognito, client_id, "alice", GOOD)
        assert groups_of(cognito, pool_id, "alice") == ["Admins", "Staff"]
        cognito.admin_remove_user_from_group(UserPoolId=pool_id, Username="alice", GroupName="Staff")

        assert "AuthenticationResult" in sign_in(cognito, client_id, "alice", GOOD)
        assert groups_of(cognito, pool_id, "alice") == ["Admins"]  # an administrator's change is kept
        assert len(log_lines(stream, "groups assigned")) == 1


def test_with_a_ledger_a_failed_assignment_is_retried_at_the_next_sign_in_and_then_never_again(
    tmp_path: Path, ledger: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with recommended_pool(_settings(tmp_path, ledger=ledger)) as (stream, cognito, pool_id, client_id):
        cognito.delete_group(UserPoolId=pool_id, GroupName="Auditors")
        assert "AuthenticationResult" in sign_in(cognito, client_id, "carol", GOOD)
        assert groups_of(cognito, pool_id, "carol") == ["Staff"]
        [failed] = log_lines(stream, "groups not assigned")
        assert failed["missing"] == ["Auditors"]

        cognito.create_group(UserPoolId=pool_id, GroupName="Auditors")  # the operator reads the log line
        assert "AuthenticationResult" in sign_in(cognito, client_id, "carol", GOOD)
        assert groups_of(cognito, pool_id, "carol") == ["Auditors", "Staff"]
        [assigned] = log_lines(stream, "groups assigned")
        assert assigned["added"] == ["Auditors", "Staff"]  # the whole mapping again: AdminAddUserToGroup is idempotent

        # done: a later sign-in neither looks carol up in the legacy store nor calls Cognito for her groups
        from cognito_migrate.stores.base import UserStore

        def no_lookup(*args: object, **kwargs: object) -> None:
            raise AssertionError("the legacy store was asked for groups already assigned")

        monkeypatch.setattr(UserStore, "groups", no_lookup)
        cognito.admin_remove_user_from_group(UserPoolId=pool_id, Username="carol", GroupName="Staff")
        assert "AuthenticationResult" in sign_in(cognito, client_id, "carol", GOOD)
        assert groups_of(cognito, pool_id, "carol") == ["Auditors"]
        assert len(log_lines(stream, "groups assigned")) == 1
        assert len(log_lines(stream, "groups not assigned")) == 1


@pytest.fixture
def api() -> Iterator[LegacyApi]:
    users = {
        "erin": {"username": "erin", "password": GOOD, "email": "erin@example.com", "enabled": True,
                 "emailVerified": True, "roles": ["admin"], "groups": ["staff", "gardener"]},
    }  # fmt: skip
    yield from running(LegacyApi(users, contract="keycloak"))


def test_an_http_store_s_roles_and_groups_are_mapped(api: LegacyApi) -> None:
    data = {
        "store": {"type": "http", "url": api.url, "http": {"contract": "keycloak"}},
        "hashing": {"dummy_scheme": "bcrypt", "dummy_cost": {"rounds": 4}},
        "pool": {"case_sensitive": False},
        "groups": {"map": MAP},
    }
    with recommended_pool(settings_from_mapping(data, environ={})) as (_, cognito, pool_id, client_id):
        wrong = error_of(lambda: sign_in(cognito, client_id, "erin", "Wrong-Horse-9"))
        assert wrong == ("NotAuthorizedException", "Incorrect username or password.")
        assert "AuthenticationResult" in sign_in(cognito, client_id, "erin", GOOD)
        assert groups_of(cognito, pool_id, "erin") == ["Admins", "Staff"]

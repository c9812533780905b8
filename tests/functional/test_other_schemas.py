"""The Django preset with hashes made by Django itself, and a custom query with column roles."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate import hashing
from cognito_migrate.config import settings_from_mapping
from cognito_migrate.handler import Trigger
from cognito_migrate.observability import InvocationLog
from cognito_migrate.testing import LambdaContext, make_event
from tests.conftest import GOOD, log_records
from tests.legacy import create_django_sqlite

if TYPE_CHECKING:
    import io
    from pathlib import Path


@pytest.fixture(scope="module")
def django_hash() -> str:
    """A hash from Django's own PBKDF2 hasher (the reference implementation; no settings needed)."""
    hashers = pytest.importorskip("django.contrib.auth.hashers")
    return str(hashers.PBKDF2PasswordHasher().encode(GOOD, "fixedsaltforbench", iterations=1000))


def trigger_for(data: dict[str, Any], stream: io.StringIO) -> Trigger:
    data.setdefault("hashing", {}).setdefault("dummy_cost", {"iterations": 1000})
    return Trigger(settings_from_mapping(data, environ={}), log=InvocationLog(stream=stream))


def test_django_users_migrate_with_mapped_names(tmp_path: Path, django_hash: str, log_stream: io.StringIO) -> None:
    users = [
        {"username": "ada", "password": django_hash, "email": "ada@example.com", "first_name": "Ada"},
        {"username": "gone", "password": django_hash, "email": "gone@example.com", "is_active": 0},
    ]
    url = create_django_sqlite(str(tmp_path / "django.db"), users)
    data = {
        "store": {"type": "sql", "url": url, "preset": "django"},
        "hashing": {"dummy_scheme": "django_pbkdf2_sha256"},
        "mapping": {"attributes": {"given_name": "first_name"}},
    }
    trigger = trigger_for(data, log_stream)
    response = trigger(make_event("ada", GOOD), LambdaContext())["response"]
    assert response["userAttributes"] == {"given_name": "Ada", "email": "ada@example.com", "email_verified": "false"}
    assert response["finalUserStatus"] == "CONFIRMED"
    assert log_records(log_stream)[-1]["scheme"] == "django_pbkdf2_sha256"
    assert trigger(make_event("gone", GOOD), LambdaContext())["response"]["userAttributes"] is None
    assert log_records(log_stream)[-1]["reason"] == "disabled"


@pytest.fixture
def custom_db(tmp_path: Path) -> str:
    """A home-grown schema: salted SHA-256 in hex with the salt in its own column, flags as text."""
    path = tmp_path / "custom.db"
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE members (login TEXT, pw TEXT, pw_salt TEXT, mail TEXT, mail_ok TEXT, banned TEXT, "
        "force_change INTEGER, nick TEXT)"
    )
    salted = hashing.create(
        "raw_digest", GOOD, params={"algorithm": "sha256", "salt": "pepper-salt", "salt_position": "prefix"}
    )
    rows = [
        ("mia", salted, "pepper-salt", "mia@example.com", "yes", "no", 0, "Mimi"),
        ("max", salted, "pepper-salt", "max@example.com", "yes", "no", 1, None),
        ("bad", salted, "pepper-salt", "bad@example.com", "maybe", "no", 0, None),
    ]
    conn.executemany("INSERT INTO members VALUES (?,?,?,?,?,?,?,?)", rows)
    conn.commit()
    conn.close()
    return f"sqlite:///{path}"


def custom_config(url: str) -> dict[str, Any]:
    return {
        "store": {
            "type": "sql",
            "url": url,
            "query": "SELECT * FROM members WHERE lower(login) = :username",
            "normalize": "lower",
            "columns": {
                "username": "login",
                "password_hash": "pw",
                "salt": "pw_salt",
                "email": "mail",
                "email_verified": "mail_ok",
                "disabled": "banned",
                "must_change_password": "force_change",
            },
        },
        "hashing": {
            "scheme": "raw_digest",
            "params": {"algorithm": "sha256", "salt_position": "prefix"},
            "dummy_scheme": "raw_digest",
            "dummy_cost": {},
        },
        "mapping": {"attributes": {"nickname": "nick"}},
        "pool": {"case_sensitive": False},
    }


def test_custom_query_with_salt_column_and_text_flags(custom_db: str, log_stream: io.StringIO) -> None:
    trigger = trigger_for(custom_config(custom_db), log_stream)
    response = trigger(make_event("MIA", GOOD), LambdaContext())["response"]
    assert response["userAttributes"] == {"nickname": "Mimi", "email": "mia@example.com", "email_verified": "true"}
    assert "pw" not in str(response)


def test_legacy_must_change_flag_gives_reset_required(custom_db: str, log_stream: io.StringIO) -> None:
    trigger = trigger_for(custom_config(custom_db), log_stream)
    assert trigger(make_event("max", GOOD), LambdaContext())["response"]["finalUserStatus"] == "RESET_REQUIRED"
    assert log_records(log_stream)[-1]["reason"] == "must_change_password"


def test_unreadable_flag_fails_closed_and_names_the_column(custom_db: str, log_stream: io.StringIO) -> None:
    trigger = trigger_for(custom_config(custom_db), log_stream)
    assert trigger(make_event("bad", GOOD), LambdaContext())["response"]["userAttributes"] is None
    record = log_records(log_stream)[-1]
    assert (record["level"], record["reason"]) == ("ERROR", "malformed_record")
    assert "mail_ok" in record["detail"]
    assert "maybe" not in record["detail"]

"""Forgot-password migrates only the rows the legacy framework itself would send a reset (issue 8, section 7)."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate import hashing
from cognito_migrate.config import settings_from_mapping
from cognito_migrate.handler import Trigger
from cognito_migrate.observability import InvocationLog
from cognito_migrate.testing import LambdaContext, make_event
from tests.conftest import FAST_V3, GOOD, log_records
from tests.legacy import create_django_sqlite

if TYPE_CHECKING:
    import io
    from pathlib import Path

FORGOT = "UserMigration_ForgotPassword"


def forgot(trigger: Trigger, username: str, stream: io.StringIO) -> tuple[bool, str]:
    """(migrated, logged reason) of a forgot-password request."""
    response = trigger(make_event(username, trigger=FORGOT), LambdaContext())["response"]
    return response["userAttributes"] is not None, log_records(stream)[-1]["reason"]


def build(data: dict[str, Any], stream: io.StringIO) -> Trigger:
    return Trigger(settings_from_mapping(data, environ={}), log=InvocationLog(stream=stream))


def test_django_resets_exactly_the_users_django_would(tmp_path: Path, log_stream: io.StringIO) -> None:
    """PasswordResetForm skips users without has_usable_password(): the "!" prefix, nothing else."""
    hashers = pytest.importorskip("django.contrib.auth.hashers")
    usable = hashing.create("django_pbkdf2_sha256", GOOD, cost={"iterations": 1000})
    rows = {"ada": usable, "unusable": "!" + "x" * 40, "empty": ""}
    users = [{"username": name, "password": pw, "email": f"{name}@example.com"} for name, pw in rows.items()]
    url = create_django_sqlite(str(tmp_path / "django.db"), users)
    trigger = build(
        {
            "store": {"type": "sql", "url": url, "preset": "django", "columns": {"email_verified": "is_active"}},
            "hashing": {"dummy_scheme": "django_pbkdf2_sha256", "dummy_cost": {"iterations": 1000}},
        },
        log_stream,
    )
    for name, stored in rows.items():
        migrated, reason = forgot(trigger, name, log_stream)
        assert migrated is hashers.is_password_usable(stored), name
        assert reason == ("ok" if migrated else "password_unusable")


def test_aspnet_identity_resets_a_user_without_a_password(aspnet_db: str, log_stream: io.StringIO) -> None:
    """Identity's ForgotPassword looks at EmailConfirmed only: an external-login user (PasswordHash NULL) resets."""
    trigger = build(
        {"store": {"type": "sql", "url": aspnet_db, "preset": "aspnet_identity"}, "hashing": {"dummy_cost": FAST_V3}},
        log_stream,
    )
    assert forgot(trigger, "grace", log_stream) == (True, "ok")


def test_own_queries_do_not_reset_a_user_without_a_password(tmp_path: Path, log_stream: io.StringIO) -> None:
    """The framework behind your own queries is unknown: a row without a password is not migrated on doubt."""
    path = tmp_path / "own.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE users (name TEXT, hash TEXT, mail TEXT)")
    conn.execute("INSERT INTO users VALUES ('nopw', NULL, 'n@example.com'), ('blank', '  ', 'b@example.com')")
    conn.execute("INSERT INTO users VALUES ('pw', ?, 'p@example.com')", (hashing.create("bcrypt", GOOD),))
    conn.commit()
    conn.close()
    store = {
        "type": "sql", "url": f"sqlite:///{path}", "query": "SELECT name, hash, mail, 1 AS ok FROM users WHERE name = :username",
        "columns": {"username": "name", "password_hash": "hash", "email": "mail", "email_verified": "ok"},
    }  # fmt: skip
    trigger = build({"store": store, "hashing": {"dummy_cost": {"rounds": 4}}}, log_stream)
    assert forgot(trigger, "nopw", log_stream) == (False, "password_unusable")
    assert forgot(trigger, "blank", log_stream) == (False, "password_unusable")
    assert forgot(trigger, "pw", log_stream) == (True, "ok")

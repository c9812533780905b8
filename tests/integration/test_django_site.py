"""Rows that Django itself wrote (its migrate, its create_user, its hashers) in the real PostgreSQL.

What a Django team hits on go-live: e-mails that Django never verified, django-allauth's verification
table, Argon2 rows beside PBKDF2 ones, inactive users, unusable passwords.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate.testing import LambdaContext, make_event
from tests.conftest import GOOD, log_records, service_url

if TYPE_CHECKING:
    import io
    from collections.abc import Callable
    from pathlib import Path

    from cognito_migrate.handler import Trigger

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

USERS = [
    {"username": "alice", "password": GOOD, "email": "Alice@Example.com", "email_verified": True},
    {"username": "bob", "password": GOOD, "email": "bob@example.com", "hasher": "argon2"},
    {"username": "carol", "password": GOOD, "email": ""},
    {"username": "dave", "password": GOOD, "email": "dave@example.com", "is_active": False, "email_verified": True},
    {"username": "erin", "password": None, "email": "erin@example.com", "email_verified": True},
]


@pytest.fixture(scope="module")
def django_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = service_url("TEST_POSTGRES_URL")
    spec: Path = tmp_path_factory.mktemp("django") / "users.json"
    spec.write_text(json.dumps(USERS))
    subprocess.run([sys.executable, "-m", "tests.django_site", url, str(spec), "--allauth"], check=True)
    return url


def sign_in(trigger: Trigger, username: str, password: str = GOOD) -> dict[str, Any]:
    return trigger(make_event(username, password), LambdaContext())["response"]


def django_trigger(make_trigger: Callable[..., Trigger], url: str, preset: str, **sections: Any) -> Trigger:
    return make_trigger(url, store={"preset": preset}, hashing={"dummy_cost": {}}, **sections)


def test_django_rows_migrate_and_their_emails_are_unverified(
    make_trigger: Callable[..., Trigger], django_url: str
) -> None:
    trigger = django_trigger(make_trigger, django_url, "django")
    alice = sign_in(trigger, "alice")
    assert alice["finalUserStatus"] == "CONFIRMED"
    assert alice["userAttributes"]["email"] == "Alice@example.com"  # Django lower-cases only the domain
    assert alice["userAttributes"]["email_verified"] == "false"  # auth_user has no verification flag
    assert sign_in(trigger, "bob")["finalUserStatus"] == "CONFIRMED"  # an Argon2 row, made by Django
    assert sign_in(trigger, "dave")["userAttributes"] is None  # is_active = False


def test_trust_emails_marks_django_emails_verified(make_trigger: Callable[..., Trigger], django_url: str) -> None:
    trigger = django_trigger(make_trigger, django_url, "django", mapping={"trust_emails": True})
    assert sign_in(trigger, "bob")["userAttributes"]["email_verified"] == "true"


def test_the_allauth_preset_reads_allauth_verification(make_trigger: Callable[..., Trigger], django_url: str) -> None:
    trigger = django_trigger(make_trigger, django_url, "django_allauth")
    assert sign_in(trigger, "alice")["userAttributes"]["email_verified"] == "true"
    assert sign_in(trigger, "bob")["userAttributes"]["email_verified"] == "false"
    carol = sign_in(trigger, "carol")["userAttributes"]
    assert "email" not in carol  # no address at all: nothing to verify


def test_an_email_alias_sign_in_finds_the_allauth_user(
    make_trigger: Callable[..., Trigger], django_url: str, log_stream: io.StringIO
) -> None:
    # case-insensitive pool: in a case-sensitive one only the stored spelling, Alice@example.com, is the alias
    pool = {"alias_attributes": ["email"], "case_sensitive": False}
    trigger = django_trigger(make_trigger, django_url, "django_allauth", pool=pool)
    answer = sign_in(trigger, "ALICE@example.com")
    assert answer["userAttributes"]["username"] == "alice"
    assert answer["userAttributes"]["email_verified"] == "true"
    assert log_records(log_stream)[-1]["outcome"] == "MIGRATED"

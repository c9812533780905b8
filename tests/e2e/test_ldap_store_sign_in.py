"""A sign-in through boto3 against the local Cognito whose trigger migrates from a real OpenLDAP directory
(the ``ldap`` store, both verification modes, and ``serve``) started on loopback by tests/ldap_server.py."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from cognito_migrate.config import settings_from_mapping
from cognito_migrate.local.configured import configured_cognito, create_recommended_pool
from tests.e2e.helpers import attributes, error_of, sign_in
from tests.ldap_server import (
    GOOD,
    SEARCH_DN,
    SEARCH_PASSWORD,
    Directory,
    running_directory,
    stop_directory,
    store_section,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.ldap


@pytest.fixture
def directory(tmp_path: Path) -> Iterator[Directory]:
    yield from running_directory(tmp_path / "slapd")


def _settings(directory: Directory, verify: str, **extra: Any) -> Any:
    data = {
        **extra,
        "store": store_section(directory, bind_password=SEARCH_PASSWORD, verify=verify),
        "hashing": {"dummy_scheme": "bcrypt", "dummy_cost": {"rounds": 4}},
        "pool": {"case_sensitive": False},
        "mapping": {"trust_emails": True},
        "logging": {"level": "ERROR"},
    }
    return settings_from_mapping(data, environ={})


@pytest.mark.parametrize("verify", ["bind", "hash"])
def test_sign_in_migrates_from_the_directory_and_wrong_passwords_create_nobody(
    directory: Directory, verify: str
) -> None:
    settings = _settings(directory, verify)
    with configured_cognito(settings, log_stream=io.StringIO()) as local:
        pool_id, client_id = create_recommended_pool(local, settings)
        cognito = local.client()

        wrong = error_of(lambda: sign_in(cognito, client_id, "alice", "Wrong-Horse-9"))
        unknown = error_of(lambda: sign_in(cognito, client_id, "nobody", GOOD))
        locked = error_of(lambda: sign_in(cognito, client_id, "dave", GOOD))
        assert wrong == unknown == locked == ("NotAuthorizedException", "Incorrect username or password.")
        assert cognito.list_users(UserPoolId=pool_id)["Users"] == []

        assert "IdToken" in sign_in(cognito, client_id, "alice", GOOD)["AuthenticationResult"]
        user = cognito.admin_get_user(UserPoolId=pool_id, Username="alice")
        assert user["UserStatus"] == "CONFIRMED"
        assert attributes(user)["given_name"] == "Alice"
        assert attributes(user)["family_name"] == "Liddell"
        assert attributes(user)["email"] == "alice@example.com"

        stop_directory(directory)  # migrated: the second sign-in no longer asks the directory
        assert "IdToken" in sign_in(cognito, client_id, "alice", GOOD)["AuthenticationResult"]
        outage = error_of(lambda: sign_in(cognito, client_id, "bob", GOOD))
        assert outage != wrong  # the directory is down: not "incorrect password", and nobody is created
        assert len(cognito.list_users(UserPoolId=pool_id)["Users"]) == 1


def test_serve_migrates_from_the_directory(directory: Directory, tmp_path: Path) -> None:
    """``cognito-migrate serve`` as an app team runs it, with the search account's password in the environment."""
    config = tmp_path / "cognito-migrate.toml"
    config.write_text(
        f'[store]\ntype = "ldap"\nurl = "{directory.url}"\n\n[store.ldap]\nbind_dn = "{SEARCH_DN}"\n'
        'bind_password = "env:LDAP_BIND_PASSWORD"\nbase_dn = "ou=people,dc=example,dc=com"\n'
        'user_filter = "(uid={username})"\n\n[mapping]\ntrust_emails = true\n'
    )
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "LDAP_BIND_PASSWORD": SEARCH_PASSWORD}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "cognito_migrate.cli", "serve", "--config", str(config)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = json.loads(process.stdout.readline())
        cognito = boto3.client("cognito-idp", region_name=line["region"], endpoint_url=line["endpoint"])
        assert "IdToken" in sign_in(cognito, line["client_id"], "alice", GOOD)["AuthenticationResult"]
        user = cognito.admin_get_user(UserPoolId=line["user_pool_id"], Username="alice")
        assert attributes(user)["name"] == "Alice Liddell"
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr
    assert GOOD not in stderr and SEARCH_PASSWORD not in stderr


def test_member_of_groups_become_cognito_groups_after_sign_in(directory: Directory) -> None:
    """The post-authentication step adds the migrated user to the mapped groups (only the mapped ones)."""
    settings = _settings(directory, "bind", groups={"map": {"admins": "Admins", "Staff, Berlin": "StaffBerlin"}})
    with configured_cognito(settings, log_stream=io.StringIO()) as local:
        pool_id, client_id = create_recommended_pool(local, settings)
        cognito = local.client()
        assert "IdToken" in sign_in(cognito, client_id, "alice", GOOD)["AuthenticationResult"]
        answer = cognito.admin_list_groups_for_user(UserPoolId=pool_id, Username="alice")
        assert sorted(g["GroupName"] for g in answer["Groups"]) == ["Admins", "StaffBerlin"]
        assert "IdToken" in sign_in(cognito, client_id, "bob", GOOD)["AuthenticationResult"]
        assert cognito.admin_list_groups_for_user(UserPoolId=pool_id, Username="bob")["Groups"] == []

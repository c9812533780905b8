"""Sign-ins through boto3 against the local Cognito whose trigger migrates from export files: an Auth0 export
(bcrypt) in a pool that signs in by e-mail, and a Firebase export (the project's scrypt) by user name."""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING, Any

from cognito_migrate.config import settings_from_mapping
from cognito_migrate.local.configured import configured_cognito, create_recommended_pool
from tests.e2e.helpers import attributes, error_of, serving, sign_in
from tests.export_files import (
    FIREBASE_HASHING,
    FIREBASE_PASSWORD,
    GOOD,
    auth0_users,
    firebase_csv,
    firebase_users,
    ndjson,
    write,
)

if TYPE_CHECKING:
    from pathlib import Path


def _settings(store: dict[str, Any], **sections: Any) -> Any:
    data = {
        "store": {"type": "file", **store},
        "hashing": {"dummy_scheme": "bcrypt", "dummy_cost": {"rounds": 4}, **sections.pop("hashing", {})},
        "logging": {"level": "ERROR"},
        **sections,
    }
    return settings_from_mapping(data, environ={})


def test_an_auth0_export_migrates_by_email_and_wrong_passwords_create_nobody(tmp_path: Path) -> None:
    url = write(tmp_path / "users.json", ndjson(auth0_users()))
    settings = _settings({"url": url, "file": {"format": "auth0"}},
                         pool={"username_attributes": ["email"], "case_sensitive": False},
                         mapping={"attributes": {"given_name": "given_name"}}, logging={"level": "INFO"})  # fmt: skip
    stream = io.StringIO()
    with configured_cognito(settings, log_stream=stream) as local:
        pool_id, client_id = create_recommended_pool(local, settings)
        cognito = local.client()

        wrong = error_of(lambda: sign_in(cognito, client_id, "alice@example.com", "Wrong-Horse-9"))
        unknown = error_of(lambda: sign_in(cognito, client_id, "nobody@example.com", GOOD))
        blocked = error_of(lambda: sign_in(cognito, client_id, "bob@example.com", GOOD))
        assert wrong == unknown == blocked == ("NotAuthorizedException", "Incorrect username or password.")
        assert cognito.list_users(UserPoolId=pool_id)["Users"] == []

        assert "IdToken" in sign_in(cognito, client_id, "Alice@Example.com", GOOD)["AuthenticationResult"]
        [user] = cognito.list_users(UserPoolId=pool_id)["Users"]
        assert user["UserStatus"] == "CONFIRMED"
        assert attributes(user)["email"] == "alice@example.com"
        assert attributes(user)["given_name"] == "Alice"
    # the local Cognito loaded the file when it started (as serve does), not in the first sign-in
    records = [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]
    assert records
    assert not any("load" in r.get("latency_ms", {}) for r in records)


def test_a_firebase_csv_export_migrates_with_the_project_s_scrypt_parameters(tmp_path: Path) -> None:
    url = write(tmp_path / "users.csv", firebase_csv(firebase_users()))
    settings = _settings({"url": url, "file": {"format": "firebase_csv"}}, hashing=FIREBASE_HASHING,
                         pool={"alias_attributes": ["email"], "case_sensitive": False,
                               "password_policy": {"require_uppercase": False, "require_symbols": False}})  # fmt: skip
    with configured_cognito(settings, log_stream=io.StringIO()) as local:
        pool_id, client_id = create_recommended_pool(local, settings)
        cognito = local.client()
        assert "IdToken" in sign_in(cognito, client_id, "user1@example.com", FIREBASE_PASSWORD)["AuthenticationResult"]
        user = cognito.admin_get_user(UserPoolId=pool_id, Username="U1aBcDeFgHiJkLmNoPqRsTuVwXy1")
        assert user["UserStatus"] == "CONFIRMED"
        assert attributes(user)["email"] == "user1@example.com"


def test_auth0_roles_become_cognito_groups(tmp_path: Path) -> None:
    """``app_metadata.roles`` of the Auth0 export are the user's legacy groups: ``[groups] map`` assigns them."""
    url = write(tmp_path / "users.json", ndjson(auth0_users()))
    settings = _settings({"url": url, "file": {"format": "auth0"}}, pool={"case_sensitive": False},
                         groups={"map": {"admin": "Admins"}})  # fmt: skip
    with configured_cognito(settings, log_stream=io.StringIO()) as local:
        pool_id, client_id = create_recommended_pool(local, settings)
        cognito = local.client()
        assert "AuthenticationResult" in sign_in(cognito, client_id, "alice", GOOD)
        groups = cognito.admin_list_groups_for_user(UserPoolId=pool_id, Username="alice")["Groups"]
        assert [g["GroupName"] for g in groups] == ["Admins"]  # "staff" is not mapped: dropped


def test_serve_migrates_from_an_export_file_beside_the_configuration(tmp_path: Path) -> None:
    """``cognito-migrate serve`` in a child process, the Auth0 export named by a path relative to the config."""
    write(tmp_path / "users.json", ndjson(auth0_users()))
    config = tmp_path / "cognito-migrate.toml"
    config.write_text('[store]\ntype = "file"\nurl = "users.json"\n\n[store.file]\nformat = "auth0"\n\n'
                      '[pool]\nusername_attributes = ["email"]\ncase_sensitive = false\n')  # fmt: skip
    with serving(config) as (cognito, line):
        wrong = error_of(lambda: sign_in(cognito, line["client_id"], "alice@example.com", "Wrong-Horse-9"))
        assert wrong == ("NotAuthorizedException", "Incorrect username or password.")
        assert "IdToken" in sign_in(cognito, line["client_id"], "alice@example.com", GOOD)["AuthenticationResult"]
        [user] = cognito.list_users(UserPoolId=line["user_pool_id"])["Users"]
        assert attributes(user)["email"] == "alice@example.com"

"""A sign-in through boto3 against the local Cognito whose trigger migrates from a legacy login API (the
``http`` store, keycloak contract) served on loopback by tests/legacy_api.py."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate.config import settings_from_mapping
from cognito_migrate.local.configured import configured_cognito, create_recommended_pool
from tests.e2e.helpers import attributes, error_of, serving, sign_in
from tests.legacy_api import LegacyApi, running

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

GOOD = "Correct-Horse-9"


@pytest.fixture
def api() -> Iterator[LegacyApi]:
    users = {"erin": {"username": "erin", "password": GOOD, "email": "erin@example.com", "firstName": "Erin",
                      "enabled": True, "emailVerified": True}}  # fmt: skip
    yield from running(LegacyApi(users, contract="keycloak"))


def _settings(api: LegacyApi) -> Any:
    data = {
        "store": {"type": "http", "url": api.url, "http": {"contract": "keycloak"}},
        "mapping": {"attributes": {"given_name": "firstName"}},
        "hashing": {"dummy_scheme": "bcrypt", "dummy_cost": {"rounds": 4}},
        "pool": {"case_sensitive": False},
        "logging": {"level": "ERROR"},
    }
    return settings_from_mapping(data, environ={})


def test_sign_in_migrates_from_the_legacy_api_and_wrong_passwords_create_nobody(api: LegacyApi) -> None:
    settings = _settings(api)
    with configured_cognito(settings, log_stream=io.StringIO()) as local:
        pool_id, client_id = create_recommended_pool(local, settings)
        cognito = local.client()

        wrong = error_of(lambda: sign_in(cognito, client_id, "erin", "Wrong-Horse-9"))
        unknown = error_of(lambda: sign_in(cognito, client_id, "nobody", GOOD))
        assert wrong == unknown == ("NotAuthorizedException", "Incorrect username or password.")
        assert cognito.list_users(UserPoolId=pool_id)["Users"] == []

        assert "IdToken" in sign_in(cognito, client_id, "erin", GOOD)["AuthenticationResult"]
        user = cognito.admin_get_user(UserPoolId=pool_id, Username="erin")
        assert user["UserStatus"] == "CONFIRMED"
        assert attributes(user)["given_name"] == "Erin"
        assert attributes(user)["email"] == "erin@example.com"

        api.fault = "5xx"  # migrated: the second sign-in no longer asks the legacy API
        assert "IdToken" in sign_in(cognito, client_id, "erin", GOOD)["AuthenticationResult"]


def test_serve_migrates_from_the_legacy_api(api: LegacyApi, tmp_path: Path) -> None:
    """``cognito-migrate serve`` in a child process, its trigger calling this process's legacy API."""
    config = tmp_path / "cognito-migrate.toml"
    config.write_text(f'[store]\ntype = "http"\nurl = "{api.url}"\n\n[store.http]\ncontract = "keycloak"\n\n'
                      '[mapping.attributes]\ngiven_name = "firstName"\n')  # fmt: skip
    with serving(config) as (cognito, line):
        wrong = error_of(lambda: sign_in(cognito, line["client_id"], "erin", "Wrong-Horse-9"))
        assert wrong == ("NotAuthorizedException", "Incorrect username or password.")
        assert "IdToken" in sign_in(cognito, line["client_id"], "erin", GOOD)["AuthenticationResult"]
        user = cognito.admin_get_user(UserPoolId=line["user_pool_id"], Username="erin")
        assert attributes(user)["given_name"] == "Erin"

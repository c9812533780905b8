"""Configuration: the minimum file works, env vars override single keys, every error names its key."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate.config import load_settings, settings_from_mapping
from cognito_migrate.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

MINIMUM = """
[store]
type = "sql"
url = "sqlite:///legacy.db"
preset = "aspnet_identity"
"""


def test_minimum_configuration_loads_with_defaults(tmp_config: Callable[[str], Path]) -> None:
    path = tmp_config(MINIMUM)
    settings = load_settings(path, environ={})
    assert settings.store.url == f"sqlite:///{path.parent / 'legacy.db'}"  # relative to the file
    assert settings.trigger.on_reject == "empty"
    assert settings.trigger.message_action == "SUPPRESS"
    assert settings.trigger.force_alias_creation is False
    assert settings.pool.password_policy.minimum_length == 8
    assert settings.policy.reset_required_on == {"password_policy", "must_change_password"}


def test_config_file_comes_from_the_environment(tmp_config: Callable[[str], Path]) -> None:
    path = tmp_config(MINIMUM)
    assert load_settings(environ={"COGNITO_MIGRATE_CONFIG": str(path)}).store.preset == "aspnet_identity"


def test_env_vars_override_single_keys(tmp_config: Callable[[str], Path]) -> None:
    env = {
        "COGNITO_MIGRATE_STORE_URL": "postgresql://db.internal/app",
        "COGNITO_MIGRATE_POOL_CASE_SENSITIVE": "true",
        "COGNITO_MIGRATE_POOL_ALIAS_ATTRIBUTES": "email,phone_number",
        "COGNITO_MIGRATE_POOL_PASSWORD_POLICY_MINIMUM_LENGTH": "12",
        "COGNITO_MIGRATE_TRIGGER_ON_REJECT": "raise",
    }
    settings = load_settings(tmp_config(MINIMUM), environ=env)
    assert settings.store.url == "postgresql://db.internal/app"
    assert settings.pool.case_sensitive is True
    assert settings.pool.alias_attributes == ("email", "phone_number")
    assert settings.pool.password_policy.minimum_length == 12
    assert settings.trigger.on_reject == "raise"


def _error(data: dict[str, Any], environ: dict[str, str] | None = None) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        settings_from_mapping(data, environ=environ or {})
    return info.value


STORE = {"type": "sql", "url": "sqlite:///x.db", "preset": "aspnet_identity"}


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({}, "store"),
        ({"store": {"type": "sql", "preset": "aspnet_identity"}}, "store.url"),
        ({"store": {**STORE, "type": "nosql"}}, "store.type"),
        ({"store": {**STORE, "preset": "rails"}}, "store.preset"),
        ({"store": {"type": "sql", "url": "sqlite:///x.db"}}, "store.query"),
        (
            {
                "store": {
                    "type": "sql",
                    "url": "x",
                    "query": "SELECT 1",
                    "columns": {"username": "u", "password_hash": "p"},
                }
            },
            "store.query",
        ),
        ({"store": {"type": "sql", "url": "x", "query": "SELECT * WHERE u = :username"}}, "store.columns.username"),
        ({"store": {**STORE, "columns": {"colour": "c"}}}, "store.columns.colour"),
        ({"store": {**STORE, "query_timeout": 0}}, "store.query_timeout"),
        ({"store": {**STORE, "query_timeout": "fast"}}, "store.query_timeout"),
        ({"store": {**STORE, "tyoe": "sql"}}, "store.tyoe"),
        (
            {"store": STORE, "pool": {"alias_attributes": ["email"], "username_attributes": ["email"]}},
            "pool.alias_attributes",
        ),
        ({"store": STORE, "pool": {"username_attributes": ["nickname"]}}, "pool.username_attributes"),
        ({"store": STORE, "pool": {"password_policy": {"minimum_length": 3}}}, "pool.password_policy.minimum_length"),
        ({"store": STORE, "pool": {"case_sensitive": "no"}}, "pool.case_sensitive"),
        ({"store": STORE, "trigger": {"on_reject": "explode"}}, "trigger.on_reject"),
        ({"store": STORE, "policy": {"reset_required_on": ["moon_phase"]}}, "policy.reset_required_on"),
        ({"store": STORE, "mapping": {"default_phone_region": "usa"}}, "mapping.default_phone_region"),
        ({"store": STORE, "mapping": {"attributes": {"given_name": 3}}}, "mapping.attributes.given_name"),
        ({"store": STORE, "extra": {}}, "extra"),
    ],
)
def test_every_error_names_its_key(data: dict[str, Any], key: str) -> None:
    assert _error(data).key == key


def test_unknown_env_override_is_an_error() -> None:
    assert _error({"store": STORE}, {"COGNITO_MIGRATE_STORE_URLL": "x"}).key == "COGNITO_MIGRATE_STORE_URLL"


def test_unreadable_and_invalid_files_say_so(tmp_path: Path, tmp_config: Callable[[str], Path]) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(tmp_path / "absent.toml", environ={})
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(tmp_config("[store\nurl="), environ={})
    with pytest.raises(ConfigError, match="COGNITO_MIGRATE_CONFIG"):
        load_settings(environ={})


def test_json_configuration_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text('{"store": {"type": "sql", "url": "sqlite:///legacy.db", "preset": "django"}}')
    assert load_settings(path, environ={}).store.preset == "django"


def test_wiring_rejects_unknown_schemes_and_bad_mapping_names() -> None:
    from cognito_migrate.wiring import build_mapper, build_verifier

    bad_scheme = settings_from_mapping({"store": STORE, "hashing": {"scheme": "rot13"}}, environ={})
    with pytest.raises(ConfigError) as info:
        build_verifier(bad_scheme)
    assert info.value.key == "hashing.scheme"
    bad_name = settings_from_mapping({"store": STORE, "mapping": {"attributes": {"sub": "Id"}}}, environ={})
    with pytest.raises(ConfigError) as info:
        build_mapper(bad_name)
    assert info.value.key == "mapping.attributes.sub"


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"store": {**STORE, "email_query": "SELECT 1 WHERE e = :username"}}, "store.email_query"),
        (
            {
                "store": {
                    "type": "sql",
                    "url": "x",
                    "query": "SELECT * WHERE u = ':username'",
                    "columns": {"username": "u", "password_hash": "p"},
                }
            },
            "store.query",
        ),
        (
            {
                "store": {
                    "type": "sql",
                    "url": "x",
                    "query": "SELECT * WHERE u = :usernamex",
                    "columns": {"username": "u", "password_hash": "p"},
                }
            },
            "store.query",
        ),
        ({"store": {**STORE, "query_timeout": 10}}, "store.query_timeout"),
        ({"store": STORE, "pool": {"alias_attributes": ["preferred_username"]}}, "pool.alias_attributes"),
    ],
)
def test_more_errors_name_their_key(data: dict[str, Any], key: str) -> None:
    assert _error(data).key == key


def test_env_overrides_are_typed_by_the_key_they_override(tmp_config: Callable[[str], Path]) -> None:
    settings = load_settings(tmp_config(MINIMUM), environ={"COGNITO_MIGRATE_STORE_PASSWORD": "12345678"})
    assert settings.store.password == "12345678"
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_config(MINIMUM), environ={"COGNITO_MIGRATE_POOL_CASE_SENSITIVE": "yes"})
    assert info.value.key == "COGNITO_MIGRATE_POOL_CASE_SENSITIVE"


def test_hashing_params_must_belong_to_the_scheme() -> None:
    from cognito_migrate.wiring import build_verifier

    settings = settings_from_mapping(
        {"store": STORE, "hashing": {"scheme": "bcrypt", "params": {"peper": "x"}}}, environ={}
    )
    with pytest.raises(ConfigError) as info:
        build_verifier(settings)
    assert info.value.key == "hashing.params.peper"


def test_a_url_with_an_unencoded_password_is_refused_without_repeating_it() -> None:
    from cognito_migrate.wiring import build_store

    settings = settings_from_mapping({"store": {**STORE, "url": "mysql://app:S3cr3t/pw@db:3306/x"}}, environ={})
    with pytest.raises(ConfigError) as info:
        build_store(settings)
    assert info.value.key == "store.url"
    assert "S3cr3t" not in str(info.value)


def test_a_bad_cost_limit_is_a_configuration_error_naming_the_key(tmp_path: Path) -> None:
    from cognito_migrate import wiring

    settings = settings_from_mapping(
        {
            "store": {"url": f"sqlite:///{tmp_path}/x.db", "preset": "django"},
            "hashing": {"limits": {"bcrypt_max_cost": 0}},
        },
        environ={},
    )
    with pytest.raises(ConfigError) as caught:
        wiring.build_verifier(settings)
    assert caught.value.key == "hashing.limits.bcrypt_max_cost"


@pytest.mark.parametrize(
    "recovery",
    [[], ["verified_sms"], ["admin_only", "verified_email"]],
)
def test_pool_recovery_follows_cognitos_rules(recovery: list[str]) -> None:
    data = {"store": {"type": "sql", "url": "sqlite:///x.db", "preset": "django"}, "pool": {"recovery": recovery}}
    with pytest.raises(ConfigError) as info:
        settings_from_mapping(data, environ={})
    assert "pool.recovery" in str(info.value)


def test_pool_recovery_is_read_in_order_and_from_the_environment() -> None:
    data = {"store": {"type": "sql", "url": "sqlite:///x.db", "preset": "django"}}
    assert settings_from_mapping(data, environ={}).pool.recovery == ("verified_email", "verified_phone_number")
    env = {"COGNITO_MIGRATE_POOL_RECOVERY": '["verified_phone_number", "verified_email"]'}
    assert settings_from_mapping(data, environ=env).pool.recovery == ("verified_phone_number", "verified_email")

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


@pytest.mark.parametrize(
    ("data", "key", "problem"),
    [
        ({"hashing": {"scheme": "bcrytp"}}, "hashing.scheme", "did you mean 'bcrypt'?"),
        ({"hashing": {"dummy_scheme": "rot13"}}, "hashing.dummy_scheme", "unknown scheme"),
        ({"hashing": {"scheme": "bcrypt", "params": {"peper": "x"}}}, "hashing.params.peper", "not a parameter"),
        ({"hashing": {"params": {"pepper": "x"}}}, "hashing.params", "set hashing.scheme too"),
        ({"hashing": {"dummy_cost": {"round": 10}}}, "hashing.dummy_cost", "unknown keys for aspnet_identity_v3"),
        ({"hashing": {"limits": {"bcrypt_max_costs": 12}}}, "hashing.limits.bcrypt_max_costs", "unknown key"),
        ({"hashing": {"limits": {"bcrypt_max_cost": "12"}}}, "hashing.limits.bcrypt_max_cost", "positive integer"),
        ({"hashing": {"limits": {"bcrypt_max_cost": True}}}, "hashing.limits.bcrypt_max_cost", "positive integer"),
        ({"hashing": {"limits": {"bcrypt_max_cost": 0}}}, "hashing.limits.bcrypt_max_cost", "positive integer"),
        ({"mapping": {"attributes": {"sub": "Id"}}}, "mapping.attributes.sub", "generated by Cognito"),
        ({"mapping": {"attributes": {"email": "Email"}}}, "mapping.attributes.email", "store.columns"),
        ({"store": {**STORE, "url": "oracle://db/x"}}, "store.url", "unsupported database URL scheme"),
    ],
)
def test_semantic_checks_run_when_the_file_loads(data: dict[str, Any], key: str, problem: str) -> None:
    error = _error({"store": STORE, **data})
    assert error.key == key
    assert problem in error.problem


def test_every_problem_of_a_file_is_reported_together() -> None:
    data = {
        "store": {**STORE, "tyoe": "sql", "query_timeout": 9},
        "hashing": {"scheme": "bcrytp"},
        "pool": {"case_sensitive": "no", "password_policy": {"minimum_length": 3}},
        "mapping": {"attributes": {"sub": "Id"}},
    }
    error = _error(data, {"COGNITO_MIGRATE_LOGGING_METRICS": "maybe"})
    assert [key for key, _ in error.problems] == [
        "COGNITO_MIGRATE_LOGGING_METRICS", "store.tyoe", "store.query_timeout", "hashing.scheme",
        "pool.case_sensitive", "pool.password_policy.minimum_length", "mapping.attributes.sub",
    ]  # fmt: skip
    assert str(error).startswith("7 problems:\n  COGNITO_MIGRATE_LOGGING_METRICS: expected true or false\n")


def test_limits_configure_the_verifier() -> None:
    from cognito_migrate.hashing import CostLimits
    from cognito_migrate.wiring import build_verifier

    settings = settings_from_mapping(
        {"store": STORE, "hashing": {"limits": {"bcrypt_max_cost": 12, "pbkdf2_max_iterations": 5000}}}, environ={}
    )
    limits = build_verifier(settings).limits
    assert (limits.bcrypt_max_cost, limits.pbkdf2_max_iterations) == (12, 5000)
    assert limits.scrypt_max_n == CostLimits().scrypt_max_n


def test_every_scalar_key_has_its_environment_variable() -> None:
    from cognito_migrate.config import env_override_names

    names = env_override_names()
    assert "COGNITO_MIGRATE_POOL_PASSWORD_POLICY_REQUIRE_SYMBOLS" in names
    assert "COGNITO_MIGRATE_STORE_SAMPLE_QUERY" in names
    assert not any(name.endswith(("_COLUMNS", "_PARAMS", "_LIMITS", "_DUMMY_COST", "_ATTRIBUTES_")) for name in names)
    settings = settings_from_mapping(
        {"store": STORE},
        environ={"COGNITO_MIGRATE_STORE_CONNECT_TIMEOUT": "0.5", "COGNITO_MIGRATE_LOGGING_METRICS": "false"},
    )
    assert settings.store.connect_timeout == 0.5
    assert settings.logging.metrics is False


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


def test_a_url_with_an_unencoded_password_is_refused_without_repeating_it() -> None:
    from cognito_migrate.wiring import build_store

    settings = settings_from_mapping({"store": {**STORE, "url": "mysql://app:S3cr3t/pw@db:3306/x"}}, environ={})
    with pytest.raises(ConfigError) as info:
        build_store(settings)
    assert info.value.key == "store.url"
    assert "S3cr3t" not in str(info.value)


def test_a_bad_cost_limit_is_a_configuration_error_naming_the_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from_mapping(
            {
                "store": {"url": f"sqlite:///{tmp_path}/x.db", "preset": "django"},
                "hashing": {"limits": {"bcrypt_max_cost": 0}},
            },
            environ={},
        )
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


def test_a_store_key_written_under_store_instead_of_its_sub_table_says_where_it_belongs() -> None:
    data = {"store": {"type": "ldap", "url": "ldap://dc1", "bind_dn": "cn=svc", "nonsense": 1}}
    with pytest.raises(ConfigError) as info:
        settings_from_mapping(data, environ={})
    problems = dict(info.value.problems)
    assert problems["store.bind_dn"] == "unknown key here; it belongs in [store.ldap]"
    assert problems["store.nonsense"].startswith("unknown key; expected one of type, url")

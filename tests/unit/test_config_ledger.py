"""[ledger] and [throttle]: defaults, what turns them on, and the mistakes refused at load time."""

from __future__ import annotations

from typing import Any

import pytest

from cognito_migrate.config import settings_from_mapping
from cognito_migrate.errors import ConfigError

STORE = {"type": "sql", "url": "sqlite:///legacy.db", "preset": "aspnet_identity"}
LEDGER = {"url": "sqlite:///ledger.db", "hash_key": "env:LEDGER_KEY"}


def load(**sections: Any) -> Any:
    return settings_from_mapping({"store": STORE, **sections}, environ={})


def test_without_the_tables_there_is_no_ledger_and_no_throttle() -> None:
    settings = load()
    assert settings.ledger.url is None
    assert not settings.throttle.enabled


def test_an_empty_throttle_table_turns_it_on_with_the_documented_defaults() -> None:
    throttle = load(ledger=LEDGER, throttle={}).throttle
    assert (throttle.enabled, throttle.max_failures, throttle.window_seconds) == (True, 5, 900)


def test_max_failures_zero_turns_the_throttle_off() -> None:
    assert not load(ledger=LEDGER, throttle={"max_failures": 0}).throttle.enabled


def test_a_relative_sqlite_ledger_is_next_to_the_configuration() -> None:
    settings = settings_from_mapping({"store": STORE, "ledger": LEDGER}, environ={}, base_dir="/etc/cm")
    assert settings.ledger.url == "sqlite:////etc/cm/ledger.db"


@pytest.mark.parametrize(
    ("sections", "key"),
    [
        ({"throttle": {"max_failures": 3}}, "throttle"),
        ({"ledger": {"url": "sqlite:///l.db"}}, "ledger.hash_key"),
        ({"ledger": {**LEDGER, "timeout": 9}}, "ledger.timeout"),
        ({"ledger": LEDGER, "throttle": {"max_failures": -1}}, "throttle.max_failures"),
        ({"pool": {"user_pool_id": "not a pool id"}}, "pool.user_pool_id"),
        ({"ledger": LEDGER, "throttle": {"window": 60}}, "throttle.window"),
    ],
)
def test_mistakes_name_the_key(sections: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(**sections)
    assert caught.value.key == key


def test_environment_overrides_reach_the_ledger_and_the_throttle() -> None:
    env = {
        "COGNITO_MIGRATE_LEDGER_URL": "dynamodb://ledger?region=eu-west-1",
        "COGNITO_MIGRATE_THROTTLE_MAX_FAILURES": "7",
    }
    settings = settings_from_mapping({"store": STORE, "ledger": {"hash_key": "env:K"}, "throttle": {}}, environ=env)
    assert settings.ledger.url == "dynamodb://ledger?region=eu-west-1"
    assert settings.throttle.max_failures == 7

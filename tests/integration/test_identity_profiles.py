"""ASP.NET Identity rows as real databases hold them, in the real MariaDB and PostgreSQL: phone numbers in
national formats, junk, other countries' numbers. A detail of the profile must not keep out a user who
typed the right password."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate import hashing
from cognito_migrate.testing import LambdaContext, make_event
from tests.conftest import FAST_V3, GOOD, log_records, service_url
from tests.legacy import AspNetUser, create_aspnet_mysql, create_aspnet_postgres

if TYPE_CHECKING:
    import io
    from collections.abc import Callable

    from cognito_migrate.handler import Trigger

SERVERS = {"postgres": ("TEST_POSTGRES_URL", create_aspnet_postgres), "mysql": ("TEST_MYSQL_URL", create_aspnet_mysql)}
PHONES = {
    "us_national": "(432) 555-1212",  # valid in the pool's default region
    "uk_e164": "+44 20 7946 0018",  # another country, written with its code
    "junk": "tbc",
    "bad_plus": "+1 000 555 1212",  # E.164-shaped, but no such number
    "fr_national": "01 42 68 53 00",  # another country's national format: not a US number
}


@pytest.fixture(params=sorted(SERVERS), scope="module")
def identity_url(request: pytest.FixtureRequest) -> str:
    env, create = SERVERS[request.param]
    url = service_url(env)
    v3 = hashing.create("aspnet_identity_v3", GOOD, cost=FAST_V3)
    create(url, [AspNetUser(name, v3, email=f"{name}@example.com", phone=phone, phone_confirmed=True)
                 for name, phone in PHONES.items()])  # fmt: skip
    return url


def sign_in(trigger: Trigger, username: str) -> dict[str, Any]:
    return trigger(make_event(username, GOOD), LambdaContext())["response"]


@pytest.mark.parametrize("name", ["us_national", "uk_e164"])
def test_valid_numbers_migrate_in_e164(make_trigger: Callable[..., Trigger], identity_url: str, name: str) -> None:
    trigger = make_trigger(identity_url, mapping={"default_phone_region": "US"})
    attributes = sign_in(trigger, name)["userAttributes"]
    assert attributes["phone_number"] in {"+14325551212", "+442079460018"}
    assert attributes["phone_number_verified"] == "true"


@pytest.mark.parametrize("name", ["junk", "bad_plus", "fr_national"])
def test_an_invalid_phone_is_dropped_and_the_user_migrates(
    make_trigger: Callable[..., Trigger], identity_url: str, log_stream: io.StringIO, name: str
) -> None:
    trigger = make_trigger(identity_url, mapping={"default_phone_region": "US"})
    answer = sign_in(trigger, name)
    assert answer["finalUserStatus"] == "CONFIRMED"
    assert "phone_number" not in answer["userAttributes"]
    assert "phone_number_verified" not in answer["userAttributes"]
    record = log_records(log_stream)[-1]
    assert record["outcome"] == "MIGRATED"
    assert record["detail"].startswith("dropped phone_number: ")
    assert PHONES[name] not in record["detail"]


def test_on_invalid_reject_refuses_such_users(
    make_trigger: Callable[..., Trigger], identity_url: str, log_stream: io.StringIO
) -> None:
    trigger = make_trigger(identity_url, mapping={"default_phone_region": "US", "on_invalid": "reject"})
    assert sign_in(trigger, "junk")["userAttributes"] is None
    assert log_records(log_stream)[-1]["reason"] == "unmappable"

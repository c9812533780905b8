"""Our trigger (``make_handler``) behind the local Cognito, on a real legacy store: SQLite always,
PostgreSQL when ``TEST_POSTGRES_URL`` is set. boto3 sees what an application would see in production."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from cognito_migrate import hashing
from cognito_migrate.config import settings_from_mapping
from cognito_migrate.handler import UNAVAILABLE, make_handler
from cognito_migrate.local.configured import configured_cognito, create_recommended_pool
from tests.e2e.helpers import attributes, error_of, sign_in
from tests.legacy import AspNetUser, create_aspnet_postgres, create_aspnet_sqlite

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from cognito_migrate.local import LocalCognito

GOOD = "Correct-Horse-9"
WEAK = "password"
FAST_V3 = {"iterations": 1000, "prf": "HMACSHA256"}
INCORRECT = ("NotAuthorizedException", "Incorrect username or password.")


def legacy_users() -> list[AspNetUser]:
    v3 = hashing.create("aspnet_identity_v3", GOOD, cost=FAST_V3)
    return [
        AspNetUser("alice", v3, email="alice@example.com", phone="+14325551212", phone_confirmed=True),
        AspNetUser("bob", hashing.create("bcrypt", GOOD, cost={"rounds": 4}), email="bob@example.com"),
        AspNetUser("carol", hashing.create("aspnet_identity_v3", WEAK, cost=FAST_V3), email="carol@example.com"),
        AspNetUser("dave", v3, email="dave@example.com", lockout_end="2999-01-01T00:00:00+00:00"),
        AspNetUser("ivan", v3, email="shared@example.com"),
        AspNetUser("judy", v3, email="shared@example.com"),
    ]


def _settings(url: str, **pool: Any) -> Any:
    pool.setdefault("case_sensitive", False)  # these pools are case-insensitive, as consoles create them
    data = {
        "store": {"type": "sql", "url": url, "preset": "aspnet_identity"},
        "hashing": {"dummy_cost": FAST_V3},
        "pool": pool,
        "logging": {"level": "ERROR"},
    }
    return settings_from_mapping(data, environ={})


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return create_aspnet_sqlite(str(tmp_path_factory.mktemp("legacy") / "aspnet.db"), legacy_users())


def _postgres_url() -> str:
    import os

    base = os.environ.get("TEST_POSTGRES_URL")
    if not base:
        pytest.skip("TEST_POSTGRES_URL is not set: the PostgreSQL e2e test needs a real server (.ci/run sets it)")
    import psycopg2

    # a database of its own, so that other suites that (re)create AspNetUsers cannot interfere
    conn = psycopg2.connect(base)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = 'cognito_migrate_local_e2e'")
        if cur.fetchone() is None:
            cur.execute("CREATE DATABASE cognito_migrate_local_e2e")
    conn.close()
    parts = urlsplit(base)
    url = urlunsplit(parts._replace(path="/cognito_migrate_local_e2e"))
    create_aspnet_postgres(url, legacy_users())
    return url


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, sqlite_url: str) -> str:
    return sqlite_url if request.param == "sqlite" else _postgres_url()


@pytest.fixture(scope="module")
def ours(store_url: str, console_lines: list[str]) -> Iterator[LocalCognito]:
    with configured_cognito(_settings(store_url), console=console_lines.append) as server:
        yield server


def _count(local: LocalCognito, pool_id: str) -> int:
    return sum(1 for i in local.invocations if i.user_pool_id == pool_id)


def test_sign_in_migrates_once_with_the_mapped_attributes(ours: LocalCognito, store_url: str) -> None:
    pool_id, client_id = create_recommended_pool(ours, _settings(store_url))
    cognito = ours.client()

    assert "IdToken" in sign_in(cognito, client_id, "ALICE", GOOD)["AuthenticationResult"]

    [user] = cognito.list_users(UserPoolId=pool_id)["Users"]
    assert user["UserStatus"] == "CONFIRMED"
    attrs = attributes(user)
    assert attrs["email"] == "alice@example.com"
    assert attrs["email_verified"] == "true"
    assert attrs["phone_number"] == "+14325551212"
    assert attrs["phone_number_verified"] == "true"
    assert "IdToken" in sign_in(cognito, client_id, "alice", GOOD)["AuthenticationResult"]
    assert "IdToken" in sign_in(cognito, client_id, "bob", GOOD)["AuthenticationResult"]  # bcrypt
    assert _count(ours, pool_id) == 2


def test_wrong_password_unknown_and_locked_out_users_look_the_same(ours: LocalCognito, store_url: str) -> None:
    pool_id, client_id = create_recommended_pool(ours, _settings(store_url))
    cognito = ours.client()

    answers = {
        error_of(lambda: sign_in(cognito, client_id, "alice", "Wrong-Horse-9")),
        error_of(lambda: sign_in(cognito, client_id, "nobody", GOOD)),
        error_of(lambda: sign_in(cognito, client_id, "dave", GOOD)),
    }

    assert answers == {INCORRECT}
    assert cognito.list_users(UserPoolId=pool_id)["Users"] == []


def test_a_password_that_breaks_the_policy_migrates_as_reset_required_and_forgot_password_completes(
    ours: LocalCognito, store_url: str
) -> None:
    pool_id, client_id = create_recommended_pool(ours, _settings(store_url))
    cognito = ours.client()

    assert error_of(lambda: sign_in(cognito, client_id, "carol", WEAK)) == INCORRECT  # PUEE hides the reset
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="carol")["UserStatus"] == "RESET_REQUIRED"

    cognito.forgot_password(ClientId=client_id, Username="carol")
    code = ours.forgot_password_code(pool_id, "carol")
    assert code is not None
    cognito.confirm_forgot_password(
        ClientId=client_id, Username="carol", ConfirmationCode=code, Password="New-Pass-42!"
    )
    assert "IdToken" in sign_in(cognito, client_id, "carol", "New-Pass-42!")["AuthenticationResult"]
    assert _count(ours, pool_id) == 1


def test_forgot_password_migrates_a_user_who_never_signed_in(ours: LocalCognito, store_url: str) -> None:
    pool_id, client_id = create_recommended_pool(ours, _settings(store_url))
    cognito = ours.client()

    sent = cognito.forgot_password(ClientId=client_id, Username="bob")

    assert sent["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="bob")["UserStatus"] == "RESET_REQUIRED"
    code = ours.forgot_password_code(pool_id, "bob")
    assert code is not None
    cognito.confirm_forgot_password(ClientId=client_id, Username="bob", ConfirmationCode=code, Password="Brand-New-7!")
    assert "IdToken" in sign_in(cognito, client_id, "bob", "Brand-New-7!")["AuthenticationResult"]


def test_an_email_alias_conflict_fails_as_cognito_fails(ours: LocalCognito, store_url: str) -> None:
    settings = _settings(store_url, alias_attributes=["email"])
    pool_id, client_id = create_recommended_pool(ours, settings, trigger=make_handler(settings))
    cognito = ours.client()

    sign_in(cognito, client_id, "ivan", GOOD)

    assert error_of(lambda: sign_in(cognito, client_id, "judy", GOOD)) == (
        "AliasExistsException",
        "An account with the given email already exists.",
    )
    assert [u["Username"] for u in cognito.list_users(UserPoolId=pool_id)["Users"]] == ["ivan"]


def test_email_as_username_pool(ours: LocalCognito, store_url: str) -> None:
    settings = _settings(store_url, username_attributes=["email"])
    pool_id, client_id = create_recommended_pool(ours, settings, trigger=make_handler(settings))
    cognito = ours.client()

    assert "IdToken" in sign_in(cognito, client_id, "Alice@Example.com", GOOD)["AuthenticationResult"]
    [user] = cognito.list_users(UserPoolId=pool_id)["Users"]
    assert attributes(user)["email"] == "alice@example.com"
    assert "IdToken" in sign_in(cognito, client_id, "alice@example.com", GOOD)["AuthenticationResult"]
    assert _count(ours, pool_id) == 1


def test_a_legacy_store_that_is_down_creates_no_user_and_reports_the_outage(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing-dir' / 'legacy.db'}"
    with configured_cognito(_settings(url), console=lambda _line: None) as down:
        pool_id, client_id = create_recommended_pool(down, _settings(url))
        cognito = down.client()

        code, message = error_of(lambda: sign_in(cognito, client_id, "alice", GOOD))

        assert code == "UserLambdaValidationException"
        assert message == f"UserMigration failed with error {UNAVAILABLE}."
        assert GOOD not in message
        assert cognito.list_users(UserPoolId=pool_id)["Users"] == []


def test_sign_in_by_email_alias_creates_the_user_under_the_legacy_username(ours: LocalCognito, store_url: str) -> None:
    settings = _settings(store_url, alias_attributes=["email"])
    pool_id, client_id = create_recommended_pool(ours, settings, trigger=make_handler(settings))
    cognito = ours.client()

    assert "IdToken" in sign_in(cognito, client_id, "Alice@Example.com", GOOD)["AuthenticationResult"]

    user = cognito.admin_get_user(UserPoolId=pool_id, Username="alice")
    assert attributes(user)["email"] == "alice@example.com"
    assert "IdToken" in sign_in(cognito, client_id, "alice", GOOD)["AuthenticationResult"]
    assert _count(ours, pool_id) == 1


def test_from_config_serves_our_trigger_for_a_toml_file(sqlite_url: str, tmp_path: Path) -> None:
    from cognito_migrate.config import load_settings
    from cognito_migrate.local import LocalCognito

    config = tmp_path / "cognito-migrate.toml"
    config.write_text(
        f'[store]\ntype = "sql"\nurl = "{sqlite_url}"\npreset = "aspnet_identity"\n\n'
        '[hashing]\ndummy_cost = { iterations = 1000, prf = "HMACSHA256" }\n\n[logging]\nlevel = "ERROR"\n'
    )
    with LocalCognito.from_config(config, console=lambda _line: None) as local:
        _, client_id = create_recommended_pool(local, load_settings(config))

        assert "IdToken" in sign_in(local.client(), client_id, "alice", GOOD)["AuthenticationResult"]


def test_concurrent_sign_ins_share_the_store_safely(ours: LocalCognito, store_url: str) -> None:
    """Each in-process attempt runs in its own thread: the store's one connection must cope."""
    from concurrent.futures import ThreadPoolExecutor

    pool_id, client_id = create_recommended_pool(ours, _settings(store_url))
    cognito = ours.client()
    names = ["alice", "bob", "ivan", "judy"] * 3

    with ThreadPoolExecutor(max_workers=8) as workers:
        results = list(workers.map(lambda name: sign_in(cognito, client_id, name, GOOD), names))

    assert all("IdToken" in r["AuthenticationResult"] for r in results)
    assert sorted(u["Username"] for u in cognito.list_users(UserPoolId=pool_id)["Users"]) == [
        "alice",
        "bob",
        "ivan",
        "judy",
    ]


def test_serves_log_stands_for_users_with_the_configured_hash_key(sqlite_url: str) -> None:
    """``serve`` sends the trigger's log to a stream of its own; the configured ``username_hash_key`` still
    applies, so a user's reference is the one the deployed trigger logs (it used to be random per process)."""
    import io
    import json

    from cognito_migrate.observability import InvocationLog

    data = {
        "store": {"type": "sql", "url": sqlite_url, "preset": "aspnet_identity"},
        "hashing": {"dummy_cost": FAST_V3},
        "pool": {"case_sensitive": False},
        "logging": {"username_hash_key": "a-key-shared-by-every-container"},
    }
    settings = settings_from_mapping(data, environ={})
    stream = io.StringIO()
    with configured_cognito(settings, console=lambda _line: None, log_stream=stream) as local:
        _, client_id = create_recommended_pool(local, settings)
        sign_in(local.client(), client_id, "alice", GOOD)
    [line] = [json.loads(text) for text in stream.getvalue().splitlines() if '"migration"' in text]
    assert line["outcome"] == "MIGRATED"
    assert line["user"] == InvocationLog(username_key=b"a-key-shared-by-every-container").user_ref("alice")
    assert "alice" not in stream.getvalue()

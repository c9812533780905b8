"""The throttle and the ledger end to end: boto3 against the local Cognito, our trigger, a SQLite legacy
store and a SQLite ledger. The local Cognito fires the post-authentication and post-confirmation triggers
the recommended pool attaches, so the ledger learns that Cognito created the user."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate import hashing
from cognito_migrate.config import settings_from_mapping
from cognito_migrate.ledger.backend import open_backend
from cognito_migrate.local.configured import configured_cognito, create_recommended_pool
from tests.e2e.helpers import error_of, sign_in
from tests.ledger_support import HASH_KEY
from tests.legacy import AspNetUser, create_aspnet_sqlite

if TYPE_CHECKING:
    from pathlib import Path

GOOD = "Correct-Horse-9"
WEAK = "password"
FAST_V3 = {"iterations": 1000, "prf": "HMACSHA256"}
INCORRECT = ("NotAuthorizedException", "Incorrect username or password.")


@pytest.fixture
def settings(tmp_path: Path) -> Any:
    v3 = hashing.create("aspnet_identity_v3", GOOD, cost=FAST_V3)
    users = [
        AspNetUser("alice", v3, email="alice@example.com"),
        AspNetUser("carol", hashing.create("aspnet_identity_v3", WEAK, cost=FAST_V3), email="carol@example.com"),
    ]
    store = create_aspnet_sqlite(str(tmp_path / "aspnet.db"), users)
    data = {
        "store": {"type": "sql", "url": store, "preset": "aspnet_identity"},
        "hashing": {"dummy_cost": FAST_V3},
        "pool": {"case_sensitive": False},
        "logging": {"level": "ERROR"},
        "ledger": {"url": f"sqlite:///{tmp_path / 'ledger.db'}", "hash_key": HASH_KEY},
        "throttle": {"max_failures": 5, "window_seconds": 900},
    }
    return settings_from_mapping(data, environ={})


def records(settings: Any) -> list[Any]:
    return list(open_backend(settings.ledger.url, timeout=2).records())


@pytest.mark.slow
def test_300_wrong_guesses_then_the_right_password_gives_no_tokens_until_the_window_has_passed(settings: Any) -> None:
    with configured_cognito(settings, console=lambda _line: None) as local:
        pool_id, client_id = create_recommended_pool(local, settings)
        cognito = local.client()
        for _ in range(300):
            assert error_of(lambda: sign_in(cognito, client_id, "alice", "Wrong-Horse-9")) == INCORRECT
        assert error_of(lambda: sign_in(cognito, client_id, "alice", GOOD)) == INCORRECT
        assert cognito.list_users(UserPoolId=pool_id)["Users"] == []

        ledger_db = settings.ledger.url.removeprefix("sqlite:///")
        with sqlite3.connect(ledger_db) as conn:  # 900 seconds later, as far as the throttle can tell
            conn.execute("UPDATE cognito_migrate_throttle SET window_start = window_start - 900")
        assert "IdToken" in sign_in(cognito, client_id, "alice", GOOD)["AuthenticationResult"]

    [alice] = [r for r in records(settings) if r.known]
    # the first five were wrong passwords; the rest never reached the store
    assert alice.counts == {"REJECTED:wrong_password": 5, "MIGRATED:ok": 1}
    [name] = [r for r in records(settings) if not r.known]
    assert name.counts == {"REJECTED:throttled": 296}
    assert alice.created_at is not None  # post-authentication confirmed it


def test_a_forgot_password_migration_is_confirmed_when_the_user_sets_a_password(settings: Any) -> None:
    with configured_cognito(settings, console=lambda _line: None) as local:
        pool_id, client_id = create_recommended_pool(local, settings)
        cognito = local.client()
        assert error_of(lambda: sign_in(cognito, client_id, "carol", WEAK)) == INCORRECT  # RESET_REQUIRED, hidden
        [carol] = records(settings)
        assert carol.migrated_at is not None and carol.created_at is None  # created, but unusable yet
        cognito.forgot_password(ClientId=client_id, Username="carol")
        code = local.forgot_password_code(pool_id, "carol")
        assert code is not None
        cognito.confirm_forgot_password(
            ClientId=client_id, Username="carol", ConfirmationCode=code, Password="New-Pass-42!"
        )
        [carol] = records(settings)
        assert carol.created_at is not None  # post-confirmation
        assert "IdToken" in sign_in(cognito, client_id, "carol", "New-Pass-42!")["AuthenticationResult"]

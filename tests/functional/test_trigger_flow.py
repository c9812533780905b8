"""The trigger end to end in-process: real SQLite legacy store, real hashes, Cognito-shaped events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate.handler import INVALID_REQUEST, REJECTED, UNAVAILABLE, TriggerFailure
from cognito_migrate.testing import LambdaContext, make_event
from tests.conftest import GOOD, WEAK, log_records

if TYPE_CHECKING:
    import io
    from collections.abc import Callable

    from cognito_migrate.handler import Trigger

EMPTY_RESPONSE = {
    "userAttributes": None,
    "forceAliasCreation": None,
    "enableSMSMFA": None,
    "finalUserStatus": None,
    "messageAction": None,
    "desiredDeliveryMediums": None,
}


@pytest.fixture
def trigger(make_trigger: Callable[..., Trigger], aspnet_db: str) -> Trigger:
    return make_trigger(aspnet_db)


def sign_in(trigger: Trigger, username: str, password: str | None = GOOD, **kw: Any) -> dict[str, Any]:
    return trigger(make_event(username, password, **kw), LambdaContext())


def test_right_password_migrates_confirmed_with_verified_contacts(trigger: Trigger) -> None:
    """A correct Identity V3 password returns the profile, CONFIRMED and SUPPRESS, attribute values as strings."""
    response = sign_in(trigger, "alice")["response"]
    assert response["userAttributes"] == {
        "email": "alice@example.com",
        "email_verified": "true",
        "phone_number": "+14325551212",
        "phone_number_verified": "true",
    }
    assert response["finalUserStatus"] == "CONFIRMED"
    assert response["messageAction"] == "SUPPRESS"
    assert response["forceAliasCreation"] is False


def test_identity_v2_hash_migrates_and_unverified_email_stays_unverified(trigger: Trigger) -> None:
    response = sign_in(trigger, "bob")["response"]
    assert response["userAttributes"]["email_verified"] == "false"
    assert response["finalUserStatus"] == "CONFIRMED"


def test_sign_in_name_is_matched_case_insensitively_through_normalized_user_name(
    make_trigger: Callable[..., Trigger], aspnet_db: str
) -> None:
    trigger = make_trigger(aspnet_db, pool={"case_sensitive": False})
    assert sign_in(trigger, "ALICE")["response"]["finalUserStatus"] == "CONFIRMED"


@pytest.mark.parametrize(
    ("username", "password", "reason"),
    [
        ("alice", "Wrong-Password-1", "wrong_password"),
        ("nobody", GOOD, "unknown_user"),
        ("dave", GOOD, "locked_out"),
        ("frank", GOOD, "malformed_hash"),
        ("grace", GOOD, "no_credential"),
        ("olga", GOOD, "unsupported_hash"),
    ],
    ids=["wrong-password", "unknown-user", "locked-out", "malformed-hash", "no-hash", "unsupported-hash"],
)
def test_every_rejection_returns_the_event_unchanged(
    trigger: Trigger, log_stream: io.StringIO, username: str, password: str, reason: str
) -> None:
    """Unknown user, wrong password, locked out and unusable rows look the same to Cognito; the log says why."""
    event = make_event(username, password)
    result = trigger(event, LambdaContext())
    assert result["response"] == EMPTY_RESPONSE
    assert {k: v for k, v in result.items() if k != "request"} == {k: v for k, v in event.items() if k != "request"}
    record = log_records(log_stream)[-1]
    assert (record["outcome"], record["reason"]) == ("REJECTED", reason)


def test_expired_lockout_does_not_block(trigger: Trigger) -> None:
    assert sign_in(trigger, "erin")["response"]["finalUserStatus"] == "CONFIRMED"


def test_weak_password_migrates_as_reset_required(trigger: Trigger, log_stream: io.StringIO) -> None:
    """Cognito accepts a migrated password that breaks the pool policy, so the trigger asks for a reset."""
    response = sign_in(trigger, "carol", WEAK)["response"]
    assert response["finalUserStatus"] == "RESET_REQUIRED"
    assert log_records(log_stream)[-1]["reason"] == "password_policy"


def test_policy_can_be_switched_off(make_trigger: Callable[..., Trigger], aspnet_db: str) -> None:
    trigger = make_trigger(aspnet_db, policy={"reset_required_on": []})
    assert sign_in(trigger, "carol", WEAK)["response"]["finalUserStatus"] == "CONFIRMED"


def test_forgot_password_migrates_without_password_and_without_final_status(trigger: Trigger) -> None:
    event = make_event("alice", trigger="UserMigration_ForgotPassword")
    response = trigger(event, LambdaContext())["response"]
    assert response["userAttributes"]["email_verified"] == "true"
    assert "finalUserStatus" not in response
    assert response["messageAction"] == "SUPPRESS"


def test_forgot_password_refuses_a_user_without_a_verified_channel(trigger: Trigger, log_stream: io.StringIO) -> None:
    """Without a verified e-mail or phone Cognito cannot deliver the code: do not create a stuck user."""
    response = trigger(make_event("bob", trigger="UserMigration_ForgotPassword"), LambdaContext())["response"]
    assert response == EMPTY_RESPONSE
    assert log_records(log_stream)[-1]["reason"] == "no_delivery_channel"


def test_forgot_password_with_a_password_key_present_ignores_it(trigger: Trigger) -> None:
    event = make_event("alice", trigger="UserMigration_ForgotPassword")
    event["request"]["password"] = None
    assert trigger(event, LambdaContext())["response"]["userAttributes"]["email"] == "alice@example.com"


def test_email_alias_sign_in_creates_the_user_under_the_legacy_name(
    make_trigger: Callable[..., Trigger], aspnet_db: str
) -> None:
    trigger = make_trigger(aspnet_db, pool={"alias_attributes": ["email"], "case_sensitive": False})
    attributes = sign_in(trigger, "Alice@Example.com")["response"]["userAttributes"]
    assert attributes["username"] == "alice"
    assert attributes["email"] == "alice@example.com"


def test_shared_email_alias_is_ambiguous_and_rejected(
    make_trigger: Callable[..., Trigger], aspnet_db: str, log_stream: io.StringIO
) -> None:
    trigger = make_trigger(aspnet_db, pool={"alias_attributes": ["email"]})
    assert sign_in(trigger, "shared@example.com")["response"] == EMPTY_RESPONSE  # the same answer as any rejection
    assert log_records(log_stream)[-1]["reason"] == "ambiguous"  # but the log tells it from an unknown user


def test_email_as_username_returns_the_sign_in_email(make_trigger: Callable[..., Trigger], aspnet_db: str) -> None:
    """The returned email is the sign-in name as the pool normalizes it, not the legacy spelling."""
    sensitive = make_trigger(aspnet_db, pool={"username_attributes": ["email"], "case_sensitive": True})
    attributes = sign_in(sensitive, "alice@example.com")["response"]["userAttributes"]
    assert attributes["email"] == "alice@example.com"
    assert "username" not in attributes
    # a case-sensitive pool keeps ALICE@... and alice@... apart: accepting both would make two users
    assert sign_in(sensitive, "ALICE@Example.COM")["response"] == EMPTY_RESPONSE
    insensitive = make_trigger(aspnet_db, pool={"username_attributes": ["email"], "case_sensitive": False})
    assert sign_in(insensitive, "ALICE@Example.COM")["response"]["userAttributes"]["email"] == "alice@example.com"


def test_case_sensitive_pool_refuses_a_differently_cased_name(
    make_trigger: Callable[..., Trigger], aspnet_db: str, log_stream: io.StringIO
) -> None:
    """The store matches ALICE, but a case-sensitive pool would create a second, ghost user."""
    trigger = make_trigger(aspnet_db, pool={"case_sensitive": True})
    assert sign_in(trigger, "ALICE")["response"] == EMPTY_RESPONSE
    assert log_records(log_stream)[-1]["reason"] == "case_mismatch"
    assert sign_in(trigger, "alice")["response"]["finalUserStatus"] == "CONFIRMED"


def test_on_reject_raise_raises_one_constant_message(make_trigger: Callable[..., Trigger], aspnet_db: str) -> None:
    trigger = make_trigger(aspnet_db, trigger={"on_reject": "raise"})
    messages = set()
    for username, password in (("alice", "Wrong-Password-1"), ("nobody", GOOD), ("dave", GOOD)):
        with pytest.raises(TriggerFailure) as info:
            sign_in(trigger, username, password)
        messages.add(str(info.value))
    assert messages == {REJECTED}


def test_malformed_event_is_refused_with_a_constant_message(trigger: Trigger, log_stream: io.StringIO) -> None:
    event = make_event("alice", GOOD)
    del event["userName"]
    with pytest.raises(TriggerFailure) as info:
        trigger(event, LambdaContext())
    assert str(info.value) == INVALID_REQUEST
    assert log_records(log_stream)[-1]["field"] == "userName"


def test_unavailable_store_fails_closed(
    make_trigger: Callable[..., Trigger], tmp_path: Any, log_stream: io.StringIO
) -> None:
    """A missing database file is an outage, not "unknown user", and never creates an empty database."""
    missing = tmp_path / "gone.db"
    trigger = make_trigger(f"sqlite:///{missing}")
    with pytest.raises(TriggerFailure) as info:
        sign_in(trigger, "alice")
    assert str(info.value) == UNAVAILABLE
    record = log_records(log_stream)[-1]
    assert (record["level"], record["outcome"], record["LegacyUnavailable"]) == ("ERROR", "LEGACY_UNAVAILABLE", 1)
    assert not missing.exists()


def test_spent_deadline_fails_closed_before_touching_the_store(trigger: Trigger, log_stream: io.StringIO) -> None:
    with pytest.raises(TriggerFailure):
        trigger(make_event("alice", GOOD), LambdaContext(budget_ms=100))
    assert log_records(log_stream)[-1]["reason"] == "deadline"


def test_log_line_has_outcome_latency_cold_start_and_hashed_user(trigger: Trigger, log_stream: io.StringIO) -> None:
    sign_in(trigger, "alice")
    sign_in(trigger, "alice")
    first, second = log_records(log_stream)[-2:]
    assert (first["cold_start"], second["cold_start"]) == (True, False)
    assert first["scheme"] == "aspnet_identity_v3"
    assert set(first["latency_ms"]) >= {"lookup", "verify", "map", "total"}
    assert first["user"] != "alice"
    assert first["user"] == second["user"]
    metrics = first["_aws"]["CloudWatchMetrics"][0]
    assert metrics["Namespace"] == "CognitoMigrate"
    assert {m["Name"] for m in metrics["Metrics"]} >= {"Migrated", "Rejected", "LegacyUnavailable", "Latency"}
    assert first["Migrated"] == 1


def test_bcrypt_rows_verify_in_an_identity_store(trigger: Trigger) -> None:
    assert sign_in(trigger, "kim")["response"]["finalUserStatus"] == "CONFIRMED"

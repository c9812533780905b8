"""Cognito's rules for a migrate-user response, as pure functions of the pool settings."""

from __future__ import annotations

from typing import Any

import pytest

from cognito_migrate.local.errors import CognitoError
from cognito_migrate.local.settings import AttributeSpec, PoolSettings
from cognito_migrate.local.validation import plan_migration
from cognito_migrate.models import TriggerSource

AUTHENTICATION = TriggerSource.AUTHENTICATION.value
FORGOT_PASSWORD = TriggerSource.FORGOT_PASSWORD.value

PLAIN = PoolSettings("us-east-1_x", "us-east-1", case_sensitive=False)
EMAIL_NAME = PoolSettings("us-east-1_x", "us-east-1", username_attributes=("email",), case_sensitive=False)
EMAIL_ALIAS = PoolSettings("us-east-1_x", "us-east-1", alias_attributes=("email",), case_sensitive=False)


def payload(**response: Any) -> dict[str, Any]:
    return {"response": {"userAttributes": {"email": "a@example.com", "email_verified": "true"}, **response}}


def plan(pool: PoolSettings, name: str, answer: Any, source: str = AUTHENTICATION) -> Any:
    return plan_migration(pool, client_id="client1", trigger_source=source, user_name=name, payload=answer)


def failure(pool: PoolSettings, name: str, answer: Any) -> tuple[str, str]:
    with pytest.raises(CognitoError) as info:
        plan(pool, name, answer)
    return info.value.code, info.value.message


@pytest.mark.parametrize("attributes", [None, {}])
def test_an_empty_response_is_no_migration(attributes: Any) -> None:
    assert plan(PLAIN, "alice", {"response": {"userAttributes": attributes}}) is None


@pytest.mark.parametrize("answer", [None, "Bad password", {"no": "response"}, {"response": {"userAttributes": 3}}])
def test_something_that_is_not_the_event_is_an_exception_migrating(answer: Any) -> None:
    assert failure(PLAIN, "alice", answer) == (
        "UserNotFoundException",
        "Exception migrating user in app client client1",
    )


def test_confirmed_plan_keeps_the_attributes_and_the_typed_name() -> None:
    result = plan(PLAIN, "Alice", payload(finalUserStatus="CONFIRMED", messageAction="SUPPRESS"))
    assert (result.username, result.status, result.message_action) == ("Alice", "CONFIRMED", "SUPPRESS")
    assert result.attributes == {"email": "a@example.com", "email_verified": "true"}


def test_an_unset_status_is_reset_required_and_forgot_password_always_is() -> None:
    assert plan(PLAIN, "alice", payload()).status == "RESET_REQUIRED"
    assert plan(PLAIN, "alice", payload(finalUserStatus="CONFIRMED"), FORGOT_PASSWORD).status == "RESET_REQUIRED"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("finalUserStatus", "UNCONFIRMED", "Error during migration: Invalid finalUserStatus"),
        ("messageAction", "send", "Error during migration: Invalid messageAction"),
        ("desiredDeliveryMediums", "EMAIL", "Error during migration: Invalid desiredDeliveryMediums"),
        ("desiredDeliveryMediums", ["EMAIL", "PIGEON"], "Error during migration: Invalid desiredDeliveryMediums"),
        ("forceAliasCreation", "yes", "Error during migration: Invalid forceAliasCreation"),
    ],
)
def test_invalid_response_fields(field: str, value: Any, message: str) -> None:
    assert failure(PLAIN, "alice", payload(**{field: value})) == ("UserNotFoundException", message)


def test_schema_constraints_from_the_pool_apply() -> None:
    pool = PoolSettings(
        "p",
        "us-east-1",
        schema={
            "custom:age": AttributeSpec("custom:age", "Number", min_value=0, max_value=150),
            "custom:code": AttributeSpec("custom:code", "String", max_length=3),
            "email": AttributeSpec("email", "String", required=True, max_length=2048),
        },
    )
    ok = {"email": "a@example.com", "custom:age": "42", "custom:code": "abc"}
    assert plan(pool, "alice", {"response": {"userAttributes": ok}}) is not None
    for bad, detail in [
        ({"custom:age": "200"}, "custom:age: Number attribute is out of range."),
        ({"custom:age": "old"}, "custom:age: Number attribute must be a number."),
        ({"custom:code": "abcd"}, "custom:code: String must be no longer than 3 characters"),
    ]:
        _code, message = failure(pool, "alice", {"response": {"userAttributes": {**ok, **bad}}})
        assert message == f"Attributes did not conform to the schema: {detail}"
    assert failure(pool, "alice", {"response": {"userAttributes": {"custom:age": "1"}}})[1] == (
        "Attributes did not conform to the schema: email: The attribute is required"
    )


def test_booleans_must_be_true_or_false_strings() -> None:
    answer = {"response": {"userAttributes": {"email": "a@example.com", "email_verified": "yes"}}}
    assert "email_verified" in failure(PLAIN, "alice", answer)[1]


def test_values_over_2048_characters_fail() -> None:
    answer = {"response": {"userAttributes": {"name": "x" * 2049}}}
    assert failure(PLAIN, "alice", answer)[1].endswith("name: String must be no longer than 2048 characters")


def test_email_as_username_uses_the_email_and_allows_a_case_variant_in_a_case_insensitive_pool() -> None:
    result = plan(EMAIL_NAME, "A@Example.com", payload(finalUserStatus="CONFIRMED"))
    assert result.username == "a@example.com"
    no_email = {"response": {"userAttributes": {"given_name": "A"}, "finalUserStatus": "CONFIRMED"}}
    assert plan(EMAIL_NAME, "a@example.com", no_email).username == "a@example.com"


@pytest.mark.parametrize(
    ("username_attributes", "message"),
    [
        (("email",), "Username should be an email."),
        (("phone_number",), "Username should be a phone number."),
        (("email", "phone_number"), "Username should be either an email or a phone number."),
    ],
)
def test_username_attribute_pools_refuse_a_plain_name_in_cognitos_words(
    username_attributes: tuple[str, ...], message: str
) -> None:
    pool = PoolSettings("us-east-1_x", "us-east-1", username_attributes=username_attributes)
    assert failure(pool, "alice", payload()) == ("InvalidParameterException", message)


def test_enable_sms_mfa_needs_a_phone_number_and_a_pool_with_mfa() -> None:
    mfa_pool = PoolSettings("us-east-1_x", "us-east-1", mfa="OPTIONAL")
    with_phone = {"response": {"userAttributes": {"phone_number": "+14325551212"}, "enableSMSMFA": True}}
    assert plan(mfa_pool, "alice", with_phone) is not None
    assert failure(mfa_pool, "alice", payload(enableSMSMFA=True)) == (
        "UserNotFoundException",
        "Error during migration: enableSMSMFA needs a phone_number attribute",
    )
    assert failure(PLAIN, "alice", with_phone) == (
        "UserNotFoundException",
        "Error during migration: enableSMSMFA needs a user pool with MFA enabled",
    )
    assert plan(PLAIN, "alice", payload(enableSMSMFA=False)) is not None


def test_username_may_be_returned_only_for_an_alias_sign_in() -> None:
    with_name = {"response": {"userAttributes": {"email": "a@example.com", "username": "alice"}}}
    assert plan(EMAIL_ALIAS, "a@example.com", with_name).username == "alice"
    assert "username" not in plan(EMAIL_ALIAS, "a@example.com", with_name).attributes
    assert plan(EMAIL_ALIAS, "ALICE", with_name).username == "alice"  # same name, other case: harmless
    assert failure(PLAIN, "bob", with_name)[0] == "UserNotFoundException"


def test_an_email_shaped_username_is_refused_in_an_email_alias_pool() -> None:
    expected = (
        "InvalidParameterException",
        "Username cannot be of email format since user pool is configured for email alias",
    )
    assert failure(EMAIL_ALIAS, "a@example.com", payload()) == expected
    renamed = {"response": {"userAttributes": {"username": "b@example.com"}}}
    assert failure(EMAIL_ALIAS, "a@example.com", renamed) == expected


def test_a_sign_in_by_preferred_username_may_return_the_username() -> None:
    # "you can return a username only if the submitted user name matches an alias attribute": a
    # preferred_username alias has no format, so it matches when it equals the returned attribute
    pool = PoolSettings("us-east-1_x", "us-east-1", alias_attributes=("preferred_username",), case_sensitive=False)
    answer = {"response": {"userAttributes": {"preferred_username": "Bobby", "username": "robert"}}}
    result = plan(pool, "bobby", answer)
    assert result.username == "robert"
    assert result.attributes == {"preferred_username": "Bobby"}
    other = {"response": {"userAttributes": {"preferred_username": "rob", "username": "robert"}}}
    assert failure(pool, "bobby", other) == (
        "UserNotFoundException",
        "Error during migration: username can be returned only for an alias sign-in",
    )

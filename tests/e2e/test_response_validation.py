"""A trigger response Cognito would reject is rejected with Cognito's error, and no user is created."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.helpers import error_of, sign_in

if TYPE_CHECKING:
    from cognito_migrate.local import LocalCognito

GOOD = {"email": "ivy@example.com", "email_verified": "true"}


def _answering(response: dict[str, Any] | None, attributes: dict[str, Any] | None = None) -> Any:
    def trigger(event: dict[str, Any], _context: Any) -> Any:
        if response is None:
            return None
        event["response"].update({"userAttributes": attributes or GOOD, "finalUserStatus": "CONFIRMED"})
        event["response"].update(response)
        return event

    return trigger


CASES = [
    ({}, {"foo": "bar"}, ("UserNotFoundException",
                          "Attributes did not conform to the schema: foo: Attribute does not exist in the schema.")),
    ({}, {"custom:tier": "gold"}, ("UserNotFoundException",
                                   "Attributes did not conform to the schema: custom:tier: Attribute does not exist"
                                   " in the schema.")),
    ({}, {"email": "ivy@example.com", "email_verified": True},
     ("UserNotFoundException", "Attributes did not conform to the schema: email_verified: Attribute value must be a"
                               " string.")),
    ({}, {"email": "ivy@example.com", "sub": "1234"},
     ("UserNotFoundException", "Attributes did not conform to the schema: sub: Cannot modify the non-mutable"
                               " attribute sub")),
    ({}, {"email": "not-an-email"}, ("InvalidParameterException", "Invalid email address format.")),
    ({}, {"phone_number": "555-1234"}, ("InvalidParameterException", "Invalid phone number format.")),
    ({"finalUserStatus": "FORCE_CHANGE_PASSWORD"}, None,
     ("UserNotFoundException", "Error during migration: Invalid finalUserStatus")),
    ({"messageAction": "SEND"}, None, ("UserNotFoundException", "Error during migration: Invalid messageAction")),
    ({"desiredDeliveryMediums": ["FAX"]}, None,
     ("UserNotFoundException", "Error during migration: Invalid desiredDeliveryMediums")),
]  # fmt: skip


@pytest.mark.parametrize(("response", "attributes", "expected"), CASES)
def test_a_rejected_response_creates_no_user(
    local: LocalCognito,
    cognito: Any,
    response: dict[str, Any],
    attributes: dict[str, Any] | None,
    expected: tuple[str, str],
) -> None:
    pool_id, client_id = local.create_pool_and_client(trigger=_answering(response, attributes))

    assert error_of(lambda: sign_in(cognito, client_id, "ivy", "Ivy-pw-1")) == expected
    assert cognito.list_users(UserPoolId=pool_id)["Users"] == []


def test_a_trigger_that_returns_nothing_is_an_exception_migrating_the_user(local: LocalCognito, cognito: Any) -> None:
    _, client_id = local.create_pool_and_client(trigger=_answering(None))

    assert error_of(lambda: sign_in(cognito, client_id, "ivy", "Ivy-pw-1")) == (
        "UserNotFoundException",
        f"Exception migrating user in app client {client_id}",
    )


def test_a_custom_attribute_in_the_schema_is_accepted(local: LocalCognito, cognito: Any) -> None:
    trigger = _answering({"messageAction": "SUPPRESS"}, {**GOOD, "custom:tier": "gold"})
    pool_id, client_id = local.create_pool_and_client(
        trigger=trigger, custom_attributes=[{"Name": "tier", "AttributeDataType": "String", "Mutable": True}]
    )

    sign_in(cognito, client_id, "ivy", "Ivy-pw-1")

    user = cognito.admin_get_user(UserPoolId=pool_id, Username="ivy")
    assert {"Name": "custom:tier", "Value": "gold"} in user["UserAttributes"]


def test_an_unset_final_user_status_means_reset_required(local: LocalCognito, cognito: Any) -> None:
    pool_id, client_id = local.create_pool_and_client(
        trigger=_answering({"finalUserStatus": None}), prevent_user_existence_errors=False
    )

    assert error_of(lambda: sign_in(cognito, client_id, "ivy", "Ivy-pw-1"))[0] == "PasswordResetRequiredException"
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="ivy")["UserStatus"] == "RESET_REQUIRED"

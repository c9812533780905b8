"""ForgotPassword for a user not in the pool: UserMigration_ForgotPassword, a printed code, a strict confirm."""

from __future__ import annotations

import json
import urllib.request
from typing import TYPE_CHECKING, Any

from tests.e2e.conftest import DictTrigger, LegacyUser
from tests.e2e.helpers import error_of, sign_in

if TYPE_CHECKING:
    from cognito_migrate.local import LocalCognito


def _trigger() -> DictTrigger:
    return DictTrigger(
        {
            "carol": LegacyUser("old-Carol-1", email="carol@example.com"),
            "nomail": LegacyUser("old-pw", email="nomail@example.com", email_verified=False),
        }
    )


def test_forgot_password_migrates_then_the_code_confirms_and_the_new_password_signs_in(
    local: LocalCognito, cognito: Any, console_lines: list[str]
) -> None:
    trigger = _trigger()
    pool_id, client_id = local.create_pool_and_client(trigger=trigger, password_policy={"MinimumLength": 10})

    sent = cognito.forgot_password(ClientId=client_id, Username="carol", ClientMetadata={"flow": "reset"})

    assert sent["CodeDeliveryDetails"] == {
        "Destination": "c***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    event = trigger.events[0]
    assert event["triggerSource"] == "UserMigration_ForgotPassword"
    assert "password" not in event["request"]
    assert event["request"]["clientMetadata"] == {"flow": "reset"}
    assert event["request"]["validationData"] is None
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="carol")["UserStatus"] == "RESET_REQUIRED"

    code = local.forgot_password_code(pool_id, "carol")
    assert code is not None and len(code) == 6
    assert any(code in line and "carol" in line for line in console_lines)
    url = f"{local.endpoint}/_local/codes/{pool_id}/Carol"  # case-insensitive pool
    request = urllib.request.Request(url, headers={"X-Local-Token": local.token})  # noqa: S310 - loopback
    with urllib.request.urlopen(request) as response:  # noqa: S310 - loopback test endpoint
        assert json.load(response) == {"code": code}

    wrong = "000000" if code != "000000" else "111111"
    assert error_of(
        lambda: cognito.confirm_forgot_password(
            ClientId=client_id, Username="carol", ConfirmationCode=wrong, Password="New-Carol-pw-1"
        )
    ) == ("CodeMismatchException", "Invalid verification code provided, please try again.")
    assert error_of(
        lambda: cognito.confirm_forgot_password(
            ClientId=client_id, Username="carol", ConfirmationCode=code, Password="short"
        )
    ) == ("InvalidPasswordException", "Password does not conform to policy: Password not long enough")

    cognito.confirm_forgot_password(
        ClientId=client_id, Username="carol", ConfirmationCode=code, Password="New-Carol-pw-1"
    )

    assert cognito.admin_get_user(UserPoolId=pool_id, Username="carol")["UserStatus"] == "CONFIRMED"
    assert "AccessToken" in sign_in(cognito, client_id, "carol", "New-Carol-pw-1")["AuthenticationResult"]
    assert error_of(lambda: sign_in(cognito, client_id, "carol", "old-Carol-1"))[0] == "NotAuthorizedException"
    assert trigger.calls() == 1
    assert local.forgot_password_code(pool_id, "carol") is None  # consumed
    assert (
        error_of(
            lambda: cognito.confirm_forgot_password(
                ClientId=client_id, Username="carol", ConfirmationCode=code, Password="Another-pw-12"
            )
        )[0]
        == "CodeMismatchException"
    )


def test_forgot_password_for_an_unknown_user_is_simulated_or_revealed_by_client_setting(
    local: LocalCognito, cognito: Any
) -> None:
    _, enabled = local.create_pool_and_client(trigger=_trigger())
    _, legacy = local.create_pool_and_client(trigger=_trigger(), prevent_user_existence_errors=False)

    simulated = cognito.forgot_password(ClientId=enabled, Username="ghost@example.com")

    assert simulated["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert error_of(lambda: cognito.forgot_password(ClientId=legacy, Username="ghost")) == (
        "UserNotFoundException",
        "Username/client id combination not found.",
    )


def test_forgot_password_needs_a_verified_contact(local: LocalCognito, cognito: Any) -> None:
    pool_id, legacy = local.create_pool_and_client(trigger=_trigger(), prevent_user_existence_errors=False)

    code, message = error_of(lambda: cognito.forgot_password(ClientId=legacy, Username="nomail"))

    assert code == "InvalidParameterException"
    assert "no registered/verified email or phone_number" in message
    assert local.forgot_password_code(pool_id, "nomail") is None


def test_an_existing_user_gets_a_code_without_the_trigger(local: LocalCognito, cognito: Any) -> None:
    trigger = _trigger()
    pool_id, client_id = local.create_pool_and_client(trigger=trigger)
    sign_in(cognito, client_id, "carol", "old-Carol-1")

    cognito.forgot_password(ClientId=client_id, Username="carol")

    assert trigger.calls("UserMigration_ForgotPassword") == 0
    assert local.forgot_password_code(pool_id, "carol") is not None
    # a CONFIRMED user keeps the old password until the reset is confirmed
    assert "IdToken" in sign_in(cognito, client_id, "carol", "old-Carol-1")["AuthenticationResult"]


def _existing_user(cognito: Any, pool_id: str, name: str, email: str) -> None:
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=name,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
    )
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=name, Password="Existing-pw-1", Permanent=True)


def test_a_disabled_user_gets_no_code(local: LocalCognito, cognito: Any) -> None:
    pool_id, enabled = local.create_pool_and_client(trigger=_trigger())
    legacy = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="legacy", PreventUserExistenceErrors="LEGACY"
    )["UserPoolClient"]["ClientId"]
    _existing_user(cognito, pool_id, "dora", "dora@example.com")
    cognito.admin_disable_user(UserPoolId=pool_id, Username="dora")

    simulated = cognito.forgot_password(ClientId=enabled, Username="dora")

    # the simulated answer has the medium a real user of this pool gets, and no code exists
    assert simulated["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert local.forgot_password_code(pool_id, "dora") is None
    assert error_of(lambda: cognito.forgot_password(ClientId=legacy, Username="dora")) == (
        "NotAuthorizedException",
        "User is disabled.",
    )
    assert local.forgot_password_code(pool_id, "dora") is None


def test_an_unknown_plain_name_gets_the_medium_a_real_user_gets(local: LocalCognito, cognito: Any) -> None:
    pool_id, client_id = local.create_pool_and_client(trigger=None)  # recovery: verified email first
    _existing_user(cognito, pool_id, "erik", "erik@example.com")

    real = cognito.forgot_password(ClientId=client_id, Username="erik")["CodeDeliveryDetails"]
    simulated = cognito.forgot_password(ClientId=client_id, Username="ghost")["CodeDeliveryDetails"]
    again = cognito.forgot_password(ClientId=client_id, Username="ghost")["CodeDeliveryDetails"]

    assert real["DeliveryMedium"] == simulated["DeliveryMedium"] == "EMAIL"  # used to be SMS for "ghost"
    assert real["AttributeName"] == simulated["AttributeName"] == "email"
    assert simulated == again
    assert "@" in simulated["Destination"]


def test_admin_only_recovery_refuses_everyone_without_firing_the_trigger(local: LocalCognito, cognito: Any) -> None:
    trigger = _trigger()
    pool_id, client_id = local.create_pool_and_client(trigger=trigger, recovery=["admin_only"])

    known = error_of(lambda: cognito.forgot_password(ClientId=client_id, Username="carol"))
    unknown = error_of(lambda: cognito.forgot_password(ClientId=client_id, Username="ghost"))

    assert known == unknown == ("NotAuthorizedException", "Contact administrator to reset password.")
    assert trigger.calls() == 0
    assert cognito.list_users(UserPoolId=pool_id)["Users"] == []


def test_a_failing_forgot_password_trigger_creates_no_user(local: LocalCognito, cognito: Any) -> None:
    down = DictTrigger({"carol": LegacyUser("old-Carol-1", email="carol@example.com")}, down=True)
    pool_id, client_id = local.create_pool_and_client(trigger=down)

    assert error_of(lambda: cognito.forgot_password(ClientId=client_id, Username="carol")) == (
        "UserLambdaValidationException",
        "UserMigration failed with error Legacy user store unavailable.",
    )
    assert cognito.list_users(UserPoolId=pool_id)["Users"] == []
    assert down.calls("UserMigration_ForgotPassword") == 1


def test_a_rejected_forgot_password_response_creates_no_user(local: LocalCognito, cognito: Any) -> None:
    bad = DictTrigger({"carol": LegacyUser("old-Carol-1", email="carol@example.com", extra={"custom:tier": "x"})})
    pool_id, client_id = local.create_pool_and_client(trigger=bad)

    assert error_of(lambda: cognito.forgot_password(ClientId=client_id, Username="carol")) == (
        "UserNotFoundException",
        "Attributes did not conform to the schema: custom:tier: Attribute does not exist in the schema.",
    )
    assert cognito.list_users(UserPoolId=pool_id)["Users"] == []

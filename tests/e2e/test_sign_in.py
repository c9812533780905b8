"""Sign-in through boto3 against the local Cognito with an in-test trigger: migration, errors, flows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.conftest import DictTrigger, LegacyUser
from tests.e2e.helpers import attributes, claims, error_of, sign_in

if TYPE_CHECKING:
    from cognito_migrate.local import LocalCognito

INCORRECT = ("NotAuthorizedException", "Incorrect username or password.")


def _users() -> dict[str, LegacyUser]:
    return {
        "alice": LegacyUser("Alice-pw-1", email="alice@example.com", extra={"given_name": "Alice"}),
        "rita": LegacyUser("short", email="rita@example.com", status="RESET_REQUIRED"),
    }


def test_sign_in_migrates_returns_tokens_and_the_second_sign_in_does_not_fire(
    local: LocalCognito, cognito: Any
) -> None:
    trigger = DictTrigger(_users())
    pool_id, client_id = local.create_pool_and_client(trigger=trigger)

    result = sign_in(cognito, client_id, "alice", "Alice-pw-1", ClientMetadata={"app": "web"})

    tokens = result["AuthenticationResult"]
    user = cognito.admin_get_user(UserPoolId=pool_id, Username="alice")
    assert user["UserStatus"] == "CONFIRMED"
    attrs = attributes(user)
    assert attrs["email"] == "alice@example.com"
    assert attrs["email_verified"] == "true"
    assert attrs["given_name"] == "Alice"
    assert claims(tokens["IdToken"])["sub"] == attrs["sub"]
    assert claims(tokens["AccessToken"])["username"] == "alice"
    assert trigger.calls() == 1

    again = sign_in(cognito, client_id, "alice", "Alice-pw-1")
    assert "AccessToken" in again["AuthenticationResult"]
    assert trigger.calls() == 1


def test_the_event_has_every_field_cognito_sends(local: LocalCognito, cognito: Any) -> None:
    trigger = DictTrigger(_users())
    pool_id, client_id = local.create_pool_and_client(trigger=trigger)

    sign_in(cognito, client_id, "Alice", "Alice-pw-1", ClientMetadata={"app": "web"})  # case-insensitive pool

    event = trigger.events[0]
    assert event == {
        "version": "1",
        "triggerSource": "UserMigration_Authentication",
        "region": "us-east-1",
        "userPoolId": pool_id,
        "userName": "Alice",
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client_id},
        "request": {"password": "Alice-pw-1", "validationData": {"app": "web"}, "userAttributes": None},
        "response": {
            "userAttributes": None,
            "forceAliasCreation": None,
            "enableSMSMFA": None,
            "finalUserStatus": None,
            "messageAction": None,
            "desiredDeliveryMediums": None,
        },
    }
    context = trigger.contexts[0]
    assert 0 < context.get_remaining_time_in_millis() <= 5000
    assert context.function_name and context.aws_request_id


def test_admin_initiate_auth_migrates_with_client_metadata_as_validation_data(
    local: LocalCognito, cognito: Any
) -> None:
    trigger = DictTrigger(_users())
    pool_id, client_id = local.create_pool_and_client(trigger=trigger)

    result = cognito.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": "Alice-pw-1"},
        ClientMetadata={"source": "admin"},
    )

    assert "IdToken" in result["AuthenticationResult"]
    assert trigger.events[0]["request"]["validationData"] == {"source": "admin"}
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="alice")["UserStatus"] == "CONFIRMED"
    wrong = error_of(
        lambda: cognito.admin_initiate_auth(
            UserPoolId=pool_id,
            ClientId=client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "alice", "PASSWORD": "nope"},
        )
    )
    assert wrong == INCORRECT  # moto alone answers with the user name as the message


def test_wrong_password_and_unknown_user_give_the_same_error(local: LocalCognito, cognito: Any) -> None:
    trigger = DictTrigger(_users())
    pool_id, client_id = local.create_pool_and_client(trigger=trigger)

    wrong_password = error_of(lambda: sign_in(cognito, client_id, "alice", "not-her-password"))
    unknown_user = error_of(lambda: sign_in(cognito, client_id, "nobody", "whatever"))

    assert wrong_password == unknown_user == INCORRECT
    assert trigger.calls() == 2
    assert cognito.list_users(UserPoolId=pool_id)["Users"] == []


def test_a_legacy_client_reveals_unknown_users(local: LocalCognito, cognito: Any) -> None:
    _pool_id, client_id = local.create_pool_and_client(
        trigger=DictTrigger(_users()), prevent_user_existence_errors=False
    )

    # not in the pool and the trigger returned an empty response: for a wrong password too
    assert error_of(lambda: sign_in(cognito, client_id, "nobody", "x")) == (
        "UserNotFoundException",
        "User does not exist.",
    )
    assert error_of(lambda: sign_in(cognito, client_id, "alice", "x"))[0] == "UserNotFoundException"
    sign_in(cognito, client_id, "alice", "Alice-pw-1")
    assert error_of(lambda: sign_in(cognito, client_id, "alice", "x")) == INCORRECT  # in the pool now


def test_srp_never_fires_the_trigger(local: LocalCognito, cognito: Any) -> None:
    trigger = DictTrigger(_users())
    _, client_id = local.create_pool_and_client(trigger=trigger)

    code, _ = error_of(
        lambda: cognito.initiate_auth(
            ClientId=client_id, AuthFlow="USER_SRP_AUTH", AuthParameters={"USERNAME": "alice", "SRP_A": "ab12"}
        )
    )

    assert code == "NotAuthorizedException"
    assert trigger.calls() == 0


def test_a_client_without_user_password_auth_is_refused_before_the_trigger(local: LocalCognito, cognito: Any) -> None:
    trigger = DictTrigger(_users())
    _, client_id = local.create_pool_and_client(
        trigger=trigger, explicit_auth_flows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )

    assert error_of(lambda: sign_in(cognito, client_id, "alice", "Alice-pw-1")) == (
        "InvalidParameterException",
        "USER_PASSWORD_AUTH flow not enabled for this client",
    )
    assert trigger.calls() == 0


@pytest.mark.parametrize(
    ("prevent", "expected"),
    [
        (False, ("PasswordResetRequiredException", "Password reset required for the user")),
        (True, INCORRECT),
    ],
    ids=["legacy-client", "prevent-user-existence-errors"],
)
def test_reset_required_migrates_the_user_and_refuses_the_sign_in(
    local: LocalCognito, cognito: Any, prevent: bool, expected: tuple[str, str]
) -> None:
    trigger = DictTrigger(_users())
    pool_id, client_id = local.create_pool_and_client(trigger=trigger, prevent_user_existence_errors=prevent)

    assert error_of(lambda: sign_in(cognito, client_id, "rita", "short")) == expected
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="rita")["UserStatus"] == "RESET_REQUIRED"
    assert error_of(lambda: sign_in(cognito, client_id, "rita", "short")) == expected
    assert trigger.calls() == 1


def test_a_raising_trigger_creates_no_user_and_reports_the_outage(local: LocalCognito, cognito: Any) -> None:
    trigger = DictTrigger(_users(), down=True)
    pool_id, client_id = local.create_pool_and_client(trigger=trigger)

    assert error_of(lambda: sign_in(cognito, client_id, "alice", "Alice-pw-1")) == (
        "UserLambdaValidationException",
        "UserMigration failed with error Legacy user store unavailable.",
    )
    assert cognito.list_users(UserPoolId=pool_id)["Users"] == []
    assert local.invocations[-1].outcome == "UserLambdaValidationException"


def test_a_pool_without_a_trigger_answers_like_cognito_without_one(local: LocalCognito, cognito: Any) -> None:
    _, client_id = local.create_pool_and_client(trigger=None)

    assert error_of(lambda: sign_in(cognito, client_id, "alice", "Alice-pw-1")) == INCORRECT


def test_srp_for_a_reset_required_user_asks_for_the_reset(local: LocalCognito, cognito: Any) -> None:
    _, client_id = local.create_pool_and_client(trigger=DictTrigger(_users()), prevent_user_existence_errors=False)
    error_of(lambda: sign_in(cognito, client_id, "rita", "short"))  # migrates rita as RESET_REQUIRED

    code, _ = error_of(
        lambda: cognito.initiate_auth(
            ClientId=client_id, AuthFlow="USER_SRP_AUTH", AuthParameters={"USERNAME": "rita", "SRP_A": "ab12"}
        )
    )

    assert code == "PasswordResetRequiredException"


def test_a_trigger_error_quoting_the_password_is_not_echoed_on_the_console(
    local: LocalCognito, cognito: Any, console_lines: list[str]
) -> None:
    def careless(event: dict[str, Any], _context: Any) -> Any:
        raise ValueError(f"cannot verify {event['request']['password']}")

    _, client_id = local.create_pool_and_client(trigger=careless)

    code, message = error_of(lambda: sign_in(cognito, client_id, "mallory", "Canary-Secret-42"))

    assert code == "UserLambdaValidationException"
    assert "Canary-Secret-42" in message  # Cognito shows the trigger's message to the client as it is
    assert not any("Canary-Secret-42" in line for line in console_lines)
    assert any("cannot verify ***" in line for line in console_lines)


def _admin_sign_in(cognito: Any, pool_id: str, client_id: str, username: str, password: str) -> Any:
    return cognito.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )


@pytest.mark.parametrize(
    ("prevent", "expected"),
    [
        (False, ("PasswordResetRequiredException", "Password reset required for the user")),
        (True, INCORRECT),
    ],
    ids=["legacy-client", "prevent-user-existence-errors"],
)
def test_admin_initiate_auth_refuses_a_reset_required_user(
    local: LocalCognito, cognito: Any, prevent: bool, expected: tuple[str, str]
) -> None:
    # moto alone answers a NEW_PASSWORD_REQUIRED challenge (or tokens) here
    trigger = DictTrigger(_users())
    pool_id, client_id = local.create_pool_and_client(trigger=trigger, prevent_user_existence_errors=prevent)

    assert error_of(lambda: _admin_sign_in(cognito, pool_id, client_id, "rita", "short")) == expected
    assert error_of(lambda: _admin_sign_in(cognito, pool_id, client_id, "rita", "short")) == expected
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="rita")["UserStatus"] == "RESET_REQUIRED"
    assert trigger.calls() == 1


def test_admin_initiate_auth_hides_or_reveals_unknown_users_by_client_setting(
    local: LocalCognito, cognito: Any
) -> None:
    trigger = DictTrigger(_users())
    pool_id, enabled = local.create_pool_and_client(trigger=trigger)
    legacy = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="legacy",
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        PreventUserExistenceErrors="LEGACY",
    )["UserPoolClient"]["ClientId"]

    assert error_of(lambda: _admin_sign_in(cognito, pool_id, enabled, "nobody", "x")) == INCORRECT
    assert error_of(lambda: _admin_sign_in(cognito, pool_id, legacy, "nobody", "x")) == (
        "UserNotFoundException",
        "User does not exist.",
    )
    assert trigger.calls("UserMigration_Authentication") == 2
    assert cognito.list_users(UserPoolId=pool_id)["Users"] == []


def test_admin_initiate_auth_on_a_client_without_the_admin_flow_fires_nothing(
    local: LocalCognito, cognito: Any
) -> None:
    trigger = DictTrigger(_users())
    pool_id, client_id = local.create_pool_and_client(trigger=trigger, explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"])

    assert error_of(lambda: _admin_sign_in(cognito, pool_id, client_id, "alice", "Alice-pw-1")) == (
        "InvalidParameterException",
        "Auth flow not enabled for this client",
    )
    assert trigger.calls() == 0


def test_a_disabled_user_is_told_so_by_both_apis(local: LocalCognito, cognito: Any) -> None:
    pool_id, client_id = local.create_pool_and_client(trigger=DictTrigger(_users()))
    sign_in(cognito, client_id, "alice", "Alice-pw-1")
    cognito.admin_disable_user(UserPoolId=pool_id, Username="alice")

    disabled = ("NotAuthorizedException", "User is disabled.")
    assert error_of(lambda: sign_in(cognito, client_id, "alice", "Alice-pw-1")) == disabled
    assert error_of(lambda: _admin_sign_in(cognito, pool_id, client_id, "alice", "Alice-pw-1")) == disabled


def test_an_unconfirmed_user_is_refused_by_both_apis(local: LocalCognito, cognito: Any) -> None:
    # moto alone gives an UNCONFIRMED user tokens through AdminInitiateAuth
    trigger = DictTrigger(_users())
    pool_id, client_id = local.create_pool_and_client(trigger=trigger)
    cognito.sign_up(ClientId=client_id, Username="uma", Password="Uma-pw-123")

    unconfirmed = ("UserNotConfirmedException", "User is not confirmed.")
    assert error_of(lambda: sign_in(cognito, client_id, "uma", "Uma-pw-123")) == unconfirmed
    assert error_of(lambda: _admin_sign_in(cognito, pool_id, client_id, "uma", "Uma-pw-123")) == unconfirmed
    assert trigger.calls() == 0  # the user exists: no migration

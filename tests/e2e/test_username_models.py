"""Username attributes, alias attributes, case-insensitivity and alias conflicts, as Cognito applies them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.e2e.conftest import DictTrigger, LegacyUser
from tests.e2e.helpers import attributes, claims, error_of, sign_in

if TYPE_CHECKING:
    from cognito_migrate.local import LocalCognito


def test_email_as_username_creates_the_user_under_its_sub(local: LocalCognito, cognito: Any) -> None:
    trigger = DictTrigger({"erin": LegacyUser("Erin-pw-1", email="erin@example.com")})
    pool_id, client_id = local.create_pool_and_client(trigger=trigger, username_attributes=["email"])

    tokens = sign_in(cognito, client_id, "erin@example.com", "Erin-pw-1")["AuthenticationResult"]

    [user] = cognito.list_users(UserPoolId=pool_id)["Users"]
    assert user["Username"] == attributes(user)["sub"]
    assert attributes(user)["email"] == "erin@example.com"
    id_claims = claims(tokens["IdToken"])
    assert id_claims["cognito:username"] == id_claims["sub"] == user["Username"]
    assert id_claims["email"] == "erin@example.com"
    assert claims(tokens["AccessToken"])["username"] == user["Username"]
    assert "IdToken" in sign_in(cognito, client_id, "Erin@Example.com", "Erin-pw-1")["AuthenticationResult"]
    assert trigger.calls() == 1


def test_email_as_username_refuses_a_different_email(local: LocalCognito, cognito: Any) -> None:
    trigger = DictTrigger({"frank@example.com": LegacyUser("Frank-pw-1", email="frank@other.example")})
    pool_id, client_id = local.create_pool_and_client(trigger=trigger, username_attributes=["email"])

    assert error_of(lambda: sign_in(cognito, client_id, "frank@example.com", "Frank-pw-1")) == (
        "InvalidParameterException",
        "User email should be empty or same as username, since username attribute is email.",
    )
    assert cognito.list_users(UserPoolId=pool_id)["Users"] == []


def test_alias_sign_in_creates_the_user_under_the_returned_username(local: LocalCognito, cognito: Any) -> None:
    trigger = DictTrigger({"dave": LegacyUser("Dave-pw-1", email="dave@example.com", username="dave")})
    pool_id, client_id = local.create_pool_and_client(trigger=trigger, alias_attributes=["email"])

    sign_in(cognito, client_id, "dave@example.com", "Dave-pw-1")

    user = cognito.admin_get_user(UserPoolId=pool_id, Username="dave")
    assert attributes(user)["email"] == "dave@example.com"
    assert "username" not in attributes(user)
    for name in ("dave@example.com", "DAVE", "Dave@Example.com"):
        assert "IdToken" in sign_in(cognito, client_id, name, "Dave-pw-1")["AuthenticationResult"]
    assert trigger.calls() == 1


def test_alias_sign_in_without_a_username_fails_as_cognito_fails(local: LocalCognito, cognito: Any) -> None:
    trigger = DictTrigger({"gina": LegacyUser("Gina-pw-1", email="gina@example.com")})
    pool_id, client_id = local.create_pool_and_client(trigger=trigger, alias_attributes=["email"])

    assert error_of(lambda: sign_in(cognito, client_id, "gina@example.com", "Gina-pw-1")) == (
        "InvalidParameterException",
        "Username cannot be of email format since user pool is configured for email alias",
    )
    assert cognito.list_users(UserPoolId=pool_id)["Users"] == []


def _pool_with_bob(local: LocalCognito, cognito: Any, trigger: DictTrigger) -> tuple[str, str]:
    pool_id, client_id = local.create_pool_and_client(trigger=trigger, alias_attributes=["email"])
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username="bob",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "shared@example.com"}, {"Name": "email_verified", "Value": "true"}],
    )
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="bob", Password="Bob-pw-123", Permanent=True)
    return pool_id, client_id


def test_an_alias_conflict_fails_unless_the_trigger_forces_it(local: LocalCognito, cognito: Any) -> None:
    robert = LegacyUser("Robert-pw-1", email="shared@example.com")
    pool_id, client_id = _pool_with_bob(local, cognito, DictTrigger({"robert": robert}))

    assert error_of(lambda: sign_in(cognito, client_id, "robert", "Robert-pw-1")) == (
        "AliasExistsException",
        "An account with the given email already exists.",
    )
    assert [u["Username"] for u in cognito.list_users(UserPoolId=pool_id)["Users"]] == ["bob"]


def test_force_alias_creation_moves_the_alias(local: LocalCognito, cognito: Any) -> None:
    robert = LegacyUser("Robert-pw-1", email="shared@example.com", response={"forceAliasCreation": True})
    pool_id, client_id = _pool_with_bob(local, cognito, DictTrigger({"robert": robert}))

    sign_in(cognito, client_id, "robert", "Robert-pw-1")

    bob = attributes(cognito.admin_get_user(UserPoolId=pool_id, Username="bob"))
    assert bob["email_verified"] == "false"
    # the email now designates robert, whose password is not bob's
    assert "IdToken" in sign_in(cognito, client_id, "shared@example.com", "Robert-pw-1")["AuthenticationResult"]


def test_a_case_sensitive_pool_treats_case_variants_as_other_users(local: LocalCognito, cognito: Any) -> None:
    trigger = DictTrigger({"hank": LegacyUser("Hank-pw-1", extra={"given_name": "Hank"})})
    pool_id, client_id = local.create_pool_and_client(trigger=trigger, case_sensitive=True)

    sign_in(cognito, client_id, "hank", "Hank-pw-1")
    sign_in(cognito, client_id, "HANK", "Hank-pw-1")  # the legacy store matches case-insensitively

    assert sorted(u["Username"] for u in cognito.list_users(UserPoolId=pool_id)["Users"]) == ["HANK", "hank"]
    assert trigger.calls() == 2


def test_phone_as_username(local: LocalCognito, cognito: Any) -> None:
    phone = "+15551234567"
    user = LegacyUser("Pat-pw-1", extra={"phone_number": phone, "phone_number_verified": "true"})
    trigger = DictTrigger({phone: user})
    pool_id, client_id = local.create_pool_and_client(trigger=trigger, username_attributes=["phone_number"])

    sign_in(cognito, client_id, phone, "Pat-pw-1")

    [created] = cognito.list_users(UserPoolId=pool_id)["Users"]
    assert created["Username"] == attributes(created)["sub"]
    assert attributes(created)["phone_number"] == phone
    assert "IdToken" in sign_in(cognito, client_id, phone, "Pat-pw-1")["AuthenticationResult"]
    assert trigger.calls() == 1


def test_a_forced_alias_stays_with_its_owner_when_the_migration_fails(local: LocalCognito, cognito: Any) -> None:
    # typed an unknown email; the trigger names an existing user and forces bob's verified email
    newcomer = LegacyUser(
        "New-pw-1", email="shared@example.com", username="robert", response={"forceAliasCreation": True}
    )
    pool_id, client_id = _pool_with_bob(local, cognito, DictTrigger({"new@example.com": newcomer}))
    cognito.admin_create_user(UserPoolId=pool_id, Username="robert", MessageAction="SUPPRESS")

    assert error_of(lambda: sign_in(cognito, client_id, "new@example.com", "New-pw-1")) == (
        "UsernameExistsException",
        "User account already exists",
    )
    # the failed migration changed nothing: bob still owns (and signs in with) his verified email
    assert attributes(cognito.admin_get_user(UserPoolId=pool_id, Username="bob"))["email_verified"] == "true"
    assert "IdToken" in sign_in(cognito, client_id, "shared@example.com", "Bob-pw-123")["AuthenticationResult"]


def test_sign_in_by_preferred_username_creates_the_user_under_the_returned_username(
    local: LocalCognito, cognito: Any
) -> None:
    bobby = LegacyUser("Robert-pw-1", username="robert", extra={"preferred_username": "bobby"})
    trigger = DictTrigger({"bobby": bobby})
    pool_id, client_id = local.create_pool_and_client(trigger=trigger, alias_attributes=["preferred_username"])

    # refused before: "username can be returned only for an alias sign-in"
    assert "IdToken" in sign_in(cognito, client_id, "bobby", "Robert-pw-1")["AuthenticationResult"]

    user = cognito.admin_get_user(UserPoolId=pool_id, Username="robert")
    assert attributes(user)["preferred_username"] == "bobby"
    assert "IdToken" in sign_in(cognito, client_id, "robert", "Robert-pw-1")["AuthenticationResult"]
    assert "IdToken" in sign_in(cognito, client_id, "BOBBY", "Robert-pw-1")["AuthenticationResult"]
    assert trigger.calls() == 1

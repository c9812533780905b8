"""Password policy, forgot-password codes and the event shape."""

from __future__ import annotations

import pytest

from cognito_migrate.cognito_rules import PasswordPolicy
from cognito_migrate.event import build_event
from cognito_migrate.local.codes import CodeBook
from cognito_migrate.local.errors import CognitoError
from cognito_migrate.local.passwords import check_password, policy_violation
from cognito_migrate.local.settings import ClientSettings
from cognito_migrate.models import TriggerSource

STRICT = PasswordPolicy(12, True, True, True, True)


@pytest.mark.parametrize(
    ("password", "violation"),
    [
        ("Sh0rt!", "Password not long enough"),
        ("x" * 257 + "A1!", "Password is too long"),
        ("lowercase-only-1!", "Password must have uppercase characters"),
        ("UPPERCASE-ONLY-1!", "Password must have lowercase characters"),
        ("No-Digits-Here!!", "Password must have numeric characters"),
        ("NoSymbolsHere123", "Password must have symbol characters"),
        ("Space Counts 123", None),
        ("Fine-Password-123", None),
    ],
)
def test_cognito_policy_rules(password: str, violation: str | None) -> None:
    assert policy_violation(password, STRICT) == violation


@pytest.mark.parametrize(
    ("password", "violation"),
    [
        ("No-Ascii-Digits-\u0663\u0664", "Password must have numeric characters"),  # Arabic-Indic digits
        (" NoSymbolsHere123", "Password must have symbol characters"),  # leading blank
        ("NoSymbolsHere123 ", "Password must have symbol characters"),  # trailing blank
        ("\u00c9\u00c9\u00c9\u00c9lower-123", "Password must have uppercase characters"),  # not basic Latin
    ],
)
def test_the_local_cognito_counts_characters_as_cognito_and_the_trigger_do(password: str, violation: str) -> None:
    """Cognito counts basic-Latin letters, the digits 0-9, and a blank only between other characters."""
    from cognito_migrate.cognito_rules import PasswordPolicy as TriggerPolicy

    assert policy_violation(password, STRICT) == violation
    assert TriggerPolicy(12, True, True, True, True).violations(password) != []


def test_omitted_booleans_mean_not_required() -> None:
    policy = PasswordPolicy.from_api({"MinimumLength": 6})
    assert policy_violation("alllowercase", policy) is None
    with pytest.raises(CognitoError) as info:
        check_password("abc", policy)
    assert (info.value.code, info.value.message) == (
        "InvalidPasswordException",
        "Password does not conform to policy: Password not long enough",
    )


def test_a_code_is_six_digits_redeemed_once() -> None:
    book = CodeBook()
    code = book.issue("pool", "alice")
    assert len(code) == 6 and code.isdigit()
    assert book.peek("pool", "alice") == code
    with pytest.raises(CognitoError, match="CodeMismatchException"):
        book.redeem("pool", "alice", "not-it")
    book.redeem("pool", "alice", code)
    assert book.peek("pool", "alice") is None
    with pytest.raises(CognitoError, match="CodeMismatchException"):
        book.redeem("pool", "alice", code)


def test_a_new_code_replaces_the_old_one_and_codes_expire(monkeypatch: pytest.MonkeyPatch) -> None:
    import secrets

    draws = iter([111111, 222222])
    monkeypatch.setattr(secrets, "randbelow", lambda _n: next(draws))  # two different codes, always
    book = CodeBook()
    first = book.issue("pool", "alice")
    second = book.issue("pool", "alice")
    assert (first, second) == ("111111", "222222")
    with pytest.raises(CognitoError, match="CodeMismatchException"):
        book.redeem("pool", "alice", first)
    book.redeem("pool", "alice", second)
    expired = CodeBook(validity_seconds=-1)
    monkeypatch.undo()
    code = expired.issue("pool", "bob")
    assert expired.peek("pool", "bob") is None
    with pytest.raises(CognitoError, match="ExpiredCodeException"):
        expired.redeem("pool", "bob", code)


def test_authentication_event_carries_password_and_client_metadata_as_validation_data() -> None:
    event = build_event(
        trigger_source=TriggerSource.AUTHENTICATION.value,
        region="eu-west-1",
        user_pool_id="eu-west-1_abc",
        client_id="c1",
        user_name="Alice",
        password="pw",
        client_metadata={"k": "v"},
    )
    assert event["request"] == {"password": "pw", "validationData": {"k": "v"}, "userAttributes": None}
    assert set(event["response"].values()) == {None}
    assert len(event["response"]) == 6


def test_forgot_password_event_has_no_password_key() -> None:
    event = build_event(
        trigger_source=TriggerSource.FORGOT_PASSWORD.value,
        region="eu-west-1",
        user_pool_id="eu-west-1_abc",
        client_id="c1",
        user_name="alice",
        password=None,
        client_metadata=None,
    )
    assert event["request"] == {"validationData": None, "clientMetadata": None, "userAttributes": None}


def test_client_flows_accept_legacy_names_and_default_to_srp() -> None:
    class Client:
        id = "c1"
        extended_config = {"ExplicitAuthFlows": ["USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"]}

    settings = ClientSettings.from_moto(Client())
    assert settings.allows("USER_PASSWORD_AUTH") and settings.allows("ADMIN_USER_PASSWORD_AUTH")
    assert not settings.allows("USER_SRP_AUTH")
    Client.extended_config = {}
    assert ClientSettings.from_moto(Client()).auth_flows == {
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_CUSTOM_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    }


def test_the_attempt_limit_withdraws_the_code_and_lifts_after_the_lockout() -> None:
    now = [0.0]
    book = CodeBook(lockout_seconds=900, clock=lambda: now[0])
    code = book.issue("pool", "alice")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(CognitoError, match="CodeMismatchException"):
            book.redeem("pool", "alice", wrong)
    with pytest.raises(CognitoError, match="LimitExceededException"):
        book.redeem("pool", "alice", wrong)
    assert book.peek("pool", "alice") is None  # withdrawn: it cannot be guessed further
    now[0] = 899.0
    with pytest.raises(CognitoError, match="LimitExceededException"):
        book.redeem("pool", "alice", code)
    now[0] = 901.0
    fresh = book.issue("pool", "alice")
    book.redeem("pool", "alice", fresh)  # a new code after the lockout works, and the count starts again


def test_a_right_code_resets_the_count_of_wrong_ones() -> None:
    book = CodeBook()
    for _ in range(3):
        code = book.issue("pool", "alice")
        wrong = "000000" if code != "000000" else "111111"
        for _ in range(4):
            with pytest.raises(CognitoError, match="CodeMismatchException"):
                book.redeem("pool", "alice", wrong)
        book.redeem("pool", "alice", code)

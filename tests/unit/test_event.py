"""Parsing the trigger event as Cognito really sends it, and building the answer."""

from __future__ import annotations

from typing import Any

import pytest

from cognito_migrate.errors import EventError, RefusedInputError
from cognito_migrate.event import ResponseOptions, build_response, parse
from cognito_migrate.models import TriggerSource
from cognito_migrate.outcomes import MigrationOutcome, Outcome, Reason
from cognito_migrate.testing import make_event


def test_captured_authentication_event_parses() -> None:
    request = parse(make_event("example@email.com", "Password1!", client_metadata=None))
    assert request.trigger is TriggerSource.AUTHENTICATION
    assert request.username == "example@email.com"
    assert request.password is not None
    assert request.password.reveal() == "Password1!"
    assert request.client_metadata == {}


def test_forgot_password_event_has_no_password_whether_absent_or_null() -> None:
    absent = make_event("alice", trigger="UserMigration_ForgotPassword")
    null = make_event("alice", trigger="UserMigration_ForgotPassword")
    null["request"]["password"] = None
    assert parse(absent).password is None
    assert parse(null).password is None


def test_validation_data_becomes_client_metadata() -> None:
    assert parse(make_event("a", "p", client_metadata={"app": "web"})).client_metadata == {"app": "web"}


def test_missing_response_and_caller_context_are_tolerated() -> None:
    event = make_event("a", "p")
    del event["response"], event["callerContext"]
    assert parse(event).client_id == ""


def _mutate(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    event = make_event("alice", "secret-value")
    target: Any = event
    for part in path[:-1]:
        target = target[part]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return event


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("userName",), KeyError, "userName"),
        (("userName",), "", "userName"),
        (("userName",), 7, "userName"),
        (("triggerSource",), "PreSignUp_SignUp", "triggerSource"),
        (("triggerSource",), KeyError, "triggerSource"),
        (("request",), None, "request"),
        (("request", "password"), KeyError, "request.password"),
        (("request", "password"), None, "request.password"),
        (("request", "password"), "x" * 4097, "request.password"),
        (("request", "password"), "é" * 2049, "request.password"),
        (("request", "validationData"), "text", "request.validationData"),
        (("request", "validationData"), {"k": 1}, "request.validationData"),
        (("response",), [], "response"),
    ],
)
def test_malformed_events_name_the_field_never_the_value(path: tuple[str, ...], value: Any, field: str) -> None:
    with pytest.raises(EventError) as info:
        parse(_mutate(path, value))
    assert info.value.field == field
    assert "secret-value" not in str(info.value)


def test_non_object_event_is_refused() -> None:
    with pytest.raises(EventError):
        parse(["not", "an", "event"])


def test_rejection_response_is_the_event_without_the_password() -> None:
    event = make_event("alice", "secret-value")
    out = build_response(event, MigrationOutcome(Outcome.REJECTED, Reason.WRONG_PASSWORD), ResponseOptions())
    assert out["response"] == event["response"]
    assert "password" not in out["request"]
    assert event["request"]["password"] == "secret-value"  # the caller's event is not mutated


def test_migration_response_sets_status_action_and_mediums() -> None:
    outcome = MigrationOutcome(Outcome.MIGRATED_RESET_REQUIRED, Reason.POLICY_VIOLATION, attributes={"email": "a@b.co"})
    options = ResponseOptions(desired_delivery_mediums=("EMAIL",), force_alias_creation=True)
    response = build_response(make_event("a", "p"), outcome, options)["response"]
    assert response["userAttributes"] == {"email": "a@b.co"}
    assert response["finalUserStatus"] == "RESET_REQUIRED"
    assert response["messageAction"] == "SUPPRESS"
    assert response["desiredDeliveryMediums"] == ["EMAIL"]
    assert response["forceAliasCreation"] is True


def test_message_action_can_be_left_to_cognito() -> None:
    outcome = MigrationOutcome(Outcome.MIGRATED, Reason.OK, attributes={"email": "a@b.co"})
    response = build_response(make_event("a", "p"), outcome, ResponseOptions(message_action=None))["response"]
    assert "messageAction" not in response


@pytest.mark.parametrize("password", ["\x00", "a\x00b", "line\r\nbreak", "\x1b[2J", "\x7f", "\x9b", "lone\ud800"])
def test_a_password_with_control_characters_is_refused_input_naming_the_field(password: str) -> None:
    with pytest.raises(RefusedInputError) as info:
        parse(make_event("alice", password))
    assert info.value.field == "request.password"
    assert password not in str(info.value)


@pytest.mark.parametrize("password", ["Corr3ct Horse!", "pässwörd", "密码🔑", "a\u200db"])
def test_spaces_and_any_printable_text_stay_valid_passwords(password: str) -> None:
    secret = parse(make_event("alice", password)).password
    assert secret is not None and secret.reveal() == password


def test_the_test_kit_builds_events_without_the_local_cognito() -> None:
    """``cognito_migrate.testing`` is for anyone's unit tests: no moto, werkzeug, ssl or local Cognito comes with it."""
    import subprocess
    import sys

    code = (
        "import sys, cognito_migrate.testing as t; t.make_event('ada', 'pw'); t.LambdaContext(); "
        "print(sorted(m for m in sys.modules if m.startswith(('cognito_migrate.local', 'moto', 'werkzeug', 'ssl'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

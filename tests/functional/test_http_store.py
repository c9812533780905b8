"""The HTTP store through the trigger, against a real legacy API on loopback (tests/legacy_api.py): both
contracts, authentication, and the three answers it keeps apart (not found, wrong password, the API is down)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate.config import settings_from_mapping
from cognito_migrate.handler import UNAVAILABLE, Trigger, TriggerFailure
from cognito_migrate.observability import InvocationLog
from cognito_migrate.testing import LambdaContext, make_event
from tests.legacy_api import TOKEN, LegacyApi, running, self_signed

if TYPE_CHECKING:
    import io
    from collections.abc import Iterator

GOOD = "Correct-Horse-9"


def _users() -> dict[str, dict[str, Any]]:
    return {
        "alice": {"username": "alice", "password": GOOD, "email": "alice@example.com", "email_verified": True,
                  "given_name": "Alice"},
        "bob": {"username": "bob", "password": GOOD, "email": "bob@example.com", "enabled": False},
    }  # fmt: skip


def _keycloak_users() -> dict[str, dict[str, Any]]:
    return {
        "carol": {"id": "42", "username": "carol", "password": GOOD, "email": "carol@example.com",
                  "firstName": "Carol", "lastName": "Smith", "enabled": "true", "emailVerified": "true",
                  "attributes": {"position": ["developer"]}, "roles": ["admin"], "groups": ["staff"]},
    }  # fmt: skip


@pytest.fixture
def api() -> Iterator[LegacyApi]:
    yield from running(LegacyApi(_users(), auth=f"Bearer {TOKEN}"))


@pytest.fixture
def keycloak_api() -> Iterator[LegacyApi]:
    yield from running(LegacyApi(_keycloak_users(), contract="keycloak", auth="Basic bWlncmF0ZTpzM2NyZXQ="))


def _trigger(api: LegacyApi, log_stream: io.StringIO, **store: Any) -> Trigger:
    data: dict[str, Any] = {
        "store": {"type": "http", "url": api.url, "http": {"token": "env:LEGACY_API_TOKEN"}, **store},
        "mapping": {"attributes": {"given_name": "given_name"}},
        "hashing": {"dummy_cost": {"rounds": 4}, "dummy_scheme": "bcrypt"},
    }
    settings = settings_from_mapping(data, environ={})
    return Trigger(settings, log=InvocationLog(stream=log_stream, level="DEBUG"))


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    from cognito_migrate import secrets

    monkeypatch.setenv("LEGACY_API_TOKEN", TOKEN)
    monkeypatch.setenv("LEGACY_API_BASIC", "s3cret")
    secrets.clear_cache()


def _sign_in(trigger: Trigger, login: str, password: str | None = GOOD, *, seconds: float = 5.0) -> dict[str, Any]:
    source = "UserMigration_Authentication" if password is not None else "UserMigration_ForgotPassword"
    return trigger(make_event(login, password, trigger=source), LambdaContext(int(seconds * 1000)))


def _records(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_a_right_password_migrates_with_the_api_s_profile(api: LegacyApi, log_stream: io.StringIO) -> None:
    """The API checks the password; the user comes back with the mapped attributes, CONFIRMED."""
    response = _sign_in(_trigger(api, log_stream), "alice")["response"]
    assert response["finalUserStatus"] == "CONFIRMED"
    assert response["userAttributes"] == {
        "email": "alice@example.com", "email_verified": "true", "given_name": "Alice"
    }  # fmt: skip
    assert [(m, p, a) for m, p, a, _ in api.requests] == [
        ("GET", "/api/users/alice", f"Bearer {TOKEN}"),
        ("POST", "/api/verify", f"Bearer {TOKEN}"),
    ]


def test_sign_in_by_email_finds_the_user_with_one_lookup(api: LegacyApi, log_stream: io.StringIO) -> None:
    data = {"store": {"type": "http", "url": api.url, "http": {"token": "env:LEGACY_API_TOKEN"}},
            "pool": {"username_attributes": ["email"]}, "hashing": {"dummy_scheme": "bcrypt"}}  # fmt: skip
    trigger = Trigger(settings_from_mapping(data, environ={}), log=InvocationLog(stream=log_stream))
    response = _sign_in(trigger, "alice@example.com")["response"]
    assert response["finalUserStatus"] == "CONFIRMED"
    assert [m for m, *_ in api.requests] == ["GET", "POST"]


def test_wrong_password_and_unknown_user_are_the_same_rejection_with_the_same_calls(
    api: LegacyApi, log_stream: io.StringIO
) -> None:
    """Both answer the event unchanged; each makes two calls; the password goes to the verify endpoint only."""
    trigger = _trigger(api, log_stream)
    wrong = _sign_in(trigger, "alice", "Wrong-Horse-9")
    wrong_calls = len(api.requests)
    unknown = _sign_in(trigger, "nobody")
    assert wrong["response"]["userAttributes"] is None
    assert unknown["response"]["userAttributes"] is None
    assert wrong_calls == len(api.requests) - wrong_calls == 2
    assert {path for path, _ in api.passwords_seen} == {"/api/verify"}
    assert [r["reason"] for r in _records(log_stream)] == ["wrong_password", "unknown_user"]
    assert GOOD not in log_stream.getvalue()
    assert "Wrong-Horse-9" not in log_stream.getvalue()


def test_a_disabled_user_is_rejected_only_after_a_right_password(api: LegacyApi, log_stream: io.StringIO) -> None:
    response = _sign_in(_trigger(api, log_stream), "bob")["response"]
    assert response["userAttributes"] is None
    assert _records(log_stream)[-1]["reason"] == "disabled"


@pytest.mark.parametrize(
    ("fault", "expected"),
    [("5xx", "HTTP 503"), ("json", "not JSON"), ("redirect", "redirect")],
)
def test_an_api_that_fails_is_an_outage_never_a_wrong_password(
    api: LegacyApi, log_stream: io.StringIO, fault: str, expected: str
) -> None:
    api.fault = fault
    with pytest.raises(TriggerFailure) as info:
        _sign_in(_trigger(api, log_stream), "alice")
    assert str(info.value) == UNAVAILABLE
    record = _records(log_stream)[-1]
    assert record["outcome"] == "LEGACY_UNAVAILABLE"
    assert expected in record["detail"]
    assert not api.passwords_seen  # the lookup failed: the password was sent nowhere


def test_checks_that_fail_while_lookups_work_answer_the_same_for_known_and_unknown_names(
    api: LegacyApi, log_stream: io.StringIO
) -> None:
    """The unknown name's dummy check used to swallow the outage and reject, while the known name answered
    "unavailable": the difference told an attacker which names exist."""
    api.fault = "verify_5xx"
    trigger = _trigger(api, log_stream)
    for login in ("alice", "nobody"):
        with pytest.raises(TriggerFailure) as info:
            _sign_in(trigger, login, "Wrong-Horse-9")
        assert str(info.value) == UNAVAILABLE
    assert [(r["outcome"], r["reason"]) for r in _records(log_stream)] == [("LEGACY_UNAVAILABLE", "store_error")] * 2


@pytest.mark.parametrize("fault", ["slow", "drip"])
def test_an_answer_past_the_deadline_is_an_outage_within_the_deadline(
    api: LegacyApi, log_stream: io.StringIO, fault: str
) -> None:
    """A server that answers late, or one byte at a time, is cut at the invocation's deadline."""
    api.fault, api.delay = fault, 0.5 if fault == "drip" else 3.0
    trigger = _trigger(api, log_stream, connect_timeout=1.0)
    with pytest.raises(TriggerFailure):
        _sign_in(trigger, "alice", seconds=1.0)
    assert api.answering == 1  # the trigger gave up while the API was still answering (3 s, or ~8 s dripped)
    assert _records(log_stream)[-1]["outcome"] == "LEGACY_UNAVAILABLE"


def test_a_refused_connection_is_an_outage(log_stream: io.StringIO) -> None:
    api = LegacyApi({})
    api.stop()  # never started, now closed: its port refuses connections
    with pytest.raises(TriggerFailure):
        _sign_in(_trigger(api, log_stream), "alice")
    assert _records(log_stream)[-1]["reason"] == "store_error"


def test_a_missing_token_is_an_outage_not_a_rejection(api: LegacyApi, log_stream: io.StringIO) -> None:
    """The API refusing the store's own credentials (401 on the lookup) is an outage an operator must see."""
    data = {"store": {"type": "http", "url": api.url}, "hashing": {"dummy_scheme": "bcrypt"}}
    trigger = Trigger(settings_from_mapping(data, environ={}), log=InvocationLog(stream=log_stream))
    with pytest.raises(TriggerFailure):
        _sign_in(trigger, "alice")
    assert "HTTP 401" in _records(log_stream)[-1]["detail"]


def _keycloak_trigger(api: LegacyApi, log_stream: io.StringIO) -> Trigger:
    data: dict[str, Any] = {
        "store": {"type": "http", "url": api.url,
                  "http": {"contract": "keycloak", "username": "migrate", "password": "env:LEGACY_API_BASIC"}},
        "mapping": {"attributes": {"given_name": "firstName", "family_name": "lastName",
                                   "custom:position": "attributes.position"}},
        "hashing": {"dummy_scheme": "bcrypt"},
    }  # fmt: skip
    return Trigger(settings_from_mapping(data, environ={}), log=InvocationLog(stream=log_stream, level="DEBUG"))


def test_the_keycloak_contract_migrates_by_name_and_by_email(keycloak_api: LegacyApi, log_stream: io.StringIO) -> None:
    """An endpoint built for keycloak-user-migration is reused as is (GET user, POST {"password"} -> 200)."""
    trigger = _keycloak_trigger(keycloak_api, log_stream)
    response = _sign_in(trigger, "carol")["response"]
    assert response["finalUserStatus"] == "CONFIRMED"
    assert response["userAttributes"] == {
        "email": "carol@example.com", "email_verified": "true", "given_name": "Carol", "family_name": "Smith",
        "custom:position": "developer",
    }  # fmt: skip
    assert [(m, p) for m, p, *_ in keycloak_api.requests] == [("GET", "/api/carol"), ("POST", "/api/carol")]
    assert keycloak_api.requests[1][3] == ["password"]


def test_the_keycloak_contract_rejects_a_wrong_password(keycloak_api: LegacyApi, log_stream: io.StringIO) -> None:
    response = _sign_in(_keycloak_trigger(keycloak_api, log_stream), "carol", "Wrong-Horse-9")["response"]
    assert response["userAttributes"] is None
    assert _records(log_stream)[-1]["reason"] == "wrong_password"


def test_forgot_password_needs_no_password_check(keycloak_api: LegacyApi, log_stream: io.StringIO) -> None:
    response = _sign_in(_keycloak_trigger(keycloak_api, log_stream), "carol", None)["response"]
    assert response["userAttributes"]["email"] == "carol@example.com"
    assert [m for m, *_ in keycloak_api.requests] == ["GET"]


def test_tls_is_verified_and_a_ca_file_makes_a_private_ca_trusted(tmp_path: Any, log_stream: io.StringIO) -> None:
    """An https API whose certificate no trusted CA signed is an outage; naming its CA in ca_file makes it work."""
    cert, key = self_signed(str(tmp_path))
    api = LegacyApi(_users(), auth=f"Bearer {TOKEN}", tls=(cert, key)).start()
    try:
        with pytest.raises(TriggerFailure):
            _sign_in(_trigger(api, log_stream), "alice")
        assert "(certificate verify failed)" in _records(log_stream)[-1]["detail"]
        assert not api.passwords_seen
        trusted = _trigger(api, log_stream, http={"token": "env:LEGACY_API_TOKEN", "ca_file": cert})
        assert _sign_in(trusted, "alice")["response"]["finalUserStatus"] == "CONFIRMED"
    finally:
        api.stop()


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("http://legacy.corp.example.com/api", True),
        ("http://10.0.0.5:8080/api", True),
        ("https://legacy.corp.example.com/api", False),
        ("http://localhost:8080/api", False),
        ("http://127.0.0.1:8080/api", False),
        ("http://[::1]:8080/api", False),
    ],
)
def test_config_validate_warns_of_an_api_reached_in_clear(url: str, warned: bool) -> None:
    from cognito_migrate import wiring

    data = {"store": {"type": "http", "url": url, "http": {"token": "env:LEGACY_API_TOKEN"}}}
    notes = wiring.build_store(settings_from_mapping(data, environ={})).notes()
    assert bool(notes) is warned
    if warned:
        [note] = notes
        assert "http://" in note and "password" in note

"""Fixtures for the end-to-end tests: one local Cognito per session, a fresh pool per test, boto3 clients."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

pytest.importorskip("moto", reason="the local Cognito needs the 'local' extra: pip install -e '.[local]'")
boto3 = pytest.importorskip("boto3")

from cognito_migrate.local import LocalCognito  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Iterator


@dataclass
class LegacyUser:
    password: str
    email: str | None = None
    email_verified: bool = True
    status: str = "CONFIRMED"
    username: str | None = None  # returned as userAttributes.username (alias sign-in)
    extra: dict[str, Any] = field(default_factory=dict)  # more userAttributes
    response: dict[str, Any] = field(default_factory=dict)  # more (or overridden) response fields


class DictTrigger:
    """A tiny migrate-user trigger over a dict of legacy users, recording each event it receives.

    Unknown user or wrong password: the event unchanged (empty response), as our trigger does.
    ``down=True`` simulates a legacy store outage: it raises a constant message.
    """

    def __init__(self, users: dict[str, LegacyUser], *, down: bool = False, delay: float = 0.0) -> None:
        self.users = users
        self.down = down
        self.delay = delay
        self.events: list[dict[str, Any]] = []
        self.contexts: list[Any] = []
        self._lock = threading.Lock()

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        import copy
        import time

        with self._lock:
            self.events.append(copy.deepcopy(event))
            self.contexts.append(context)
        if self.delay:
            time.sleep(self.delay)
        if self.down:
            raise RuntimeError("Legacy user store unavailable")
        name = event["userName"].lower()
        user = self.users.get(name) or next((u for u in self.users.values() if u.email == name), None)
        if user is None:
            return event
        if event["triggerSource"] == "UserMigration_Authentication" and event["request"]["password"] != user.password:
            return event
        attributes = {**user.extra}
        if user.email:
            attributes["email"] = user.email
            attributes["email_verified"] = "true" if user.email_verified else "false"
        if user.username:
            attributes["username"] = user.username
        event["response"]["userAttributes"] = attributes
        event["response"]["messageAction"] = "SUPPRESS"
        if event["triggerSource"] == "UserMigration_Authentication":
            event["response"]["finalUserStatus"] = user.status
        event["response"].update(user.response)
        return event

    def calls(self, source: str | None = None) -> int:
        return sum(1 for e in self.events if source is None or e["triggerSource"] == source)


@pytest.fixture(scope="session", autouse=True)
def _fake_aws_credentials() -> Iterator[None]:
    mp = pytest.MonkeyPatch()
    mp.setenv("AWS_ACCESS_KEY_ID", "testing")
    mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    mp.setenv("AWS_DEFAULT_REGION", "us-east-1")
    mp.delenv("AWS_PROFILE", raising=False)
    yield
    mp.undo()


@pytest.fixture(scope="session")
def console_lines() -> list[str]:
    return []


@pytest.fixture(scope="session")
def local(console_lines: list[str]) -> Iterator[LocalCognito]:
    """The local Cognito under test (no default trigger: each test gives its pool one)."""
    with LocalCognito(console=console_lines.append) as server:
        yield server


@pytest.fixture(scope="session")
def cognito(local: LocalCognito) -> Any:
    """A plain boto3 client pointed at the local endpoint, as an application would create it."""
    return boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=local.endpoint)

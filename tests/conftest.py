"""Shared fixtures: legacy databases with real hashes, settings, a captured log stream."""

from __future__ import annotations

import io
import json
import os
from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate import hashing
from cognito_migrate.config import settings_from_mapping
from cognito_migrate.handler import Trigger
from cognito_migrate.observability import InvocationLog
from tests.legacy import AspNetUser, create_aspnet_sqlite

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

# Test passwords are made up for the tests; they never appear in assertion messages.
GOOD = "Correct-Horse-9"
WEAK = "password"  # breaks the default Cognito policy (no upper case, digit or symbol)
FAST_V3 = {"iterations": 1000, "prf": "HMACSHA256"}  # real Identity V3 format, test-friendly cost


def aspnet_users() -> list[AspNetUser]:
    v3 = hashing.create("aspnet_identity_v3", GOOD, cost=FAST_V3)
    return [
        AspNetUser("alice", v3, email="alice@example.com", phone="+14325551212", phone_confirmed=True),
        AspNetUser("bob", hashing.create("aspnet_identity_v2", GOOD), email="bob@example.com", email_confirmed=False),
        AspNetUser("carol", hashing.create("aspnet_identity_v3", WEAK, cost=FAST_V3), email="carol@example.com"),
        AspNetUser("dave", v3, email="dave@example.com", lockout_end="2999-01-01T00:00:00+00:00"),
        AspNetUser("erin", v3, email="erin@example.com", lockout_end="2000-01-01T00:00:00+00:00"),
        AspNetUser("frank", "$2b$10$tooshort", email="frank@example.com"),
        AspNetUser("olga", "not-a-hash", email="olga@example.com"),
        AspNetUser("grace", None, email="grace@example.com"),
        AspNetUser("heidi", v3, email=None),
        AspNetUser("ivan", v3, email="shared@example.com"),
        AspNetUser("judy", v3, email="shared@example.com"),
        AspNetUser("kim", hashing.create("bcrypt", GOOD, cost={"rounds": 4}), email="kim@example.com"),
    ]


@pytest.fixture(scope="session")
def aspnet_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite AspNetUsers database; returns its store URL."""
    path = tmp_path_factory.mktemp("legacy") / "aspnet.db"
    return create_aspnet_sqlite(str(path), aspnet_users())


@pytest.fixture
def log_stream() -> io.StringIO:
    return io.StringIO()


def log_records(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


@pytest.fixture
def make_trigger(log_stream: io.StringIO) -> Callable[..., Trigger]:
    """Build a Trigger from a config dict (merged over an aspnet_identity store) writing to ``log_stream``."""

    def build(store_url: str, **sections: Any) -> Trigger:
        data: dict[str, Any] = {"store": {"type": "sql", "url": store_url, "preset": "aspnet_identity"}}
        for name, values in sections.items():
            data.setdefault(name, {}).update(values)
        data.setdefault("hashing", {}).setdefault("dummy_cost", FAST_V3)
        settings = settings_from_mapping(data, environ={})
        return Trigger(settings, log=InvocationLog(stream=log_stream, level="DEBUG"))

    return build


def service_url(name: str) -> str:
    """The URL of a test service from the environment, or skip with the reason."""
    url = os.environ.get(name)
    if not url:
        pytest.skip(f"{name} is not set: this test needs the real server (.ci/run sets it)")
    return url


@pytest.fixture
def tmp_config(tmp_path: Path) -> Callable[[str], Path]:
    def write(text: str) -> Path:
        path = tmp_path / "cognito-migrate.toml"
        path.write_text(text)
        return path

    return write


# Markers by what a test needs, so that `-m "not slow"` is the developer's fast lane (README): everything
# under tests/e2e starts a local Cognito; a server test is marked by the server its parameters name.
_SERVER_MARKS = {"postgres": pytest.mark.postgres, "mysql": pytest.mark.mysql, "mariadb": pytest.mark.mysql}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        parts = item.path.parts
        if "e2e" in parts:
            item.add_marker(pytest.mark.slow)
        if "integration" in parts or "e2e" in parts:
            params = getattr(item, "callspec", None)
            for value in params.params.values() if params is not None else ():
                if isinstance(value, str) and value in _SERVER_MARKS:
                    item.add_marker(_SERVER_MARKS[value])

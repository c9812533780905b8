"""A verification that would not finish before the deadline fails closed without starting (issue 8, section 3)."""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate.handler import UNAVAILABLE, TriggerFailure
from cognito_migrate.testing import LambdaContext, make_event
from tests.conftest import GOOD, log_records
from tests.legacy import AspNetUser, create_aspnet_sqlite

if TYPE_CHECKING:
    import io
    from collections.abc import Callable
    from pathlib import Path

    from cognito_migrate.handler import Trigger

BILLION = 1_000_000_000


def _v3(iterations: int) -> str:
    """An ASP.NET Identity V3 PasswordHash header with ``iterations`` (HMAC-SHA512); never computed here."""
    blob = b"\x01" + (2).to_bytes(4, "big") + iterations.to_bytes(4, "big") + (16).to_bytes(4, "big")
    return base64.b64encode(blob + bytes(range(16)) + bytes(32)).decode()


def test_a_check_longer_than_the_time_left_fails_closed_without_hashing(
    make_trigger: Callable[..., Trigger], tmp_path: Path, log_stream: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row under the caps (raised here) whose check would take minutes: LEGACY_UNAVAILABLE, logged with why."""
    url = create_aspnet_sqlite(str(tmp_path / "slow.db"), [AspNetUser("slowpoke", _v3(BILLION), "s@example.com")])
    trigger = make_trigger(url, hashing={"limits": {"pbkdf2_max_iterations": 2 * BILLION}})
    derived: list[int] = []
    real = hashlib.pbkdf2_hmac

    def spy(name: str, password: bytes, salt: bytes, iterations: int, *rest: Any) -> bytes:
        derived.append(iterations)
        return real(name, password, salt, iterations, *rest)

    monkeypatch.setattr(hashlib, "pbkdf2_hmac", spy)
    with pytest.raises(TriggerFailure) as info:
        trigger(make_event("slowpoke", GOOD), LambdaContext(budget_ms=4000))
    assert str(info.value) == UNAVAILABLE
    record = log_records(log_stream)[-1]
    assert (record["level"], record["outcome"], record["reason"]) == ("ERROR", "LEGACY_UNAVAILABLE", "deadline")
    assert "hash check expected to take" in record["detail"]
    assert BILLION not in derived

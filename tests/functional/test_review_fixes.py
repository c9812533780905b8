"""Behaviour found missing in review: an unusable dummy cost, reset without a channel, metrics at any
log level, the Lambda entry point's failures, and hostile sign-in names."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from cognito_migrate import handler
from cognito_migrate.handler import UNAVAILABLE, TriggerFailure, lambda_handler
from cognito_migrate.testing import LambdaContext, make_event
from tests.conftest import FAST_V3, GOOD, WEAK, log_records
from tests.legacy import AspNetUser, create_aspnet_sqlite

if TYPE_CHECKING:
    import io
    from collections.abc import Callable
    from pathlib import Path

    from cognito_migrate.handler import Trigger


def test_an_unusable_dummy_cost_still_answers_unknown_users_like_wrong_passwords(
    make_trigger: Callable[..., Trigger], tmp_path: Path, log_stream: io.StringIO
) -> None:
    empty = create_aspnet_sqlite(str(tmp_path / "empty.db"), [])  # nothing to sample
    trigger = make_trigger(empty, hashing={"dummy_cost": {"iterations": "many"}})
    result = trigger(make_event("nobody", GOOD), LambdaContext())
    assert result["response"]["userAttributes"] is None
    record = log_records(log_stream)[-1]
    assert (record["level"], record["reason"]) == ("ERROR", "unknown_user")
    assert record["detail"].startswith("hashing.dummy_cost")


def test_reset_required_without_a_verified_channel_is_refused(
    make_trigger: Callable[..., Trigger], tmp_path: Path, log_stream: io.StringIO
) -> None:
    """Such a user could never receive the reset code: creating them would lock them out for good."""
    from cognito_migrate import hashing

    weak = hashing.create("aspnet_identity_v3", WEAK, cost=FAST_V3)
    url = create_aspnet_sqlite(
        str(tmp_path / "w.db"), [AspNetUser("wes", weak, email="w@example.com", email_confirmed=False)]
    )
    trigger = make_trigger(url)
    assert trigger(make_event("wes", WEAK), LambdaContext())["response"]["userAttributes"] is None
    assert log_records(log_stream)[-1]["reason"] == "no_delivery_channel"


def test_metrics_are_emitted_whatever_the_log_level(make_trigger: Callable[..., Trigger], aspnet_db: str) -> None:
    import io

    from cognito_migrate.config import settings_from_mapping
    from cognito_migrate.handler import Trigger
    from cognito_migrate.observability import InvocationLog

    stream = io.StringIO()
    settings = settings_from_mapping(
        {"store": {"type": "sql", "url": aspnet_db, "preset": "aspnet_identity"}, "logging": {"level": "ERROR"}},
        environ={},
    )
    trigger = Trigger(settings, log=InvocationLog(stream=stream, level="ERROR"))
    trigger(make_event("alice", GOOD), LambdaContext())
    (record,) = log_records(stream)
    assert record["Migrated"] == 1
    assert "user" not in record  # the details stay below the configured level


@pytest.mark.parametrize("name", ["ali\x00ce", "ali\ud800ce", "a" * 257, "line\nbreak"])
def test_hostile_sign_in_names_are_malformed_events_not_outages(
    make_trigger: Callable[..., Trigger], aspnet_db: str, log_stream: io.StringIO, name: str
) -> None:
    trigger = make_trigger(aspnet_db)
    with pytest.raises(TriggerFailure) as info:
        trigger(make_event(name, GOOD), LambdaContext())
    assert str(info.value) != UNAVAILABLE
    assert log_records(log_stream)[-1]["field"] == "userName"


@pytest.fixture
def fresh_entry_point(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handler, "_trigger", None)


def test_lambda_handler_loads_the_configuration_from_the_environment(
    fresh_entry_point: None, aspnet_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f'[store]\ntype = "sql"\nurl = "{aspnet_db}"\npreset = "aspnet_identity"\n')
    monkeypatch.setenv("COGNITO_MIGRATE_CONFIG", str(config))
    assert lambda_handler(make_event("alice", GOOD), LambdaContext())["response"]["finalUserStatus"] == "CONFIRMED"


def test_a_url_that_breaks_the_driver_never_shows_its_password(
    fresh_entry_point: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[store]\ntype = "sql"\nurl = "mysql://app:S3cr3t/pw@db:3306/x"\npreset = "aspnet_identity"\n')
    monkeypatch.setenv("COGNITO_MIGRATE_CONFIG", str(config))
    with pytest.raises(TriggerFailure) as info:
        lambda_handler(make_event("alice", GOOD), LambdaContext())
    assert str(info.value) == UNAVAILABLE
    out = capsys.readouterr()
    assert "S3cr3t" not in out.out + out.err + str(info.value)
    assert "store.url" in out.out

"""The ledger and the throttle in the trigger's flow (real SQLite ledger, real hashes, the real handler)."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate.ledger.backend import open_backend
from cognito_migrate.testing import LambdaContext, make_event
from tests.conftest import GOOD, log_records
from tests.ledger_support import HASH_KEY

if TYPE_CHECKING:
    import io
    from collections.abc import Callable
    from pathlib import Path

    from cognito_migrate.handler import Trigger

WRONG = "Wrong-Password-1"


@pytest.fixture
def ledger_db(tmp_path: Path) -> Path:
    return tmp_path / "ledger.db"


@pytest.fixture
def trigger(make_trigger: Callable[..., Trigger], aspnet_db: str, ledger_db: Path) -> Trigger:
    return make_trigger(
        aspnet_db,
        ledger={"url": f"sqlite:///{ledger_db}", "hash_key": HASH_KEY},
        throttle={"max_failures": 5, "window_seconds": 900, "address_field": "source_ip", "address_max_failures": 8},
    )


def sign_in(trigger: Trigger, name: str, password: str, *, ip: str | None = None, context: Any = None) -> bool:
    """True when the trigger migrated the user (returned attributes)."""
    event = make_event(name, password, client_metadata={"source_ip": ip} if ip else None)
    answer = trigger(event, context or LambdaContext())
    return bool(answer["response"].get("userAttributes"))


def migrations(stream: io.StringIO) -> list[dict[str, Any]]:
    return [r for r in log_records(stream) if r.get("message") == "migration"]


def pass_the_window(ledger_db: Path) -> None:
    """900 seconds later, as far as the throttle can tell."""
    with sqlite3.connect(ledger_db) as conn:
        conn.execute("UPDATE cognito_migrate_throttle SET window_start = window_start - 900")


def test_after_five_failures_the_right_password_is_rejected_until_the_window_passes(
    trigger: Trigger, log_stream: io.StringIO, ledger_db: Path
) -> None:
    for _ in range(5):
        assert not sign_in(trigger, "alice", WRONG)
    assert not sign_in(trigger, "alice", GOOD)
    last = migrations(log_stream)[-1]
    assert (last["outcome"], last["reason"], last["Throttled"], last["Rejected"]) == ("REJECTED", "throttled", 1, 1)
    assert "lookup" not in last["latency_ms"]  # the store was not asked
    assert "floor" in last["latency_ms"] and last["floor_ms"] > 0  # but it waited for the rejection floor
    pass_the_window(ledger_db)
    assert sign_in(trigger, "alice", GOOD)
    assert migrations(log_stream)[-1]["Throttled"] == 0


def test_the_throttle_counts_names_nobody_holds_and_other_names_are_not_affected(trigger: Trigger) -> None:
    for _ in range(6):
        assert not sign_in(trigger, "nobody-here", WRONG)
    assert sign_in(trigger, "kim", GOOD)  # another user signs in as usual


def test_a_source_address_is_throttled_across_names(trigger: Trigger) -> None:
    for n in range(8):
        assert not sign_in(trigger, f"guess{n}", WRONG, ip="203.0.113.7")
    assert not sign_in(trigger, "alice", GOOD, ip="203.0.113.7")
    assert sign_in(trigger, "alice", GOOD, ip="198.51.100.1")


def test_forgot_password_is_never_throttled(trigger: Trigger) -> None:
    for _ in range(6):
        sign_in(trigger, "alice", WRONG)
    answer = trigger(make_event("alice", trigger="UserMigration_ForgotPassword"), LambdaContext())
    assert answer["response"]["userAttributes"]["email"] == "alice@example.com"


def test_the_ledger_records_each_outcome_once_per_request_and_cognito_confirms_the_user(
    trigger: Trigger, log_stream: io.StringIO, ledger_db: Path
) -> None:
    sign_in(trigger, "alice", WRONG)
    retried = LambdaContext()
    assert sign_in(trigger, "alice", GOOD, context=retried)
    assert sign_in(trigger, "alice", GOOD, context=retried)  # Cognito's retry: same answer, counted once
    sign_in(trigger, "nobody", WRONG)
    records = {r.known: r for r in open_backend(f"sqlite:///{ledger_db}", timeout=1).records()}
    alice = records[True]
    assert dict(alice.counts) == {"REJECTED:wrong_password": 1, "MIGRATED:ok": 1}
    assert alice.migrated_at is not None and alice.created_at is None
    assert dict(records[False].counts) == {"REJECTED:unknown_user": 1}

    post = {
        "version": "1", "triggerSource": "PostAuthentication_Authentication", "region": "us-east-1",
        "userPoolId": "us-east-1_TestPool1", "userName": "alice", "callerContext": {"clientId": "c"},
        "request": {"userAttributes": {"sub": "0b5e", "email": "alice@example.com"}, "newDeviceUsed": False},
        "response": {},
    }  # fmt: skip
    assert trigger(post, LambdaContext()) == post  # answered unchanged
    assert next(r for r in open_backend(f"sqlite:///{ledger_db}", timeout=1).records() if r.known).created_at
    confirmed = [r for r in log_records(log_stream) if r.get("message") == "created in Cognito"]
    assert len(confirmed) == 1 and confirmed[0]["CreatedConfirmed"] == 1


def test_a_ledger_outage_changes_no_answer_and_is_logged_and_counted(
    make_trigger: Callable[..., Trigger], aspnet_db: str, log_stream: io.StringIO
) -> None:
    down = make_trigger(
        aspnet_db,
        ledger={"url": "postgresql://nobody@127.0.0.1:9/ledger", "hash_key": HASH_KEY, "timeout": 0.2},
        throttle={},
    )
    assert sign_in(down, "alice", GOOD)
    assert not sign_in(down, "alice", WRONG)
    problems = [r for r in log_records(log_stream) if r.get("message") == "ledger unavailable"]
    assert {p["operation"] for p in problems} == {"throttle", "record"}
    assert all(p["LedgerUnavailable"] == 1 and p["level"] == "ERROR" for p in problems)
    assert GOOD not in log_stream.getvalue() and WRONG not in log_stream.getvalue()

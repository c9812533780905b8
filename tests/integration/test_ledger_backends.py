"""Every ledger backend keeps the same contract: real SQLite, PostgreSQL, MariaDB, and moto's DynamoDB over HTTP."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate.errors import LedgerUnavailableError
from cognito_migrate.ledger.backend import open_backend
from cognito_migrate.ledger.records import Attempt, Keys
from cognito_migrate.outcomes import Outcome, Reason
from tests.ledger_support import HASH_KEY, ledger_url, moto_dynamodb  # noqa: F401 - the fixture

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from cognito_migrate.ledger.backend import LedgerBackend

KINDS = ["sqlite", "postgres", "mysql", "dynamodb"]
KEYS = Keys(HASH_KEY.encode())


@pytest.fixture(params=KINDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return ledger_url(request.param, tmp_path, request)


@pytest.fixture
def backend(url: str) -> Iterator[LedgerBackend]:
    opened = open_backend(url, timeout=2.0)
    yield opened
    opened.close()


def attempt(
    rid: str,
    outcome: Outcome,
    reason: Reason,
    *,
    user: str | None = "alice",
    at: int = 1_000,
    login: str = "alice@example.com",
) -> Attempt:
    return Attempt(
        request_id=rid,
        subject=KEYS.subject(user) if user else KEYS.unknown(login),
        known=user is not None,
        login_key=KEYS.login(login),
        outcome=outcome,
        reason=reason,
        scheme="bcrypt" if user else None,
        at=at,
    )


def only_record(backend: LedgerBackend) -> Any:
    records = list(backend.records())
    assert len(records) == 1
    return records[0]


def test_attempts_are_counted_by_outcome_and_reason_and_a_retry_counts_once(backend: LedgerBackend) -> None:
    assert backend.record(attempt("r1", Outcome.REJECTED, Reason.WRONG_PASSWORD, at=1_000), 2.0)
    assert not backend.record(attempt("r1", Outcome.REJECTED, Reason.WRONG_PASSWORD, at=1_001), 2.0)  # Cognito retried
    assert backend.record(attempt("r2", Outcome.MIGRATED, Reason.OK, at=1_050), 2.0)
    record = only_record(backend)
    assert dict(record.counts) == {"REJECTED:wrong_password": 1, "MIGRATED:ok": 1}
    assert (record.first_at, record.last_at, record.migrated_at, record.created_at) == (1_000, 1_050, 1_050, None)
    assert record.last_reason == "MIGRATED:ok"
    assert record.scheme == "bcrypt"
    assert record.known


def test_the_first_migration_time_is_kept(backend: LedgerBackend) -> None:
    backend.record(attempt("r1", Outcome.MIGRATED_RESET_REQUIRED, Reason.POLICY_VIOLATION, at=2_000), 2.0)
    backend.record(attempt("r2", Outcome.MIGRATED, Reason.OK, at=3_000), 2.0)
    assert only_record(backend).migrated_at == 2_000


def test_unknown_names_have_records_of_their_own(backend: LedgerBackend) -> None:
    backend.record(attempt("r1", Outcome.REJECTED, Reason.UNKNOWN_USER, user=None, login="mallory"), 2.0)
    record = only_record(backend)
    assert not record.known
    assert record.counts == {"REJECTED:unknown_user": 1}


def test_cognito_confirms_a_migrated_user_by_any_of_its_names(backend: LedgerBackend) -> None:
    backend.record(attempt("r1", Outcome.MIGRATED, Reason.OK, login="alice@example.com", at=1_000), 2.0)
    # post-authentication: the user name Cognito made (a sub in e-mail pools) and the e-mail attribute
    assert backend.mark_created([KEYS.login("0b5e-sub"), KEYS.login("ALICE@example.com")], 1_100, 2.0) == 1
    assert backend.mark_created([KEYS.login("alice@example.com")], 1_200, 2.0) == 0  # every later sign-in
    assert only_record(backend).created_at == 1_100


def test_a_rejected_user_is_never_confirmed(backend: LedgerBackend) -> None:
    backend.record(attempt("r1", Outcome.REJECTED, Reason.WRONG_PASSWORD), 2.0)
    assert backend.mark_created([KEYS.login("alice@example.com")], 1_100, 2.0) == 0
    assert only_record(backend).created_at is None


def test_a_migrated_user_s_groups_are_pending_until_marked_assigned(backend: LedgerBackend) -> None:
    alice, mallory = KEYS.login("alice@example.com"), KEYS.login("mallory")
    backend.record(attempt("r0", Outcome.REJECTED, Reason.UNKNOWN_USER, user=None, login="mallory"), 2.0)
    assert not backend.groups_pending([alice], 2.0)  # not migrated (yet): nothing to assign
    backend.record(attempt("r1", Outcome.MIGRATED, Reason.OK, login="alice@example.com"), 2.0)
    assert backend.groups_pending([KEYS.login("0b5e-sub"), alice], 2.0)
    assert not backend.groups_pending([mallory], 2.0)  # a name nobody migrated under
    assert backend.groups_pending([alice], 2.0)  # asking changes nothing: an assignment that failed is retried

    backend.mark_groups_assigned([KEYS.login("0b5e-sub"), alice], 1_100, 2.0)
    backend.mark_groups_assigned([alice], 1_200, 2.0)  # idempotent
    backend.mark_groups_assigned([mallory], 1_200, 2.0)  # no migrated user: nothing to note, no error
    assert not backend.groups_pending([alice], 2.0)
    assert not backend.groups_pending([mallory], 2.0)
    assert len(list(backend.records())) == 2  # the notes are no records of their own


def test_failures_count_within_a_window_and_a_new_window_starts_after_it(backend: LedgerBackend) -> None:
    key, other = KEYS.login("alice"), KEYS.address("203.0.113.9")
    for at in (1_000, 1_010, 1_020):
        backend.add_failure([key], at, 900, 2.0)
    backend.add_failure([other], 1_020, 900, 2.0)
    assert backend.failures([key, other, KEYS.login("bob")], 1_020 - 900, 2.0) == {key: 3, other: 1}
    assert backend.failures([key], 1_000, 2.0) == {}  # the window opened at 1000: over once 'since' reaches it
    backend.add_failure([key], 1_900, 900, 2.0)  # 900 s after the window opened: a new one
    assert backend.failures([key], 1_900 - 900, 2.0) == {key: 1}


def test_concurrent_invocations_for_one_user_all_count(url: str) -> None:
    # two containers (two connections) counting the same user at once: optimistic updates never lose one
    backends = [open_backend(url, timeout=5.0) for _ in range(2)]
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            for n in range(15):
                backends[index].record(attempt(f"r{index}-{n}", Outcome.REJECTED, Reason.WRONG_PASSWORD), 5.0)
                backends[index].add_failure([KEYS.login("alice")], 1_000, 900, 5.0)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert only_record(backends[0]).counts == {"REJECTED:wrong_password": 30}
    assert backends[0].failures([KEYS.login("alice")], 0, 2.0) == {KEYS.login("alice"): 30}
    for b in backends:
        b.close()


def test_nothing_stored_names_the_user(url: str, backend: LedgerBackend) -> None:
    backend.record(attempt("r1", Outcome.MIGRATED, Reason.OK, user="alice", login="alice@example.com"), 2.0)
    backend.add_failure([KEYS.login("alice@example.com")], 1_000, 900, 2.0)
    dump = repr(list(backend.records())) + repr(backend.failures([KEYS.login("alice@example.com")], 0, 2.0))
    assert "alice" not in dump.lower()


def test_an_unreachable_backend_is_an_outage_not_a_crash(tmp_path: Path) -> None:
    down = open_backend("dynamodb://t?region=eu-west-1&endpoint=http://127.0.0.1:9", timeout=0.5)
    with pytest.raises(LedgerUnavailableError):
        down.record(attempt("r1", Outcome.MIGRATED, Reason.OK), 0.5)
    sql_down = open_backend("postgresql://nobody@127.0.0.1:9/none", timeout=0.5)
    with pytest.raises((LedgerUnavailableError,)):
        sql_down.failures(["x"], 0, 0.5)


ROUND_TRIPS = {"postgres": 1, "sqlite": 2, "mysql": 2}


@pytest.mark.parametrize("kind", list(ROUND_TRIPS))
def test_an_attempt_is_one_upsert_per_table_and_one_statement_on_postgres(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new record cost four statements (update, insert; the same for its count): 3.2 ms on PostgreSQL."""
    backend: Any = open_backend(ledger_url(kind, tmp_path, request), timeout=2.0)
    statements: list[str] = []
    run = backend._run

    def counting(operation: str, sql: str, *args: Any, **kwargs: Any) -> Any:
        statements.append(operation)
        return run(operation, sql, *args, **kwargs)

    monkeypatch.setattr(backend, "_run", counting)
    for rid, user in (("r1", "alice"), ("r2", "alice"), ("r3", None)):  # a new record, a known one, an unknown name
        statements.clear()
        assert backend.record(attempt(rid, Outcome.REJECTED, Reason.WRONG_PASSWORD, user=user), 2.0)
        assert len(statements) == ROUND_TRIPS[kind]
    statements.clear()
    assert not backend.record(attempt("r2", Outcome.REJECTED, Reason.WRONG_PASSWORD), 2.0)  # a retry: not counted
    assert len(statements) == 1
    statements.clear()
    backend.add_failure([KEYS.login("a"), KEYS.address("192.0.2.1"), KEYS.login("a")], 1_000, 900, 2.0)
    assert len(statements) == 1
    assert backend.failures([KEYS.login("a"), KEYS.address("192.0.2.1")], 0, 2.0) == {
        KEYS.login("a"): 1, KEYS.address("192.0.2.1"): 1,
    }  # fmt: skip
    backend.close()

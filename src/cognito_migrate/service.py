"""The migration flow: one request in, one decision out. It receives objects, never configuration.

::

    throttle (optional hook) -> store.find -> verify | dummy verify -> account state -> mapping -> policy

Every rejection (unknown user, wrong password, disabled, locked out, unusable row) leaves through the same
``_reject``, after the same amount of hashing work, so that the caller can tell none of them apart.
Only an outage of the legacy store is answered differently (LEGACY_UNAVAILABLE): it must not look like a
wrong password, or users would be told their password is wrong while the store is down.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Protocol

from cognito_migrate.errors import (
    BackendNotAvailableError,
    CaseMismatchError,
    LegacyUnavailableError,
    MalformedRecordError,
    MappingError,
)
from cognito_migrate.hashing import Verdict
from cognito_migrate.models import TriggerSource
from cognito_migrate.outcomes import MigrationOutcome, Outcome, Reason

if TYPE_CHECKING:
    from cognito_migrate.mapping import AttributeMapper
    from cognito_migrate.models import Deadline, MigrationRequest
    from cognito_migrate.policy import ResetPolicy
    from cognito_migrate.stores.base import LookupResult, UserStore
    from cognito_migrate.verifier import PasswordVerifier

_VERDICT_REASONS = {
    Verdict.MISMATCH: Reason.WRONG_PASSWORD,
    Verdict.MALFORMED: Reason.MALFORMED_HASH,
    Verdict.UNSUPPORTED: Reason.UNSUPPORTED_HASH,
    Verdict.OVER_LIMIT: Reason.HASH_COST_OVER_LIMIT,
}


class Throttle(Protocol):
    """Brute-force protection (``ledger/throttle.py``): asked before the store, told after each attempt."""

    def is_blocked(self, request: MigrationRequest, deadline: Deadline) -> bool: ...

    def record(self, request: MigrationRequest, outcome: MigrationOutcome, deadline: Deadline) -> None: ...


class Ledger(Protocol):
    """The migration ledger (``ledger/recorder.py``): told every outcome; never raises, never changes it."""

    def record(self, request: MigrationRequest, outcome: MigrationOutcome, deadline: Deadline) -> None: ...


class MigrationService:
    """Decides the outcome of one migrate-user request."""

    def __init__(
        self,
        *,
        store: UserStore,
        verifier: PasswordVerifier,
        mapper: AttributeMapper,
        reset_policy: ResetPolicy,
        throttle: Throttle | None = None,
        ledger: Ledger | None = None,
    ) -> None:
        self._store = store
        self._verifier = verifier
        self._mapper = mapper
        self._fields = mapper.username_model.lookup_fields()  # fixed by the pool's model: computed once
        self._reset = reset_policy
        self._throttle = throttle
        self._ledger = ledger

    def migrate(self, request: MigrationRequest, deadline: Deadline) -> MigrationOutcome:
        """Run the flow; never raises for anything a request or a legacy row can cause."""
        outcome = self._decide(request, deadline, _Timer())
        if self._throttle is not None:
            self._throttle.record(request, outcome, deadline)
        if self._ledger is not None:
            self._ledger.record(request, outcome, deadline)
        return outcome

    def _decide(self, request: MigrationRequest, deadline: Deadline, timer: _Timer) -> MigrationOutcome:
        password = request.password.reveal() if request.password is not None else None
        if self._throttle is not None and self._throttle.is_blocked(request, deadline):
            return self._reject(Reason.THROTTLED, password, timer)

        try:
            found = self._store.find(request.username, fields=self._fields, deadline=deadline)
        except LegacyUnavailableError as exc:
            timer.lap("lookup")
            reason = Reason.DEADLINE if deadline.expired else Reason.STORE_ERROR
            return timer.outcome(Outcome.LEGACY_UNAVAILABLE, reason, detail=str(exc))
        except MalformedRecordError as exc:
            timer.lap("lookup")
            return self._reject(Reason.MALFORMED_RECORD, password, timer, detail=str(exc), deadline=deadline)
        timer.lap("lookup")
        timer.subject = found.user.username if found is not None else None
        if deadline.expired:
            # no time left for a verification that Cognito would still wait for: fail closed
            return timer.outcome(Outcome.LEGACY_UNAVAILABLE, Reason.DEADLINE, detail="deadline spent after the lookup")

        scheme: str | None = None
        if request.trigger is TriggerSource.AUTHENTICATION:
            if password is None:  # pragma: no cover - event.parse guarantees a password here
                return self._reject(Reason.NO_CREDENTIAL, None, timer)
            if self._store.verifies_passwords:
                return self._check_remotely(request, found, password, timer, deadline)
            credential = found.user.credential if found is not None else None
            if found is None or credential is None:
                reason = Reason.UNKNOWN_USER if found is None else Reason.NO_CREDENTIAL
                return self._reject(reason, password, timer, deadline=deadline)
            verdict, scheme = self._verifier.check(password, credential, max_seconds=deadline.remaining())
            if verdict is Verdict.OVER_TIME:
                # the check would not finish before the deadline: fail closed without starting it
                timer.lap("verify")
                expected = self._verifier.estimate(password, credential) or 0.0
                detail = f"hash check expected to take {expected * 1000:.0f} ms, more than the time left"
                return timer.outcome(Outcome.LEGACY_UNAVAILABLE, Reason.DEADLINE, scheme=scheme, detail=detail)
            if verdict not in (Verdict.MATCH, Verdict.MISMATCH):
                # A malformed, unsupported or over-cost hash was refused without hashing: spend the time a
                # real check takes, or the quick answer would tell that this account exists.
                self._verifier.dummy(password)
            timer.lap("verify")
            if verdict is not Verdict.MATCH:
                return timer.outcome(Outcome.REJECTED, _VERDICT_REASONS[verdict], scheme=scheme)
        elif found is None:
            return self._reject(Reason.UNKNOWN_USER, None, timer)

        return self._after_password(request, found, password, scheme, timer)

    def _check_remotely(
        self, request: MigrationRequest, found: LookupResult | None, password: str, timer: _Timer, deadline: Deadline
    ) -> MigrationOutcome:
        """The store checks the password itself (an HTTP API, another user pool, an LDAP bind).

        An unknown user costs the store the same one call against nobody's account (``spend_check``), so both
        rejections make the same number of calls; no local dummy hash is needed. An outage is never a wrong
        password.
        """
        if found is None:
            self._store.spend_check(password, deadline)
            return self._reject(Reason.UNKNOWN_USER, None, timer)
        try:
            accepted = self._store.check_password(found.user, password, deadline)
        except LegacyUnavailableError as exc:
            timer.lap("verify")
            reason = Reason.DEADLINE if deadline.expired else Reason.STORE_ERROR
            return timer.outcome(Outcome.LEGACY_UNAVAILABLE, reason, detail=str(exc))
        timer.lap("verify")
        if not accepted:
            return timer.outcome(Outcome.REJECTED, Reason.WRONG_PASSWORD)
        return self._after_password(request, found, password, None, timer)

    def _after_password(
        self, request: MigrationRequest, found: LookupResult, password: str | None, scheme: str | None, timer: _Timer
    ) -> MigrationOutcome:
        user = found.user
        # Account state is looked at only now, after a correct password: before, it would tell an attacker
        # without the password that the account exists.
        if user.disabled:
            return timer.outcome(Outcome.REJECTED, Reason.DISABLED, scheme=scheme)
        if user.locked_out:
            return timer.outcome(Outcome.REJECTED, Reason.LOCKED_OUT, scheme=scheme)
        try:
            mapped = self._mapper.map(user, login=request.username, matched_by=found.matched_by)
        except CaseMismatchError as exc:
            return timer.outcome(Outcome.REJECTED, Reason.CASE_MISMATCH, scheme=scheme, detail=str(exc))
        except (MappingError, BackendNotAvailableError) as exc:
            return timer.outcome(Outcome.REJECTED, Reason.UNMAPPABLE, scheme=scheme, detail=str(exc))
        timer.lap("map")
        attributes = mapped.attributes
        # invalid optional attributes were left out: the log line names them (never their values)
        dropped = "dropped " + "; ".join(mapped.dropped) if mapped.dropped else None

        if request.trigger is TriggerSource.FORGOT_PASSWORD:
            # Cognito sends the reset code to a verified e-mail or phone; without one the user would be
            # created and then stuck, silently, behind a simulated "code sent".
            if not self._reset.can_receive_code(attributes):
                return timer.outcome(Outcome.REJECTED, Reason.NO_DELIVERY_CHANNEL, scheme=scheme)
            return timer.outcome(Outcome.MIGRATED, Reason.OK, attributes=attributes, scheme=scheme)

        reset = self._reset.reset_reason(
            password=password, must_change=user.must_change_password, weak_hash=self._verifier.is_weak(scheme)
        )
        if reset is not None:
            if not self._reset.can_receive_code(attributes):
                # RESET_REQUIRED without a verified e-mail or phone would create a user who can never
                # receive the reset code: refuse, and say why in the log
                detail = f"{reset.value} needs a reset, but the user has no verified e-mail or phone"
                return timer.outcome(Outcome.REJECTED, Reason.NO_DELIVERY_CHANNEL, scheme=scheme, detail=detail)
            return timer.outcome(
                Outcome.MIGRATED_RESET_REQUIRED, reset, attributes=attributes, scheme=scheme, detail=dropped
            )
        return timer.outcome(Outcome.MIGRATED, Reason.OK, attributes=attributes, scheme=scheme, detail=dropped)

    def _reject(
        self,
        reason: Reason,
        password: str | None,
        timer: _Timer,
        *,
        detail: str | None = None,
        deadline: Deadline | None = None,
    ) -> MigrationOutcome:
        """Reject before a real verification: spend a dummy one so the timing matches a wrong password."""
        if password is not None:
            if not self._verifier.calibrated and deadline is not None:
                self._calibrate(deadline)
            self._verifier.dummy(password)
            timer.lap("verify")
            if self._verifier.problem and detail is None:
                detail = self._verifier.problem
        return timer.outcome(Outcome.REJECTED, reason, detail=detail)

    def _calibrate(self, deadline: Deadline) -> None:
        """Sample one real credential so the dummy costs what this store's rows cost (first time only)."""
        try:
            sample = self._store.sample_credential(deadline)
        except LegacyUnavailableError:
            return  # the configured dummy stands in; the lookup itself just worked, so this is rare
        if sample is not None:
            self._verifier.calibrate(sample)


class _Timer:
    """Per-step latency in milliseconds, for the log line."""

    def __init__(self) -> None:
        self._last = time.perf_counter()
        self.laps: dict[str, float] = {}
        self.subject: str | None = None  # the legacy user, once the store found one

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.laps[step] = round((now - self._last) * 1000, 3)
        self._last = now

    def outcome(
        self,
        outcome: Outcome,
        reason: Reason,
        *,
        attributes: dict[str, str] | None = None,
        scheme: str | None = None,
        detail: str | None = None,
    ) -> MigrationOutcome:
        return MigrationOutcome(
            outcome=outcome,
            reason=reason,
            attributes=attributes or {},
            scheme=scheme,
            detail=detail,
            timings_ms=dict(self.laps),
            subject=self.subject,
        )

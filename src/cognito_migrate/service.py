"""The migration flow: one request in, one decision out. It receives objects, never configuration.

::

    throttle (optional hook) -> store.find -> verify -> account state -> mapping -> policy

Every rejection (unknown user, wrong password, disabled, locked out, unusable row, throttled, and input
refused at parse time) leaves through :meth:`MigrationService._reject`, the one exit for rejections: it
answers no earlier than the rejection floor (:mod:`cognito_migrate.floor`) measured from the start of the
invocation, so that the caller can tell none of them apart whatever the row, the lookups or the earlier
requests. The throttle's count and the ledger's record are written before that wait, inside the floor:
a rejection that writes more (a new ledger record, a throttle window opening) does not answer later.
Only an outage of the legacy store is answered differently (LEGACY_UNAVAILABLE): it must not look like a
wrong password, or users would be told their password is wrong while the store is down.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from cognito_migrate.errors import (
    AmbiguousLoginError,
    BackendNotAvailableError,
    CaseMismatchError,
    LegacyUnavailableError,
    MalformedRecordError,
    MappingError,
)
from cognito_migrate.floor import RejectionFloor
from cognito_migrate.hashing import Verdict
from cognito_migrate.models import Deadline, TriggerSource
from cognito_migrate.outcomes import MigrationOutcome, Outcome, Reason

if TYPE_CHECKING:
    from collections.abc import Callable

    from cognito_migrate.mapping import AttributeMapper
    from cognito_migrate.models import Credential, MigrationRequest
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
        floor: RejectionFloor | None = None,
    ) -> None:
        self._store = store
        self._verifier = verifier
        self._mapper = mapper
        self._fields = mapper.username_model.lookup_fields()  # fixed by the pool's model: computed once
        self._reset = reset_policy
        self._throttle = throttle
        self._ledger = ledger
        self._floor = floor or RejectionFloor()
        self._connected = False  # after the first invocation, whose lookup and writes opened the connections

    @property
    def store(self) -> UserStore:
        """The legacy store (the post-authentication step shares it to read a migrated user's groups)."""
        return self._store

    def close(self) -> None:
        """Release the store's connections (the CLI when done; SnapStart before a restored environment runs)."""
        self._store.close()

    def prepare(self, deadline: Deadline) -> None:
        """The store's one-off work ahead of the first sign-in (a file store's load), for the commands that can
        wait for it (``check``, ``serve``); an outage is left for the sign-ins to report."""
        try:
            self._store.prepare(deadline)
        except LegacyUnavailableError:
            return

    def migrate(self, request: MigrationRequest, deadline: Deadline) -> MigrationOutcome:
        """Run the flow; never raises for anything a request or a legacy row can cause."""
        timer = _Timer(self._floor.clock, padded=request.password is not None)
        outcome = self._decide(request, deadline, timer)
        return self._finish(outcome, timer, deadline, request)

    def refuse(self, deadline: Deadline) -> MigrationOutcome:
        """A password sign-in refused at parse time (input no sign-in form sends, :func:`event.parse`).

        It never reaches the store, the throttle or the ledger, and leaves through the one exit for
        rejections: it answers at the floor, like a wrong password.
        """
        timer = _Timer(self._floor.clock, padded=True)
        return self._finish(self._reject(Reason.REFUSED_INPUT, timer, deadline=deadline), timer, deadline, None)

    def _finish(
        self, outcome: MigrationOutcome, timer: _Timer, deadline: Deadline, request: MigrationRequest | None
    ) -> MigrationOutcome:
        """Write the attempt (throttle, ledger), then wait for the floor of a padded rejection, then learn.

        The writes come first, so a rejection answers at max(floor, all of its work): what the throttle and
        the ledger write (an insert or an update, a new window) never shows in its time. Both are bounded by
        the deadline, never raise and never change the outcome.
        """
        if request is not None and (self._throttle is not None or self._ledger is not None):
            if self._throttle is not None:
                self._throttle.record(request, outcome, deadline)
            if self._ledger is not None:
                self._ledger.record(request, outcome, deadline)
            timer.record_s = timer.lap("ledger")
        if timer.floor_s is not None:
            report = self._floor.wait(timer.started, timer.floor_s, deadline)
            timer.lap("floor")
            outcome = outcome._replace(floor_ms=report.floor_ms, over_floor_ms=report.over_ms)
        outcome = outcome._replace(timings_ms=dict(timer.laps))
        # only now: the floor of this request was computed from what was known before it. The first invocation's
        # lookup and writes also opened the store's and the ledger's connections, whoever signed in: marks
        # learnt from them would bill that once-per-container cost to every later rejection
        connected, self._connected = self._connected, True
        self._floor.observe(
            lookup_s=timer.lookup_s if connected else None,
            verify_s=timer.verify_s,
            record_s=timer.record_s if connected else None,
        )
        return outcome

    def _find(self, login: str, deadline: Deadline, timer: _Timer) -> LookupResult | None:
        """The store's lookup, after its one-off work (a file store's load): that is lapped apart, so it never
        counts as a lookup in the rejection floor."""
        if self._store.prepare(deadline):
            timer.lap("load")
        return self._store.find(login, fields=self._fields, deadline=deadline)

    def _decide(self, request: MigrationRequest, deadline: Deadline, timer: _Timer) -> MigrationOutcome:
        password = request.password.reveal() if request.password is not None else None
        if self._throttle is not None and self._throttle.is_blocked(request, deadline):
            return self._reject(Reason.THROTTLED, timer, deadline=deadline)

        try:
            found = self._find(request.username, deadline, timer)
        except LegacyUnavailableError as exc:
            timer.lap("lookup")
            reason = Reason.DEADLINE if deadline.expired else Reason.STORE_ERROR
            return timer.outcome(Outcome.LEGACY_UNAVAILABLE, reason, detail=str(exc))
        except (MalformedRecordError, AmbiguousLoginError) as exc:
            timer.lookup_s = timer.lap("lookup")
            reason = Reason.AMBIGUOUS if isinstance(exc, AmbiguousLoginError) else Reason.MALFORMED_RECORD
            return self._reject(reason, timer, detail=str(exc), deadline=deadline)
        timer.lookup_s = timer.lap("lookup")
        timer.subject = found.user.username if found is not None else None
        if deadline.expired:
            # no time left for a verification that Cognito would still wait for: fail closed
            return timer.outcome(Outcome.LEGACY_UNAVAILABLE, Reason.DEADLINE, detail="deadline spent after the lookup")

        scheme: str | None = None
        if request.trigger is TriggerSource.AUTHENTICATION:
            if password is None:  # pragma: no cover - event.parse guarantees a password here
                return self._reject(Reason.NO_CREDENTIAL, timer)
            if self._store.verifies_passwords:
                return self._check_remotely(request, found, password, timer, deadline)
            credential = found.user.credential if found is not None else None
            if found is None or credential is None:
                reason = Reason.UNKNOWN_USER if found is None else Reason.NO_CREDENTIAL
                return self._reject(reason, timer, deadline=deadline)
            verdict, scheme = self._verifier.check(password, credential, max_seconds=deadline.remaining())
            if verdict is Verdict.OVER_TIME:
                # the check would not finish before the deadline: fail closed without starting it
                timer.lap("verify")
                expected = self._verifier.estimate(password, credential) or 0.0
                detail = f"hash check expected to take {expected * 1000:.0f} ms, more than the time left"
                return timer.outcome(Outcome.LEGACY_UNAVAILABLE, Reason.DEADLINE, scheme=scheme, detail=detail)
            spent = timer.lap("verify")
            if verdict in (Verdict.MATCH, Verdict.MISMATCH):
                timer.verify_s = spent  # a hash was computed: its cost informs later floors
            if verdict is not Verdict.MATCH:
                # a malformed, unsupported or over-cost hash was refused without hashing: the floor hides that
                return self._reject(_VERDICT_REASONS[verdict], timer, scheme=scheme, deadline=deadline)
        elif found is None:
            return self._reject(Reason.UNKNOWN_USER, timer, deadline=deadline)

        return self._after_password(request, found, password, scheme, timer=timer, deadline=deadline)

    def _check_remotely(
        self, request: MigrationRequest, found: LookupResult | None, password: str, timer: _Timer, deadline: Deadline
    ) -> MigrationOutcome:
        """The store checks the password itself (an HTTP API, another user pool, an LDAP bind).

        An unknown user costs the store the same one call against nobody's account (``spend_check``), so both
        rejections make the same number of calls; no local dummy hash is needed. An outage is never a wrong
        password, and it answers the same for a known and an unknown name.
        """
        try:
            if found is None:
                self._store.spend_check(password, deadline)
                timer.lap("verify")
                return self._reject(Reason.UNKNOWN_USER, timer, deadline=deadline)
            verified = self._store.verified(found.user, password, deadline)
        except LegacyUnavailableError as exc:
            # the same answer whether or not the name is known: an outage of the check is never a rejection
            timer.lap("verify")
            reason = Reason.DEADLINE if deadline.expired else Reason.STORE_ERROR
            return timer.outcome(Outcome.LEGACY_UNAVAILABLE, reason, detail=str(exc))
        timer.verify_s = timer.lap("verify")  # the store's check informs later floors, as a local hash does
        if verified is None:
            return self._reject(Reason.WRONG_PASSWORD, timer, deadline=deadline)
        found.user = verified  # as the check left it: it may have learned the account's state (a second factor)
        return self._after_password(request, found, password, None, timer=timer, deadline=deadline)

    def _after_password(
        self,
        request: MigrationRequest,
        found: LookupResult,
        password: str | None,
        scheme: str | None,
        *,
        timer: _Timer,
        deadline: Deadline,
    ) -> MigrationOutcome:
        user = found.user
        # Account state is looked at only now, after a correct password: before, it would tell an attacker
        # without the password that the account exists.
        if user.disabled:
            return self._reject(Reason.DISABLED, timer, scheme=scheme, deadline=deadline)
        if user.locked_out:
            return self._reject(Reason.LOCKED_OUT, timer, scheme=scheme, deadline=deadline)
        forgot = request.trigger is TriggerSource.FORGOT_PASSWORD
        if forgot and not user.resettable and not self._store.verifies_passwords:
            # the legacy framework would not send this user a reset (Django: an unusable password); a store that
            # checks passwords itself holds no credential here to judge by
            return self._reject(Reason.PASSWORD_UNUSABLE, timer, deadline=deadline)
        try:
            mapped = self._mapper.map(user, login=request.username, matched_by=found.matched_by)
        except CaseMismatchError as exc:
            return self._reject(
                Reason.CASE_MISMATCH, timer, scheme=scheme, detail=str(exc), deadline=deadline
            )
        except (MappingError, BackendNotAvailableError) as exc:
            return self._reject(Reason.UNMAPPABLE, timer, scheme=scheme, detail=str(exc), deadline=deadline)
        timer.lap("map")
        attributes = mapped.attributes
        # invalid optional attributes were left out: the log line names them (never their values)
        dropped = "dropped " + "; ".join(mapped.dropped) if mapped.dropped else None

        if request.trigger is TriggerSource.FORGOT_PASSWORD:
            # Cognito sends the reset code to a verified e-mail or phone; without one the user would be
            # created and then stuck, silently, behind a simulated "code sent".
            if not self._reset.can_receive_code(attributes):
                return self._reject(Reason.NO_DELIVERY_CHANNEL, timer, deadline=deadline)
            return timer.outcome(Outcome.MIGRATED, Reason.OK, attributes=attributes, scheme=scheme)

        reset = self._reset.reset_reason(
            password=password, must_change=user.must_change_password, weak_hash=self._verifier.is_weak(scheme)
        )
        if reset is not None:
            if not self._reset.can_receive_code(attributes):
                # RESET_REQUIRED without a verified e-mail or phone would create a user who can never
                # receive the reset code: refuse, and say why in the log
                detail = f"{reset.value} needs a reset, but the user has no verified e-mail or phone"
                return self._reject(Reason.NO_DELIVERY_CHANNEL, timer, scheme=scheme, detail=detail, deadline=deadline)
            return timer.outcome(
                Outcome.MIGRATED_RESET_REQUIRED, reset, attributes=attributes, scheme=scheme, detail=dropped
            )
        return timer.outcome(Outcome.MIGRATED, Reason.OK, attributes=attributes, scheme=scheme, detail=dropped)

    def _reject(
        self,
        reason: Reason,
        timer: _Timer,
        *,
        scheme: str | None = None,
        detail: str | None = None,
        deadline: Deadline | None = None,
    ) -> MigrationOutcome:
        """The one exit for every rejection: fixes the floor it will answer at, counted from the start.

        A request with a password waits for the floor (in :meth:`_finish`, after the ledger's write) whatever
        was done before (no lookup for a throttled user, no hashing for an unknown one, a cheap or a dear row);
        the first rejection of a container first measures the floor (:meth:`_calibrate`) and adds that time to
        it. Forgot-password requests are not padded (see :mod:`cognito_migrate.floor`).
        """
        if timer.padded:
            calibration = None
            if self._floor.needs_calibration:
                calibration = self._calibrate(deadline)
                timer.lap("calibrate")
            floor = self._floor.seconds(lookup_s=timer.lookup_s or 0.0, cold=calibration is not None)
            timer.floor_s = floor + (calibration or 0.0)
        if detail is None and self._verifier.problem:
            detail = self._verifier.problem
        return timer.outcome(Outcome.REJECTED, reason, scheme=scheme, detail=detail)

    def _calibrate(self, deadline: Deadline | None) -> float:
        """Measure the auto floor (the first rejection of a container); returns the seconds it took.

        The sample query and the verifications count; loading the schemes' modules does not: an existing
        user's request has loaded them already (to verify its own row), an unknown user's has not, and the
        import must weigh on no floor, or an unknown user's first floor would be the higher one.
        """
        clock = self._floor.clock
        started = clock()
        sample = self._sample(deadline)
        sampled = clock() - started
        self._verifier.load_schemes(sample)
        return sampled + self._floor.calibrate(lambda: self._verifier.reference_seconds(sample))

    def _sample(self, deadline: Deadline | None) -> Credential | None:
        """One real row's credential for the floor's reference cost; None when the store cannot give one."""
        try:
            return self._store.sample_credential(deadline or Deadline(1.0))
        except Exception:  # noqa: BLE001 - an outage or a hostile row: the configured dummy stands alone
            return None


class _Timer:
    """Per-step latency in milliseconds for the log line, and what the rejection floor needs to know."""

    def __init__(self, clock: Callable[[], float], *, padded: bool) -> None:
        self._clock = clock
        self.started = self._last = clock()
        self.padded = padded  # a sign-in with a password: its rejections wait for the floor
        self.laps: dict[str, float] = {}
        self.subject: str | None = None  # the legacy user, once the store found one
        self.lookup_s: float | None = None  # set when the store answered
        self.verify_s: float | None = None  # set when a hash was computed
        self.record_s: float | None = None  # set when the throttle and the ledger were written
        self.floor_s: float | None = None  # set by a padded rejection: the floor it answers at

    def lap(self, step: str) -> float:
        """Close the step; returns its seconds."""
        now = self._clock()
        spent = now - self._last
        self.laps[step] = round(spent * 1000, 3)
        self._last = now
        return spent

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

"""The ledger step of the flow, and the confirmations Cognito sends afterwards.

:meth:`LedgerRecorder.record` runs after the decision: it counts the attempt in the user's record within
the invocation's deadline and never raises, so the answer Cognito gets is the one it would get without a
ledger. An outage is reported through ``on_error`` (the log line and the ``LedgerUnavailable`` metric).

Only the trigger's own answer is known here; whether Cognito then created the user is told by the
post-authentication and post-confirmation triggers, which call :meth:`LedgerRecorder.confirm` with the names
Cognito knows the user by (user name, e-mail, phone number). ``confirmed_created`` in ``status`` counts those.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cognito_migrate.ledger.records import Attempt

if TYPE_CHECKING:
    from collections.abc import Iterable

    from cognito_migrate.ledger.backend import LedgerBackend
    from cognito_migrate.ledger.records import Keys
    from cognito_migrate.models import Deadline, MigrationRequest
    from cognito_migrate.outcomes import MigrationOutcome

ErrorSink = Callable[[str, str], None]  # (operation, safe detail) -> None


class LedgerRecorder:
    """Counts each trigger invocation in the ledger; swallows and reports every backend failure."""

    def __init__(
        self,
        backend: LedgerBackend,
        keys: Keys,
        *,
        timeout: float,
        on_error: ErrorSink,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.backend = backend
        self._keys = keys
        self._timeout = timeout
        self._on_error = on_error
        self._clock = clock

    def record(self, request: MigrationRequest, outcome: MigrationOutcome, deadline: Deadline) -> None:
        """Count the attempt; never raises, never changes ``outcome``."""
        subject = outcome.subject
        attempt = Attempt(
            request_id=request.request_id or str(uuid.uuid4()),
            subject=self._keys.subject(subject) if subject is not None else self._keys.unknown(request.username),
            known=subject is not None,
            login_key=self._keys.login(request.username),
            outcome=outcome.outcome,
            reason=outcome.reason,
            scheme=outcome.scheme,
            at=int(self._clock()),
        )
        guarded(self._on_error, "record", deadline, self._timeout, lambda t: self.backend.record(attempt, t))

    def created_predicate(self) -> Callable[[str], bool]:
        """Legacy user name -> whether a record says Cognito confirmed it created the user (for ``export``:
        reads every record once; not for the trigger)."""
        created = frozenset(r.subject for r in self.backend.records() if r.created_at is not None)
        return lambda legacy_username: self._keys.subject(legacy_username) in created

    def confirm(self, names: Iterable[str], deadline: Deadline) -> int | None:
        """Mark the migrated user known by any of ``names`` as created in Cognito; how many records changed
        (0: confirmed before, or not migrated by the trigger), or None when the ledger could not tell."""
        keys = self._login_keys(names)
        at = int(self._clock())
        changed = guarded(
            self._on_error, "confirm", deadline, self._timeout, lambda t: self.backend.mark_created(keys, at, t)
        )
        return None if changed is None else int(changed)

    def groups_due(self, names: Iterable[str], deadline: Deadline) -> bool | None:
        """Whether the user the trigger migrated, known by any of ``names``, still waits for its legacy groups
        (none assigned yet, or an assignment failed); None when the ledger could not tell."""
        keys = self._login_keys(names)
        due = guarded(self._on_error, "groups", deadline, self._timeout, lambda t: self.backend.groups_pending(keys, t))
        return None if due is None else bool(due)

    def groups_assigned(self, names: Iterable[str], deadline: Deadline) -> None:
        """Note that the groups of the migrated user known by any of ``names`` are all assigned: no later sign-in
        looks them up again. Never raises (a note that fails means one more, idempotent, assignment)."""
        keys = self._login_keys(names)
        at = int(self._clock())
        guarded(
            self._on_error, "groups", deadline, self._timeout, lambda t: self.backend.mark_groups_assigned(keys, at, t)
        )

    def _login_keys(self, names: Iterable[str]) -> list[str]:
        return sorted({self._keys.login(name) for name in names if name})


def guarded(on_error: ErrorSink, operation: str, deadline: Deadline, cap: float, call: Callable[[float], Any]) -> Any:
    """``call(timeout)``, or None after reporting why not: no time left before the deadline, or a failure.

    The timeout is what remains of the deadline, at most ``cap``: a slow ledger can never make the trigger
    miss Cognito's 5 seconds.
    """
    timeout = deadline.timeout(cap)
    if timeout <= 0.001:
        on_error(operation, "skipped: no time left before the deadline")
        return None
    try:
        return call(timeout)
    except Exception as exc:  # noqa: BLE001 - the ledger never changes the answer; the log says what failed
        from cognito_migrate.errors import CognitoMigrateError

        on_error(operation, str(exc) if isinstance(exc, CognitoMigrateError) else type(exc).__name__)
        return None

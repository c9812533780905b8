"""The brute-force throttle: failed sign-ins per sign-in name (and per source address) within a window.

A fixed window opens at a key's first failure; once ``max_failures`` failures are counted in it, every
password sign-in for that key is rejected without a lookup and without verifying, until the window has
passed. The rejection goes through the service's one rejection path, so it answers and takes the time of
any other rejection. Counters live in the ledger's backend, so every container sees the same ones.

The key is the keyed hash of the case-folded sign-in name, not of the legacy user: the throttle answers
before the store is asked, so it cannot know who the name belongs to. The legacy store's own lockout
counters are never written: the trigger stays read-only on the legacy store.

The source address comes from the request's ``validationData`` (sign-in) or ``clientMetadata`` under the
configured field; it is only as trustworthy as the code that sets it (a backend for frontend, not a
public client), so it adds a limit and never replaces the per-name one.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from cognito_migrate.ledger.recorder import guarded
from cognito_migrate.models import TriggerSource
from cognito_migrate.outcomes import Outcome

if TYPE_CHECKING:
    from collections.abc import Callable

    from cognito_migrate.ledger.backend import LedgerBackend
    from cognito_migrate.ledger.recorder import ErrorSink
    from cognito_migrate.ledger.records import Keys
    from cognito_migrate.models import Deadline, MigrationRequest
    from cognito_migrate.outcomes import MigrationOutcome


class LedgerThrottle:
    """The service's ``Throttle`` hook over a ledger backend."""

    def __init__(
        self,
        backend: LedgerBackend,
        keys: Keys,
        *,
        max_failures: int,
        window_seconds: int,
        address_field: str | None = None,
        address_max_failures: int = 0,
        timeout: float,
        on_error: ErrorSink,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._backend = backend
        self._keys = keys
        self._max = max_failures
        self._window = window_seconds
        self._address_field = address_field
        self._address_max = address_max_failures
        self._timeout = timeout
        self._on_error = on_error
        self._clock = clock

    def _limits(self, request: MigrationRequest) -> dict[str, int]:
        """Each throttle key of the request and its limit."""
        limits = {self._keys.login(request.username): self._max}
        address = request.client_metadata.get(self._address_field) if self._address_field else None
        if address and self._address_max:
            limits[self._keys.address(address)] = self._address_max
        return limits

    def is_blocked(self, request: MigrationRequest, deadline: Deadline) -> bool:
        """True when a key of this password sign-in has reached its limit in the current window.

        A backend outage lets the sign-in through (and is reported): the throttle must not turn a ledger
        outage into an outage of every sign-in.
        """
        if request.trigger is not TriggerSource.AUTHENTICATION:
            return False  # forgot-password carries no password to guess; blocking it locks real users out
        limits = self._limits(request)
        since = int(self._clock()) - self._window
        counts = guarded(
            self._on_error,
            "throttle",
            deadline,
            self._timeout,
            lambda t: self._backend.failures(list(limits), since, t),
        )
        if not counts:
            return False
        return any(counts.get(key, 0) >= limit for key, limit in limits.items())

    def record(self, request: MigrationRequest, outcome: MigrationOutcome, deadline: Deadline) -> None:
        """Count a rejected password sign-in (throttled ones too: every rejection does the same work)."""
        if request.trigger is not TriggerSource.AUTHENTICATION or outcome.outcome is not Outcome.REJECTED:
            return
        keys = list(self._limits(request))
        at = int(self._clock())
        guarded(
            self._on_error, "throttle", deadline, self._timeout,
            lambda t: self._backend.add_failure(keys, at, self._window, t),
        )  # fmt: skip

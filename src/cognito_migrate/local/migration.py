"""One migration attempt: build the event, call the trigger, validate its answer, create the user.

Trigger failures become the errors Cognito reports to the client:

- the function raised: ``UserLambdaValidationException: UserMigration failed with error <msg>.``
- no answer in time, every attempt: ``UnexpectedLambdaException`` (socket timeout);
- unreachable, or something other than the event returned: ``UserNotFoundException: Exception migrating
  user in app client <id>``;
- an answer that is not JSON: ``InvalidLambdaResponseException``;
- a response Cognito rejects: see ``validation.py`` and ``directory.py``.
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cognito_migrate.event import build_event
from cognito_migrate.local.backend import MOTO_LOCK
from cognito_migrate.local.directory import create_user, find_user
from cognito_migrate.local.errors import CognitoError, exception_migrating
from cognito_migrate.local.invoker import (
    Trigger,
    TriggerBadResponse,
    TriggerError,
    TriggerFailed,
    TriggerTimedOut,
    invoke,
)
from cognito_migrate.local.trigger_event import build_post_event
from cognito_migrate.local.validation import plan_migration

if TYPE_CHECKING:
    from cognito_migrate.local.backend import MotoBackend, MotoPool, MotoUser
    from cognito_migrate.local.settings import PoolSettings

Console = Callable[[str], None]


@dataclass(frozen=True)
class TriggerInvocation:
    """A record of one trigger call (never the password): what it was for and how it ended."""

    user_pool_id: str
    trigger_source: str
    user_name: str
    attempts: int
    outcome: str  # "migrated", "empty", or the client error code
    duration_ms: float  # the whole migration: trigger, validation, user creation
    trigger_ms: float  # inside the trigger (all attempts), as Cognito would wait for it


class Migrator:
    """Runs migrations for the pools of one local Cognito."""

    def __init__(
        self,
        *,
        trigger_for: Callable[[str], Trigger | None],
        timeout: float,
        attempts: int,
        console: Console,
        journal_size: int = 10_000,
    ) -> None:
        self._trigger_for = trigger_for
        self._timeout = timeout
        self._attempts = attempts
        self._console = console
        self._journal: collections.deque[TriggerInvocation] = collections.deque(maxlen=journal_size)
        self._journal_lock = threading.Lock()

    @property
    def invocations(self) -> list[TriggerInvocation]:
        with self._journal_lock:
            return list(self._journal)

    def migrate(
        self,
        *,
        backend: MotoBackend,
        pool: MotoPool,
        settings: PoolSettings,
        client_id: str,
        trigger_source: str,
        user_name: str,
        password: str | None,
        client_metadata: dict[str, str] | None,
    ) -> Any | None:
        """The created moto user, or None when there is no trigger or it returned an empty response."""
        trigger = self._trigger_for(settings.id)
        if trigger is None:
            return None
        event = build_event(
            trigger_source=trigger_source,
            region=settings.region,
            user_pool_id=settings.id,
            client_id=client_id,
            user_name=user_name,
            password=password,
            client_metadata=client_metadata,
        )
        started = time.perf_counter()
        call = _Call(attempts=self._attempts)
        try:
            payload = self._call(trigger, event, client_id, call)
            plan = plan_migration(
                settings,
                client_id=client_id,
                trigger_source=trigger_source,
                user_name=user_name,
                payload=payload,
            )
            if plan is None:
                self._record(settings.id, trigger_source, user_name, call, outcome="empty", started=started)
                return None
            with MOTO_LOCK:
                user = find_user(pool, settings, user_name)  # a concurrent sign-in may have migrated it
                if user is None:
                    user = create_user(backend, pool, settings, plan, password)
                username = user.username
        except CognitoError as exc:
            self._record(settings.id, trigger_source, user_name, call, outcome=exc.code, started=started)
            detail = exc.message.replace(password, "***") if password else exc.message  # a careless trigger
            self._console(f"migration of {user_name!r} failed: {exc.code}: {detail}")
            raise
        if plan.message_action != "SUPPRESS":
            mediums = "/".join(plan.delivery_mediums or ("SMS",))
            self._console(f"welcome message for {username!r} would be sent by {mediums} (messageAction not SUPPRESS)")
        self._record(settings.id, trigger_source, user_name, call, outcome="migrated", started=started)
        return user

    def after(
        self,
        *,
        settings: PoolSettings,
        user: MotoUser,
        client_id: str,
        trigger_source: str,
        metadata: dict[str, str] | None,
    ) -> None:
        """Fire the pool's post-authentication or post-confirmation trigger, if its LambdaConfig names one.

        As in Cognito, a trigger that fails makes the call fail (``<Trigger> failed with error <msg>.``).
        """
        name = trigger_source.split("_", 1)[0]
        trigger = self._trigger_for(settings.id) if name in settings.post_triggers else None
        if trigger is None:
            return
        with MOTO_LOCK:
            stored = (str(user.username), {str(k): str(v) for k, v in dict(user.attribute_lookup).items()})
        event = build_post_event(
            trigger_source, pool=(settings.region, settings.id), client_id=client_id, user=stored, metadata=metadata
        )
        try:
            invoke(trigger, event, timeout=self._timeout, attempts=self._attempts)
        except TriggerError as exc:
            message = exc.message if isinstance(exc, TriggerFailed) else type(exc).__name__
            raise CognitoError("UserLambdaValidationException", f"{name} failed with error {message}.") from None

    def _call(self, trigger: Trigger, event: dict[str, Any], client_id: str, call: _Call) -> Any:
        """The trigger's answer, or the CognitoError Cognito reports for its failure; fills ``call``."""
        started = time.perf_counter()
        try:
            result = invoke(trigger, event, timeout=self._timeout, attempts=self._attempts)
        except TriggerError as exc:
            call.attempts = exc.attempts
            raise _client_error(exc, client_id) from None
        finally:
            call.trigger_ms = (time.perf_counter() - started) * 1000
        call.attempts = result.attempts
        return result.payload

    def _record(self, pool_id: str, source: str, user_name: str, call: _Call, *, outcome: str, started: float) -> None:
        entry = TriggerInvocation(
            pool_id,
            source,
            user_name,
            call.attempts,
            outcome,
            duration_ms=round((time.perf_counter() - started) * 1000, 3),
            trigger_ms=round(call.trigger_ms, 3),
        )
        with self._journal_lock:
            self._journal.append(entry)


def _client_error(exc: TriggerError, client_id: str) -> CognitoError:
    """The error Cognito reports to the client for a trigger call that produced no usable answer."""
    if isinstance(exc, TriggerFailed):
        return CognitoError("UserLambdaValidationException", f"UserMigration failed with error {exc.message}.")
    if isinstance(exc, TriggerTimedOut):
        return CognitoError(
            "UnexpectedLambdaException",
            "UserMigration invocation failed due to error Socket timeout while invoking Lambda function.",
        )
    if isinstance(exc, TriggerBadResponse):
        return CognitoError("InvalidLambdaResponseException", "Invalid lambda response received: not valid JSON")
    return exception_migrating(client_id)  # TriggerUnreachable


@dataclass
class _Call:
    """How one trigger call went: attempts made and time spent waiting for the trigger."""

    attempts: int
    trigger_ms: float = 0.0

"""The Lambda entry point: ``cognito_migrate.handler.lambda_handler``.

Lambda's init phase (this module's import) reads the configuration named by ``COGNITO_MIGRATE_CONFIG`` and,
for a store with one-off work (an export file: :data:`~cognito_migrate.stores.PRELOADED_TYPES`), builds the
store and loads it there, within :data:`INIT_LOAD_SECONDS`, so that the container's first sign-in finds it
ready. The first invocation builds the trigger around them (a store that opens connections opens them then,
as before); later invocations reuse it. The handler body is the flow of docs/architecture.md ("One
sign-in"): parse, decide, log, answer.

What reaches Cognito when something is wrong is always one of three constant messages
(:data:`UNAVAILABLE`, :data:`INVALID_REQUEST`, :data:`REJECTED`): no detail, no value, no traceback text.
The detail goes to the log line, which never holds a password.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from typing import TYPE_CHECKING, Any, Final

INIT_TYPE_ENV: Final = "AWS_LAMBDA_INITIALIZATION_TYPE"  # set by Lambda during its init phase, and after

# When Lambda initializes this module, the imports below create about 7,000 objects that live as long as the
# container (modules, classes, functions). The cyclic garbage collector would trace them while they are
# created and at every full collection after, and find nothing to free: several milliseconds of a cold start
# (BENCHMARKS.md, 1b). So in Lambda the collector waits while they are imported, then leaves them out of its
# work for good (gc.freeze, as the gc docs advise for start-up state that lives as long as the process).
# Tests, the CLI and the local Cognito import this module too: for them nothing changes.
_IN_LAMBDA_INIT: Final = bool(os.environ.get(INIT_TYPE_ENV))
_collecting = gc.isenabled()
if _IN_LAMBDA_INIT:
    gc.disable()
try:
    from cognito_migrate import secrets
    from cognito_migrate.cognito_rules import VERIFIED_FLAGS
    from cognito_migrate.config import load_settings
    from cognito_migrate.errors import (
        CognitoMigrateError,
        EventError,
        LegacyUnavailableError,
        RefusedInputError,
        TriggerFailure,
    )
    from cognito_migrate.event import build_response, parse
    from cognito_migrate.models import Deadline
    from cognito_migrate.observability import CONFIRMED_METRIC, GROUPS_ASSIGNED_METRIC, GROUPS_FAILED_METRIC
    from cognito_migrate.outcomes import MigrationOutcome, Outcome, Reason
    from cognito_migrate.stores import PRELOADED_TYPES
    from cognito_migrate.wiring import (
        build_group_assigner,
        build_ledger,
        build_log,
        build_response_options,
        build_service,
        build_store,
    )
finally:
    if _IN_LAMBDA_INIT:
        gc.freeze()
        if _collecting:
            gc.enable()

if TYPE_CHECKING:
    from collections.abc import Callable

    from cognito_migrate.cognito_api import CognitoAdmin
    from cognito_migrate.config import Settings
    from cognito_migrate.groups import GroupAssigner
    from cognito_migrate.observability import InvocationLog
    from cognito_migrate.service import MigrationService
    from cognito_migrate.stores.base import UserStore

# No trailing period: Cognito reports a raised error as "UserMigration failed with error <message>." and
# adds its own.
UNAVAILABLE: Final = "Sign-in is temporarily unavailable, please try again later"
INVALID_REQUEST: Final = "Invalid sign-in request"
REJECTED: Final = "Incorrect username or password"
DEFAULT_BUDGET_MS: Final = 5000  # Cognito's own wait, when no Lambda context says otherwise
# Triggers Cognito fires once a user exists: the same function, attached to them, confirms migrations.
CONFIRMING_SOURCES: Final = ("PostAuthentication_", "PostConfirmation_")
SIGN_UP_CONFIRMED: Final = "PostConfirmation_ConfirmSignUp"  # a self sign-up: never a user the trigger migrated
SNAPSHOT_INIT: Final = "snap-start"  # an init whose process is snapshotted (SnapStart)
PROVISIONED_INIT: Final = "provisioned-concurrency"  # an init ahead of traffic: no sign-in waits for it
INIT_LOAD_SECONDS: Final = 8.0
"""How long the init phase may load a store, from this module's import: Lambda gives the whole init 10 s (the
runtime's own start included), and an init that overruns is run again inside the first invocation, losing
what was loaded. A load that does not finish here carries on in the first sign-ins, as it always could."""


class Trigger:
    """The migrate-user trigger for one configuration: call it with ``(event, context)``."""

    def __init__(
        self,
        settings: Settings,
        *,
        service: MigrationService | None = None,
        log: InvocationLog | None = None,
        cognito: Callable[[str], CognitoAdmin] | None = None,
        store: UserStore | None = None,
    ) -> None:
        self._log = log or build_log(settings)
        self._ledger = build_ledger(settings, self._log) if service is None else None
        # ``store``: built from ``settings`` already (by Lambda's init phase, which loaded it)
        self._service = service or build_service(settings, ledger=self._ledger, store=store)
        # the group step shares the service's store (one connection per container); ``cognito``: region -> the
        # Cognito API client it calls (the local Cognito passes its own endpoint)
        self._groups: GroupAssigner | None = None
        if settings.groups.enabled:
            self._groups = build_group_assigner(settings, self._service.store, admin=cognito)
        self._options = build_response_options(settings)
        self._raise_on_reject = settings.trigger.on_reject == "raise"
        self._margin_s = settings.trigger.safety_margin_ms / 1000
        self._cold = True
        self.init_spent = 0.0  # seconds of Lambda init before the first invocation (set by lambda_handler)

    def close(self) -> None:
        """Release what the trigger holds open (its legacy store connection)."""
        self._service.close()

    def prepare(self, seconds: float = 3600.0) -> None:
        """Do the store's one-off work now (load an export file), not in the first sign-in: ``check`` and the
        local Cognito call it; in Lambda the init phase does that work (:func:`_initialize`)."""
        self._service.prepare(Deadline(seconds))

    def __call__(self, event: dict[str, Any], context: Any = None) -> dict[str, Any]:
        started = time.perf_counter()
        cold, self._cold = self._cold, False
        request_id = getattr(context, "aws_request_id", None)
        init_spent = self.init_spent if cold else 0.0
        if isinstance(event, dict) and str(event.get("triggerSource", "")).startswith(CONFIRMING_SOURCES):
            return self.confirm(event, context, init_spent=init_spent)
        deadline = Deadline(_budget_seconds(context, init_spent=init_spent) - self._margin_s)
        try:
            request = parse(event)._replace(request_id=request_id or "")
        except RefusedInputError as exc:
            # input no sign-in form sends: answered exactly like a wrong password, at the same floor, and
            # logged as such
            try:
                refused = self._service.refuse(deadline)
            except Exception as error:  # noqa: BLE001 - as in migrate: fail closed, and say so in the log
                refused = _internal_error(error)
            self._log.emit(
                _level(refused),
                "migration",
                {"outcome": refused.outcome.value, "reason": refused.reason.value, "field": exc.field,
                 "problem": exc.problem, "request_id": request_id, "detail": refused.detail,
                 "floor_ms": refused.floor_ms, "over_floor_ms": refused.over_floor_ms},
                outcome=refused.outcome,
            )  # fmt: skip
            if refused.outcome is Outcome.LEGACY_UNAVAILABLE:
                raise TriggerFailure(UNAVAILABLE) from None
            return self._answer(event, refused)
        except EventError as exc:
            # not a sign-in Cognito sends (it builds the event): no store, no floor; the answer is an error,
            # which tells nothing about any user, so its time has nothing to hide (docs/trigger.md)
            self._log.emit(
                "ERROR",
                "malformed trigger event",
                {"field": exc.field, "problem": exc.problem, "request_id": request_id},
            )
            raise TriggerFailure(INVALID_REQUEST) from None
        try:
            outcome = self._service.migrate(request, deadline)
        except Exception as exc:  # noqa: BLE001 - fail closed on anything unforeseen, and say so in the log
            outcome = _internal_error(exc)
        total = round((time.perf_counter() - started) * 1000, 3)
        fields: dict[str, Any] = {
            "outcome": outcome.outcome.value,
            "reason": outcome.reason.value,
            "trigger": request.trigger.value,
            "scheme": outcome.scheme,
            "latency_ms": {**outcome.timings_ms, "total": total},
            "cold_start": cold,
            "user": self._log.user_ref(request.username),
            "client_id": request.client_id or None,
            "request_id": request_id,
        }
        if outcome.detail:
            fields["detail"] = outcome.detail
        if outcome.floor_ms is not None:
            fields["floor_ms"] = outcome.floor_ms
            fields["over_floor_ms"] = outcome.over_floor_ms
        self._log.emit(_level(outcome), "migration", fields, outcome=outcome.outcome)
        if outcome.outcome is Outcome.LEGACY_UNAVAILABLE:
            raise TriggerFailure(UNAVAILABLE)
        return self._answer(event, outcome)

    def _answer(self, event: dict[str, Any], outcome: MigrationOutcome) -> dict[str, Any]:
        """The response for a decided outcome; every rejection gets the same one, whatever its reason."""
        if outcome.outcome is Outcome.REJECTED and self._raise_on_reject:
            raise TriggerFailure(REJECTED)
        return build_response(event, outcome, self._options)

    def confirm(self, event: dict[str, Any], context: Any = None, *, init_spent: float = 0.0) -> dict[str, Any]:
        """Post-authentication / post-confirmation: Cognito holds this user now; note it in the ledger, and
        add the user to the mapped groups (``[groups]``, see ``groups.py``).

        Answers the event unchanged, always: raising here would fail a sign-in that has already succeeded, and so
        would running past Cognito's 5 seconds, which include a cold start's init (``init_spent``) here too.
        """
        if self._ledger is None and self._groups is None:
            return event
        if event.get("triggerSource") == SIGN_UP_CONFIRMED:
            # a user who signed up in the pool is never one the trigger migrated (those are created confirmed,
            # or confirm through forgot-password): nothing to note, and a legacy name's groups are not theirs
            return event
        request = event.get("request")
        attributes = request.get("userAttributes") if isinstance(request, dict) else None
        attributes = attributes if isinstance(attributes, dict) else {}
        candidates = (event.get("userName"), attributes.get("email"), attributes.get("phone_number"))
        names = [name for name in candidates if isinstance(name, str)]
        deadline = Deadline(_budget_seconds(context, init_spent=init_spent) - self._margin_s)
        first: int | None = None  # records newly confirmed; None: no ledger, or it could not answer
        if self._ledger is not None:
            first = self._ledger.recorder.confirm(names, deadline)
            if first:
                self._log.count(
                    "INFO", "created in Cognito", CONFIRMED_METRIC,
                    {"trigger": event.get("triggerSource"), "user": self._log.user_ref(names[0]) if names else None},
                )  # fmt: skip
        if self._groups is not None and names:
            # whose legacy groups these are: Cognito's user name, or an e-mail / phone Cognito verified; an
            # unverified one is what the user set (another legacy user's address would earn their groups)
            verified = [attributes.get(name) for name, flag in VERIFIED_FLAGS.items() if attributes.get(flag) == "true"]
            owners = [name for name in (event.get("userName"), *verified) if isinstance(name, str)]
            # with a ledger, only a user the trigger migrated whose groups are not all assigned yet (a missing
            # group, a throttled call, a spent deadline: retried at the next sign-in; then later sign-ins cost a
            # ledger read, no legacy lookup; a user who signed up under a legacy name gets none); a ledger that
            # cannot answer leaves it to the next sign-in: no groups on doubt
            if owners and (self._ledger is None or self._ledger.recorder.groups_due(owners, deadline)):
                complete = self._assign_groups(self._groups, event, owners, deadline)
                if complete and self._ledger is not None:
                    self._ledger.recorder.groups_assigned(owners, deadline)
        return event

    def _assign_groups(
        self, groups: GroupAssigner, event: dict[str, Any], names: list[str], deadline: Deadline
    ) -> bool:
        """Assign and log; whether the assignment is complete (every mapped group added, or none to add)."""
        try:
            done = groups.assign(
                pool_id=str(event.get("userPoolId", "")),
                region=str(event.get("region", "")),
                username=names[0],
                names=names,
                deadline=deadline,
            )
        except Exception as exc:  # noqa: BLE001 - the sign-in succeeded already: log, never fail it
            self._log.count("ERROR", "groups not assigned", GROUPS_FAILED_METRIC, {"error": type(exc).__name__})
            return False
        fields: dict[str, Any] = {"trigger": event.get("triggerSource"), "user": self._log.user_ref(names[0])}
        if done.refused:
            fields["refused"] = list(done.refused)  # unmapped names that are no valid group name (copy)
        if done.problem is not None or done.failed:
            fields.update(added=list(done.added), failed=dict(done.failed), missing=list(done.missing))
            if done.problem is not None:
                fields["problem"] = done.problem
            if done.missing:
                fields["hint"] = "create the missing groups in the pool (the SAM template's GroupNames)"
            self._log.count("ERROR", "groups not assigned", GROUPS_FAILED_METRIC, fields)
            return False
        if done.added:
            self._log.count("INFO", "groups assigned", GROUPS_ASSIGNED_METRIC, {**fields, "added": list(done.added)})
        return True


_LOADED_AT = time.monotonic()  # the deadline's init clock: when this container's init began (see after_restore)


def _budget_seconds(context: Any, *, init_spent: float) -> float:
    """What is left of Cognito's 5 seconds: the Lambda's remaining time, less what the container's init
    took on a cold start (Lambda does not count its init phase in the remaining time; Cognito does)."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    millis = float(remaining() if callable(remaining) else DEFAULT_BUDGET_MS)
    return min(millis, DEFAULT_BUDGET_MS - init_spent * 1000) / 1000


def _internal_error(exc: Exception) -> MigrationOutcome:
    """Anything unforeseen fails closed; the log names the exception's type, never its text."""
    return MigrationOutcome(Outcome.LEGACY_UNAVAILABLE, Reason.INTERNAL_ERROR, detail=type(exc).__name__)


def _level(outcome: MigrationOutcome) -> str:
    if (outcome.detail or "").startswith("hashing."):
        return "ERROR"  # a configuration problem that every unknown user runs into
    if outcome.outcome is Outcome.LEGACY_UNAVAILABLE or outcome.reason in (
        Reason.MALFORMED_HASH, Reason.MALFORMED_RECORD, Reason.UNSUPPORTED_HASH,
        Reason.HASH_COST_OVER_LIMIT, Reason.UNMAPPABLE,
    ):  # fmt: skip
        return "ERROR"
    if outcome.over_floor_ms > 0:
        return "WARNING"  # this rejection's time showed: raise trigger.reject_floor_ms (docs/trigger.md)
    return "INFO"


def make_handler(settings: Settings, *, store: UserStore | None = None) -> Trigger:
    """A trigger for ``settings`` (tests, the local Cognito, and custom entry points use this)."""
    return Trigger(settings, store=store)


_trigger: Trigger | None = None
_settings: Settings | None = None  # the configuration, read by Lambda's init phase (None: read at the first call)
_store: UserStore | None = None  # a store the init phase loaded (PRELOADED_TYPES), for the first call's trigger


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The Migrate-user trigger entry point for AWS Lambda."""
    global _trigger  # noqa: PLW0603 - built once per container and reused by warm invocations
    if _trigger is None:
        try:
            _trigger = make_handler(_settings or load_settings(), store=_store)
            if os.environ.get("AWS_LAMBDA_FUNCTION_NAME") and os.environ.get(INIT_TYPE_ENV) != PROVISIONED_INIT:
                # Cognito's 5 s include the init a sign-in waited for; an environment provisioned ahead of
                # traffic made none wait (its init may have ended hours ago)
                _trigger.init_spent = time.monotonic() - _LOADED_AT
        except Exception as exc:  # noqa: BLE001 - whatever it is, the client gets the constant message
            # A configuration problem: every invocation fails closed until it is fixed; the log says what.
            # Only our own errors carry a message written for logs; anything else (a driver parsing a URL
            # that holds a password, say) is logged by type alone.
            from cognito_migrate.observability import InvocationLog

            error = str(exc) if isinstance(exc, CognitoMigrateError) else type(exc).__name__
            InvocationLog().emit("ERROR", "configuration error", {"error": error})
            raise TriggerFailure(UNAVAILABLE) from None
    return _trigger(event, context)


def after_restore() -> None:
    """Lambda SnapStart: what a snapshot must not carry into the environments restored from it.

    Registered with the runtime's ``snapshot_restore_py`` hook when the function initializes for a snapshot
    (``AWS_LAMBDA_INITIALIZATION_TYPE=snap-start``); see docs/deploy.md. It

    - restarts the deadline's init clock: the snapshot's init happened minutes or days ago on another host,
      and its monotonic clock means nothing here (the first invocation would see its whole budget spent);
    - drops a trigger built before the snapshot, with its database connection (a socket the snapshot cannot
      carry), its dummy credential and the log's random username key (every environment restored from one
      snapshot would share them): the first invocation builds a new one;
    - keeps a store the init loaded (an export file's index: memory, no connection, no secret; see
      :func:`_initialize`), closed again in case anything reopened it: the new trigger is built around it;
    - re-seeds ``random`` if anything imported it (the trigger's own randomness comes from ``os.urandom``).
    """
    global _LOADED_AT, _trigger  # noqa: PLW0603 - the container's state, reset once per restore
    _LOADED_AT = time.monotonic()
    built, _trigger = _trigger, None
    if built is not None:
        built.close()
    if _store is not None:
        _store.close()
    random = sys.modules.get("random")
    if random is not None:
        random.seed()


def _register_snapstart_hook() -> None:
    """Register :func:`after_restore` when Lambda initializes this function for a SnapStart snapshot."""
    if os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") != "snap-start":
        return
    from snapshot_restore_py import register_after_restore  # the Lambda Python runtime ships it (3.12+)

    register_after_restore(after_restore)


def _initialize() -> None:
    """Lambda's init phase: read the configuration; for a store with one-off work, build it and do that work.

    Only when Lambda initializes this module (``AWS_LAMBDA_INITIALIZATION_TYPE`` is set): tests, the CLI and
    the local Cognito import it too. Nothing here fails the init: a configuration or store that cannot be
    built is built again by the first invocation, which logs why and answers the constant message; a load
    that runs out of :data:`INIT_LOAD_SECONDS` is carried on by the first sign-ins.

    For a SnapStart snapshot (``snap-start``) the loaded index goes into the snapshot, so every environment
    restored from it answers its first sign-in without loading; the store is closed first (no S3 connection
    or client in the snapshot), and nothing is loaded when the file's location is an SSM or Secrets Manager
    reference (no secret is fetched before a snapshot). Nothing else of the trigger is built here.
    """
    global _settings, _store  # noqa: PLW0603 - the container's state, built once
    init_type = os.environ.get(INIT_TYPE_ENV)
    if not init_type:
        return
    try:
        _settings = load_settings()
    except Exception:  # noqa: BLE001 - the first invocation reads it again, and logs and answers the problem
        return
    config = _settings.store
    if config.type not in PRELOADED_TYPES:
        return
    locations = [location for location in (config.url, config.file.hashes) if location is not None]
    if init_type == SNAPSHOT_INIT and any(secrets.is_fetched(location) for location in locations):
        return
    try:
        store = build_store(_settings)
    except Exception:  # noqa: BLE001 - as above: the first invocation builds it again and says why
        return
    from cognito_migrate.observability import InvocationLog

    started = time.monotonic()
    problem = None
    try:
        store.prepare(Deadline(INIT_LOAD_SECONDS - (started - _LOADED_AT)))
    except LegacyUnavailableError as exc:  # out of time, or the file cannot be read: the sign-ins say so too
        problem = str(exc)
    if init_type == SNAPSHOT_INIT:
        store.close()
    _store = store
    fields = {"init_type": init_type, "load_ms": round((time.monotonic() - started) * 1000, 1)}
    if problem is not None:
        fields["problem"] = problem
    log = InvocationLog(service=_settings.logging.service, level=_settings.logging.level, metrics=False)
    log.emit("INFO" if problem is None else "WARNING", "store prepared during init", fields)


_register_snapstart_hook()
_initialize()


__all__ = [
    "INVALID_REQUEST",
    "REJECTED",
    "UNAVAILABLE",
    "Trigger",
    "TriggerFailure",  # lives in errors.py; importable from here as it always was
    "after_restore",
    "lambda_handler",
    "make_handler",
]

"""One JSON line per invocation: the log record and its CloudWatch Embedded Metric Format metrics at once.

The line carries the outcome, the reason, the trigger source, the hash scheme, per-step latency, whether
the container was cold, and a keyed hash of the user name (the name itself only with
``logging.debug_usernames``). It never carries a password: nothing here ever receives one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sys
import time
from typing import TYPE_CHECKING, Any, Final, TextIO

from cognito_migrate.outcomes import Outcome

if TYPE_CHECKING:
    from collections.abc import Mapping

OUTCOME_METRICS: Final = {
    Outcome.MIGRATED: "Migrated",
    Outcome.MIGRATED_RESET_REQUIRED: "MigratedResetRequired",
    Outcome.REJECTED: "Rejected",
    Outcome.LEGACY_UNAVAILABLE: "LegacyUnavailable",
}
LATENCY_METRIC: Final = "Latency"
THROTTLED_METRIC: Final = "Throttled"  # a rejection by the brute-force throttle (also counted in Rejected)
LEDGER_UNAVAILABLE_METRIC: Final = "LedgerUnavailable"  # a ledger or throttle read/write that failed
CONFIRMED_METRIC: Final = "CreatedConfirmed"  # Cognito confirmed a migrated user exists (post-auth/confirm)
OVER_FLOOR_METRIC: Final = "RejectedOverFloor"
"""1 when a rejection's own work ran past the rejection floor (its time told something): raise the floor."""
GROUPS_ASSIGNED_METRIC: Final = "GroupsAssigned"  # a user was added to every mapped group (post-auth/confirm)
GROUPS_FAILED_METRIC: Final = "GroupsFailed"  # a group could not be added (missing in the pool, store down...)
METRICS: Final = (
    *OUTCOME_METRICS.values(), LATENCY_METRIC, THROTTLED_METRIC, LEDGER_UNAVAILABLE_METRIC, CONFIRMED_METRIC,
    OVER_FLOOR_METRIC, GROUPS_ASSIGNED_METRIC, GROUPS_FAILED_METRIC,
)  # every metric the trigger emits, for the template's dashboard and alarms  # fmt: skip
_LEVELS: Final = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40}


class InvocationLog:
    """Writes the per-invocation line to a stream (stdout in Lambda, where CloudWatch picks EMF up)."""

    def __init__(
        self,
        *,
        namespace: str = "CognitoMigrate",
        service: str = "cognito-migrate",
        username_key: bytes | None = None,
        debug_usernames: bool = False,
        metrics: bool = True,
        level: str = "INFO",
        stream: TextIO | None = None,
    ) -> None:
        self._service = service
        # Without a configured key the hashes are only comparable within one container.
        self._key = username_key or os.urandom(32)
        self._debug = debug_usernames
        self._metrics = metrics
        self._threshold = _LEVELS[level]
        # the EMF directive is the same on every line: built once
        self._directive = [
            {
                "Namespace": namespace,
                "Dimensions": [["Service"]],
                "Metrics": [
                    {"Name": n, "Unit": "Count"}
                    for n in (*OUTCOME_METRICS.values(), THROTTLED_METRIC, OVER_FLOOR_METRIC)
                ]
                + [{"Name": LATENCY_METRIC, "Unit": "Milliseconds"}],
            }
        ]
        self._namespace = namespace
        self._stream = stream

    def user_ref(self, username: str) -> str:
        """A keyed hash of the sign-in name (lower-cased, so one person has one reference)."""
        if self._debug:
            return username
        return hmac.new(self._key, username.lower().encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:24]

    def emit(self, level: str, message: str, fields: Mapping[str, Any], *, outcome: Outcome | None = None) -> None:
        """Write one line; metrics are attached when ``outcome`` is given."""
        latency = fields.get("latency_ms", {}).get("total", 0.0)
        throttled = fields.get("reason") == "throttled"
        over_floor = 1 if fields.get("over_floor_ms") else 0
        if _LEVELS[level] < self._threshold:
            if outcome is None or not self._metrics:
                return
            fields = {}  # below the log level: the metrics still go out, the details do not
        record: dict[str, Any] = {"level": level, "message": message, "service": self._service, **fields}
        if outcome is not None and self._metrics:
            record["_aws"] = {"Timestamp": int(time.time() * 1000), "CloudWatchMetrics": self._directive}
            record["Service"] = self._service
            for key, name in OUTCOME_METRICS.items():
                record[name] = 1 if key is outcome else 0
            record[LATENCY_METRIC] = latency
            record[THROTTLED_METRIC] = int(throttled)
            record[OVER_FLOOR_METRIC] = over_floor
        self._write(record)

    def count(self, level: str, message: str, metric: str, fields: Mapping[str, Any]) -> None:
        """One line carrying a single count metric (``LedgerUnavailable``, ``CreatedConfirmed``)."""
        if _LEVELS[level] < self._threshold:
            if not self._metrics:
                return
            fields = {}
        record: dict[str, Any] = {"level": level, "message": message, "service": self._service, **fields}
        if self._metrics:
            metrics = [{"Name": metric, "Unit": "Count"}]
            directive = [{"Namespace": self._namespace, "Dimensions": [["Service"]], "Metrics": metrics}]
            record["_aws"] = {"Timestamp": int(time.time() * 1000), "CloudWatchMetrics": directive}
            record["Service"] = self._service
            record[metric] = 1
        self._write(record)

    def ledger_problem(self, operation: str, detail: str) -> None:
        """The ledger or the throttle could not be read or written; the sign-in went on as without them."""
        self.count("ERROR", "ledger unavailable", LEDGER_UNAVAILABLE_METRIC, {"operation": operation, "detail": detail})

    def _write(self, record: Mapping[str, Any]) -> None:
        stream = self._stream or sys.stdout
        stream.write(json.dumps(record, separators=(",", ":"), default=str) + "\n")
        stream.flush()

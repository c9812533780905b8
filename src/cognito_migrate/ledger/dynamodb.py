"""The ledger in a DynamoDB table, over DynamoDB's JSON HTTP API: no boto3 on the trigger's cold path.

One table, partition key ``pk`` (string), on-demand, TTL on ``expires_at`` (the SAM template creates it).
Items:

- ``u…`` / ``n…``: a ledger record (legacy user / unknown sign-in name); counts are attributes named
  ``count:OUTCOME:reason``; unknown names expire after :data:`UNKNOWN_RETENTION_DAYS`;
- ``login#l…``: which record a migrated user's sign-in name points to (for post-authentication), and
  ``groups_at`` once the user's legacy groups are assigned;
- ``throttle#…``: a throttle window (``window_start``, ``failures``), expiring when its window ends.

Every write is one conditional ``UpdateItem``: a record is counted only when its ``request_id`` differs
from the invocation's (a retried invocation counts once). Credentials come from the environment, as
Lambda provides them; elsewhere (the CLI) from boto3's usual chain, imported only then. The endpoint is
the URL's ``endpoint=``, else ``AWS_ENDPOINT_URL_DYNAMODB`` / ``AWS_ENDPOINT_URL``, else AWS's.
"""

from __future__ import annotations

import json
import os
import threading
from typing import TYPE_CHECKING, Any, Final

from cognito_migrate.aws_credentials import REFUSED_CREDENTIALS, Credentials, CredentialSource
from cognito_migrate.errors import ConfigError, LedgerUnavailableError
from cognito_migrate.ledger.records import UserRecord, count_key
from cognito_migrate.ledger.sigv4 import sign_json

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from cognito_migrate.ledger.records import Attempt

UNKNOWN_RETENTION_DAYS: Final = 90
COUNT_PREFIX: Final = "count:"
LOGIN_PREFIX: Final = "login#"
THROTTLE_PREFIX: Final = "throttle#"
TARGET_PREFIX: Final = "DynamoDB_20120810."
CONDITION_FAILED: Final = "ConditionalCheckFailedException"
# the operations the trigger calls: the SAM template grants the function exactly these (`status` also
# calls Scan, with the operator's credentials)
TRIGGER_OPERATIONS: Final = ("UpdateItem", "BatchGetItem")


class _ConditionFailed(Exception):
    pass


class DynamoLedger:
    """A :class:`~cognito_migrate.ledger.backend.LedgerBackend` over one DynamoDB table."""

    def __init__(self, table: str, *, region: str, endpoint: str, timeout: float) -> None:
        from urllib.parse import urlsplit

        self.table = table
        self._region = region
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError("ledger.url", "the DynamoDB endpoint must be an http(s) URL")
        self._secure = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._netloc = parts.netloc
        self._timeout = timeout
        self._conn: Any = None
        self._credentials = CredentialSource()
        self._lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str, *, timeout: float, environ: Mapping[str, str] | None = None) -> DynamoLedger:
        """``dynamodb://TABLE?region=eu-west-1`` (``&endpoint=http://127.0.0.1:8000`` for a local one)."""
        from urllib.parse import parse_qs, urlsplit

        env = os.environ if environ is None else environ
        parts = urlsplit(url)
        table = parts.netloc
        if not table:
            raise ConfigError("ledger.url", "name the table: dynamodb://TABLE?region=REGION")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        unknown = sorted(set(query) - {"region", "endpoint"})
        if unknown:
            raise ConfigError(
                "ledger.url", f"unsupported URL options {', '.join(unknown)}; supported: region, endpoint"
            )
        region = query.get("region") or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
        if not region:
            raise ConfigError("ledger.url", "no region: add ?region=REGION or set AWS_REGION")
        endpoint = (
            query.get("endpoint")
            or env.get("AWS_ENDPOINT_URL_DYNAMODB")
            or env.get("AWS_ENDPOINT_URL")
            or f"https://dynamodb.{region}.amazonaws.com"
        )
        return cls(table, region=region, endpoint=endpoint, timeout=timeout)

    # -- the protocol -------------------------------------------------------------------------------------
    def record(self, attempt: Attempt, timeout: float) -> bool:
        names = {"#c": COUNT_PREFIX + count_key(attempt.outcome, attempt.reason)}
        values: dict[str, Any] = {
            ":known": {"BOOL": attempt.known},
            ":at": _n(attempt.at),
            ":reason": {"S": count_key(attempt.outcome, attempt.reason)},
            ":rid": {"S": attempt.request_id},
            ":one": _n(1),
        }
        sets = ["known = :known", "last_at = :at", "first_at = if_not_exists(first_at, :at)"]
        sets += ["last_reason = :reason", "request_id = :rid"]
        if attempt.scheme:
            sets.append("scheme = :scheme")
            values[":scheme"] = {"S": attempt.scheme}
        if attempt.migrated:
            sets.append("migrated_at = if_not_exists(migrated_at, :at)")
        if not attempt.known:
            sets.append("expires_at = :expires")
            values[":expires"] = _n(attempt.at + UNKNOWN_RETENTION_DAYS * 86400)
        try:
            self._call(
                "UpdateItem",
                {
                    "TableName": self.table,
                    "Key": {"pk": {"S": attempt.subject}},
                    "UpdateExpression": f"SET {', '.join(sets)} ADD #c :one",
                    "ConditionExpression": "attribute_not_exists(request_id) OR request_id <> :rid",
                    "ExpressionAttributeNames": names,
                    "ExpressionAttributeValues": values,
                },
                timeout,
            )
        except _ConditionFailed:
            return False  # this request id was counted already
        if attempt.migrated:
            self._update(
                LOGIN_PREFIX + attempt.login_key, "SET subject = :s", {":s": {"S": attempt.subject}}, None, timeout
            )
        return True

    def mark_created(self, login_keys: Sequence[str], at: int, timeout: float) -> int:
        pointers = self._get_many([LOGIN_PREFIX + key for key in login_keys], timeout)
        changed = 0
        for pointer in pointers.values():
            if "created_at" in pointer:
                continue  # confirmed before: post-authentication fires on every sign-in, one read each
            subject = pointer["subject"]["S"]
            condition = "attribute_exists(migrated_at) AND attribute_not_exists(created_at)"
            if self._update(subject, "SET created_at = :at", {":at": _n(at)}, condition, timeout):
                changed += 1
            self._update(pointer["pk"]["S"], "SET created_at = :at", {":at": _n(at)}, None, timeout)
        return changed

    def groups_pending(self, login_keys: Sequence[str], timeout: float) -> bool:
        pointers = self._get_many([LOGIN_PREFIX + key for key in login_keys], timeout)
        return any("groups_at" not in pointer for pointer in pointers.values())

    def mark_groups_assigned(self, login_keys: Sequence[str], at: int, timeout: float) -> None:
        for key in dict.fromkeys(login_keys):  # a pointer exists only for a migrated user's sign-in name
            pointer, values = LOGIN_PREFIX + key, {":at": _n(at)}
            self._update(pointer, "SET groups_at = :at", values, "attribute_exists(subject)", timeout)

    def failures(self, keys: Sequence[str], since: int, timeout: float) -> dict[str, int]:
        items = self._get_many([THROTTLE_PREFIX + key for key in keys], timeout)
        out: dict[str, int] = {}
        for pk, item in items.items():
            if int(item["window_start"]["N"]) > since:
                out[pk[len(THROTTLE_PREFIX) :]] = int(item["failures"]["N"])
        return out

    def add_failure(self, keys: Sequence[str], at: int, window: int, timeout: float) -> None:
        for key in keys:
            pk = THROTTLE_PREFIX + key
            live = {":cutoff": _n(at - window), ":one": _n(1)}
            if self._update(pk, "ADD failures :one", live, "window_start > :cutoff", timeout):
                continue
            fresh = {":at": _n(at), ":one": _n(1), ":cutoff": _n(at - window), ":expires": _n(at + window)}
            condition = "attribute_not_exists(window_start) OR window_start <= :cutoff"
            update = "SET window_start = :at, failures = :one, expires_at = :expires"
            if not self._update(pk, update, fresh, condition, timeout):
                self._update(pk, "ADD failures :one", {":one": _n(1)}, None, timeout)  # reset by someone else

    def records(self) -> Iterator[UserRecord]:
        start: dict[str, Any] | None = None
        while True:
            request: dict[str, Any] = {"TableName": self.table, "FilterExpression": "attribute_exists(last_reason)"}
            if start:
                request["ExclusiveStartKey"] = start
            page = self._call("Scan", request, max(self._timeout, 5.0))
            for item in page.get("Items", []):
                yield _record(item)
            start = page.get("LastEvaluatedKey")
            if not start:
                return

    def close(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    # -- plumbing -----------------------------------------------------------------------------------------
    def _update(self, pk: str, expression: str, values: dict[str, Any], condition: str | None, timeout: float) -> bool:
        request: dict[str, Any] = {
            "TableName": self.table,
            "Key": {"pk": {"S": pk}},
            "UpdateExpression": expression,
            "ExpressionAttributeValues": values,
        }
        if condition:
            request["ConditionExpression"] = condition
        try:
            self._call("UpdateItem", request, timeout)
        except _ConditionFailed:
            return False
        return True

    def _get_many(self, pks: Sequence[str], timeout: float) -> dict[str, dict[str, Any]]:
        if not pks:
            return {}
        keys = [{"pk": {"S": pk}} for pk in dict.fromkeys(pks)]
        answer = self._call(
            "BatchGetItem", {"RequestItems": {self.table: {"Keys": keys, "ConsistentRead": True}}}, timeout
        )
        if answer.get("UnprocessedKeys"):
            raise LedgerUnavailableError("BatchGetItem: keys left unprocessed (throttled by DynamoDB)")
        items = answer.get("Responses", {}).get(self.table, [])
        return {item["pk"]["S"]: item for item in items}

    def _call(self, operation: str, payload: dict[str, Any], timeout: float) -> dict[str, Any]:
        """POST one API call on the kept connection; one reconnect when the connection has gone away."""
        import http.client

        body = json.dumps(payload).encode("utf-8")
        headers = sign_json(
            netloc=self._netloc,
            target=TARGET_PREFIX + operation,
            content_type="application/x-amz-json-1.0",
            body=body,
            region=self._region,
            service="dynamodb",
            credentials=self._creds(timeout),
        )
        with self._lock:
            for attempt in (1, 2):
                try:
                    conn = self._connection(timeout)
                    conn.request("POST", "/", body=body, headers=headers)
                    response = conn.getresponse()
                    data = response.read()
                    status = response.status
                    break
                except TimeoutError:
                    self._drop()
                    raise LedgerUnavailableError(f"{operation}: timed out") from None
                except (OSError, http.client.HTTPException) as exc:
                    self._drop()
                    if attempt == 2:
                        raise LedgerUnavailableError(f"{operation}: {type(exc).__name__}") from None
        try:
            answer: dict[str, Any] = json.loads(data) if data else {}
        except ValueError:
            raise LedgerUnavailableError(f"{operation}: HTTP {status}, not JSON") from None
        if status != 200:
            kind = str(answer.get("__type", "")).rsplit("#", 1)[-1] or f"HTTP {status}"
            if kind == CONDITION_FAILED:
                raise _ConditionFailed
            if kind in REFUSED_CREDENTIALS:
                self._credentials.forget()  # expired or revoked: the next call looks for new ones
            raise LedgerUnavailableError(f"{operation}: {kind}")
        return answer

    def _connection(self, timeout: float) -> Any:
        import http.client

        if self._conn is None:
            factory = http.client.HTTPSConnection if self._secure else http.client.HTTPConnection
            self._conn = factory(self._host, self._port, timeout=timeout)
        else:
            self._conn.timeout = timeout
            if self._conn.sock is not None:
                self._conn.sock.settimeout(timeout)
        return self._conn

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    def _creds(self, timeout: float) -> Credentials:
        """The credentials to sign with (see :mod:`cognito_migrate.aws_credentials`)."""
        try:
            found = self._credentials.get(timeout)
        except ValueError as exc:  # the container endpoint: its message names no secret
            raise LedgerUnavailableError(str(exc)) from None
        if found is None:
            raise LedgerUnavailableError("no AWS credentials found (environment, or boto3's chain when installed)")
        return found


def _n(value: int) -> dict[str, str]:
    return {"N": str(value)}


def _record(item: Mapping[str, Any]) -> UserRecord:
    def number(name: str) -> int | None:
        return int(item[name]["N"]) if name in item else None

    counts = {k[len(COUNT_PREFIX) :]: int(v["N"]) for k, v in item.items() if k.startswith(COUNT_PREFIX)}
    return UserRecord(
        subject=item["pk"]["S"],
        known=bool(item.get("known", {}).get("BOOL", False)),
        first_at=number("first_at") or 0,
        last_at=number("last_at") or 0,
        counts=counts,
        last_reason=item["last_reason"]["S"],
        scheme=item["scheme"]["S"] if "scheme" in item else None,
        migrated_at=number("migrated_at"),
        created_at=number("created_at"),
    )

"""Calling the migrate-user trigger the way Cognito does: synchronous, 5 s per attempt, up to 3 attempts.

Two transports: a Python callable in this process (``InProcessTrigger``) and any function behind the Lambda
Invoke HTTP API (``LambdaInvokeTrigger``: ``POST {endpoint}/2015-03-31/functions/{name}/invocations``).
Both return the decoded JSON the function produced, or raise one of the ``Trigger*`` errors below; turning
those into Cognito's client-visible errors is the caller's job (``migration.py``).
"""

from __future__ import annotations

import copy
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from cognito_migrate.testing import LambdaContext

Handler = Callable[[dict[str, Any], Any], Any]

INVOKE_PATH = "/2015-03-31/functions/{name}/invocations"


class TriggerError(Exception):
    """A trigger call that produced no usable answer; ``attempts`` is how many attempts it took."""

    attempts: int = 1


class TriggerFailed(TriggerError):
    """The function ran and raised (Lambda's ``X-Amz-Function-Error``); ``message`` is its errorMessage."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TriggerTimedOut(TriggerError):
    """One attempt did not answer within the per-attempt budget."""


class TriggerUnreachable(TriggerError):
    """The function could not be called at all (connection refused, 404, not permitted)."""


class TriggerBadResponse(TriggerError):
    """The function answered with something that is not JSON."""


def _within(timeout: float, work: Callable[[], Any], *, name: str) -> Any:
    """``work()``'s result, or ``TriggerTimedOut`` once ``timeout`` seconds have passed, whatever ``work`` is
    doing (a socket timeout alone bounds each read, not the whole answer). A late ``work`` keeps running in a
    daemon thread and its result is discarded, as Cognito discards a late Lambda answer."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = work()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=run, name=name, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise TriggerTimedOut
    if "error" in box:
        raise box["error"]
    return box["result"]


class Trigger(Protocol):
    """One attempt: call the function with ``event`` and wait at most ``timeout`` seconds."""

    def attempt(self, event: dict[str, Any], timeout: float) -> Any: ...


class InProcessTrigger:
    """A Python handler ``(event, context) -> dict`` run in a worker thread so that a timeout can be enforced.

    A timed-out attempt cannot be killed; its thread is a daemon and its result is discarded, which is also
    what Cognito does with a late Lambda answer. The result goes through a JSON round trip, as the Lambda
    runtime serializes it, so a handler that returns something JSON cannot carry fails here as on Lambda.
    """

    def __init__(self, handler: Handler, *, function_name: str = "cognito-migrate-local", region: str = "us-east-1"):
        self.handler = handler
        self.function_name = function_name
        self.region = region

    def attempt(self, event: dict[str, Any], timeout: float) -> Any:
        context = LambdaContext(int(timeout * 1000), function_name=self.function_name, region=self.region)

        def run() -> Any:
            try:
                return self.handler(event, context)
            except BaseException as exc:  # noqa: BLE001 - the runtime reports every error the handler raises
                raise TriggerFailed(str(exc)) from None

        result = _within(timeout, run, name="local-cognito-trigger")
        try:
            return json.loads(json.dumps(result))
        except (TypeError, ValueError) as exc:
            raise TriggerFailed(f"Unable to marshal response: {exc}") from None


@dataclass(frozen=True)
class LambdaInvokeTrigger:
    """A function reached through the Lambda Invoke API at ``endpoint`` (no request signing: local use)."""

    endpoint: str
    function_name: str

    @classmethod
    def from_url(cls, url: str) -> LambdaInvokeTrigger:
        """Parse ``http://host:port/2015-03-31/functions/NAME/invocations``."""
        parts = urllib.parse.urlsplit(url)
        segments = parts.path.strip("/").split("/")
        if parts.scheme not in ("http", "https") or len(segments) != 4 or segments[1] != "functions":
            raise ValueError(f"expected {{endpoint}}{INVOKE_PATH.format(name='NAME')}, got {url!r}")
        return cls(f"{parts.scheme}://{parts.netloc}", urllib.parse.unquote(segments[2]))

    @property
    def url(self) -> str:
        name = urllib.parse.quote(self.function_name, safe="")
        return self.endpoint.rstrip("/") + INVOKE_PATH.format(name=name)

    def attempt(self, event: dict[str, Any], timeout: float) -> Any:
        return _within(timeout, lambda: self._post(event, timeout), name="local-cognito-lambda-invoke")

    def _post(self, event: dict[str, Any], timeout: float) -> Any:
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in from_url / by the caller
            self.url,
            data=json.dumps(event).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "X-Amz-Invocation-Type": "RequestResponse"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                body = response.read()
                function_error = response.headers.get("X-Amz-Function-Error")
        except TimeoutError:
            raise TriggerTimedOut from None
        except urllib.error.HTTPError as exc:
            raise TriggerUnreachable(f"HTTP {exc.code}") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise TriggerTimedOut from None
            raise TriggerUnreachable(str(exc.reason)) from None
        try:
            payload = json.loads(body) if body else None
        except ValueError:
            raise TriggerBadResponse from None
        if function_error:
            message = payload.get("errorMessage") if isinstance(payload, dict) else None
            raise TriggerFailed(str(message) if message is not None else "Unhandled")
        return payload


@dataclass(frozen=True)
class InvocationResult:
    """What came back, and how many attempts it took."""

    payload: Any
    attempts: int


def invoke(trigger: Trigger, event: dict[str, Any], *, timeout: float, attempts: int) -> InvocationResult:
    """Call ``trigger`` with a fresh copy of ``event`` per attempt, retrying only on timeouts.

    Cognito retries a trigger that does not answer in time; an error raised by the function is reported to the
    client at once (observed behaviour, see docs/local-cognito.md).
    """
    for attempt in range(1, attempts + 1):
        try:
            return InvocationResult(trigger.attempt(copy.deepcopy(event), timeout), attempt)
        except TriggerTimedOut as exc:
            if attempt == attempts:
                exc.attempts = attempt
                raise
        except TriggerError as exc:
            exc.attempts = attempt
            raise
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

"""The WSGI layer in front of moto's dispatcher.

Requests whose ``X-Amz-Target`` names an operation the layer owns go to ``Operations``; ``/_local/...``
paths are the local-only calls; everything else (pool admin, tokens, JWKS, ``/moto-api/reset``) goes to moto unchanged,
under the moto lock, with the response read completely before the lock is released.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from cognito_migrate.local.backend import MOTO_LOCK, find_pool
from cognito_migrate.local.directory import find_user
from cognito_migrate.local.errors import CognitoError
from cognito_migrate.local.settings import PoolSettings

if TYPE_CHECKING:
    from cognito_migrate.local.operations import Operations

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
StartResponse = Callable[..., Any]
TARGET_PREFIX = "AWSCognitoIdentityProviderService."
JSON_TYPE = "application/x-amz-json-1.1"


class LayerApp:
    """A WSGI application: the migration-aware layer wrapped around ``moto_app``."""

    def __init__(
        self,
        moto_app: WSGIApp,
        operations: Operations,
        *,
        console: Callable[[str], None] | None = None,
        allowed_hosts: frozenset[str] | None = None,
    ) -> None:
        self.moto_app = moto_app
        self.operations = operations
        self.console = console or (lambda _line: None)
        self.allowed_hosts = allowed_hosts  # None: any Host header
        self.handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any] | None]] = {
            "InitiateAuth": operations.initiate_auth,
            "AdminInitiateAuth": operations.admin_initiate_auth,
            "ForgotPassword": operations.forgot_password,
            "ConfirmForgotPassword": operations.confirm_forgot_password,
        }

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Answer one request; an unexpected error becomes Cognito's ``InternalErrorException`` (HTTP 500).

        The console gets the operation and the exception type only: a message could quote the request.
        """
        try:
            return self._dispatch(environ, start_response)
        except Exception as exc:  # noqa: BLE001 - the client gets a JSON error, never werkzeug's traceback page
            target = environ.get("HTTP_X_AMZ_TARGET", "") or environ.get("PATH_INFO", "")
            self.console(f"internal error answering {target}: {type(exc).__name__}")
            return _json(
                start_response,
                500,
                {"__type": "InternalErrorException", "message": "Internal error in the local Cognito."},
                [("x-amzn-ErrorType", "InternalErrorException")],
            )

    def _dispatch(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if self.allowed_hosts is not None and _host_name(environ.get("HTTP_HOST", "")) not in self.allowed_hosts:
            # a loopback server answers only requests addressed to loopback: a web page that rebinds its own
            # DNS name to 127.0.0.1 must not get a password oracle on the legacy store behind the trigger
            return _json(
                start_response,
                403,
                {"__type": "AccessDeniedException", "message": "The local Cognito answers only loopback hosts."},
                [("x-amzn-ErrorType", "AccessDeniedException")],
            )
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_local/"):
            return self._local(path, environ, start_response)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        handler = self.handlers.get(target[len(TARGET_PREFIX) :]) if target.startswith(TARGET_PREFIX) else None
        if handler is None:
            return self._forward(environ, start_response)
        raw = _read_body(environ)
        try:
            params = json.loads(raw or b"{}")
            if not isinstance(params, dict):
                raise CognitoError("SerializationException", "Start of structure or map found where not expected.")
            answer = handler(params)
        except CognitoError as exc:
            return _json(
                start_response,
                exc.status,
                {"__type": exc.code, "message": exc.message},
                [("x-amzn-ErrorType", exc.code)],
            )
        except ValueError:
            return _json(start_response, 400, {"__type": "SerializationException", "message": "Invalid JSON"})
        if answer is None:
            environ["wsgi.input"] = io.BytesIO(raw)
            environ["CONTENT_LENGTH"] = str(len(raw))
            return self._forward(environ, start_response)
        return _json(start_response, 200, answer)

    def _forward(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        captured: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
            captured[:] = [status, headers]
            return lambda _data: None

        with MOTO_LOCK:
            result = self.moto_app(environ, capture)
            try:
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        start_response(*captured)
        return [body]

    def _local(self, path: str, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """``GET /_local/health``, ``GET /_local/codes/{pool_id}/{username}``, ``GET /_local/invocations``."""
        parts = [p for p in path.split("/") if p][1:]
        if environ.get("REQUEST_METHOD") != "GET":
            return _json(start_response, 405, {"message": "local-only calls are GET"})
        if parts == ["health"]:
            return _json(start_response, 200, {"ok": True})
        if parts == ["invocations"]:
            return _json(
                start_response,
                200,
                {"invocations": [asdict(i) for i in self.operations.migrator.invocations]},
            )
        if len(parts) == 3 and parts[0] == "codes":
            code = forgot_password_code(self.operations, parts[1], parts[2])
            if code is None:
                return _json(start_response, 404, {"message": "no valid forgot-password code for this user"})
            return _json(start_response, 200, {"code": code})
        return _json(start_response, 404, {"message": f"unknown local call {path}"})


def forgot_password_code(operations: Operations, pool_id: str, name: str) -> str | None:
    """The code ForgotPassword last sent to the user ``name`` designates (name or alias), if still valid."""
    with MOTO_LOCK:
        found = find_pool(pool_id)
        if found is None:
            return None
        pool = found[1]
        user = find_user(pool, PoolSettings.from_moto(pool), name)
        username = None if user is None else user.username
    return None if username is None else operations.codes.peek(pool_id, username)


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def _host_name(header: str) -> str:
    """The host of a ``Host`` header, without the port and the IPv6 brackets; "" stays "" (HTTP/1.0)."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    host = header.rpartition(":")[0] if header.count(":") == 1 else header
    return host.rstrip(".")


def _read_body(environ: dict[str, Any]) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    stream = environ["wsgi.input"]
    data: bytes = stream.read(length) if length else stream.read()
    return data


_REASONS = {
    200: "OK",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    500: "Internal Server Error",
}


def _json(
    start_response: StartResponse, status: int, payload: Any, extra: list[tuple[str, str]] | None = None
) -> Iterable[bytes]:
    body = json.dumps(payload).encode()
    headers = [("Content-Type", JSON_TYPE), ("Content-Length", str(len(body))), *(extra or [])]
    start_response(f"{status} {_REASONS.get(status, 'Error')}", headers)
    return [body]

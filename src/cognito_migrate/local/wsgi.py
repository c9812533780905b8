"""The WSGI layer in front of moto's dispatcher: the local Cognito's only door.

It answers what Cognito answers and nothing else, because it is a server on a developer's machine that any
local process, and any web page the developer visits, can send requests to:

* the API (``POST /``) speaks only Cognito's JSON protocol: an ``X-Amz-Target`` naming a Cognito operation and
  the ``application/x-amz-json-1.1`` content type (a page cannot send either cross-site without a CORS
  preflight, which this server never grants); operations the layer owns go to ``Operations``, the rest to
  moto under the moto lock, with the response read completely before the lock is released;
* ``GET /{pool}/.well-known/jwks.json`` and ``openid-configuration`` go to moto; nothing else of moto is
  reachable (no ``/moto-api/...``, no query-protocol ``?Action=``);
* ``/_local/...`` are the local-only calls; all but ``health`` need the server's token;
* a body is read only when its ``Content-Length`` is a number up to :data:`MAX_BODY_BYTES`.
"""

from __future__ import annotations

import io
import json
import secrets
from collections.abc import Callable, Iterable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from cognito_migrate.local.backend import MOTO_LOCK, REWRITTEN, find_pool
from cognito_migrate.local.directory import find_user
from cognito_migrate.local.errors import CognitoError
from cognito_migrate.local.settings import PoolSettings

if TYPE_CHECKING:
    from cognito_migrate.local.operations import Operations

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
StartResponse = Callable[..., Any]
TARGET_PREFIX = "AWSCognitoIdentityProviderService."
JSON_TYPE = "application/x-amz-json-1.1"
# Cognito's requests are a few KiB (a user's attributes at most 2048 characters each); 1 MiB leaves room for
# any real call and keeps a hostile one from filling memory.
MAX_BODY_BYTES = 1 << 20
TOKEN_HEADER = "X-Local-Token"
_WELL_KNOWN = ("/.well-known/jwks.json", "/.well-known/openid-configuration")


class _Refused(Exception):
    """A request the layer answers itself with an error, before reading further."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class LayerApp:
    """A WSGI application: the migration-aware layer wrapped around ``moto_app``."""

    def __init__(
        self,
        moto_app: WSGIApp,
        operations: Operations,
        *,
        console: Callable[[str], None] | None = None,
        allowed_hosts: frozenset[str] | None = None,
        token: str | None = None,
    ) -> None:
        self.moto_app = moto_app
        self.operations = operations
        self.console = console or (lambda _line: None)
        self.allowed_hosts = allowed_hosts  # None: any Host header
        self.token = token or secrets.token_urlsafe(24)  # guards /_local/ calls but health
        self.handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any] | None]] = {
            "InitiateAuth": operations.initiate_auth,
            "AdminInitiateAuth": operations.admin_initiate_auth,
            "AdminGetUser": operations.admin_get_user,
            "ForgotPassword": operations.forgot_password,
            "ConfirmForgotPassword": operations.confirm_forgot_password,
            "GetCSVHeader": operations.imports.get_csv_header,
            "CreateUserImportJob": operations.imports.create,
            "StartUserImportJob": operations.imports.start,
            "DescribeUserImportJob": operations.imports.describe,
            "ListUserImportJobs": operations.imports.list_jobs,
            "StopUserImportJob": operations.imports.stop,
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
        try:
            raw = _read_body(environ)
        except _Refused as refused:
            return _error(start_response, refused)
        environ["wsgi.input"] = io.BytesIO(raw)  # read once, within the cap; moto reads it from here
        environ["CONTENT_LENGTH"] = str(len(raw))
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path.startswith("/_local/"):
            return self._local(path, environ, start_response)
        if method == "GET" and path.endswith(_WELL_KNOWN) and path.count("/") == 3:
            return self._forward(environ, start_response)
        if path != "/" or method != "POST":
            return _error(start_response, _Refused(404, "ResourceNotFoundException", "Not found."))
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        content_type = environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
        if not target.startswith(TARGET_PREFIX) or content_type != JSON_TYPE:
            # only Cognito's JSON protocol: what a browser can send cross-site without a preflight is refused
            return _error(
                start_response,
                _Refused(400, "UnknownOperationException", "Only the Cognito JSON protocol is served here."),
            )
        handler = self.handlers.get(target[len(TARGET_PREFIX) :])
        if handler is None:
            return self._forward(environ, start_response)
        try:
            params = json.loads(raw or b"{}")
            if not isinstance(params, dict):
                raise CognitoError("SerializationException", "Start of structure or map found where not expected.")
            answer = handler(params)
        except CognitoError as exc:
            return _error(start_response, _Refused(exc.status, exc.code, exc.message))
        except ValueError:
            return _json(start_response, 400, {"__type": "SerializationException", "message": "Invalid JSON"})
        if answer is None:
            # moto answers; a handler may have rewritten the request (an alias resolved to the user name)
            body = json.dumps(params).encode() if params.pop(REWRITTEN, False) else raw
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
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
        """``GET /_local/health``; ``PUT /_local/import-jobs/{job_id}/upload/{signature}`` (an import job's
        pre-signed URL: the signature in the URL is its authorization, as in S3's); with the token:
        ``GET /_local/codes/{pool_id}/{username}``, ``GET /_local/invocations`` and
        ``GET /_local/import-jobs/{job_id}/log``."""
        parts = [p for p in path.split("/") if p][1:]
        method = environ.get("REQUEST_METHOD")
        imports = self.operations.imports
        if len(parts) == 4 and parts[0] == "import-jobs" and parts[2] == "upload":
            if method != "PUT":
                return _json(start_response, 405, {"message": "upload the file with PUT"})
            headers = {"x-amz-server-side-encryption": environ.get("HTTP_X_AMZ_SERVER_SIDE_ENCRYPTION", "")}
            length = int(environ.get("CONTENT_LENGTH") or 0)  # an empty file has no body to read to its end
            body = environ["wsgi.input"].read(length) if length else b""
            status, message = imports.upload(parts[1], parts[3], headers, body)
            return _json(start_response, status, {"message": message})
        if parts == ["health"] and method == "GET":
            return _json(start_response, 200, {"ok": True})
        if not secrets.compare_digest(environ.get("HTTP_X_LOCAL_TOKEN", "").encode(), self.token.encode()):
            # codes reset passwords and invocations name users: only whoever started the server may read them
            return _error(
                start_response,
                _Refused(401, "NotAuthorizedException", f"local calls need the {TOKEN_HEADER} header printed at start"),
            )
        if method != "GET":
            return _json(start_response, 405, {"message": "local-only calls are GET"})
        if len(parts) == 3 and parts[0] == "import-jobs" and parts[2] == "log":
            lines = imports.log(parts[1])
            if lines is None:
                return _json(start_response, 404, {"message": "no such import job"})
            return _json(start_response, 200, {"log": lines})
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
        return _json(start_response, 404, {"message": "unknown local call"})


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
    """The request body, read only when ``Content-Length`` is a plain number within :data:`MAX_BODY_BYTES`.

    Without a length (or with ``-1``) a read would wait for the client to close, holding a worker; a
    request without a body (GET) has none to read.
    """
    header = environ.get("CONTENT_LENGTH") or ""
    if not header:
        if environ.get("HTTP_TRANSFER_ENCODING") or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            raise _Refused(411, "SerializationException", "A Content-Length header is required.")
        return b""
    if not (header.isascii() and header.isdigit()):
        raise _Refused(400, "SerializationException", "Content-Length is not a number of bytes.")
    length = int(header)
    if length > MAX_BODY_BYTES:
        raise _Refused(413, "SerializationException", f"The request body is larger than {MAX_BODY_BYTES} bytes.")
    data: bytes = environ["wsgi.input"].read(length) if length else b""
    if len(data) != length:
        raise _Refused(400, "SerializationException", "The request body is shorter than its Content-Length.")
    return data


def _error(start_response: StartResponse, refused: _Refused) -> Iterable[bytes]:
    """Cognito's error shape: ``__type`` and ``message``, and the ``x-amzn-ErrorType`` header botocore reads."""
    return _json(
        start_response,
        refused.status,
        {"__type": refused.code, "message": refused.message},
        [("x-amzn-ErrorType", refused.code)],
    )


_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    411: "Length Required",
    413: "Content Too Large",
    500: "Internal Server Error",
}


def _json(
    start_response: StartResponse, status: int, payload: Any, extra: list[tuple[str, str]] | None = None
) -> Iterable[bytes]:
    body = json.dumps(payload).encode()
    headers = [("Content-Type", JSON_TYPE), ("Content-Length", str(len(body))), *(extra or [])]
    start_response(f"{status} {_REASONS.get(status, 'Error')}", headers)
    return [body]

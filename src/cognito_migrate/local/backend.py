"""The moto adapter: the only module of the local Cognito that imports moto.

It holds access to moto's in-process cognito-idp state (pools, clients, users, regions), the WSGI application
that answers the API requests the layer leaves to moto, and the one lock that serializes every call into it:
moto is not thread-safe and its state is global to the process, so every read or write of a pool, a user or a
token, whether it comes through the WSGI dispatcher or from the layer, happens with ``MOTO_LOCK`` held.

The rest of ``local/`` reaches moto only through the functions here and the type names ``MotoPool``,
``MotoClient``, ``MotoUser`` and ``MotoBackend`` (moto's own classes, for mypy; a unit test scans for
imports), so a moto upgrade is checked in one place; the tested range is pinned in pyproject.toml's
``local`` extra. moto is imported inside the functions: importing this module costs nothing until a local
Cognito runs.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, TypeVar

from cognito_migrate.local.errors import CognitoError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from moto.cognitoidp.models import CognitoIdpBackend, CognitoIdpUser, CognitoIdpUserPool, CognitoIdpUserPoolClient

    # moto's own classes, named here so that the rest of local/ is typed without importing moto
    MotoBackend = CognitoIdpBackend
    MotoPool = CognitoIdpUserPool
    MotoClient = CognitoIdpUserPoolClient
    MotoUser = CognitoIdpUser

MOTO_LOCK = threading.RLock()
REWRITTEN = "__rewritten__"
"""A handler that sets this key in the request's parameters (and returns None) has moto answer the rewritten
request: the layer resolves what moto cannot (an alias), moto still shapes the answer."""
T = TypeVar("T")


def _backends() -> Iterator[MotoBackend]:
    from moto.cognitoidp.models import cognitoidp_backends

    for per_account in list(cognitoidp_backends.values()):
        for region, backend in list(per_account.items()):
            if region != "global":
                yield backend


def find_client(client_id: str) -> tuple[MotoBackend, MotoPool, MotoClient] | None:
    """``(backend, pool, client)`` for an app client id, in any account and region (lock held)."""
    for backend in _backends():
        for pool in backend.user_pools.values():
            client = pool.clients.get(client_id)
            if client is not None:
                return backend, pool, client
    return None


def find_pool(pool_id: str) -> tuple[MotoBackend, MotoPool] | None:
    """``(backend, pool)`` for a pool id (lock held)."""
    for backend in _backends():
        pool = backend.user_pools.get(pool_id)
        if pool is not None:
            return backend, pool
    return None


def call_moto(operation: Callable[..., T], *args: Any) -> T:
    """Run a moto backend method, turning moto's errors into ``CognitoError`` (lock held)."""
    from moto.core.exceptions import JsonRESTError

    try:
        return operation(*args)
    except JsonRESTError as exc:
        raise CognitoError(exc.relative_error_type, exc.message) from None


def status(name: str) -> Any:
    """moto's ``UserStatus`` member (moto compares statuses with ``is``: a plain string breaks it)."""
    from moto.cognitoidp.models import UserStatus

    return UserStatus[name]


def attribute_names(pool: MotoPool) -> list[str]:
    """The pool's attributes as Cognito lists them: every standard attribute and the pool's own (custom)
    ones. moto keeps only the schema it was given when a pool is created with one (lock held)."""
    from moto.cognitoidp.models import CognitoIdpUserPoolAttribute

    standard = list(CognitoIdpUserPoolAttribute.STANDARD_SCHEMA)
    return [*standard, *(name for name in pool.schema_attributes if name not in standard)]


def known_regions() -> frozenset[str]:
    """The regions moto serves cognito-idp in (it answers HTTP 500 for any other)."""
    from moto.cognitoidp.models import cognitoidp_backends
    from moto.core.models import DEFAULT_ACCOUNT_ID

    return frozenset(cognitoidp_backends[DEFAULT_ACCOUNT_ID].regions)


# ------------------------------------------------------------------------------------------ the WSGI app
# moto's own server mode needs Flask (``moto[server]``); its cognito-idp response classes need only a
# werkzeug request. ``moto_cognito_app`` routes the three kinds of cognito-idp requests (the JSON API on
# ``POST /``, ``/{pool}/.well-known/jwks.json`` and ``/{pool}/.well-known/openid-configuration``) to them, so
# the ``local`` extra stays moto[cognitoidp] + werkzeug; moto's own ``/moto-api/`` routes are not served.

_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 500: "Internal Server Error"}


def moto_cognito_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Answer one request with moto's cognito-idp handlers: a WSGI application, called with the lock held
    (``wsgi.LayerApp`` does, after checking the protocol)."""
    from moto.cognitoidp.responses import (
        CognitoIdpJsonWebKeyResponse,
        CognitoIdpOpenIdConfigurationResponse,
        CognitoIdpResponse,
    )
    from moto.core.request import Request

    request = Request(environ)
    request.from_wsgi_server = True  # moto then leaves the Date header to the HTTP server
    path, method = request.path, request.method
    handler: Callable[..., Any] | None = None
    if path.endswith("/.well-known/jwks.json"):
        handler = CognitoIdpJsonWebKeyResponse.serve_json_web_key
    elif path.endswith("/.well-known/openid-configuration"):
        handler = CognitoIdpOpenIdConfigurationResponse.serve_openid_configuration
    elif path == "/" and method == "POST":
        handler = CognitoIdpResponse.dispatch
    if handler is None:
        return _send(start_response, 404, {"Content-Type": "application/json"}, '{"message": "Not Found"}')
    result = handler(request, request.raw_url, dict(request.headers))
    status, headers, body = result if len(result) == 3 else (200, {}, result)
    return _send(start_response, int(status), dict(headers or {}), body)


def _send(start_response: Callable[..., Any], status: int, headers: dict[str, Any], body: Any) -> list[bytes]:
    data = body if isinstance(body, bytes) else str(body or "").encode()
    items = [(str(k), str(v)) for k, v in headers.items() if str(k).lower() != "content-length"]
    items.append(("Content-Length", str(len(data))))
    start_response(f"{status} {_REASONS.get(status, 'Error')}", items)
    return [data]

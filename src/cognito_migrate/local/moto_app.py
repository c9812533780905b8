"""moto's cognito-idp API as a plain WSGI application, without moto's Flask server.

moto's own server mode needs Flask (``moto[server]``); its cognito-idp response classes need only a
werkzeug request. This adapter routes the three kinds of cognito-idp requests (the JSON API on ``POST /``,
``/{pool}/.well-known/jwks.json`` and ``/{pool}/.well-known/openid-configuration``) to them, so the ``local``
extra stays moto[cognitoidp] + werkzeug; moto's own ``/moto-api/`` routes are not served. Call it with the
moto lock held (``wsgi.LayerApp`` does, after checking the protocol).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 500: "Internal Server Error"}


def moto_cognito_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Answer one request with moto's cognito-idp handlers."""
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

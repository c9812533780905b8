"""A small legacy login API for the HTTP store's tests: a real threaded HTTP server on a random loopback port.

It speaks both contracts of docs/stores.md (``native`` and ``keycloak``) over a dict of users with plaintext
passwords (a test double of an in-house API; the store never sees how the API checks). ``fault`` makes every
answer misbehave: ``"slow"`` (sleeps ``delay`` seconds before answering), ``"drip"`` (sends one byte every
``delay`` seconds), ``"5xx"``, ``"verify_5xx"`` (lookups answer, password checks fail), ``"json"`` (a body that is not JSON), ``"redirect"`` (302 to another path).
Each request is recorded (method, path, Authorization header, the JSON body's keys: never the password).
"""

from __future__ import annotations

import json
import ssl
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

TOKEN = "legacy-api-token"


class LegacyApi:
    """The API's state; ``url`` is the base URL to configure as ``[store] url``."""

    def __init__(
        self,
        users: dict[str, dict[str, Any]],
        *,
        contract: str = "native",
        auth: str | None = None,
        tls: tuple[str, str] | None = None,
    ) -> None:
        self.users = users  # name -> user JSON, with "password" (never sent back)
        self.contract = contract
        self.auth = auth  # the Authorization value required, or None
        self.fault: str | None = None
        self.delay = 0.0
        self.requests: list[tuple[str, str, str | None, list[str]]] = []
        self.passwords_seen: list[tuple[str, str]] = []  # (path, password): the store must send it only to verify
        self.answering = 0  # requests whose answer is not completely sent yet (a slow or dripping one)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        scheme = "http"
        if tls is not None:  # (certificate file, key file): serve https
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://localhost:{self._server.server_address[1]}/api"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> LegacyApi:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()

    def find(self, login: str) -> dict[str, Any] | None:
        login = login.casefold()
        for user in self.users.values():
            if user["username"].casefold() == login or str(user.get("email", "")).casefold() == login:
                return user
        return None


def _handler(api: LegacyApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_GET(self) -> None:
            self._counted("GET")

        def do_POST(self) -> None:
            self._counted("POST")

        def _counted(self, method: str) -> None:
            api.answering += 1
            try:
                self._serve(method)
            finally:
                api.answering -= 1

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else {}
            api.requests.append((method, self.path, self.headers.get("Authorization"), sorted(body)))
            if "password" in body:
                api.passwords_seen.append((self.path, body["password"]))
            if api.fault == "slow":
                time.sleep(api.delay)
            if api.fault == "5xx" or (api.fault == "verify_5xx" and method == "POST"):
                return self._answer(503, b'{"error": "down"}')
            if api.fault == "json":
                return self._answer(200, b"<html>maintenance</html>")
            if api.fault == "redirect":
                self.send_response(302)
                self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            if api.auth is not None and self.headers.get("Authorization") != api.auth:
                return self._answer(401, b'{"error": "unauthorized"}')
            status, answer = self._route(method, urllib.parse.unquote(self.path), body)
            return self._answer(status, json.dumps(answer).encode())

        def _route(self, method: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
            if api.contract == "keycloak":
                login = path.removeprefix("/api/")
                user = api.find(login)
                if method == "GET":
                    return (200, _public(user)) if user else (404, {})
                if user is None or user["username"] != login:
                    return 404, {}
                return (200, {}) if body.get("password") == user["password"] else (401, {})
            if method == "GET" and path.startswith("/api/users/"):
                user = api.find(path.removeprefix("/api/users/"))
                return (200, _public(user)) if user else (404, {"error": "not found"})
            if method == "POST" and path == "/api/verify":
                user = api.users.get(body.get("username", ""))
                if user is None:
                    return 404, {}
                return 200, {"valid": body.get("password") == user["password"]}
            return 400, {}

        def _answer(self, status: int, data: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if api.fault == "drip":
                for byte in data:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(api.delay)
            else:
                self.wfile.write(data)

    return Handler


def _public(user: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (user or {}).items() if k != "password"}


def running(api: LegacyApi) -> Iterator[LegacyApi]:
    """Start ``api`` for a fixture and stop it afterwards."""
    api.start()
    try:
        yield api
    finally:
        api.stop()


def self_signed(directory: str) -> tuple[str, str]:
    """A certificate for ``localhost`` and its key, as PEM files in ``directory`` (the CA file is the certificate)."""
    import datetime as dt
    from pathlib import Path

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = Path(directory) / "api.pem", Path(directory) / "api.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return str(cert_file), str(key_file)

"""The HTTP store: users live behind an in-house login API that looks a user up and checks a password.

Standard library only (``http.client``, ``ssl``, ``json``): no extra, nothing heavy on the cold path.
Two contracts, documented for the API's authors in docs/stores.md:

``native``
    ``GET {url}/users/{login}`` answers 200 with the user as a JSON object, 404 when nobody has that name
    or e-mail; ``POST {url}/verify`` with ``{"username": ..., "password": ...}`` answers 200 with
    ``{"valid": true|false}`` (401 or 403 also mean a wrong password).
``keycloak``
    the REST contract of keycloak-user-migration, so an endpoint built for it is reused as is:
    ``GET {url}/{username_or_email}`` answers 200 with the user (``username``, ``email``, ``firstName``,
    ``lastName``, ``enabled``, ``emailVerified``, ``attributes``, ``roles``, ``groups``), and
    ``POST {url}/{username}`` with ``{"password": ...}`` answers 200 when the password is right.

Both contracts may give ``roles`` and ``groups`` (lists of names); they are the user's legacy groups
(``[groups]``, assigned after Cognito created the user).

The three answers are kept apart: "not found" (404 on the lookup) is a rejection like an unknown user;
"wrong password" (401/403, 404 on the check, or ``"valid": false``) is a rejection; "the API is down"
(5xx, any other status, a redirect, a timeout, a refused connection, a body that is not a JSON object) is
an outage (LEGACY_UNAVAILABLE), never a wrong password. Redirects are never followed: the password goes
to the configured verify endpoint and nowhere else.

Every request is bounded by the invocation's deadline: the connection by ``connect_timeout``, each read
by ``read_timeout``, and the whole request (a server dripping bytes included) by the time left, after
which a watchdog shuts the socket.
"""

from __future__ import annotations

import base64
import http.client
import json
import secrets
import socket
import ssl
import threading
import urllib.parse
import uuid
from typing import TYPE_CHECKING, Any, Final

from cognito_migrate.errors import LegacyUnavailableError, StoreCapabilityError
from cognito_migrate.stores.base import UserStore, rows_equal_to

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence

    from cognito_migrate.mapping.identity import LoginField
    from cognito_migrate.models import Deadline, LegacyUser
    from cognito_migrate.stores import HttpContract as Contract


MAX_BODY: Final = 1 << 20
"""The largest answer read (1 MiB): a user is a few hundred bytes; more is a broken or hostile server."""

# The column roles each contract's user JSON fills (role -> JSON name); [store] columns are merged over them.
COLUMNS: Final[Mapping[Contract, Mapping[str, str]]] = {
    "native": {
        "username": "username",
        "email": "email",
        "email_verified": "email_verified",
        "phone_number": "phone_number",
        "phone_number_verified": "phone_number_verified",
        "enabled": "enabled",
        "locked": "locked",
        "must_change_password": "must_change_password",
        "groups": "groups",
        "roles": "roles",
    },
    "keycloak": {
        "username": "username",
        "email": "email",
        "email_verified": "emailVerified",
        "enabled": "enabled",
        "groups": "groups",
        "roles": "roles",
    },
}

_WRONG_PASSWORD: Final = frozenset({401, 403, 404})


class HttpUserStore(UserStore):
    """A legacy login API reached over HTTP(S); it checks passwords itself (``verifies_passwords``).

    ``auth`` is the ``Authorization`` header value, or a function that gives it (a secret reference is
    resolved at the first request, not at start-up).
    """

    def __init__(
        self,
        url: str,
        *,
        contract: Contract = "native",
        auth: Callable[[], str | None] | None = None,
        ca_file: str | None = None,
        columns: Mapping[str, str] | None = None,
        normalize: str = "none",
        connect_timeout: float = 2.0,
        read_timeout: float = 2.0,
    ) -> None:
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError("expected an http:// or https:// URL")
        super().__init__(
            lookup_fields={"username", "email"},
            columns={**COLUMNS[contract], **(columns or {})},
            normalize=normalize,
            reconnect_budget=connect_timeout,
        )
        self.verifies_passwords = True
        self._contract = contract
        self._https = parsed.scheme == "https"
        self._host = parsed.hostname
        self._port = parsed.port
        self._where = f"{self._host}:{self._port or (443 if self._https else 80)}"  # named by outage messages
        self._path = parsed.path.rstrip("/")
        self._auth = auth or (lambda: None)
        self._tls = ssl.create_default_context(cafile=ca_file) if self._https else None
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._nobody = f"cognito-migrate-nobody-{uuid.uuid4().hex}"  # the name spend_check asks for
        # one GET answers both lookup fields: the last answer, kept for the rest of its invocation (its deadline)
        self._seen: tuple[Deadline, str, list[dict[str, Any]]] | None = None

    def notes(self) -> list[str]:
        """An API reached without TLS beyond this machine: every password checked crosses the network in clear."""
        from cognito_migrate.hosts import is_loopback  # config validate only: not on the trigger's path

        if self._https or is_loopback(self._host):
            return []
        return [
            f"the legacy API at {self._where} is reached over http://: the token and every "
            "password checked cross the network in clear; use https://"
        ]

    # --------------------------------------------------------------------------------- the steps

    def _lookup(self, field: LoginField, key: str, deadline: Deadline) -> Sequence[Mapping[str, Any]]:
        seen = self._seen
        if seen is None or seen[0] is not deadline or seen[1] != key:
            seen = self._seen = (deadline, key, self._get_user(key, deadline))
        rows = seen[2]
        column = self.column_roles.get(field)
        # the API answers by name or e-mail: keep the user only for the field the name actually equals
        # (compared caselessly; the pool's case rule is applied by the mapping afterwards)
        return rows_equal_to(rows, column, key)

    def _verify_password(self, user: LegacyUser, password: str, deadline: Deadline) -> bool:
        if self._contract == "keycloak":
            status, body = self._request("POST", self._user_path(user.username), {"password": password}, deadline)
        else:
            payload = {"username": user.username, "password": password}
            status, body = self._request("POST", f"{self._path}/verify", payload, deadline)
        if status in _WRONG_PASSWORD:
            return False
        if status != 200:
            raise LegacyUnavailableError(f"legacy API answered the password check with HTTP {status}")
        if self._contract == "keycloak":
            return True  # keycloak-user-migration: 200 means the password is right, whatever the body
        valid = _json_object(body, "password check").get("valid")
        if not isinstance(valid, bool):
            raise LegacyUnavailableError("legacy API's password check has no boolean 'valid'")
        return valid

    def _spend_verification(self, password: str, deadline: Deadline) -> None:
        # The password check itself, for a name nobody has and a random password (the typed one is sent
        # nowhere): the same endpoint as a known name's check, so an API whose checks fail while its lookups
        # work fails both the same way (an outage), and an unknown name cannot be told by the answer.
        from cognito_migrate.models import LegacyUser

        self._verify_password(LegacyUser(username=self._nobody, credential=None), secrets.token_urlsafe(16), deadline)

    def _batches(self, batch_size: int) -> Iterator[Sequence[Mapping[str, Any]]]:
        raise StoreCapabilityError(
            "an http store cannot be audited: neither contract lists users (audit reads sql, ldap, file and "
            "cognito stores)"
        )

    def _columns(self, field: LoginField, deadline: Deadline) -> list[str] | None:
        self._get_user(self._nobody, deadline)  # proves the API answers (and answers 404 for nobody)
        return None  # the fields a user has are known only from a real user

    # ------------------------------------------------------------------------------------ the wire

    def _user_path(self, login: str) -> str:
        quoted = urllib.parse.quote(login, safe="")
        return f"{self._path}/{quoted}" if self._contract == "keycloak" else f"{self._path}/users/{quoted}"

    def _get_user(self, login: str, deadline: Deadline) -> list[dict[str, Any]]:
        status, body = self._request("GET", self._user_path(login), None, deadline)
        if status == 404:
            return []
        if status in (401, 403):  # the store's own credentials, not the user's: an operator must fix them
            raise LegacyUnavailableError(
                f"the legacy API at {self._where} refused the store's credentials (HTTP {status}): check "
                "[store.http] token, or username and password"
            )
        if status != 200:
            raise LegacyUnavailableError(f"legacy API answered the lookup with HTTP {status}")
        row = _flatten(_json_object(body, "lookup"))
        for column in self.column_roles.values():
            row.setdefault(column, None)  # a JSON user leaves out what it does not have: absent is empty
        return [row]

    def _request(self, method: str, path: str, payload: dict[str, str] | None, deadline: Deadline) -> tuple[int, bytes]:
        """One request on a new connection; (status, body). Any transport failure is an outage."""
        headers = {"Accept": "application/json", "User-Agent": "cognito-migrate"}
        authorization = self._auth()
        if authorization:
            headers["Authorization"] = authorization
        body = None
        if payload is not None:
            body = json.dumps(payload).encode("utf-8")
            headers["Content-Type"] = "application/json"
        total = deadline.timeout()
        if total <= 0:
            raise LegacyUnavailableError("deadline spent before the legacy API answered")
        conn = self._connection(deadline.timeout(self._connect_timeout))
        # the watchdog bounds the whole exchange (connect, TLS, headers, a body that drips): at the deadline it
        # shuts the socket, and the blocked read fails or ends at once
        sockets: list[socket.socket] = []
        watchdog = threading.Timer(total, _shut, (conn, sockets))
        watchdog.daemon = True
        watchdog.start()
        try:
            conn.connect()
            if conn.sock is not None:
                sockets.append(conn.sock)  # kept: a response that closes the connection takes conn.sock away
                conn.sock.settimeout(deadline.timeout(self._read_timeout) or 0.001)
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read(MAX_BODY + 1)
            complete = response.length in (None, 0)
        except (OSError, http.client.HTTPException) as exc:
            what = "timed out" if deadline.expired or isinstance(exc, TimeoutError) else _reason(exc)
            raise LegacyUnavailableError(f"the legacy API at {self._where} failed ({what})") from None
        finally:
            watchdog.cancel()
            conn.close()
        if deadline.expired or not complete:
            raise LegacyUnavailableError(f"the legacy API at {self._where} failed (timed out)")
        if len(data) > MAX_BODY:
            raise LegacyUnavailableError("legacy API answered more than 1 MiB")
        if 300 <= response.status < 400:
            raise LegacyUnavailableError(f"legacy API answered with a redirect (HTTP {response.status}), not followed")
        return response.status, data

    def _connection(self, timeout: float) -> http.client.HTTPConnection:
        if self._https:
            return http.client.HTTPSConnection(self._host, self._port, timeout=timeout, context=self._tls)
        return http.client.HTTPConnection(self._host, self._port, timeout=timeout)


def basic_auth(user: str, password: str) -> str:
    """The ``Authorization`` value of HTTP basic authentication."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


# the transport failures an operator can act on, by their kind; any other is named by its class
_REASONS: tuple[tuple[type[BaseException], str], ...] = (
    (ConnectionRefusedError, "connection refused"),
    (ConnectionResetError, "connection reset"),
    (ssl.SSLCertVerificationError, "certificate verify failed"),
    (socket.gaierror, "host name not found"),
)


def _reason(exc: BaseException) -> str:
    """A short reason without values from the request (no URL path, no body)."""
    return next((text for kind, text in _REASONS if isinstance(exc, kind)), type(exc).__name__)


def _shut(conn: http.client.HTTPConnection, sockets: list[socket.socket]) -> None:
    for sock in (conn.sock, *sockets):
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                continue


def _json_object(body: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(body)
    except ValueError:
        raise LegacyUnavailableError(f"legacy API's {what} answer is not JSON") from None
    if not isinstance(value, dict):
        raise LegacyUnavailableError(f"legacy API's {what} answer is not a JSON object")
    return value


def _flatten(user: dict[str, Any]) -> dict[str, Any]:
    """The user as a row: top-level values as they are, ``attributes`` as ``attributes.<name>`` (a
    keycloak-style list of values becomes its one value, or the values joined by commas)."""
    row = {k: v for k, v in user.items() if k != "attributes"}
    attributes = user.get("attributes")
    if isinstance(attributes, dict):
        for name, value in attributes.items():
            row[f"attributes.{name}"] = ",".join(str(v) for v in value) if isinstance(value, list) else value
    return row

"""The LDAP store: users live in an LDAP directory (OpenLDAP, Active Directory, 389 DS...), read with ldap3.

A search account (``bind_dn``) finds the user's entry with a configured filter template (``user_filter``,
``email_filter``, ``phone_filter``; the typed name is escaped per RFC 4515, so it is always one literal
value). The password is then checked one of two ways (``verify``):

``bind``
    the directory checks it: a simple bind as the entry's DN with the typed password, on a connection kept
    for binds only. Whatever hash the directory stores works. An empty password, or an empty DN, is refused
    before anything is sent: an anonymous or unauthenticated bind succeeds on many servers and never counts.
    An unknown user costs the same one bind, against a DN that does not exist and with a random password
    (the typed one goes nowhere it would not go for a real check).
``hash``
    the search account reads ``userPassword`` and the hash catalogue verifies it (``{SSHA}``, ``{CRYPT}``,
    ...) like a SQL row's hash; the directory never sees the password.

Account state comes from the entry: OpenLDAP's ppolicy (``pwdAccountLockedTime``, ``pwdReset``) and Active
Directory's ``userAccountControl`` (with ``msDS-User-Account-Control-Computed``), ``lockoutTime``,
``pwdLastSet`` and ``accountExpires`` (:func:`directory_state`).

Every network step is bounded by the invocation's deadline: a connection by ``connect_timeout``, each
read by ``read_timeout``, the whole step by the time left (a watchdog shuts the socket of a server that
accepts and never answers). A server that is down, slow or refuses the search account is an outage
(LEGACY_UNAVAILABLE), never "not found" and never a wrong password.

ldap3 (the ``ldap`` extra) is imported only when the store is built.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets as random
import socket
import ssl
import threading
import urllib.parse
import uuid
from typing import TYPE_CHECKING, Any, Final

from cognito_migrate.errors import BackendNotAvailableError, LegacyUnavailableError, MalformedRecordError
from cognito_migrate.models import Deadline
from cognito_migrate.stores.base import ConnectionLost, UserStore
from cognito_migrate.stores.ldap_filters import every_user, fill, is_under, rdn_value
from cognito_migrate.stores.rows import GROUP_COLUMNS, RowReader
from cognito_migrate.stores.watchdog import WATCHDOG

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence

    from cognito_migrate.mapping.identity import LoginField
    from cognito_migrate.models import LegacyUser
    from cognito_migrate.stores import LdapVerify

COLUMNS: Final[Mapping[str, tuple[str, ...]]] = {
    "username": ("uid", "sAMAccountName"),
    "email": ("mail",),
    "phone_number": ("mobile", "telephoneNumber"),
}
"""Column roles to attributes, the first present wins: fits ``inetOrgPerson`` and Active Directory users.
``[store] columns`` replaces a role's list with its one attribute."""

PROFILE: Final[Mapping[str, str]] = {"given_name": "givenName", "family_name": "sn", "name": "cn"}
"""Cognito attributes filled from the entry when ``[mapping] attributes`` is empty."""

PASSWORD_ATTRIBUTE: Final = "userPassword"

STATE_ATTRIBUTES: Final = (
    "userAccountControl",
    "msDS-User-Account-Control-Computed",
    "lockoutTime",
    "pwdLastSet",
    "accountExpires",
    "pwdAccountLockedTime",
    "pwdReset",
)
"""Read with every entry: a server that does not know an attribute leaves it out, and it counts as absent."""

# Active Directory's userAccountControl flags (MS-ADTS 2.2.16)
ACCOUNTDISABLE: Final = 0x2
LOCKOUT: Final = 0x10
PASSWORD_EXPIRED: Final = 0x800000
_NEVER: Final = (0, 0x7FFFFFFFFFFFFFFF)  # accountExpires values that mean "never"
_FILETIME_EPOCH: Final = dt.datetime(1601, 1, 1, tzinfo=dt.UTC)
# AD's invalidCredentials sub-codes ("data 773") that are sent only after a correct password
_AD_PASSWORD_RIGHT_MUST_CHANGE: Final = ("data 532,", "data 773,")

_INVALID_CREDENTIALS: Final = 49
_SIZE_LIMIT_EXCEEDED: Final = 4
_NO_SUCH_OBJECT: Final = 32
_PAGED_RESULTS: Final = "1.2.840.113556.1.4.319"


def directory_state(row: Mapping[str, Any], now: dt.datetime | None = None) -> tuple[bool, bool, bool]:
    """(disabled, locked_out, must_change_password) from an entry's account-state attributes.

    - ``userAccountControl`` (or the computed one, which AD keeps current): ACCOUNTDISABLE is disabled,
      LOCKOUT is locked out, PASSWORD_EXPIRED is must change;
    - ``lockoutTime`` above 0: locked out (AD leaves it set after the lockout duration until the next
      logon; the computed flags are exact);
    - ``pwdLastSet`` = 0: "user must change password at next logon";
    - ``accountExpires`` in the past (not 0 nor the "never" value): disabled;
    - ppolicy ``pwdAccountLockedTime`` present: locked out; ``pwdReset`` TRUE: must change.
    """
    flags = _integer(row, "userAccountControl") | _integer(row, "msDS-User-Account-Control-Computed")
    expires = _integer(row, "accountExpires")
    expired = expires not in _NEVER and _FILETIME_EPOCH + dt.timedelta(microseconds=expires // 10) <= (
        now or dt.datetime.now(dt.UTC)
    )
    disabled = bool(flags & ACCOUNTDISABLE) or expired
    locked = bool(flags & LOCKOUT) or _integer(row, "lockoutTime") > 0 or _get(row, "pwdAccountLockedTime") is not None
    reset = _get(row, "pwdReset")
    must_change = (
        bool(flags & PASSWORD_EXPIRED)
        or _get(row, "pwdLastSet") in ("0", 0)
        or (isinstance(reset, str) and reset.upper() == "TRUE")
    )
    return disabled, locked, must_change


def _get(row: Mapping[str, Any], name: str) -> Any:
    if name in row:
        return row[name]
    lowered = name.lower()
    return next((value for key, value in row.items() if key.lower() == lowered), None)


def _integer(row: Mapping[str, Any], name: str) -> int:
    value = _get(row, name)
    if value is None or value == "":
        return 0
    try:
        return int(value)
    except (TypeError, ValueError):
        raise MalformedRecordError(name, "expected an integer") from None


class LdapRowReader(RowReader):
    """Reads an entry: each role from the first of its attributes the entry has, then the account state."""

    def __init__(self, columns: Mapping[str, Sequence[str]], *, group_base: str | None = None) -> None:
        self._alternatives = {role: tuple(names) for role, names in columns.items()}
        self._group_base = group_base
        super().__init__({role: names[0] for role, names in self._alternatives.items()})

    def read(self, row: Mapping[str, Any]) -> LegacyUser:
        user = super().read(row)
        disabled, locked, must_change = directory_state(row)
        return user._replace(
            disabled=user.disabled or disabled,
            locked_out=user.locked_out or locked,
            must_change_password=user.must_change_password or must_change,
        )

    def groups(self, row: Mapping[str, Any]) -> tuple[str, ...]:
        """The group names of the ``groups`` / ``roles`` attributes (every value): a DN (``memberOf``) gives
        its first RDN's value (``cn=Staff,ou=groups,...`` is ``Staff``), any other value is the name.

        With ``group_base`` (``group_base_dn``), only DNs below it count: a group's name is its first RDN
        alone, and a group of the same name elsewhere (an OU whose administrators are not yours) must not
        earn the Cognito group that name maps to."""
        names: list[str] = []
        for role in GROUP_COLUMNS:
            values = self._value(row, role)
            if values is None:
                continue
            for value in values if isinstance(values, list) else [values]:
                if not isinstance(value, str):
                    raise MalformedRecordError(self._columns[role], "expected group names or DNs as text")
                if self._group_base is not None and "=" in value and not is_under(value, self._group_base):
                    continue
                names.append(rdn_value(value))
        return tuple(dict.fromkeys(n for n in names if n))

    def _value(self, row: Mapping[str, Any], role: str) -> Any:
        for name in self._alternatives.get(role, ()):
            value = _get(row, name)
            if value is not None:
                return value
        return None


def ad_password_right(message: str) -> bool:
    """Whether an invalidCredentials answer of Active Directory says the password was right but must change
    (sub-codes 532, expired, and 773, must reset: AD sends them only after checking the password)."""
    return any(code in message for code in _AD_PASSWORD_RIGHT_MUST_CHANGE)


def _ldap3() -> Any:
    try:
        import ldap3
    except ImportError:
        raise BackendNotAvailableError("an ldap legacy store", "ldap") from None
    return ldap3


class LdapUserStore(UserStore):
    """A directory reached with ldap3: a search connection (bound as ``bind_dn``) and, in bind mode, a
    connection for the users' binds; both kept for the container's life and re-opened once when broken.

    ``filters`` maps each lookup field to its template; ``columns`` maps roles to attributes (the first
    present wins); ``attributes`` are more attributes to read (what ``[mapping] attributes`` names).
    ``bind_password`` is a function: a secret reference is resolved at the first bind, not at start-up;
    ``forget_secret`` drops it after the directory refused it, so a rotated password is read again.
    """

    def __init__(
        self,
        url: str,
        *,
        bind_dn: str,
        bind_password: Callable[[], str],
        base_dn: str,
        filters: Mapping[LoginField, str],
        verify: LdapVerify = "bind",
        start_tls: bool = False,
        ca_file: str | None = None,
        columns: Mapping[str, Sequence[str]] | None = None,
        attributes: Sequence[str] = (),
        group_filter: str | None = None,
        group_base_dn: str | None = None,
        normalize: str = "none",
        connect_timeout: float = 2.0,
        read_timeout: float = 2.0,
        forget_secret: Callable[[], None] | None = None,
    ) -> None:
        ldap3 = _ldap3()
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("ldap", "ldaps") or not parsed.hostname:
            raise ValueError("expected an ldap:// or ldaps:// URL")
        if start_tls and parsed.scheme == "ldaps":
            raise ValueError("start_tls is for ldap:// URLs; an ldaps:// URL is TLS from the first byte")
        if not bind_dn.strip() or not base_dn.strip():
            raise ValueError("bind_dn and base_dn must not be empty")
        roles: dict[str, tuple[str, ...]] = {**COLUMNS, **{k: tuple(v) for k, v in (columns or {}).items()}}
        if verify == "hash":
            roles.setdefault("password_hash", (PASSWORD_ATTRIBUTE,))
        super().__init__(
            lookup_fields=set(filters),
            rows=LdapRowReader(roles, group_base=group_base_dn),
            normalize=normalize,
            reconnect_budget=connect_timeout,
        )
        self.verifies_passwords = verify == "bind"
        self._ldap3 = ldap3
        self._filters = dict(filters)
        self._base_dn = base_dn
        self._bind_dn = bind_dn
        self._bind_password = bind_password
        self._forget = forget_secret or (lambda: None)
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._start_tls = start_tls
        self._host = parsed.hostname
        self._port = parsed.port or (636 if parsed.scheme == "ldaps" else 389)
        tls = None
        if parsed.scheme == "ldaps" or start_tls:
            tls = ldap3.Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=ca_file, sni=parsed.hostname)
        self._server = ldap3.Server(
            parsed.hostname, port=self._port, use_ssl=parsed.scheme == "ldaps", tls=tls, get_info=ldap3.NONE
        )
        names = [n for names in roles.values() for n in names]
        self._attributes = list(dict.fromkeys([*names, *attributes, *STATE_ATTRIBUTES]))
        # the attributes read with every value (groups); every other attribute gives its first value
        self._lists = {n.lower() for role in GROUP_COLUMNS for n in roles.get(role, ())}
        self._group_filter = group_filter
        self._group_base = group_base_dn or base_dn
        self._search: Any = None  # the search account's connection
        self._binds: Any = None  # the connection that only ever carries users' binds
        self._nobody = f"cn={ldap3.utils.dn.escape_rdn('cognito-migrate-nobody-' + random.token_hex(8))},{base_dn}"

    def notes(self) -> list[str]:
        """A directory reached without TLS beyond this machine: what crosses the network in clear."""
        from cognito_migrate.hosts import is_loopback  # config validate only: not on the trigger's path

        if self._server.ssl or self._start_tls or is_loopback(self._host):
            return []
        sent = "users' passwords (each bind)" if self.verifies_passwords else "the password hashes it reads"
        return [
            f"the directory at {self.where} is reached without TLS: the search account's password and {sent} "
            "cross the network in clear; use ldaps:// or start_tls"
        ]

    @property
    def where(self) -> str:
        """``host:port`` of the directory, for messages."""
        return f"{self._host}:{self._port}"

    # --------------------------------------------------------------------------------- the steps

    def _lookup(self, field: LoginField, key: str, deadline: Deadline) -> Sequence[Mapping[str, Any]]:
        escaped = self._ldap3.utils.conv.escape_filter_chars(key)
        return self._find(fill(self._filters[field], escaped), deadline, limit=2)

    def _sample(self, deadline: Deadline) -> Mapping[str, Any] | None:
        if self.verifies_passwords:
            return None  # bind mode reads no hash: rejections cost a bind, not a local verification
        filter_ = f"(&{every_user(self._filters['username'])}({PASSWORD_ATTRIBUTE}=*))"
        rows = self._find(filter_, deadline, limit=1)
        return rows[0] if rows else None

    def _columns(self, field: LoginField, deadline: Deadline) -> list[str] | None:
        # proves the search account binds and base_dn exists; which attributes a user has, only a user tells
        self._lookup(field, "cognito-migrate-nobody", deadline)
        return None

    def _groups(self, user: LegacyUser, deadline: Deadline) -> Sequence[str]:
        if self._group_filter is None:
            return ()
        dn = user.profile.get("dn")
        if not isinstance(dn, str) or not dn:
            return ()
        escape = self._ldap3.utils.conv.escape_filter_chars
        filter_ = fill(self._group_filter, escape(user.username), dn=escape(dn))
        rows = self._find(filter_, deadline, limit=1000, base=self._group_base, attributes=["cn"])
        return [row["cn"] for row in rows if isinstance(row.get("cn"), str)]

    def _verify_password(self, user: LegacyUser, password: str, deadline: Deadline) -> bool:
        dn = user.profile.get("dn")
        if not password or not isinstance(dn, str) or not dn.strip():
            return False  # never an anonymous or unauthenticated bind: refused before anything is sent
        accepted, message = self._bind_as(dn, password, deadline)
        if not accepted and ad_password_right(message):
            # the password is right, but AD wants it changed: migrate only a user the entry also says must change
            return user.must_change_password
        return accepted

    def _spend_verification(self, password: str, deadline: Deadline) -> None:
        self._bind_as(self._nobody, random.token_urlsafe(max(len(password), 8)), deadline)

    def _batches(self, batch_size: int) -> Iterator[Sequence[Mapping[str, Any]]]:
        conn = self._open(Deadline(self._connect_timeout + 30), bind=True)
        try:
            cookie: Any = None
            while True:
                deadline = Deadline(max(self._read_timeout, 30.0))  # one page; audit is not the trigger
                rows = self._search_page(conn, every_user(self._filters["username"]), deadline, batch_size, cookie)
                if rows[0]:
                    yield rows[0]
                cookie = rows[1]
                if not cookie:
                    return
        finally:
            conn.unbind()

    def _count(self) -> int | None:
        conn = self._open(Deadline(self._connect_timeout + 30), bind=True)
        total, cookie = 0, None
        try:
            while True:
                rows, cookie = self._search_page(
                    conn, every_user(self._filters["username"]), Deadline(30.0), 1000, cookie, attributes=["1.1"]
                )
                total += len(rows)
                if not cookie:
                    return total
        finally:
            conn.unbind()

    def _disconnect(self) -> None:
        for conn in (self._search, self._binds):
            if conn is not None:
                _close(conn)
        self._search = self._binds = None

    # ------------------------------------------------------------------------------------ the wire

    def _find(
        self,
        filter_: str,
        deadline: Deadline,
        *,
        limit: int,
        base: str | None = None,
        attributes: list[str] | None = None,
    ) -> list[dict[str, Any]]:
        fresh = self._search is None
        if fresh:
            self._search = self._open(deadline, bind=True)
        rows, _ = self._search_page(
            self._search, filter_, deadline, None, None, limit=limit, fresh=fresh, base=base, attributes=attributes
        )
        return rows

    def _search_page(
        self,
        conn: Any,
        filter_: str,
        deadline: Deadline,
        page: int | None,
        cookie: Any,
        *,
        limit: int = 0,
        attributes: list[str] | None = None,
        fresh: bool = True,
        base: str | None = None,
    ) -> tuple[list[dict[str, Any]], Any]:
        """One search (one page of a paged one): the entries as rows, and the next page's cookie."""
        ldap3 = self._ldap3
        wanted = self._attributes if attributes is None else attributes
        time_limit = max(1, int(deadline.timeout()) + 1)  # the server's own limit, whole seconds
        with self._bounded(conn, deadline, fresh=fresh):
            conn.search(
                base or self._base_dn,
                filter_,
                search_scope=ldap3.SUBTREE,
                dereference_aliases=ldap3.DEREF_NEVER,
                attributes=wanted,
                size_limit=limit,
                time_limit=time_limit,
                paged_size=page,
                paged_cookie=cookie,
            )
        result = conn.result or {}
        code = result.get("result")
        if code == _NO_SUCH_OBJECT:
            key = "base_dn" if base is None else "group_base_dn"
            raise LegacyUnavailableError(f"store.ldap.{key} {base or self._base_dn!r} does not exist on {self.where}")
        if code not in (0, _SIZE_LIMIT_EXCEEDED):
            raise LegacyUnavailableError(f"the directory refused the search ({result.get('description', code)})")
        rows = [self._row(entry, wanted) for entry in conn.response or () if entry.get("type") == "searchResEntry"]
        controls = result.get("controls") or {}
        next_cookie = controls.get(_PAGED_RESULTS, {}).get("value", {}).get("cookie") if page else None
        return rows, next_cookie

    def _bind_as(self, dn: str, password: str, deadline: Deadline) -> tuple[bool, str]:
        """One simple bind on the binds-only connection: (accepted, the server's diagnostic message)."""
        fresh = self._binds is None
        if fresh:
            self._binds = self._open(deadline, bind=False)
        conn = self._binds
        # the UTF-8 bytes as typed: ldap3 would SASLprep a str (NFKC, some characters removed), sending another
        # password than the one the directory stores, and raising for some (private use, mixed direction)
        # before anything is sent, which would answer "unavailable" for a known user and "rejected" for others
        conn.user, conn.password = dn, password.encode("utf-8")
        try:
            with self._bounded(conn, deadline, fresh=fresh):
                accepted = conn.bind(read_server_info=False)
        finally:
            _forget_password(conn)
        result = conn.result or {}
        code = result.get("result")
        if accepted and code == 0:
            return True, ""
        if code == _INVALID_CREDENTIALS:
            return False, str(result.get("message") or "")
        raise LegacyUnavailableError(f"the directory did not answer the bind ({result.get('description', code)})")

    def _open(self, deadline: Deadline, *, bind: bool) -> Any:
        """A new connection (TCP, TLS or StartTLS, and for ``bind`` the search account's bind); outage on failure."""
        ldap3 = self._ldap3
        if deadline.expired:
            raise LegacyUnavailableError("deadline spent before the directory answered")
        self._server.connect_timeout = max(deadline.timeout(self._connect_timeout), 0.001)
        conn = ldap3.Connection(
            self._server,
            user=self._bind_dn if bind else None,
            password=self._bind_password() if bind else None,
            authentication=ldap3.SIMPLE,
            auto_bind=ldap3.AUTO_BIND_NONE,
            client_strategy=ldap3.SYNC,
            read_only=True,
            raise_exceptions=False,
            auto_referrals=False,
            receive_timeout=None,  # set on the socket per step, from the deadline
        )
        ok = False
        try:
            with self._bounded(conn, deadline, fresh=True):
                conn.open(read_server_info=False)
                # ldap3 answers False, without raising, when it did not start TLS: never go on in clear
                if self._start_tls and not conn.start_tls(read_server_info=False):
                    raise LegacyUnavailableError(f"StartTLS did not start on {self.where}")
                if bind and not conn.bind(read_server_info=False):
                    result = conn.result or {}
                    if result.get("result") == _INVALID_CREDENTIALS:
                        self._forget()
                        raise LegacyUnavailableError(
                            f"the directory at {self.where} refused the search account's bind (invalidCredentials): "
                            "check store.ldap.bind_dn and store.ldap.bind_password"
                        )
                    raise LegacyUnavailableError(
                        f"the search account's bind failed on {self.where} ({result.get('description')})"
                    )
            ok = True
        finally:
            _forget_password(conn)  # the search account's too: a reconnect resolves it again
            if not ok:
                _close(conn)
        return conn

    def _bounded(self, conn: Any, deadline: Deadline, *, fresh: bool) -> _Bounded:
        return _Bounded(self, conn, deadline, fresh=fresh)

    def _row(self, entry: Mapping[str, Any], wanted: Sequence[str]) -> dict[str, Any]:
        """An entry as a row: ``dn`` and each wanted attribute by its configured name (first value, decoded;
        None when the entry has none)."""
        raw = {name.lower(): values for name, values in (entry.get("raw_attributes") or {}).items()}
        row: dict[str, Any] = {"dn": entry.get("dn")}
        for name in wanted:
            values = raw.get(name.lower()) or ()
            if name.lower() in self._lists:
                row[name] = [decode_value(name, v) for v in values] or None
            else:
                row[name] = decode_value(name, values[0]) if values else None
        return row

    def _dropped(self, conn: Any) -> None:
        """``conn`` broke or timed out: forget it (the next step opens a new one)."""
        _close(conn)
        if conn is self._search:
            self._search = None
        if conn is self._binds:
            self._binds = None


class _Bounded:
    """A step on ``conn``: each read bounded by the read timeout, the whole step by the deadline (a watchdog
    shuts the socket then); ldap3's failures become an outage, or :class:`ConnectionLost` when a kept
    connection broke (the base re-opens it once)."""

    def __init__(self, store: LdapUserStore, conn: Any, deadline: Deadline, *, fresh: bool) -> None:
        self._store, self._conn, self._deadline, self._fresh = store, conn, deadline, fresh
        self._fired = threading.Event()
        self._alarm: int | None = None

    def _fire(self) -> None:
        self._fired.set()
        sock = getattr(self._conn, "socket", None)
        if sock is not None:
            with contextlib.suppress(OSError):  # already closed: nothing left to end
                sock.shutdown(socket.SHUT_RDWR)  # the blocked read ends at once

    def __enter__(self) -> None:
        if self._deadline.expired:
            raise LegacyUnavailableError("deadline spent before the directory answered")
        sock = getattr(self._conn, "socket", None)
        if sock is not None:
            sock.settimeout(max(self._deadline.timeout(self._store._read_timeout), 0.001))
        self._alarm = WATCHDOG.arm(self._deadline.timeout(), self._fire)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if self._alarm is not None:
            WATCHDOG.disarm(self._alarm)
        errors = self._store._ldap3.core.exceptions
        if exc is None and not self._fired.is_set():
            return
        if isinstance(exc, LegacyUnavailableError):
            return  # already worded
        self._store._dropped(self._conn)
        if self._fired.is_set() or self._deadline.expired or isinstance(exc, TimeoutError) or "timed out" in str(exc):
            raise LegacyUnavailableError(f"the directory at {self._store.where} did not answer in time") from None
        where = self._store.where
        if isinstance(exc, errors.LDAPSocketOpenError | errors.LDAPStartTLSError):
            raise LegacyUnavailableError(f"cannot reach the directory at {where} ({_reason(exc)})") from None
        if isinstance(exc, errors.LDAPCommunicationError | OSError) and not self._fresh:
            raise ConnectionLost(type(exc).__name__) from None
        if isinstance(exc, Exception):  # any other failure of the client library: fail closed
            raise LegacyUnavailableError(f"the directory at {where} failed ({_reason(exc)})") from None


# ldap3's words where they would puzzle an operator: "invalid server address" is a host name DNS cannot resolve
_RENAMED: Final = {
    "doesn't match": "certificate does not match the host",
    "invalid server address": "host name not found",
}


def _reason(exc: BaseException) -> str:
    """A short reason without values from the request: the cause's kind, or a known socket message."""
    text = str(exc).lower()
    for known in ("connection refused", "certificate verify failed", "doesn't match", "name or service not known",
                  "no route to host", "network is unreachable", "startTLS failed".lower(),
                  "invalid server address"):  # fmt: skip
        if known in text:
            return _RENAMED.get(known, known)
    return type(exc).__name__


def _forget_password(conn: Any) -> None:
    """Drop the password ldap3 keeps after a bind: on the connection, and in its copy of the last request."""
    conn.password = None
    conn.request = None


def _close(conn: Any) -> None:
    # closing a broken connection may fail in any way; it is gone either way
    with contextlib.suppress(Exception):
        conn.unbind()


def decode_value(name: str, value: bytes) -> str | bytes:
    """One attribute value as text: AD's binary identifiers in their usual string form (``objectGUID`` as a
    GUID, ``objectSid`` as ``S-1-5-21-...``, both stable ids an app may keep in ``custom:legacy_id``),
    anything else as UTF-8; bytes that are not text stay bytes (the mapping refuses them by name)."""
    lowered = name.lower()
    if lowered == "objectguid" and len(value) == 16:
        return str(uuid.UUID(bytes_le=bytes(value)))
    if lowered == "objectsid" and len(value) >= 8 and len(value) == 8 + 4 * value[1]:
        authority = int.from_bytes(value[2:8], "big")
        subs = [int.from_bytes(value[i : i + 4], "little") for i in range(8, len(value), 4)]
        return "-".join(["S", str(value[0]), str(authority), *map(str, subs)])
    try:
        return bytes(value).decode("utf-8")
    except UnicodeDecodeError:
        return bytes(value)

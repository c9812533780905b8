"""Reading one legacy record into a :class:`~cognito_migrate.models.LegacyUser`, whatever store it came from.

A record is a mapping (a SQL row, an LDAP entry's attributes, a JSON object); the configured column roles
(``username``, ``password_hash``, ``email_verified``...) say which of its names holds what. Values are
checked and converted here once, so every store reads booleans, dates and hash parameters the same way.
"""

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any, Final, NamedTuple

from cognito_migrate.errors import MalformedRecordError
from cognito_migrate.models import Credential, LegacyUser

_TRUE: Final = frozenset({"1", "true", "t", "yes", "y", "on"})
_FALSE: Final = frozenset({"0", "false", "f", "no", "n", "off", ""})
_SECRET_COLUMNS: Final = ("password_hash", "salt", "hash_params")
CREDENTIAL_COLUMNS: Final = ("password_hash", "salt", "scheme", "hash_params")
"""The column roles a stored credential is read from (:meth:`RowReader.credential`): a sampled row needs them all."""
GROUP_COLUMNS: Final = ("groups", "roles")
"""The column roles a user's legacy groups are read from (a list, a JSON array text, or comma-separated text)."""


class ResetRule(NamedTuple):
    """Which rows the legacy framework itself sends a password reset, so forgot-password migrates only those.

    ``without_password``: a row with no password (NULL or blank) may reset. ``unusable_prefix``: a stored
    value starting with it marks a password the framework never resets (Django's ``!``).
    """

    without_password: bool
    unusable_prefix: str | None = None


CUSTOM_RESET: Final = ResetRule(without_password=False)
"""Your own queries: the framework is unknown, so a row without a password is not migrated by forgot-password."""


def normalize_login(login: str, how: str) -> str:
    """Apply the store's explicit case rule to the typed name before it is bound to the query.

    ``upper`` maps character by character and keeps characters whose upper case is longer (``ß``), as
    .NET's ``ToUpperInvariant`` (ASP.NET Identity's normalizer) does.
    """
    if how == "lower":
        return login.lower()
    if how == "upper":
        return "".join(u if len(u := c.upper()) == 1 else c for c in login)
    return login


class RowReader:
    """Turns one result row into a :class:`LegacyUser`, using the configured column roles."""

    def __init__(self, columns: Mapping[str, str], *, clock: Any = None, reset_rule: ResetRule = CUSTOM_RESET) -> None:
        self.columns = self._columns = dict(columns)
        self._now = clock or (lambda: dt.datetime.now(dt.UTC))
        self._reset = reset_rule

    def read(self, row: Mapping[str, Any]) -> LegacyUser:
        username = self._value(row, "username")
        if not isinstance(username, str) or not username:
            raise MalformedRecordError(self._columns["username"], "missing or not text")
        hidden = {self._columns[c] for c in _SECRET_COLUMNS if c in self._columns}
        return LegacyUser(
            username=username,
            credential=self.credential(row),
            profile={k: v for k, v in row.items() if k not in hidden},
            email=self._text(row, "email"),
            email_verified=self._flag(row, "email_verified", default=False),
            phone_number=self._text(row, "phone_number"),
            phone_number_verified=self._flag(row, "phone_number_verified", default=False),
            disabled=self._flag(row, "disabled", default=False) or not self._flag(row, "enabled", default=True),
            locked_out=self._flag(row, "locked", default=False) or self._locked_until(row),
            must_change_password=self._flag(row, "must_change_password", default=False),
            resettable=self._resettable(row),
            **self._groups_or_problem(row),
        )

    def _groups_or_problem(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """The row's groups, or no groups and what is wrong with them: a malformed groups column must not
        keep a user who typed the right password out (the groups matter only after Cognito created them)."""
        try:
            return {"groups": self.groups(row)}
        except MalformedRecordError as exc:
            return {"groups": (), "groups_problem": (exc.column, exc.problem)}

    def groups(self, row: Mapping[str, Any]) -> tuple[str, ...]:
        """The legacy group names of the ``groups`` and ``roles`` columns, in order, each once.

        A column holds a list (a JSON API, a PostgreSQL array), a JSON array as text, or names separated
        by commas; names are trimmed and blanks dropped.
        """
        names: list[str] = []
        for role in GROUP_COLUMNS:
            value = self._value(row, role)
            if value is None:
                continue
            if isinstance(value, str):
                text = value.strip()
                if text.startswith("["):
                    try:
                        value = json.loads(text)
                    except ValueError:
                        raise MalformedRecordError(self._columns[role], "not a JSON array") from None
                else:
                    value = text.split(",")
            if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
                raise MalformedRecordError(self._columns[role], "expected group names (a list or comma-separated text)")
            names.extend(v.strip() for v in value)
        return tuple(dict.fromkeys(n for n in names if n))

    def _resettable(self, row: Mapping[str, Any]) -> bool:
        """Whether the legacy framework would send this user a password reset (see :class:`ResetRule`)."""
        raw = self._value(row, "password_hash")
        if isinstance(raw, bytes | bytearray | memoryview):
            raw = bytes(raw).decode("utf-8", "replace")
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return self._reset.without_password
        prefix = self._reset.unusable_prefix
        return not (prefix and isinstance(raw, str) and raw.startswith(prefix))

    def _value(self, row: Mapping[str, Any], role: str) -> Any:
        column = self._columns.get(role)
        if column is None:
            return None
        if column in row:
            return row[column]
        lowered = {k.lower(): k for k in row}
        if column.lower() in lowered:
            return row[lowered[column.lower()]]
        raise MalformedRecordError(column, f"the query does not return this column (role {role})")

    def _text(self, row: Mapping[str, Any], role: str, *, verbatim: bool = False) -> str | None:
        """A text column, trimmed (``verbatim``: exactly as stored); None when NULL or empty."""
        value = self._value(row, role)
        if value is None:
            return None
        if isinstance(value, bytes | bytearray | memoryview):
            try:
                value = bytes(value).decode("utf-8")
            except UnicodeDecodeError:
                raise MalformedRecordError(self._columns[role], "not UTF-8 text") from None
        if not isinstance(value, str):
            raise MalformedRecordError(self._columns[role], f"expected text, got {type(value).__name__}")
        return (value if verbatim else value.strip()) or None

    def _flag(self, row: Mapping[str, Any], role: str, *, default: bool) -> bool:
        value = self._value(row, role)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value != 0
        if isinstance(value, bytes) and len(value) == 1:  # MySQL BIT(1)
            return value != b"\x00"
        if isinstance(value, str):
            lowered = value.strip().lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
        raise MalformedRecordError(self._columns[role], "expected a boolean (true/false, 1/0)")

    def _locked_until(self, row: Mapping[str, Any]) -> bool:
        value = self._value(row, "lockout_end")
        if value is None or not self._flag(row, "lockout_enabled", default=True):
            return False
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value.strip())
            except ValueError:
                raise MalformedRecordError(self._columns["lockout_end"], "not a date and time") from None
        if not isinstance(value, dt.datetime):
            raise MalformedRecordError(self._columns["lockout_end"], "not a date and time")
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)  # Identity stores UTC
        return bool(value > self._now())

    def credential(self, row: Mapping[str, Any]) -> Credential | None:
        """The stored credential exactly as the database holds it: blanks can be part of a plaintext or a
        salt, and a verifier that saw a trimmed value would accept a password the legacy system refused."""
        stored = self._text(row, "password_hash", verbatim=True)
        if stored is None:
            return None
        params: dict[str, Any] = {}
        raw_params = self._value(row, "hash_params")
        if raw_params is not None:
            if isinstance(raw_params, str):
                try:
                    raw_params = json.loads(raw_params)
                except ValueError:
                    raise MalformedRecordError(self._columns["hash_params"], "not a JSON object") from None
            if not isinstance(raw_params, dict):
                raise MalformedRecordError(self._columns["hash_params"], "not a JSON object")
            params.update(raw_params)
        salt = self._value(row, "salt")
        if salt is not None:
            params["salt"] = salt
        return Credential(stored=stored, scheme=self._text(row, "scheme"), params=params)

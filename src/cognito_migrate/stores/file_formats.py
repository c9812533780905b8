"""The export formats a file store reads: how the bytes of a file become records, and a record a row.

A *row* is a flat mapping of names to values that :class:`~cognito_migrate.stores.rows.RowReader` reads with
column roles, as it reads a SQL row (nested JSON objects become ``parent.child`` names). Each format says
where its records are (one per line, an array of objects, CSV), what its rows hold, and its default column
roles; ``[store] columns`` is merged over them.

``auth0``
    Auth0's bulk user export (NDJSON, one user per line) or the bulk-import file (a JSON array of users). The
    hash comes from ``password_hash`` / ``passwordHash`` on the user, from the import format's
    ``custom_password_hash`` (``{"algorithm": "bcrypt", "hash": {"value": "$2b$..."}}``), or from the separate
    password-hash export Auth0 support provides (NDJSON with ``_id.$oid`` and ``passwordHash``), joined on
    the user id's part after ``|``. A user without ``username`` is known by its ``user_id``;
    ``app_metadata.roles`` are the user's legacy roles (Cognito groups with ``[groups]``).
``firebase_json`` / ``firebase_csv``
    ``firebase auth:export`` in JSON (``{"users": [...]}``) and CSV (no header; firebase-tools' column
    order, below). Hashes are Firebase's modified scrypt: the project's parameters come from ``[hashing]``.
``jsonl`` / ``csv``
    Any NDJSON file, or a CSV file whose first line names the columns, read with ``[store] columns``.

Records are kept as their bytes and decoded again at each lookup (a few microseconds): a million parsed
dicts would cost gigabytes, their bytes cost what the file costs. Standard library only.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any, Final, Literal

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

_decode = json.JSONDecoder().decode  # a str line: no encoding detection per line, as json.loads(bytes) does
_raw_decode = json.JSONDecoder().raw_decode

_TOO_DEEP: Final = "nested too deeply"  # the problem of a record whose nesting exceeds Python's recursion limit

Layout = Literal["lines", "json", "csv"]
Parsed = tuple[int, int, int, "dict[str, Any] | str"]
"""One record as a reader yields it: (line number, start, end, the row or the problem that made it unreadable)."""

# firebase-tools' CSV export: no header, one user per line, in this order (and a trailing comma). Older
# exports stop after phoneNumber; the names are those of the JSON export, so both formats share their roles.
FIREBASE_CSV_COLUMNS: Final = (
    "localId", "email", "emailVerified", "passwordHash", "salt", "displayName", "photoUrl",
    "google.rawId", "google.email", "google.displayName", "google.photoUrl",
    "facebook.rawId", "facebook.email", "facebook.displayName", "facebook.photoUrl",
    "twitter.rawId", "twitter.email", "twitter.displayName", "twitter.photoUrl",
    "github.rawId", "github.email", "github.displayName", "github.photoUrl",
    "createdAt", "lastSignedInAt", "phoneNumber", "disabled", "customAttributes",
)  # fmt: skip
_FIREBASE_CSV_MIN: Final = 26  # the exports made before `disabled` and `customAttributes` were added

_FIREBASE_COLUMNS: Final = {
    "username": "localId", "password_hash": "passwordHash", "salt": "salt", "email": "email",
    "email_verified": "emailVerified", "phone_number": "phoneNumber", "disabled": "disabled",
}  # fmt: skip
_AUTH0_COLUMNS: Final = {
    "username": "username", "password_hash": "password_hash", "email": "email", "email_verified": "email_verified",
    "phone_number": "phone_number", "phone_number_verified": "phone_verified", "disabled": "blocked",
    "roles": "app_metadata.roles",  # to Cognito groups with [groups]
}  # fmt: skip

DEFAULT_COLUMNS: Final[Mapping[str, Mapping[str, str]]] = {
    "auth0": _AUTH0_COLUMNS,
    "firebase_json": _FIREBASE_COLUMNS,
    "firebase_csv": _FIREBASE_COLUMNS,
    "jsonl": {},
    "csv": {},
}
"""The column roles each format fills; the generic formats have none (``[store] columns`` names them)."""

DEFAULT_NORMALIZE: Final[Mapping[str, str]] = {
    "auth0": "lower", "firebase_json": "lower", "firebase_csv": "lower", "jsonl": "none", "csv": "none",
}  # fmt: skip
"""The case rule of each format (``[store] normalize`` overrides it): Auth0 and Firebase keep e-mail
addresses and user names in lower case, so a typed name is folded the same way."""



class FileFormat:
    """One format's reader: :meth:`records` walks the file once (at load), :meth:`row` decodes one record again.

    ``data`` is the buffer the records' spans point into: the file itself, or (a JSON array with non-ASCII
    text) a compact copy of each record.
    """

    def __init__(self, name: str, *, extra: Mapping[str, str] | None = None) -> None:
        self.name = name
        self.layout: Layout = "csv" if name in ("csv", "firebase_csv") else "lines"
        self.data: bytes | bytearray = b""
        self._header: tuple[str, ...] = FIREBASE_CSV_COLUMNS if name == "firebase_csv" else ()
        self._extra = extra or {}  # auth0: user id (after "|") -> password hash, from the hash export

    @property
    def header(self) -> tuple[str, ...]:
        """The CSV columns (empty for JSON formats): every row has exactly these names."""
        return self._header

    # ----------------------------------------------------------------------------------------- load

    def records(self, blob: bytes | bytearray) -> Iterator[Parsed]:
        """Every record of the file, in order; a file-level problem (not UTF-8, broken JSON array) raises
        :class:`FileFormatError`, a record-level one is yielded as its problem."""
        self.data = blob
        start = 3 if blob[:3] == b"\xef\xbb\xbf" else 0  # a byte-order mark (files saved by Excel)
        if self.layout == "csv":
            return self._csv_records(blob, start)
        first = _first_char(blob, start)
        if first == ord("[") or (first == ord("{") and self.name == "firebase_json"):
            if self.name == "jsonl":
                raise FileFormatError("line 1: a JSON array or object, not one JSON object per line (jsonl)")
            return self._array_records(blob, start)
        return self._line_records(blob, start)

    def _line_records(self, blob: bytes | bytearray, pos: int) -> Iterator[Parsed]:
        line = 0
        size = len(blob)
        row_of = self._json_row
        while pos < size:
            newline = blob.find(b"\n", pos)
            end = size if newline < 0 else newline + 1
            line += 1
            row = row_of(blob[pos:end])
            if row is not None:
                yield line, pos, end, row
            pos = end

    def _array_records(self, blob: bytes | bytearray, start: int) -> Iterator[Parsed]:
        """A JSON array of users (Auth0's import file) or ``{"users": [...]}`` (Firebase), one user at a time."""
        try:
            text = bytes(blob[start:]).decode("utf-8")
        except UnicodeDecodeError as exc:
            line = blob.count(b"\n", 0, start + exc.start) + 1
            raise FileFormatError(f"line {line}: not UTF-8") from None
        decoder = json.JSONDecoder()
        pos = _skip(text, 0)
        if text.startswith("{", pos):  # {"users": [
            pos = _skip(text, pos + 1)
            if not text.startswith('"users"', pos):
                raise FileFormatError('line 1: expected {"users": [...]} (firebase auth:export)')
            pos = _skip(text, pos + len('"users"'))
            pos = _skip(text, pos + 1) if text.startswith(":", pos) else pos
        if not text.startswith("[", pos):
            raise FileFormatError(f"line {text.count(chr(10), 0, pos) + 1}: expected a JSON array of users")
        ascii_only = text.isascii()  # then a character offset is a byte offset: spans point into the file
        copy = bytearray()
        if not ascii_only:
            self.data = copy
        pos = _skip(text, pos + 1)
        line, counted = 1, 0
        while not text.startswith("]", pos):
            line += text.count("\n", counted, pos)
            counted = pos
            try:
                value, end = decoder.raw_decode(text, pos)
            except (ValueError, RecursionError) as exc:
                problem = _TOO_DEEP if isinstance(exc, RecursionError) else "not valid JSON"
                raise FileFormatError(f"line {line}: {problem} (the array cannot be read past it)") from None
            row = self._row_of(value)
            if ascii_only:
                yield line, start + pos, start + end, row
            else:
                at = len(copy)
                copy += json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
                yield line, at, len(copy), row
            pos = _skip(text, end)
            if text.startswith(",", pos):
                pos = _skip(text, pos + 1)
            elif not text.startswith("]", pos):
                line += text.count("\n", counted, pos)
                raise FileFormatError(f"line {line}: expected ',' or ']' after a user")

    def _csv_records(self, blob: bytes | bytearray, start: int) -> Iterator[Parsed]:
        state = _CsvLines(blob, start)
        reader = csv.reader(state.lines(), strict=True)
        if not self._header:
            try:
                self._header = tuple(next(reader))
            except StopIteration:
                return
            except csv.Error:
                raise FileFormatError("line 1: the header is not valid CSV") from None
        while True:
            first_line, begin = state.line + 1, state.pos
            state.bad = False
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error:
                if state.pos >= len(blob) and state.line > first_line:
                    # A quote never closed took every line after it: their users would be "unknown". Reading on
                    # from the next line could turn a quoted field's text into users; the file is refused instead.
                    raise FileFormatError(
                        f"line {first_line}: a quoted field is never closed (the file cannot be read past it)"
                    ) from None
                yield first_line, begin, state.pos, "not valid CSV"
                continue
            if not fields:
                continue  # a blank line
            yield first_line, begin, state.pos, "not UTF-8" if state.bad else self._csv_row(fields)

    # -------------------------------------------------------------------------------------- lookups

    def row(self, start: int, end: int) -> dict[str, Any]:
        """The row of the record at ``data[start:end]`` (read once already at load, so it reads)."""
        raw = bytes(self.data[start:end])
        row: dict[str, Any] | str | None
        if self.layout == "csv":
            row = self._csv_row(next(csv.reader(io.StringIO(raw.decode("utf-8")), strict=True)))
        else:
            row = self._json_row(raw)
        if not isinstance(row, dict):  # pragma: no cover - the same bytes read at load
            raise FileFormatError(str(row))
        return row

    # ------------------------------------------------------------------------------------- records

    def _json_row(self, raw: bytes | bytearray) -> dict[str, Any] | str | None:
        """One line's row, its problem, or None for a blank line."""
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return "not UTF-8"
        if text.isspace():
            return None
        try:
            try:
                value, end = _raw_decode(text)
                if end != len(text) and not text[end:].isspace():
                    return "not valid JSON"
            except ValueError:
                try:
                    value = _decode(text)  # leading blanks (raw_decode refuses them), or a real error
                except ValueError:
                    return "not valid JSON"
            return self._row_of(value)
        except RecursionError:
            # a few kilobytes of brackets (Auth0's user_metadata is the user's to write): one unreadable line,
            # never an indexing that fails for the whole file
            return _TOO_DEEP

    def _row_of(self, value: Any) -> dict[str, Any] | str:
        if not isinstance(value, dict):
            return "not a JSON object"
        try:
            row = flatten(value)
        except RecursionError:
            return _TOO_DEEP
        if self.name == "auth0":
            _auth0_row(row, self._extra)
        return row

    def _csv_row(self, fields: list[str]) -> dict[str, Any] | str:
        header = self._header
        if self.name == "firebase_csv":
            if len(fields) < _FIREBASE_CSV_MIN:
                return f"{len(fields)} fields; firebase auth:export writes at least {_FIREBASE_CSV_MIN}"
            fields = fields[: len(header)] + [""] * (len(header) - len(fields))
        elif len(fields) != len(header):
            return f"{len(fields)} fields; the header has {len(header)}"
        return dict(zip(header, fields, strict=True))


class FileFormatError(ValueError):
    """The file cannot be read as its format at all (names the line, never a value)."""


def flatten(user: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A JSON object as a row: nested objects become ``parent.child`` names; lists and scalars stay as they are.

    An object without nested objects is its own row (no copy: most lines of a generic file).
    """
    if not prefix and dict not in map(type, user.values()):
        return user
    row: dict[str, Any] = {}
    for key, value in user.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            row.update(flatten(value, f"{name}."))
        else:
            row[name] = value
    return row


def auth0_user_key(user_id: object) -> str | None:
    """The part of an Auth0 ``user_id`` the password-hash export keys its lines by (``auth0|abc`` -> ``abc``)."""
    if not isinstance(user_id, str) or not user_id:
        return None
    return user_id.rsplit("|", 1)[-1]


def read_auth0_hashes(
    blob: bytes | bytearray, hashes: dict[str, str], bad: list[tuple[int, str]], *, step: int = 2000
) -> Iterator[None]:
    """Auth0 support's password-hash export (NDJSON: ``{"_id": {"$oid": ...}, "passwordHash": ...}``) into
    ``hashes`` (user key -> hash), its unreadable lines into ``bad`` (line number, problem); yields every
    ``step`` lines, so that the caller can stop at its deadline and carry on later."""
    for line, raw in enumerate(io.BytesIO(blob), start=1):
        if line % step == 0:
            yield
        try:
            text = raw.decode("utf-8")
            if text.isspace():
                continue
            value, _ = _raw_decode(text.lstrip())
        except ValueError:
            bad.append((line, "not valid JSON"))
            continue
        except RecursionError:
            bad.append((line, _TOO_DEEP))
            continue
        key = stored = None
        if isinstance(value, dict):
            oid = value.get("_id")
            key = oid.get("$oid") if isinstance(oid, dict) else oid
            key = key or auth0_user_key(value.get("user_id"))
            stored = value.get("passwordHash")
        if not isinstance(key, str) or not key or not isinstance(stored, str) or not stored:
            bad.append((line, "no _id.$oid and passwordHash"))
            continue
        hashes[key] = stored


def _auth0_row(row: dict[str, Any], hashes: Mapping[str, str]) -> None:
    """The names an Auth0 user is read by: ``username`` (else ``user_id``) and ``password_hash`` (wherever the
    export put it)."""
    if not row.get("username"):
        row["username"] = row.get("user_id")
    stored = row.get("password_hash") or row.get("passwordHash") or row.get("custom_password_hash.hash.value")
    if not stored and hashes:
        key = auth0_user_key(row.get("user_id"))
        stored = hashes.get(key) if key else None
    row["password_hash"] = stored or None


class _CsvLines:
    """Feeds ``csv.reader`` one line at a time while keeping the offset, so a record's bytes can be found again."""

    def __init__(self, blob: bytes | bytearray, start: int) -> None:
        self.blob = blob
        self.pos = start
        self.line = 0
        self.bad = False  # the current record has bytes that are not UTF-8

    def lines(self) -> Iterator[str]:
        blob, size = self.blob, len(self.blob)
        while self.pos < size:
            newline = blob.find(b"\n", self.pos)
            end = size if newline < 0 else newline + 1
            raw = bytes(blob[self.pos : end])
            self.pos = end
            self.line += 1
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                self.bad = True
                yield raw.decode("utf-8", "replace")


def _first_char(blob: bytes | bytearray, start: int) -> int | None:
    for byte in blob[start : start + 4096]:
        if byte not in b" \t\r\n":
            return byte
    return None


def _skip(text: str, pos: int) -> int:
    """The position of the next character that is not JSON whitespace."""
    size = len(text)
    while pos < size and text[pos] in " \t\r\n":
        pos += 1
    return pos

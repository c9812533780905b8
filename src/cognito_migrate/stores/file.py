"""The file store: users read from an export file (Auth0, Firebase, JSONL, CSV), a local path or an S3 object.

The file is read once per container and indexed by every sign-in field the pool looks users up by (user
name, e-mail, phone number), normalized by the store's case rule, so each lookup is a dictionary access. A
value two users share is kept as both (the base then matches nobody on that field). How each format's
bytes become rows is :mod:`cognito_migrate.stores.file_formats`'s.

Loading is bounded by the invocation's deadline and resumable: it reads and indexes in small steps, and
when less than ``load_reserve`` seconds are left it stops and the invocation is an outage
(LEGACY_UNAVAILABLE, "still loading"); the next invocation of the container carries on where it stopped.
The service runs the load through :meth:`UserStore.prepare` before it times the lookup, so the one-off
load never raises the rejection floor. ``audit`` and ``config validate`` load without a deadline.

A line that cannot be read (not JSON, a CSV row with the wrong number of fields, no user name) is skipped
and counted; its line number, never its content, is reported (stderr once per container, ``config
validate``, ``audit``). A file that holds no readable user, or that cannot be read as its format at all,
is an outage on every call: never "nobody has that name".

An ``s3://bucket/key`` source is read with boto3 (the ``aws`` extra; the Lambda runtime ships it),
imported only for such a URL: its import costs a few hundred milliseconds of CPU once per container, small
beside downloading and indexing the file itself (BENCHMARKS.md), so a hand-signed GET would save little. A
download that breaks is resumed with a range request on the same object version (``If-Match``).
"""

from __future__ import annotations

import contextlib
import os
import sys
from array import array
from typing import TYPE_CHECKING, Any, Final

from cognito_migrate.errors import (
    BackendNotAvailableError,
    CognitoMigrateError,
    LegacyUnavailableError,
    MalformedRecordError,
)
from cognito_migrate.models import Deadline
from cognito_migrate.stores.base import UserStore
from cognito_migrate.stores.file_formats import FileFormat, FileFormatError, read_auth0_hashes
from cognito_migrate.stores.rows import RowReader, normalize_login

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence

    from cognito_migrate.mapping.identity import LoginField
    from cognito_migrate.models import Credential, LegacyUser

_LOCAL_CHUNK: Final = 16 << 20  # bytes read from a local file per step (a few milliseconds)
_S3_CHUNK: Final = 1 << 20  # bytes read from S3 per step
_INDEX_STEP: Final = 2000  # records indexed between two looks at the deadline
_KEPT_PROBLEMS: Final = 10_000  # unreadable lines remembered by number (all of them are counted)
_MAX_NAMES: Final = 2000  # distinct field names collected for `config validate`
_MALFORMED: Final = "\x00cognito-migrate:unreadable"  # the key of an unreadable line's row in a scan


class FileUserStore(UserStore):
    """The users of one export file, indexed in memory by the sign-in fields the pool uses.

    ``columns`` are the column roles (the format's defaults merged with ``[store] columns``);
    ``lookup_fields`` the fields the pool's username model looks up (those without a column are not
    indexed); ``fill`` the names every row must have (mapped attributes: a JSON user leaves out what it does
    not have, and absent is empty); ``hashes`` Auth0 support's password-hash export.
    """

    def __init__(
        self,
        source: FileSource,
        *,
        file_format: str,
        columns: Mapping[str, str],
        lookup_fields: Iterable[LoginField],
        normalize: str = "none",
        fill: Iterable[str] = (),
        hashes: FileSource | None = None,
        load_reserve: float = 0.5,
    ) -> None:
        indexed: dict[LoginField, str] = {f: columns[f] for f in lookup_fields if f in columns}
        super().__init__(lookup_fields=set(indexed), rows=_FileRows(columns), normalize=normalize)
        self._source = source
        self._hashes = hashes
        self._format = FileFormat(file_format)
        self._indexed = indexed
        # a JSON user leaves out what it does not have: every row gets each role's and mapped name (absent is
        # empty); `config validate` is told of all but the credential's, so a file without hashes is reported
        self._fill = tuple(dict.fromkeys([*fill, *columns.values()]))
        self._optional = {*fill, *(c for r, c in columns.items() if r not in _CREDENTIAL)}
        self._reserve = load_reserve
        self._index: dict[LoginField, dict[str, int | tuple[int, int]]] = {field: {} for field in indexed}
        self._starts = array("Q")
        self._ends = array("Q")
        self._names: set[str] = set()
        self._sample_at: int | None = None
        self._problems: list[tuple[int, str]] = []
        self.unreadable = 0
        """How many lines of the file could not be read (skipped)."""
        self._steps: Iterator[None] | None = None
        self._ready = False
        self._broken: str | None = None  # the file cannot be used at all: every call is an outage saying why

    # ---------------------------------------------------------------------------------- the steps

    def _prepare(self, deadline: Deadline) -> bool:
        if self._ready:
            return False
        self._load(deadline)
        return True

    def _lookup(self, field: LoginField, key: str, deadline: Deadline) -> list[dict[str, Any]]:
        self._load(deadline)
        hit = self._index[field].get(key)
        if hit is None:
            return []
        return [self._row(p) for p in ((hit,) if isinstance(hit, int) else hit)]

    def _sample(self, deadline: Deadline) -> dict[str, Any] | None:
        self._load(deadline)
        return None if self._sample_at is None else self._row(self._sample_at)

    def describe(self, deadline: Deadline) -> dict[LoginField, list[str] | None]:
        """``config validate``: the whole file is loaded first, however long it takes (a command, not a
        sign-in); ``deadline`` then bounds the lookups only."""
        with self._lock:
            self._load(None)
        return super().describe(Deadline(max(deadline.remaining(), 1.0)))

    def _columns(self, field: LoginField, deadline: Deadline) -> list[str]:
        self._load(None)  # loaded by describe() already
        names = set(self._format.header) if self._format.header else self._names | self._optional
        return sorted(names)

    def _batches(self, batch_size: int) -> Iterator[list[dict[str, Any]]]:
        with self._lock:
            self._load(None)
        batch: list[dict[str, Any]] = []
        for position in range(len(self._starts)):
            batch.append(self._row(position))
            if len(batch) >= batch_size:
                yield batch
                batch = []
        for line, problem in self._problems:
            batch.append({_MALFORMED: (line, problem)})
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    def _count(self) -> int:
        with self._lock:
            self._load(None)
        return len(self._starts) + len(self._problems)

    def _disconnect(self) -> None:
        """Drop what the sources hold open (an S3 download, its client); the index stays. A load cut short
        resumes from where it stopped (a range request on the same object version)."""
        for source in (self._source, self._hashes):
            if source is not None:
                source.disconnect()

    def notes(self) -> list[str]:
        if not self.unreadable:
            return []
        return [f"{self.unreadable} unreadable line(s) skipped: {_lines(self._problems)}"]

    # ------------------------------------------------------------------------------------- loading

    @property
    def loaded(self) -> bool:
        """Whether the file is read and indexed (lookups no longer load)."""
        return self._ready

    def _load(self, deadline: Deadline | None) -> None:
        """Read and index the file, stopping (an outage) when less than ``load_reserve`` is left; resumable."""
        if self._ready:
            return
        if self._broken is not None:
            raise LegacyUnavailableError(self._broken)
        for source in (self._source, self._hashes):
            while source is not None and not source.complete:
                source.step(deadline)  # at least one step per call: even a short deadline makes progress
                self._check_time(deadline, source.progress())
        self._index_all(deadline)
        if not self._starts:
            self._break(f"the user file holds no readable user ({self.unreadable} unreadable line(s))")
        self._ready = True
        self._steps = None
        if self._format.data is not self._source.data:
            self._source.release()  # the records were copied (a JSON array with non-ASCII text)
        if self._hashes is not None:
            self._hashes.release()  # joined: the hashes live in the format now
        if self.unreadable:
            sys.stderr.write(f"cognito-migrate: user file: {self.notes()[0]}\n")

    def _index_all(self, deadline: Deadline | None) -> None:
        """Run (or resume) the indexing until it is done or the deadline stops it."""
        if self._steps is None:
            self._steps = self._indexing()
        try:
            for _ in self._steps:
                self._check_time(deadline, f"{len(self._starts):,} users indexed")
        except LegacyUnavailableError:
            raise  # out of time: the indexing is suspended, the next call resumes it
        except FileFormatError as exc:
            self._break(f"the user file cannot be read as {self._format.name}: {exc}")
        except Exception as exc:  # noqa: BLE001 - an index cut short would answer "unknown user" for the rest
            self._break(f"the user file could not be indexed ({type(exc).__name__})")

    def _check_time(self, deadline: Deadline | None, progress: str) -> None:
        if deadline is not None and deadline.remaining() < self._reserve:
            raise LegacyUnavailableError(f"the user file is still loading ({progress}); the next sign-in carries on")

    def _break(self, problem: str) -> None:
        self._broken = problem
        self._steps = None
        raise LegacyUnavailableError(problem)

    def _indexing(self) -> Iterator[None]:
        """Walk the records once: keep each readable one's span, index its sign-in fields."""
        if self._hashes is not None:
            extra: dict[str, str] = {}
            bad: list[tuple[int, str]] = []
            yield from read_auth0_hashes(self._hashes.data, extra, bad, step=_INDEX_STEP)
            self._format = FileFormat(self._format.name, extra=extra)
            for line, problem in bad:
                self._skip(line, f"password-hash export: {problem}")
        columns = self._rows.columns
        name_column = columns["username"]
        credential = columns.get("password_hash")
        fields = [(self._index[field], column) for field, column in self._indexed.items()]
        fold, names = self._normalize, self._names
        count = 0
        for line, start, end, row in self._format.records(self._source.data):
            count += 1
            if count % _INDEX_STEP == 0:
                yield
            if isinstance(row, str):
                self._skip(line, row)
                continue
            name = row.get(name_column) if name_column in row else _get(row, name_column)
            if not isinstance(name, str) or not name:
                self._skip(line, f"no {name_column}")
                continue
            position = len(self._starts)
            self._starts.append(start)
            self._ends.append(end)
            if len(names) < _MAX_NAMES:
                names.update(row)
            if self._sample_at is None and credential is not None and _get(row, credential):
                self._sample_at = position
            for index, column in fields:
                value = row[column] if column in row else _get(row, column)
                if value and isinstance(value, str):
                    key = normalize_login(value, fold)
                    seen = index.get(key)
                    if seen is None:
                        index[key] = position
                    elif isinstance(seen, int):
                        index[key] = (seen, position)  # shared: two are enough to know it is ambiguous

    def _skip(self, line: int, problem: str) -> None:
        self.unreadable += 1
        if len(self._problems) < _KEPT_PROBLEMS:
            self._problems.append((line, problem))

    def _row(self, position: int) -> dict[str, Any]:
        row = self._format.row(self._starts[position], self._ends[position])
        for name in self._fill:
            if _get(row, name) is None:
                row.setdefault(name, None)
        return row


_CREDENTIAL: Final = frozenset({"password_hash", "salt", "scheme", "hash_params"})


class _FileRows(RowReader):
    """Reads rows as any store does; an unreadable line listed by ``audit`` comes as its error (line number)."""

    def read(self, row: Mapping[str, Any]) -> LegacyUser:
        if _MALFORMED in row:
            line, problem = row[_MALFORMED]
            raise MalformedRecordError(f"line {line}", problem)
        return super().read(row)

    def credential(self, row: Mapping[str, Any]) -> Credential | None:
        return None if _MALFORMED in row else super().credential(row)


def _get(row: Mapping[str, Any], name: str) -> Any:
    """A row's value by name, ignoring case as the column roles do (a CSV header ``Email``)."""
    if name in row:
        return row[name]
    lowered = name.lower()
    for key, value in row.items():
        if key.lower() == lowered:
            return value
    return None


def _lines(problems: Sequence[tuple[int, str]]) -> str:
    shown = "; ".join(f"line {line}: {problem}" for line, problem in problems[:10])
    return shown + ("; ..." if len(problems) > 10 else "")


# ------------------------------------------------------------------------------------------ sources


class FileSource:
    """The bytes of a file, read in bounded steps (:meth:`step`) into :attr:`data`; resumable after a failure."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.offset = 0
        self.size: int | None = None
        self.complete = False

    def step(self, deadline: Deadline | None = None) -> None:
        """Read the next chunk, waiting at most what ``deadline`` leaves (None: the configured timeouts);
        :class:`LegacyUnavailableError` when the source cannot be read now."""
        raise NotImplementedError

    def progress(self) -> str:
        total = f" of {self.size / 1e6:,.1f}" if self.size is not None else ""
        return f"{self.offset / 1e6:,.1f}{total} MB read"

    def release(self) -> None:
        """Forget the bytes once the records live elsewhere (never while a format still points into them)."""
        self.data = bytearray()

    def disconnect(self) -> None:
        """Drop any connection (the store is closed, or a SnapStart snapshot is about to be taken): the next
        :meth:`step` opens a new one; nothing read is lost."""


class LocalFile(FileSource):
    """A file on the local disk (the Lambda package, a layer, /tmp, EFS)."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def step(self, deadline: Deadline | None = None) -> None:
        try:
            with open(self.path, "rb") as handle:  # noqa: PTH123 - os.path, not pathlib, on the cold path
                if self.size is None:
                    self.size = os.fstat(handle.fileno()).st_size
                    self.data = bytearray(self.size)
                handle.seek(self.offset)
                chunk = min(_LOCAL_CHUNK, self.size - self.offset)
                view = memoryview(self.data)[self.offset : self.offset + chunk]
                with view:
                    read = handle.readinto(view) if chunk else 0
        except OSError as exc:
            raise LegacyUnavailableError(f"cannot read the user file {self.path}: {exc.strerror}") from None
        self.offset += read
        if self.offset >= self.size or not read:
            del self.data[self.offset :]  # a file that shrank while read: what was read
            self.complete = True


class S3Object(FileSource):
    """An object in S3 (``s3://bucket/key``), read with boto3 once per container."""

    def __init__(self, url: str, *, connect_timeout: float = 2.0, read_timeout: float = 2.0) -> None:
        super().__init__()
        self.bucket, self.key = parse_s3_url(url)
        self._timeouts = (connect_timeout, read_timeout)
        self._client: Any = None
        self._client_timeouts: tuple[float, float] | None = None
        self._body: Any = None
        self._etag: str | None = None

    def step(self, deadline: Deadline | None = None) -> None:
        connect, read = self._timeouts
        if deadline is not None:  # the waits together at most what the invocation has left (0.1 s at least each)
            connect, read = (max(t, 0.1) for t in deadline.connect_and_read(connect, read))
        try:
            if self._body is None:
                self._open(connect, read)
            _set_read_timeout(self._body, read)  # a download opened earlier waits no longer than this step may
            chunk = self._body.read(_S3_CHUNK)
        except CognitoMigrateError:
            raise  # ours already: an outage, or boto3 not installed (the message has the pip command)
        except Exception as exc:  # noqa: BLE001 - botocore's errors, a broken socket: all an outage
            self._body = None
            raise LegacyUnavailableError(f"reading s3://{self.bucket}/{self.key} failed ({_error_name(exc)})") from None
        if not chunk:
            self.disconnect()
            if self.offset < (self.size or 0):
                raise LegacyUnavailableError(f"reading s3://{self.bucket}/{self.key} ended early")
            self.complete = True
            return
        self.data[self.offset : self.offset + len(chunk)] = chunk
        self.offset += len(chunk)
        if self.offset >= (self.size or 0):
            self.disconnect()  # read once per container: no client (its credentials, its pool) is kept
            self.complete = True

    def disconnect(self) -> None:
        body, self._body, self._client = self._body, None, None
        if body is not None:
            with contextlib.suppress(Exception):  # a stream that broke already
                body.close()

    def _open(self, connect: float, read: float) -> None:
        timeouts = (max(int(connect * 10) / 10, 0.1), max(int(read * 10) / 10, 0.1))  # a handful of clients at most
        if self._client is None or self._client_timeouts != timeouts:
            self._client, self._client_timeouts = _s3_client(*timeouts), timeouts
        request: dict[str, Any] = {"Bucket": self.bucket, "Key": self.key}
        if self._etag is not None:
            request |= {"Range": f"bytes={self.offset}-", "IfMatch": self._etag}
        try:
            response = self._client.get_object(**request)
        except Exception as exc:  # noqa: BLE001 - see step()
            if _error_name(exc) == "PreconditionFailed":  # the object changed: read the new one from the start
                self._etag, self.offset, self.size = None, 0, None
            raise LegacyUnavailableError(f"cannot read s3://{self.bucket}/{self.key} ({_error_name(exc)})") from None
        if self._etag is None:
            self._etag = response.get("ETag")
            self.size = int(response["ContentLength"])
            self.data = bytearray(self.size)
        self._body = response["Body"]


def parse_s3_url(url: str) -> tuple[str, str]:
    """``s3://bucket/key`` as (bucket, key); ValueError names what is missing."""
    rest = url[len("s3://") :] if url.startswith("s3://") else ""
    bucket, _, key = rest.partition("/")
    if not bucket or not key:
        raise ValueError("expected s3://bucket/key")
    return bucket, key


def open_source(location: str, *, connect_timeout: float = 2.0, read_timeout: float = 2.0) -> FileSource:
    """The source for a configured location: ``s3://bucket/key`` or a local path."""
    if location.startswith("s3://"):
        return S3Object(location, connect_timeout=connect_timeout, read_timeout=read_timeout)
    return LocalFile(location)


def _s3_client(connect_timeout: float, read_timeout: float) -> Any:
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        raise BackendNotAvailableError("a file store on S3", "aws") from None
    # total_max_attempts: botocore's max_attempts counts retries (1 meant a second request after a timeout)
    retries: Any = {"total_max_attempts": 1, "mode": "standard"}
    config = Config(connect_timeout=connect_timeout, read_timeout=read_timeout, retries=retries)
    return boto3.client("s3", config=config)


def _set_read_timeout(body: Any, seconds: float) -> None:
    """Bound each socket read of a download (botocore's StreamingBody over urllib3) by ``seconds``; nothing to bound
    for a body without a socket (an in-memory one)."""
    raw = getattr(getattr(getattr(body, "_raw_stream", None), "_fp", None), "fp", None)
    sock = getattr(getattr(raw, "raw", None), "_sock", None)
    if sock is not None:
        sock.settimeout(seconds)


def _error_name(exc: BaseException) -> str:
    """An AWS error's code (``NoSuchKey``, ``AccessDenied``), else the exception's type name; never a value."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        if isinstance(code, str) and code:
            return code
    return type(exc).__name__

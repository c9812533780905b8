"""The store contract: :class:`UserStore` owns the lookup flow; a backend implements a few small steps.

What every store does the same way, and therefore lives here once:

- the typed sign-in name is normalized by the store's explicit case rule (``normalize``);
- every lookup field the pool's username model gives is looked up, whatever matched (the same steps for
  every sign-in name); in that order, the first field with exactly one match wins, and two matches on a
  field mean no match on it (never pick one at random);
- every step is bounded by the invocation's :class:`~cognito_migrate.models.Deadline`; a step is not
  started once the deadline is spent;
- a broken connection (:class:`ConnectionLost`) is re-opened once, if the deadline leaves time for it;
  a timeout or any other failure is an outage (:class:`~cognito_migrate.errors.LegacyUnavailableError`),
  never "not found" and never retried;
- rows are read into :class:`~cognito_migrate.models.LegacyUser` by :class:`~cognito_migrate.stores.rows.RowReader`
  using the configured column roles; a row that cannot be read is a
  :class:`~cognito_migrate.errors.MalformedRecordError` (names the column, never the value);
- steps are serialized by one lock: a backend keeps one connection, and the local Cognito may call from
  several threads.

How to add a store
------------------

1. Write a leaf module ``stores/<type>.py`` with a subclass of :class:`UserStore`. Import its client
   library inside the module only (it is imported only when ``[store] type`` names it), and raise
   :class:`~cognito_migrate.errors.BackendNotAvailableError` with the extra's name when it is missing.
2. Implement the steps. Required: :meth:`UserStore._lookup` (the rows whose ``field`` equals the name;
   two are enough to know it is ambiguous). Optional: :meth:`UserStore._prepare` (one-off work before the
   first lookup, such as loading a file: not timed as a lookup), :meth:`UserStore._sample` (one real row, to
   calibrate the unknown-user dummy), :meth:`UserStore._batches` and :meth:`UserStore._count` (every
   row, for ``audit``), :meth:`UserStore._columns` (the fields a lookup returns, for ``config validate``),
   :meth:`UserStore._disconnect` (drop a broken connection before the one retry), :meth:`UserStore._groups`
   (legacy groups read apart from the row: a SQL ``groups_query``, LDAP ``memberOf`` of another entry).
   A store whose rows carry groups fills the ``groups`` / ``roles`` column roles (or
   :attr:`~cognito_migrate.models.LegacyUser.groups` through its own RowReader) and needs no step.
   A store that checks the password itself (an LDAP bind, an HTTP API) sets ``verifies_passwords`` and
   implements :meth:`UserStore._verify_password` and :meth:`UserStore._spend_verification` (the unknown-user
   dummy: the same work against nobody's account).
   A step raises :class:`ConnectionLost` when the connection broke (the base reconnects once) and
   :class:`~cognito_migrate.errors.LegacyUnavailableError` for every other failure. It takes its timeouts
   from the deadline it is given. It never interpolates the sign-in name into a query or filter.
3. Return rows as mappings (column or attribute name to value); pass ``columns`` (role to name) to
   ``super().__init__`` and the base reads them. A backend whose rows need more (LDAP's
   ``userAccountControl``) subclasses :class:`~cognito_migrate.stores.rows.RowReader` and passes it as ``rows``.
4. Add the type's name to :data:`cognito_migrate.stores.STORE_TYPES` and a builder to
   ``wiring.build_store``, its extra to ``pyproject.toml``, and a section to the docs.

The service only calls :meth:`prepare`, :meth:`find`, :meth:`sample_credential` and, for a store that verifies
passwords, :meth:`verified` and :meth:`spend_check`; the post-authentication step calls :meth:`find` and
:meth:`groups`; the CLI also calls :meth:`describe`, :meth:`scan`, :meth:`count`, :meth:`notes` and
:meth:`close`. Nothing calls a backend's own methods.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from cognito_migrate.errors import (
    AmbiguousLoginError,
    LegacyUnavailableError,
    MalformedRecordError,
    StoreCapabilityError,
)
from cognito_migrate.stores.rows import RowReader, normalize_login

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence

    from cognito_migrate.mapping.identity import LoginField
    from cognito_migrate.models import Credential, Deadline, LegacyUser

_T = TypeVar("_T")


class LookupResult:
    """A found user and the field the sign-in name matched (``username``, ``email``, ``phone_number``).

    A plain class: a NamedTuple here would compile its string annotations on the cold path
    (docs/architecture.md, "The cold path stays lean").
    """

    __slots__ = ("matched_by", "user")

    def __init__(self, user: LegacyUser, matched_by: LoginField) -> None:
        self.user = user
        self.matched_by = matched_by

    def __repr__(self) -> str:
        return f"LookupResult(user={self.user!r}, matched_by={self.matched_by!r})"


def rows_equal_to(rows: Sequence[Mapping[str, Any]], column: str | None, key: str) -> list[Mapping[str, Any]]:
    """The rows whose ``column`` equals ``key`` without regard to case: what a store that answers a name by user
    name or alias at once (an API, another pool) keeps for the field the name was looked up in."""
    folded = key.casefold()
    return [r for r in rows if column and isinstance(r.get(column), str) and r[column].casefold() == folded]


class ConnectionLost(Exception):
    """Raised by a step when its connection broke: the base drops it and tries once more on a new one.

    A signal between a backend's step and the base, never seen outside a store (so not in ``errors.py``).

    ``cause`` names what broke (an exception's type name), never a value from the request or the row.
    """

    def __init__(self, cause: str) -> None:
        self.cause = cause
        super().__init__(cause)


class UserStore(ABC):
    """A source of legacy users: the shared flow, around the steps a backend implements.

    ``lookup_fields`` are the sign-in fields the backend can look up; ``normalize`` is the case rule
    (``none``, ``lower``, ``upper``) applied to the typed name; ``reconnect_budget`` is the least time
    (seconds) the deadline must still hold for the one reconnect to be tried.
    """

    def __init__(
        self,
        *,
        lookup_fields: frozenset[LoginField] | set[LoginField],
        columns: Mapping[str, str] | None = None,
        rows: RowReader | None = None,
        normalize: str = "none",
        reconnect_budget: float = 0.5,
    ) -> None:
        if rows is None:
            if columns is None:
                raise TypeError("give the column roles (columns=) or a RowReader (rows=)")
            rows = RowReader(columns)
        self.lookup_fields = frozenset(lookup_fields)
        self._rows = rows
        self._normalize = normalize
        self._reconnect_budget = reconnect_budget
        self._lock = threading.Lock()
        self.verifies_passwords = False
        """True when the store checks passwords itself (an LDAP bind): the service asks it, not the hash verifier."""

    # ------------------------------------------------------------------------------- the contract

    def find(self, login: str, *, fields: Sequence[LoginField], deadline: Deadline) -> LookupResult | None:
        """Look the sign-in name up in ``fields``, in order; the first field with exactly one match wins.

        Returns None when nobody matches; raises :class:`~cognito_migrate.errors.AmbiguousLoginError` when
        no field matches exactly one user but one matches several; raises
        :class:`~cognito_migrate.errors.LegacyUnavailableError` when the store cannot answer and
        :class:`~cognito_migrate.errors.MalformedRecordError` when the matching row cannot be read.
        """
        key = normalize_login(login, self._normalize)
        matches = []
        with self._lock:
            # every field's lookup runs, whatever matched: the same statements for every sign-in name, so
            # neither the time nor the load on the store tells a known name from an unknown one
            for field in fields:
                if field in self.lookup_fields:
                    matches.append((field, self._attempt(partial(self._lookup, field, key, deadline), deadline)))
        for field, rows in matches:
            if len(rows) == 1:
                return LookupResult(self._read(rows[0]), field)
            # Two users share this name or alias: never pick one at random. The next field may still
            # match exactly one user; otherwise the sign-in is rejected, and the log says why.
        shared = next((field for field, rows in matches if len(rows) > 1), None)
        if shared is not None:
            raise AmbiguousLoginError(shared)
        return None

    def prepare(self, deadline: Deadline) -> bool:
        """Do the store's one-off work before its first lookup (an export file is read and indexed); True when
        there was some. The service runs it before it times the lookup, so a container's load never counts as
        a lookup in the rejection floor. Raises :class:`~cognito_migrate.errors.LegacyUnavailableError` when it
        cannot finish within the deadline (a later call carries on).
        """
        with self._lock:
            return self._attempt(partial(self._prepare, deadline), deadline)

    def notes(self) -> list[str]:
        """What ``config validate`` should tell about the store's data beyond its problems (a file's
        unreadable lines); nothing by default."""
        return []

    def sample_credential(self, deadline: Deadline) -> Credential | None:
        """Any one real credential of the store (to calibrate the dummy verification), or None.

        An unreadable sample is None: the configured dummy stands in, and the lookup decides the user.
        """
        with self._lock:
            row = self._attempt(partial(self._sample, deadline), deadline)
        if row is None:
            return None
        try:
            return self._rows.credential(row)
        except Exception:  # noqa: BLE001 - any corrupt row (even one that recurses) just means "no sample"
            return None

    def check_password(self, user: LegacyUser, password: str, deadline: Deadline) -> bool:
        """Whether the store accepts ``password`` for ``user`` (a store with ``verifies_passwords``).

        Raises :class:`~cognito_migrate.errors.LegacyUnavailableError` when the store cannot answer: an outage is
        never a wrong password.
        """
        return self.verified(user, password, deadline) is not None

    def verified(self, user: LegacyUser, password: str, deadline: Deadline) -> LegacyUser | None:
        """:meth:`check_password` for the service: the user as the store's check leaves them when it accepts
        ``password`` (a check can learn account state the lookup could not: another pool asking for a second
        factor sets ``must_change_password``), None when it does not."""
        with self._lock:
            verdict = self._attempt(partial(self._verify_password, user, password, deadline), deadline)
        if isinstance(verdict, bool):
            return user if verdict else None
        return verdict

    def spend_check(self, password: str, deadline: Deadline) -> None:
        """Do the work of :meth:`check_password` against nobody's account, so an unknown user costs what a wrong
        password does; the answer is discarded.

        An outage raises :class:`~cognito_migrate.errors.LegacyUnavailableError`, as :meth:`check_password`'s
        does: if the store could look users up but not check passwords, a known name would answer "unavailable"
        and an unknown one a rejection, telling the two apart.
        """
        with self._lock:
            self._attempt(partial(self._spend_verification, password, deadline), deadline)

    def groups(self, user: LegacyUser, deadline: Deadline) -> tuple[str, ...]:
        """The legacy groups of a found ``user``: the row's ``groups``/``roles`` columns plus what the store
        reads separately (a SQL ``groups_query``, the old pool's groups). Never used by the migrate trigger:
        the post-authentication step calls it once Cognito created the user.

        Raises :class:`~cognito_migrate.errors.LegacyUnavailableError` when the store cannot answer and
        :class:`~cognito_migrate.errors.MalformedRecordError` when the row's groups could not be read.
        """
        if user.groups_problem is not None:
            raise MalformedRecordError(*user.groups_problem)
        with self._lock:
            extra = self._attempt(partial(self._groups, user, deadline), deadline)
        return tuple(dict.fromkeys((*user.groups, *extra)))

    def sample_columns(self, deadline: Deadline) -> list[str] | None:
        """The names the sample row carries, or None without one (``config validate`` checks that every
        credential column is there: a sample missing its salt cannot be verified)."""
        with self._lock:
            row = self._attempt(partial(self._sample, deadline), deadline)
        return None if row is None else list(row)

    def describe(self, deadline: Deadline) -> dict[LoginField, list[str] | None]:
        """The names each lookup returns (run with a name nobody has), or None where the store cannot tell.

        ``config validate`` compares them with the configured column roles and mapping.
        """
        out: dict[LoginField, list[str] | None] = {}
        with self._lock:
            for field in sorted(self.lookup_fields):
                out[field] = self._attempt(partial(self._columns, field, deadline), deadline)
        return out

    def scan(self, batch_size: int = 5000) -> Iterator[list[LegacyUser | MalformedRecordError]]:
        """Every user of the store, in batches (flat memory whatever the store's size), for ``audit``.

        A row that cannot be read comes as its :class:`~cognito_migrate.errors.MalformedRecordError`, so
        one bad row is counted rather than ending the scan. Raises
        :class:`~cognito_migrate.errors.StoreCapabilityError` when the
        store cannot be enumerated. Never used by the trigger.
        """
        for batch in self._batches(batch_size):
            yield [self._read_or_error(row) for row in batch]

    def scan_rows(self, batch_size: int = 5000) -> Iterator[Sequence[Mapping[str, Any]]]:
        """Every row as the backend returns it (plain values, not yet read), in batches: ``audit`` reads them
        with :meth:`read_row` in worker processes, since reading is a good part of the work per row."""
        return self._batches(batch_size)

    def read_row(self, row: Mapping[str, Any]) -> LegacyUser | MalformedRecordError:
        """One row of :meth:`scan_rows` as :meth:`scan` reads it (an unreadable row comes as its error)."""
        return self._read_or_error(row)

    def count(self) -> int | None:
        """How many users :meth:`scan` will give (for a progress bar), or None when the store cannot tell."""
        return self._count()

    @property
    def column_roles(self) -> dict[str, str]:
        """The configured column roles (role to column name), as the rows are read."""
        return dict(self._rows.columns)

    def close(self) -> None:
        """Release connections (the CLI calls it; Lambda keeps the store for the container's life)."""
        with self._lock:
            self._disconnect()

    # ------------------------------------------------------------------ steps a backend implements

    @abstractmethod
    def _lookup(self, field: LoginField, key: str, deadline: Deadline) -> Sequence[Mapping[str, Any]]:
        """The rows whose ``field`` equals ``key`` (already normalized); at most two are needed."""

    def _prepare(self, deadline: Deadline) -> bool:
        """One-off work before the first lookup; True when some was done (the default has none)."""
        return False

    def _sample(self, deadline: Deadline) -> Mapping[str, Any] | None:
        """One real row with a credential, or None (the default: the configured dummy is used)."""
        return None

    def _batches(self, batch_size: int) -> Iterator[Sequence[Mapping[str, Any]]]:
        """Every row, ``batch_size`` at a time, on a connection of its own (``audit``)."""
        raise StoreCapabilityError(f"a {type(self).__name__} cannot list every user")

    def _count(self) -> int | None:
        """How many rows :meth:`_batches` gives, or None when it is not cheap to know."""
        return None

    def _columns(self, field: LoginField, deadline: Deadline) -> list[str] | None:
        """The names a lookup by ``field`` returns, or None (the default) when the store cannot tell."""
        return None

    def _groups(self, user: LegacyUser, deadline: Deadline) -> Sequence[str]:
        """Group names the store reads apart from the user's row (the default: none beyond the row's)."""
        return ()

    def _verify_password(self, user: LegacyUser, password: str, deadline: Deadline) -> bool | LegacyUser:
        """The store's own password check (``verifies_passwords``); never called otherwise. A store whose check
        learns more about the user returns the user as it learned them instead of True (see :meth:`verified`)."""
        raise StoreCapabilityError(f"a {type(self).__name__} does not verify passwords itself")

    def _spend_verification(self, password: str, deadline: Deadline) -> None:
        """The same work as :meth:`_verify_password` for an account that does not exist."""
        raise StoreCapabilityError(f"a {type(self).__name__} does not verify passwords itself")

    def _disconnect(self) -> None:
        """Drop the connection (it broke, or the store is closed); the next step opens a new one.

        The default has nothing to drop (a store without a connection, such as an indexed file).
        """
        return

    # --------------------------------------------------------------------------------- internals

    def _attempt(self, step: Callable[[], _T], deadline: Deadline) -> _T:
        """Run ``step`` within the deadline; after a broken connection, once more on a new one."""
        for attempt in (1, 2):
            if deadline.expired:
                raise LegacyUnavailableError("deadline spent before the legacy store answered")
            try:
                return step()
            except ConnectionLost as exc:
                self._disconnect()
                if attempt == 2 or deadline.remaining() < self._reconnect_budget:
                    raise LegacyUnavailableError(f"legacy store query failed ({exc.cause})") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _read(self, row: Mapping[str, Any]) -> LegacyUser:
        try:
            return self._rows.read(row)
        except MalformedRecordError:
            raise
        except Exception as exc:  # noqa: BLE001 - a hostile or corrupt row must look like any unreadable row
            raise MalformedRecordError("(row)", f"unreadable ({type(exc).__name__})") from None

    def _read_or_error(self, row: Mapping[str, Any]) -> LegacyUser | MalformedRecordError:
        try:
            return self._read(row)
        except MalformedRecordError as exc:
            return exc

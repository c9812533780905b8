"""The store contract: the flow every backend inherits from ``stores.base.UserStore``, and picking a store by type.

The backend here is the smallest one the contract allows (rows in a list), so each test shows what the base
does for every store: LDAP, HTTP or file stores get the same behaviour by implementing the same steps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate import wiring
from cognito_migrate.config import settings_from_mapping
from cognito_migrate.errors import (
    AmbiguousLoginError,
    ConfigError,
    LegacyUnavailableError,
    MalformedRecordError,
    StoreCapabilityError,
)
from cognito_migrate.models import Deadline, LegacyUser
from cognito_migrate.stores import STORE_TYPES
from cognito_migrate.stores.base import ConnectionLost, UserStore

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from cognito_migrate.mapping.identity import LoginField

COLUMNS = {"username": "name", "password_hash": "hash", "email": "mail"}
ROWS = [
    {"name": "ADA", "hash": "$2b$04$ada", "mail": "ada@example.com"},
    {"name": "BOB", "hash": "$2b$04$bob", "mail": "shared@example.com"},
    {"name": "CY", "hash": "$2b$04$cy", "mail": "shared@example.com"},
    {"name": "BROKEN", "hash": 42, "mail": None},
]


class ListStore(UserStore):
    """Rows in a list; ``breaks`` connection losses before each lookup succeeds."""

    def __init__(self, rows: list[dict[str, Any]], *, breaks: int = 0, enumerable: bool = True) -> None:
        super().__init__(lookup_fields={"username", "email"}, columns=COLUMNS, normalize="upper")
        self.rows = rows
        self.breaks = breaks
        self.enumerable = enumerable
        self.lookups: list[tuple[str, str]] = []
        self.disconnects = 0

    def _lookup(self, field: LoginField, key: str, deadline: Deadline) -> Sequence[Mapping[str, Any]]:
        if self.breaks:
            self.breaks -= 1
            raise ConnectionLost("BrokenPipeError")
        self.lookups.append((field, key))
        column = COLUMNS[field]
        return [r for r in self.rows if isinstance(r[column], str) and r[column].upper() == key][:2]

    def _sample(self, deadline: Deadline) -> Mapping[str, Any] | None:
        return self.rows[0] if self.rows else None

    def _batches(self, batch_size: int) -> Iterator[Sequence[Mapping[str, Any]]]:
        if not self.enumerable:
            yield from super()._batches(batch_size)
        for start in range(0, len(self.rows), batch_size):
            yield self.rows[start : start + batch_size]

    def _disconnect(self) -> None:
        self.disconnects += 1


def test_the_name_is_normalized_and_fields_are_tried_in_the_pools_order() -> None:
    store = ListStore(ROWS)

    found = store.find("ada@example.com", fields=("username", "email"), deadline=Deadline(5))

    assert found is not None
    assert (found.user.username, found.matched_by) == ("ADA", "email")
    assert store.lookups == [("username", "ADA@EXAMPLE.COM"), ("email", "ADA@EXAMPLE.COM")]


def test_two_matches_on_a_field_are_no_match() -> None:
    store = ListStore(ROWS)

    with pytest.raises(AmbiguousLoginError) as info:
        store.find("shared@example.com", fields=("username", "email"), deadline=Deadline(5))
    assert info.value.field == "email"


def test_fields_the_backend_cannot_look_up_are_skipped() -> None:
    store = ListStore(ROWS)

    assert store.find("ada", fields=("phone_number", "username"), deadline=Deadline(5)) is not None
    assert [field for field, _ in store.lookups] == ["username"]


def test_a_broken_connection_is_reopened_once() -> None:
    store = ListStore(ROWS, breaks=1)

    found = store.find("ada", fields=("username",), deadline=Deadline(5))

    assert found is not None
    assert store.disconnects == 1


def test_a_second_break_is_an_outage_not_an_unknown_user() -> None:
    store = ListStore(ROWS, breaks=2)

    with pytest.raises(LegacyUnavailableError, match="BrokenPipeError"):
        store.find("ada", fields=("username",), deadline=Deadline(5))
    assert store.disconnects == 2


def test_no_reconnect_when_the_deadline_has_no_time_for_it() -> None:
    store = ListStore(ROWS, breaks=1)

    with pytest.raises(LegacyUnavailableError):
        store.find("ada", fields=("username",), deadline=Deadline(0.1))  # less than the reconnect budget
    assert store.lookups == []


def test_a_spent_deadline_starts_no_lookup() -> None:
    store = ListStore(ROWS)

    with pytest.raises(LegacyUnavailableError, match="deadline"):
        store.find("ada", fields=("username",), deadline=Deadline(0))
    assert store.lookups == []


def test_an_unreadable_row_is_malformed_and_names_the_column_not_the_value() -> None:
    store = ListStore(ROWS)

    with pytest.raises(MalformedRecordError) as caught:
        store.find("broken", fields=("username",), deadline=Deadline(5))
    assert caught.value.column == "hash"
    assert "42" not in str(caught.value)


def test_the_sample_is_read_into_a_credential() -> None:
    credential = ListStore(ROWS).sample_credential(Deadline(5))

    assert credential is not None
    assert credential.stored == "$2b$04$ada"


def test_a_store_without_a_sample_gives_none() -> None:
    assert ListStore([]).sample_credential(Deadline(5)) is None


def test_scan_gives_every_user_in_batches_and_bad_rows_as_their_error() -> None:
    batches = list(ListStore(ROWS).scan(batch_size=3))

    assert [len(b) for b in batches] == [3, 1]
    users = [u.username for b in batches for u in b if isinstance(u, LegacyUser)]
    assert users == ["ADA", "BOB", "CY"]
    assert isinstance(batches[1][0], MalformedRecordError)


def test_a_store_that_cannot_list_its_users_says_so() -> None:
    with pytest.raises(StoreCapabilityError, match="cannot list every user"):
        list(ListStore(ROWS, enumerable=False).scan())


def test_describe_says_unknown_when_the_backend_cannot_tell() -> None:
    assert ListStore(ROWS).describe(Deadline(5)) == {"email": None, "username": None}


def test_a_backend_must_implement_the_lookup() -> None:
    class NoLookup(UserStore):
        pass

    with pytest.raises(TypeError, match="_lookup"):
        NoLookup(lookup_fields={"username"}, columns=COLUMNS)  # type: ignore[abstract]


def test_every_store_type_has_a_builder() -> None:
    assert set(STORE_TYPES) == set(wiring._STORE_BUILDERS)


def test_an_unknown_store_type_is_a_configuration_error_naming_the_known_ones() -> None:
    known = ", ".join(STORE_TYPES)
    assert known.startswith("sql, http, ldap")
    with pytest.raises(ConfigError, match=rf"store\.type: expected one of {known}, got 'ldpa'"):
        settings_from_mapping({"store": {"type": "ldpa", "url": "sqlite:///x.db", "preset": "django"}}, environ={})


def test_the_store_is_picked_by_type(tmp_path: Any) -> None:
    settings = settings_from_mapping(
        {"store": {"type": "sql", "url": f"sqlite:///{tmp_path}/x.db", "preset": "django"}}, environ={}
    )
    bogus = settings._replace(store=settings.store._replace(type="ldpa"))

    assert type(wiring.build_store(settings)).__name__ == "SqlUserStore"
    with pytest.raises(ConfigError, match="expected one of sql"):
        wiring.build_store(bogus)


@pytest.mark.parametrize(
    ("store", "expected"),
    [
        ({"url": "ftp://legacy.example.com"}, "store.url: expected an http:// or https:// URL"),
        ({"url": "https://x", "preset": "django"}, "store.preset: not used by an http store"),
        ({"url": "https://x", "http": {"token": "env:T", "username": "u", "password": "env:P"}},
         "store.http.token: set a bearer token or basic authentication"),
        ({"url": "https://x", "http": {"username": "u"}}, "store.http.password: basic authentication needs both"),
        ({"url": "https://x", "http": {"contract": "soap"}}, "store.http.contract: expected one of native, keycloak"),
    ],
)
def test_a_misconfigured_http_store_is_told_in_one_line(store: dict[str, Any], expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        settings_from_mapping({"store": {"type": "http", **store}}, environ={})
    assert expected in str(info.value)


def test_an_http_store_cannot_serve_a_phone_number_pool() -> None:
    data = {"store": {"type": "http", "url": "https://x"}, "pool": {"username_attributes": ["phone_number"]}}
    with pytest.raises(ConfigError, match="by user name and e-mail only"):
        settings_from_mapping(data, environ={})


def test_an_http_store_s_token_or_password_in_clear_is_found() -> None:
    from cognito_migrate.secrets import in_clear

    document = {"store": {"type": "http", "http": {"token": "abc", "password": "env:P"}}}
    assert in_clear(document) == ["store.http.token"]


@pytest.mark.parametrize(
    ("left", "connect", "read", "expected"),
    [
        (10.0, 2.0, 2.0, (2.0, 2.0)),  # plenty of time: the configured timeouts
        (1.0, 2.0, 2.0, (0.5, 0.5)),  # little time: the two waits share it, never 1.0 each
        (1.0, 0.2, 2.0, (0.2, 0.8)),  # a short connect leaves the rest to the read
        (0.0, 2.0, 2.0, (0.0, 0.0)),
    ],
)
def test_connect_and_read_timeouts_together_fit_in_the_time_left(
    left: float, connect: float, read: float, expected: tuple[float, float]
) -> None:
    from cognito_migrate.models import Deadline

    now = [0.0]
    deadline = Deadline(left, clock=lambda: now[0])
    assert deadline.connect_and_read(connect, read) == pytest.approx(expected)

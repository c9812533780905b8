"""Groups: reading a row's groups, Cognito's group-name rule, the legacy-to-Cognito map, the [groups] keys."""

from __future__ import annotations

from typing import Any

import pytest

from cognito_migrate.cognito_rules import MAX_GROUPS_PER_USER, group_name_problem
from cognito_migrate.config import settings_from_mapping
from cognito_migrate.errors import ConfigError, MalformedRecordError
from cognito_migrate.groups import GroupMap
from cognito_migrate.stores.rows import RowReader

READER = RowReader({"username": "u", "groups": "g", "roles": "r"})


@pytest.mark.parametrize(
    ("groups", "roles", "expected"),
    [
        (["admin", "staff"], None, ("admin", "staff")),
        ('["admin", "staff"]', "staff", ("admin", "staff")),
        (" admin , staff,, ", ("auditor",), ("admin", "staff", "auditor")),
        (None, None, ()),
        ("", [], ()),
    ],
)
def test_a_row_s_groups_and_roles_are_read_in_order_each_once(groups: Any, roles: Any, expected: tuple[str, ...]) -> None:
    assert READER.read({"u": "alice", "g": groups, "r": roles}).groups == expected


@pytest.mark.parametrize("bad", [[1, 2], "[not json", {"admin": True}, 7])
def test_a_groups_column_that_holds_no_names_is_a_problem_naming_the_column_not_a_malformed_user(bad: Any) -> None:
    # the groups matter only after Cognito created the user: a bad value must not keep them out
    user = READER.read({"u": "alice", "g": bad, "r": None})
    assert user.groups == ()
    assert user.groups_problem is not None
    assert user.groups_problem[0] == "g"
    with pytest.raises(MalformedRecordError) as info:
        READER.groups({"u": "alice", "g": bad, "r": None})
    assert info.value.column == "g"


def test_without_group_columns_a_user_has_no_groups() -> None:
    assert RowReader({"username": "u"}).read({"u": "alice"}).groups == ()


@pytest.mark.parametrize("name", ["Admins", "ops-team_2", "Équipe", "a" * 128, "role:admin/read"])
def test_valid_cognito_group_names(name: str) -> None:
    assert group_name_problem(name) is None


@pytest.mark.parametrize("name", ["", "a" * 129, "two words", "tab\there", "nul\x00"])
def test_invalid_cognito_group_names(name: str) -> None:
    assert group_name_problem(name) is not None


def test_only_mapped_groups_are_assigned_by_default() -> None:
    groups, refused = GroupMap({"admin": "Admins", "staff": "Staff"}).cognito_groups(["staff", "other", "admin"])
    assert (groups, refused) == (["Staff", "Admins"], [])


def test_two_legacy_names_for_one_cognito_group_assign_it_once() -> None:
    groups, _ = GroupMap({"admin": "Admins", "root": "Admins"}).cognito_groups(["admin", "root"])
    assert groups == ["Admins"]


def test_unmapped_groups_are_copied_when_asked_and_invalid_names_refused() -> None:
    group_map = GroupMap({"admin": "Admins"}, copy_unmapped=True)
    assert group_map.cognito_groups(["admin", "gardener", "two words"]) == (["Admins", "gardener"], ["two words"])


def test_no_more_groups_than_cognito_allows_a_user() -> None:
    names = [f"g{i}" for i in range(MAX_GROUPS_PER_USER + 5)]
    groups, _ = GroupMap({}, copy_unmapped=True).cognito_groups(names)
    assert groups == names[:MAX_GROUPS_PER_USER]


def _settings(**data: Any) -> Any:
    return settings_from_mapping({"store": {"type": "sql", "url": "sqlite:///x.db", "preset": "django"}, **data},
                                 environ={})  # fmt: skip


def test_groups_are_off_unless_something_can_be_assigned() -> None:
    assert not _settings().groups.enabled
    assert _settings(groups={"map": {"admin": "Admins"}}).groups.enabled
    assert _settings(groups={"unmapped": "copy"}).groups.enabled


def test_a_mapped_name_that_is_no_cognito_group_name_is_refused_naming_the_key() -> None:
    with pytest.raises(ConfigError) as info:
        _settings(groups={"map": {"admin": "The Admins"}})
    assert any(key == "groups.map.admin" for key, _ in info.value.problems)


def test_a_groups_query_must_bind_the_user_name() -> None:
    with pytest.raises(ConfigError) as info:
        _settings(store={"type": "sql", "url": "sqlite:///x.db", "preset": "django", "groups_query": "SELECT 1"})
    assert any(key == "store.groups_query" for key, _ in info.value.problems)


def test_an_http_store_has_no_groups_query() -> None:
    store = {"type": "http", "url": "https://legacy.example.com/api", "groups_query": "SELECT 1 WHERE :username"}
    with pytest.raises(ConfigError) as info:
        _settings(store=store)
    assert any(key == "store.groups_query" for key, _ in info.value.problems)

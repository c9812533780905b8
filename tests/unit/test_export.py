"""The export's files: Cognito's escaping and splitting, no BOM, and who is left out and why."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from cognito_migrate import cognito_csv
from cognito_migrate.bulk.export import EXCLUDED_FILE, ExportError, ExportRules, PoolMembers, export_files
from cognito_migrate.mapping.identity import UsernameModel
from cognito_migrate.mapping.mapper import AttributeMapper
from cognito_migrate.policy import ResetPolicy
from tests.listing_store import ListingStore, row

if TYPE_CHECKING:
    from pathlib import Path

HEADER = [
    "name",
    "email",
    "email_verified",
    "phone_number",
    "phone_number_verified",
    "cognito:mfa_enabled",
    "cognito:username",
]
NOBODY = PoolMembers(frozenset(), frozenset(), frozenset())


def _rules(members: PoolMembers = NOBODY, *, model: UsernameModel | None = None, **extra: object) -> ExportRules:
    mapper = AttributeMapper(columns={"name": "full_name"}, username_model=model or UsernameModel())
    return ExportRules(mapper=mapper, reset_policy=ResetPolicy(), header=HEADER, members=members, **extra)  # type: ignore[arg-type]


def _rows(*names: str, **values: object) -> list[dict[str, object]]:
    return [row(n, full_name=f"Name of {n}", **values) for n in names]


def _lines(path: Path) -> list[str]:
    return path.read_bytes().decode("utf-8").splitlines()


def test_a_comma_is_escaped_and_reads_back_as_cognito_reads_it(tmp_path: Path) -> None:
    store = ListingStore([row("ann", full_name="Smith, Ann")])
    result = export_files(store.scan(), rules=_rules(), out_dir=tmp_path)

    (path,) = [f.path for f in result.files]
    header, line = _lines(path)
    assert header == ",".join(HEADER)
    assert "Smith\\, Ann" in line
    cells = dict(zip(HEADER, cognito_csv.parse_row(line), strict=True))
    assert cells == {
        "name": "Smith, Ann",
        "email": "ann@example.com",
        "email_verified": "true",
        "phone_number": "",
        "phone_number_verified": "",
        "cognito:mfa_enabled": "false",
        "cognito:username": "ann",
    }
    assert not path.read_bytes().startswith(cognito_csv.BOM)


def test_files_split_at_the_user_limit_each_with_the_header(tmp_path: Path) -> None:
    store = ListingStore(_rows(*(f"user{i}" for i in range(5))))
    result = export_files(store.scan(), rules=_rules(), out_dir=tmp_path, max_users=2)

    assert [f.users for f in result.files] == [2, 2, 1]
    assert [f.path.name for f in result.files] == [f"cognito-import-000{i}.csv" for i in (1, 2, 3)]
    for f in result.files:
        lines = _lines(f.path)
        assert lines[0] == ",".join(HEADER)
        assert len(lines) == f.users + 1
    names = [cognito_csv.parse_row(line)[-1] for f in result.files for line in _lines(f.path)[1:]]
    assert names == [f"user{i}" for i in range(5)]


def test_files_split_before_the_byte_limit(tmp_path: Path) -> None:
    store = ListingStore(_rows(*(f"user{i}" for i in range(10))))
    limit = 300
    result = export_files(store.scan(), rules=_rules(), out_dir=tmp_path, max_bytes=limit)

    assert len(result.files) > 1
    assert all(f.path.stat().st_size == f.bytes <= limit for f in result.files)
    assert sum(f.users for f in result.files) == 10


def test_users_who_cannot_be_imported_usefully_are_listed_apart_with_the_reason(tmp_path: Path) -> None:
    store = ListingStore(
        [
            row("ok", full_name="Ok"),
            row("unverified", full_name="U", email_verified=False),
            row("nomail", full_name="N", email=None),
            row("gone", full_name="G", disabled=True),
            row("multi", full_name="line one\nline two"),
            row("slash", full_name="ends with \\"),
            row(None, full_name="no name"),
        ]
    )
    result = export_files(store.scan(), rules=_rules(), out_dir=tmp_path)

    assert result.exported == 1
    assert result.excluded_by_reason == {
        "disabled": 1,
        "malformed_record": 1,
        "no_delivery_channel": 2,
        "unwritable_value": 2,
    }
    listed = (tmp_path / EXCLUDED_FILE).read_text(encoding="utf-8")
    assert "unverified,no_delivery_channel" in listed
    assert "row 7,malformed_record" in listed
    assert "line one" not in listed  # reasons name the attribute, never its value


def test_a_verified_phone_is_enough_to_be_imported(tmp_path: Path) -> None:
    store = ListingStore([row("tel", full_name="T", email=None, phone="+14325551234", phone_verified=True)])
    result = export_files(store.scan(), rules=_rules(), out_dir=tmp_path)
    assert result.exported == 1


def test_users_already_in_the_pool_or_confirmed_by_the_ledger_are_not_exported(tmp_path: Path) -> None:
    store = ListingStore(_rows("Ann", "bob", "carol"))
    members = PoolMembers(frozenset({"ann"}), frozenset(), frozenset())
    result = export_files(store.scan(), rules=_rules(members, in_ledger=lambda n: n == "bob"), out_dir=tmp_path)

    assert (result.legacy_users, result.in_pool, result.exported) == (3, 2, 1)
    assert cognito_csv.parse_row(_lines(result.files[0].path)[1])[-1] == "carol"


def test_a_pool_named_by_email_gets_the_email_as_cognito_username(tmp_path: Path) -> None:
    model = UsernameModel(username_attributes=("email",), case_sensitive=False)
    store = ListingStore([row("ann", full_name="A", email="Ann@Example.com"), row("bob", full_name="B")])
    members = PoolMembers(frozenset(), frozenset({"bob@example.com"}), frozenset())
    result = export_files(store.scan(), rules=_rules(members, model=model), out_dir=tmp_path)

    assert (result.exported, result.in_pool) == (1, 1)
    cells = dict(zip(HEADER, cognito_csv.parse_row(_lines(result.files[0].path)[1]), strict=True))
    assert cells["cognito:username"] == cells["email"] == "ann@example.com"


def test_an_attribute_the_pool_lacks_and_a_used_directory_are_refused(tmp_path: Path) -> None:
    mapper = AttributeMapper(columns={"custom:legacy_id": "username"}, username_model=UsernameModel())
    rules = ExportRules(mapper=mapper, reset_policy=ResetPolicy(), header=HEADER, members=NOBODY)
    with pytest.raises(ExportError, match="custom:legacy_id"):
        export_files(ListingStore(_rows("ann")).scan(), rules=rules, out_dir=tmp_path / "a")

    export_files(ListingStore(_rows("ann")).scan(), rules=_rules(), out_dir=tmp_path / "b")
    with pytest.raises(ExportError, match="already holds an export"):
        export_files(ListingStore(_rows("ann")).scan(), rules=_rules(), out_dir=tmp_path / "b")

"""The export formats' readers (bytes in, rows out) and the file store's configuration rules."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cognito_migrate import wiring
from cognito_migrate.config import settings_from_mapping
from cognito_migrate.errors import ConfigError
from cognito_migrate.stores.file_formats import FileFormat, FileFormatError, read_auth0_hashes


def _rows(name: str, data: bytes, **kw: Any) -> list[tuple[int, Any]]:
    fmt = FileFormat(name, **kw)
    out = []
    for line, start, end, row in fmt.records(data):
        if isinstance(row, dict):
            assert fmt.row(start, end) == row  # the bytes kept read back to the same row
        out.append((line, row))
    return out


def test_jsonl_rows_are_flattened_and_blank_lines_skipped() -> None:
    data = b'{"a": 1, "b": {"c": "x", "d": {"e": [1]}}}\n\n  \n{"a": 2}'
    assert _rows("jsonl", data) == [(1, {"a": 1, "b.c": "x", "b.d.e": [1]}), (4, {"a": 2})]


def test_jsonl_problems_name_the_line_only() -> None:
    data = b'{"a": 1}\n{"a": \n"text"\n\xff\xfe\n'
    assert _rows("jsonl", data)[1:] == [(2, "not valid JSON"), (3, "not a JSON object"), (4, "not UTF-8")]


def test_a_json_array_is_not_jsonl() -> None:
    with pytest.raises(FileFormatError, match=r"line 1: a JSON array or object"):
        list(FileFormat("jsonl").records(b"[{}]"))


def test_auth0_rows_know_users_by_username_else_user_id_and_find_the_hash_wherever_it_is() -> None:
    lines = [
        {"user_id": "auth0|1", "username": "amy", "passwordHash": "$2b$10$h1"},
        {"user_id": "auth0|2", "custom_password_hash": {"algorithm": "bcrypt", "hash": {"value": "$2b$10$h2"}}},
        {"user_id": "auth0|3", "password_hash": "$2b$10$h3"},
        {"user_id": "google-oauth2|4", "app_metadata": {"roles": ["a"]}},
    ]
    rows = [row for _, row in _rows("auth0", "\n".join(json.dumps(u) for u in lines).encode())]
    assert [(r["username"], r["password_hash"]) for r in rows] == [
        ("amy", "$2b$10$h1"), ("auth0|2", "$2b$10$h2"), ("auth0|3", "$2b$10$h3"), ("google-oauth2|4", None)
    ]  # fmt: skip
    assert rows[3]["app_metadata.roles"] == ["a"]


def test_auth0_hash_export_is_joined_on_the_id_after_the_connection_prefix() -> None:
    export = b'{"_id":{"$oid":"abc"},"email":"a@example.com","passwordHash":"$2b$10$hh"}\nnot json\n{"_id": 1}\n'
    hashes: dict[str, str] = {}
    bad: list[tuple[int, str]] = []
    assert list(read_auth0_hashes(export, hashes, bad, step=2)) == [None]  # it yields as it goes

    assert hashes == {"abc": "$2b$10$hh"}
    assert bad == [(2, "not valid JSON"), (3, "no _id.$oid and passwordHash")]
    [(_, row)] = _rows("auth0", b'{"user_id": "auth0|abc", "email": "a@example.com"}', extra=hashes)
    assert row["password_hash"] == "$2b$10$hh"


def test_an_auth0_import_array_with_non_ascii_text_is_copied_compactly() -> None:
    users = [{"user_id": "1", "username": "zoë", "name": "Zoë"}, {"user_id": "2", "username": "ann"}]
    text = json.dumps(users, indent=2, ensure_ascii=False).encode()
    rows = _rows("auth0", text)
    assert [(line, row["username"]) for line, row in rows] == [(2, "zoë"), (7, "ann")]


def test_firebase_json_reads_the_users_array_as_firebase_tools_writes_it() -> None:
    users = [{"localId": "u1", "email": "a@example.com", "providerUserInfo": []}, {"localId": "u2"}]
    data = ('{"users": [\n' + ",\n".join(json.dumps(u, indent=2) for u in users) + "]}").encode()
    rows = _rows("firebase_json", data)
    assert [(line, row["localId"]) for line, row in rows] == [(2, "u1"), (7, "u2")]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b'{"accounts": []}', r'line 1: expected \{"users": \[...\]\}'),
        (b'{"users": [\n{"localId": "u1"}\n{"localId": "u2"}]}', "line 3: expected ',' or ']' after a user"),
        (b'{"users": [\n{"localId": "u1"},\n{"localId": }]}', "line 3: not valid JSON"),
        (b'{"users": [{"localId": "\xff"}]}', "line 1: not UTF-8"),
    ],
)
def test_a_broken_firebase_json_file_cannot_be_read_past_its_fault(data: bytes, problem: str) -> None:
    with pytest.raises(FileFormatError, match=problem):
        list(FileFormat("firebase_json").records(data))


def test_firebase_csv_has_no_header_and_accepts_older_and_newer_column_counts() -> None:
    newer = ",".join(["u1", "a@example.com", "true", "SGFzaA==", "U2FsdA==", '"Ann, A."', *[""] * 17,
                      "1", "2", "+15555550100", "true", "", ""]) + "\n"  # 28 columns and a trailing comma
    older = ",".join(["u2", "b@example.com", "false", *[""] * 20, "1", "2", ""]) + "\n"  # 26 columns
    short = "u3,c@example.com\n"
    rows = _rows("firebase_csv", (newer + older + short).encode())
    assert rows[0][1]["displayName"] == "Ann, A."
    assert rows[0][1]["phoneNumber"] == "+15555550100"
    assert rows[0][1]["disabled"] == "true"
    assert rows[1][1]["disabled"] == ""
    assert rows[2] == (3, "2 fields; firebase auth:export writes at least 26")


def test_csv_uses_its_header_keeps_quoted_newlines_and_names_bad_lines() -> None:
    data = '\ufeffname,hash,note\nann,h1,"two\nlines"\nbob,h2\ncy,h3,ok\n'.encode() + b"d\xff,h4,x\n"
    rows = _rows("csv", data)
    assert rows[0] == (2, {"name": "ann", "hash": "h1", "note": "two\nlines"})
    assert rows[1:] == [(4, "2 fields; the header has 3"), (5, {"name": "cy", "hash": "h3", "note": "ok"}),
                        (6, "not UTF-8")]  # fmt: skip


# ------------------------------------------------------------------------------------ configuration


def _problems(store: dict[str, Any], **sections: Any) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        settings_from_mapping({"store": {"type": "file", **store}, **sections}, environ={})
    return [str(p) for p in caught.value.problems]


def test_a_file_store_needs_a_format() -> None:
    problems = _problems({"url": "users.json"})
    assert any("store.file.format" in p and "required" in p for p in problems), problems


def test_a_generic_format_needs_its_credential_column() -> None:
    problems = _problems({"url": "u.csv", "file": {"format": "csv"}, "columns": {"username": "login"}})
    assert any("store.columns.password_hash" in p and "credential" in p for p in problems), problems


def test_a_firebase_export_needs_the_project_s_hash_parameters() -> None:
    problems = _problems({"url": "u.json", "file": {"format": "firebase_json"}})
    assert any("hashing.scheme" in p and "firebase_scrypt" in p for p in problems), problems
    problems = _problems(
        {"url": "u.json", "file": {"format": "firebase_csv"}},
        hashing={"scheme": "firebase_scrypt", "params": {"signer_key": "a2V5", "rounds": 8}},
    )
    assert any("hashing.params" in p and "salt_separator, mem_cost" in p for p in problems), problems


@pytest.mark.parametrize(
    ("store", "key", "words"),
    [
        ({"url": "s3://bucket-only", "file": {"format": "auth0"}}, "store.url", "s3://bucket/key"),
        ({"url": "https://x/u.json", "file": {"format": "auth0"}}, "store.url", "local path"),
        ({"url": "u.json", "file": {"format": "jsonl", "hashes": "h.json"},
          "columns": {"username": "u", "password_hash": "p"}}, "store.file.hashes", "only the auth0"),
        ({"url": "u.json", "file": {"format": "auth0"}, "query": "SELECT 1 WHERE a = :username"}, "store.query",
         "not used by a file store"),
    ],
)  # fmt: skip
def test_file_store_problems_are_one_line_each(store: dict[str, Any], key: str, words: str) -> None:
    problems = _problems(store)
    assert any(key in p and words in p for p in problems), problems


def test_the_pool_s_sign_in_fields_need_columns() -> None:
    problems = _problems(
        {"url": "u.jsonl", "file": {"format": "jsonl"}, "columns": {"username": "u", "password_hash": "p"}},
        pool={"username_attributes": ["phone_number"]},
    )
    assert any("store.columns.phone_number" in p for p in problems), problems


def test_a_relative_path_is_relative_to_the_configuration_file(tmp_path: Any) -> None:
    data = {"store": {"type": "file", "url": "users.json", "file": {"format": "auth0", "hashes": "s3://b/h.json"}}}
    settings = settings_from_mapping(data, environ={}, base_dir=str(tmp_path))
    assert settings.store.url == str(tmp_path / "users.json")
    assert settings.store.file.hashes == "s3://b/h.json"


def test_package_extras_follow_the_source_and_the_scheme() -> None:
    local = {"store": {"type": "file", "url": "/data/users.json", "file": {"format": "auth0"}}}
    assert wiring.required_extras(settings_from_mapping(local, environ={})) == {"phone"}
    s3 = {"store": {"type": "file", "url": "s3://bucket/users.json", "file": {"format": "firebase_json"}},
          "hashing": {"scheme": "firebase_scrypt", "params": {"signer_key": "a2V5", "salt_separator": "Bw==",
                                                              "rounds": 8, "mem_cost": 14}}}  # fmt: skip
    # boto3 reads an s3:// file: the Lambda runtime has it, so the package needs no extra for it
    assert wiring.required_extras(settings_from_mapping(s3, environ={})) == {"firebase", "phone"}

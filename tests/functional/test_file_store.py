"""The file store through the trigger: each export format with real hashes, the index and its ambiguity,
unreadable lines, a load bounded by the deadline (and resumed), and the rejection floor left alone by the load."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate import wiring
from cognito_migrate.config import settings_from_mapping
from cognito_migrate.errors import LegacyUnavailableError
from cognito_migrate.handler import UNAVAILABLE, Trigger, TriggerFailure
from cognito_migrate.models import Deadline
from cognito_migrate.observability import InvocationLog
from cognito_migrate.stores.file import FileUserStore, LocalFile
from cognito_migrate.testing import LambdaContext, make_event
from tests.export_files import (
    FIREBASE_HASHING,
    FIREBASE_PASSWORD,
    GOOD,
    auth0_hash_export,
    auth0_users,
    bcrypt_hash,
    firebase_csv,
    firebase_json,
    firebase_users,
    ndjson,
    write,
)

if TYPE_CHECKING:
    import io
    from pathlib import Path

FAST = {"dummy_scheme": "bcrypt", "dummy_cost": {"rounds": 4}}


def _trigger(log_stream: io.StringIO, store: dict[str, Any], **sections: Any) -> Trigger:
    data: dict[str, Any] = {"store": {"type": "file", **store}, "hashing": dict(FAST), **sections}
    if "hashing" in sections:
        data["hashing"] = {**FAST, **sections["hashing"]}
    settings = settings_from_mapping(data, environ={})
    return Trigger(settings, log=InvocationLog(stream=log_stream, level="DEBUG"))


def _sign_in(trigger: Trigger, login: str, password: str = GOOD, *, seconds: float = 5.0) -> dict[str, Any]:
    return trigger(make_event(login, password), LambdaContext(int(seconds * 1000)))


def _records(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


# ---------------------------------------------------------------------------------------------- auth0


def test_auth0_export_migrates_with_its_profile(tmp_path: Path, log_stream: io.StringIO) -> None:
    url = write(tmp_path / "users.json", ndjson(auth0_users()))
    trigger = _trigger(
        log_stream,
        {"url": url, "file": {"format": "auth0"}},
        mapping={"attributes": {"given_name": "given_name", "family_name": "family_name", "name": "name"}},
    )
    response = _sign_in(trigger, "alice")["response"]
    assert response["finalUserStatus"] == "CONFIRMED"
    assert response["userAttributes"] == {
        "email": "alice@example.com", "email_verified": "true", "phone_number": "+14325551212",
        "phone_number_verified": "true", "given_name": "Alice", "family_name": "Liddell", "name": "Alice Liddell",
    }  # fmt: skip


def test_auth0_sign_in_by_email_folds_case_and_a_user_without_username_is_known_by_its_id(
    tmp_path: Path, log_stream: io.StringIO
) -> None:
    url = write(tmp_path / "users.json", ndjson(auth0_users()))
    trigger = _trigger(log_stream, {"url": url, "file": {"format": "auth0"}}, pool={"alias_attributes": ["email"],
                       "case_sensitive": False})  # fmt: skip
    response = _sign_in(trigger, "Carol@Example.com")["response"]
    assert response["finalUserStatus"] == "CONFIRMED"
    assert response["userAttributes"]["username"] == "auth0|60425dc43519d90068f82975"


def test_auth0_blocked_wrong_password_unknown_shared_and_hashless_users_are_one_rejection(
    tmp_path: Path, log_stream: io.StringIO
) -> None:
    url = write(tmp_path / "users.json", ndjson(auth0_users()))
    trigger = _trigger(log_stream, {"url": url, "file": {"format": "auth0"}}, pool={"username_attributes": ["email"]})
    answers = [
        _sign_in(trigger, "bob@example.com"),  # blocked
        _sign_in(trigger, "alice@example.com", "Wrong-Horse-9"),
        _sign_in(trigger, "nobody@example.com"),
        _sign_in(trigger, "shared@example.com"),  # two users share it: nobody is picked
        _sign_in(trigger, "gina@example.com"),  # a social user: no password
    ]
    assert all(a["response"]["userAttributes"] is None for a in answers)
    reasons = [r["reason"] for r in _records(log_stream)]
    assert reasons == ["disabled", "wrong_password", "unknown_user", "ambiguous", "no_credential"]
    assert GOOD not in log_stream.getvalue()


def test_auth0_hashes_from_the_separate_password_hash_export(tmp_path: Path, log_stream: io.StringIO) -> None:
    users = auth0_users(with_hashes=False)
    url = write(tmp_path / "users.json", ndjson(users))
    hashes = write(tmp_path / "hashes.json", auth0_hash_export(users))
    trigger = _trigger(log_stream, {"url": url, "file": {"format": "auth0", "hashes": hashes}})
    assert _sign_in(trigger, "alice")["response"]["finalUserStatus"] == "CONFIRMED"
    assert _sign_in(trigger, "alice", "Wrong-Horse-9")["response"]["userAttributes"] is None


def test_auth0_import_file_with_custom_password_hash(tmp_path: Path, log_stream: io.StringIO) -> None:
    users = [{"email": "ida@example.com", "email_verified": True, "user_id": "ida-1", "username": "ida",
              "custom_password_hash": {"algorithm": "bcrypt", "hash": {"value": bcrypt_hash()}}}]  # fmt: skip
    url = write(tmp_path / "import.json", json.dumps(users, indent=2))
    trigger = _trigger(log_stream, {"url": url, "file": {"format": "auth0"}})
    assert _sign_in(trigger, "ida")["response"]["finalUserStatus"] == "CONFIRMED"


# ------------------------------------------------------------------------------------------- firebase


@pytest.mark.parametrize("fmt", ["firebase_json", "firebase_csv"])
def test_firebase_export_with_the_project_s_scrypt_parameters(
    fmt: str, tmp_path: Path, log_stream: io.StringIO
) -> None:
    """firebase/scrypt's published sample: the README's project parameters, salt and hash of its password."""
    text = firebase_json(firebase_users()) if fmt == "firebase_json" else firebase_csv(firebase_users())
    url = write(tmp_path / f"users.{fmt[9:]}", text)
    trigger = _trigger(
        log_stream,
        {"url": url, "file": {"format": fmt}},
        hashing=FIREBASE_HASHING,
        pool={"username_attributes": ["email"]},
        mapping={"attributes": {"name": "displayName"}},
    )
    response = _sign_in(trigger, "user1@example.com", FIREBASE_PASSWORD)["response"]
    assert response["finalUserStatus"] == "RESET_REQUIRED"  # user1password breaks Cognito's default policy
    assert response["userAttributes"]["name"] == "User One"
    assert response["userAttributes"]["phone_number"] == "+14325551213"
    assert _sign_in(trigger, "user1@example.com", "user1passworD")["response"]["userAttributes"] is None
    assert _sign_in(trigger, "user2@example.com", FIREBASE_PASSWORD)["response"]["userAttributes"] is None  # disabled
    assert _sign_in(trigger, "zoë@example.com", FIREBASE_PASSWORD)["response"]["userAttributes"] is None  # no hash
    reasons = [r["reason"] for r in _records(log_stream)]
    assert reasons == ["password_policy", "wrong_password", "disabled", "no_credential"]
    assert all(r["scheme"] == "firebase_scrypt" for r in _records(log_stream)[:3])


def test_firebase_unknown_user_rejection_is_calibrated_on_a_real_firebase_row(
    tmp_path: Path, log_stream: io.StringIO
) -> None:
    """The floor's reference is the dearer of the dummy and a sampled row: here a real Firebase scrypt hash."""
    url = write(tmp_path / "users.json", firebase_json(firebase_users()))
    settings = settings_from_mapping(
        {"store": {"type": "file", "url": url, "file": {"format": "firebase_json"}},
         "hashing": {**FAST, **FIREBASE_HASHING}}, environ={}
    )  # fmt: skip
    store = wiring.build_store(settings)
    sample = store.sample_credential(Deadline(5))
    assert sample is not None
    verifier = wiring.build_verifier(settings)
    assert verifier.resolve(sample)[0] == "firebase_scrypt"
    from cognito_migrate import hashing

    verdict, _ = verifier.check(FIREBASE_PASSWORD, sample)
    assert verdict is hashing.Verdict.MATCH  # the sample is a usable row, with the project's parameters


# -------------------------------------------------------------------------------------------- generic


def test_generic_jsonl_with_a_column_mapping(tmp_path: Path, log_stream: io.StringIO) -> None:
    lines = [
        {"login": "kim", "mail": "kim@example.com", "pw": bcrypt_hash(), "active": "yes", "profile": {"city": "Oslo"}},
        {"login": "lee", "mail": "lee@example.com", "pw": bcrypt_hash(), "active": "no"},
        {"login": "mo", "pw": bcrypt_hash()},
    ]
    url = write(tmp_path / "users.jsonl", ndjson(lines))
    trigger = _trigger(
        log_stream,
        {"url": url, "file": {"format": "jsonl"},
         "columns": {"username": "login", "password_hash": "pw", "email": "mail", "enabled": "active"}},
        mapping={"attributes": {"locale": "profile.city"}},
    )  # fmt: skip
    response = _sign_in(trigger, "kim")["response"]
    assert response["userAttributes"]["locale"] == "Oslo"
    assert _sign_in(trigger, "lee")["response"]["userAttributes"] is None
    mo = _sign_in(trigger, "mo")["response"]  # a user without the mapped fields: no attribute, not a refusal
    assert mo["finalUserStatus"] == "CONFIRMED"
    assert mo["userAttributes"] == {}


@pytest.mark.parametrize(("case_sensitive", "found"), [(False, True), (True, False)])
def test_your_own_file_follows_the_pool_s_case_rule(
    tmp_path: Path, log_stream: io.StringIO, case_sensitive: bool, found: bool
) -> None:
    """A generic file has no collation: in a case-insensitive pool a typed "KIM" used to be "unknown" for the
    file's "Kim"; in a case-sensitive pool it is another user."""
    url = write(tmp_path / "users.jsonl", ndjson([{"login": "Kim", "pw": bcrypt_hash()}]))
    trigger = _trigger(
        log_stream,
        {"url": url, "file": {"format": "jsonl"}, "columns": {"username": "login", "password_hash": "pw"}},
        pool={"case_sensitive": case_sensitive},
    )
    response = _sign_in(trigger, "KIM")["response"]
    if found:
        assert response["finalUserStatus"] == "CONFIRMED"
        assert _records(log_stream)[-1]["outcome"] == "MIGRATED"
    else:
        assert response["userAttributes"] is None
        assert _records(log_stream)[-1]["reason"] == "unknown_user"


def test_generic_csv_with_a_header_and_column_mapping(tmp_path: Path, log_stream: io.StringIO) -> None:
    text = "Login,Email,Hash,Verified\n" + f'max,max@example.com,{bcrypt_hash()},1\n"nia","nia@example.com",,0\n'
    url = write(tmp_path / "users.csv", text)
    trigger = _trigger(
        log_stream,
        {"url": url, "file": {"format": "csv"},
         "columns": {"username": "Login", "password_hash": "Hash", "email": "Email", "email_verified": "Verified"}},
        pool={"username_attributes": ["email"]},
    )  # fmt: skip
    response = _sign_in(trigger, "max@example.com")["response"]
    assert response["userAttributes"] == {"email": "max@example.com", "email_verified": "true"}
    assert _sign_in(trigger, "nia@example.com")["response"]["userAttributes"] is None


# --------------------------------------------------------------------------------- unreadable lines


def test_unreadable_lines_are_skipped_and_reported_by_line_number_never_by_value(
    tmp_path: Path, log_stream: io.StringIO, capsys: pytest.CaptureFixture[str]
) -> None:
    good = json.dumps({"username": "alice", "password_hash": bcrypt_hash()})
    text = f'{good}\n{{"username": "secret-value-1", \n[1, 2]\n{{"password_hash": "x"}}\n\n'
    url = write(tmp_path / "users.json", text)
    trigger = _trigger(log_stream, {"url": url, "file": {"format": "auth0"}})
    assert _sign_in(trigger, "alice")["response"]["finalUserStatus"] == "CONFIRMED"
    err = capsys.readouterr().err
    assert "3 unreadable line(s) skipped: line 2: not valid JSON; line 3: not a JSON object; line 4: no username" in err
    assert "secret-value-1" not in err


def test_a_line_nested_deeper_than_python_recurses_is_one_unreadable_line_not_a_broken_file(
    tmp_path: Path, log_stream: io.StringIO, capsys: pytest.CaptureFixture[str]
) -> None:
    """Auth0's user_metadata is the user's to write (16 KB): brackets enough to exceed the recursion limit must
    cost that line only; it made the whole indexing fail, so every user's sign-in was an outage."""
    deep_list = '{"username": "mallory", "user_metadata": {"x": ' + "[" * 8000 + "]" * 8000 + "}}"
    deep_object = '{"username": "mallory2", "user_metadata": ' + '{"a":' * 3000 + "1" + "}" * 3000 + "}"
    good = json.dumps({"username": "alice", "password_hash": bcrypt_hash()})
    url = write(tmp_path / "users.json", f"{deep_list}\n{deep_object}\n{good}\n")
    trigger = _trigger(log_stream, {"url": url, "file": {"format": "auth0"}})
    assert _sign_in(trigger, "alice")["response"]["finalUserStatus"] == "CONFIRMED"
    assert "line 1: nested too deeply; line 2: nested too deeply" in capsys.readouterr().err


def test_a_csv_quote_never_closed_is_an_outage_not_every_later_user_unknown(
    tmp_path: Path, log_stream: io.StringIO
) -> None:
    """The reader took every line after the quote into one field: one 'unreadable line' was reported while the
    users after it answered as unknown (a rejection, logged unknown_user) instead of an outage."""
    hashed = bcrypt_hash()
    text = f'login,hash\nalice,{hashed}\nbob,"unclosed\ncarol,{hashed}\ndave,{hashed}\n'
    url = write(tmp_path / "users.csv", text)
    trigger = _trigger(log_stream, {"url": url, "file": {"format": "csv"},
                                    "columns": {"username": "login", "password_hash": "hash"}})  # fmt: skip
    with pytest.raises(TriggerFailure, match=UNAVAILABLE):
        _sign_in(trigger, "carol")
    assert _records(log_stream)[-1]["detail"] == (
        "the user file cannot be read as csv: line 3: a quoted field is never closed (the file cannot be read past it)"
    )


def test_a_file_with_no_readable_user_is_an_outage_not_an_unknown_user(tmp_path: Path, log_stream: io.StringIO) -> None:
    url = write(tmp_path / "users.csv", "a,b\n1,2\n")
    trigger = _trigger(log_stream, {"url": url, "file": {"format": "jsonl"},
                                    "columns": {"username": "a", "password_hash": "b"}})  # fmt: skip
    for _ in range(2):
        with pytest.raises(TriggerFailure, match=UNAVAILABLE):
            _sign_in(trigger, "alice")
    assert [r["detail"] for r in _records(log_stream)] == [
        "the user file holds no readable user (2 unreadable line(s))"
    ] * 2


def test_a_missing_file_is_an_outage_that_names_the_file(tmp_path: Path, log_stream: io.StringIO) -> None:
    trigger = _trigger(log_stream, {"url": str(tmp_path / "gone.json"), "file": {"format": "auth0"}})
    with pytest.raises(TriggerFailure, match=UNAVAILABLE):
        _sign_in(trigger, "alice")
    assert _records(log_stream)[0]["detail"].endswith("gone.json: No such file or directory")


# ------------------------------------------------------------------------------- load and deadline


class _SlowFile(LocalFile):
    """A local file read in small steps, each taking a while: a big file on a slow disk."""

    def __init__(self, path: str, pause: float) -> None:
        super().__init__(path)
        self.pause = pause
        self.steps = 0

    def step(self, deadline: Deadline | None = None) -> None:
        time.sleep(self.pause)
        self.steps += 1
        super().step(deadline)


def test_a_load_that_cannot_finish_in_the_deadline_is_an_outage_and_the_next_call_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cognito_migrate.stores import file as file_module

    users = [{"username": f"user{i}", "password_hash": "$2b$04$" + "x" * 53} for i in range(50)]
    path = write(tmp_path / "users.json", ndjson(users))
    monkeypatch.setattr(file_module, "_LOCAL_CHUNK", 256)  # many steps
    source = _SlowFile(path, pause=0.02)
    store = FileUserStore(source, file_format="auth0", columns={"username": "username", "password_hash":
                          "password_hash"}, lookup_fields=["username"], load_reserve=0.05)  # fmt: skip
    with pytest.raises(LegacyUnavailableError, match=r"still loading \(.* MB read\)"):
        store.find("user7", fields=["username"], deadline=Deadline(0.1))
    first = source.steps
    assert 0 < first < 30
    with pytest.raises(LegacyUnavailableError, match="still loading"):
        store.find("user7", fields=["username"], deadline=Deadline(0.1))
    assert source.steps > first  # carried on, not started again
    found = store.find("user7", fields=["username"], deadline=Deadline(30))
    assert found is not None
    assert found.user.username == "user7"
    assert store.loaded


def test_the_load_is_not_counted_as_a_lookup_in_the_rejection_floor(
    tmp_path: Path, log_stream: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first invocation of a container loads the file: that time is a lap of its own, and the floor's
    lookup mark (what every later rejection waits for) holds only the lookup."""
    from cognito_migrate.stores import file as file_module

    path = write(tmp_path / "users.json", ndjson(auth0_users()))
    original = file_module.LocalFile.step

    def slow_step(self: LocalFile, deadline: Deadline | None = None) -> None:
        time.sleep(0.2)
        original(self, deadline)

    monkeypatch.setattr(file_module.LocalFile, "step", slow_step)
    trigger = _trigger(log_stream, {"url": path, "file": {"format": "auth0"}})
    assert _sign_in(trigger, "nobody")["response"]["userAttributes"] is None
    [record] = _records(log_stream)
    assert record["latency_ms"]["load"] >= 200
    floor = trigger._service._floor  # the mark the next rejections wait for
    assert floor._lookup_s * 1000 < record["latency_ms"]["load"]
    assert floor._lookup_s * 1000 == pytest.approx(record["latency_ms"]["lookup"], abs=1)


def test_config_validate_loads_the_whole_file_whatever_its_deadline(tmp_path: Path) -> None:
    """``describe`` (config validate) is a command, not a sign-in: it waits for the load, then answers."""
    path = write(tmp_path / "users.json", ndjson(auth0_users()))
    store = FileUserStore(_SlowFile(path, pause=0.05), file_format="auth0", lookup_fields=["username", "email"],
                          columns={"username": "username", "password_hash": "password_hash", "email": "email"})  # fmt: skip
    described = store.describe(Deadline(0.01))
    assert set(described) == {"username", "email"}
    assert all(names is not None and "user_id" in names for names in described.values())


def test_firebase_users_sign_in_by_phone_number(tmp_path: Path, log_stream: io.StringIO) -> None:
    url = write(tmp_path / "users.json", firebase_json(firebase_users()))
    trigger = _trigger(log_stream, {"url": url, "file": {"format": "firebase_json"}}, hashing=FIREBASE_HASHING,
                       pool={"username_attributes": ["phone_number"]})  # fmt: skip
    response = _sign_in(trigger, "+14325551213", FIREBASE_PASSWORD)["response"]
    assert response["userAttributes"]["phone_number"] == "+14325551213"
    assert _sign_in(trigger, "+14325559999", FIREBASE_PASSWORD)["response"]["userAttributes"] is None


def test_an_indexing_that_fails_half_way_is_an_outage_never_a_partial_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Users after the failure must not become "unknown": the store refuses every lookup instead."""
    from cognito_migrate.stores.file_formats import FileFormat

    path = write(tmp_path / "users.json", ndjson(auth0_users()))
    original = FileFormat.records

    def failing(self: FileFormat, blob: Any) -> Any:
        for count, record in enumerate(original(self, blob)):
            if count == 2:
                raise MemoryError
            yield record

    monkeypatch.setattr(FileFormat, "records", failing)
    store = FileUserStore(LocalFile(path), file_format="auth0", lookup_fields=["username"],
                          columns={"username": "username", "password_hash": "password_hash"})  # fmt: skip
    for _ in range(2):
        with pytest.raises(LegacyUnavailableError, match=r"could not be indexed \(MemoryError\)"):
            store.find("alice", fields=["username"], deadline=Deadline(5))
    assert not store.loaded

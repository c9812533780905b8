"""Attack review (issue 8, section 4): hostile passwords, stored values kept verbatim, and sign-in names
that the legacy database matches more loosely than the pool's case rule."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from cognito_migrate import hashing
from cognito_migrate.handler import REJECTED, TriggerFailure
from cognito_migrate.testing import LambdaContext, make_event
from tests.conftest import GOOD, log_records
from tests.legacy import AspNetUser, create_aspnet_sqlite

if TYPE_CHECKING:
    import io
    from collections.abc import Callable
    from pathlib import Path

    from cognito_migrate.handler import Trigger

PLAINTEXT = "Corr3ct-Horse!"


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Rows an attacker or a sloppy import can leave behind, each with a sign-in that used to work."""
    path = tmp_path_factory.mktemp("hostile") / "aspnet.db"
    users = [
        AspNetUser("empty", hashing.create("bcrypt", "", cost={"rounds": 4}), email="empty@example.com"),
        AspNetUser("padded", f"{{noop}}{PLAINTEXT}   ", email="padded@example.com"),
        AspNetUser("admin", hashing.create("bcrypt", GOOD, cost={"rounds": 4}), email="admin@example.com"),
        AspNetUser("strasse", hashing.create("bcrypt", GOOD, cost={"rounds": 4}), email="strasse@example.com"),
    ]
    return create_aspnet_sqlite(str(path), users)


def sign_in(trigger: Trigger, username: str, password: str) -> dict[str, object]:
    response: dict[str, object] = trigger(make_event(username, password), LambdaContext())["response"]
    return response


@pytest.mark.parametrize("password", ["\x00", "\x00" * 8, "pass\nword", "tab\there", "esc\x1b", "del\x7f", "c1\x85"])
def test_a_password_with_control_characters_is_rejected_unread(
    make_trigger: Callable[..., Trigger], hostile_db: str, log_stream: io.StringIO, password: str
) -> None:
    """NUL bytes matched bcrypt("") (bcrypt stops at NUL): no sign-in form sends such a password."""
    trigger = make_trigger(hostile_db, policy={"reset_required_on": []})
    assert sign_in(trigger, "empty", password)["userAttributes"] is None
    record = log_records(log_stream)[-1]
    assert (record["outcome"], record["reason"], record["field"]) == ("REJECTED", "refused_input", "request.password")
    assert password not in log_stream.getvalue()


def test_a_refused_password_gets_the_one_rejection_answer(
    make_trigger: Callable[..., Trigger], hostile_db: str
) -> None:
    trigger = make_trigger(hostile_db, trigger={"on_reject": "raise"})
    for username, password in (("empty", "\x00\x00"), ("admin", "Wrong-Password-1")):
        with pytest.raises(TriggerFailure) as info:
            sign_in(trigger, username, password)
        assert str(info.value) == REJECTED


def test_a_stored_plaintext_is_compared_with_its_blanks(
    make_trigger: Callable[..., Trigger], hostile_db: str, log_stream: io.StringIO
) -> None:
    """The row holds the password with three trailing blanks: only that password is the right one."""
    trigger = make_trigger(hostile_db, policy={"reset_required_on": []})
    assert sign_in(trigger, "padded", PLAINTEXT)["userAttributes"] is None
    assert log_records(log_stream)[-1]["reason"] == "wrong_password"
    assert sign_in(trigger, "padded", PLAINTEXT + "   ")["finalUserStatus"] == "CONFIRMED"


@pytest.mark.parametrize("login", ["adm\u0131n", "\u017ftrasse"])
def test_a_case_insensitive_pool_refuses_names_only_dotnet_upper_casing_matches(
    make_trigger: Callable[..., Trigger], hostile_db: str, log_stream: io.StringIO, login: str
) -> None:
    """The preset looks up ToUpperInvariant(login): dotless i and long s fold to I and S there, not in Cognito."""
    trigger = make_trigger(hostile_db, pool={"case_sensitive": False})
    assert sign_in(trigger, login, GOOD)["userAttributes"] is None
    record = log_records(log_stream)[-1]
    assert (record["outcome"], record["reason"]) == ("REJECTED", "case_mismatch")


def test_a_case_insensitive_pool_accepts_the_legacy_name_in_any_letter_case(
    make_trigger: Callable[..., Trigger], hostile_db: str
) -> None:
    trigger = make_trigger(hostile_db, pool={"case_sensitive": False})
    assert sign_in(trigger, "AdMiN", GOOD)["finalUserStatus"] == "CONFIRMED"
    assert sign_in(trigger, "STRASSE", GOOD)["finalUserStatus"] == "CONFIRMED"


def test_an_email_alias_the_database_matched_loosely_is_refused(
    make_trigger: Callable[..., Trigger], tmp_path: Path, log_stream: io.StringIO
) -> None:
    """The email alias follows the same rule as the user name (NormalizedEmail is upper-cased too)."""
    url = create_aspnet_sqlite(
        str(tmp_path / "alias.db"),
        [AspNetUser("kate", hashing.create("bcrypt", GOOD, cost={"rounds": 4}), email="kit@example.com")],
    )
    trigger = make_trigger(url, pool={"case_sensitive": False, "alias_attributes": ["email"]})
    assert sign_in(trigger, "k\u0131t@example.com", GOOD)["userAttributes"] is None
    assert log_records(log_stream)[-1]["reason"] == "case_mismatch"
    assert sign_in(trigger, "KIT@Example.com", GOOD)["userAttributes"] == {
        "email": "kit@example.com",
        "email_verified": "true",
        "username": "kate",
    }

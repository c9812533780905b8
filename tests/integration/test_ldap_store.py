"""The LDAP store through the trigger, against a real OpenLDAP slapd on loopback (tests/ldap_server.py).

Both verification modes, the rejections that must look alike (wrong password, unknown user, locked), filter
injection, anonymous binds, TLS, and outages (a closed port, a server that accepts and never answers)
answered before the invocation's deadline.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate import wiring
from cognito_migrate.config import settings_from_mapping
from cognito_migrate.handler import UNAVAILABLE, Trigger, TriggerFailure
from cognito_migrate.models import Deadline
from cognito_migrate.observability import InvocationLog
from cognito_migrate.stores.ldap import LdapUserStore
from cognito_migrate.testing import LambdaContext, make_event
from tests.faultproxy import FaultProxy
from tests.ldap_server import (
    GOOD,
    SEARCH_PASSWORD,
    Directory,
    Person,
    free_port,
    running_directory,
    start_directory,
    stop_directory,
    store_section,
)

if TYPE_CHECKING:
    import io
    from collections.abc import Iterator

pytestmark = [pytest.mark.slow, pytest.mark.ldap]


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Directory]:
    yield from running_directory(tmp_path_factory.mktemp("slapd"))


def _settings(directory: Directory, *, url: str | None = None, groups: Any = None, **ldap: Any) -> Any:
    store = store_section(directory, bind_password=SEARCH_PASSWORD, **ldap)
    if url is not None:
        store["url"] = url
    data = {
        "store": store,
        "hashing": {"dummy_scheme": "bcrypt", "dummy_cost": {"rounds": 4}},
        "pool": {"case_sensitive": False},
        "mapping": {"trust_emails": True},
        **({"groups": groups} if groups is not None else {}),
    }
    return settings_from_mapping(data, environ={})


def _trigger(directory: Directory, log_stream: io.StringIO, **kw: Any) -> Trigger:
    return Trigger(_settings(directory, **kw), log=InvocationLog(stream=log_stream, level="DEBUG"))


def _sign_in(trigger: Trigger, login: str, password: str = GOOD, *, seconds: float = 5.0) -> dict[str, Any]:
    return trigger(make_event(login, password), LambdaContext(int(seconds * 1000)))


def _records(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


@pytest.mark.parametrize("verify", ["bind", "hash"])
def test_a_right_password_migrates_with_the_entry_s_profile(
    directory: Directory, log_stream: io.StringIO, verify: str
) -> None:
    """{SSHA} (alice) and {CRYPT} (bob), written by slappasswd: the directory or the hash catalogue checks them."""
    trigger = _trigger(directory, log_stream, verify=verify)
    response = _sign_in(trigger, "alice")["response"]
    assert response["finalUserStatus"] == "CONFIRMED"
    assert response["userAttributes"] == {
        "email": "alice@example.com", "email_verified": "true", "phone_number": "+14325551212",
        "phone_number_verified": "false", "given_name": "Alice", "family_name": "Liddell", "name": "Alice Liddell",
    }  # fmt: skip
    assert _sign_in(trigger, "bob")["response"]["finalUserStatus"] == "CONFIRMED"
    schemes = [r.get("scheme") for r in _records(log_stream)]
    assert schemes == ([None, None] if verify == "bind" else ["ldap_ssha", "ldap_crypt"])
    assert GOOD not in log_stream.getvalue()


@pytest.mark.parametrize("verify", ["bind", "hash"])
def test_wrong_password_unknown_user_and_locked_are_one_rejection(
    directory: Directory, log_stream: io.StringIO, verify: str
) -> None:
    trigger = _trigger(directory, log_stream, verify=verify)
    answers = [
        _sign_in(trigger, "alice", "Wrong-Horse-9"),
        _sign_in(trigger, "nobody"),
        _sign_in(trigger, "dave"),  # ppolicy pwdAccountLockedTime, right password
    ]
    assert [a["response"]["userAttributes"] for a in answers] == [None, None, None]
    reasons = [r["reason"] for r in _records(log_stream)]
    # in bind mode slapd's ppolicy refuses the locked account's bind itself: to the store it is a wrong password
    locked = "wrong_password" if verify == "bind" else "locked_out"
    assert reasons == ["wrong_password", "unknown_user", locked]


@pytest.mark.parametrize("typed", ["Wrong\ue000Horse", "\u05d0Wrong-Horse", "Wrong\ufdd0"])
def test_a_password_stringprep_refuses_is_a_wrong_password_not_an_outage(
    directory: Directory, log_stream: io.StringIO, typed: str
) -> None:
    """A password with a private-use, bidi-mixed or non-character code point (none a control character, so
    parsing lets it through): for a known user it is one more wrong password, as for an unknown one. Had the
    client library refused it before sending, a known user would answer "unavailable" and an unknown one
    "rejected": a way to tell who exists."""
    trigger = _trigger(directory, log_stream)
    assert _sign_in(trigger, "alice", typed)["response"]["userAttributes"] is None
    assert _sign_in(trigger, "nobody", typed)["response"]["userAttributes"] is None
    assert [r["reason"] for r in _records(log_stream)] == ["wrong_password", "unknown_user"]


def test_the_password_is_sent_as_typed(tmp_path: Any, log_stream: io.StringIO) -> None:
    """The directory checks the UTF-8 bytes the user typed: SASLprep (NFKC, soft hyphens and other characters
    "mapped to nothing" removed) would send another password than the one the directory stores."""
    for typed in ("Soft\u00adHyphen-9", "Full\uff37idth-9"):
        people = (Person("zoe", password=typed, mail="zoe@example.com"),)
        directory = start_directory(tmp_path / f"slapd-{ord(typed[0])}", people)
        try:
            trigger = _trigger(directory, log_stream)
            assert _sign_in(trigger, "zoe", typed)["response"]["finalUserStatus"] == "CONFIRMED"
            prepared = typed.replace("\u00ad", "").replace("\uff37", "W")  # what SASLprep would have sent
            assert _sign_in(trigger, "zoe", prepared)["response"]["userAttributes"] is None
        finally:
            stop_directory(directory)


def test_the_unknown_user_costs_one_bind_against_nobody_without_the_typed_password(
    directory: Directory, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = wiring.build_store(_settings(directory))
    assert isinstance(store, LdapUserStore)
    binds: list[tuple[str, str]] = []
    real = store._bind_as

    def spy(dn: str, password: str, deadline: Deadline) -> tuple[bool, str]:
        binds.append((dn, password))
        return real(dn, password, deadline)

    monkeypatch.setattr(store, "_bind_as", spy)
    found = store.find("alice", fields=["username"], deadline=Deadline(5))
    assert found is not None
    assert store.check_password(found.user, "Wrong-Horse-9", Deadline(5)) is False
    store.spend_check("Wrong-Horse-9", Deadline(5))
    (alice_dn, _), (nobody_dn, nobody_password) = binds
    assert alice_dn == "uid=alice,ou=people,dc=example,dc=com"
    assert nobody_dn.startswith("cn=cognito-migrate-nobody-") and nobody_dn.endswith(",ou=people,dc=example,dc=com")
    assert nobody_password != "Wrong-Horse-9"
    store.close()


def _holds(value: Any, secret: str, depth: int = 0) -> bool:
    """Whether ``value`` (an object's attributes, containers, bytes) holds ``secret`` anywhere within 4 levels."""
    if isinstance(value, str | bytes):
        return secret in (value if isinstance(value, str) else value.decode("latin-1"))
    if depth > 4:
        return False
    if isinstance(value, dict):
        return any(_holds(k, secret, depth + 1) or _holds(v, secret, depth + 1) for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return any(_holds(v, secret, depth + 1) for v in value)
    attributes = getattr(value, "__dict__", None)
    return attributes is not None and _holds(attributes, secret, depth + 1)


def test_no_password_stays_on_the_kept_connections(directory: Directory) -> None:
    """ldap3 keeps the last bind's password on the connection and in its copy of the request: dropped."""
    store = wiring.build_store(_settings(directory))
    assert isinstance(store, LdapUserStore)
    found = store.find("alice", fields=["username"], deadline=Deadline(5))
    assert found is not None
    assert store.check_password(found.user, GOOD, Deadline(5)) is True
    assert store.check_password(found.user, "Wrong-Horse-9", Deadline(5)) is False
    for conn in (store._search, store._binds):
        assert conn is not None
        assert not _holds(conn, GOOD), "a password stayed on a kept connection"
        assert not _holds(conn, "Wrong-Horse-9"), "a password stayed on a kept connection"
        assert not _holds(conn, SEARCH_PASSWORD), "the search account's password stayed on a kept connection"
    store.close()


def test_an_empty_password_or_dn_never_binds(directory: Directory) -> None:
    """An unauthenticated bind (a DN, no password) succeeds on many servers: it must never count."""
    store = wiring.build_store(_settings(directory))
    found = store.find("alice", fields=["username"], deadline=Deadline(5))
    assert found is not None
    assert store.check_password(found.user, "", Deadline(5)) is False
    no_dn = found.user._replace(profile={**found.user.profile, "dn": ""})
    assert store.check_password(no_dn, GOOD, Deadline(5)) is False
    store.close()


@pytest.mark.parametrize("login", ["*", "al*", ")(uid=*", "alice)(|(uid=*", "*)(objectClass=*", "\\2a", "star*"])
def test_filter_metacharacters_are_literal(directory: Directory, log_stream: io.StringIO, login: str) -> None:
    """An injected ``*`` or ``)(`` is part of the value searched for: nobody matches, nobody migrates."""
    response = _sign_in(_trigger(directory, log_stream), login)["response"]
    assert response["userAttributes"] is None
    assert _records(log_stream)[-1]["reason"] == "unknown_user"


def test_a_name_with_a_star_is_found_literally(directory: Directory, log_stream: io.StringIO) -> None:
    response = _sign_in(_trigger(directory, log_stream), "star*name")["response"]
    assert response["finalUserStatus"] == "CONFIRMED"


def test_sign_in_by_email_and_an_email_shared_by_two_entries(directory: Directory, log_stream: io.StringIO) -> None:
    data = {"store": store_section(directory, bind_password=SEARCH_PASSWORD),
            "pool": {"username_attributes": ["email"]}, "mapping": {"trust_emails": True},
            "hashing": {"dummy_scheme": "bcrypt", "dummy_cost": {"rounds": 4}}}  # fmt: skip
    trigger = Trigger(settings_from_mapping(data, environ={}), log=InvocationLog(stream=log_stream, level="DEBUG"))
    assert _sign_in(trigger, "alice@example.com")["response"]["finalUserStatus"] == "CONFIRMED"
    assert _sign_in(trigger, "shared@example.com")["response"]["userAttributes"] is None
    assert _records(log_stream)[-1]["reason"] == "ambiguous"


def test_ppolicy_pwd_reset_migrates_as_reset_required(directory: Directory, log_stream: io.StringIO) -> None:
    response = _sign_in(_trigger(directory, log_stream), "erin")["response"]
    assert response["finalUserStatus"] == "RESET_REQUIRED"


def test_ldaps_is_verified_and_the_ca_file_makes_it_trusted(directory: Directory, log_stream: io.StringIO) -> None:
    trusted = _trigger(directory, log_stream, url=directory.ldaps_url, ca_file=directory.ca_file)
    assert _sign_in(trusted, "alice")["response"]["finalUserStatus"] == "CONFIRMED"
    untrusted = _trigger(directory, log_stream, url=directory.ldaps_url)
    with pytest.raises(TriggerFailure) as info:
        _sign_in(untrusted, "alice")
    assert str(info.value) == UNAVAILABLE
    assert "certificate verify failed" in _records(log_stream)[-1]["detail"]


def test_a_certificate_for_another_host_name_is_refused(directory: Directory, log_stream: io.StringIO) -> None:
    """The certificate names localhost: reached as 127.0.0.1, the trusted CA is not enough."""
    url = directory.ldaps_url.replace("localhost", "127.0.0.1")
    with pytest.raises(TriggerFailure):
        _sign_in(_trigger(directory, log_stream, url=url, ca_file=directory.ca_file), "alice")
    assert "certificate does not match the host" in _records(log_stream)[-1]["detail"]


def test_start_tls_is_verified_and_used(directory: Directory, log_stream: io.StringIO) -> None:
    trusted = _trigger(directory, log_stream, start_tls=True, ca_file=directory.ca_file)
    assert _sign_in(trusted, "alice")["response"]["finalUserStatus"] == "CONFIRMED"
    with pytest.raises(TriggerFailure):
        _sign_in(_trigger(directory, log_stream, start_tls=True), "alice")
    assert _records(log_stream)[-1]["outcome"] == "LEGACY_UNAVAILABLE"


def test_start_tls_that_did_not_start_never_binds_in_clear(
    directory: Directory, log_stream: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ldap3 answers False, without raising, when it does not start TLS (operations in progress, say): that
    must fail closed, not go on to send the search account's and the user's passwords in clear."""
    import ldap3

    monkeypatch.setattr(ldap3.Connection, "start_tls", lambda self, read_server_info=True: False)
    trigger = _trigger(directory, log_stream, start_tls=True, ca_file=directory.ca_file)
    with pytest.raises(TriggerFailure):
        _sign_in(trigger, "alice")
    assert _records(log_stream)[-1]["outcome"] == "LEGACY_UNAVAILABLE"


def test_a_closed_port_is_an_outage(directory: Directory, log_stream: io.StringIO) -> None:
    trigger = _trigger(directory, log_stream, url=f"ldap://127.0.0.1:{free_port()}")
    with pytest.raises(TriggerFailure) as info:
        _sign_in(trigger, "alice")
    assert str(info.value) == UNAVAILABLE
    record = _records(log_stream)[-1]
    assert (record["outcome"], record["reason"]) == ("LEGACY_UNAVAILABLE", "store_error")
    assert "connection refused" in record["detail"]


class _Silent:
    """A TCP listener on loopback that accepts connections and never answers (a hung directory)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        self.sock.settimeout(0.1)
        for _ in range(200):  # bounded: 20 s at most
            try:
                self.accepted.append(self.sock.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    def close(self) -> None:
        for conn in self.accepted:
            conn.close()
        self.sock.close()


@pytest.fixture
def silent() -> Iterator[_Silent]:
    server = _Silent()
    yield server
    server.close()


@pytest.mark.parametrize("verify", ["bind", "hash"])
def test_a_server_that_never_answers_is_an_outage_before_the_deadline(
    directory: Directory, log_stream: io.StringIO, silent: _Silent, verify: str
) -> None:
    """1 s of Lambda budget (0.7 s after the safety margin): answered in time, whatever the timeouts say."""
    trigger = _trigger(directory, log_stream, url=f"ldap://127.0.0.1:{silent.port}", verify=verify, read_timeout=4)
    started = time.monotonic()
    with pytest.raises(TriggerFailure):
        _sign_in(trigger, "alice", seconds=1.0)
    assert time.monotonic() - started < 1.0
    assert _records(log_stream)[-1]["outcome"] == "LEGACY_UNAVAILABLE"


def test_a_directory_that_hangs_mid_session_is_an_outage_and_the_next_call_recovers(
    directory: Directory, log_stream: io.StringIO
) -> None:
    port = directory.url.rsplit(":", 1)[1]
    with FaultProxy(("127.0.0.1", int(port))) as proxy:
        trigger = _trigger(directory, log_stream, url=f"ldap://127.0.0.1:{proxy.port}", read_timeout=4)
        assert _sign_in(trigger, "alice")["response"]["finalUserStatus"] == "CONFIRMED"
        proxy.blackhole()
        started = time.monotonic()
        with pytest.raises(TriggerFailure):
            _sign_in(trigger, "bob", seconds=1.0)
        assert time.monotonic() - started < 1.0
        proxy.heal()
        assert _sign_in(trigger, "bob")["response"]["finalUserStatus"] == "CONFIRMED"


def test_a_connection_the_directory_closed_is_reopened_once(directory: Directory, log_stream: io.StringIO) -> None:
    """An idle connection closed by the server (AD does after 15 minutes) is not an outage."""
    port = directory.url.rsplit(":", 1)[1]
    with FaultProxy(("127.0.0.1", int(port))) as proxy:
        trigger = _trigger(directory, log_stream, url=f"ldap://127.0.0.1:{proxy.port}")
        assert _sign_in(trigger, "alice")["response"]["finalUserStatus"] == "CONFIRMED"
        proxy.kill()
        assert _sign_in(trigger, "bob")["response"]["finalUserStatus"] == "CONFIRMED"


def test_a_refused_search_account_is_an_outage_not_a_rejection(directory: Directory, log_stream: io.StringIO) -> None:
    settings = settings_from_mapping(
        {"store": store_section(directory, bind_password="not-the-password"),
         "hashing": {"dummy_scheme": "bcrypt", "dummy_cost": {"rounds": 4}}}, environ={}
    )  # fmt: skip
    trigger = Trigger(settings, log=InvocationLog(stream=log_stream, level="DEBUG"))
    with pytest.raises(TriggerFailure):
        _sign_in(trigger, "alice")
    assert "refused the search account's bind" in _records(log_stream)[-1]["detail"]


def test_the_bind_password_is_a_secret_reference(
    directory: Directory, log_stream: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cognito_migrate import secrets

    monkeypatch.setenv("LDAP_TEST_BIND_PASSWORD", SEARCH_PASSWORD)
    secrets.clear_cache()
    data = {"store": store_section(directory), "hashing": {"dummy_scheme": "bcrypt", "dummy_cost": {"rounds": 4}}}
    trigger = Trigger(settings_from_mapping(data, environ={}), log=InvocationLog(stream=log_stream))
    assert _sign_in(trigger, "alice")["response"]["finalUserStatus"] == "CONFIRMED"


def test_audit_enumerates_every_entry_in_pages(directory: Directory) -> None:
    store = wiring.build_store(_settings(directory, verify="hash"))
    assert store.count() == 8
    batches = list(store.scan(batch_size=3))
    assert [len(b) for b in batches] == [3, 3, 2]
    names = sorted(u.username for b in batches for u in b if not isinstance(u, Exception))
    assert names == ["alice", "bob", "carol", "dave", "erin", "ivan", "judy", "star*name"]
    users = {u.username: u for b in batches for u in b if not isinstance(u, Exception)}
    assert users["dave"].locked_out
    assert users["alice"].credential is not None and users["alice"].credential.stored.startswith("{SSHA}")
    assert "userPassword" not in users["alice"].profile


def test_hash_mode_samples_a_real_credential(directory: Directory) -> None:
    store = wiring.build_store(_settings(directory, verify="hash"))
    sample = store.sample_credential(Deadline(5))
    assert sample is not None and sample.stored.startswith(("{SSHA}", "{CRYPT}"))
    assert wiring.build_store(_settings(directory)).sample_credential(Deadline(5)) is None  # bind mode: none


def test_a_missing_base_dn_is_an_outage_that_names_it(directory: Directory) -> None:
    store = wiring.build_store(_settings(directory, base_dn="ou=nowhere,dc=example,dc=com"))
    with pytest.raises(Exception, match=r"base_dn 'ou=nowhere,dc=example,dc=com' does not exist"):
        store.describe(Deadline(5))


def test_groups_come_from_member_of_and_a_group_search(directory: Directory) -> None:
    """memberOf values are DNs: the group is the first RDN's value, unescaped ("Staff, Berlin")."""
    groups = {"map": {"admins": "Admins"}}
    store = wiring.build_store(_settings(directory, groups=groups))
    found = store.find("alice", fields=["username"], deadline=Deadline(5))
    assert found is not None
    assert store.groups(found.user, Deadline(5)) == ("admins", "Staff, Berlin")

    searched = wiring.build_store(_settings(
        directory, groups=groups, group_filter="(&(objectClass=groupOfNames)(member={dn}))",
        group_base_dn="ou=groups,dc=example,dc=com",
    ))  # fmt: skip
    bob = searched.find("bob", fields=["username"], deadline=Deadline(5))
    assert bob is not None
    assert searched.groups(bob.user, Deadline(5)) == ("staff",)  # memberOf and the search agree: once each

    without = wiring.build_store(_settings(directory))  # no [groups]: memberOf is not even read
    plain = without.find("alice", fields=["username"], deadline=Deadline(5))
    assert plain is not None and plain.user.groups == () and "memberOf" not in plain.user.profile


def test_a_group_base_dn_scopes_member_of(directory: Directory) -> None:
    """With group_base_dn, a memberOf DN elsewhere in the directory does not count (a group is named by its CN
    alone, and a group of that name can be made in any OU)."""
    groups = {"map": {"admins": "Admins"}}
    inside = wiring.build_store(_settings(directory, groups=groups, group_base_dn="ou=groups,dc=example,dc=com"))
    found = inside.find("alice", fields=["username"], deadline=Deadline(5))
    assert found is not None and found.user.groups == ("admins", "Staff, Berlin")
    elsewhere = wiring.build_store(_settings(directory, groups=groups, group_base_dn="ou=system,dc=example,dc=com"))
    found = elsewhere.find("alice", fields=["username"], deadline=Deadline(5))
    assert found is not None and found.user.groups == ()

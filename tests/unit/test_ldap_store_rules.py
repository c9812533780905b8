"""The LDAP store's rules that need no server: filter templates, the configuration's checks, and the account
state of Active Directory and OpenLDAP entries (no AD server here: its attributes are given as a row)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cognito_migrate.config import settings_from_mapping
from cognito_migrate.errors import ConfigError, MalformedRecordError
from cognito_migrate.stores.ldap import COLUMNS, LdapRowReader, ad_password_right, decode_value, directory_state
from cognito_migrate.stores.ldap_filters import every_user, fill, filter_problem, group_filter_problem, rdn_value

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


def _filetime(when: dt.datetime) -> str:
    return str(int((when - dt.datetime(1601, 1, 1, tzinfo=dt.UTC)).total_seconds() * 10_000_000))


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({}, (False, False, False)),
        ({"userAccountControl": "512"}, (False, False, False)),  # NORMAL_ACCOUNT
        ({"userAccountControl": "514"}, (True, False, False)),  # + ACCOUNTDISABLE
        ({"userAccountControl": "528"}, (False, True, False)),  # + LOCKOUT
        ({"userAccountControl": "512", "msDS-User-Account-Control-Computed": "16"}, (False, True, False)),
        ({"msDS-User-Account-Control-Computed": str(0x800000)}, (False, False, True)),  # PASSWORD_EXPIRED
        ({"pwdLastSet": "0"}, (False, False, True)),  # must change at next logon
        ({"pwdLastSet": "133000000000000000"}, (False, False, False)),
        ({"lockoutTime": "133000000000000000"}, (False, True, False)),
        ({"lockoutTime": "0"}, (False, False, False)),
        ({"accountExpires": "0"}, (False, False, False)),
        ({"accountExpires": str(0x7FFFFFFFFFFFFFFF)}, (False, False, False)),
        ({"accountExpires": _filetime(NOW - dt.timedelta(days=1))}, (True, False, False)),
        ({"accountExpires": _filetime(NOW + dt.timedelta(days=1))}, (False, False, False)),
        ({"pwdAccountLockedTime": "000001010000Z"}, (False, True, False)),  # OpenLDAP ppolicy
        ({"pwdReset": "TRUE"}, (False, False, True)),
        ({"pwdReset": "FALSE"}, (False, False, False)),
        ({"USERACCOUNTCONTROL": "514"}, (True, False, False)),  # attribute names have no case
    ],
)
def test_account_state(row: dict[str, Any], expected: tuple[bool, bool, bool]) -> None:
    assert directory_state(row, now=NOW) == expected


def test_a_state_attribute_that_is_not_a_number_is_a_malformed_record_naming_it() -> None:
    with pytest.raises(MalformedRecordError, match="userAccountControl"):
        directory_state({"userAccountControl": "lots"})


def test_the_reader_takes_the_first_attribute_present_and_the_state() -> None:
    """The same defaults read an inetOrgPerson and an AD user."""
    reader = LdapRowReader(COLUMNS)
    ad = {"dn": "CN=Ann,OU=Staff,DC=corp", "uid": None, "sAMAccountName": "ann", "mail": "ann@corp.example",
          "mobile": None, "telephoneNumber": "+14325551212", "userAccountControl": "514", "pwdLastSet": "0"}  # fmt: skip
    user = reader.read(ad)
    assert (user.username, user.email, user.phone_number) == ("ann", "ann@corp.example", "+14325551212")
    assert user.disabled and user.must_change_password and not user.locked_out
    person = {"dn": "uid=bo,ou=people,dc=x", "uid": "bo", "sAMAccountName": None, "mail": None, "mobile": "+1555"}
    assert reader.read(person).username == "bo"
    with pytest.raises(MalformedRecordError, match="uid"):
        reader.read({"dn": "cn=x", "uid": None, "sAMAccountName": None})


def test_ad_sub_codes_that_mean_the_password_was_right() -> None:
    assert ad_password_right("80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 773, v4563")
    assert ad_password_right("80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 532, v4563")
    assert not ad_password_right("80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 52e, v4563")
    assert not ad_password_right("")


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("(uid={username})", None),
        ("(|(sAMAccountName={username})(userPrincipalName={username})(mail={username}))", None),
        ("(&(objectClass=person)(uid={username}))", None),
        ("uid={username}", "expected one filter in parentheses"),
        ("(uid=alice)", "must contain the placeholder"),
        ("(uid={user})", "must contain the placeholder"),
        ("(uid={username})(cn={cn})", "the only placeholder"),
        ("(uid={username})(mail={username})", "unbalanced parentheses"),
        ("((uid={username})", "unbalanced parentheses"),
        ("(uid={username}))", "unbalanced parentheses"),
    ],
)
def test_filter_templates(template: str, problem: str | None) -> None:
    found = filter_problem(template)
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_filters_are_filled_with_the_escaped_value_and_listed_with_presence() -> None:
    assert fill("(|(uid={username})(mail={username}))", "a\\2a") == "(|(uid=a\\2a)(mail=a\\2a))"
    assert every_user("(&(objectClass=person)(uid={username}))") == "(&(objectClass=person)(uid=*))"


def _ldap(**ldap: Any) -> dict[str, Any]:
    base = {"bind_dn": "cn=migrator,dc=x", "bind_password": "env:BIND", "base_dn": "dc=x", "user_filter": "(uid={username})"}
    return {"store": {"type": "ldap", "url": "ldaps://dc.example.com", "ldap": {**base, **ldap}}}


def test_the_minimal_configuration_is_five_keys() -> None:
    settings = settings_from_mapping(_ldap(), environ={})
    assert settings.store.ldap.verify == "bind"
    assert settings.store.ldap.email_filter == "(mail={username})"


@pytest.mark.parametrize(
    ("data", "key", "problem"),
    [
        ({"store": {"type": "ldap", "url": "ldap://x"}}, "store.ldap.bind_dn", "required"),
        ({"store": {"type": "ldap", "url": "ldap://x"}}, "store.ldap.user_filter", "required"),
        ({**_ldap(), "store": {**_ldap()["store"], "url": "https://x"}}, "store.url", "ldap:// or ldaps://"),
        (_ldap(start_tls=True), "store.ldap.start_tls", "StartTLS is for ldap:// URLs"),
        (_ldap(verify="kerberos"), "store.ldap.verify", "one of bind, hash"),
        (_ldap(base_dn="people"), "store.ldap.base_dn", "distinguished name"),
        ({**_ldap(), "pool": {"alias_attributes": ["phone_number"]}}, "store.ldap.phone_filter", "required"),
        ({"store": {**_ldap()["store"], "query": "SELECT 1 WHERE :username"}}, "store.query", "not used"),
    ],
)
def test_configuration_problems_name_the_key(data: dict[str, Any], key: str, problem: str) -> None:
    with pytest.raises(ConfigError) as info:
        settings_from_mapping(data, environ={})
    assert any(k == key and problem in p for k, p in info.value.problems), info.value.problems


def test_the_bind_password_is_a_secret_setting() -> None:
    """Written in clear, `config validate` warns and `package` refuses it, as for the other secrets."""
    from cognito_migrate.secrets import in_clear

    assert in_clear({"store": {"ldap": {"bind_password": "hunter2"}}}) == ["store.ldap.bind_password"]
    assert in_clear({"store": {"ldap": {"bind_password": "ssm:/ldap/bind"}}}) == []


def test_ad_binary_identifiers_read_as_their_usual_strings() -> None:
    import struct
    import uuid

    guid = uuid.UUID("8b2e5a0c-3f1d-4c6e-9a7b-1d2e3f4a5b6c")
    assert decode_value("objectGUID", guid.bytes_le) == str(guid)
    sid = bytes([1, 5]) + (5).to_bytes(6, "big") + struct.pack("<5I", 21, 1004336348, 1177238915, 682003330, 1013)
    assert decode_value("objectSid", sid) == "S-1-5-21-1004336348-1177238915-682003330-1013"
    assert decode_value("mail", "zoë@example.com".encode()) == "zoë@example.com"
    assert decode_value("jpegPhoto", b"\xff\xd8\xff") == b"\xff\xd8\xff"


@pytest.mark.parametrize(
    ("dn", "name"),
    [
        ("cn=admins,ou=groups,dc=example,dc=com", "admins"),
        ("CN=Staff\\, Berlin,OU=Groups,DC=corp", "Staff, Berlin"),
        ("cn=Staff\\2C Berlin,ou=groups", "Staff, Berlin"),  # the hex form slapd may answer with
        ("CN=Zo\\C3\\AB,OU=x", "Zoë"),  # UTF-8 bytes in hex
        ("cn=a+uid=b,dc=x", "a"),  # a multi-valued RDN: its first value
        ("Domain Users", "Domain Users"),  # not a DN: a name already
    ],
)
def test_a_group_dn_gives_its_first_rdn_value(dn: str, name: str) -> None:
    assert rdn_value(dn) == name


def test_group_filters_take_the_dn_or_the_user_name() -> None:
    assert group_filter_problem("(&(objectClass=groupOfNames)(member={dn}))") is None
    assert group_filter_problem("(&(objectClass=posixGroup)(memberUid={username}))") is None
    assert "placeholder" in (group_filter_problem("(objectClass=groupOfNames)") or "")
    assert "placeholders are" in (group_filter_problem("(member={user})(x={dn})") or "")
    assert fill("(member={dn})", "x", dn="uid=a\\2a,dc=x") == "(member=uid=a\\2a,dc=x)"
    assert fill("(|(member={dn})(memberUid={username}))", "{dn}", dn="d") == "(|(member=d)(memberUid={dn}))"


def test_the_reader_reads_every_member_of_value_as_a_group() -> None:
    reader = LdapRowReader({**COLUMNS, "groups": ("memberOf",)})
    row = {"dn": "uid=a,dc=x", "uid": "a", "memberOf": ["cn=admins,ou=g,dc=x", "cn=staff,ou=g,dc=x", "cn=admins,ou=h"]}
    assert reader.read(row).groups == ("admins", "staff")
    with pytest.raises(MalformedRecordError, match="memberOf"):
        reader.groups({**row, "memberOf": [b"\xff"]})
    unreadable = reader.read({**row, "memberOf": [b"\xff"]})  # the user still migrates, without groups
    assert unreadable.groups == ()
    assert unreadable.groups_problem is not None
    assert unreadable.groups_problem[0] == "memberOf"


def test_with_a_group_base_only_member_of_dns_below_it_count() -> None:
    # a group is named by its first RDN alone: "CN=Domain Admins" created in an OU someone else administers
    # must not pass for the real one once the groups' place is configured
    reader = LdapRowReader({**COLUMNS, "groups": ("memberOf",)}, group_base="OU=Groups,DC=corp,DC=example")
    row = {"dn": "uid=a,dc=x", "uid": "a", "memberOf": [
        "CN=Domain Admins,OU=Sales,DC=corp,DC=example",  # same name, another OU
        "cn=staff,ou=groups,dc=corp,dc=example",  # below it, spelled in another case
        "CN=Staff\\2C Berlin,OU=Teams,OU=Groups,DC=corp,DC=example",  # deeper below it
        "CN=x,OU=Groups\\,DC=corp,DC=example",  # an RDN value that only looks like the base
        "OU=Groups,DC=corp,DC=example",  # the base itself is no group
    ]}  # fmt: skip
    assert reader.read(row).groups == ("staff", "Staff, Berlin")
    assert LdapRowReader({**COLUMNS, "groups": ("memberOf",)}).read(row).groups[0] == "Domain Admins"  # unscoped


@pytest.mark.parametrize(
    ("url", "ldap", "warned"),
    [
        ("ldap://dc1.corp.example.com", {}, True),
        ("ldap://10.0.0.5:389", {"verify": "hash"}, True),
        ("ldap://dc1.corp.example.com", {"start_tls": True}, False),
        ("ldaps://dc1.corp.example.com", {}, False),
        ("ldap://localhost:3890", {}, False),
        ("ldap://127.0.0.1", {}, False),
        ("ldap://[::1]:389", {}, False),
    ],
)
def test_config_validate_warns_of_a_directory_reached_in_clear(url: str, ldap: dict[str, Any], warned: bool) -> None:
    # built without connecting; bind mode sends every user's password, hash mode reads every hash, and both
    # send the search account's password
    from cognito_migrate import wiring

    data = _ldap(**ldap)
    data["store"]["url"] = url
    notes = wiring.build_store(settings_from_mapping(data, environ={})).notes()
    assert bool(notes) is warned
    if warned:
        [note] = notes
        assert "without TLS" in note and ("hashes" if ldap.get("verify") == "hash" else "users' passwords") in note

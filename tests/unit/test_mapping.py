"""Legacy profile to Cognito attributes: names, values, contacts and the pool's username model."""

from __future__ import annotations

import datetime as dt

import pytest

from cognito_migrate.errors import MappingError
from cognito_migrate.mapping import AttributeMapper, UsernameModel
from cognito_migrate.mapping.contact import normalize_email, normalize_phone
from cognito_migrate.mapping.identity import CaseMismatchError, same_login
from cognito_migrate.models import LegacyUser


def user(**kw: object) -> LegacyUser:
    base: dict[str, object] = {"username": "alice", "credential": None, "profile": {}}
    base.update(kw)
    return LegacyUser(**base)  # type: ignore[arg-type]


def mapper(columns: dict[str, str] | None = None, **model: object) -> AttributeMapper:
    return AttributeMapper(columns=columns or {}, username_model=UsernameModel(**model), default_phone_region="GB")  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["sub", "username", "cognito:user_status", "colour", "custom:" + "x" * 21, "custom:"])
def test_attribute_names_cognito_refuses_fail_at_build_time(name: str) -> None:
    with pytest.raises(MappingError) as info:
        mapper({name: "col"})
    assert info.value.attribute == name


def test_managed_attributes_cannot_be_mapped_freely() -> None:
    with pytest.raises(MappingError):
        mapper({"email_verified": "Confirmed"})


def test_values_become_strings() -> None:
    profile = {
        "First": "  Ada ",
        "Born": dt.date(1815, 12, 10),
        "Changed": dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        "Admin": True,
        "Id": 42,
        "Empty": "",
        "Missing": None,
    }
    columns = {
        "given_name": "First",
        "birthdate": "Born",
        "updated_at": "Changed",
        "custom:admin": "Admin",
        "custom:legacy_id": "Id",
        "nickname": "Empty",
        "middle_name": "Missing",
    }
    attributes = mapper(columns).map(user(profile=profile), login="alice", matched_by="username").attributes
    assert attributes == {
        "given_name": "Ada",
        "birthdate": "1815-12-10",
        "updated_at": "1577836800",
        "custom:admin": "true",
        "custom:legacy_id": "42",
    }


def test_a_value_over_2048_characters_is_dropped_and_named() -> None:
    mapped = mapper({"profile": "Bio", "nickname": "Nick"}).map(
        user(profile={"Bio": "x" * 2049, "Nick": "ace"}), login="alice", matched_by="username"
    )
    assert mapped.attributes == {"nickname": "ace"}
    assert mapped.dropped == ("profile: value longer than 2048 characters",)


def test_on_invalid_reject_keeps_the_strict_behaviour() -> None:
    strict = AttributeMapper(
        columns={"profile": "Bio"}, username_model=UsernameModel(), default_phone_region="GB", on_invalid="reject"
    )
    with pytest.raises(MappingError) as info:
        strict.map(user(profile={"Bio": "x" * 2049}), login="alice", matched_by="username")
    assert info.value.attribute == "profile"
    with pytest.raises(MappingError):
        strict.map(user(phone_number="tbc"), login="alice", matched_by="username")


@pytest.mark.parametrize("junk", ["tbc", "n/a", "12", "+1 000 555 1212", "+44 20 7946 001"])
def test_an_invalid_phone_number_is_dropped_with_its_flag_and_the_user_migrates(junk: str) -> None:
    mapped = mapper().map(
        user(email="a@example.com", email_verified=True, phone_number=junk, phone_number_verified=True),
        login="alice",
        matched_by="username",
    )
    assert mapped.attributes == {"email": "a@example.com", "email_verified": "true"}
    assert len(mapped.dropped) == 1
    assert mapped.dropped[0].startswith("phone_number: ")
    assert junk not in mapped.dropped[0]  # the log names the attribute and the problem, never the value


def test_an_invalid_email_is_dropped_unless_the_user_signs_in_with_it() -> None:
    mapped = mapper().map(user(email="not-an-address", email_verified=True), login="alice", matched_by="username")
    assert mapped.attributes == {}
    assert mapped.dropped == ("email: not a valid e-mail address",)
    with pytest.raises(MappingError):  # an e-mail-as-username pool needs the address to sign the user in
        mapper(username_attributes=("email",)).map(
            user(email="not-an-address"), login="not-an-address", matched_by="email"
        )
    with pytest.raises(MappingError):  # a phone-as-username pool needs the number
        mapper(username_attributes=("phone_number",)).map(
            user(phone_number="tbc"), login="+14325551212", matched_by="phone_number"
        )


def test_trust_emails_marks_every_legacy_email_verified() -> None:
    trusting = AttributeMapper(columns={}, username_model=UsernameModel(), trust_emails=True)
    mapped = trusting.map(user(email="a@example.com", email_verified=False), login="alice", matched_by="username")
    assert mapped.attributes == {"email": "a@example.com", "email_verified": "true"}
    assert mapper().map(user(email="a@example.com"), login="alice", matched_by="username").attributes == {
        "email": "a@example.com",
        "email_verified": "false",
    }


def test_a_missing_column_is_named() -> None:
    with pytest.raises(MappingError, match="no column 'Nick'"):
        mapper({"nickname": "Nick"}).map(user(), login="alice", matched_by="username")


def test_verified_flags_come_from_the_legacy_flags_only() -> None:
    attributes = mapper().map(
        user(email="a@Example.COM", email_verified=False, phone_number="020 7946 0018", phone_number_verified=True),
        login="alice",
        matched_by="username",
    ).attributes
    assert attributes == {
        "email": "a@example.com",
        "email_verified": "false",
        "phone_number": "+442079460018",
        "phone_number_verified": "true",
    }


@pytest.mark.parametrize("bad", ["no-at-sign", "two@@example.com", "a@b", "spaces in@example.com", "a@-x.com"])
def test_bad_emails_are_refused(bad: str) -> None:
    with pytest.raises(MappingError):
        normalize_email(bad)


def test_phone_numbers_normalize_to_e164() -> None:
    assert normalize_phone("+1 (432) 555-1212", None) == "+14325551212"
    assert normalize_phone("0044 20 7946 0018", None) == "+442079460018"
    assert normalize_phone("020 7946 0018", "GB") == "+442079460018"
    with pytest.raises(MappingError, match="default_phone_region"):
        normalize_phone("020 7946 0018", None)
    with pytest.raises(MappingError):
        normalize_phone("12", "GB")


@pytest.mark.parametrize("number", ["+1 000 555 1212", "+44 20 7946 001", "+999 1234567"])
def test_numbers_written_with_a_plus_are_validated_like_national_ones(number: str) -> None:
    with pytest.raises(MappingError, match="phone_number"):
        normalize_phone(number, "GB")


def test_a_national_number_of_another_country_is_read_in_the_default_region() -> None:
    assert normalize_phone("+33 1 42 68 53 00", "GB") == "+33142685300"  # with its country code: fine
    with pytest.raises(MappingError):  # French national format read as British: invalid, so dropped by the mapper
        normalize_phone("01 42 68 53 00", "GB")


def test_lookup_fields_follow_the_pool_model() -> None:
    assert UsernameModel().lookup_fields() == ("username",)
    assert UsernameModel(alias_attributes=("email",)).lookup_fields() == ("username", "email")
    assert UsernameModel(username_attributes=("email", "phone_number")).lookup_fields() == ("email", "phone_number")


def test_email_alias_pool_refuses_email_shaped_legacy_usernames() -> None:
    model = UsernameModel(alias_attributes=("email",))
    with pytest.raises(MappingError, match="e-mail"):
        model.identity_attributes(
            login="a@example.com", matched_by="email", legacy_username="a@example.com", matched_value="a@example.com"
        )


def test_alias_sign_in_returns_the_legacy_username() -> None:
    model = UsernameModel(alias_attributes=("email",))
    assert model.identity_attributes(
        login="a@example.com", matched_by="email", legacy_username="ada", matched_value="a@example.com"
    ) == {"username": "ada"}


def test_case_sensitive_pool_refuses_case_mismatch() -> None:
    with pytest.raises(CaseMismatchError):
        UsernameModel(case_sensitive=True).identity_attributes(
            login="Ada", matched_by="username", legacy_username="ada", matched_value="ada"
        )


def test_email_username_pool_returns_the_typed_email_normalized_by_case() -> None:
    model = UsernameModel(username_attributes=("email",))
    attributes = mapper(username_attributes=("email",)).map(
        user(email="ada@example.com", email_verified=True), login="Ada@Example.com", matched_by="email"
    ).attributes
    assert attributes["email"] == "ada@example.com"
    assert model.identity_attributes(
        login="Ada@Example.com", matched_by="email", legacy_username="x", matched_value="ada@example.com"
    ) == {"email": "ada@example.com"}


@pytest.mark.parametrize(
    ("typed", "legacy"),
    [("ADMIN", "admin"), ("Ädmin", "ädmin"), ("STRASSE", "strasse"), ("ΣΟΦΙΑ", "σοφια")],
)
def test_a_case_insensitive_pool_equates_names_that_differ_only_in_letter_case(typed: str, legacy: str) -> None:
    assert same_login(typed, legacy, case_sensitive=False)
    assert not same_login(typed, legacy, case_sensitive=True)


@pytest.mark.parametrize(
    ("typed", "legacy"),
    [
        ("adm\u0131n", "admin"),  # dotless i: upper-cases to I, lower-cases to itself
        ("\u017ftrasse", "strasse"),  # long s: upper-cases to S
        ("stra\u00dfe", "strasse"),  # sharp s: case-folds to ss
        ("\u00e4dmin", "admin"),  # accent: MariaDB's general_ci ignores it
        ("admin ", "admin"),  # trailing blank: PAD SPACE collations ignore it
        ("ADM\u0130N", "admin"),  # dotted capital I lower-cases to i + combining dot
    ],
)
def test_looser_foldings_than_letter_case_are_different_names(typed: str, legacy: str) -> None:
    assert not same_login(typed, legacy, case_sensitive=False)


def test_a_login_the_store_matched_on_another_value_is_a_case_mismatch() -> None:
    model = UsernameModel(alias_attributes=("email",), case_sensitive=False)
    with pytest.raises(CaseMismatchError):
        model.identity_attributes(
            login="\u00e4da@example.com", matched_by="email", legacy_username="ada", matched_value="ada@example.com"
        )


def test_phone_as_username_must_match_the_legacy_phone() -> None:
    phone_model = mapper(username_attributes=("phone_number",))
    ok = phone_model.map(user(phone_number="+1 432 555 1212"), login="+14325551212", matched_by="phone_number")
    assert ok.attributes["phone_number"] == "+14325551212"
    with pytest.raises(MappingError):
        phone_model.map(user(phone_number="+14325550000"), login="+14325551212", matched_by="phone_number")

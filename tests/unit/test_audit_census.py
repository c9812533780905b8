"""The audit's census and problem kinds, row by row, with the trigger's own verifier, mapper and pool model."""

from __future__ import annotations

from typing import Any

from cognito_migrate import hashing, wiring
from cognito_migrate.audit.census import Auditor, audit
from cognito_migrate.audit.kinds import Kind
from cognito_migrate.config import settings_from_mapping
from cognito_migrate.errors import MalformedRecordError
from cognito_migrate.models import Credential, LegacyUser

V3 = hashing.create("aspnet_identity_v3", "Correct-Horse-9", cost={"iterations": 1000, "prf": "HMACSHA256"})
BCRYPT = hashing.create("bcrypt", "Correct-Horse-9", cost={"rounds": 4})


def auditor(**sections: Any) -> Auditor:
    data: dict[str, Any] = {"store": {"url": "sqlite:///unused.db", "preset": "aspnet_identity"}}
    data.update(sections)
    data.setdefault("logging", {"username_hash_key": "a-test-key"})
    return wiring.build_auditor(settings_from_mapping(data, environ={}), installed=lambda extra: True)


def user(name: str, stored: str | None = V3, **kw: Any) -> LegacyUser:
    kw.setdefault("email", f"{name.lower()}@example.com")
    kw.setdefault("email_verified", True)
    return LegacyUser(username=name, credential=Credential(stored) if stored else None, **kw)


def run(a: Auditor, rows: list[Any]) -> dict[str, Any]:
    return audit([rows[:3], rows[3:]], a).to_json()


def problem(report: dict[str, Any], kind: Kind) -> dict[str, Any]:
    return next(p for p in report["problems"] if p["kind"] == kind.value)


def test_the_census_counts_users_schemes_and_costs() -> None:
    rows = [user("a"), user("b"), user("c", BCRYPT), user("d", None), user("e", "!unusable"), user("f", "zzz")]
    report = run(auditor(), rows)
    assert report["users"] == 6
    assert report["schemes"] == {"aspnet_identity_v3": 2, "bcrypt": 1, "no_password": 2, "unidentified": 1}
    assert report["costs"]["aspnet_identity_v3"] == [{"cost": "prf=HMACSHA256 iterations=1000", "count": 2}]
    assert report["costs"]["bcrypt"] == [{"cost": "cost=4", "count": 1}]
    assert problem(report, Kind.UNSUPPORTED_HASH)["count"] == 1
    assert {p["kind"] for p in report["problems"]} == {k.value for k in Kind}  # zero counts are there too


def test_examples_are_keyed_hashes_never_names_emails_or_hashes() -> None:
    rows = [user("Sam"), user("sam"), user("x", "zzz")]
    report = run(auditor(pool={"case_sensitive": False}), rows)
    text = repr([report["schemes"], report["costs"], [(p["examples"], p["details"]) for p in report["problems"]]])
    for secret in ("Sam", "sam@example.com", V3, "zzz"):
        assert secret not in text
    ref = wiring.build_log(settings_from_mapping(
        {"store": {"url": "sqlite:///u.db", "preset": "aspnet_identity"}, "logging": {"username_hash_key": "a-test-key"}},
        environ={},
    )).user_ref("x")  # fmt: skip
    assert problem(report, Kind.UNSUPPORTED_HASH)["examples"] == [ref]  # the trigger's log lines say the same


def test_over_cost_limit_uses_the_configured_caps() -> None:
    rows = [user("a", BCRYPT), user("b", hashing.create("bcrypt", "x", cost={"rounds": 6}))]
    report = run(auditor(hashing={"limits": {"bcrypt_max_cost": 5}}), rows)
    found = problem(report, Kind.OVER_COST_LIMIT)
    assert found["count"] == 1
    assert found["details"] == {"bcrypt: bcrypt_max_cost exceeded": 1}


def test_case_collisions_follow_the_pool_case_rule() -> None:
    rows = [user("Sam", email="s1@example.com"), user("sam", email="s2@example.com"), user("bob")]
    insensitive = run(auditor(pool={"case_sensitive": False}), rows)
    assert problem(insensitive, Kind.CASE_COLLISION)["count"] == 2
    assert len(problem(insensitive, Kind.CASE_COLLISION)["examples"]) == 1  # one group: "ref = ref"
    assert " = " in problem(insensitive, Kind.CASE_COLLISION)["examples"][0]
    # Identity looks names up by NormalizedUserName (upper case): in a case-sensitive pool the two rows still
    # answer one lookup, so neither can sign in
    assert problem(run(auditor(), rows), Kind.CASE_COLLISION)["count"] == 2
    custom = {"url": "sqlite:///u.db", "query": "SELECT * FROM u WHERE name = :username",
              "columns": {"username": "name", "password_hash": "pw"}}  # fmt: skip
    assert problem(run(auditor(store=custom), rows), Kind.CASE_COLLISION)["count"] == 0


def test_duplicate_emails_matter_only_when_the_pool_signs_in_with_them() -> None:
    rows = [user("a", email="Shared@example.com"), user("b", email="shared@EXAMPLE.com"), user("c")]
    assert problem(run(auditor(), rows), Kind.DUPLICATE_EMAIL)["count"] == 0
    report = run(auditor(pool={"alias_attributes": ["email"]}), rows)
    assert problem(report, Kind.DUPLICATE_EMAIL)["count"] == 2
    assert problem(report, Kind.DUPLICATE_EMAIL)["details"] == {"email": 2}


def test_email_shaped_usernames_in_an_email_alias_pool() -> None:
    rows = [user("ann@example.com"), user("bob")]
    assert problem(run(auditor(), rows), Kind.EMAIL_SHAPED_USERNAME)["count"] == 0
    assert problem(run(auditor(pool={"alias_attributes": ["email"]}), rows), Kind.EMAIL_SHAPED_USERNAME)["count"] == 1


def test_unmappable_attributes_are_counted_per_attribute() -> None:
    """An invalid optional value is dropped (the user migrates without it) and counted; a missing mapped column
    refuses the user. With on_invalid = "reject" the first invalid value refuses the user."""
    rows = [
        user("a", email="not an email", phone_number="12", profile={"Id": "1"}),
        user("b", phone_number="+14325551212", phone_number_verified=True),
        user("c", email="c@example.com", profile={"Id": "x" * 3000}),
    ]
    mapping = {"attributes": {"custom:legacy_id": "Id"}}
    found = problem(run(auditor(mapping=mapping), rows), Kind.UNMAPPABLE_ATTRIBUTE)
    assert found["details"] == {
        "custom:legacy_id: the legacy record has no column 'Id' (user refused)": 1,
        "custom:legacy_id: value longer than 2048 characters (dropped)": 1,
        "email: not a valid e-mail address (dropped)": 1,
        "phone_number: not in E.164 and mapping.default_phone_region is not set (dropped)": 1,
    }
    assert found["count"] == 4
    strict = problem(run(auditor(mapping={**mapping, "on_invalid": "reject"}), rows), Kind.UNMAPPABLE_ATTRIBUTE)
    assert strict["details"] == {
        "custom:legacy_id: the legacy record has no column 'Id' (user refused)": 1,
        "custom:legacy_id: value longer than 2048 characters (user refused)": 1,
        "email: not a valid e-mail address (user refused)": 1,
    }


def test_recovery_channels_and_account_state() -> None:
    rows = [
        user("a"),
        user("b", email_verified=False),
        user("c", email=None, phone_number="+14325551212", phone_number_verified=True),
        user("d", email=None, disabled=True),
        user("e", locked_out=True),
    ]
    report = run(auditor(), rows)
    assert problem(report, Kind.NO_RECOVERY_CHANNEL)["count"] == 2  # b, d
    email_only = run(auditor(pool={"recovery": ["verified_email"]}), rows)
    assert problem(email_only, Kind.NO_RECOVERY_CHANNEL)["count"] == 3  # c's phone gets no code from this pool
    assert problem(report, Kind.DISABLED_OR_LOCKED)["details"] == {"disabled": 1, "locked out": 1}


def test_email_as_username_pools_need_an_email_on_every_user() -> None:
    report = run(auditor(pool={"username_attributes": ["email"]}), [user("a"), user("b", email=None)])
    assert problem(report, Kind.UNMAPPABLE_ATTRIBUTE)["details"] == {"email: missing, and the pool signs in with it": 1}


def test_unreadable_rows_name_the_column() -> None:
    report = run(auditor(), [user("a"), MalformedRecordError("LockoutEnd", "not a date and time")])
    assert report["users"] == 2
    assert problem(report, Kind.UNREADABLE_ROW)["details"] == {"LockoutEnd: not a date and time": 1}


def test_extras_come_from_the_configuration_and_the_data() -> None:
    argon = hashing.create("django_argon2", "x", cost={"time_cost": 1, "memory_cost": 64, "parallelism": 1})
    rows = [user("a", argon), user("b", phone_number="020 7946 0018")]
    report = run(auditor(mapping={"default_phone_region": "GB"}), rows)
    assert report["extras"] == ["argon2", "phone"]
    settings = settings_from_mapping({"store": {"url": "sqlite:///u.db", "preset": "django"}}, environ={})
    bare = Auditor(  # a machine where no extra is installed
        verifier=wiring.build_verifier(settings),
        mapper=wiring.build_mapper(settings),
        user_ref=str,
        fold_name=str,
        installed=lambda extra: False,
        can_receive_code=lambda attributes: True,
    )
    missing = run(bare, [user("a", argon)])
    assert problem(missing, Kind.MISSING_EXTRA)["details"] == {"pip install 'cognito-migrate[argon2]'": 1}


def test_unreadable_groups_are_counted_and_the_user_still_counts_as_migratable() -> None:
    rows = [user("a"), user("b", groups_problem=("roles", "not a JSON array"))]
    report = run(auditor(), rows)
    found = problem(report, Kind.UNMAPPABLE_ATTRIBUTE)
    assert found["count"] == 1
    assert found["details"] == {"groups (roles): not a JSON array (no groups assigned)": 1}

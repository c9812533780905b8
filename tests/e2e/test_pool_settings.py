"""The pool ``serve`` creates agrees with the trigger's configuration: the mapped custom attributes exist in
it, and its account-recovery setting is the one the trigger counts reset channels by."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate import hashing
from cognito_migrate.config import settings_from_mapping
from cognito_migrate.handler import make_handler
from cognito_migrate.local.configured import configured_cognito, create_recommended_pool
from tests.e2e.helpers import attributes, error_of, sign_in
from tests.legacy import AspNetUser, create_aspnet_sqlite

if TYPE_CHECKING:
    from collections.abc import Iterator

    from cognito_migrate.local import LocalCognito

GOOD = "Correct-Horse-9"
WEAK = "password"  # breaks the pool's policy: the user migrates RESET_REQUIRED, if a code can reach them
FAST_V3 = {"iterations": 1000, "prf": "HMACSHA256"}


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    good = hashing.create("aspnet_identity_v3", GOOD, cost=FAST_V3)
    weak = hashing.create("aspnet_identity_v3", WEAK, cost=FAST_V3)
    users = [
        AspNetUser("alice", good, email="alice@example.com"),
        AspNetUser("pat", weak, email=None, phone="+14325551212", phone_confirmed=True),  # only a phone
    ]
    return create_aspnet_sqlite(str(tmp_path_factory.mktemp("legacy") / "aspnet.db"), users)


def settings(url: str, **sections: Any) -> Any:
    data: dict[str, Any] = {
        "store": {"type": "sql", "url": url, "preset": "aspnet_identity"},
        "hashing": {"dummy_cost": FAST_V3},
        "pool": {"case_sensitive": False},
        "logging": {"level": "ERROR"},
    }
    for name, values in sections.items():
        data.setdefault(name, {}).update(values)
    return settings_from_mapping(data, environ={})


@pytest.fixture(scope="module")
def local(store_url: str) -> Iterator[LocalCognito]:
    with configured_cognito(settings(store_url)) as server:
        yield server


def test_the_readme_custom_attribute_mapping_migrates_through_serve(local: LocalCognito, store_url: str) -> None:
    """The README maps ``custom:legacy_id`` = ``Id``: the local pool must declare it, or every sign-in fails."""
    readme = settings(store_url, mapping={"attributes": {"custom:legacy_id": "Id"}})
    pool_id, client_id = create_recommended_pool(local, readme, name="readme", trigger=make_handler(readme))
    cognito = local.client()
    assert "IdToken" in sign_in(cognito, client_id, "alice", GOOD)["AuthenticationResult"]
    user = cognito.admin_get_user(UserPoolId=pool_id, Username="alice")
    assert attributes(user)["custom:legacy_id"] == "id-0"


@pytest.mark.parametrize(
    ("recovery", "created"),
    [
        (["verified_email", "verified_phone_number"], True),  # RESET_REQUIRED, the code goes to the phone
        (["verified_email"], False),  # no code could reach a phone-only user: not created
    ],
)
def test_the_pool_recovery_decides_whether_a_phone_only_user_migrates_reset_required(
    local: LocalCognito, store_url: str, recovery: list[str], created: bool
) -> None:
    configured = settings(store_url, pool={"recovery": recovery})
    name = "-".join(recovery)
    pool_id, client_id = create_recommended_pool(local, configured, name=name, trigger=make_handler(configured))
    described = local.client().describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert [m["Name"] for m in described["AccountRecoverySetting"]["RecoveryMechanisms"]] == recovery
    code, _message = error_of(lambda: sign_in(local.client(), client_id, "pat", WEAK))
    assert code == "NotAuthorizedException"  # PreventUserExistenceErrors: RESET_REQUIRED looks like a refusal
    users = local.client().list_users(UserPoolId=pool_id)["Users"]
    assert [u["UserStatus"] for u in users] == (["RESET_REQUIRED"] if created else [])

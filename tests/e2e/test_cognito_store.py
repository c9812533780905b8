"""Pool to pool: the ``cognito`` store end to end, with two pools on the local Cognito.

The old pool has users created by AdminCreateUser + AdminSetUserPassword (permanent), groups and custom
attributes, and no trigger. The new pool's migrate trigger is ours, configured with ``[store] type =
"cognito"`` pointing at the old pool. A real boto3 client signs in to the new pool.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate.config import settings_from_mapping
from cognito_migrate.errors import ConfigError, LegacyUnavailableError
from cognito_migrate.local.configured import configured_cognito, create_recommended_pool
from cognito_migrate.models import Deadline
from cognito_migrate.wiring import build_store
from tests.e2e.helpers import attributes, error_of, sign_in

if TYPE_CHECKING:
    from collections.abc import Iterator

    from cognito_migrate.local import LocalCognito

GOOD = "Correct-Horse-9"
TEMPORARY = "Temporary-Horse-9"
INCORRECT = ("NotAuthorizedException", "Incorrect username or password.")


class OldPool:
    """The old pool on the session's local Cognito: its id, an app client, and how to add users."""

    def __init__(self, local: LocalCognito, *, secret: bool = False) -> None:
        self.endpoint = local.endpoint
        self.api = local.client()
        self.pool_id = self.api.create_user_pool(
            PoolName="old",
            AliasAttributes=["email"],
            Schema=[{"Name": "tenant", "AttributeDataType": "String", "Mutable": True}],
        )["UserPool"]["Id"]
        client = self.api.create_user_pool_client(
            UserPoolId=self.pool_id,
            ClientName="migration",
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            GenerateSecret=secret,
        )["UserPoolClient"]
        self.client_id, self.client_secret = client["ClientId"], client.get("ClientSecret")
        for group in ("admins", "staff"):
            self.api.create_group(UserPoolId=self.pool_id, GroupName=group)

    def add(self, name: str, *, password: str | None = GOOD, groups: tuple[str, ...] = (), **attrs: str) -> str:
        """Create a user (permanent ``password``; None: only the temporary one); returns the old ``sub``."""
        values = {"email": f"{name}@example.com", "email_verified": "true", **attrs}
        self.api.admin_create_user(
            UserPoolId=self.pool_id,
            Username=name,
            TemporaryPassword=TEMPORARY,
            MessageAction="SUPPRESS",
            UserAttributes=[{"Name": k, "Value": v} for k, v in values.items()],
        )
        if password is not None:
            self.api.admin_set_user_password(UserPoolId=self.pool_id, Username=name, Password=password, Permanent=True)
        for group in groups:
            self.api.admin_add_user_to_group(UserPoolId=self.pool_id, Username=name, GroupName=group)
        user = self.api.admin_get_user(UserPoolId=self.pool_id, Username=name)
        return attributes(user)["sub"]

    def settings(self, **cognito: Any) -> Any:
        data = {
            "store": {
                "type": "cognito",
                "cognito": {
                    "user_pool_id": self.pool_id,
                    "client_id": self.client_id,
                    "endpoint_url": self.endpoint,
                    "keep_sub_as": "custom:legacy_sub",
                    **cognito,
                },
            },
            "pool": {"case_sensitive": False, "alias_attributes": ["email"]},
            "mapping": {"attributes": {"custom:tenant": "custom:tenant"}},
            "groups": {"map": {"admins": "Admins"}},
            "logging": {"level": "DEBUG"},
        }
        return settings_from_mapping(data, environ={})


@pytest.fixture
def old(local: LocalCognito) -> OldPool:
    return OldPool(local)


@contextlib.contextmanager
def new_pool(settings: Any) -> Iterator[tuple[Any, str, str, io.StringIO]]:
    """(boto3 client, new pool id, its client id, the trigger's log) with our trigger over the old pool."""
    stream = io.StringIO()
    with configured_cognito(settings, log_stream=stream) as local:
        pool_id, client_id = create_recommended_pool(local, settings)
        yield local.client(), pool_id, client_id, stream


def reasons(stream: io.StringIO) -> list[str]:
    lines = [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]
    return [line["reason"] for line in lines if line.get("message") == "migration"]


def test_the_right_password_migrates_the_user_with_attributes_groups_and_the_old_sub(old: OldPool) -> None:
    sub = old.add("alice", groups=("admins", "staff"), given_name="Alice", **{"custom:tenant": "acme"})
    with new_pool(old.settings()) as (cognito, pool_id, client_id, _):
        assert "AuthenticationResult" in sign_in(cognito, client_id, "alice", GOOD)
        user = cognito.admin_get_user(UserPoolId=pool_id, Username="alice")
        assert user["UserStatus"] == "CONFIRMED"
        got = attributes(user)
        assert got["email"] == "alice@example.com" and got["email_verified"] == "true"
        assert got["given_name"] == "Alice"
        assert got["custom:tenant"] == "acme"
        assert got["custom:legacy_sub"] == sub and got["sub"] != sub  # a new sub; the old one kept for the app
        groups = cognito.admin_list_groups_for_user(UserPoolId=pool_id, Username="alice")["Groups"]
        assert [g["GroupName"] for g in groups] == ["Admins"]  # "staff" is not mapped
        # the e-mail alias of the old pool signs in too (a second user migrates by e-mail)
        old.add("bob")
        assert "AuthenticationResult" in sign_in(cognito, client_id, "bob@example.com", GOOD)
        assert cognito.admin_get_user(UserPoolId=pool_id, Username="bob")["Username"] == "bob"


def test_a_wrong_password_an_unknown_and_a_disabled_user_are_rejected_alike(old: OldPool) -> None:
    old.add("carol")
    old.add("dave")
    old.api.admin_disable_user(UserPoolId=old.pool_id, Username="dave")
    with new_pool(old.settings()) as (cognito, pool_id, client_id, stream):
        wrong = error_of(lambda: sign_in(cognito, client_id, "carol", "Wrong-Horse-9"))
        unknown = error_of(lambda: sign_in(cognito, client_id, "nobody", GOOD))
        disabled = error_of(lambda: sign_in(cognito, client_id, "dave", GOOD))
        assert wrong == unknown == disabled == INCORRECT
        assert cognito.list_users(UserPoolId=pool_id)["Users"] == []
        assert reasons(stream) == ["wrong_password", "unknown_user", "wrong_password"]  # disabled: the old pool says no


def _migrated_status(old: OldPool, on_challenge: str, name: str, password: str) -> str:
    """Sign in to the new pool as ``name`` (tokens, or PUEE's answer for a reset); the new user's status."""
    with new_pool(old.settings(on_challenge=on_challenge)) as (cognito, pool_id, client_id, _):
        if on_challenge == "RESET_REQUIRED":
            assert error_of(lambda: sign_in(cognito, client_id, name, password)) == INCORRECT  # PUEE hides it
        else:
            assert "AuthenticationResult" in sign_in(cognito, client_id, name, password)
        assert error_of(lambda: sign_in(cognito, client_id, name, "Wrong-Horse-9")) == INCORRECT
        return str(cognito.admin_get_user(UserPoolId=pool_id, Username=name)["UserStatus"])


@pytest.mark.parametrize("on_challenge", ["RESET_REQUIRED", "CONFIRMED"])
def test_a_user_who_must_set_a_new_password_migrates_as_configured(old: OldPool, on_challenge: str) -> None:
    old.add("erin", password=None)  # FORCE_CHANGE_PASSWORD: the old pool answers NEW_PASSWORD_REQUIRED
    assert _migrated_status(old, on_challenge, "erin", TEMPORARY) == on_challenge


@pytest.mark.parametrize("on_challenge", ["RESET_REQUIRED", "CONFIRMED"])
def test_a_user_with_a_second_factor_never_migrates_confirmed_on_the_password_alone_by_default(
    old: OldPool, on_challenge: str
) -> None:
    """The old pool answers SMS_MFA: the password was right, but it was never enough to sign in as this user. A
    CONFIRMED user in the new pool would let whoever holds a leaked password in (and set up their own MFA there);
    RESET_REQUIRED makes them prove the mailbox with a code, unless the operator chose CONFIRMED."""
    old.add("ivan", phone_number="+14325551212", phone_number_verified="true")
    old.api.admin_set_user_mfa_preference(UserPoolId=old.pool_id, Username="ivan",
                                          SMSMfaSettings={"Enabled": True, "PreferredMfa": True})  # fmt: skip
    assert _migrated_status(old, on_challenge, "ivan", GOOD) == on_challenge


def test_the_admin_flow_and_a_client_secret_work(local: LocalCognito) -> None:
    old = OldPool(local, secret=True)
    old.add("frank")
    settings = old.settings(auth_flow="admin_user_password", client_secret="env:OLD_CLIENT_SECRET")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OLD_CLIENT_SECRET", old.client_secret)
        with new_pool(settings) as (cognito, _, client_id, _log):
            assert error_of(lambda: sign_in(cognito, client_id, "frank", "Wrong-Horse-9")) == INCORRECT
            assert "AuthenticationResult" in sign_in(cognito, client_id, "frank", GOOD)


def test_an_unreachable_old_pool_is_an_outage_not_a_rejection(old: OldPool) -> None:
    old.add("grace")
    settings = old.settings(endpoint_url="http://127.0.0.1:9")  # nothing listens on the discard port
    with new_pool(settings) as (cognito, pool_id, client_id, stream):
        code, message = error_of(lambda: sign_in(cognito, client_id, "grace", GOOD))
        assert code == "UserLambdaValidationException"
        assert "temporarily unavailable" in message
        assert cognito.list_users(UserPoolId=pool_id)["Users"] == []
        assert set(reasons(stream)) == {"store_error"}


class Recorder:
    """Wraps the store's boto3 clients and records each operation called (never its parameters)."""

    def __init__(self, endpoint: str | None) -> None:
        import boto3

        self.calls: list[str] = []
        self._client = boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=endpoint)

    def factory(self, connect_timeout: float, read_timeout: float) -> Any:
        recorder = self

        class Client:
            def __getattr__(self, name: str) -> Any:
                recorder.calls.append(name)
                return getattr(recorder._client, name)

        return Client()


def _store(old: OldPool, recorder: Recorder) -> Any:
    from cognito_migrate.stores.cognito import CognitoUserStore

    return CognitoUserStore(
        user_pool_id=old.pool_id, client_id=old.client_id, region="us-east-1", client_factory=recorder.factory
    )


def test_an_unknown_user_costs_the_old_pool_what_a_wrong_password_does(old: OldPool) -> None:
    old.add("heidi")
    recorder = Recorder(old.endpoint)
    store = _store(old, recorder)
    found = store.find("heidi", fields=["username", "email"], deadline=Deadline(5))
    assert found is not None and not store.check_password(found.user, "Wrong-Horse-9", Deadline(5))
    wrong, recorder.calls = recorder.calls, []
    assert store.find("nobody", fields=["username", "email"], deadline=Deadline(5)) is None
    store.spend_check("Wrong-Horse-9", Deadline(5))
    assert recorder.calls == wrong == ["admin_get_user", "initiate_auth"]
    assert store.check_password(found.user, GOOD, Deadline(5))


def test_no_password_or_token_reaches_a_log_line_even_at_debug(old: OldPool, caplog: pytest.LogCaptureFixture) -> None:
    """Lambda's application log level DEBUG sets the root logger to DEBUG: botocore then logs each request's body
    (InitiateAuth's PASSWORD) and each answer's (the old pool's tokens)."""
    old.add("judy")
    store = build_store(old.settings())
    caplog.set_level(logging.DEBUG)
    found = store.find("judy", fields=["username"], deadline=Deadline(5))
    assert found is not None and store.check_password(found.user, GOOD, Deadline(5))
    assert not store.check_password(found.user, "Wrong-Horse-9", Deadline(5))
    assert any(record.name.startswith("botocore.") for record in caplog.records)  # botocore did log at DEBUG
    messages = [record.getMessage() for record in caplog.records]
    leaks = [m for m in messages if GOOD in m or "Wrong-Horse-9" in m or "IdToken" in m or "RefreshToken" in m]
    assert len(leaks) == 0, "a password or a token was logged"  # the count only: never print the lines


def test_config_validate_names_what_is_wrong_with_the_old_pool_in_one_line(old: OldPool) -> None:
    def problem(**cognito: Any) -> str:
        store = build_store(old.settings(**cognito))
        with pytest.raises(LegacyUnavailableError) as info:
            store.describe(Deadline(5))
        assert "\n" not in str(info.value)
        return str(info.value)

    assert "cannot be read" in problem(user_pool_id="us-east-1_Nothing1")
    assert "app client" in problem(client_id="no-such-client")
    assert "in region eu-west-1" in problem(user_pool_id="eu-west-1_Nothing1")
    with pytest.raises(ConfigError) as info:
        old.settings(region="eu-west-1")  # the pool id says us-east-1
    [(key, message)] = info.value.problems
    assert key == "store.cognito.region"
    assert f"the pool id {old.pool_id} is in us-east-1, not eu-west-1; leave region out" == message
    no_flow = old.api.create_user_pool_client(UserPoolId=old.pool_id, ClientName="srp-only",
                                              ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"])["UserPoolClient"]  # fmt: skip
    assert "does not allow USER_PASSWORD_AUTH" in problem(client_id=no_flow["ClientId"])
    store = build_store(old.settings())
    assert store.describe(Deadline(5)) == {"email": None, "phone_number": None, "username": None}


def _proxied_store(old: OldPool, proxy: Any, **keys: Any) -> Any:
    return build_store(old.settings(endpoint_url=f"http://127.0.0.1:{proxy.port}", **keys))


def test_a_slow_old_pool_is_an_outage_within_the_deadline(old: OldPool) -> None:
    from tests.faultproxy import FaultProxy

    old.add("mallory")
    host, port = old.endpoint.removeprefix("http://").rsplit(":", 1)
    with FaultProxy((host, int(port))) as proxy:
        store = _proxied_store(old, proxy)
        assert store.find("mallory", fields=["username"], deadline=Deadline(5)) is not None  # through the proxy
        proxy.blackhole()  # held connections: no answer, no error
        deadline = Deadline(1.0)
        with pytest.raises(LegacyUnavailableError, match="timed out"):
            store.find("mallory", fields=["username"], deadline=deadline)
        assert deadline.remaining() > -0.5  # the read timeout came from the deadline; no retry doubled it


def test_throttling_and_errors_of_the_old_pool_are_outages_and_no_s_are_rejections() -> None:
    from botocore.exceptions import ClientError

    from cognito_migrate.models import LegacyUser
    from cognito_migrate.stores.cognito import CognitoUserStore

    answers: list[Any] = []

    class Client:
        def initiate_auth(self, **_: Any) -> Any:
            answer = answers.pop(0)
            if isinstance(answer, str):
                raise ClientError({"Error": {"Code": answer, "Message": "x"}}, "InitiateAuth")
            return answer

    store = CognitoUserStore(user_pool_id="us-east-1_Old1", client_id="c", region="us-east-1",
                             client_factory=lambda c, r: Client())  # fmt: skip
    user = LegacyUser("zoe", None)

    def check(answer: Any) -> bool:
        answers.append(answer)
        return bool(store.check_password(user, GOOD, Deadline(5)))

    assert check({"AuthenticationResult": {"IdToken": "t"}})
    for proving in ("NEW_PASSWORD_REQUIRED", "SMS_MFA", "SOFTWARE_TOKEN_MFA", "MFA_SETUP"):
        assert check({"ChallengeName": proving, "Session": "s"})
    for no in ("NotAuthorizedException", "UserNotFoundException", "PasswordResetRequiredException"):
        assert not check(no)
    for outage in ("TooManyRequestsException", "InternalErrorException", "ResourceNotFoundException",
                   "InvalidParameterException", "LimitExceededException"):  # fmt: skip
        with pytest.raises(LegacyUnavailableError, match=outage):
            check(outage)
    with pytest.raises(LegacyUnavailableError, match="CUSTOM_CHALLENGE"):
        check({"ChallengeName": "CUSTOM_CHALLENGE"})  # proves nothing: fail closed


def test_a_federated_user_of_the_old_pool_is_never_migrated_as_a_password_user() -> None:
    """EXTERNAL_PROVIDER users (Google_..., SAML_...) have no password there: forgot-password would have created a
    native user under their name in the new pool, which then refuses their own federated sign-in."""
    from cognito_migrate.stores.cognito import CognitoUserStore

    class Client:
        def admin_get_user(self, **_: Any) -> Any:
            return {"Username": "Google_1234", "Enabled": True, "UserStatus": "EXTERNAL_PROVIDER",
                    "UserAttributes": [{"Name": "email", "Value": "g@example.com"},
                                       {"Name": "email_verified", "Value": "true"}]}  # fmt: skip

    store = CognitoUserStore(user_pool_id="us-east-1_Old1", client_id="c", region="us-east-1",
                             client_factory=lambda c, r: Client())  # fmt: skip
    found = store.find("Google_1234", fields=["username"], deadline=Deadline(5))
    assert found is not None and found.user.disabled


def test_every_group_of_the_old_user_is_read_past_the_first_page(old: OldPool) -> None:
    """AdminListGroupsForUser answers 60 groups at most per call; a user may belong to 100."""
    names = [f"team-{i:02d}" for i in range(61)]
    for name in names:
        old.api.create_group(UserPoolId=old.pool_id, GroupName=name)
    old.add("kim", groups=tuple(names))
    store = _store(old, Recorder(old.endpoint))
    found = store.find("kim", fields=["username"], deadline=Deadline(5))
    assert found is not None
    assert sorted(store.groups(found.user, Deadline(5))) == names

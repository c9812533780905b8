"""The Cognito store: the legacy users live in another Cognito user pool, which checks their passwords.

A pool's case sensitivity, username attributes and other settings cannot be changed once it exists: the fix
is a new pool whose migrate trigger reads the old one. Each step is one call to the old pool, through boto3
(which the Lambda runtime provides; the ``aws`` extra elsewhere), imported only when ``[store] type = "cognito"`` is
built:

- lookup: ``AdminGetUser`` with the typed name (the old pool resolves its own aliases), one call per
  invocation whatever the lookup fields; the user's attributes (standard and ``custom:``, never ``sub``
  unless kept under another name) become the profile;
- password: ``InitiateAuth`` ``USER_PASSWORD_AUTH`` (or ``AdminInitiateAuth`` ``ADMIN_USER_PASSWORD_AUTH``),
  with ``SECRET_HASH`` when the app client has a secret. Tokens, or a challenge that only comes after a right
  password (``NEW_PASSWORD_REQUIRED``, ``SMS_MFA``, ``SOFTWARE_TOKEN_MFA``...), mean the password is right; a
  second factor's challenge also means the user migrates as ``on_challenge`` says (RESET_REQUIRED by default);
  ``NotAuthorizedException`` (a disabled user too) and ``UserNotFoundException`` mean it is not;
- unknown user: the same auth call for a name nobody has, with a random password (the typed one is not sent);
- groups (after Cognito created the user, see ``groups.py``): ``AdminListGroupsForUser``;
- ``audit``: ``ListUsers``, page by page.

Throttling (``TooManyRequestsException``), a 5xx, a timeout, a missing pool or client and anything else
unexpected are outages (``LegacyUnavailableError``): never a wrong password, never a created user. Every call
is bounded by the invocation's deadline: botocore's connect and read timeouts together fit in what is left, and
retries are off (one attempt), so a slow old pool cannot hold the trigger past Cognito's 5 seconds.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import math
import secrets
import threading
import uuid
from typing import TYPE_CHECKING, Any, Final

from cognito_migrate.cognito_rules import (
    CUSTOM_PREFIX,
    GENERATED_ATTRIBUTES,
    MAX_GROUPS_PER_USER,
    STANDARD_ATTRIBUTES,
)
from cognito_migrate.errors import BackendNotAvailableError, LegacyUnavailableError
from cognito_migrate.stores.base import UserStore, rows_equal_to
from cognito_migrate.stores.rows import RowReader

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence

    from cognito_migrate.mapping.identity import LoginField
    from cognito_migrate.models import Deadline, LegacyUser
    from cognito_migrate.stores import CognitoAuthFlow as AuthFlow

AUTH_FLOWS: Final[Mapping[str, str]] = {
    "user_password": "USER_PASSWORD_AUTH",
    "admin_user_password": "ADMIN_USER_PASSWORD_AUTH",
}
"""``[store.cognito] auth_flow`` -> the API's flow; the app client must allow ``ALLOW_<flow>``."""
SECOND_FACTOR_CHALLENGES: Final = frozenset({"SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP", "SELECT_MFA_TYPE"})
"""Challenges for a second factor the user has: the password was right, but never enough to sign in as them, so
the user migrates as ``on_challenge`` says (RESET_REQUIRED by default: a code to their verified address)."""
PROVING_CHALLENGES: Final = SECOND_FACTOR_CHALLENGES | {"NEW_PASSWORD_REQUIRED", "MFA_SETUP"}
"""Challenges Cognito sends only after the password was right: they count as a verified password."""
REJECTIONS: Final = frozenset(
    {"NotAuthorizedException", "UserNotFoundException", "PasswordResetRequiredException", "UserNotConfirmedException"}
)
"""Answers that mean "no": wrong password, unknown or disabled user, a user who cannot sign in with a password."""
CHALLENGE_STATUSES: Final = frozenset({"FORCE_CHANGE_PASSWORD"})
"""Old-pool statuses whose sign-in proves the password with a challenge (``NEW_PASSWORD_REQUIRED``)."""
FEDERATED_STATUSES: Final = frozenset({"EXTERNAL_PROVIDER"})
"""Old-pool statuses of users who sign in through an identity provider: never migrated (read as disabled)."""
COLUMNS: Final[Mapping[str, str]] = {
    "username": "username",
    "email": "email",
    "email_verified": "email_verified",
    "phone_number": "phone_number",
    "phone_number_verified": "phone_number_verified",
    "enabled": "enabled",
    "must_change_password": "must_change_password",
    "groups": "groups",
}
"""The column roles of a row built from ``AdminGetUser`` (role -> row key)."""
_MANAGED: Final = frozenset({"email", "email_verified", "phone_number", "phone_number_verified"})
_LOOKUP_FIELDS: Final[frozenset[LoginField]] = frozenset({"username", "email", "phone_number"})


def copied_attribute(name: str, *, custom: bool = True) -> bool:
    """Whether an old pool's attribute is copied to the new pool as it is: standard ones (but ``sub`` and the
    contact attributes, which the store's columns carry) and, with ``custom``, every ``custom:`` one."""
    if name.startswith(CUSTOM_PREFIX):
        return custom
    return name in STANDARD_ATTRIBUTES and name not in GENERATED_ATTRIBUTES and name not in _MANAGED


def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    """Cognito's ``SECRET_HASH``: Base64(HMAC-SHA256(client secret, user name + client id))."""
    digest = hmac.new(client_secret.encode("utf-8"), (username + client_id).encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


class CognitoUserStore(UserStore):
    """An old user pool, read and asked through its API (``verifies_passwords``).

    ``attributes`` are the names ``[mapping.attributes]`` reads (a user without one has it empty);
    ``client_secret`` gives the app client's secret (resolved at the first call), or None without one;
    ``challenge_resets``: a sign-in that proves the password with NEW_PASSWORD_REQUIRED or a second factor's
    challenge migrates as RESET_REQUIRED (True) or CONFIRMED. ``client_factory(connect_timeout, read_timeout)``
    builds a boto3 ``cognito-idp`` client (tests give their own).
    """

    def __init__(
        self,
        *,
        user_pool_id: str,
        client_id: str,
        region: str,
        client_secret: Callable[[], str | None] | None = None,
        endpoint_url: str | None = None,
        auth_flow: AuthFlow = "user_password",
        challenge_resets: bool = True,
        columns: Mapping[str, str] | None = None,
        attributes: Sequence[str] = (),
        normalize: str = "none",
        connect_timeout: float = 2.0,
        read_timeout: float = 2.0,
        client_factory: Callable[[float, float], Any] | None = None,
    ) -> None:
        super().__init__(
            lookup_fields=_LOOKUP_FIELDS,
            rows=RowReader({**COLUMNS, **(columns or {})}),
            normalize=normalize,
            reconnect_budget=connect_timeout,
        )
        self.verifies_passwords = True
        self.user_pool_id = user_pool_id
        self.client_id = client_id
        self.region = region
        self._secret = client_secret or (lambda: None)
        self._flow = auth_flow
        self._challenge_resets = challenge_resets
        self._expected = tuple(attributes)  # what the mapping reads: absent from a user, it is empty, not an error
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._factory = client_factory or _boto3_factory(region, endpoint_url)
        self._clients: dict[tuple[float, float], Any] = {}
        self._clients_lock = threading.Lock()
        self._nobody = f"cognito-migrate-nobody-{uuid.uuid4().hex}"
        # one AdminGetUser answers every lookup field: the last answer, kept for its invocation (its deadline)
        self._seen: tuple[Deadline, str, list[dict[str, Any]]] | None = None

    # --------------------------------------------------------------------------------- the steps

    def _lookup(self, field: LoginField, key: str, deadline: Deadline) -> Sequence[Mapping[str, Any]]:
        seen = self._seen
        if seen is None or seen[0] is not deadline or seen[1] != key:
            seen = self._seen = (deadline, key, self._get_user(key, deadline))
        # the old pool answers by user name or alias: keep the user for the field the name actually equals
        return rows_equal_to(seen[2], self.column_roles.get(field), key)

    def _verify_password(self, user: LegacyUser, password: str, deadline: Deadline) -> bool | LegacyUser:
        proof = self._authenticate(user.username, password, deadline)
        if proof in SECOND_FACTOR_CHALLENGES and self._challenge_resets:
            # A leaked password alone must not become a CONFIRMED user (who could then set up their own MFA in
            # the new pool): the reset code to the verified address stands in for the factor that does not move.
            return user._replace(must_change_password=True)
        return proof is not None

    def _spend_verification(self, password: str, deadline: Deadline) -> None:
        # the same auth call, for a name nobody has, with a password nobody typed
        self._authenticate(self._nobody, secrets.token_urlsafe(24), deadline)

    def _groups(self, user: LegacyUser, deadline: Deadline) -> list[str]:
        names: list[str] = []
        page: dict[str, Any] = {}
        while len(names) < MAX_GROUPS_PER_USER:  # 60 per page at most: a user may be in 100 groups
            answer = self._call("admin_list_groups_for_user", deadline, UserPoolId=self.user_pool_id,
                                Username=user.username, Limit=60, **page)  # fmt: skip
            names += [str(g["GroupName"]) for g in answer.get("Groups", [])]
            token = answer.get("NextToken")
            if not token:
                break
            page = {"NextToken": token}
        return names[:MAX_GROUPS_PER_USER]

    def _columns(self, field: LoginField, deadline: Deadline) -> list[str] | None:
        self.check_setup(deadline)
        return None  # the attributes a user has are known only from a real user

    def _batches(self, batch_size: int) -> Iterator[Sequence[Mapping[str, Any]]]:
        """Every user of the old pool, ``ListUsers`` page by page (60 at most per page, Cognito's limit)."""
        from cognito_migrate.models import Deadline

        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {"UserPoolId": self.user_pool_id, "Limit": min(batch_size, 60)}
            if token:
                kwargs["PaginationToken"] = token
            page = self._call("list_users", Deadline(max(self._read_timeout, 10.0)), **kwargs)
            yield [self._row(u, u.get("Attributes", [])) for u in page.get("Users", [])]
            token = page.get("PaginationToken")
            if not token:
                return

    # -------------------------------------------------------------------------- config validate

    def check_setup(self, deadline: Deadline) -> None:
        """The old pool, the app client and its auth flow, each refused in one line (``config validate``)."""
        pool_region = self.user_pool_id.split("_", 1)[0]
        if pool_region != self.region:
            raise LegacyUnavailableError(
                f"store.cognito.region is {self.region!r} but the pool id says {pool_region!r}: no such pool there"
            )
        try:
            self._call("describe_user_pool", deadline, UserPoolId=self.user_pool_id)
        except LegacyUnavailableError as exc:
            raise LegacyUnavailableError(
                f"the old pool {self.user_pool_id} cannot be read in region {self.region}: {exc}"
            ) from None
        try:
            client = self._call(
                "describe_user_pool_client", deadline, UserPoolId=self.user_pool_id, ClientId=self.client_id
            )["UserPoolClient"]
        except LegacyUnavailableError as exc:
            raise LegacyUnavailableError(f"the app client {self.client_id} of the old pool: {exc}") from None
        flow = AUTH_FLOWS[self._flow]
        flows = set(client.get("ExplicitAuthFlows") or ())
        legacy = {"USER_PASSWORD_AUTH": "USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH": "ADMIN_NO_SRP_AUTH"}[flow]
        if f"ALLOW_{flow}" not in flows and legacy not in flows:
            raise LegacyUnavailableError(
                f"the old pool's app client {self.client_id} does not allow {flow}: add ALLOW_{flow} to its "
                "ExplicitAuthFlows, or set store.cognito.auth_flow"
            )
        if client.get("ClientSecret") and self._secret() is None:
            raise LegacyUnavailableError(
                f"the old pool's app client {self.client_id} has a secret: set store.cognito.client_secret"
            )

    # ------------------------------------------------------------------------------------ the wire

    def _get_user(self, name: str, deadline: Deadline) -> list[dict[str, Any]]:
        try:
            answer = self._call("admin_get_user", deadline, UserPoolId=self.user_pool_id, Username=name)
        except _Rejected as exc:
            if exc.code == "UserNotFoundException":
                return []
            raise LegacyUnavailableError(f"the old pool answered AdminGetUser with {exc.code}") from None
        return [self._row(answer, answer.get("UserAttributes", []))]

    def _authenticate(self, username: str, password: str, deadline: Deadline) -> str | None:
        """What proved the password (``AuthenticationResult`` or a challenge's name), None when it was refused."""
        flow = AUTH_FLOWS[self._flow]
        parameters = {"USERNAME": username, "PASSWORD": password}
        client_secret = self._secret()
        if client_secret:
            parameters["SECRET_HASH"] = secret_hash(username, self.client_id, client_secret)
        try:
            if self._flow == "admin_user_password":
                answer = self._call("admin_initiate_auth", deadline, UserPoolId=self.user_pool_id,
                                    ClientId=self.client_id, AuthFlow=flow, AuthParameters=parameters)  # fmt: skip
            else:
                answer = self._call("initiate_auth", deadline, ClientId=self.client_id, AuthFlow=flow,
                                    AuthParameters=parameters)  # fmt: skip
        except _Rejected:
            return None
        if "AuthenticationResult" in answer:
            return "AuthenticationResult"
        challenge = answer.get("ChallengeName")
        if challenge in PROVING_CHALLENGES:
            return str(challenge)
        # a challenge that does not prove the password (or none at all): doubt, so fail closed
        raise LegacyUnavailableError(f"the old pool answered the sign-in with challenge {challenge or 'none'}")

    def _call(self, operation: str, deadline: Deadline, **params: Any) -> dict[str, Any]:
        """One API call within the deadline, one attempt; ``_Rejected`` for a "no", an outage otherwise."""
        left = deadline.timeout()
        if left <= 0.01:
            raise LegacyUnavailableError("deadline spent before the old pool answered")
        client = self._client(*deadline.connect_and_read(self._connect_timeout, self._read_timeout))
        try:
            answer: dict[str, Any] = getattr(client, operation)(**params)
        except Exception as exc:  # noqa: BLE001 - botocore's errors, sorted below; nothing else may leak a "no"
            code = _error_code(exc)
            if code in REJECTIONS:
                raise _Rejected(code) from None
            what = code or type(exc).__name__
            if deadline.expired or "Timeout" in type(exc).__name__:
                what = "timed out"
            raise LegacyUnavailableError(f"the old pool's {_api_name(operation)} failed ({what})") from None
        return answer

    def _client(self, connect_timeout: float, read_timeout: float) -> Any:
        """A client whose timeouts are at most these (rounded down to 0.1 s, so a handful are ever built)."""
        key = (max(math.floor(connect_timeout * 10) / 10, 0.1), max(math.floor(read_timeout * 10) / 10, 0.1))
        with self._clients_lock:
            client = self._clients.get(key)
            if client is None:
                client = self._clients[key] = self._factory(*key)
        return client


    def _row(self, user: Mapping[str, Any], attributes: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        """An old-pool user (``AdminGetUser`` or a ``ListUsers`` entry) as a row (see :func:`_row`)."""
        row = _row(user, attributes, self._challenge_resets)
        for name in self._expected:
            row.setdefault(name, None)
        return row


class _Rejected(Exception):
    """The old pool said "no" (``code``): a wrong password, an unknown or disabled user."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


def _row(user: Mapping[str, Any], attributes: Sequence[Mapping[str, Any]], challenge_resets: bool) -> dict[str, Any]:
    """An old-pool user as a row: its attributes by name, plus the user name, whether it is enabled, and
    whether it must change its password."""
    row: dict[str, Any] = {str(a["Name"]): a.get("Value") for a in attributes}
    for role in _MANAGED:
        row.setdefault(role, None)
    row["username"] = user.get("Username")
    # a federated user (Google_..., SAML_...) has no password there: never a password user of the new pool, whose
    # forgot-password would otherwise create one under their name and block their own federated sign-in
    row["enabled"] = bool(user.get("Enabled", True)) and user.get("UserStatus") not in FEDERATED_STATUSES
    row["user_status"] = user.get("UserStatus")
    # NEW_PASSWORD_REQUIRED proves the password; the user then migrates as configured (RESET_REQUIRED or CONFIRMED)
    row["must_change_password"] = challenge_resets and user.get("UserStatus") in CHALLENGE_STATUSES
    row["groups"] = None  # read after the user exists (AdminListGroupsForUser), never in the trigger
    return row


def _error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str((response.get("Error") or {}).get("Code", ""))
    return ""


def _api_name(operation: str) -> str:
    return "".join(part.capitalize() for part in operation.split("_"))


_BODY_LOGGERS: Final = ("botocore.endpoint", "botocore.parsers")
"""botocore's loggers whose DEBUG lines carry a request's body (InitiateAuth's PASSWORD) or an answer's (tokens)."""


def _above_debug(record: logging.LogRecord) -> bool:
    """Drops those DEBUG lines whatever the logging configuration: Lambda's application log level DEBUG sets the
    root logger to DEBUG, and a password must never reach a log line."""
    return record.levelno > logging.DEBUG


def _boto3_factory(region: str, endpoint_url: str | None) -> Callable[[float, float], Any]:
    """Builds boto3 clients with the given timeouts and no retries (imported here: the ``aws`` extra)."""
    try:
        import boto3
        from botocore.config import Config
    except ModuleNotFoundError:
        raise BackendNotAvailableError("a cognito legacy store", "aws") from None
    for name in _BODY_LOGGERS:
        logger = logging.getLogger(name)
        if _above_debug not in logger.filters:
            logger.addFilter(_above_debug)
    session = boto3.session.Session()

    def build(connect_timeout: float, read_timeout: float) -> Any:
        config = Config(
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retries={"total_max_attempts": 1, "mode": "standard"},  # one attempt: the deadline decides
        )
        return session.client("cognito-idp", region_name=region, endpoint_url=endpoint_url, config=config)

    return build

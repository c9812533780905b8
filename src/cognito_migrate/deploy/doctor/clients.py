"""Checks of each app client: a password flow that fires the trigger, and no user-existence leak.

SRP never sends the password to Cognito, so a client allowing only SRP migrates nobody; a client with
``PreventUserExistenceErrors`` other than ENABLED turns the trigger's rejection into
UserNotFoundException, which tells an attacker which names exist. The checks read the
``describe_user_pool_client`` answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cognito_migrate.deploy.doctor.results import CheckResult, Status

if TYPE_CHECKING:
    from collections.abc import Mapping

#: Flows that make Cognito call the trigger: the plaintext password reaches Cognito. SRP never does.
PASSWORD_FLOWS = frozenset({"ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"})
ADMIN_PASSWORD_FLOWS = frozenset({"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"})
#: What Cognito allows when a client has no ExplicitAuthFlows at all.
DEFAULT_FLOWS = ("ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")


def _uses_managed_login(client: Mapping[str, Any]) -> bool:
    """The client signs users in through the hosted UI / managed login with the pool's own directory."""
    return bool(client.get("AllowedOAuthFlowsUserPoolClient")) and "COGNITO" in (
        client.get("SupportedIdentityProviders") or []
    )


def check_client_auth_flows(client: Mapping[str, Any]) -> CheckResult:
    """The client allows a password flow that fires the trigger (SRP never does).

    Managed login (the hosted UI) fires the trigger whatever ExplicitAuthFlows say: those govern the API.
    """
    name = "password sign-in allowed"
    client_id = str(client.get("ClientId", "?"))
    flows = list(client.get("ExplicitAuthFlows") or DEFAULT_FLOWS)
    if PASSWORD_FLOWS & set(flows):
        return CheckResult(name, Status.PASS, "ALLOW_USER_PASSWORD_AUTH", subject=client_id)
    if ADMIN_PASSWORD_FLOWS & set(flows):
        return CheckResult(
            name,
            Status.PASS,
            "only ALLOW_ADMIN_USER_PASSWORD_AUTH: the trigger fires for server-side AdminInitiateAuth only",
            subject=client_id,
        )
    if _uses_managed_login(client):
        return CheckResult(
            name,
            Status.PASS,
            "managed login (hosted UI) only: the trigger fires for its sign-in page, not for API sign-in "
            f"({', '.join(flows)})",
            subject=client_id,
        )
    keep = " ".join(sorted({*flows, "ALLOW_USER_PASSWORD_AUTH"}))
    return CheckResult(
        name,
        Status.FAIL,
        f"flows are {', '.join(flows)}: none sends the password, so the trigger never fires "
        "(the app gets 'USER_PASSWORD_AUTH flow not enabled for this client' or migrates nobody via SRP)",
        fix=(
            f"aws cognito-idp update-user-pool-client --user-pool-id {client.get('UserPoolId', '<pool>')} "
            f"--client-id {client_id} --explicit-auth-flows {keep} <the client's other settings: "
            "update-user-pool-client also resets what you omit>"
        ),
        subject=client_id,
    )


def check_client_prevents_user_existence_errors(client: Mapping[str, Any], *, on_reject: str) -> CheckResult:
    """The client answers an unknown user like a wrong password (PreventUserExistenceErrors=ENABLED).

    The trigger rejects by returning the event unchanged; with LEGACY Cognito turns that into
    UserNotFoundException, which tells an attacker which names exist. With ``on_reject = "raise"`` the
    trigger raises one constant message instead, so the setting matters less: a warning then.
    """
    name = "PreventUserExistenceErrors"
    client_id = str(client.get("ClientId", "?"))
    value = client.get("PreventUserExistenceErrors") or "LEGACY"
    if value == "ENABLED":
        return CheckResult(name, Status.PASS, "ENABLED", subject=client_id)
    return CheckResult(
        name,
        Status.WARN if on_reject == "raise" else Status.FAIL,
        f"{value}: unknown users get UserNotFoundException, wrong passwords NotAuthorizedException (user enumeration)",
        fix=(
            f"aws cognito-idp update-user-pool-client --user-pool-id {client.get('UserPoolId', '<pool>')} "
            f"--client-id {client_id} --prevent-user-existence-errors ENABLED <the client's other settings>"
        ),
        subject=client_id,
    )

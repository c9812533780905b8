"""The migrate-user event exactly as Cognito sends it (shape of a real captured event, see the reference).

Every response field is present and null; ``request.validationData`` carries the sign-in call's
``ClientMetadata`` (or null); the forgot-password event has no ``password`` key and carries
``ClientMetadata`` as ``request.clientMetadata``.
"""

from __future__ import annotations

from typing import Any

AUTHENTICATION = "UserMigration_Authentication"
FORGOT_PASSWORD = "UserMigration_ForgotPassword"
POST_AUTHENTICATION = "PostAuthentication_Authentication"
POST_CONFIRMATION = "PostConfirmation_ConfirmForgotPassword"
AWS_SDK_VERSION = "aws-sdk-unknown-unknown"  # what real events carry (Powertools maintainer capture)


def build_event(
    *,
    trigger_source: str,
    region: str,
    user_pool_id: str,
    client_id: str,
    user_name: str,
    password: str | None,
    client_metadata: dict[str, str] | None,
) -> dict[str, Any]:
    """The event for one migration attempt; ``user_name`` is the name as the user typed it."""
    request: dict[str, Any]
    if trigger_source == AUTHENTICATION:
        request = {"password": password, "validationData": client_metadata or None, "userAttributes": None}
    else:
        request = {"validationData": None, "clientMetadata": client_metadata or None, "userAttributes": None}
    return {
        **_common(trigger_source, region, user_pool_id, client_id, user_name),
        "request": request,
        "response": {
            "userAttributes": None,
            "forceAliasCreation": None,
            "enableSMSMFA": None,
            "finalUserStatus": None,
            "messageAction": None,
            "desiredDeliveryMediums": None,
        },
    }


def build_post_event(
    trigger_source: str, *, pool: tuple[str, str], client_id: str, user: tuple[str, dict[str, str]], metadata: Any
) -> dict[str, Any]:
    """A post-authentication (``PostAuthentication_Authentication``) or post-confirmation
    (``PostConfirmation_ConfirmForgotPassword``) event. ``pool`` is (region, pool id); ``user`` the pool's
    user name and stored attributes (with ``sub``); the user's status is added as Cognito does."""
    (region, pool_id), (name, attributes) = pool, user
    request: dict[str, Any] = {
        "userAttributes": {**attributes, "cognito:user_status": "CONFIRMED"},
        "clientMetadata": metadata or {},
    }
    if trigger_source.startswith("PostAuthentication"):
        request["newDeviceUsed"] = False
    return {**_common(trigger_source, region, pool_id, client_id, name), "request": request, "response": {}}


def _common(trigger_source: str, region: str, user_pool_id: str, client_id: str, user_name: str) -> dict[str, Any]:
    """The fields every trigger event carries."""
    return {
        "version": "1",
        "triggerSource": trigger_source,
        "region": region,
        "userPoolId": user_pool_id,
        "userName": user_name,
        "callerContext": {"awsSdkVersion": AWS_SDK_VERSION, "clientId": client_id},
    }

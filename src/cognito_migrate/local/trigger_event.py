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
        "version": "1",
        "triggerSource": trigger_source,
        "region": region,
        "userPoolId": user_pool_id,
        "userName": user_name,
        "callerContext": {"awsSdkVersion": AWS_SDK_VERSION, "clientId": client_id},
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
    *,
    trigger_source: str,
    region: str,
    user_pool_id: str,
    client_id: str,
    user_name: str,
    attributes: dict[str, str],
    client_metadata: dict[str, str] | None,
) -> dict[str, Any]:
    """A post-authentication (``PostAuthentication_Authentication``) or post-confirmation
    (``PostConfirmation_ConfirmForgotPassword``) event for a user who exists: ``userName`` is the pool's user
    name, ``request.userAttributes`` the stored attributes (with ``sub``) and the user's status."""
    request: dict[str, Any] = {
        "userAttributes": {**attributes, "cognito:user_status": "CONFIRMED"},
        "clientMetadata": client_metadata or {},
    }
    if trigger_source.startswith("PostAuthentication"):
        request["newDeviceUsed"] = False
    return {
        "version": "1",
        "triggerSource": trigger_source,
        "region": region,
        "userPoolId": user_pool_id,
        "userName": user_name,
        "callerContext": {"awsSdkVersion": AWS_SDK_VERSION, "clientId": client_id},
        "request": request,
        "response": {},
    }

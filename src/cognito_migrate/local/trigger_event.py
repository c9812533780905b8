"""The events the local Cognito fires. The migrate-user event is :func:`cognito_migrate.event.build_event`'s
(the trigger's own module builds it, beside ``parse``); the post-authentication and post-confirmation events
that only the local Cognito sends are built here.
"""

from __future__ import annotations

from typing import Any, Final

from cognito_migrate.event import event_header
from cognito_migrate.models import TriggerSource

AUTHENTICATION: Final = TriggerSource.AUTHENTICATION.value
FORGOT_PASSWORD: Final = TriggerSource.FORGOT_PASSWORD.value
POST_AUTHENTICATION: Final = "PostAuthentication_Authentication"
POST_CONFIRMATION: Final = "PostConfirmation_ConfirmForgotPassword"
__all__ = [
    "AUTHENTICATION",
    "FORGOT_PASSWORD",
    "POST_AUTHENTICATION",
    "POST_CONFIRMATION",
    "build_post_event",
]


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
    return {**event_header(trigger_source, region, pool_id, client_id, name), "request": request, "response": {}}

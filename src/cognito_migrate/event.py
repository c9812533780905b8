"""The trigger event as Cognito sends it, in and out.

:func:`parse` turns the raw event into a :class:`~cognito_migrate.models.MigrationRequest` and refuses
anything malformed with an :class:`~cognito_migrate.errors.EventError` that names the field, never its
value; a password no sign-in form can send (control characters) is a
:class:`~cognito_migrate.errors.RefusedInputError`, which the handler answers as a rejection.
:func:`build_response` writes the answer into a copy of the event. :func:`build_event` makes an event as
Cognito sends it (for the local Cognito and the test kit).

Tolerated as Cognito really sends them (captured events, see docs/trigger.md): ``response`` and its fields
as JSON ``null``, ``request.validationData`` / ``clientMetadata`` as ``null`` or absent, and
``request.password`` absent or ``null`` in the forgot-password flow.
"""

from collections.abc import Mapping
from typing import Any, Final, NamedTuple

from cognito_migrate.cognito_rules import MAX_SIGN_IN_NAME_LENGTH
from cognito_migrate.errors import EventError, RefusedInputError
from cognito_migrate.models import MigrationRequest, Secret, TriggerSource
from cognito_migrate.outcomes import MigrationOutcome, Outcome

MAX_PASSWORD_BYTES: Final = 4096
MAX_METADATA_ENTRIES: Final = 64
AWS_SDK_VERSION: Final = "aws-sdk-unknown-unknown"  # what real events carry (Powertools maintainer capture)
_SOURCES: Final = {source.value: source for source in TriggerSource}
# C0 controls (NUL, tab, line breaks, ESC...), DEL, C1 controls and lone surrogates: no sign-in form sends
# them in a password (an HTML password field holds one line, and tab moves the focus), while a password
# of NUL bytes matched a bcrypt("") row, since bcrypt stops at the first NUL. A set (and the lone-surrogate
# check user names get), not a regex: compiling the character class cost the cold start 4 million instructions.
_CONTROL_CHARS: Final = frozenset(map(chr, (*range(0x20), *range(0x7F, 0xA0))))


class ResponseOptions(NamedTuple):
    """How a successful migration is answered (from ``[trigger]``)."""

    message_action: str | None = "SUPPRESS"
    desired_delivery_mediums: tuple[str, ...] = ()
    force_alias_creation: bool = False


def parse(event: object) -> MigrationRequest:
    """Validate a raw trigger event; raise :class:`EventError` naming the first bad field."""
    if not isinstance(event, dict):
        raise EventError("$", "expected a JSON object")
    source = event.get("triggerSource")
    if not isinstance(source, str):
        raise EventError("triggerSource", "missing or not a string")
    trigger = _SOURCES.get(source)
    if trigger is None:
        raise EventError(
            "triggerSource",
            "not a migrate-user trigger source (UserMigration_Authentication or UserMigration_ForgotPassword)",
        )
    username = event.get("userName")
    if not isinstance(username, str) or not username:
        raise EventError("userName", "missing, empty or not a string")
    if len(username) > MAX_SIGN_IN_NAME_LENGTH:
        raise EventError("userName", f"longer than {MAX_SIGN_IN_NAME_LENGTH} characters")
    if not username.isprintable() or _has_lone_surrogate(username):
        # control characters (NUL breaks PostgreSQL drivers) and lone surrogates are no one's user name
        raise EventError("userName", "contains control characters or invalid text")
    request = event.get("request")
    if not isinstance(request, dict):
        raise EventError("request", "missing or not an object")
    password = _password(request, trigger)
    metadata = (
        request.get("validationData") if trigger is TriggerSource.AUTHENTICATION else request.get("clientMetadata")
    )
    field = "request.validationData" if trigger is TriggerSource.AUTHENTICATION else "request.clientMetadata"
    response = event.get("response")
    if response is not None and not isinstance(response, dict):
        raise EventError("response", "not an object")
    caller = event.get("callerContext")
    client_id = caller.get("clientId") if isinstance(caller, dict) else None
    return MigrationRequest(
        trigger=trigger,
        username=username,
        password=password,
        client_metadata=_string_map(metadata, field),
        client_id=client_id if isinstance(client_id, str) else "",
    )


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _password(request: Mapping[str, Any], trigger: TriggerSource) -> Secret | None:
    value = request.get("password")
    if trigger is TriggerSource.FORGOT_PASSWORD:
        return None  # Cognito sends none; whatever is there is not a password we may use
    if not isinstance(value, str) or not value:
        raise EventError("request.password", "missing, empty or not a string")
    if len(value) > MAX_PASSWORD_BYTES or len(value.encode("utf-8", "surrogatepass")) > MAX_PASSWORD_BYTES:
        raise EventError("request.password", f"longer than {MAX_PASSWORD_BYTES} bytes")
    if not _CONTROL_CHARS.isdisjoint(value) or _has_lone_surrogate(value):
        raise RefusedInputError("request.password", "contains control characters or invalid text")
    return Secret(value)


def _string_map(value: object, field: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise EventError(field, "not an object")
    if len(value) > MAX_METADATA_ENTRIES:
        raise EventError(field, f"more than {MAX_METADATA_ENTRIES} entries")
    out: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            raise EventError(field, "keys and values must be strings")
        out[key] = item
    return out


def scrubbed(event: Mapping[str, Any]) -> dict[str, Any]:
    """A shallow copy of the event without ``request.password``.

    Cognito reads only ``response`` from what the trigger returns, so the password need not travel back;
    dropping it keeps it out of anything that records Lambda responses (destinations, debug tooling).
    """
    copy = dict(event)
    request = copy.get("request")
    if isinstance(request, dict) and "password" in request:
        copy["request"] = {k: v for k, v in request.items() if k != "password"}
    return copy


def build_response(event: Mapping[str, Any], outcome: MigrationOutcome, options: ResponseOptions) -> dict[str, Any]:
    """The event to return: unchanged (empty response) for a rejection, filled for a migration.

    ``finalUserStatus`` is always set for authentication and never for forgot-password (Cognito's
    documented default changed over the years, so it is never left implicit).
    """
    out = scrubbed(event)
    if not outcome.migrated:
        return out
    trigger = event.get("triggerSource")
    original = event.get("response")
    response: dict[str, Any] = dict(original) if isinstance(original, dict) else {}
    response["userAttributes"] = dict(outcome.attributes)
    if trigger == TriggerSource.AUTHENTICATION.value:
        reset = outcome.outcome is Outcome.MIGRATED_RESET_REQUIRED
        response["finalUserStatus"] = "RESET_REQUIRED" if reset else "CONFIRMED"
    else:
        response.pop("finalUserStatus", None)
    if options.message_action is not None:
        response["messageAction"] = options.message_action
    else:
        response.pop("messageAction", None)
    if options.desired_delivery_mediums:
        response["desiredDeliveryMediums"] = list(options.desired_delivery_mediums)
    response["forceAliasCreation"] = options.force_alias_creation
    out["response"] = response
    return out


def build_event(
    *,
    trigger_source: str,
    region: str,
    user_pool_id: str,
    client_id: str,
    user_name: str,
    password: str | None,
    client_metadata: Mapping[str, str] | None,
) -> dict[str, Any]:
    """The event of one migration attempt, shaped like a captured real one; ``user_name`` is as typed.

    Every response field is present and null; ``request.validationData`` carries the sign-in call's
    ``ClientMetadata`` (or null); the forgot-password event has no ``password`` key and carries
    ``ClientMetadata`` as ``request.clientMetadata``.
    """
    metadata = dict(client_metadata) if client_metadata else None
    request: dict[str, Any]
    if trigger_source == TriggerSource.AUTHENTICATION.value:
        request = {"password": password, "validationData": metadata, "userAttributes": None}
    else:
        request = {"validationData": None, "clientMetadata": metadata, "userAttributes": None}
    return {
        **event_header(trigger_source, region, user_pool_id, client_id, user_name),
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


def event_header(trigger_source: str, region: str, user_pool_id: str, client_id: str, user_name: str) -> dict[str, Any]:
    """The fields every Cognito trigger event carries."""
    return {
        "version": "1",
        "triggerSource": trigger_source,
        "region": region,
        "userPoolId": user_pool_id,
        "userName": user_name,
        "callerContext": {"awsSdkVersion": AWS_SDK_VERSION, "clientId": client_id},
    }

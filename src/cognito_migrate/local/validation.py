"""Cognito's checks on a migrate-user response, as pure functions of the pool settings.

``plan_migration`` turns the trigger's answer into a ``MigrationPlan`` (the name to create the user under, the
attributes, the final status) or ``None`` for an empty response, and raises ``CognitoError`` with Cognito's
message for anything Cognito rejects. Checks that need the other users (alias conflicts) are in
``directory.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cognito_migrate.cognito_rules import MAX_ATTRIBUTE_VALUE_LENGTH, is_valid_username
from cognito_migrate.local.errors import (
    CognitoError,
    exception_migrating,
    invalid_parameter,
    migration_error,
    schema_error,
)
from cognito_migrate.models import TriggerSource

if TYPE_CHECKING:
    from cognito_migrate.local.settings import PoolSettings

EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
PHONE_RE = re.compile(r"\+[1-9][0-9]{1,14}")
STATUSES = ("CONFIRMED", "RESET_REQUIRED")
MESSAGE_ACTIONS = ("SUPPRESS", "RESEND")
MEDIUMS = ("EMAIL", "SMS")
# Cognito's answer when the typed name does not have the shape the pool's username attributes require.
_USERNAME_SHOULD_BE = {
    frozenset({"email"}): "Username should be an email.",
    frozenset({"phone_number"}): "Username should be a phone number.",
    frozenset({"email", "phone_number"}): "Username should be either an email or a phone number.",
}


@dataclass(frozen=True)
class MigrationPlan:
    """What to create: ``username`` is the name passed to AdminCreateUser (an email/phone in pools where that
    is the username: Cognito then names the user by its ``sub``)."""

    username: str
    attributes: dict[str, str]
    status: str
    force_alias_creation: bool
    message_action: str | None
    delivery_mediums: tuple[str, ...]


def is_email(value: str) -> bool:
    return EMAIL_RE.fullmatch(value) is not None


def is_phone(value: str) -> bool:
    return PHONE_RE.fullmatch(value) is not None


def plan_migration(
    pool: PoolSettings, *, client_id: str, trigger_source: str, user_name: str, payload: Any
) -> MigrationPlan | None:
    """Validate the trigger's answer; ``None`` means an empty response (the user is not migrated)."""
    response = payload.get("response") if isinstance(payload, dict) else None
    if not isinstance(response, dict):
        raise exception_migrating(client_id)
    attributes = response.get("userAttributes")
    if attributes is None or attributes == {}:
        return None
    if not isinstance(attributes, dict):
        raise exception_migrating(client_id)

    status = response.get("finalUserStatus")
    if status is not None and status not in STATUSES:
        raise migration_error("Error during migration: Invalid finalUserStatus")
    action = response.get("messageAction")
    if action is not None and action not in MESSAGE_ACTIONS:
        raise migration_error("Error during migration: Invalid messageAction")
    mediums = response.get("desiredDeliveryMediums")
    if mediums is not None and (not isinstance(mediums, list) or any(m not in MEDIUMS for m in mediums)):
        raise migration_error("Error during migration: Invalid desiredDeliveryMediums")
    force = response.get("forceAliasCreation")
    if force is not None and not isinstance(force, bool):
        raise migration_error("Error during migration: Invalid forceAliasCreation")
    sms_mfa = response.get("enableSMSMFA")
    if sms_mfa not in (None, True, False):
        raise migration_error("Error during migration: Invalid enableSMSMFA")

    attributes = dict(attributes)
    returned_username = attributes.pop("username", None)
    if returned_username is not None and not isinstance(returned_username, str):
        raise schema_error("username", "Attribute value must be a string.")
    username = _creation_name(pool, user_name, returned_username, attributes)
    _check_attributes(pool, attributes, username)
    if sms_mfa:
        # "the pool must have MFA enabled and the attributes must include a phone number, or else the
        # migration of that user will fail" (trigger docs); the wording of the error is ours
        if pool.mfa == "OFF":
            raise migration_error("Error during migration: enableSMSMFA needs a user pool with MFA enabled")
        if not attributes.get("phone_number") and not (pool.username_attributes and is_phone(username)):
            raise migration_error("Error during migration: enableSMSMFA needs a phone_number attribute")
    # Authentication: docs since 2022 say "If you don't set this attribute to CONFIRMED, it's set to
    # RESET_REQUIRED". Forgot-password: the user always ends with the code-based reset.
    authentication = trigger_source == TriggerSource.AUTHENTICATION.value
    final_status = (status or "RESET_REQUIRED") if authentication else "RESET_REQUIRED"
    return MigrationPlan(
        username=username,
        attributes=attributes,
        status=final_status,
        force_alias_creation=bool(force),
        message_action=action,
        delivery_mediums=tuple(mediums or ()),
    )


def _creation_name(
    pool: PoolSettings, user_name: str, returned_username: str | None, attributes: dict[str, Any]
) -> str:
    """The name the user is created under, by the pool's username model (see the reference, section 2.1)."""
    if pool.username_attributes:
        return _attribute_name(pool, user_name, returned_username, attributes)

    typed_alias = _alias_format(pool, user_name)
    if typed_alias:
        if returned_username is None:
            raise _alias_format_error(typed_alias)
        name = returned_username
    elif returned_username is not None and _typed_preferred_username(pool, user_name, attributes):
        name = returned_username  # sign-in by a preferred_username alias: any user name may come back
    else:
        if returned_username is not None and pool.fold(returned_username) != pool.fold(user_name):
            raise migration_error("Error during migration: username can be returned only for an alias sign-in")
        name = returned_username or user_name  # the legacy spelling, when it differs only by case
    name_alias = _alias_format(pool, name)
    if name_alias:
        raise _alias_format_error(name_alias)
    if not is_valid_username(name):
        raise invalid_parameter(
            "1 validation error detected: Value at 'username' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+"
        )
    return name


def _attribute_name(
    pool: PoolSettings, user_name: str, returned_username: str | None, attributes: dict[str, Any]
) -> str:
    """Email or phone number as the user name: the typed name must have that shape and match the attribute."""
    if "email" in pool.username_attributes and is_email(user_name):
        kind, label = "email", "email"
    elif "phone_number" in pool.username_attributes and is_phone(user_name):
        kind, label = "phone_number", "phone number"
    else:
        raise invalid_parameter(_USERNAME_SHOULD_BE[frozenset(pool.username_attributes)])
    value = attributes.get(kind)
    if value is not None and (not isinstance(value, str) or pool.fold(value) != pool.fold(user_name)):
        raise invalid_parameter(
            f"User {label} should be empty or same as username, since username attribute is {kind}."
        )
    if returned_username is not None:
        raise migration_error("Error during migration: username can be returned only for an alias sign-in")
    return value if isinstance(value, str) else user_name


def _typed_preferred_username(pool: PoolSettings, user_name: str, attributes: dict[str, Any]) -> bool:
    """Whether the typed name is the ``preferred_username`` alias the trigger returns (it has no format of
    its own, unlike an email or a phone number)."""
    value = attributes.get("preferred_username")
    return (
        "preferred_username" in pool.alias_attributes
        and isinstance(value, str)
        and pool.fold(value) == pool.fold(user_name)
    )


def _alias_format(pool: PoolSettings, name: str) -> str | None:
    if "email" in pool.alias_attributes and is_email(name):
        return "email"
    if "phone_number" in pool.alias_attributes and is_phone(name):
        return "phone_number"
    return None


def _alias_format_error(kind: str) -> CognitoError:
    what = "email" if kind == "email" else "phone number"
    return invalid_parameter(f"Username cannot be of {what} format since user pool is configured for {kind} alias")


def _check_attributes(pool: PoolSettings, attributes: dict[str, Any], username: str) -> None:
    for name, value in attributes.items():
        _check_value(pool, name, value)
    present = set(attributes)
    if pool.username_attributes:
        present |= set(pool.username_attributes) & ({"email"} if is_email(username) else {"phone_number"})
    for spec in pool.schema.values():
        if spec.required and spec.name != "sub" and spec.name not in present:
            raise schema_error(spec.name, "The attribute is required")


def _check_value(pool: PoolSettings, name: str, value: Any) -> None:
    if name == "sub":
        raise schema_error("sub", "Cannot modify the non-mutable attribute sub")
    spec = pool.attribute(name)
    if spec is None:
        raise schema_error(name, "Attribute does not exist in the schema.")
    if not isinstance(value, str):
        raise schema_error(name, "Attribute value must be a string.")
    limit = min(spec.max_length or MAX_ATTRIBUTE_VALUE_LENGTH, MAX_ATTRIBUTE_VALUE_LENGTH)
    if len(value) > limit:
        raise schema_error(name, f"String must be no longer than {limit} characters")
    if spec.min_length and len(value) < spec.min_length:
        raise schema_error(name, f"String must be no shorter than {spec.min_length} characters")
    if spec.data_type == "Boolean" and value.lower() not in ("true", "false"):
        raise schema_error(name, "Attribute value must be a boolean ('true' or 'false').")
    if spec.data_type == "Number":
        _check_number(name, value, spec.min_value, spec.max_value)
    if name == "email" and not is_email(value):
        raise invalid_parameter("Invalid email address format.")
    if name == "phone_number" and not is_phone(value):
        raise invalid_parameter("Invalid phone number format.")


def _check_number(name: str, value: str, low: float | None, high: float | None) -> None:
    try:
        number = float(value)
    except ValueError:
        raise schema_error(name, "Number attribute must be a number.") from None
    if (low is not None and number < low) or (high is not None and number > high):
        raise schema_error(name, "Number attribute is out of range.")

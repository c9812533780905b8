"""Snapshots of the pool and app-client settings that change Cognito's behaviour around the trigger.

moto stores these settings but ignores most of them; the layer reads them here, once per request, into plain
frozen objects so that the rules in ``validation.py`` / ``passwords.py`` are pure functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cognito_migrate.cognito_rules import (
    BOOLEAN_ATTRIBUTES,
    LEGACY_RECOVERY,
    MAX_ATTRIBUTE_VALUE_LENGTH,
    STANDARD_ATTRIBUTES,
    PasswordPolicy,
)
from cognito_migrate.mapping.identity import fold_case

if TYPE_CHECKING:
    from cognito_migrate.local.backend import MotoClient, MotoPool

# ExplicitAuthFlows Cognito assumes when a client was created without any.
DEFAULT_AUTH_FLOWS = ("ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")
# The legacy (pre-ALLOW_) flow names and what they mean today.
_LEGACY_FLOW_NAMES = {
    "USER_PASSWORD_AUTH": "ALLOW_USER_PASSWORD_AUTH",
    "ADMIN_NO_SRP_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "CUSTOM_AUTH_FLOW_ONLY": "ALLOW_CUSTOM_AUTH",
}
# The triggers the local Cognito fires after a user exists, when the pool's LambdaConfig names them; they
# call the pool's (one) function, as a deployment that attaches the trigger function to them does.
POST_TRIGGERS = frozenset({"PostAuthentication", "PostConfirmation"})


@dataclass(frozen=True)
class AttributeSpec:
    """One schema attribute: its type and the constraints Cognito checks on a value."""

    name: str
    data_type: str = "String"
    required: bool = False
    min_length: int | None = None
    max_length: int | None = None
    min_value: float | None = None
    max_value: float | None = None


@dataclass(frozen=True)
class PoolSettings:
    """What the layer needs to know about a user pool."""

    id: str
    region: str
    username_attributes: tuple[str, ...] = ()
    alias_attributes: tuple[str, ...] = ()
    case_sensitive: bool = True
    password_policy: PasswordPolicy = field(default_factory=PasswordPolicy)
    recovery: tuple[str, ...] = LEGACY_RECOVERY
    schema: dict[str, AttributeSpec] = field(default_factory=dict)
    mfa: str = "OFF"  # MfaConfiguration: OFF, ON or OPTIONAL
    post_triggers: frozenset[str] = frozenset()  # PostAuthentication / PostConfirmation in LambdaConfig

    def fold(self, value: str) -> str:
        """A user name or alias as the pool compares it (the trigger's rule: :func:`fold_case`)."""
        return value if self.case_sensitive else fold_case(value)

    def attribute(self, name: str) -> AttributeSpec | None:
        if name in self.schema:
            return self.schema[name]
        if name in STANDARD_ATTRIBUTES:
            return AttributeSpec(
                name, "Boolean" if name in BOOLEAN_ATTRIBUTES else "String", max_length=MAX_ATTRIBUTE_VALUE_LENGTH
            )
        return None

    @classmethod
    def from_moto(cls, pool: MotoPool) -> PoolSettings:
        """Read a moto ``CognitoIdpUserPool`` (call with the moto lock held)."""
        config: dict[str, Any] = pool.extended_config
        recovery = config.get("AccountRecoverySetting") or {}
        mechanisms = sorted(recovery.get("RecoveryMechanisms") or [], key=lambda m: m.get("Priority", 0))
        return cls(
            id=pool.id,
            region=pool.region,
            username_attributes=tuple(config.get("UsernameAttributes") or ()),
            alias_attributes=tuple(config.get("AliasAttributes") or ()),
            case_sensitive=bool((config.get("UsernameConfiguration") or {}).get("CaseSensitive", True)),
            password_policy=PasswordPolicy.from_api((config.get("Policies") or {}).get("PasswordPolicy")),
            recovery=tuple(m["Name"] for m in mechanisms) or LEGACY_RECOVERY,
            schema={name: _spec(attr) for name, attr in pool.schema_attributes.items()},
            mfa=str(getattr(pool, "mfa_config", None) or config.get("MfaConfiguration") or "OFF"),
            post_triggers=frozenset(config.get("LambdaConfig") or {}) & POST_TRIGGERS,
        )


def _spec(attr: Any) -> AttributeSpec:
    strings = attr.string_constraints or {}
    numbers = attr.number_constraints or {}

    def number(value: Any) -> float | None:
        return None if value in (None, "") else float(value)

    return AttributeSpec(
        name=attr.name,
        data_type=attr.data_type,
        required=bool(attr.required),
        min_length=int(strings["MinLength"]) if strings.get("MinLength") else None,
        max_length=int(strings["MaxLength"]) if strings.get("MaxLength") else MAX_ATTRIBUTE_VALUE_LENGTH,
        min_value=number(numbers.get("MinValue")),
        max_value=number(numbers.get("MaxValue")),
    )


@dataclass(frozen=True)
class ClientSettings:
    """What the layer needs to know about an app client."""

    id: str
    prevent_user_existence_errors: bool
    auth_flows: frozenset[str]

    def allows(self, flow: str) -> bool:
        """Whether ``ALLOW_<flow>`` is enabled (``flow`` without the prefix, e.g. ``USER_PASSWORD_AUTH``)."""
        return f"ALLOW_{flow}" in self.auth_flows

    @classmethod
    def from_moto(cls, client: MotoClient) -> ClientSettings:
        config: dict[str, Any] = client.extended_config
        flows = config.get("ExplicitAuthFlows") or DEFAULT_AUTH_FLOWS
        return cls(
            id=client.id,
            prevent_user_existence_errors=config.get("PreventUserExistenceErrors") == "ENABLED",
            auth_flows=frozenset(_LEGACY_FLOW_NAMES.get(f, f) for f in flows),
        )

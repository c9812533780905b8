"""``COGNITO_MIGRATE_*`` environment variables that override single configuration keys.

Each variable maps to one key; its text is converted by the type of that key (a password of digits
stays text), and an unknown ``COGNITO_MIGRATE_*`` variable is an error, so a typo cannot do nothing.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Final

from cognito_migrate.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Mapping

CONFIG_ENV: Final = "COGNITO_MIGRATE_CONFIG"
ENV_PREFIX: Final = "COGNITO_MIGRATE_"

_SCALAR_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "STORE_TYPE": ("store", "type"),
    "STORE_URL": ("store", "url"),
    "STORE_PASSWORD": ("store", "password"),
    "STORE_PRESET": ("store", "preset"),
    "STORE_QUERY": ("store", "query"),
    "STORE_EMAIL_QUERY": ("store", "email_query"),
    "STORE_PHONE_QUERY": ("store", "phone_query"),
    "STORE_SAMPLE_QUERY": ("store", "sample_query"),
    "STORE_NORMALIZE": ("store", "normalize"),
    "STORE_CONNECT_TIMEOUT": ("store", "connect_timeout"),
    "STORE_QUERY_TIMEOUT": ("store", "query_timeout"),
    "HASHING_SCHEME": ("hashing", "scheme"),
    "HASHING_DUMMY_SCHEME": ("hashing", "dummy_scheme"),
    "POOL_USERNAME_ATTRIBUTES": ("pool", "username_attributes"),
    "POOL_ALIAS_ATTRIBUTES": ("pool", "alias_attributes"),
    "POOL_CASE_SENSITIVE": ("pool", "case_sensitive"),
    "POOL_RECOVERY": ("pool", "recovery"),
    "POOL_PASSWORD_POLICY_MINIMUM_LENGTH": ("pool", "password_policy", "minimum_length"),
    "POOL_PASSWORD_POLICY_REQUIRE_UPPERCASE": ("pool", "password_policy", "require_uppercase"),
    "POOL_PASSWORD_POLICY_REQUIRE_LOWERCASE": ("pool", "password_policy", "require_lowercase"),
    "POOL_PASSWORD_POLICY_REQUIRE_NUMBERS": ("pool", "password_policy", "require_numbers"),
    "POOL_PASSWORD_POLICY_REQUIRE_SYMBOLS": ("pool", "password_policy", "require_symbols"),
    "POLICY_RESET_REQUIRED_ON": ("policy", "reset_required_on"),
    "TRIGGER_ON_REJECT": ("trigger", "on_reject"),
    "TRIGGER_MESSAGE_ACTION": ("trigger", "message_action"),
    "TRIGGER_DESIRED_DELIVERY_MEDIUMS": ("trigger", "desired_delivery_mediums"),
    "TRIGGER_FORCE_ALIAS_CREATION": ("trigger", "force_alias_creation"),
    "TRIGGER_SAFETY_MARGIN_MS": ("trigger", "safety_margin_ms"),
    "MAPPING_DEFAULT_PHONE_REGION": ("mapping", "default_phone_region"),
    "MAPPING_ON_INVALID": ("mapping", "on_invalid"),
    "MAPPING_TRUST_EMAILS": ("mapping", "trust_emails"),
    "LOGGING_LEVEL": ("logging", "level"),
    "LOGGING_USERNAME_HASH_KEY": ("logging", "username_hash_key"),
    "LOGGING_DEBUG_USERNAMES": ("logging", "debug_usernames"),
    "LOGGING_METRICS": ("logging", "metrics"),
    "LOGGING_NAMESPACE": ("logging", "namespace"),
    "LOGGING_SERVICE": ("logging", "service"),
}
_LIST_KEYS: Final = frozenset(
    {
        "POOL_USERNAME_ATTRIBUTES",
        "POOL_ALIAS_ATTRIBUTES",
        "POOL_RECOVERY",
        "POLICY_RESET_REQUIRED_ON",
        "TRIGGER_DESIRED_DELIVERY_MEDIUMS",
    }
)


def env_override_names() -> tuple[str, ...]:
    """Every environment variable that overrides one key (for docs and ``config validate``)."""
    return tuple(ENV_PREFIX + name for name in _SCALAR_KEYS)


def apply_env_overrides(document: Mapping[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    """A copy of ``document`` with every ``COGNITO_MIGRATE_*`` override applied."""
    data = _deep_copy(document)
    unknown = [
        name
        for name in environ
        if name.startswith(ENV_PREFIX) and name != CONFIG_ENV and name[len(ENV_PREFIX) :] not in _SCALAR_KEYS
    ]
    if unknown:
        raise ConfigError(unknown[0], "unknown override; see docs/configuration.md for the variables")
    for suffix, path in _SCALAR_KEYS.items():
        raw = environ.get(ENV_PREFIX + suffix)
        if raw is None:
            continue
        value: Any = _env_list(raw) if suffix in _LIST_KEYS else _env_scalar(raw, suffix)
        target = data
        for part in path[:-1]:
            nxt = target.setdefault(part, {})
            if not isinstance(nxt, dict):
                raise ConfigError(".".join(path), "cannot override: the file does not hold a table there")
            target = nxt
        target[path[-1]] = value
    return data


_BOOL_KEYS: Final = frozenset(
    {
        "POOL_CASE_SENSITIVE", "POOL_PASSWORD_POLICY_REQUIRE_UPPERCASE", "POOL_PASSWORD_POLICY_REQUIRE_LOWERCASE",
        "POOL_PASSWORD_POLICY_REQUIRE_NUMBERS", "POOL_PASSWORD_POLICY_REQUIRE_SYMBOLS",
        "TRIGGER_FORCE_ALIAS_CREATION", "LOGGING_DEBUG_USERNAMES", "LOGGING_METRICS", "MAPPING_TRUST_EMAILS",
    }
)  # fmt: skip
_INT_KEYS: Final = frozenset({"POOL_PASSWORD_POLICY_MINIMUM_LENGTH", "TRIGGER_SAFETY_MARGIN_MS"})
_FLOAT_KEYS: Final = frozenset({"STORE_CONNECT_TIMEOUT", "STORE_QUERY_TIMEOUT"})


def _env_scalar(raw: str, suffix: str) -> Any:
    """Env values are text; they are converted by the type of the key they override, so a password of
    digits stays a string and ``1_000`` is not a number."""
    text = raw.strip()
    name = ENV_PREFIX + suffix
    if suffix in _BOOL_KEYS:
        if text.lower() not in ("true", "false"):
            raise ConfigError(name, "expected true or false")
        return text.lower() == "true"
    if suffix in _INT_KEYS:
        if not text.isdigit():
            raise ConfigError(name, "expected a whole number")
        return int(text)
    if suffix in _FLOAT_KEYS:
        if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", text):
            raise ConfigError(name, "expected a number of seconds")
        return float(text)
    return raw


def _env_list(raw: str) -> list[str]:
    text = raw.strip()
    if text.startswith("["):
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        if isinstance(value, list):
            return [str(v) for v in value]
    return [part.strip() for part in text.split(",") if part.strip()]


def _deep_copy(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _deep_copy(v) if isinstance(v, dict) else v for k, v in data.items()}

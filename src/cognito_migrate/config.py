"""Configuration: a TOML file (``COGNITO_MIGRATE_CONFIG``) with ``COGNITO_MIGRATE_*`` env overrides.

Every value is checked when it is loaded, before any user is touched; an error names the key
(``store.url``) and what is expected. Secrets are kept as references (``env:NAME``, ``ssm:/name``,
``secretsmanager:ARN``) and resolved later, once, by :mod:`cognito_migrate.secrets`.

Only the composition roots (``handler.py``, ``cli/``, ``local/``) read configuration; everything below
them receives objects built by :mod:`cognito_migrate.wiring`.
"""

from __future__ import annotations

import json
import os
import re
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Literal, NamedTuple

from cognito_migrate.config_env import CONFIG_ENV, ENV_PREFIX, apply_env_overrides, env_override_names
from cognito_migrate.config_reader import TableReader
from cognito_migrate.errors import ConfigError
from cognito_migrate.policy import DEFAULT_RECOVERY, RECOVERY_MECHANISMS
from cognito_migrate.stores import STORE_TYPES

if TYPE_CHECKING:
    from collections.abc import Mapping

_NAMED_PARAM: Final = re.compile(r"(?<![:\w]):username\b")
_QUOTED_PARAM: Final = re.compile(r"['\"]:username\b[^'\"]*['\"]")

SQL_PRESETS: Final = ("aspnet_identity", "django", "django_allauth")
NORMALIZATIONS: Final = ("none", "lower", "upper")
LOGIN_ATTRIBUTES: Final = ("email", "phone_number")
ON_INVALID: Final = ("drop", "reject")
RESET_REASONS: Final = ("password_policy", "must_change_password", "weak_hash")
STORE_COLUMNS: Final = (
    "username",
    "password_hash",
    "salt",
    "scheme",
    "hash_params",
    "email",
    "email_verified",
    "phone_number",
    "phone_number_verified",
    "disabled",
    "enabled",
    "lockout_end",
    "lockout_enabled",
    "locked",
    "must_change_password",
)


_EMPTY: Mapping[str, Any] = MappingProxyType({})  # the shared, immutable empty default


class StoreSettings(NamedTuple):
    """Where the legacy users live and how to read one (see docs/configuration.md, ``[store]``)."""

    type: str = "sql"
    url: str = ""
    password: str | None = None
    preset: str | None = None
    query: str | None = None
    email_query: str | None = None
    phone_query: str | None = None
    sample_query: str | None = None
    columns: Mapping[str, str] = _EMPTY
    normalize: str | None = None
    connect_timeout: float = 2.0
    query_timeout: float = 2.0


class HashingSettings(NamedTuple):
    """How stored hashes are read: a default scheme for rows that do not say, parameters and cost caps."""

    scheme: str | None = None
    params: Mapping[str, Any] = _EMPTY
    limits: Mapping[str, Any] = _EMPTY
    dummy_scheme: str | None = None
    dummy_cost: Mapping[str, Any] = _EMPTY


class PasswordPolicySettings(NamedTuple):
    """The pool's password policy; Cognito does not apply it to migrated passwords, so we do."""

    minimum_length: int = 8
    require_uppercase: bool = True
    require_lowercase: bool = True
    require_numbers: bool = True
    require_symbols: bool = True


class PoolSettings(NamedTuple):
    """The pool's username model; the response depends on it."""

    username_attributes: tuple[str, ...] = ()
    alias_attributes: tuple[str, ...] = ()
    case_sensitive: bool = True
    password_policy: PasswordPolicySettings = PasswordPolicySettings()
    recovery: tuple[str, ...] = DEFAULT_RECOVERY


class PolicySettings(NamedTuple):
    """Which findings turn a correct password into RESET_REQUIRED instead of CONFIRMED."""

    reset_required_on: frozenset[str] = frozenset({"password_policy", "must_change_password"})


class TriggerSettings(NamedTuple):
    """What the trigger answers Cognito, beyond the attributes."""

    on_reject: Literal["empty", "raise"] = "empty"
    message_action: Literal["SUPPRESS", "SEND"] = "SUPPRESS"
    desired_delivery_mediums: tuple[str, ...] = ()
    force_alias_creation: bool = False
    safety_margin_ms: int = 300


class MappingSettings(NamedTuple):
    """Legacy columns to Cognito attributes: ``attributes`` maps an attribute name to a column."""

    attributes: Mapping[str, str] = _EMPTY
    default_phone_region: str | None = None
    on_invalid: Literal["drop", "reject"] = "drop"
    trust_emails: bool = False


class LoggingSettings(NamedTuple):
    """The per-invocation log line and metrics."""

    level: str = "INFO"
    username_hash_key: str | None = None
    debug_usernames: bool = False
    metrics: bool = True
    namespace: str = "CognitoMigrate"
    service: str = "cognito-migrate"


class Settings(NamedTuple):
    """The whole configuration, validated."""

    store: StoreSettings
    hashing: HashingSettings = HashingSettings()
    pool: PoolSettings = PoolSettings()
    policy: PolicySettings = PolicySettings()
    trigger: TriggerSettings = TriggerSettings()
    mapping: MappingSettings = MappingSettings()
    logging: LoggingSettings = LoggingSettings()
    source: str = "<mapping>"


# --------------------------------------------------------------------------------------------- loading


def load_settings(path: str | os.PathLike[str] | None = None, *, environ: Mapping[str, str] | None = None) -> Settings:
    """Load the TOML file at ``path`` (default: ``$COGNITO_MIGRATE_CONFIG``) and apply env overrides."""
    env = os.environ if environ is None else environ
    if path is None:
        path = env.get(CONFIG_ENV)
        if not path:
            raise ConfigError(CONFIG_ENV, "not set: name the TOML configuration file")
    # os.path rather than pathlib: pathlib costs about 5 ms of imports on the trigger's cold path
    file = os.fspath(path)
    try:
        with open(file, "rb") as handle:  # noqa: PTH123
            raw = handle.read()
    except OSError as exc:
        raise ConfigError(CONFIG_ENV, f"cannot read {file}: {exc.strerror}") from None
    data = _parse_document(raw, file)
    base_dir = os.path.dirname(os.path.realpath(file))  # noqa: PTH120
    return settings_from_mapping(data, environ=env, base_dir=base_dir, source=file)


def _parse_document(raw: bytes, file: str) -> dict[str, Any]:
    # JSON is accepted too: the Lambda runtime has already imported json, so a packaged JSON copy of the
    # configuration costs nothing to parse (tomllib costs a few milliseconds on a cold start).
    if file.endswith(".json"):
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise ConfigError(str(file), f"not valid JSON: {exc}") from None
    else:
        import tomllib

        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(str(file), f"not valid TOML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(str(file), "expected a table at the top level")
    return data


def settings_from_mapping(
    data: Mapping[str, Any],
    *,
    environ: Mapping[str, str] | None = None,
    base_dir: str | os.PathLike[str] | None = None,
    source: str = "<mapping>",
) -> Settings:
    """Validate an already parsed document (plus env overrides) into :class:`Settings`."""
    merged = apply_env_overrides(data, os.environ if environ is None else environ)
    reader = TableReader(merged)
    reader.only(("store", "hashing", "pool", "policy", "trigger", "mapping", "logging"))
    settings = Settings(
        store=_store(reader.section("store", required=True), base_dir),
        hashing=_hashing(reader.section("hashing")),
        pool=_pool(reader.section("pool")),
        policy=_policy(reader.section("policy")),
        trigger=_trigger(reader.section("trigger")),
        mapping=_mapping(reader.section("mapping")),
        logging=_logging(reader.section("logging")),
        source=source,
    )
    _check_consistency(settings)
    return settings


# ------------------------------------------------------------------------------------------- sections


def _store(r: TableReader, base_dir: str | os.PathLike[str] | None) -> StoreSettings:
    r.only(
        (
            "type", "url", "password", "preset", "query", "email_query", "phone_query", "sample_query",
            "columns", "normalize", "connect_timeout", "query_timeout",
        )
    )  # fmt: skip
    kind = r.choice("type", STORE_TYPES, default="sql")
    url = r.string("url", required=True)
    preset = r.optional_choice("preset", SQL_PRESETS)
    query = r.optional_string("query")
    if preset is None and query is None:
        raise ConfigError(r.key("query"), f"required when no preset is set (presets: {', '.join(SQL_PRESETS)})")
    for name in ("query", "email_query", "phone_query", "sample_query"):
        text = r.optional_string(name)
        if text is None:
            continue
        if preset is not None:
            raise ConfigError(r.key(name), f"set either a preset or your own queries, not both (preset {preset!r})")
        if name == "sample_query":
            continue
        if not _NAMED_PARAM.search(text):
            raise ConfigError(r.key(name), "the query must use the named parameter :username")
        if _QUOTED_PARAM.search(text):
            raise ConfigError(r.key(name), "':username' in quotes is a text literal; write :username without quotes")
    columns = r.string_table("columns")
    for column in columns:
        if column not in STORE_COLUMNS:
            raise ConfigError(
                r.key(f"columns.{column}"), f"unknown column role; expected one of {', '.join(STORE_COLUMNS)}"
            )
    if query is not None and "username" not in columns:
        raise ConfigError(r.key("columns.username"), "required with a custom query: the column holding the user name")
    if query is not None and "password_hash" not in columns:
        raise ConfigError(r.key("columns.password_hash"), "required with a custom query: the column holding the hash")
    return StoreSettings(
        type=kind,
        url=_resolve_sqlite_path(url, base_dir),
        password=r.optional_string("password"),
        preset=preset,
        query=query,
        email_query=r.optional_string("email_query"),
        phone_query=r.optional_string("phone_query"),
        sample_query=r.optional_string("sample_query"),
        columns=columns,
        normalize=r.optional_choice("normalize", NORMALIZATIONS),
        # Cognito waits 5 s for the whole trigger; a longer timeout could never be used
        connect_timeout=r.number("connect_timeout", default=2.0, minimum=0.05, maximum=4),
        query_timeout=r.number("query_timeout", default=2.0, minimum=0.05, maximum=4),
    )


def _resolve_sqlite_path(url: str, base_dir: str | os.PathLike[str] | None) -> str:
    """``sqlite:///legacy.db`` is relative to the configuration file, so a config and its database travel together."""
    prefix = "sqlite:///"
    if base_dir is None or not url.startswith(prefix):
        return url
    rest = url[len(prefix) :]
    if rest.startswith("/") or rest == ":memory:" or rest.startswith("file:"):
        return url
    return prefix + os.path.join(base_dir, rest)  # noqa: PTH118


def _hashing(r: TableReader) -> HashingSettings:
    r.only(("scheme", "params", "limits", "dummy_scheme", "dummy_cost"))
    return HashingSettings(
        scheme=r.optional_string("scheme"),
        params=r.table("params"),
        limits=r.table("limits"),
        dummy_scheme=r.optional_string("dummy_scheme"),
        dummy_cost=r.table("dummy_cost"),
    )


def _pool(r: TableReader) -> PoolSettings:
    r.only(("username_attributes", "alias_attributes", "case_sensitive", "password_policy", "recovery"))
    username_attributes = r.string_list("username_attributes", allowed=LOGIN_ATTRIBUTES)
    # preferred_username aliases are not looked up in legacy stores (they have no such field): refused
    # rather than accepted and silently ignored
    alias_attributes = r.string_list("alias_attributes", allowed=LOGIN_ATTRIBUTES)
    if username_attributes and alias_attributes:
        raise ConfigError(
            r.key("alias_attributes"),
            "a pool has either username_attributes or alias_attributes, not both (Cognito's rule)",
        )
    p = r.section("password_policy")
    p.only(("minimum_length", "require_uppercase", "require_lowercase", "require_numbers", "require_symbols"))
    policy = PasswordPolicySettings(
        minimum_length=p.integer("minimum_length", default=8, minimum=6, maximum=99),
        require_uppercase=p.boolean("require_uppercase", default=True),
        require_lowercase=p.boolean("require_lowercase", default=True),
        require_numbers=p.boolean("require_numbers", default=True),
        require_symbols=p.boolean("require_symbols", default=True),
    )
    return PoolSettings(
        username_attributes=username_attributes,
        alias_attributes=alias_attributes,
        # true, like pools created by API or CloudFormation; it also fails closed (a differently cased
        # name is refused) where the opposite would create duplicate users in a case-sensitive pool
        case_sensitive=r.boolean("case_sensitive", default=True),
        password_policy=policy,
        recovery=_recovery(r),
    )


def _recovery(r: TableReader) -> tuple[str, ...]:
    """The pool's AccountRecoverySetting, in priority order: which verified channel gets a reset code."""
    if "recovery" not in r.data:
        return DEFAULT_RECOVERY
    recovery = r.string_list("recovery", allowed=RECOVERY_MECHANISMS)
    if not recovery:
        raise ConfigError(r.key("recovery"), "expected one or two mechanisms, in priority order")
    if "admin_only" in recovery and len(recovery) > 1:
        raise ConfigError(r.key("recovery"), "admin_only cannot be combined with another mechanism (Cognito's rule)")
    return recovery


def _policy(r: TableReader) -> PolicySettings:
    r.only(("reset_required_on",))
    default = PolicySettings().reset_required_on
    if "reset_required_on" not in r.data:
        return PolicySettings(reset_required_on=default)
    return PolicySettings(reset_required_on=frozenset(r.string_list("reset_required_on", allowed=RESET_REASONS)))


def _trigger(r: TableReader) -> TriggerSettings:
    r.only(("on_reject", "message_action", "desired_delivery_mediums", "force_alias_creation", "safety_margin_ms"))
    on_reject: Literal["empty", "raise"] = (
        "raise" if r.choice("on_reject", ("empty", "raise"), default="empty") == "raise" else "empty"
    )
    action: Literal["SUPPRESS", "SEND"] = (
        "SEND" if r.choice("message_action", ("SUPPRESS", "SEND"), default="SUPPRESS") == "SEND" else "SUPPRESS"
    )
    return TriggerSettings(
        on_reject=on_reject,
        message_action=action,
        desired_delivery_mediums=r.string_list("desired_delivery_mediums", allowed=("EMAIL", "SMS")),
        force_alias_creation=r.boolean("force_alias_creation", default=False),
        safety_margin_ms=r.integer("safety_margin_ms", default=300, minimum=50, maximum=3000),
    )


def _mapping(r: TableReader) -> MappingSettings:
    r.only(("attributes", "default_phone_region", "on_invalid", "trust_emails"))
    region = r.optional_string("default_phone_region")
    if region is not None and not (len(region) == 2 and region.isalpha() and region.isupper()):
        raise ConfigError(r.key("default_phone_region"), 'expected a two-letter ISO 3166 region code such as "US"')
    # attribute names are validated by the mapping package, which owns Cognito's attribute rules
    strict = r.choice("on_invalid", ON_INVALID, default="drop") == "reject"
    return MappingSettings(
        attributes=r.string_table("attributes"),
        default_phone_region=region,
        on_invalid="reject" if strict else "drop",
        trust_emails=r.boolean("trust_emails", default=False),
    )


def _logging(r: TableReader) -> LoggingSettings:
    r.only(("level", "username_hash_key", "debug_usernames", "metrics", "namespace", "service"))
    return LoggingSettings(
        level=r.choice("level", ("DEBUG", "INFO", "WARNING", "ERROR"), default="INFO"),
        username_hash_key=r.optional_string("username_hash_key"),
        debug_usernames=r.boolean("debug_usernames", default=False),
        metrics=r.boolean("metrics", default=True),
        namespace=r.string("namespace", default="CognitoMigrate"),
        service=r.string("service", default="cognito-migrate"),
    )


def _check_consistency(settings: Settings) -> None:
    lookups = {*settings.pool.username_attributes, *settings.pool.alias_attributes}
    store = settings.store
    if store.preset is None:
        if "email" in lookups and store.email_query is None:
            raise ConfigError("store.email_query", "required: the pool signs users in by email")
        if "phone_number" in lookups and store.phone_query is None:
            raise ConfigError("store.phone_query", "required: the pool signs users in by phone number")


__all__ = [
    "CONFIG_ENV",
    "ENV_PREFIX",
    "Settings",
    "env_override_names",
    "load_settings",
    "settings_from_mapping",
]

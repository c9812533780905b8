"""Configuration -> objects, once per process. The only place that knows both.

The trigger (``handler.Trigger``), the CLI (``check``, ``config validate``, ``package``, ``doctor``) and the
local Cognito get every object they need from here: the service and its store, verifier, mapper and reset
policy, the log line, the response options. The service and everything under it receive ready objects and
never see :class:`~cognito_migrate.config.Settings`. The checks of a configuration all ran when it loaded
(``config.py``), so building only fails on what loading cannot know (a secret reference, a driver's URL).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Final, TextIO

from cognito_migrate import hashing, secrets
from cognito_migrate.cognito_rules import PasswordPolicy
from cognito_migrate.errors import ConfigError, DummyCostError
from cognito_migrate.event import ResponseOptions
from cognito_migrate.floor import RejectionFloor
from cognito_migrate.mapping import AttributeMapper, UsernameModel
from cognito_migrate.models import Credential
from cognito_migrate.observability import InvocationLog
from cognito_migrate.policy import ResetPolicy
from cognito_migrate.service import MigrationService
from cognito_migrate.stores import STORE_TYPES
from cognito_migrate.verifier import PasswordVerifier

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from cognito_migrate.audit.census import Auditor
    from cognito_migrate.cognito_api import CognitoAdmin
    from cognito_migrate.config import Settings
    from cognito_migrate.groups import GroupAssigner
    from cognito_migrate.ledger.recorder import LedgerRecorder
    from cognito_migrate.ledger.throttle import LedgerThrottle
    from cognito_migrate.mapping.identity import LoginField
    from cognito_migrate.stores.base import UserStore


def build_service(
    settings: Settings, *, ledger: LedgerParts | None = None, store: UserStore | None = None
) -> MigrationService:
    """The whole migration flow for a configuration (with ``ledger``, the ledger and throttle it uses; with
    ``store``, that store, built from the same configuration: one Lambda's init phase loaded)."""
    if ledger is None and settings.ledger.url is not None:
        ledger = build_ledger(settings, build_log(settings))
    return MigrationService(
        store=store if store is not None else build_store(settings),
        verifier=build_verifier(settings),
        mapper=build_mapper(settings),
        reset_policy=build_reset_policy(settings),
        throttle=ledger.throttle if ledger is not None else None,
        ledger=ledger.recorder if ledger is not None else None,
        floor=build_floor(settings),
    )


def build_floor(settings: Settings) -> RejectionFloor:
    """The rejection floor: ``trigger.reject_floor_ms``, or measured by the container (auto)."""
    floor_ms = settings.trigger.reject_floor_ms
    return RejectionFloor(configured_s=floor_ms / 1000 if floor_ms is not None else None)


class LedgerParts:
    """The ledger step and the throttle over one backend (the throttle is None unless configured).

    A plain class, not a NamedTuple: its field types are imported only when a ledger is configured, and a
    NamedTuple with string annotations costs the cold path a ``compile()`` (docs/architecture.md).
    """

    __slots__ = ("recorder", "throttle")

    def __init__(self, recorder: LedgerRecorder, throttle: LedgerThrottle | None) -> None:
        self.recorder = recorder
        self.throttle = throttle


def build_ledger(settings: Settings, log: InvocationLog) -> LedgerParts | None:
    """The ledger for ``[ledger]`` (None without a url); its backend module is imported only here."""
    config = settings.ledger
    if config.url is None:
        return None
    from cognito_migrate.ledger.backend import open_backend
    from cognito_migrate.ledger.recorder import LedgerRecorder
    from cognito_migrate.ledger.records import Keys

    def password() -> str | None:
        return secrets.resolve(config.password) if config.password else None

    key_ref = config.hash_key or settings.logging.username_hash_key
    if key_ref is None:  # pragma: no cover - refused when the configuration is loaded
        raise ConfigError("ledger.hash_key", "required")
    try:
        keys = Keys(secrets.resolve(key_ref).encode("utf-8"))
    except ValueError as exc:
        raise ConfigError("ledger.hash_key", str(exc)) from None
    backend = open_backend(secrets.resolve(config.url), timeout=config.timeout, password=password)
    recorder = LedgerRecorder(backend, keys, timeout=config.timeout, on_error=log.ledger_problem)
    throttle = None
    if settings.throttle.enabled:
        from cognito_migrate.ledger.throttle import LedgerThrottle

        t = settings.throttle
        throttle = LedgerThrottle(
            backend,
            keys,
            max_failures=t.max_failures,
            window_seconds=t.window_seconds,
            address_field=t.address_field,
            address_max_failures=t.address_max_failures,
            timeout=config.timeout,
            on_error=log.ledger_problem,
        )
    return LedgerParts(recorder, throttle)


def build_store(settings: Settings) -> UserStore:
    """The legacy store ``[store] type`` names; its backend module is imported only now."""
    kind = settings.store.type
    builder = _STORE_BUILDERS.get(kind)
    if builder is None:
        raise ConfigError("store.type", f"unknown store type {kind!r}; expected one of {', '.join(STORE_TYPES)}")
    return builder(settings)


def _sql_store(settings: Settings) -> UserStore:
    """The SQL store; the database password is resolved at the first connection, not before."""
    from cognito_migrate.stores.rows import CUSTOM_RESET
    from cognito_migrate.stores.sql import SqlUserStore
    from cognito_migrate.stores.sql_drivers import check_query, dialect_of, driver_for
    from cognito_migrate.stores.sql_presets import PRESETS, limit_one, requote

    store = settings.store
    url = secrets.resolve(store.url)

    def password() -> str | None:
        return secrets.resolve(store.password) if store.password else None

    def forget_password() -> None:
        if store.password:
            secrets.forget(store.password)

    driver = driver_for(url, password=password, query_timeout=store.query_timeout)
    queries: dict[LoginField, str | None]
    if store.preset is not None:
        preset = PRESETS[store.preset]
        queries = {"username": preset.query, "email": preset.email_query, "phone_number": preset.phone_query}
        queries = {f: requote(q, driver.quote) if q else None for f, q in queries.items()}
        sample = limit_one(requote(preset.sample_query, driver.quote), dialect_of(url)) if preset.sample_query else None
        listing = requote(preset.list_query, driver.quote) if preset.list_query else None
        columns = {**preset.columns, **store.columns}
        normalize = store_normalization(settings)
        reset_rule = preset.reset
    else:
        queries = {"username": store.query, "email": store.email_query, "phone_number": store.phone_query}
        sample = store.sample_query
        listing = store.list_query
        for key, sql in (("query", store.query), ("email_query", store.email_query), ("phone_query", store.phone_query),
                         ("sample_query", sample), ("list_query", listing)):  # fmt: skip
            if sql is not None:
                check_query(f"store.{key}", sql)
        columns = dict(store.columns)
        normalize = store.normalize or "none"
        reset_rule = CUSTOM_RESET
    return SqlUserStore(
        driver,
        queries={field: sql for field, sql in queries.items() if sql is not None},
        columns=columns,
        sample_query=sample,
        list_query=listing,
        groups_query=store.groups_query,
        reset_rule=reset_rule,
        normalize=normalize,
        connect_timeout=store.connect_timeout,
        query_timeout=store.query_timeout,
        forget_secret=forget_password,
    )


def _http_store(settings: Settings) -> UserStore:
    """The legacy login API; its token or basic password is resolved at the first request, not before."""
    from cognito_migrate.stores.http import HttpUserStore, basic_auth

    store, api = settings.store, settings.store.http

    def auth() -> str | None:
        if api.token is not None:
            return "Bearer " + secrets.resolve(api.token)
        if api.username is not None and api.password is not None:
            return basic_auth(api.username, secrets.resolve(api.password))
        return None

    try:
        return HttpUserStore(
            secrets.resolve(store.url),
            contract=api.contract,
            auth=auth,
            ca_file=api.ca_file,
            columns=store.columns,
            normalize=store.normalize or "none",
            connect_timeout=store.connect_timeout,
            read_timeout=api.read_timeout,
        )
    except (ValueError, OSError) as exc:  # a resolved URL that is not http(s), an unreadable CA file
        raise ConfigError("store.http.ca_file" if isinstance(exc, OSError) else "store.url", str(exc)) from None


def _ldap_store(settings: Settings) -> UserStore:
    """The directory; the search account's password is resolved at its first bind, not before."""
    from cognito_migrate.stores.ldap import LdapUserStore

    store, ldap = settings.store, settings.store.ldap
    if ldap.bind_dn is None or ldap.bind_password is None or ldap.base_dn is None or ldap.user_filter is None:
        # pragma: no cover - refused when the configuration is loaded
        raise ConfigError("store.ldap", "bind_dn, bind_password, base_dn and user_filter are required")
    reference = ldap.bind_password
    filters: dict[LoginField, str] = {"username": ldap.user_filter}
    lookups = _lookup_fields(settings)
    if ldap.email_filter is not None and "email" in lookups:
        filters["email"] = ldap.email_filter
    if ldap.phone_filter is not None and "phone_number" in lookups:
        filters["phone_number"] = ldap.phone_filter
    try:
        return LdapUserStore(
            secrets.resolve(store.url),
            bind_dn=ldap.bind_dn,
            bind_password=lambda: secrets.resolve(reference),
            base_dn=ldap.base_dn,
            filters=filters,
            verify=ldap.verify,
            start_tls=ldap.start_tls,
            ca_file=ldap.ca_file,
            columns=_ldap_columns(settings),
            group_filter=ldap.group_filter if settings.groups.enabled else None,
            group_base_dn=ldap.group_base_dn,
            attributes=tuple(mapping_columns(settings).values()),
            normalize=store.normalize or "none",
            connect_timeout=store.connect_timeout,
            read_timeout=ldap.read_timeout,
            forget_secret=lambda: secrets.forget(reference),
        )
    except ValueError as exc:  # a resolved URL that is not ldap(s)
        raise ConfigError("store.url", str(exc)) from None


def _ldap_columns(settings: Settings) -> dict[str, tuple[str, ...]]:
    """``[store.columns]`` for a directory (each role one attribute); with ``[groups]``, ``memberOf`` gives the
    groups unless a column says otherwise (read only then: a user may be in hundreds of groups)."""
    columns: dict[str, tuple[str, ...]] = {role: (column,) for role, column in settings.store.columns.items()}
    if settings.groups.enabled and "groups" not in columns and "roles" not in columns:
        columns["groups"] = ("memberOf",)
    return columns
def _cognito_store(settings: Settings) -> UserStore:
    """The old user pool; its app client's secret is resolved at the first call, not before."""
    from cognito_migrate.stores.cognito import CognitoUserStore

    store, pool = settings.store, settings.store.cognito
    region = pool.pool_region
    if pool.user_pool_id is None or pool.client_id is None or region is None:  # pragma: no cover - refused at load
        raise ConfigError("store.cognito", "user_pool_id and client_id are required")
    reference = pool.client_secret

    def client_secret() -> str | None:
        return secrets.resolve(reference) if reference else None

    return CognitoUserStore(
        user_pool_id=pool.user_pool_id,
        client_id=pool.client_id,
        region=region,
        client_secret=client_secret,
        endpoint_url=pool.endpoint_url,
        auth_flow=pool.auth_flow,
        challenge_resets=pool.on_challenge == "RESET_REQUIRED",
        columns=store.columns,
        attributes=tuple(mapping_columns(settings).values()),
        normalize=store.normalize or "none",
        connect_timeout=store.connect_timeout,
        read_timeout=pool.read_timeout,
    )


def _lookup_fields(settings: Settings) -> set[str]:
    """The sign-in fields the pool's username model looks up (besides the user name)."""
    return {*settings.pool.username_attributes, *settings.pool.alias_attributes}


def mapping_columns(settings: Settings) -> Mapping[str, str]:
    """``[mapping] attributes``; for an ldap store left empty, the directory's names (given name, surname, cn)."""
    if settings.store.type == "ldap" and not settings.mapping.attributes:
        from cognito_migrate.stores.ldap import PROFILE

        return PROFILE
    keep_sub_as = settings.store.cognito.keep_sub_as
    if settings.store.type == "cognito" and keep_sub_as is not None:
        return {keep_sub_as: "sub", **settings.mapping.attributes}  # the old pool's sub, kept for foreign keys
    return settings.mapping.attributes


def _file_store(settings: Settings) -> UserStore:
    """The export file; nothing is read until the first lookup (or ``prepare``), within its deadline."""
    from cognito_migrate.stores.file import FileUserStore, open_source
    from cognito_migrate.stores.file_formats import DEFAULT_COLUMNS

    store, file = settings.store, settings.store.file
    fmt = file.format
    if fmt is None:  # pragma: no cover - refused when the configuration is loaded
        raise ConfigError("store.file.format", "required")

    def source(location: str) -> Any:
        try:
            return open_source(
                secrets.resolve(location), connect_timeout=store.connect_timeout, read_timeout=store.query_timeout
            )
        except ValueError as exc:  # a resolved reference that is no s3://bucket/key
            raise ConfigError("store.url", str(exc)) from None

    return FileUserStore(
        source(store.url),
        file_format=fmt,
        columns={**DEFAULT_COLUMNS[fmt], **store.columns},
        lookup_fields=build_mapper(settings).username_model.lookup_fields(),
        normalize=store_normalization(settings),
        fill=settings.mapping.attributes.values(),
        hashes=source(file.hashes) if file.hashes is not None else None,
        load_reserve=file.load_reserve,
    )


# ``[store] type`` -> its builder; every name of STORE_TYPES has one (tests/unit/test_stores.py checks)
_STORE_BUILDERS: Final[dict[str, Callable[[Settings], UserStore]]] = {
    "sql": _sql_store,
    "http": _http_store,
    "ldap": _ldap_store,
    "file": _file_store,
    "cognito": _cognito_store,
}


def build_group_assigner(
    settings: Settings, store: UserStore, *, admin: Callable[[str], CognitoAdmin] | None = None
) -> GroupAssigner | None:
    """The post-authentication group step for ``[groups]`` (None when no group can be assigned); it shares
    the trigger's ``store``. ``admin`` gives the Cognito client for a region (default: AWS's endpoint, or
    ``AWS_ENDPOINT_URL_COGNITO_IDP``; the local Cognito passes its own)."""
    config = settings.groups
    if not config.enabled:
        return None
    from cognito_migrate.cognito_api import CognitoAdmin
    from cognito_migrate.groups import GroupAssigner, GroupMap

    return GroupAssigner(
        store,
        GroupMap(config.map, copy_unmapped=config.unmapped == "copy"),
        fields=build_mapper(settings).username_model.lookup_fields(),
        admin=admin or CognitoAdmin,
        case_sensitive=settings.pool.case_sensitive,
    )


def build_verifier(settings: Settings) -> PasswordVerifier:
    """The verifier with the configured defaults, caps and dummy (all checked when the settings loaded)."""
    h = settings.hashing
    limits = hashing.CostLimits(**h.limits)
    dummy_scheme = settings.dummy_scheme
    # a pepper, secret or signer key may be a reference: resolved here, once per container
    hashing_params = secrets.resolve_params(_hashing_params(h.scheme, h.params))
    cost = dict(h.dummy_cost) or None
    # the configured scheme's parameters (iterations of Symfony, Membership's algorithm...) shape its cost
    params = dict(hashing_params) if dummy_scheme == h.scheme and hashing_params else None

    def make_dummy() -> Credential:
        try:
            return Credential(*hashing.dummy_credential(dummy_scheme, cost=cost, params=params))
        except ValueError as exc:
            # a hashing.dummy_cost the scheme refuses: fall back to the scheme's usual cost rather than
            # answer unknown users differently; the log line says so at ERROR (verifier.problem)
            raise DummyCostError(f"hashing.dummy_cost: {exc}") from None

    return PasswordVerifier(
        default_scheme=h.scheme,
        default_params=hashing_params,
        limits=limits,
        make_dummy=make_dummy,
        fallback_dummy=lambda: Credential(*hashing.dummy_credential(dummy_scheme, params=params)),
        dummy_scheme=dummy_scheme,
    )


def _hashing_params(scheme: str | None, params: Mapping[str, Any]) -> dict[str, Any]:
    """``[hashing] params`` with the scheme's secret params (a machineKey) as lazily resolved references: each
    is resolved on the first verification that needs it, not at start-up (the configuration checked that they
    are references)."""
    out = dict(params)
    for name in hashing.SCHEMES[scheme].secret_params if scheme is not None else ():
        if name in out:
            out[name] = functools.partial(secrets.resolve, out[name])
    return out


def build_mapper(settings: Settings) -> AttributeMapper:
    pool = settings.pool
    model = UsernameModel(
        username_attributes=pool.username_attributes,
        alias_attributes=pool.alias_attributes,
        case_sensitive=pool.case_sensitive,
    )
    return AttributeMapper(
        columns=mapping_columns(settings),
        username_model=model,
        default_phone_region=settings.mapping.default_phone_region,
        on_invalid=settings.mapping.on_invalid,
        trust_emails=settings.mapping.trust_emails,
        copy=_copied_attributes(settings),
    )


def _copied_attributes(settings: Settings) -> Callable[[str], bool] | None:
    """For a cognito store, which of the old user's attributes are copied as they are (None: only the mapping)."""
    if settings.store.type != "cognito":
        return None
    from cognito_migrate.stores.cognito import copied_attribute

    return functools.partial(copied_attribute, custom=settings.store.cognito.copy_custom)


def build_password_policy(settings: Settings) -> PasswordPolicy:
    """The pool's password policy as ``[pool.password_policy]`` copies it."""
    p = settings.pool.password_policy
    return PasswordPolicy(
        minimum_length=p.minimum_length,
        require_uppercase=p.require_uppercase,
        require_lowercase=p.require_lowercase,
        require_numbers=p.require_numbers,
        require_symbols=p.require_symbols,
    )


def build_reset_policy(settings: Settings) -> ResetPolicy:
    return ResetPolicy(
        password_policy=build_password_policy(settings),
        apply_to=settings.policy.reset_required_on,
        recovery=settings.pool.recovery,
    )


def build_log(
    settings: Settings,
    *,
    stream: TextIO | None = None,
    metrics: bool | None = None,
    level: str | None = None,
    debug_usernames: bool | None = None,
) -> InvocationLog:
    """The per-invocation log line. The local Cognito and ``check`` send it elsewhere (``stream``) and may
    override what they show; the user name's hash key is always the configured one."""
    logging = settings.logging
    key = secrets.resolve(logging.username_hash_key).encode("utf-8") if logging.username_hash_key else None
    return InvocationLog(
        namespace=logging.namespace,
        service=logging.service,
        username_key=key,
        debug_usernames=logging.debug_usernames if debug_usernames is None else debug_usernames,
        metrics=logging.metrics if metrics is None else metrics,
        level=logging.level if level is None else level,
        stream=stream,
    )


def build_response_options(settings: Settings) -> ResponseOptions:
    """What the trigger's answer carries beyond the attributes (``[trigger]``)."""
    trigger = settings.trigger
    return ResponseOptions(
        message_action="SUPPRESS" if trigger.message_action == "SUPPRESS" else None,
        desired_delivery_mediums=trigger.desired_delivery_mediums,
        force_alias_creation=trigger.force_alias_creation,
    )


# the extra a store type always needs; a cognito store's boto3 comes with the Lambda runtime (`aws` elsewhere)
_STORE_EXTRAS: Final = {"ldap": "ldap"}


def required_extras(settings: Settings) -> set[str]:
    """The ``cognito-migrate[...]`` extras a deployment of this configuration needs (for ``package``)."""
    extras: set[str] = set()
    url = settings.store.url
    store_extra = _STORE_EXTRAS.get(settings.store.type)
    if store_extra is not None:
        extras.add(store_extra)
    if settings.store.type == "sql" and not secrets.is_reference(url):
        from cognito_migrate.stores.sql_drivers import EXTRAS, dialect_of

        extra = EXTRAS[dialect_of(url)]
        if extra:
            extras.add(extra)
    for scheme in (settings.hashing.scheme, settings.hashing.dummy_scheme):
        info = hashing.SCHEMES.get(scheme) if scheme else None
        if info is not None and info.extra:
            extras.add(info.extra)
    if settings.hashing.scheme == "aspnet_membership" and "decryption_key" in settings.hashing.params:
        extras.add("aspnet")  # encrypted Membership rows are decrypted with cryptography
    columns = _store_columns(settings)  # an s3:// file is read with boto3, which the Lambda runtime provides
    if settings.mapping.default_phone_region or "phone_number" in columns:
        extras.add("phone")  # every phone number is validated with phonenumbers
    ledger_url = settings.ledger.url
    if ledger_url is not None and not secrets.is_reference(ledger_url):
        from cognito_migrate.stores.sql_drivers import EXTRAS, SCHEMES

        scheme = ledger_url.split(":", 1)[0].split("+", 1)[0].lower()
        extra = EXTRAS.get(SCHEMES.get(scheme, ""))  # DynamoDB needs no extra: the ledger speaks its HTTP API
        if extra:
            extras.add(extra)
    return extras


def _store_columns(settings: Settings) -> Mapping[str, str]:
    """The column roles the store reads: ``[store.columns]`` over the preset's, directory's, pool's or format's."""
    store = settings.store
    if store.preset:
        from cognito_migrate.stores.sql_presets import PRESETS

        return {**PRESETS[store.preset].columns, **store.columns}
    if store.type == "ldap":
        from cognito_migrate.stores.ldap import COLUMNS

        return {**{role: names[0] for role, names in COLUMNS.items()}, **store.columns}  # the directory's defaults
    if store.type == "cognito":
        from cognito_migrate.stores.cognito import COLUMNS as POOL_COLUMNS

        return {**POOL_COLUMNS, **store.columns}  # a user's phone_number comes with the pool's attributes
    if store.type == "file" and store.file.format is not None:
        from cognito_migrate.stores.file_formats import DEFAULT_COLUMNS

        return {**DEFAULT_COLUMNS[store.file.format], **store.columns}
    return store.columns


def store_normalization(settings: Settings) -> str:
    """How the store folds a typed name before its lookup (``none``, ``lower``, ``upper``)."""
    store = settings.store
    if store.type == "file" and store.normalize is None and store.file.format is not None:
        from cognito_migrate.stores.file_formats import DEFAULT_NORMALIZE

        # a file has no collation to match case for it: in a pool that ignores case, the names are folded as
        # the pool folds them, or a user who types another case than the file holds is told "unknown"
        fold = DEFAULT_NORMALIZE[store.file.format]
        return "lower" if fold == "none" and not settings.pool.case_sensitive else fold
    if store.normalize is not None or store.preset is None:
        return store.normalize or "none"
    from cognito_migrate.stores.sql_presets import PRESETS

    return PRESETS[store.preset].normalize


def build_auditor(
    settings: Settings,
    *,
    installed: Callable[[str], bool],
    user_ref: Callable[[str], str] | None = None,
    scratch_dir: str | None = None,
) -> Auditor:
    """The audit of the configured store, with the trigger's own verifier, mapper and username hashing.

    ``installed`` says whether an extra is installed here (the CLI tells, for ``missing_extra``). ``user_ref``
    shares one username hash between auditors (worker processes): without a configured
    ``logging.username_hash_key`` each log object draws a random key.
    """
    from cognito_migrate.audit.census import Auditor
    from cognito_migrate.stores.rows import normalize_login

    how = "lower" if not settings.pool.case_sensitive else store_normalization(settings)

    def fold(name: str) -> str:
        return normalize_login(name, how)

    return Auditor(
        verifier=build_verifier(settings),
        mapper=build_mapper(settings),
        user_ref=user_ref or build_log(settings).user_ref,
        fold_name=fold,
        installed=installed,
        can_receive_code=build_reset_policy(settings).can_receive_code,
        extras=required_extras(settings),
        scratch_dir=scratch_dir,
        store_checks_passwords=settings.store.type == "ldap" and settings.store.ldap.verify == "bind",
    )


def returned_attribute_names(settings: Settings) -> frozenset[str]:
    """Every attribute name the trigger may return for this configuration (for ``doctor``)."""
    return build_mapper(settings).attribute_names

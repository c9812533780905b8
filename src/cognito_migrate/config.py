"""Configuration: a TOML file (``COGNITO_MIGRATE_CONFIG``) with ``COGNITO_MIGRATE_*`` env overrides.

This module is the schema: every key is declared once below (kind, default, check, doc line; the
machinery and the recipe for adding a key are in :mod:`cognito_migrate.config_schema`). The declarations
drive the reader, the environment overrides and the key tables of docs/configuration.md.

Every value is checked when it is loaded, before any user is touched, and every problem of a file is
reported in one :class:`~cognito_migrate.errors.ConfigError` that names each key (``store.url``) and what is
expected. Secrets are kept as references (``env:NAME``, ``ssm:/name``, ``secretsmanager:ARN``) and resolved
later, once, by :mod:`cognito_migrate.secrets`.

Only the composition roots (``handler.py``, ``cli/``, ``local/``) read configuration; everything below
them receives objects built by :mod:`cognito_migrate.wiring`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Literal

from cognito_migrate.cognito_rules import DEFAULT_RECOVERY, MINIMUM_LENGTH_RANGE, RECOVERY_MECHANISMS, PasswordPolicy
from cognito_migrate.config_schema import (
    CONFIG_ENV,
    ENV_PREFIX,
    FLAG,
    TEXT,
    Anything,
    Choice,
    Key,
    Kind,
    Names,
    NameSet,
    Nested,
    NonEmptyText,
    Number,
    Problem,
    Section,
    Table,
    Whole,
    apply_env,
    env_keys,
    read,
)
from cognito_migrate.errors import ConfigError
from cognito_migrate.stores import COGNITO_AUTH_FLOWS, FILE_FORMATS, HTTP_CONTRACTS, LDAP_VERIFY_MODES, STORE_TYPES
from cognito_migrate.stores.sql_presets import PRESETS

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

_QUOTED_PARAM: Final = r"['\"]:username\b[^'\"]*['\"]"  # compiled by `re` when a query is checked

SQL_PRESETS: Final = tuple(PRESETS)  # a small table of queries, no driver: the SQL backend loads when built
NORMALIZATIONS: Final = ("none", "lower", "upper")
LOGIN_ATTRIBUTES: Final = ("email", "phone_number")
COGNITO_DEFAULT_POLICY: Final = PasswordPolicy()
ON_INVALID: Final[tuple[Literal["drop", "reject"], ...]] = ("drop", "reject")
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
    "groups",
    "roles",
)
DEFAULT_DUMMY_SCHEME: Final = "bcrypt"

_EMPTY: Mapping[str, Any] = MappingProxyType({})  # the shared, immutable empty default
_TIMEOUT: Final = Number(0.05, 4)  # Cognito waits 5 s for the whole trigger; a longer timeout could never be used


# ----------------------------------------------------------------------------------------- key checks


def _query(text: str) -> str | None:
    from cognito_migrate.stores.sql_drivers import NAMED_PARAM

    if not re.search(NAMED_PARAM, text):
        return "the query must use the named parameter :username"
    if re.search(_QUOTED_PARAM, text):
        return "':username' in quotes is a text literal; write :username without quotes"
    return None


def _column_role(role: str, column: str, key: str) -> None:
    if role not in STORE_COLUMNS:
        raise ConfigError(key, f"unknown column role; expected one of {', '.join(STORE_COLUMNS)}")


def _scheme(scheme: str) -> str | None:
    from cognito_migrate import hashing

    if scheme in hashing.SCHEMES:
        return None
    import difflib

    close = difflib.get_close_matches(scheme, hashing.SCHEMES, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown scheme {scheme!r}; {hint}see docs/hashes.md for the list"


class _Limits(Kind[Mapping[str, int]]):
    """``[hashing.limits]``: cost caps, checked by the hashing library that owns them (names, positive integers)."""

    has_env = False
    what = "a table of positive integers"

    def read(self, value: object, key: str) -> Mapping[str, int]:
        from cognito_migrate import hashing

        table: dict[str, int] = self._expect(value, dict, key)
        try:
            hashing.CostLimits.from_mapping(table, key_prefix=key)
        except hashing.LimitsError as exc:
            raise ConfigError(exc.key, exc.problem) from None
        return MappingProxyType(dict(table))


def _attribute(name: str, column: str, key: str) -> None:
    from cognito_migrate.errors import MappingError
    from cognito_migrate.mapping.attributes import MANAGED_ATTRIBUTES, check_name

    try:
        check_name(name)
    except MappingError as exc:
        raise ConfigError(key, exc.problem) from None
    if name in MANAGED_ATTRIBUTES:
        raise ConfigError(key, "comes from the store's columns (store.columns), not from mapping.attributes")


def _region(region: str) -> str | None:
    if len(region) == 2 and region.isalpha() and region.isupper():
        return None
    return 'expected a two-letter ISO 3166 region code such as "US"'


def _recovery(recovery: tuple[str, ...]) -> str | None:
    if not recovery:
        return "expected one or two mechanisms, in priority order"
    if "admin_only" in recovery and len(recovery) > 1:
        return "admin_only cannot be combined with another mechanism (Cognito's rule)"
    return None


def _pool_id(pool_id: str) -> str | None:
    return None if re.fullmatch(r"[\w-]+_[0-9a-zA-Z]+", pool_id) else "expected a user pool id such as eu-west-1_AbC123"


# ------------------------------------------------------------------------------------------- sections


def _http_url(url: str) -> str | None:
    from cognito_migrate.secrets import is_reference

    if is_reference(url):
        return None
    return None if url.startswith(("http://", "https://")) else "expected an http:// or https:// URL"


class HttpStoreSettings(Section):
    """The legacy login API of ``type = "http"`` (docs/stores.md); ``[store] url`` is the API's base URL."""

    contract = Key(
        Choice(HTTP_CONTRACTS),
        "native",
        "`native` (this project's JSON contract) or `keycloak` (keycloak-user-migration's REST endpoints)",
    )
    token = Key(TEXT, None, "a bearer token as a [secret reference](#secrets), sent as `Authorization: Bearer ...`")
    username = Key(TEXT, None, "the basic-authentication user (with `password`)")
    password = Key(TEXT, None, "the basic-authentication password as a [secret reference](#secrets)")
    ca_file = Key(TEXT, None, "a PEM file of the CAs to trust for `https://` (default: the system's); never off")
    read_timeout = Key(
        _TIMEOUT, 2.0, "seconds (at most 4) each read may wait; the whole request is bounded by the deadline"
    )

    def problems(self) -> Iterator[Problem]:
        if self.token is not None and (self.username is not None or self.password is not None):
            yield "token", "set a bearer token or basic authentication (username, password), not both"
        if (self.username is None) != (self.password is None):
            yield "password" if self.password is None else "username", "basic authentication needs both"


def _ldap_url(url: str) -> str | None:
    from cognito_migrate.secrets import is_reference

    if is_reference(url):
        return None
    return None if url.startswith(("ldap://", "ldaps://")) else "expected an ldap:// or ldaps:// URL"


def _ldap_filter(template: str) -> str | None:
    from cognito_migrate.stores.ldap_filters import filter_problem  # only when an LDAP filter is configured

    return filter_problem(template)


def _ldap_group_filter(template: str) -> str | None:
    from cognito_migrate.stores.ldap_filters import group_filter_problem

    return group_filter_problem(template)


def _dn(text: str) -> str | None:
    return None if "=" in text and text.strip() == text else "expected a distinguished name such as dc=example,dc=com"


class LdapStoreSettings(Section):
    """The directory of ``type = "ldap"`` (docs/stores.md); ``[store] url`` is ``ldap://host`` or ``ldaps://host``."""

    bind_dn = Key(TEXT, None, "the search account's DN (`cn=migrator,ou=system,dc=example,dc=com`)", check=_dn)
    bind_password = Key(TEXT, None, "the search account's password as a [secret reference](#secrets)")
    base_dn = Key(TEXT, None, "where users are searched, with its whole subtree (`ou=people,dc=example,dc=com`)",
                  check=_dn)  # fmt: skip
    user_filter = Key(
        TEXT,
        None,
        "the search for a sign-in name, `{username}` standing for the name, escaped (RFC 4515): `(uid={username})`; "
        "Active Directory: `(sAMAccountName={username})`",
        check=_ldap_filter,
    )
    email_filter = Key(
        TEXT, "(mail={username})", "the search for an e-mail address, when the pool signs users in by e-mail",
        check=_ldap_filter,
    )  # fmt: skip
    phone_filter = Key(
        TEXT, None, "the search for a phone number (E.164), when the pool signs users in by phone", check=_ldap_filter
    )
    group_filter = Key(
        TEXT,
        None,
        "with `[groups]`: the search for the user's groups besides `memberOf`, `{dn}` standing for the user's DN "
        "(escaped): `(&(objectClass=groupOfNames)(member={dn}))`; each group's `cn` is its name",
        check=_ldap_group_filter,
    )
    group_base_dn = Key(
        TEXT,
        None,
        "where the groups live: `group_filter` searches under it (default: `base_dn`), and a `memberOf` DN outside "
        "it is ignored (unset: every `memberOf` DN counts, by its first RDN alone)",
        check=_dn,
    )
    verify = Key(
        Choice(LDAP_VERIFY_MODES),
        "bind",
        "`bind`: the directory checks the password (a bind as the user's DN); `hash`: the search account reads "
        "`userPassword` and cognito-migrate verifies it ([hashes](hashes.md))",
    )
    start_tls = Key(FLAG, False, "upgrade an `ldap://` connection with StartTLS before binding (refused on failure)")
    ca_file = Key(TEXT, None, "a PEM file of the CAs to trust for `ldaps://` and StartTLS (default: the system's); "
                  "the certificate and host name are always verified")  # fmt: skip
    read_timeout = Key(
        _TIMEOUT, 2.0, "seconds (at most 4) each read may wait; the whole operation is bounded by the deadline"
    )


def _file_location(url: str) -> str | None:
    """A local path or ``s3://bucket/key`` (a secret reference is checked once resolved)."""
    from cognito_migrate.secrets import is_reference

    if url.startswith("s3://"):
        rest = url[len("s3://") :]
        return None if "/" in rest.strip("/") and not rest.startswith("/") else "expected s3://bucket/key"
    if "://" in url and not is_reference(url):
        return "expected a local path or s3://bucket/key"
    return None


class FileStoreSettings(Section):
    """The export file of ``type = "file"`` (docs/stores.md); ``[store] url`` is its path or ``s3://bucket/key``."""

    format = Key(
        Choice(FILE_FORMATS),
        None,
        "`auth0` (bulk user export, NDJSON, or the import file), `firebase_json` / `firebase_csv` (`firebase "
        "auth:export`), `jsonl` or `csv` (your own columns in `[store] columns`)",
        shown="required",
    )
    hashes = Key(
        TEXT,
        None,
        "`auth0`: the password-hash export Auth0 support gives (NDJSON with `_id` and `passwordHash`), a path or "
        "`s3://bucket/key`, joined to the users on their id",
        check=_file_location,
    )
    load_reserve = Key(
        Number(0.05, 4),
        0.5,
        "seconds of the deadline a loading invocation keeps for itself: with less left it stops loading and answers "
        "LEGACY_UNAVAILABLE, and the next invocation carries on",
    )

_SQL_KEYS: Final = ("preset", "query", "email_query", "phone_query", "sample_query", "list_query", "password",
                    "groups_query")  # fmt: skip
"""The keys of a SQL store, refused by the other stores (each is configured under its own table)."""


def _custom_attribute(name: str) -> str | None:
    from cognito_migrate.cognito_rules import CUSTOM_PREFIX
    from cognito_migrate.errors import MappingError
    from cognito_migrate.mapping.attributes import check_name

    if not name.startswith(CUSTOM_PREFIX):
        return "expected a custom attribute such as custom:legacy_sub"
    try:
        check_name(name)
    except MappingError as exc:
        return exc.problem
    return None


class CognitoStoreSettings(Section):
    """The old user pool of ``type = "cognito"`` (docs/stores.md); no ``[store] url``."""

    user_pool_id = Key(TEXT, None, "the old pool's id (`eu-west-1_AbC123`)", check=_pool_id)
    client_id = Key(TEXT, None, "an app client of the old pool that allows `auth_flow`")
    client_secret = Key(
        TEXT, None, "that client's secret as a [secret reference](#secrets), when it has one (`SECRET_HASH` is sent)"
    )
    region = Key(TEXT, None, "the old pool's region", shown="the pool id's")
    endpoint_url = Key(TEXT, None, "another endpoint for the old pool's API (a local Cognito: `http://127.0.0.1:PORT`)")
    auth_flow = Key(
        Choice(COGNITO_AUTH_FLOWS),
        "user_password",
        "`user_password`: `InitiateAuth` USER_PASSWORD_AUTH (no IAM permission needed); `admin_user_password`: "
        "`AdminInitiateAuth` ADMIN_USER_PASSWORD_AUTH (needs `cognito-idp:AdminInitiateAuth` on the old pool)",
    )
    on_challenge = Key(
        Choice(("RESET_REQUIRED", "CONFIRMED")),
        "RESET_REQUIRED",
        "what a user whose old-pool sign-in proves the password with a challenge migrates as: NEW_PASSWORD_REQUIRED, "
        "or a second factor's (SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP), whose CONFIRMED user would need the password "
        "alone (`must_change_password`, so `[policy] reset_required_on` applies)",
    )
    keep_sub_as = Key(
        TEXT,
        None,
        "a custom attribute that keeps the old pool's `sub` (`custom:legacy_sub`), for the app's foreign keys; the "
        "new pool must declare it",
        check=_custom_attribute,
    )
    copy_custom = Key(
        FLAG,
        True,
        "copy every `custom:` attribute of the old user as it is (the new pool must declare each); `false`: only "
        "standard attributes and what `[mapping.attributes]` names",
    )
    read_timeout = Key(
        _TIMEOUT, 2.0, "seconds (at most 4) each call may wait for its answer, further shortened by the deadline"
    )

    @property
    def pool_region(self) -> str | None:
        """``region``, or the region the pool id starts with."""
        if self.region is not None:
            return self.region
        return self.user_pool_id.split("_", 1)[0] if self.user_pool_id else None


def _cognito_problems(store: StoreSettings) -> Iterator[Problem]:
    """The Cognito store's own rules: the old pool and its client, no URL, no SQL keys."""
    pool = store.cognito
    for name in ("user_pool_id", "client_id"):
        if getattr(pool, name) is None:
            yield f"cognito.{name}", "required for a cognito store"
    home = pool.user_pool_id.split("_", 1)[0] if pool.user_pool_id is not None else None
    if pool.region is not None and home is not None and home != pool.region:
        yield "cognito.region", f"the pool id {pool.user_pool_id} is in {home}, not {pool.region}; leave region out"
    if store.url:
        yield "url", "not used by a cognito store (set store.cognito.endpoint_url for another endpoint)"
    for name in _SQL_KEYS:
        if getattr(store, name) is not None:
            yield name, "not used by a cognito store (the old pool is configured under [store.cognito])"


class StoreSettings(Section):
    """Where the legacy users live and how to read one."""

    type = Key(
        Choice(STORE_TYPES),
        "sql",
        "the store kind: `sql`, `http`, `ldap`, `file` or `cognito` ([docs/stores.md](stores.md))",
    )
    url = Key(
        TEXT,
        "",
        "`sqlite:///path.db`, `postgresql://user@host:5432/db`, `mysql://user@host:3306/db` (also `mariadb://`), "
        "`mssql://user@host:1433/db`; an http store's base URL (`https://legacy.example.com/auth`); a directory's "
        "`ldap://host:389` or `ldaps://host:636`; a file store's path (relative to this file) or `s3://bucket/key`; "
        "may be a [secret reference](#secrets); required by every store but `cognito`",
    )
    password = Key(
        TEXT, None, "the database password as a [secret reference](#secrets), so the URL can stay free of it"
    )
    preset = Key(
        Choice(SQL_PRESETS),
        None,
        f"{', '.join(f'`{p}`' for p in SQL_PRESETS[:-1])} or `{SQL_PRESETS[-1]}`: ready-made queries and columns "
        "(below)",
    )
    query = Key(
        TEXT,
        None,
        "with no preset: the query that finds a user by user name; must use the named parameter `:username`; one "
        "statement that returns rows (`SELECT`, `WITH`, `VALUES` or `TABLE`): anything else, a procedure call "
        "included, is refused when the configuration is loaded",
        check=_query,
    )
    email_query = Key(
        TEXT,
        None,
        "the query that finds a user by e-mail (needed when the pool signs in by e-mail); same rules as `query`",
        check=_query,
    )
    phone_query = Key(TEXT, None, "the query that finds a user by phone number; same rules as `query`", check=_query)
    sample_query = Key(
        TEXT,
        None,
        "a query returning one row with the credential column(s) (`password_hash`, and `salt`, `scheme`, "
        "`hash_params` when mapped) of any user: the first rejection in a container verifies it once, so the "
        "rejection floor covers what your rows cost (see `[hashing]`)",
        shown="preset's",
    )
    list_query = Key(
        TEXT,
        None,
        "a query returning every user with the same columns as `query`, without `:username`: what "
        "[`cognito-migrate audit`](audit.md) and `package` read (never the trigger)",
        shown="preset's",
    )
    groups_query = Key(
        TEXT,
        None,
        "a query returning the user's legacy groups, one name per row in its first column, with `:username` bound "
        "to the legacy user name (the `username` column of the found row); same rules as `query`. Run after Cognito "
        "created the user (see [`[groups]`](#groups)), never by the migrate trigger",
        check=_query,
    )
    columns = Key(
        Table(NonEmptyText(), _column_role),
        _EMPTY,
        "which column plays which role (table below); merged over a preset's",
        shown="preset's",
    )
    normalize = Key(
        Choice(NORMALIZATIONS),
        None,
        "applied to the typed sign-in name before it is bound to the query: `none`, `lower` or `upper`",
        shown='`"none"` (the preset\'s: `"upper"` for `aspnet_identity`; a file store\'s: `"lower"` for Auth0 and '
        'Firebase, and for your own files in a case-insensitive pool)',
    )
    connect_timeout = Key(
        _TIMEOUT,
        2.0,
        "seconds (at most 4) for a new connection (TCP, TLS, authentication, session set-up), further shortened by "
        "the invocation's deadline; also the time that must be left for a broken connection to be re-opened "
        "([bounds](#what-the-timeouts-guarantee))",
    )
    query_timeout = Key(
        _TIMEOUT,
        2.0,
        "seconds (at most 4) per statement, lock waits included, further shortened by the invocation's deadline; "
        "the server is told to stop the statement too ([bounds](#what-the-timeouts-guarantee))",
    )

    http = Key(Nested(HttpStoreSettings), HttpStoreSettings(), "the legacy login API (`type = \"http\"`)")
    ldap = Key(Nested(LdapStoreSettings), LdapStoreSettings(), "the directory (`type = \"ldap\"`)")
    file = Key(Nested(FileStoreSettings), FileStoreSettings(), "the export file (`type = \"file\"`)")
    cognito = Key(Nested(CognitoStoreSettings), CognitoStoreSettings(), "the old user pool (`type = \"cognito\"`)")

    def problems(self) -> Iterator[Problem]:
        if self.type != "cognito" and not self.url.strip():
            yield "url", "required; expected a string"
            return
        own_rules = _STORE_RULES.get(self.type)
        if own_rules is not None:  # a store that is not SQL: its own rules, and no SQL key
            yield from own_rules(self)
            return
        if self.preset is None and self.query is None:
            yield "query", f"required when no preset is set (presets: {', '.join(SQL_PRESETS)})"
        if self.preset is not None:
            for name in ("query", "email_query", "phone_query", "sample_query", "list_query"):
                if getattr(self, name) is not None:
                    yield name, f"set either a preset or your own queries, not both (preset {self.preset!r})"
        if self.query is not None:
            for role in ("username", "password_hash"):
                if role not in self.columns:
                    what = "the user name" if role == "username" else "the hash"
                    yield f"columns.{role}", f"required with a custom query: the column holding {what}"
        if self.type == "sql":
            yield from _sql_problems(self)


def _http_problems(store: StoreSettings) -> Iterator[Problem]:
    """The HTTP store's own rules: an http(s) URL, and no SQL keys."""
    problem = _http_url(store.url)
    if problem is not None:
        yield "url", problem
    for name in _SQL_KEYS:
        if name != "list_query" and getattr(store, name) is not None:
            yield name, "not used by an http store (its API is configured under [store.http])"


def _ldap_problems(store: StoreSettings) -> Iterator[Problem]:
    """The LDAP store's own rules: a directory URL, the search settings (required keys: LdapStoreSettings)."""
    for name in ("bind_dn", "bind_password", "base_dn", "user_filter"):
        if getattr(store.ldap, name) is None:
            yield f"ldap.{name}", "required for an ldap store"
    problem = _ldap_url(store.url)
    if problem is not None:
        yield "url", problem
    elif store.ldap.start_tls and store.url.startswith("ldaps://"):
        yield "ldap.start_tls", "an ldaps:// URL is TLS from the first byte; StartTLS is for ldap:// URLs"
    for name in _SQL_KEYS:
        if getattr(store, name) is not None:
            yield name, "not used by an ldap store (its directory is configured under [store.ldap])"


def _file_problems(store: StoreSettings) -> Iterator[Problem]:
    """The file store's own rules: a location, a format, the columns a generic format cannot guess."""
    from cognito_migrate.stores.file_formats import DEFAULT_COLUMNS

    problem = _file_location(store.url)
    if problem is not None:
        yield "url", problem
    for name in _SQL_KEYS:
        if getattr(store, name) is not None:
            yield name, "not used by a file store (its file is configured under [store.file])"
    fmt = store.file.format
    if fmt is None:
        yield "file.format", f"required: {', '.join(FILE_FORMATS)}"
        return
    columns = {**DEFAULT_COLUMNS[fmt], **store.columns}
    for role in ("username", "password_hash"):
        if role not in columns:
            what = "the user name" if role == "username" else "the password hash (the credential)"
            yield f"columns.{role}", f"required with format {fmt!r}: the field holding {what}"
    if store.file.hashes is not None and fmt != "auth0":
        yield "file.hashes", "only the auth0 format has a separate password-hash export"


def _sql_problems(store: StoreSettings) -> Iterator[Problem]:
    """The SQL backend's own rules: queries that return rows, a URL it can open."""
    from cognito_migrate.secrets import is_reference
    from cognito_migrate.stores.sql_drivers import check_query, dialect_of

    for name in ("query", "email_query", "phone_query", "sample_query", "list_query", "groups_query"):
        sql = getattr(store, name)
        try:
            if sql is not None:
                check_query(name, sql)
        except ConfigError as exc:
            yield name, exc.problem
    try:
        if not is_reference(store.url):  # a reference is resolved at the first connection (`config validate` does)
            dialect_of(store.url)
    except ConfigError as exc:
        yield "url", exc.problem


_STORE_RULES: Final[dict[str, Callable[[StoreSettings], Iterator[Problem]]]] = {
    "http": _http_problems,
    "ldap": _ldap_problems,
    "file": _file_problems,
    "cognito": _cognito_problems,
}
"""The rules of each store that is not SQL (the SQL rules are StoreSettings.problems' own)."""


class HashingSettings(Section):
    """How stored hashes are read: a default scheme for rows that do not say, parameters and cost caps."""

    scheme = Key(
        TEXT,
        None,
        "the scheme for rows whose hash does not describe itself (bare hex digests, salted digests)",
        shown="identified per row",
        check=_scheme,
    )
    params = Key(
        Table(Anything()),
        _EMPTY,
        "parameters of `scheme` that are not in the row (a pepper, a Firebase signer key); they apply to rows of "
        "that scheme only. The secret ones (`pepper`, `secret`, `signer_key`) may be [references](#secrets), "
        "`decryption_key` must be one",
    )
    limits = Key(
        _Limits(),
        _EMPTY,
        "cost caps for parameters read from rows (see docs/hashes.md); a row over a cap is refused without hashing",
        shown="safe caps",
    )
    dummy_scheme = Key(
        TEXT,
        None,
        "the scheme of the dummy credential that the rejection floor is measured on (below)",
        shown="the preset's scheme, else `bcrypt`",
        check=_scheme,
    )
    dummy_cost = Key(
        Table(Anything()),
        _EMPTY,
        'its cost, e.g. `{ rounds = 12 }` or `{ iterations = 10000, prf = "HMACSHA256" }`',
        shown="the scheme's default",
    )

    def problems(self) -> Iterator[Problem]:
        from cognito_migrate import hashing

        if self.params and self.scheme is None:
            yield "params", "set hashing.scheme too: the parameters apply to rows of that scheme"
        if self.scheme is not None:
            for name in sorted(set(self.params) - set(hashing.SCHEMES[self.scheme].params)):
                yield f"params.{name}", f"not a parameter of {self.scheme}; see docs/hashes.md"
            yield from self._secret_param_problems(self.scheme)

    def _secret_param_problems(self, scheme: str) -> Iterator[Problem]:
        """A secret param (a machineKey) must be a reference: a key written in the file would be packaged in
        clear. Encrypted Membership passwords cannot be read without their key."""
        from cognito_migrate import hashing
        from cognito_migrate.secrets import is_reference

        for name in hashing.SCHEMES[scheme].secret_params:
            value = self.params.get(name)
            if value is not None and not (isinstance(value, str) and is_reference(value)):
                yield f"params.{name}", "must be a secret reference (env:NAME, ssm:/path, secretsmanager:ARN)"
        encrypted = str(self.params.get("password_format", "")).lower() in {"2", "encrypted"}
        if scheme == "aspnet_membership" and encrypted and "decryption_key" not in self.params:
            yield (
                "params.decryption_key",
                "encrypted Membership passwords (password_format 2) need web.config's machineKey decryptionKey",
            )


class PasswordPolicySettings(Section):
    """The pool's password policy; Cognito does not apply it to migrated passwords, so we do."""

    # the bounds and defaults are Cognito's (cognito_rules): a pool created without a policy requires all
    minimum_length = Key(
        Whole(*MINIMUM_LENGTH_RANGE), COGNITO_DEFAULT_POLICY.minimum_length, "the shortest password the pool accepts"
    )
    require_uppercase = Key(FLAG, COGNITO_DEFAULT_POLICY.require_uppercase, "a password needs an upper-case letter")
    require_lowercase = Key(FLAG, COGNITO_DEFAULT_POLICY.require_lowercase, "a password needs a lower-case letter")
    require_numbers = Key(FLAG, COGNITO_DEFAULT_POLICY.require_numbers, "a password needs a digit")
    require_symbols = Key(FLAG, COGNITO_DEFAULT_POLICY.require_symbols, "a password needs a symbol")


class PoolSettings(Section):
    """The pool's username model; the response depends on it."""

    user_pool_id = Key(
        TEXT,
        None,
        "the pool, for the commands that talk to it (`status`, `doctor`); `--user-pool-id` overrides it. The "
        "trigger itself never needs it",
        check=_pool_id,
    )
    username_attributes = Key(
        Names(LOGIN_ATTRIBUTES),
        (),
        '`["email"]` and/or `"phone_number"`: users sign in with these instead of a user name',
    )
    # preferred_username aliases are not looked up in legacy stores (they have no such field): refused
    # rather than accepted and silently ignored
    alias_attributes = Key(
        Names(LOGIN_ATTRIBUTES),
        (),
        '`["email"]` and/or `"phone_number"`: users may sign in with these as well as their user name '
        "(`preferred_username` aliases are refused: legacy stores have no such field to look up)",
    )
    # true, like pools created by API or CloudFormation; it also fails closed (a differently cased name is
    # refused) where the opposite would create duplicate users in a case-sensitive pool
    case_sensitive = Key(
        FLAG,
        True,
        "as the pool's `UsernameConfiguration.CaseSensitive`. `true` is what pools created by API, CloudFormation "
        "or CDK get, and it fails closed; set `false` for a case-insensitive pool (the console's default; "
        "`cognito-migrate doctor` compares the two)",
    )
    password_policy = Key(
        Nested(PasswordPolicySettings),
        PasswordPolicySettings(),
        "the pool's password policy (`cognito-migrate doctor` prints your pool's block)",
    )
    recovery = Key(
        Names(RECOVERY_MECHANISMS),
        DEFAULT_RECOVERY,
        "as the pool's `AccountRecoverySetting`, in priority order: `verified_email`, `verified_phone_number`, or "
        "`admin_only` alone. A reset code reaches a user only through a verified channel listed here; "
        "`cognito-migrate doctor` compares it with the pool, `serve` creates its pool with it",
        check=_recovery,
    )

    def problems(self) -> Iterator[Problem]:
        if self.username_attributes and self.alias_attributes:
            yield (
                "alias_attributes",
                "a pool has either username_attributes or alias_attributes, not both (Cognito's rule)",
            )


class PolicySettings(Section):
    """Which findings turn a correct password into RESET_REQUIRED instead of CONFIRMED."""

    reset_required_on = Key(
        NameSet(RESET_REASONS),
        frozenset({"password_policy", "must_change_password"}),
        'which findings answer RESET_REQUIRED instead of CONFIRMED; add `"weak_hash"` to reset users whose legacy '
        "hash was weak (unsalted MD5, ...)",
        shown='`["password_policy", "must_change_password"]`',
    )


class TriggerSettings(Section):
    """What the trigger answers Cognito, beyond the attributes."""

    on_reject = Key(
        Choice(("empty", "raise")),
        "empty",
        "`empty`: a rejected sign-in returns the event unchanged (Cognito answers a generic "
        "`NotAuthorizedException` when the app client has `PreventUserExistenceErrors` enabled); `raise`: raise "
        "one constant message instead, for pools without it",
    )
    message_action = Key(
        Choice(("SUPPRESS", "SEND")),
        "SUPPRESS",
        "`SUPPRESS` (no welcome message) or `SEND` (leave it to Cognito)",
    )
    desired_delivery_mediums = Key(
        Names(("EMAIL", "SMS")), (), "`EMAIL` and/or `SMS`, for the welcome message when it is sent"
    )
    force_alias_creation = Key(
        FLAG,
        False,
        "`true` moves an e-mail or phone alias away from another user who has it; `false` makes such a migration fail",
    )
    safety_margin_ms = Key(
        Whole(50, 3000),
        300,
        "the deadline is the Lambda's remaining time minus this, so the trigger fails closed before Lambda or "
        "Cognito time out",
    )
    reject_floor_ms = Key(
        Whole(0, 3000),
        None,
        "a rejected sign-in answers no earlier than this many milliseconds after the invocation started; unset, "
        "each container measures its floor from the dummy and a sampled row (see \"Timing of rejections\" in "
        "[trigger.md](trigger.md))",
        shown="measured",
    )


class MappingSettings(Section):
    """Legacy columns to Cognito attributes: ``attributes`` maps an attribute name to a column."""

    attributes = Key(
        Table(NonEmptyText(), _attribute),
        _EMPTY,
        "attribute name to legacy column (below)",
    )
    default_phone_region = Key(
        TEXT, None, "for phone numbers stored without a country code (`GB`); needs the `phone` extra", check=_region
    )
    on_invalid = Key(
        Choice(ON_INVALID),
        "drop",
        "what an invalid optional attribute does: `drop` leaves it out (logged) and the user migrates; `reject` "
        "refuses the user (below)",
    )
    trust_emails = Key(FLAG, False, "every legacy e-mail counts as verified (below: when to use it, what it risks)")


class LoggingSettings(Section):
    """The per-invocation log line and metrics."""

    level = Key(
        Choice(("DEBUG", "INFO", "WARNING", "ERROR")),
        "INFO",
        "the least level logged in full: lines are `INFO` (a migration or rejection), `WARNING` (a rejection "
        "past its floor) or `ERROR` (a row at fault, an outage, the ledger, the configuration), and `DEBUG` "
        "logs what `INFO` does; a line below the level keeps only its metrics, so alarms keep working",
    )
    username_hash_key = Key(
        TEXT,
        None,
        "the key of the keyed hash that stands for the user name in logs (a secret reference); without it, hashes "
        "cannot be compared across containers",
        shown="random per container",
    )
    debug_usernames = Key(FLAG, False, "log plain user names (never passwords); for debugging only")
    metrics = Key(FLAG, True, "CloudWatch Embedded Metric Format metrics on the log line")
    namespace = Key(TEXT, "CognitoMigrate", "the metrics namespace")
    service = Key(TEXT, "cognito-migrate", "the `Service` dimension")


class LedgerSettings(Section):
    """Where the migration ledger lives (docs/operations.md); no ``url``, no ledger."""

    url = Key(
        TEXT,
        None,
        "`dynamodb://TABLE?region=eu-west-1` (optional `&endpoint=http://...`; else `AWS_ENDPOINT_URL_DYNAMODB` / "
        "`AWS_ENDPOINT_URL`), `sqlite:///ledger.db` (relative to this file), `postgresql://user@host/db`, "
        "`mysql://user@host/db` (also `mariadb://`); may be a [secret reference](#secrets). The SQL tables are "
        "created on first use",
        shown="none: no ledger",
    )
    password = Key(TEXT, None, "the ledger database's password as a [secret reference](#secrets)")
    hash_key = Key(
        TEXT,
        None,
        "the key of the keyed hashes that stand for user names, sign-in names and addresses in the ledger (a "
        "secret reference, at least 16 bytes); it must not change during the migration",
        shown="`logging.username_hash_key`",
    )
    # the ledger is written inside Cognito's 5 s, after the decision: it gets a short leash
    timeout = Key(
        Number(0.05, 2), 0.5, "seconds (0.05 to 2) per ledger call, further shortened by the invocation's deadline"
    )


def _group_name(legacy: str, group: str, key: str) -> None:
    from cognito_migrate.cognito_rules import group_name_problem

    problem = group_name_problem(group)
    if problem is not None:
        raise ConfigError(key, problem)


class GroupSettings(Section):
    """Legacy groups or roles to Cognito groups, assigned after Cognito created the user (docs/stores.md)."""

    map = Key(
        Table(NonEmptyText(), _group_name),
        _EMPTY,
        'legacy group name to Cognito group name, e.g. `{ "admin" = "Admins" }`; names are compared exactly as '
        "the store gives them",
    )
    unmapped = Key(
        Choice(("drop", "copy")),
        "drop",
        "what a legacy group not in `map` does: `drop` (only mapped groups are assigned) or `copy` (assigned under "
        "its own name when that is a valid Cognito group name; the group must exist in the pool)",
    )

    @property
    def enabled(self) -> bool:
        """Whether any group can be assigned (the post-authentication step then looks groups up)."""
        return bool(self.map) or self.unmapped == "copy"


class ThrottleSettings(Section):
    """Failed sign-ins allowed per sign-in name (and source address) within a window; off without ``[throttle]``."""

    max_failures = Key(
        Whole(0, 1000),
        5,
        "failed password sign-ins for one sign-in name (case-folded) within a window, after which every password "
        "sign-in for it is rejected without asking the store; `0` turns the throttle off",
    )
    window_seconds = Key(
        Whole(10, 86400), 900, "the window opens at the first failure; once it has passed, the count starts again"
    )
    address_field = Key(
        TEXT,
        None,
        "the `validationData` / `clientMetadata` key that holds the client's address (set by your backend, not a "
        "public client), for a per-address limit",
    )
    address_max_failures = Key(
        Whole(1, 1_000_000), 100, "failures from one address within a window (across names), with `address_field`"
    )

    @property
    def enabled(self) -> bool:
        return self.max_failures > 0


class Settings(Section):
    """The whole configuration, validated; ``source`` names the file it came from."""

    __slots__ = ("source",)

    store = Key(Nested(StoreSettings), StoreSettings(), "where the legacy users are", required=True)
    hashing = Key(Nested(HashingSettings), HashingSettings(), "how stored hashes are read")
    pool = Key(Nested(PoolSettings), PoolSettings(), "the pool's username model and password policy")
    policy = Key(Nested(PolicySettings), PolicySettings(), "when a migration is RESET_REQUIRED")
    trigger = Key(Nested(TriggerSettings), TriggerSettings(), "the answer to Cognito")
    mapping = Key(Nested(MappingSettings), MappingSettings(), "legacy columns to Cognito attributes")
    logging = Key(Nested(LoggingSettings), LoggingSettings(), "the log line and metrics")
    ledger = Key(Nested(LedgerSettings), LedgerSettings(), "the record of the migration")
    throttle = Key(Nested(ThrottleSettings), ThrottleSettings(), "failed sign-ins per name and address")
    groups = Key(Nested(GroupSettings), GroupSettings(), "legacy groups to Cognito groups")

    def __init__(self, *, source: str = "<mapping>", **sections: Any) -> None:
        super().__init__(**sections)
        self.source = source

    def _replace(self, **changes: Any) -> Settings:
        return Settings(source=self.source, **{**self._values, **changes})

    @property
    def dummy_scheme(self) -> str:
        """The scheme of the dummy verification: configured, else the default scheme, the preset's, bcrypt."""
        h = self.hashing
        preset = PRESETS[self.store.preset].scheme if self.store.preset else DEFAULT_DUMMY_SCHEME
        return h.dummy_scheme or h.scheme or preset

    def problems(self) -> Iterator[Problem]:
        lookups = {*self.pool.username_attributes, *self.pool.alias_attributes}
        if self.store.type == "http" and "phone_number" in lookups:
            yield "pool", "an http store looks users up by user name and e-mail only, not by phone number"
        if self.store.type == "ldap" and "phone_number" in lookups and self.store.ldap.phone_filter is None:
            yield "store.ldap.phone_filter", "required: the pool signs users in by phone number"
        if self.store.type == "file":
            yield from self._file_problems(lookups)
        if self.store.type == "sql" and self.store.preset is None:
            if "email" in lookups and self.store.email_query is None:
                yield "store.email_query", "required: the pool signs users in by email"
            if "phone_number" in lookups and self.store.phone_query is None:
                yield "store.phone_query", "required: the pool signs users in by phone number"
        yield from self._dummy_problems()
        if self.throttle.enabled and self.ledger.url is None:
            yield "throttle", "needs [ledger] url: the throttle keeps its counters in the ledger's backend"
        if self.ledger.url is not None and not (self.ledger.hash_key or self.logging.username_hash_key):
            yield (
                "ledger.hash_key",
                "required (or logging.username_hash_key): records are keyed by hashes that must match across "
                "containers",
            )

    def _file_problems(self, lookups: set[str]) -> Iterator[Problem]:
        """A file store's rules across sections: Firebase's hash parameters, a column per sign-in field."""
        from cognito_migrate.stores.file_formats import DEFAULT_COLUMNS

        fmt = self.store.file.format
        if fmt is None:
            return
        if fmt.startswith("firebase"):
            if self.hashing.scheme != "firebase_scrypt":
                yield "hashing.scheme", 'set "firebase_scrypt" for a Firebase export (with the project\'s params)'
            else:
                project = ("signer_key", "salt_separator", "rounds", "mem_cost")
                missing = [p for p in project if p not in self.hashing.params]
                if missing:
                    yield (
                        "hashing.params",
                        f"missing {', '.join(missing)}: the project's hash parameters (Firebase console > Users)",
                    )
        columns = {**DEFAULT_COLUMNS[fmt], **self.store.columns}
        for field in sorted(lookups - set(columns)):
            yield f"store.columns.{field}", f"required: the pool signs users in by {field}"

    def _dummy_problems(self) -> Iterator[Problem]:
        from cognito_migrate import hashing

        scheme = self.dummy_scheme
        info = hashing.SCHEMES[scheme]
        unknown = set(self.hashing.dummy_cost) - set(info.cost)
        if unknown:
            yield "hashing.dummy_cost", f"unknown keys for {scheme}: {', '.join(sorted(unknown))}"


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
        raise ConfigError(file, f"cannot read the configuration file: {exc.strerror}") from None
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
    """Validate an already parsed document (plus env overrides) into :class:`Settings`.

    Raises one :class:`ConfigError` listing every problem found (``.problems``), not only the first.
    """
    problems: list[Problem] = []
    merged = apply_env(Settings, data, os.environ if environ is None else environ, problems)
    # a [throttle] table (or one of its variables) turns the throttle on with its defaults; none: off
    merged.setdefault("throttle", {"max_failures": 0})
    settings = read(Settings, merged, problems)
    if settings is not None:
        settings.source = source
    if problems or settings is None:
        raise ConfigError.of(problems, source=source)
    store = settings.store._replace(url=_resolve_sqlite_path(settings.store.url, base_dir))
    if store.type == "file":
        file = store.file._replace(hashes=_resolve_local_path(store.file.hashes, base_dir))
        store = store._replace(url=_resolve_local_path(store.url, base_dir), file=file)
    ledger = settings.ledger
    if ledger.url is not None:
        ledger = ledger._replace(url=_resolve_sqlite_path(ledger.url, base_dir))
    return settings._replace(store=store, ledger=ledger)


def _resolve_sqlite_path(url: str, base_dir: str | os.PathLike[str] | None) -> str:
    """``sqlite:///legacy.db`` is relative to the configuration file, so a config and its database travel together."""
    prefix = "sqlite:///"
    if base_dir is None or not url.startswith(prefix):
        return url
    rest = url[len(prefix) :]
    if rest.startswith("/") or rest == ":memory:" or rest.startswith("file:"):
        return url
    return prefix + os.path.join(base_dir, rest)  # noqa: PTH118


def _resolve_local_path(location: str | None, base_dir: str | os.PathLike[str] | None) -> Any:
    """A file store's relative path is relative to the configuration file, as a SQLite path is."""
    from cognito_migrate.secrets import is_reference

    if location is None or base_dir is None or location.startswith("s3://") or is_reference(location):
        return location
    return os.path.join(base_dir, location)  # noqa: PTH118 - an absolute path stays as it is


def env_override_names() -> tuple[str, ...]:
    """Every environment variable that overrides one key (for docs, ``package`` and ``config validate``)."""
    return tuple(env_keys(Settings))


__all__ = [
    "CONFIG_ENV",
    "ENV_PREFIX",
    "Settings",
    "env_override_names",
    "load_settings",
    "settings_from_mapping",
]

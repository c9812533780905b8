"""Secret references, resolved once per container and only when used.

A configuration value may be a reference instead of the secret itself:

* ``env:NAME``: an environment variable;
* ``ssm:/path/name``: an SSM Parameter Store parameter (decrypted);
* ``secretsmanager:ARN-or-name``: a Secrets Manager secret; ``#key`` picks one field of a JSON secret
  (``secretsmanager:arn:...:secret:legacy-db#password``).

Inside Lambda the AWS Parameters and Secrets extension is used when it is present (a local HTTP call,
no SDK import); elsewhere boto3 (extra ``aws``), imported only here and only then: boto3 costs about
270 ms of imports, which a cold trigger should not pay when the extension can answer.

Which configuration values are secrets is declared here once (:data:`SECRET_SETTINGS`,
:data:`SECRET_HASH_PARAMS`), and :func:`in_clear` is the one detector of a secret written in clear that
``config validate`` and ``package`` share.
"""

from __future__ import annotations

import json
import os
import re
from typing import TYPE_CHECKING, Any, Final, Literal

from cognito_migrate.errors import BackendNotAvailableError, SecretResolutionError

if TYPE_CHECKING:
    from collections.abc import Mapping

FETCHED_PREFIXES: Final = ("ssm:", "secretsmanager:")  # resolved by a call to AWS, not read from the environment
PREFIXES: Final = ("env:", *FETCHED_PREFIXES)
# Configuration keys whose value is a secret, or may hold one (a database URL with its password).
SECRET_SETTINGS: Final = (
    "store.url",
    "store.password",
    "store.http.token",
    "store.http.password",
    "store.ldap.bind_password",
    "store.cognito.client_secret",
    "logging.username_hash_key",
)
# [hashing] params that are secrets rather than settings: a pepper (bcrypt, Devise), Spring's
# Pbkdf2PasswordEncoder secret, Firebase's signer key (references resolved once per container), and the keys a
# scheme declares in its catalogue's secret_params (Membership's decryption_key: a reference, always).
SECRET_HASH_PARAMS: Final = frozenset({"pepper", "secret", "signer_key", "decryption_key"})
# A URL option that carries a password, whatever the driver calls it: libpq's password and sslpassword (and
# passfile, a file of passwords), PyMySQL's password/passwd, MySQL's password1-3, ODBC's PWD, SQLAlchemy's
# odbc_connect=...;PWD=... (searched after percent-decoding, so encoded keys are found too).
# its text: compiled by `re` (and cached there) when a URL is first checked, not at every cold start's import
_URL_PASSWORD_OPTION: Final = r"(?i)(?:^|[?&;,\s{])[\w.-]*(?:pass|pwd)[\w.-]*\s*=\s*[^&;,\s}]"
_EXTENSION_PORT_ENV: Final = "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT"
_cache: dict[str, str] = {}


def is_reference(value: str) -> bool:
    """True when ``value`` names a secret rather than being one."""
    return value.startswith(PREFIXES)


def is_fetched(value: str) -> bool:
    """True when resolving ``value`` fetches a secret from AWS (SSM, Secrets Manager): never before a snapshot."""
    return value.startswith(FETCHED_PREFIXES)


def resolve(value: str, *, environ: Any = None) -> str:
    """The secret ``value`` refers to (``value`` itself when it is not a reference); cached per process."""
    if not is_reference(value):
        return value
    if value in _cache:
        return _cache[value]
    env = os.environ if environ is None else environ
    kind, _, name = value.partition(":")
    if not name:
        raise SecretResolutionError(f"{kind}: reference without a name")
    if kind == "env":
        if name not in env:
            raise SecretResolutionError(f"environment variable {name} is not set")
        result: str = env[name]
    elif kind == "ssm":
        result = _ssm(name, env)
    else:
        secret_id, _, key = name.partition("#")
        result = _pick(_secrets_manager(secret_id, env), key, secret_id)
    _cache[value] = result
    return result


def url_password(url: str) -> str | None:
    """Where a connection URL spells a password in clear (``"user info"``, ``"URL option"``), or None.

    Any spelling counts, for every driver: ``scheme://user:secret@host``, ``?password=`` and its aliases,
    percent-encoded keys, and a connection string nested in an option.
    """
    if is_reference(url):
        return None
    from urllib.parse import unquote

    scheme, sep, rest = url.partition("://")
    if not sep:
        rest = scheme
    head, _, query = rest.partition("?")
    userinfo, at, _ = head.rpartition("@")
    if at and ":" in userinfo and userinfo.partition(":")[2]:
        return "user info"
    decoded = query
    for _ in range(3):  # keys may be percent-encoded, and nested strings encoded twice
        if re.search(_URL_PASSWORD_OPTION, decoded):
            return "URL option"
        decoded = unquote(decoded)
    return None


def secret_settings(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(dotted key, value)`` of every configured value that is a secret or may hold one.

    ``document`` is the configuration as TOML tables (``{"store": {"url": ...}}``).
    """
    found: list[tuple[str, str]] = []
    for dotted in SECRET_SETTINGS:
        value: Any = document
        for part in dotted.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, str) and value:
            found.append((dotted, value))
    hashing = document.get("hashing")
    params = hashing.get("params") if isinstance(hashing, dict) else None
    if isinstance(params, dict):
        for name in sorted(SECRET_HASH_PARAMS & set(params)):
            value = params[name]
            if isinstance(value, str) and value:
                found.append((f"hashing.params.{name}", value))
    return found


def in_clear(document: Mapping[str, Any]) -> list[str]:
    """The keys of ``document`` that hold a secret itself rather than a reference, each with where it is."""
    found: list[str] = []
    for key, value in secret_settings(document):
        if key == "store.url":
            where = url_password(value)
            if where is not None:
                found.append(f"store.url (a password in its {where})")
        elif not is_reference(value):
            found.append(key)
    return found


def resolve_params(params: Mapping[str, Any], *, environ: Any = None) -> dict[str, Any]:
    """``[hashing] params`` with every secret parameter that is a reference resolved (cached per process)."""
    return {
        name: resolve(value, environ=environ) if name in SECRET_HASH_PARAMS and isinstance(value, str) else value
        for name, value in params.items()
    }


def forget(value: str) -> None:
    """Resolve ``value`` afresh next time (after a rotated database password was refused, say)."""
    _cache.pop(value, None)


def clear_cache() -> None:
    """Forget resolved secrets (after a rotation, or between tests)."""
    _cache.clear()


def _pick(secret: str, key: str, secret_id: str) -> str:
    if not key:
        return secret
    try:
        data = json.loads(secret)
    except ValueError:
        raise SecretResolutionError(f"secret {secret_id} is not JSON, so #{key} cannot be selected") from None
    if not isinstance(data, dict) or key not in data:
        raise SecretResolutionError(f"secret {secret_id} has no field {key!r}")
    return str(data[key])


def _extension(path: str, env: Any) -> dict[str, Any] | None:
    """Ask the Parameters and Secrets extension; None when it is not running here."""
    token = env.get("AWS_SESSION_TOKEN")
    port = env.get(_EXTENSION_PORT_ENV) or ("2773" if env.get("AWS_LAMBDA_FUNCTION_NAME") else None)
    if not token or not port:
        return None
    # urllib.request pulls in ssl, http and email (40-100 ms): imported only when a reference is resolved
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        f"http://localhost:{port}{path}", headers={"X-Aws-Parameters-Secrets-Token": token}
    )
    try:
        with urllib.request.urlopen(request, timeout=2.0) as response:  # noqa: S310
            data = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        raise SecretResolutionError(f"the secrets extension answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError, ValueError):
        return None  # not running: fall back to the SDK
    return data if isinstance(data, dict) else None


def _ssm(name: str, env: Any) -> str:
    import urllib.parse

    query = urllib.parse.urlencode({"name": name, "withDecryption": "true"})
    data = _extension(f"/systemsmanager/parameters/get?{query}", env)
    if data is None:
        client = _client("ssm", region_of(name))
        try:
            data = client.get_parameter(Name=name, WithDecryption=True)
        except Exception as exc:  # noqa: BLE001 - botocore raises many types; all mean "cannot resolve"
            raise SecretResolutionError(f"SSM parameter {name}: {type(exc).__name__}") from None
    try:
        return str(data["Parameter"]["Value"])
    except (KeyError, TypeError):
        raise SecretResolutionError(f"SSM parameter {name}: unexpected answer") from None


def _secrets_manager(secret_id: str, env: Any) -> str:
    import urllib.parse

    query = urllib.parse.urlencode({"secretId": secret_id})
    data = _extension(f"/secretsmanager/get?{query}", env)
    if data is None:
        client = _client("secretsmanager", region_of(secret_id))
        try:
            data = client.get_secret_value(SecretId=secret_id)
        except Exception as exc:  # noqa: BLE001 - botocore raises many types; all mean "cannot resolve"
            raise SecretResolutionError(f"secret {secret_id}: {type(exc).__name__}") from None
    value = data.get("SecretString")
    if not isinstance(value, str):
        raise SecretResolutionError(f"secret {secret_id} has no SecretString")
    return value


def region_of(identifier: str) -> str | None:
    """The region an ARN names (``arn:aws:secretsmanager:eu-west-1:...``), or None for a plain name.

    A secret in another region than the caller's default is reachable only through its own region.
    """
    parts = identifier.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn" and parts[3]:
        return parts[3]
    return None


def _client(service: Literal["ssm", "secretsmanager"], region: str | None) -> Any:
    try:
        import boto3
    except ModuleNotFoundError:
        raise BackendNotAvailableError(f"resolving a {service} secret outside Lambda", "aws") from None
    try:
        return boto3.client(service, region_name=region) if region else boto3.client(service)
    except Exception as exc:  # noqa: BLE001 - no region, no credentials...: all mean "cannot resolve"
        raise SecretResolutionError(f"cannot create a {service} client ({type(exc).__name__})") from None

"""The AWS credentials the trigger signs its own calls with (the DynamoDB ledger, the group assignment).

Where they come from, in order, without boto3 on Lambda:

1. the environment (``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` / ``AWS_SESSION_TOKEN``): what Lambda
   gives a function, for the life of its execution environment;
2. the container credentials endpoint (``AWS_CONTAINER_CREDENTIALS_FULL_URI`` with
   ``AWS_CONTAINER_AUTHORIZATION_TOKEN`` or ``..._TOKEN_FILE``, or ECS's ``..._RELATIVE_URI``): what a
   function restored from a SnapStart snapshot gets instead of the environment variables. These expire, so
   :class:`CredentialSource` fetches them again before they do;
3. elsewhere (a laptop, CI), boto3's chain (profiles, SSO), imported only then.

The endpoint is only trusted where the AWS SDKs trust it: HTTPS anywhere, plain HTTP only on loopback or the
container agents' link-local addresses, so that a changed environment cannot send the authorization token
elsewhere.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import urllib.parse
from typing import TYPE_CHECKING, Final, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

ECS_ENDPOINT: Final = "http://169.254.170.2"  # ..._RELATIVE_URI is a path on it
_LINK_LOCAL_AGENTS: Final = frozenset({"169.254.170.2", "169.254.170.23", "fd00:ec2::23"})
REFRESH_BEFORE: Final = 300.0  # seconds before expiry that credentials count as stale (as botocore's 15 min / 5)
ENDPOINT_TIMEOUT: Final = 1.0  # the agent answers on the same host in milliseconds
# AWS's error types for credentials it no longer takes: a caller drops what it holds and looks again
REFUSED_CREDENTIALS: Final = frozenset(
    {"ExpiredTokenException", "ExpiredToken", "UnrecognizedClientException", "InvalidSignatureException"}
)


class Credentials(NamedTuple):
    """One set of AWS credentials; ``expires_at`` (epoch seconds) is None for credentials that do not expire
    while this process lives (Lambda's environment variables)."""

    access_key: str
    secret_key: str
    token: str | None = None
    expires_at: float | None = None

    def __repr__(self) -> str:
        # the secret key and the session token never reach a log line or a traceback's locals through a repr
        return f"Credentials(access_key={self.access_key!r}, expires_at={self.expires_at!r})"

    def fresh(self, now: float) -> bool:
        """Still good for a while (not within :data:`REFRESH_BEFORE` of expiring)."""
        return self.expires_at is None or self.expires_at - now > REFRESH_BEFORE


class CredentialSource:
    """Credentials found once and kept until they are about to expire, or until a call says they are bad."""

    def __init__(
        self, find: Callable[[float], Credentials | None] | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        self._find = find or find_credentials
        self._clock = clock
        self._held: Credentials | None = None

    def get(self, timeout: float = ENDPOINT_TIMEOUT) -> Credentials | None:
        """Credentials that are not about to expire, or None when none can be found; a fetch from the container
        endpoint waits at most ``timeout`` seconds (the caller's share of its invocation's deadline)."""
        held = self._held
        if held is None or not held.fresh(self._clock()):
            held = self._held = self._find(min(timeout, ENDPOINT_TIMEOUT))
        return held

    def forget(self) -> None:
        """Drop the held credentials (AWS refused them: expired or revoked); the next :meth:`get` looks again."""
        self._held = None


def find_credentials(timeout: float = ENDPOINT_TIMEOUT, environ: Mapping[str, str] | None = None) -> Credentials | None:
    """Credentials from the environment, the container endpoint, or boto3's chain (see the module); None when
    there are none (or boto3, needed to look further, is not installed): the caller says why in its own error.
    ValueError (naming no secret) when a source is there but cannot be used."""
    env = os.environ if environ is None else environ
    access, secret = env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")
    if access and secret:
        return Credentials(access, secret, env.get("AWS_SESSION_TOKEN"))
    endpoint = container_endpoint(env)
    if endpoint is not None:
        return from_container_endpoint(endpoint, _authorization(env), timeout=max(timeout, 0.01))
    try:
        import boto3
    except ModuleNotFoundError:
        return None
    try:
        found = boto3.Session().get_credentials()
        frozen = found.get_frozen_credentials() if found is not None else None
    except Exception as exc:  # noqa: BLE001 - botocore's (a missing profile, an expired SSO session): callers take ValueError
        raise ValueError(f"boto3 found no usable credentials ({type(exc).__name__})") from None
    if frozen is None:
        return None
    return Credentials(str(frozen.access_key), str(frozen.secret_key), frozen.token)


def container_endpoint(env: Mapping[str, str]) -> str | None:
    """The container credentials URL the environment names, or None; ValueError for one we must not call."""
    relative = env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
    if relative:
        return ECS_ENDPOINT + relative
    full = env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")
    if not full:
        return None
    parts = urllib.parse.urlsplit(full)
    if parts.scheme == "https" and parts.hostname:
        return full
    if parts.scheme == "http" and parts.hostname and _trusted_plain_host(parts.hostname):
        return full
    raise ValueError("AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http on loopback or the agent's address")


def _trusted_plain_host(host: str) -> bool:
    from cognito_migrate.hosts import is_loopback

    return host in _LINK_LOCAL_AGENTS or is_loopback(host)


def _authorization(env: Mapping[str, str]) -> str | None:
    token_file = env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
    if token_file:
        try:
            with open(token_file, encoding="utf-8") as handle:  # noqa: PTH123 - no pathlib on the trigger's path
                return handle.read().strip()
        except (OSError, ValueError) as exc:  # callers turn a ValueError into their own outage; an OSError escaped
            raise ValueError(f"the container authorization token file cannot be read ({type(exc).__name__})") from None
    return env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN") or None


def from_container_endpoint(url: str, authorization: str | None, timeout: float = ENDPOINT_TIMEOUT) -> Credentials:
    """GET the container credentials endpoint; ValueError (never with a secret in it) when it does not answer
    with credentials."""
    import http.client

    parts = urllib.parse.urlsplit(url)
    factory = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = factory(parts.hostname or "", parts.port, timeout=timeout)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request("GET", path or "/", headers={"Authorization": authorization} if authorization else {})
        response = conn.getresponse()
        body = response.read(1 << 16)
        status = response.status
    except (OSError, http.client.HTTPException) as exc:
        raise ValueError(f"the container credentials endpoint did not answer ({type(exc).__name__})") from None
    finally:
        conn.close()
    if status != 200:
        raise ValueError(f"the container credentials endpoint answered HTTP {status}")
    try:
        doc = json.loads(body)
        expiration = doc.get("Expiration")
        expires_at = dt.datetime.fromisoformat(expiration.replace("Z", "+00:00")).timestamp() if expiration else None
        return Credentials(str(doc["AccessKeyId"]), str(doc["SecretAccessKey"]), doc.get("Token"), expires_at)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ValueError("the container credentials endpoint answered without credentials") from None

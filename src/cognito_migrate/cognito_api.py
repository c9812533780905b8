"""A few Cognito user-pool API calls over its JSON HTTP API, signed with SigV4: no boto3 in the trigger.

The post-authentication step adds a migrated user to groups (``AdminAddUserToGroup``). boto3 would cost
about 270 ms of imports on a cold start of the function, which also answers the migrate trigger
(docs/architecture.md); one signed POST takes ``http.client``, ``hashlib`` and ``hmac``. Credentials come
from the environment, as Lambda provides them (elsewhere from boto3's chain, imported only then).

The endpoint is the one given (the local Cognito), else ``AWS_ENDPOINT_URL_COGNITO_IDP`` /
``AWS_ENDPOINT_URL``, else AWS's for the pool's region.
"""

from __future__ import annotations

import http.client
import json
import os
import urllib.parse
from typing import TYPE_CHECKING, Any, Final

from cognito_migrate.aws_credentials import REFUSED_CREDENTIALS, Credentials, CredentialSource
from cognito_migrate.ledger.sigv4 import sign_json

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

TARGET_PREFIX: Final = "AWSCognitoIdentityProviderService."
GROUP_OPERATIONS: Final = ("AdminAddUserToGroup",)
"""What the group assignment calls: the SAM template grants the function exactly these on its pool."""


class CognitoApiError(Exception):
    """A call that failed: ``kind`` is Cognito's error type (``ResourceNotFoundException``) or what broke
    (``timed out``, ``HTTP 500``); the message never holds a value from the request."""

    def __init__(self, operation: str, kind: str, message: str = "") -> None:
        self.operation = operation
        self.kind = kind
        self.message = message
        super().__init__(f"{operation}: {kind}" + (f" ({message})" if message else ""))


class CognitoAdmin:
    """Signed calls to one region's Cognito user-pool API (a new connection per call: post-auth is rare)."""

    def __init__(
        self,
        region: str,
        *,
        endpoint: str | None = None,
        credentials: Callable[[float], Credentials | None] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        env = os.environ if environ is None else environ
        url = (
            endpoint
            or env.get("AWS_ENDPOINT_URL_COGNITO_IDP")
            or env.get("AWS_ENDPOINT_URL")
            or f"https://cognito-idp.{region}.amazonaws.com"
        )
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("the Cognito endpoint must be an http(s) URL")
        self.region = region
        self._secure = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._netloc = parts.netloc
        self._credentials = CredentialSource(credentials)

    def add_user_to_group(self, pool_id: str, username: str, group: str, timeout: float) -> None:
        """``AdminAddUserToGroup``: idempotent (a member already is one after it)."""
        self.call("AdminAddUserToGroup", {"UserPoolId": pool_id, "Username": username, "GroupName": group}, timeout)

    def call(self, operation: str, payload: Mapping[str, Any], timeout: float) -> dict[str, Any]:
        """POST one API call; its JSON answer, or :class:`CognitoApiError`."""
        if timeout <= 0:
            raise CognitoApiError(operation, "deadline spent")
        try:
            found = self._credentials.get(timeout)
        except ValueError as exc:  # the container endpoint: its message names no secret
            raise CognitoApiError(operation, "no AWS credentials", str(exc)) from None
        if found is None:
            raise CognitoApiError(operation, "no AWS credentials found")
        body = json.dumps(payload).encode("utf-8")
        headers = sign_json(
            netloc=self._netloc,
            target=TARGET_PREFIX + operation,
            content_type="application/x-amz-json-1.1",
            body=body,
            region=self.region,
            service="cognito-idp",
            credentials=found,
        )
        factory = http.client.HTTPSConnection if self._secure else http.client.HTTPConnection
        conn = factory(self._host, self._port, timeout=timeout)
        try:
            conn.request("POST", "/", body=body, headers=headers)
            response = conn.getresponse()
            data = response.read(1 << 20)
            status = response.status
        except TimeoutError:
            raise CognitoApiError(operation, "timed out") from None
        except (OSError, http.client.HTTPException) as exc:
            raise CognitoApiError(operation, type(exc).__name__) from None
        finally:
            conn.close()
        try:
            answer = json.loads(data) if data else {}
        except ValueError:
            raise CognitoApiError(operation, f"HTTP {status}", "not JSON") from None
        if not isinstance(answer, dict):
            raise CognitoApiError(operation, f"HTTP {status}", "not a JSON object")
        if status != 200:
            kind = str(answer.get("__type", "")).rsplit("#", 1)[-1] or f"HTTP {status}"
            if kind in REFUSED_CREDENTIALS:
                self._credentials.forget()  # expired or revoked: the next call looks for new ones
            message = answer.get("message") or answer.get("Message") or ""
            raise CognitoApiError(operation, kind, str(message)[:200])
        return answer

"""AWS Signature Version 4 for one JSON POST: what the DynamoDB ledger and the group assignment
(``cognito_api.py``) need, without botocore.

boto3 costs about 270 ms of imports on a cold start (docs/architecture.md, BENCHMARKS.md); signing a
request takes ``hashlib`` and ``hmac``, which the runtime has anyway. The algorithm is AWS's documented
one (canonical request, string to sign, derived key); ``tests/unit/ledger`` checks it against botocore's
own signer byte for byte.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cognito_migrate.aws_credentials import Credentials


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def sign(
    *,
    host: str,
    path: str,
    body: bytes,
    headers: Mapping[str, str],
    region: str,
    service: str,
    credentials: Credentials,
    now: float | None = None,
) -> dict[str, str]:
    """The headers of a signed ``POST {path}`` to ``host``: ``headers`` plus date, token and Authorization."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() if now is None else now))
    day = stamp[:8]
    signed = {name.lower(): value.strip() for name, value in headers.items()}
    signed["host"] = host
    signed["x-amz-date"] = stamp
    if credentials.token:
        signed["x-amz-security-token"] = credentials.token
    names = sorted(signed)
    canonical = "\n".join(
        [
            "POST",
            path or "/",
            "",
            "".join(f"{name}:{signed[name]}\n" for name in names),
            ";".join(names),
            hashlib.sha256(body).hexdigest(),
        ]
    )
    scope = f"{day}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest()])
    key = _hmac(("AWS4" + credentials.secret_key).encode("utf-8"), day)
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    signature = hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    out = {name: value for name, value in signed.items() if name != "host"}
    out["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={credentials.access_key}/{scope}, "
        f"SignedHeaders={';'.join(names)}, Signature={signature}"
    )
    return out


def sign_json(
    *, netloc: str, target: str, content_type: str, body: bytes, region: str, service: str, credentials: Credentials
) -> dict[str, str]:
    """The headers of a signed JSON-protocol call (``POST /`` with ``x-amz-target``), as DynamoDB and
    Cognito's user-pool API take them."""
    return sign(
        host=netloc,
        path="/",
        body=body,
        headers={"content-type": content_type, "x-amz-target": target},
        region=region,
        service=service,
        credentials=credentials,
    )

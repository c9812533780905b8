"""Our SigV4 signer (the DynamoDB ledger's, without botocore) signs exactly as botocore does."""

from __future__ import annotations

import datetime as dt

import pytest

from cognito_migrate.aws_credentials import Credentials
from cognito_migrate.ledger.sigv4 import sign

botocore = pytest.importorskip("botocore")


@pytest.mark.parametrize("token", [None, "session-token-xyz"])
def test_the_signature_is_botocores(token: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials as BotoCredentials

    when = dt.datetime(2026, 11, 27, 12, 34, 56, tzinfo=dt.UTC)
    body = b'{"TableName":"ledger","Key":{"pk":{"S":"u1"}}}'
    headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.UpdateItem"}
    request = AWSRequest(method="POST", url="https://dynamodb.eu-west-1.amazonaws.com/", data=body, headers=headers)
    monkeypatch.setattr(
        "botocore.auth.datetime.datetime",
        type(
            "Frozen",
            (dt.datetime,),
            {"utcnow": staticmethod(lambda: when.replace(tzinfo=None)), "now": staticmethod(lambda tz=None: when)},
        ),
    )
    SigV4Auth(
        BotoCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token), "dynamodb", "eu-west-1"
    ).add_auth(request)

    ours = sign(
        host="dynamodb.eu-west-1.amazonaws.com",
        path="/",
        body=body,
        headers=headers,
        region="eu-west-1",
        service="dynamodb",
        credentials=Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token),
        now=when.timestamp(),
    )
    assert ours["authorization"] == request.headers["Authorization"]
    assert ours["x-amz-date"] == request.headers["X-Amz-Date"]
    assert ours.get("x-amz-security-token") == request.headers.get("X-Amz-Security-Token")

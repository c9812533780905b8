"""What the commands that talk to a user pool share: which pool, and a boto3 client for it.

The pool is ``--user-pool-id`` or ``[pool] user_pool_id``. Credentials and endpoint come from boto3's
standard chain (environment, profiles, SSO, instance roles) and ``AWS_ENDPOINT_URL``, so the same command
runs against AWS and, unchanged, against the local Cognito from ``cognito-migrate serve``
(``AWS_ENDPOINT_URL=http://127.0.0.1:PORT``). boto3 is imported only when a command needs it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cognito_migrate.config import Settings


def pool_id(option: str | None, settings: Settings | None) -> str | None:
    """``--user-pool-id`` when given, else ``[pool] user_pool_id``, else None."""
    if option:
        return option
    return settings.pool.user_pool_id if settings is not None else None


def region_of(user_pool_id: str) -> str:
    """Pool ids start with their region (``eu-west-1_AbC123``)."""
    return user_pool_id.split("_", maxsplit=1)[0]


def cognito_client(user_pool_id: str, *, region: str | None = None) -> Any:
    """A ``cognito-idp`` client in the pool's region; raises ModuleNotFoundError without boto3."""
    boto3 = importlib.import_module("boto3")  # import_module: mypy-clean with or without boto3-stubs
    return boto3.session.Session(region_name=region or region_of(user_pool_id)).client("cognito-idp")


def aws_errors() -> tuple[type[Exception], ...]:
    """The exceptions a boto3 call raises for an AWS-side or credential problem."""
    exceptions = importlib.import_module("botocore.exceptions")
    return (exceptions.ClientError, exceptions.BotoCoreError)

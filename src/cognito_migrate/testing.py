"""A small test kit for people who test their trigger configuration: events as Cognito sends them, and
a Lambda context with a real time budget. Standard library only (it imports only :mod:`cognito_migrate.event`).

The local Cognito passes the same :class:`LambdaContext` to in-process triggers and builds its events with
the same :func:`cognito_migrate.event.build_event`.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from cognito_migrate.event import build_event
from cognito_migrate.models import TriggerSource


def make_event(
    username: str,
    password: str | None = None,
    *,
    trigger: str = TriggerSource.AUTHENTICATION.value,
    client_metadata: dict[str, str] | None = None,
    user_pool_id: str = "us-east-1_TestPool1",
    client_id: str = "testclient1234567890abcdef",
) -> dict[str, Any]:
    """A migrate-user event shaped like a captured real one (the local Cognito builds the same event)."""
    return build_event(
        trigger_source=trigger,
        region=user_pool_id.split("_", 1)[0],
        user_pool_id=user_pool_id,
        client_id=client_id,
        user_name=username,
        password=password,
        client_metadata=client_metadata,
    )


class LambdaContext:
    """The attributes of the Lambda runtime's context that handlers read, with a budget that really runs down.

    Real Cognito gives the trigger 5 seconds per attempt; ``get_remaining_time_in_millis`` counts down from
    the budget, so a handler that derives its deadline from the context behaves as it will on Lambda.
    """

    def __init__(
        self,
        budget_ms: int = 5000,
        *,
        function_name: str = "cognito-migrate",
        region: str = "us-east-1",
        account_id: str = "123456789012",
        memory_limit_in_mb: int = 512,
    ) -> None:
        self._deadline = time.monotonic() + budget_ms / 1000
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{region}:{account_id}:function:{function_name}"
        self.memory_limit_in_mb = memory_limit_in_mb
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"
        self.identity = None
        self.client_context = None

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the caller (Cognito) gives up on this attempt; never negative."""
        return max(0, int((self._deadline - time.monotonic()) * 1000))

    def __repr__(self) -> str:
        return f"LambdaContext({self.function_name!r}, aws_request_id={self.aws_request_id!r})"

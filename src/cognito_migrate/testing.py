"""A small test kit for people who test their trigger configuration: events as Cognito sends them, and
a Lambda context with a real time budget. Standard library only."""

from __future__ import annotations

import time
import uuid
from typing import Any


def make_event(
    username: str,
    password: str | None = None,
    *,
    trigger: str = "UserMigration_Authentication",
    client_metadata: dict[str, str] | None = None,
    user_pool_id: str = "us-east-1_TestPool1",
    client_id: str = "testclient1234567890abcdef",
) -> dict[str, Any]:
    """A migrate-user event shaped like a captured real one (the local Cognito builds the same event)."""
    from cognito_migrate.local.trigger_event import build_event

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
    """The parts of the Lambda context the trigger uses, with a budget that really runs down."""

    def __init__(self, budget_ms: int = 5000, *, function_name: str = "cognito-migrate") -> None:
        self._deadline = time.monotonic() + budget_ms / 1000
        self.function_name = function_name
        self.aws_request_id = str(uuid.uuid4())
        self.memory_limit_in_mb = 512

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))

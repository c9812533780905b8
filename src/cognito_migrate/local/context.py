"""A Lambda context object for triggers called in-process.

Real Cognito gives the trigger 5 seconds per attempt; ``get_remaining_time_in_millis`` counts down from the
same budget here, so a handler that derives its deadline from the context behaves as it will on Lambda.
"""

from __future__ import annotations

import time
import uuid


class LocalLambdaContext:
    """The attributes of ``awslambdaric``'s ``LambdaContext`` that handlers read."""

    def __init__(
        self,
        *,
        budget_seconds: float,
        function_name: str = "cognito-migrate-local",
        region: str = "us-east-1",
        account_id: str = "123456789012",
        memory_limit_in_mb: int = 512,
    ) -> None:
        self._deadline = time.monotonic() + budget_seconds
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
        return f"LocalLambdaContext({self.function_name!r}, aws_request_id={self.aws_request_id!r})"

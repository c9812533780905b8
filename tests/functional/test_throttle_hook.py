"""The brute-force throttle is a later issue; its hook in the flow is here and must behave."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cognito_migrate.config import settings_from_mapping
from cognito_migrate.models import Deadline
from cognito_migrate.outcomes import Outcome, Reason
from cognito_migrate.service import MigrationService
from cognito_migrate.wiring import build_mapper, build_reset_policy, build_store, build_verifier
from tests.conftest import FAST_V3, GOOD

if TYPE_CHECKING:
    from cognito_migrate.models import MigrationRequest
    from cognito_migrate.outcomes import MigrationOutcome


class CountingThrottle:
    """Blocks a user after one rejection (a fake with the real protocol)."""

    def __init__(self) -> None:
        self.rejections: dict[str, int] = {}

    def is_blocked(self, request: MigrationRequest, deadline: Deadline) -> bool:
        return self.rejections.get(request.username, 0) >= 1

    def record(self, request: MigrationRequest, outcome: MigrationOutcome, deadline: Deadline) -> None:
        if outcome.outcome is Outcome.REJECTED:
            self.rejections[request.username] = self.rejections.get(request.username, 0) + 1


def test_a_blocked_user_is_rejected_without_a_lookup_even_with_the_right_password(aspnet_db: str) -> None:
    from cognito_migrate.event import parse
    from cognito_migrate.testing import make_event

    settings = settings_from_mapping(
        {"store": {"type": "sql", "url": aspnet_db, "preset": "aspnet_identity"}, "hashing": {"dummy_cost": FAST_V3}},
        environ={},
    )
    throttle = CountingThrottle()
    service = MigrationService(
        store=build_store(settings),
        verifier=build_verifier(settings),
        mapper=build_mapper(settings),
        reset_policy=build_reset_policy(settings),
        throttle=throttle,
    )
    wrong = service.migrate(parse(make_event("alice", "Wrong-Password-1")), Deadline(5))
    assert wrong.reason is Reason.WRONG_PASSWORD
    blocked = service.migrate(parse(make_event("alice", GOOD)), Deadline(5))
    assert (blocked.outcome, blocked.reason) == (Outcome.REJECTED, Reason.THROTTLED)
    assert "lookup" not in blocked.timings_ms
    # the same exit as any rejection: it waits for the rejection floor (a verification's worth at least)
    assert blocked.floor_ms is not None
    assert blocked.floor_ms >= wrong.timings_ms["verify"]

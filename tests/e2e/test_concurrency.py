"""Several applications signing in at once: the layer serializes moto, not the trigger."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from tests.e2e.conftest import DictTrigger, LegacyUser
from tests.e2e.helpers import sign_in

if TYPE_CHECKING:
    from cognito_migrate.local import LocalCognito


def test_concurrent_first_sign_ins_of_one_user_create_one_user(local: LocalCognito, cognito: Any) -> None:
    trigger = DictTrigger({"zoe": LegacyUser("Zoe-pw-1", email="zoe@example.com")}, delay=0.2)
    pool_id, client_id = local.create_pool_and_client(trigger=trigger)

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _i: sign_in(cognito, client_id, "zoe", "Zoe-pw-1"), range(6)))

    assert all("IdToken" in r["AuthenticationResult"] for r in results)
    assert [u["Username"] for u in cognito.list_users(UserPoolId=pool_id)["Users"]] == ["zoe"]


def test_slow_triggers_run_in_parallel_not_one_after_another(local: LocalCognito, cognito: Any) -> None:
    users = {f"user{i}": LegacyUser(f"Pw-{i}-x!", email=f"user{i}@example.com") for i in range(8)}
    trigger = DictTrigger(users, delay=0.3)
    pool_id, client_id = local.create_pool_and_client(trigger=trigger)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda i: sign_in(cognito, client_id, f"user{i}", f"Pw-{i}-x!"), range(8)))
    elapsed = time.monotonic() - started

    assert elapsed < 8 * 0.3 / 2  # serialized triggers would take 2.4 s
    assert len(cognito.list_users(UserPoolId=pool_id)["Users"]) == 8

"""The demo's sign-in scenarios, run through boto3 against the local Cognito, and their statistics.

Each scenario is one thing an application does (right password, wrong password, unknown user,
forgot-password to the end, second sign-in of a migrated user); each result says what Cognito answered,
whether that is what the legacy account's state predicts, and how long the call took end to end.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from cognito_migrate.cli.demo_data import DemoUser

if TYPE_CHECKING:
    import random

    from cognito_migrate.local.server import LocalCognito, LocalPool

RIGHT: Final = "right password"
WRONG: Final = "wrong password"
UNKNOWN: Final = "unknown user"
FORGOT: Final = "forgot password"
SECOND: Final = "second sign-in"
SCENARIOS: Final = (RIGHT, WRONG, UNKNOWN, FORGOT, SECOND)
# what Cognito answers, per legacy kind, for the right password (PreventUserExistenceErrors ENABLED)
_EXPECTED_RIGHT: Final = {
    "normal": "tokens",
    "weak": "reset required",
    "must_change": "reset required",
    "disabled": "rejected",
    "locked": "rejected",
}


@dataclass(frozen=True)
class Scenario:
    kind: str  # one of SCENARIOS
    user: DemoUser


@dataclass(frozen=True)
class Result:
    scenario: str
    scheme: str
    outcome: str  # tokens / reset required / rejected / code confirmed / error: <code>
    expected: str
    latency_ms: float  # the first Cognito call (the one that fires the trigger, if any)

    @property
    def as_expected(self) -> bool:
        return self.outcome == self.expected


def plan(users: list[DemoUser], sample: int, rng: random.Random) -> list[Scenario]:
    """A shuffled sample: mostly first sign-ins, some wrong passwords, unknown users, forgot-password
    flows, and second sign-ins of users migrated earlier in the run (always after their first)."""
    chosen = rng.sample(users, min(sample, len(users)))
    cut_wrong, cut_forgot = int(len(chosen) * 0.10), int(len(chosen) * 0.18)
    wrong, forgot, right = chosen[:cut_wrong], chosen[cut_wrong:cut_forgot], chosen[cut_forgot:]
    forgot = [u for u in forgot if u.kind == "normal"]
    first = [Scenario(RIGHT, u) for u in right] + [Scenario(WRONG, u) for u in wrong]
    first += [Scenario(FORGOT, u) for u in forgot]
    first += [Scenario(UNKNOWN, _stranger(i)) for i in range(max(1, len(chosen) // 12))]
    rng.shuffle(first)
    seconds = [Scenario(SECOND, s.user) for s in first if s.kind == RIGHT and s.user.kind == "normal"]
    return first + rng.sample(seconds, len(seconds) // 4)


def _stranger(index: int) -> DemoUser:
    return DemoUser(f"nobody.{index}", f"Guess-{index}-pw!", "-", "unknown", f"nobody.{index}@example.com", None)


def run(scenario: Scenario, local: LocalCognito, pool: LocalPool, cognito: Any) -> Result:
    """One scenario through boto3; only the first call is timed."""
    from botocore.exceptions import ClientError

    user = scenario.user
    expected = _expected(scenario)
    started = time.perf_counter()
    try:
        if scenario.kind == FORGOT:
            cognito.forgot_password(ClientId=pool.client_id, Username=user.username)
            latency = _ms(started)
            code = local.forgot_password_code(pool.user_pool_id, user.username)
            new_password = user.password[::-1] + "-Renewed1"
            cognito.confirm_forgot_password(
                ClientId=pool.client_id, Username=user.username, ConfirmationCode=code or "", Password=new_password
            )
            _sign_in(cognito, pool, user.username, new_password)
            return Result(scenario.kind, user.scheme, "code confirmed", expected, latency)
        password = user.password + "x" if scenario.kind == WRONG else user.password
        _sign_in(cognito, pool, user.username, password)
        return Result(scenario.kind, user.scheme, "tokens", expected, _ms(started))
    except ClientError as exc:
        latency = _ms(started)
        code = exc.response["Error"]["Code"]
        if code != "NotAuthorizedException":
            return Result(scenario.kind, user.scheme, f"error: {code}", expected, latency)
        return Result(scenario.kind, user.scheme, _why_refused(cognito, pool, user.username), expected, latency)


def _sign_in(cognito: Any, pool: LocalPool, username: str, password: str) -> None:
    cognito.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )


def _why_refused(cognito: Any, pool: LocalPool, username: str) -> str:
    """PreventUserExistenceErrors hides the reason from the app; the admin API tells the demo."""
    from botocore.exceptions import ClientError

    try:
        status = cognito.admin_get_user(UserPoolId=pool.user_pool_id, Username=username)["UserStatus"]
    except ClientError:
        return "rejected"
    return "reset required" if status == "RESET_REQUIRED" else "rejected"


def _expected(scenario: Scenario) -> str:
    if scenario.kind == RIGHT:
        return _EXPECTED_RIGHT[scenario.user.kind]
    if scenario.kind == SECOND:
        return "tokens"
    if scenario.kind == FORGOT:
        return "code confirmed"
    return "rejected"


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def percentiles(values: list[float]) -> tuple[float, float]:
    """(p50, p95) of ``values`` in the same unit; (nan, nan) for no values."""
    if not values:
        return float("nan"), float("nan")
    if len(values) == 1:
        return values[0], values[0]
    cuts = statistics.quantiles(values, n=20, method="inclusive")
    return statistics.median(values), cuts[18]

"""The trigger as a Lambda behind the Invoke HTTP API, and Cognito's 5 s x 3 attempts timeout rule."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate.local import LambdaInvokeTrigger, LocalCognito
from cognito_migrate.testing import LambdaContext
from tests.e2e.conftest import DictTrigger, LegacyUser
from tests.e2e.helpers import error_of, sign_in

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator


class FakeLambda:
    """A stdlib Lambda Invoke endpoint serving one handler, as Lambda answers: 200 + X-Amz-Function-Error."""

    def __init__(self, handler: Callable[[dict[str, Any], Any], Any], name: str = "MigrateUser") -> None:
        self.paths: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                outer.paths.append(self.path)
                if self.path != f"/2015-03-31/functions/{name}/invocations":
                    self._reply(404, {"Type": "User", "Message": "Function not found"}, error=None)
                    return
                event = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                try:
                    result = handler(event, LambdaContext(5000, function_name=name))
                except Exception as exc:  # noqa: BLE001 - what the Lambda runtime reports
                    self._reply(200, {"errorMessage": str(exc), "errorType": type(exc).__name__}, error="Unhandled")
                    return
                self._reply(200, result, error=None)

            def _reply(self, status: int, payload: Any, *, error: str | None) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                if error:
                    self.send_header("X-Amz-Function-Error", error)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_lambda() -> Iterator[Callable[..., FakeLambda]]:
    started: list[FakeLambda] = []

    def start(handler: Callable[[dict[str, Any], Any], Any], name: str = "MigrateUser") -> FakeLambda:
        started.append(FakeLambda(handler, name))
        return started[-1]

    yield start
    for server in started:
        server.close()


def test_a_lambda_served_over_http_migrates_the_user(
    local: LocalCognito, cognito: Any, fake_lambda: Callable[..., FakeLambda]
) -> None:
    handler = DictTrigger({"jack": LegacyUser("Jack-pw-1", email="jack@example.com")})
    server = fake_lambda(handler)
    url = f"{server.endpoint}/2015-03-31/functions/MigrateUser/invocations"
    pool_id, client_id = local.create_pool_and_client(trigger=url)

    assert "IdToken" in sign_in(cognito, client_id, "jack", "Jack-pw-1")["AuthenticationResult"]
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="jack")["UserStatus"] == "CONFIRMED"
    assert error_of(lambda: sign_in(cognito, client_id, "jill", "x"))[0] == "NotAuthorizedException"
    assert server.paths == ["/2015-03-31/functions/MigrateUser/invocations"] * 2
    assert handler.events[0]["request"]["password"] == "Jack-pw-1"


def test_a_lambda_error_reaches_the_client_as_cognito_reports_it(
    local: LocalCognito, cognito: Any, fake_lambda: Callable[..., FakeLambda]
) -> None:
    server = fake_lambda(DictTrigger({}, down=True))
    pool_id, client_id = local.create_pool_and_client(trigger=LambdaInvokeTrigger(server.endpoint, "MigrateUser"))

    assert error_of(lambda: sign_in(cognito, client_id, "jack", "Jack-pw-1")) == (
        "UserLambdaValidationException",
        "UserMigration failed with error Legacy user store unavailable.",
    )
    assert cognito.list_users(UserPoolId=pool_id)["Users"] == []


def test_an_unknown_function_is_an_exception_migrating_the_user(
    local: LocalCognito, cognito: Any, fake_lambda: Callable[..., FakeLambda]
) -> None:
    server = fake_lambda(DictTrigger({}))
    _, client_id = local.create_pool_and_client(trigger=LambdaInvokeTrigger(server.endpoint, "OtherName"))

    assert error_of(lambda: sign_in(cognito, client_id, "jack", "Jack-pw-1")) == (
        "UserNotFoundException",
        f"Exception migrating user in app client {client_id}",
    )


@pytest.fixture(scope="module")
def impatient(console_lines: list[str]) -> Iterator[LocalCognito]:
    """A second endpoint with a 0.3 s trigger budget (same moto state), so timeouts take a second, not 15."""
    with LocalCognito(trigger_timeout=0.3, attempts=3, console=console_lines.append) as server:
        yield server


class Slow:
    """Sleeps ``delays[i]`` seconds on call i, then answers as ``inner`` does."""

    def __init__(self, inner: DictTrigger, delays: list[float]) -> None:
        self.inner = inner
        self.delays = delays
        self.calls = 0

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        delay = self.delays[min(self.calls, len(self.delays) - 1)]
        self.calls += 1
        time.sleep(delay)
        return self.inner(event, context)


def test_a_trigger_that_never_answers_in_time_is_tried_three_times(impatient: LocalCognito) -> None:
    slow = Slow(DictTrigger({"kim": LegacyUser("Kim-pw-1", email="kim@example.com")}), [0.6])
    pool_id, client_id = impatient.create_pool_and_client(trigger=slow)
    cognito = impatient.client()

    started = time.monotonic()
    code, message = error_of(lambda: sign_in(cognito, client_id, "kim", "Kim-pw-1"))

    assert code == "UnexpectedLambdaException"
    assert "timeout" in message.lower()
    assert slow.calls == 3
    assert 0.9 <= time.monotonic() - started < 3
    time.sleep(0.7)  # let the abandoned attempts finish: their late answers must not create the user
    assert cognito.list_users(UserPoolId=pool_id)["Users"] == []


def test_a_retry_that_answers_in_time_migrates(impatient: LocalCognito) -> None:
    slow = Slow(DictTrigger({"kim": LegacyUser("Kim-pw-1", email="kim@example.com")}), [0.6, 0.0])
    _pool_id, client_id = impatient.create_pool_and_client(trigger=slow)
    cognito = impatient.client()

    assert "IdToken" in sign_in(cognito, client_id, "kim", "Kim-pw-1")["AuthenticationResult"]
    assert slow.calls == 2
    assert impatient.invocations[-1].attempts == 2


def test_a_slow_lambda_over_http_times_out_and_is_retried(
    impatient: LocalCognito, fake_lambda: Callable[..., FakeLambda]
) -> None:
    slow = Slow(DictTrigger({"kim": LegacyUser("Kim-pw-1", email="kim@example.com")}), [0.6, 0.6, 0.0])
    server = fake_lambda(slow)
    _, client_id = impatient.create_pool_and_client(trigger=LambdaInvokeTrigger(server.endpoint, "MigrateUser"))

    assert "IdToken" in sign_in(impatient.client(), client_id, "kim", "Kim-pw-1")["AuthenticationResult"]
    assert len(server.paths) == 3

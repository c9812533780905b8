"""Calling a trigger: in-process timeouts, raised errors, JSON marshalling, retries only on timeouts."""

from __future__ import annotations

import time
from typing import Any

import pytest

from cognito_migrate.local.invoker import (
    InProcessTrigger,
    LambdaInvokeTrigger,
    TriggerFailed,
    TriggerTimedOut,
    TriggerUnreachable,
    invoke,
)


def test_the_handler_gets_a_copy_of_the_event_and_a_context_with_the_budget() -> None:
    seen: list[Any] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        seen.append(context.get_remaining_time_in_millis())
        event["response"] = {"touched": True}
        return event

    event: dict[str, Any] = {"response": {}}
    result = invoke(InProcessTrigger(handler), event, timeout=2.0, attempts=3)
    assert result.payload == {"response": {"touched": True}} and result.attempts == 1
    assert event == {"response": {}}
    assert 1000 < seen[0] <= 2000


def test_a_raised_error_is_reported_once_with_its_message() -> None:
    calls = []

    def handler(event: dict[str, Any], context: Any) -> Any:
        calls.append(1)
        raise ValueError("legacy database is down")

    with pytest.raises(TriggerFailed) as info:
        invoke(InProcessTrigger(handler), {}, timeout=1.0, attempts=3)
    assert info.value.message == "legacy database is down"
    assert len(calls) == 1


def test_a_result_json_cannot_carry_fails_as_lambda_marshalling_fails() -> None:
    with pytest.raises(TriggerFailed, match="Unable to marshal response"):
        invoke(InProcessTrigger(lambda e, c: {"when": object()}), {}, timeout=1.0, attempts=1)


def test_timeouts_are_retried_then_reported() -> None:
    calls = []

    def handler(event: dict[str, Any], context: Any) -> Any:
        calls.append(1)
        time.sleep(0.2)
        return event

    with pytest.raises(TriggerTimedOut):
        invoke(InProcessTrigger(handler), {}, timeout=0.05, attempts=3)
    assert len(calls) == 3


def test_invoke_urls_parse_and_reject_other_shapes() -> None:
    trigger = LambdaInvokeTrigger.from_url("http://127.0.0.1:3002/2015-03-31/functions/arn%3Aaws%3Afn/invocations")
    assert (trigger.endpoint, trigger.function_name) == ("http://127.0.0.1:3002", "arn:aws:fn")
    assert trigger.url.endswith("/functions/arn%3Aaws%3Afn/invocations")
    for bad in ("ftp://x/2015-03-31/functions/f/invocations", "http://x/functions/f", "http://x/"):
        with pytest.raises(ValueError, match="expected"):
            LambdaInvokeTrigger.from_url(bad)


def test_a_closed_port_is_unreachable() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(TriggerUnreachable):
        LambdaInvokeTrigger(f"http://127.0.0.1:{port}", "f").attempt({}, 1.0)


def test_the_attempts_of_a_failure_after_a_timeout_are_counted() -> None:
    calls = []

    def handler(event: dict[str, Any], context: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            time.sleep(0.3)
        raise ValueError("store down")

    with pytest.raises(TriggerFailed) as info:
        invoke(InProcessTrigger(handler), {}, timeout=0.1, attempts=3)
    assert info.value.attempts == 2  # the journal said 1


def test_an_invoke_answer_that_trickles_in_is_bounded_by_the_whole_attempt() -> None:
    """A server that sends its answer slowly: each read stays under the socket timeout, the whole does not."""
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    stop = threading.Event()
    sent: list[int] = []

    def serve() -> None:
        connection, _ = server.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n")
            for _ in range(40):  # one byte every 0.1 s: 4 s in all
                if stop.wait(0.1):
                    return
                sent.append(1)  # counted before it goes: reading all 40 means 40 counted
                connection.sendall(b" ")

    threading.Thread(target=serve, daemon=True).start()
    try:
        with pytest.raises(TriggerTimedOut):
            LambdaInvokeTrigger(f"http://127.0.0.1:{port}", "f").attempt({}, 0.5)
        assert len(sent) < 40  # it gave up on the whole answer, not after reading all of it
    finally:
        stop.set()
        server.close()

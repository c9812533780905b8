"""Every path through the trigger, run with a canary password: it must appear in no log line, no
exception text or traceback, and no response."""

from __future__ import annotations

import json
import logging
import traceback
from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate import hashing
from cognito_migrate.models import Secret
from cognito_migrate.testing import LambdaContext, make_event
from tests.legacy import AspNetUser, create_aspnet_sqlite

if TYPE_CHECKING:
    import io
    from collections.abc import Callable
    from pathlib import Path

    from cognito_migrate.handler import Trigger

CANARY = "Canary-Pa55word!-7f3a9c"
WEAK_CANARY = "canaryweak7f3a9c"  # breaks the pool policy, so it takes the RESET_REQUIRED path


def leaked(text: str) -> bool:
    return any(c.lower() in text.lower() for c in (CANARY, WEAK_CANARY))


@pytest.fixture
def canary_db(tmp_path: Path) -> str:
    v3 = hashing.create("aspnet_identity_v3", CANARY, cost={"iterations": 1000, "prf": "HMACSHA256"})
    users = [
        AspNetUser("ok", v3, email="ok@example.com"),
        AspNetUser("locked", v3, email="locked@example.com", lockout_end="2999-01-01T00:00:00+00:00"),
        AspNetUser("broken", "$2b$10$tooshort"),
        AspNetUser("badphone", v3, email="bp@example.com", phone="not a phone"),
        AspNetUser(
            "weak",
            hashing.create("aspnet_identity_v3", WEAK_CANARY, cost={"iterations": 1000, "prf": "HMACSHA256"}),
            email="weak@example.com",
        ),
        AspNetUser(
            "weaknochannel",
            hashing.create("aspnet_identity_v3", WEAK_CANARY, cost={"iterations": 1000, "prf": "HMACSHA256"}),
        ),
    ]
    return create_aspnet_sqlite(str(tmp_path / "canary.db"), users)


def scenarios(db: str, tmp_path: Path) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(store url, config sections, event) for every path."""
    auth = "UserMigration_Authentication"
    forgot = "UserMigration_ForgotPassword"
    down = f"sqlite:///{tmp_path / 'missing.db'}"
    out: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    for username in ("ok", "locked", "broken", "badphone", "nobody"):
        for password in (CANARY, CANARY + "x"):
            out.append((db, {}, make_event(username, password, trigger=auth)))
            out.append((db, {"trigger": {"on_reject": "raise"}}, make_event(username, password, trigger=auth)))
    for username in ("weak", "weaknochannel"):
        out.append((db, {}, make_event(username, WEAK_CANARY, trigger=auth)))
    forgot_event = make_event("ok", trigger=forgot)
    forgot_event["request"]["password"] = CANARY  # a client sending one anyway
    out.append((db, {}, forgot_event))
    out.append((down, {}, make_event("ok", CANARY)))
    malformed = make_event("ok", CANARY)
    malformed["userName"] = 42
    out.append((db, {}, malformed))
    too_long = make_event("ok", CANARY * 300)
    out.append((db, {}, too_long))
    return out


def test_the_canary_password_never_leaks(
    make_trigger: Callable[..., Trigger],
    canary_db: str,
    tmp_path: Path,
    log_stream: io.StringIO,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []
    for url, sections, event in scenarios(canary_db, tmp_path):
        trigger = make_trigger(url, **sections)
        try:
            result = trigger(event, LambdaContext())
        except Exception as exc:  # noqa: BLE001 - the point is to inspect whatever escapes
            seen.append(str(exc))
            seen.append(repr(exc))
            seen.append("".join(traceback.format_exception(exc)))
        else:
            seen.append(json.dumps(result))
    seen.append(log_stream.getvalue())
    seen.extend(record.getMessage() for record in caplog.records)
    assert len(seen) > 20
    assert any('"RESET_REQUIRED"' in text for text in seen)  # the reset path really ran
    assert not any(leaked(text) for text in seen), "the canary password appeared in an output"


def test_secret_never_prints() -> None:
    secret = Secret(CANARY)
    rendered = [repr(secret), str(secret), f"{secret}", f"{secret!r}", "%s" % secret]  # noqa: UP031
    assert not any(leaked(text) for text in rendered)
    assert secret.reveal() == CANARY

"""The demo's synthetic legacy database: an in-house ``users`` table in SQLite with real hashes in several
formats (ASP.NET Identity V3 and V2, bcrypt, Django PBKDF2, phpass), some accounts disabled, locked out,
flagged "must change password", or with a password that breaks the pool's policy.

Hash costs are lowered so that a few thousand users are created and verified in seconds on a laptop;
``COST_NOTE`` says by how much, and the demo prints it.
"""

from __future__ import annotations

import os
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import random
    from collections.abc import Callable
    from pathlib import Path

# (scheme, cost, weight): the formats a long-lived user base accumulates.
SCHEME_MIX: Final[tuple[tuple[str, dict[str, Any], int], ...]] = (
    ("aspnet_identity_v3", {"iterations": 10_000, "prf": "HMACSHA256"}, 30),
    ("aspnet_identity_v2", {}, 15),
    ("bcrypt", {"rounds": 6}, 20),
    ("django_pbkdf2_sha256", {"iterations": 20_000}, 20),
    ("phpass", {}, 15),
)
COST_NOTE: Final = (
    "Demo hash costs are lowered to keep it fast: bcrypt cost 6 (production: 10-12), Django PBKDF2 20,000 "
    "iterations (Django 5: 870,000+). ASP.NET Identity V3 uses its pre-.NET 7 default (10,000 x HMAC-SHA256), "
    "V2 and phpass their usual costs."
)
# kind: weight. "weak" passwords break the default Cognito policy (no upper case, no symbol).
KIND_MIX: Final = (("normal", 86), ("weak", 6), ("disabled", 3), ("locked", 3), ("must_change", 2))

_FIRST = ("maria", "james", "li", "amina", "olga", "noah", "sofia", "ravi", "chen", "lucas", "emma", "yusuf")
_LAST = ("garcia", "smith", "wang", "okafor", "ivanova", "brown", "rossi", "patel", "kim", "silva", "muller")
_WORDS = ("harbor", "violet", "summit", "lantern", "cobalt", "meadow", "falcon", "ember", "quartz", "willow")

_DEMO_COLUMNS: Final = (
    "username, email, email_confirmed, phone, phone_confirmed, password_hash, is_disabled, "
    "lockout_end, must_change_password"
)
# constant text: the sign-in name is bound (:username), never formatted in
DEMO_CONFIG_QUERY: Final = f"SELECT {_DEMO_COLUMNS} FROM users WHERE {{column}} = :username"  # noqa: S608
DEMO_LIST_QUERY: Final = f"SELECT {_DEMO_COLUMNS} FROM users ORDER BY username"  # noqa: S608 - audit, export


@dataclass(frozen=True)
class DemoUser:
    """One synthetic legacy user; ``password`` stays in memory (the demo never prints it)."""

    username: str
    password: str
    scheme: str
    kind: str
    email: str
    phone: str | None


def make_population(count: int, rng: random.Random) -> list[DemoUser]:
    """``count`` users with unique names, a scheme and a kind each."""
    schemes = SCHEME_MIX  # every scheme can create hashes (tests/unit/hashing/test_contract.py)
    kinds = [k for k, _ in KIND_MIX]
    users = []
    for index in range(count):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        username = f"{first}.{last}{index}"
        kind = rng.choices(kinds, weights=[w for _, w in KIND_MIX])[0]
        scheme = rng.choices([s[0] for s in schemes], weights=[s[2] for s in schemes])[0]
        word = rng.choice(_WORDS)
        if kind == "weak":
            password = f"{word}{rng.randint(10, 99)}"
        else:
            password = f"{word.title()}-{rng.randint(100, 999)}-{rng.choice(_WORDS)}!"
        # a real area code (432) and the 555 exchange: valid numbers that belong to nobody
        phone = f"+1432555{rng.randint(1000, 9999)}" if rng.random() < 0.3 else None
        users.append(DemoUser(username, password, scheme, kind, f"{username}@example.com", phone))
    return users


def write_legacy_db(path: Path, users: list[DemoUser], *, progress: Callable[[int], None] | None = None) -> str:
    """Create the SQLite ``users`` table with a real hash per user; returns the store URL."""
    from cognito_migrate import hashing

    costs = {scheme: cost for scheme, cost, _ in SCHEME_MIX}
    conn = sqlite3.connect(path)
    try:
        conn.execute(
            "CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT NOT NULL, username_normalized TEXT UNIQUE,"
            " email TEXT, email_normalized TEXT, email_confirmed INTEGER, phone TEXT, phone_confirmed INTEGER,"
            " password_hash TEXT, is_disabled INTEGER, lockout_end TEXT, must_change_password INTEGER)"
        )
        # PBKDF2 and bcrypt release the GIL while they hash: threads use every core for the slow part
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as workers:
            for start in range(0, len(users), 100):
                batch = users[start : start + 100]
                hashes = workers.map(lambda u: hashing.create(u.scheme, u.password, cost=costs[u.scheme]), batch)
                rows = [
                    (
                        u.username, u.username.lower(), u.email, u.email.lower(), 1, u.phone, int(u.phone is not None),
                        stored, int(u.kind == "disabled"),
                        "2999-12-31T00:00:00+00:00" if u.kind == "locked" else None, int(u.kind == "must_change"),
                    )
                    for u, stored in zip(batch, hashes, strict=True)
                ]  # fmt: skip
                conn.executemany(
                    "INSERT INTO users (username, username_normalized, email, email_normalized, email_confirmed, phone,"
                    " phone_confirmed, password_hash, is_disabled, lockout_end, must_change_password)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    rows,
                )
                if progress is not None:
                    progress(len(batch))
        conn.commit()
    finally:
        conn.close()
    return f"sqlite:///{path}"


def demo_settings_mapping(store_url: str) -> dict[str, Any]:
    """The configuration the demo runs with (a generic SQL store: query plus column roles)."""
    return {
        "store": {
            "type": "sql",
            "url": store_url,
            "query": DEMO_CONFIG_QUERY.format(column="username_normalized"),
            "list_query": DEMO_LIST_QUERY,
            "normalize": "lower",
            "columns": {
                "username": "username",
                "password_hash": "password_hash",
                "email": "email",
                "email_verified": "email_confirmed",
                "phone_number": "phone",
                "phone_number_verified": "phone_confirmed",
                "disabled": "is_disabled",
                "lockout_end": "lockout_end",
                "must_change_password": "must_change_password",
            },
        },
        "hashing": {"dummy_scheme": "aspnet_identity_v3", "dummy_cost": {"iterations": 10_000, "prf": "HMACSHA256"}},
        "logging": {"level": "ERROR", "metrics": False},
    }

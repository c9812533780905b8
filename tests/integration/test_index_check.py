"""The lookup index check against the real PostgreSQL and MariaDB planners: scans found, printed indexes fix them."""

from __future__ import annotations

import pytest

from cognito_migrate.config import settings_from_mapping
from cognito_migrate.models import Deadline
from cognito_migrate.stores.indexes import IndexFinding, unindexed_lookups
from cognito_migrate.wiring import build_store
from tests.conftest import aspnet_users, service_url
from tests.legacy import connect, create_aspnet_mysql, create_aspnet_postgres

SERVERS = {"postgres": ("TEST_POSTGRES_URL", create_aspnet_postgres), "mysql": ("TEST_MYSQL_URL", create_aspnet_mysql)}


def findings(url: str) -> list[IndexFinding]:
    settings = settings_from_mapping(
        {"store": {"url": url, "preset": "aspnet_identity"}, "pool": {"alias_attributes": ["email", "phone_number"]}},
        environ={},
    )
    store = build_store(settings)
    try:
        return unindexed_lookups(store, Deadline(10))
    finally:
        store.close()


def execute(url: str, statements: list[str]) -> None:
    """Run the printed statements as an operator would (the store's own connection is read-only)."""
    conn = connect(url)
    with conn.cursor() as cur:
        for sql in statements:
            cur.execute(sql)
    conn.close()


@pytest.mark.parametrize("server", sorted(SERVERS))
def test_unindexed_identity_lookups_on_a_real_server(server: str) -> None:
    env, create = SERVERS[server]
    url = service_url(env)
    create(url, aspnet_users())
    found = findings(url)
    assert {f.field for f in found} == {"username", "email", "phone_number"}
    statements = [f.create_index for f in found]
    assert all(s is not None for s in statements)
    execute(url, [s for s in statements if s is not None])
    assert findings(url) == []

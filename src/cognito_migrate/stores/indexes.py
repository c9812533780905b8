"""Does each lookup query use an index? ``EXPLAIN`` on the legacy database, for ``config validate`` and ``audit``.

Every sign-in runs every lookup query (the username's, the e-mail's, the phone's: the same statements
whether or not the user exists). One without an index reads the whole legacy table on every sign-in,
known or unknown: slow at 300,000 rows, and a load anyone can cause. :func:`unindexed_lookups` asks the
database's own planner (PostgreSQL, MySQL/MariaDB, SQLite; SQL Server is not checked) and returns one
finding per query that scans, with the ``CREATE INDEX`` that would serve it.

PostgreSQL prefers a sequential scan on a small table even when an index exists, so the plan is asked
with ``enable_seqscan`` off: a scan that remains has no usable index. MySQL/MariaDB count a query as
scanning when the plan reads every row (``type`` ALL or index) and no key was possible.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from cognito_migrate.stores.sql import SqlUserStore

if TYPE_CHECKING:
    from cognito_migrate.models import Deadline
    from cognito_migrate.stores.base import UserStore

# the table (and its alias) of the FROM whose WHERE compares a column or expression with the sign-in name;
# a subquery's WHERE (django_allauth's EXISTS) never compares with :username, so it never matches
_LOOKUP: Final = re.compile(
    r"\bFROM\s+(?P<table>[`\"\w.]+)(?:\s+(?:AS\s+)?(?P<alias>\w+))?\s+WHERE\s+(?P<expr>[^=]+?)\s*=\s*"
    r"(?:LOWER\s*\(\s*)?(?::username|%\(username\)s)",
    re.IGNORECASE | re.DOTALL,
)
_DIALECTS: Final = {"sqlite3": "sqlite", "psycopg2": "postgres", "pymysql": "mysql"}


class IndexFinding(NamedTuple):
    """One lookup query that reads the whole table. ``create_index`` is None when it cannot be derived."""

    field: str  # the sign-in field: username, email or phone_number
    table: str  # as quoted in the query
    expression: str  # what the query compares with the sign-in name
    plan: str  # the planner's words for the scan
    create_index: str | None
    note: str = ""


def unindexed_lookups(store: UserStore, deadline: Deadline) -> list[IndexFinding]:
    """The lookup queries of ``store`` that scan their table (empty when all use an index, and for a
    store that is not SQL). Raises :class:`~cognito_migrate.errors.LegacyUnavailableError` when the
    database cannot be asked."""
    dialect = _dialect(store)
    if dialect is None:
        return []
    if not isinstance(store, SqlUserStore):  # pragma: no cover - _dialect said it is; for the type checker
        return []
    findings = []
    for field, query in sorted(store.lookup_queries.items()):
        plan = _scan(store, dialect, query, deadline)
        if plan is not None:
            findings.append(_finding(field, query, dialect, plan))
    return findings


def checkable(store: UserStore) -> bool:
    """Whether :func:`unindexed_lookups` can ask this store's planner (SQL on PostgreSQL, MySQL, SQLite)."""
    return _dialect(store) is not None


def _dialect(store: UserStore) -> str | None:
    return _DIALECTS.get(store.driver_module) if isinstance(store, SqlUserStore) else None


def _scan(store: SqlUserStore, dialect: str, query: str, deadline: Deadline) -> str | None:
    """The planner's description of a full scan in ``query``'s plan, or None when it uses an index."""
    if dialect == "sqlite":
        rows = store.run_statement("EXPLAIN QUERY PLAN " + query, deadline)
        scans = [str(r.get("detail", "")) for r in rows if str(r.get("detail", "")).startswith("SCAN")]
        return "; ".join(scans) or None
    if dialect == "postgres":
        # set_config rather than SET: a statement that returns a row, like every statement of a store
        store.run_statement("SELECT set_config('enable_seqscan', 'off', false)", deadline)
        try:
            rows = store.run_statement("EXPLAIN (FORMAT JSON) " + query, deadline)
        finally:
            store.run_statement("SELECT set_config('enable_seqscan', 'on', false)", deadline)
        plan = rows[0]["QUERY PLAN"] if rows else []
        if isinstance(plan, str):
            plan = json.loads(plan)
        scans = [f"Seq Scan on {n.get('Relation Name')}" for n in _nodes(plan) if n.get("Node Type") == "Seq Scan"]
        return "; ".join(scans) or None
    rows = store.run_statement("EXPLAIN " + query, deadline)
    scans = [
        f"type {r.get('type')} on {r.get('table')}"
        for r in rows
        if str(r.get("type")) in ("ALL", "index") and not r.get("possible_keys")
    ]
    return "; ".join(scans) or None


def _nodes(plan: Any) -> list[dict[str, Any]]:
    """Every node of a PostgreSQL JSON plan."""
    out: list[dict[str, Any]] = []
    stack = [plan]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            if "Node Type" in item:
                out.append(item)
            stack.extend(v for k, v in item.items() if k in ("Plan", "Plans"))
    return out


def _finding(field: str, query: str, dialect: str, plan: str) -> IndexFinding:
    matches = list(_LOOKUP.finditer(query))
    if not matches:
        return IndexFinding(field, "?", "?", plan, None, "index the column your query compares with :username")
    match = matches[-1]
    table, expr = match["table"], match["expr"].strip()
    if match["alias"] and match["alias"].upper() != "WHERE":
        expr = re.sub(rf"\b{re.escape(match['alias'])}\.", "", expr)  # u."email" -> "email" in an index
    name = "cognito_migrate_" + "_".join(re.findall(r"\w+", f"{table} {expr}")).lower()[:40]
    quote = "`" if dialect == "mysql" else '"'
    functional = "(" in expr
    if dialect == "mysql" and functional:
        note = (
            "MariaDB cannot index an expression: index the column and write your own query without the "
            "function (a _ci collation already ignores case); MySQL 8.0.13+ runs the statement as given"
        )
        return IndexFinding(field, table, expr, plan, f"CREATE INDEX {quote}{name}{quote} ON {table} (({expr}));", note)
    key = f"({expr})" if functional and dialect == "postgres" else expr
    return IndexFinding(field, table, expr, plan, f"CREATE INDEX {quote}{name}{quote} ON {table} ({key});")


def describe(finding: IndexFinding) -> str:
    """One line for a person: which lookup scans, and what to run."""
    fix = f"; run: {finding.create_index}" if finding.create_index else ""
    note = f" ({finding.note})" if finding.note else ""
    return f"the {finding.field} lookup scans the whole table ({finding.plan}){fix}{note}"


__all__ = ["IndexFinding", "checkable", "describe", "unindexed_lookups"]

"""``status --html``: the ``status --json`` document as a self-contained page with charts (the ``report`` extra).

Built from the same pieces as ``audit --html``: headline figures, migrated against remaining, migrations per
day in date order, rejections per reason, and the tables behind the charts.
"""

from __future__ import annotations

from typing import Any

from cognito_migrate.report.charts import bar_chart, series_chart
from cognito_migrate.report.page import Section, render


def _number(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


def status_page(doc: dict[str, Any]) -> str:
    """The HTML page of one ``status --json`` document."""
    share = f" ({doc['migrated'] / doc['legacy_users']:.1%})" if doc["legacy_users"] else ""
    figures = [
        ("legacy users", _number(doc["legacy_users"]), ""),
        ("migrated (exists in Cognito)" + share, _number(doc["migrated"]), "ok"),
        ("answered MIGRATED by the trigger", _number(doc["answered"]), ""),
        ("remaining", _number(doc["remaining"]), ""),
        ("throttled sign-ins", _number(doc["throttled"]), "bad" if doc["throttled"] else ""),
        ("legacy store outages", _number(doc["legacy_outages"]), "bad" if doc["legacy_outages"] else ""),
    ]
    if doc.get("user_pool_id"):
        figures.append((f"users in {doc['user_pool_id']} (estimate)", _number(doc["pool_users"]), ""))
    split = [("migrated", doc["migrated"])]
    if doc["remaining"] is not None:
        split.append(("remaining", doc["remaining"]))
    summary = Section(
        "Progress",
        figures=figures,
        paragraphs=list(doc.get("notes", [])),
        charts=[bar_chart("Migrated and remaining", split, colour="ok")],
    )
    days = doc["daily"]
    daily = Section(
        "Migrations per day",
        paragraphs=[
            "UTC days from the first migration to the last; migrated: Cognito reported the user exists; answered: "
            "the trigger answered MIGRATED."
        ],
        charts=[series_chart("Users migrated per day", [(d["date"], d["migrated"]) for d in days])],
        tables=[
            (
                ["date", "migrated", "answered"],
                [[d["date"], f"{d['migrated']:,}", f"{d['answered']:,}"] for d in days],
            )
        ],
    )
    reasons = list(doc["rejected_by_reason"].items())
    rejected = Section(
        "Rejected sign-ins",
        paragraphs=["Every rejection gets the same answer; the reason is only in the ledger and the log."],
        charts=[bar_chart("Rejected sign-ins per reason", reasons, xlabel="sign-ins", colour="bad")],
        tables=[(["reason", "sign-ins"], [[reason, f"{count:,}"] for reason, count in reasons])],
    )
    pool = doc.get("user_pool_id")
    subtitle = f"cognito-migrate status of {pool}" if pool else "cognito-migrate status"
    return render("Migration status", subtitle, [summary, daily, rejected])

"""``audit --html``: the audit's JSON document as a page with charts (schemes, costs, problems) and tables."""

from __future__ import annotations

from typing import Any

from cognito_migrate.report.charts import bar_chart
from cognito_migrate.report.page import Section, render


def audit_page(result: dict[str, Any]) -> str:
    """The self-contained HTML report of one audit (the ``to_json()`` document)."""
    problems = [p for p in result["problems"] if p["count"]]
    blocking = sum(p["count"] for p in problems if p["kind"] != "disabled_or_locked")
    summary = Section(
        "Summary",
        figures=[
            ("legacy users", f"{result['users']:,}", ""),
            ("hash schemes", str(len(result["schemes"])), ""),
            ("problems found", f"{blocking:,}", "bad" if blocking else "ok"),
            ("extras to package", ", ".join(result["extras"]) or "none", ""),
        ],
        paragraphs=[f"Read in {result['seconds']:.1f} s. {note}" for note in result.get("notes", [])]
        or [f"Read in {result['seconds']:.1f} s."],
    )
    schemes = Section(
        "Hash schemes",
        paragraphs=["Rows per scheme the trigger will verify (no_password: the user has none to migrate with; "
            "checked_by_store: the directory checks the password itself)."],
        charts=[bar_chart("Rows per hash scheme", list(result["schemes"].items()), xlabel="rows")],
    )
    cost_bars = [(f"{scheme}: {c['cost']}", c["count"]) for scheme, costs in result["costs"].items() for c in costs]
    costs = Section(
        "Cost of verification",
        paragraphs=[
            "The timing floor and the Lambda memory size must cover the costliest bucket: every sign-in, "
            "and every rejection, spends that much."
        ],
        charts=[bar_chart("Rows per cost", cost_bars, xlabel="rows")],
        tables=[
            (
                ["scheme", "cost", "rows"],
                [[scheme, c["cost"], f"{c['count']:,}"] for scheme, costs in result["costs"].items() for c in costs],
            )
        ],
    )
    found = Section(
        "Problems",
        charts=[bar_chart("Users per problem", [(p["kind"], p["count"]) for p in problems], colour="bad")],
        tables=[
            (
                ["kind", "count", "details", "examples (keyed user hashes)"],
                [
                    [
                        p["kind"],
                        f"{p['count']:,}",
                        "; ".join(f"{d}: {n:,}" for d, n in p["details"].items()) or p["description"],
                        ", ".join(p["examples"]),
                    ]
                    for p in result["problems"]
                ],
            )
        ],
    )
    subtitle = f"cognito-migrate audit of {result['store']}" if result.get("store") else "cognito-migrate audit"
    return render("Legacy store audit", subtitle, [summary, schemes, costs, found])

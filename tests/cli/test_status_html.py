"""``status --html``: a self-contained page that a real browser renders with the progress and its charts."""

from __future__ import annotations

import json
import re
import sys
from typing import TYPE_CHECKING

from PIL import Image
from typer.testing import CliRunner

from cognito_migrate.cli.app import app
from cognito_migrate.report.charts import series_chart
from tests.browser import dump_dom, screenshot
from tests.cli.test_status import sign_ins, write_config

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

runner = CliRunner()
BAR_GREEN = (0x2E, 0x8B, 0x57)  # report/charts.py "ok": migrated, per day
BAR_RED = (0xC0, 0x39, 0x2B)  # rejections


def make_page(tmp_path: Path) -> tuple[Path, dict[str, object]]:
    """Sign-ins through the trigger, then ``status --json --html``: the page and the JSON it shows."""
    config = write_config(tmp_path)
    sign_ins(config)
    out = tmp_path / "status.html"
    result = runner.invoke(app, ["status", "--config", str(config), "--json", "--html", str(out)])
    assert result.exit_code == 0, result.output
    return out, json.loads(result.stdout)


def test_the_page_needs_nothing_from_the_network(tmp_path: Path) -> None:
    page = make_page(tmp_path)[0].read_text(encoding="utf-8")
    assert "<script" not in page and "<link" not in page and "@import" not in page
    references = re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', page)
    assert all(ref.startswith("#") for ref in references)  # only the SVGs' own ids
    assert "url(http" not in page


def test_a_real_browser_renders_the_charts_and_the_numbers(tmp_path: Path) -> None:
    page, doc = make_page(tmp_path)
    dom = dump_dom(page, tmp_path / "profile")
    assert dom.count("<svg") == 3  # migrated and remaining, per day, per reason
    for label in ("Migrated and remaining", "Users migrated per day", "Rejected sign-ins per reason"):
        assert label in dom
    (day,) = doc["daily"]  # type: ignore[misc]
    assert f"<td>{day['date']}</td>" in dom  # type: ignore[index]
    rows = re.findall(r"<tr><td>(\w+)</td><td class=\"n\">(\d+)</td></tr>", dom)
    assert dict(rows) == {"wrong_password": "2", "throttled": "1", "unknown_user": "1"}
    assert re.search(r"<b>1</b>migrated \(exists in Cognito\)", dom)  # alice, whose sign-in Cognito confirmed
    assert re.search(r"<b>2</b>answered MIGRATED by the trigger", dom)  # alice and bob
    png = screenshot(page, tmp_path / "profile-2", tmp_path / "shot.png")
    with Image.open(png) as image:
        colours = {colour for _, colour in image.convert("RGB").getcolors(maxcolors=1 << 20) or []}
    assert BAR_GREEN in colours and BAR_RED in colours  # the bars were drawn, not only the text


def test_the_per_day_chart_keeps_the_dates_in_order() -> None:
    days = [("2026-11-01", 5), ("2026-11-02", 40), ("2026-11-03", 0), ("2026-11-04", 12)]
    svg = series_chart("per day", days)
    positions = [svg.index(date) for date, _ in days]
    assert positions == sorted(positions)  # not sorted by value, as the bar chart is


def test_without_the_report_extra_the_error_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write_config(tmp_path)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # as if matplotlib were not installed
    result = runner.invoke(app, ["status", "--config", str(config), "--html", str(tmp_path / "x.html")])
    assert result.exit_code == 2
    assert "pip install 'cognito-migrate[report]'" in result.stderr.replace("\n", "")
    assert not (tmp_path / "x.html").exists()

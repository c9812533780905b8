"""``audit --html``: a self-contained page that a real browser renders with its charts."""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING

from PIL import Image
from typer.testing import CliRunner

from cognito_migrate.cli.app import app
from tests.browser import dump_dom, screenshot
from tests.cli.test_audit import write_config

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

runner = CliRunner()
BAR_BLUE = (0x3B, 0x6E, 0xA5)  # report/charts.py: schemes and costs
BAR_RED = (0xC0, 0x39, 0x2B)  # problems


def make_report(tmp_path: Path) -> Path:
    out = tmp_path / "audit.html"
    result = runner.invoke(app, ["audit", "-c", str(write_config(tmp_path)), "--html", str(out)])
    assert result.exit_code == 1, result.output
    assert f"HTML report: {out}" in result.output.replace("\n", "")
    return out


def test_the_report_needs_nothing_from_the_network(tmp_path: Path) -> None:
    page = make_report(tmp_path).read_text(encoding="utf-8")
    assert "<script" not in page and "<link" not in page and "@import" not in page
    references = re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', page)
    assert references and all(ref.startswith("#") for ref in references)  # only the SVGs' own ids
    assert "url(http" not in page


def test_a_real_browser_renders_the_charts(tmp_path: Path) -> None:
    report = make_report(tmp_path)
    dom = dump_dom(report, tmp_path / "profile")
    assert dom.count("<svg") == 3  # schemes, costs, problems
    for label in ("Rows per hash scheme", "Rows per cost", "Users per problem", "aspnet_identity_v3", "case_collision"):
        assert label in dom
    png = screenshot(report, tmp_path / "profile-2", tmp_path / "shot.png")
    with Image.open(png) as image:
        colours = {colour for _, colour in image.convert("RGB").getcolors(maxcolors=1 << 20) or []}
    assert BAR_BLUE in colours and BAR_RED in colours  # the bars were drawn, not only the text


def test_without_the_report_extra_the_error_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # as if matplotlib were not installed
    result = runner.invoke(app, ["audit", "-c", str(write_config(tmp_path)), "--html", str(tmp_path / "x.html")])
    assert result.exit_code == 2
    assert "pip install 'cognito-migrate[report]'" in result.stderr.replace("\n", "")
    assert not (tmp_path / "x.html").exists()

"""A real headless Chromium (Debian's ``chromium``, installed by .ci/run) for tests of HTML reports.

Each call uses a fresh profile directory and every flag that keeps the browser off the network
(no component updates, no background networking, no sync, no QUIC), so a page that renders here
rendered from its own bytes.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def chromium() -> str:
    """The browser's path, or skip with the reason (on a laptop without it; .ci/run installs it)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("chromium is not installed: apt-get install chromium (.ci/run does)")
    return path


def _run(page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [chromium(), *FLAGS, f"--user-data-dir={profile}", *args, page.resolve().as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True)


def dump_dom(page: Path, profile: Path) -> str:
    """The DOM after the page loaded (scripts run), serialized."""
    return _run(page, profile, "--dump-dom").stdout


def screenshot(page: Path, profile: Path, out: Path, *, width: int = 1100, height: int = 2400) -> Path:
    """A PNG of the rendered page."""
    _run(page, profile, f"--screenshot={out}", f"--window-size={width},{height}")
    return out

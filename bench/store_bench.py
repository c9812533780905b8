"""What the store benches share: the CPU time of an import in a fresh process (what a module adds to a cold
start), and printing their side-by-side results."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

_SRC = Path(__file__).resolve().parent.parent / "src"
_IMPORT = "import time; t=time.process_time(); import {mods}; print((time.process_time() - t) * 1000)"


def import_ms(mods: str) -> float:
    """Milliseconds of CPU that ``import {mods}`` takes in a new interpreter (this checkout's ``src`` first)."""
    out = subprocess.run(
        [sys.executable, "-c", _IMPORT.format(mods=mods)],
        capture_output=True, text=True, check=True, env={"PYTHONPATH": str(_SRC)},
    )  # fmt: skip
    return float(out.stdout)


def report(result: dict[str, dict[str, dict[str, Any]]], *, as_json: bool) -> None:
    """Print ``section -> side -> {median, min}`` as one JSON line or as aligned rows."""
    if as_json:
        sys.stdout.write(json.dumps(result) + "\n")
        return
    for section, rows in result.items():
        print(section)
        for name, stats in rows.items():
            print(f"  {name:24} median {stats['median']:7.2f}  min {stats['min']:7.2f}")

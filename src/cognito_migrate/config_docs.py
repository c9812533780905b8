"""Generate the key tables of docs/configuration.md from the schema in :mod:`cognito_migrate.config`.

The page's prose is written by hand; each ``<!-- keys: SECTION -->`` ... ``<!-- /keys -->`` block holds the
generated table of one section (``<!-- keys: environment -->`` holds the environment variables), so the
tables cannot drift from the code. ``python -m cognito_migrate.config_docs`` rewrites the blocks;
``--check`` exits 1 when the page is stale or a section has no block (a unit test does the same).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cognito_migrate.config import Settings
from cognito_migrate.config_schema import CONFIG_ENV, Key, Nested, Section, env_name, walk

PAGE = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"
_BLOCK = re.compile(r"(<!-- keys: ([\w.]+) -->\n)(.*?)(<!-- /keys -->)", re.DOTALL)


def sections() -> dict[str, type[Section]]:
    """Every table of the configuration that has keys of its own, by dotted name (``pool.password_policy``
    is documented inside ``pool``)."""
    return {name: key.kind.section for name, key in Settings.keys.items() if isinstance(key.kind, Nested)}


def default_text(key: Key[Any]) -> str:
    """The default as the docs show it: TOML-like, or the declaration's ``shown`` text."""
    if key.shown is not None:
        return key.shown
    if key.required:
        return "required"
    value = key.default
    if value is None:
        return "none"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, frozenset):
        value = sorted(value)
    if isinstance(value, tuple):
        value = list(value)
    if isinstance(value, Mapping):
        value = dict(value)
    return f"`{json.dumps(value)}`"


def section_table(section: type[Section]) -> str:
    rows = ["| key | default | meaning |", "|---|---|---|"]
    for path, key in walk(section):
        if isinstance(key.kind, Nested):
            continue
        rows.append(f"| `{'.'.join(path)}` | {default_text(key)} | {key.doc} |")
    return "\n".join(rows) + "\n"


def environment_table() -> str:
    rows = ["| variable | key |", "|---|---|", f"| `{CONFIG_ENV}` | the configuration file |"]
    for path, key in walk(Settings):
        if key.kind.has_env:
            rows.append(f"| `{env_name(path)}` | `{'.'.join(path)}` |")
    return "\n".join(rows) + "\n"


def render(page: str) -> str:
    """``page`` with every generated block rewritten; ValueError names a section without its block."""
    tables = {name: section_table(section) for name, section in sections().items()}
    tables["environment"] = environment_table()
    missing = [name for name in tables if f"<!-- keys: {name} -->" not in page]
    if missing:
        raise ValueError(f"docs/configuration.md has no block for: {', '.join(missing)} (add <!-- keys: NAME -->)")

    def block(match: re.Match[str]) -> str:
        name = match.group(2)
        if name not in tables:
            raise ValueError(f"docs/configuration.md has a block for {name!r}, which is not a section")
        return f"{match.group(1)}{tables[name]}{match.group(4)}"

    return _BLOCK.sub(block, page)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[args.index("--output") + 1]) if "--output" in args else PAGE
    current = target.read_text(encoding="utf-8")
    wanted = render(current)
    if "--check" in args:
        if current != wanted:
            print(f"{target} is stale: run python -m cognito_migrate.config_docs", file=sys.stderr)
            return 1
        return 0
    target.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

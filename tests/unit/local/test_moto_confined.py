"""moto is reached through one adapter module: a moto upgrade is checked in one place (issue 11, §8)."""

import ast
from pathlib import Path

import cognito_migrate.local

LOCAL = Path(cognito_migrate.local.__file__).parent
ADAPTER = "backend.py"


def _imports_moto(path: Path) -> list[int]:
    """The lines of ``path`` that import moto, anywhere (module level, functions, TYPE_CHECKING blocks)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        if any(name == "moto" or name.startswith("moto.") for name in names):
            lines.append(node.lineno)
    return lines


def test_only_the_adapter_imports_moto() -> None:
    offenders = {
        path.name: lines
        for path in sorted(LOCAL.glob("**/*.py"))
        if path.name != ADAPTER and (lines := _imports_moto(path))
    }
    assert offenders == {}


def test_the_scan_sees_the_adapters_imports() -> None:
    """The scan can fail: it finds the adapter's own (function-level) imports of moto."""
    assert len(_imports_moto(LOCAL / ADAPTER)) >= 4

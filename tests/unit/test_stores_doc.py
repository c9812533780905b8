"""docs/stores.md gives every store type a complete configuration example, and every example loads: a key
renamed in the code without its doc fails here, not in a reader's ``config validate``."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from cognito_migrate.config import settings_from_mapping
from cognito_migrate.stores import STORE_TYPES

DOC = (Path(__file__).resolve().parents[2] / "docs" / "stores.md").read_text(encoding="utf-8")
EXAMPLES = [tomllib.loads(block) for block in re.findall(r"^```toml\n(.*?)^```", DOC, flags=re.M | re.S)]
ENVIRON = {"FIREBASE_SIGNER_KEY": "signer-key"}  # the Firebase example's env: reference


def _merged(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        old = merged.get(key)
        merged[key] = _merged(old, value) if isinstance(old, dict) and isinstance(value, dict) else value
    return merged


def _loadable() -> list[tuple[str, dict[str, Any]]]:
    """Each complete example, and each fragment (no ``[store] type``) added to the complete one before it."""
    out: list[tuple[str, dict[str, Any]]] = []
    last: dict[str, Any] = {}
    for example in EXAMPLES:
        if "type" in example.get("store", {}):
            last = example
        whole = example if example is last or not last else _merged(last, example)
        out.append((f"{len(out)}-{whole.get('store', {}).get('type')}", whole))
    return out


def test_every_store_type_has_a_complete_example() -> None:
    assert {e["store"]["type"] for e in EXAMPLES if "type" in e.get("store", {})} == set(STORE_TYPES)


@pytest.mark.parametrize("example", [e for _, e in _loadable()], ids=[name for name, _ in _loadable()])
def test_every_example_loads(example: dict[str, Any]) -> None:
    settings_from_mapping(example, environ=ENVIRON)  # raises ConfigError naming the key and the problem

"""Legacy user stores. ``base`` holds the contract and the shared flow; each backend is a leaf module
imported only when ``[store] type`` names it (``wiring.build_store`` maps each type to its builder)."""

from __future__ import annotations

from typing import Final

STORE_TYPES: Final = ("sql",)
"""The values ``[store] type`` accepts: one per backend module under ``stores/``."""

"""Typed access to one table of a configuration document; every failure names the full key."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cognito_migrate.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Mapping


class TableReader:
    """Typed access to one table of the document; every failure names the full key."""

    def __init__(self, data: Mapping[str, Any], prefix: str = "") -> None:
        self.data = data
        self.prefix = prefix

    def key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def only(self, allowed: tuple[str, ...]) -> None:
        for name in self.data:
            if name not in allowed:
                raise ConfigError(self.key(name), f"unknown key; expected one of {', '.join(allowed)}")

    def section(self, name: str, *, required: bool = False) -> TableReader:
        value = self.data.get(name)
        if value is None:
            if required:
                raise ConfigError(self.key(name), "required table is missing")
            value = {}
        if not isinstance(value, dict):
            raise ConfigError(self.key(name), "expected a table")
        return TableReader(value, f"{self.key(name)}.")

    def _get(self, name: str, kind: type | tuple[type, ...], what: str, default: Any, *, required: bool = False) -> Any:
        if name not in self.data or self.data[name] is None:
            if required:
                raise ConfigError(self.key(name), f"required; expected {what}")
            return default
        value = self.data[name]
        if isinstance(value, bool) and kind is not bool:
            raise ConfigError(self.key(name), f"expected {what}, got a boolean")
        if not isinstance(value, kind):
            raise ConfigError(self.key(name), f"expected {what}, got {type(value).__name__}")
        return value

    def string(self, name: str, *, default: str = "", required: bool = False) -> str:
        value: str = self._get(name, str, "a string", default, required=required)
        if required and not value.strip():
            raise ConfigError(self.key(name), "must not be empty")
        return value

    def optional_string(self, name: str) -> str | None:
        value: str | None = self._get(name, str, "a string", None)
        return value

    def boolean(self, name: str, *, default: bool) -> bool:
        value: bool = self._get(name, bool, "true or false", default)
        return value

    def integer(self, name: str, *, default: int, minimum: int, maximum: int) -> int:
        value: int = self._get(name, int, "an integer", default)
        if not minimum <= value <= maximum:
            raise ConfigError(self.key(name), f"expected an integer from {minimum} to {maximum}, got {value}")
        return value

    def number(self, name: str, *, default: float, minimum: float, maximum: float) -> float:
        value = float(self._get(name, (int, float), "a number", default))
        if not minimum <= value <= maximum:
            raise ConfigError(self.key(name), f"expected a number from {minimum} to {maximum}, got {value}")
        return value

    def choice(self, name: str, allowed: tuple[str, ...], *, default: str) -> str:
        value = self.string(name, default=default)
        return self._check_choice(name, value, allowed)

    def optional_choice(self, name: str, allowed: tuple[str, ...]) -> str | None:
        value = self.optional_string(name)
        return None if value is None else self._check_choice(name, value, allowed)

    def _check_choice(self, name: str, value: str, allowed: tuple[str, ...]) -> str:
        if value not in allowed:
            raise ConfigError(self.key(name), f"expected one of {', '.join(allowed)}, got {value!r}")
        return value

    def string_list(self, name: str, *, allowed: tuple[str, ...]) -> tuple[str, ...]:
        value = self._get(name, list, "a list of strings", [])
        out: list[str] = []
        for item in value:
            if not isinstance(item, str):
                raise ConfigError(self.key(name), "expected a list of strings")
            self._check_choice(name, item, allowed)
            if item not in out:
                out.append(item)
        return tuple(out)

    def table(self, name: str) -> dict[str, Any]:
        value: dict[str, Any] = self._get(name, dict, "a table", {})
        return dict(value)

    def string_table(self, name: str) -> dict[str, str]:
        value = self.table(name)
        for key, item in value.items():
            if not isinstance(item, str) or not item:
                raise ConfigError(self.key(f"{name}.{key}"), "expected a non-empty string")
        return value

"""The machinery of the configuration schema: a key is declared once, and that declaration drives everything.

A configuration section is a :class:`Section` subclass whose attributes are :class:`Key` declarations::

    class StoreSettings(Section):
        url = Key(TEXT, "", "where the users are", required=True)
        query_timeout = Key(Number(0.05, 4), 2.0, "seconds per statement")

One declaration gives the key its type (the :class:`Kind` reads and checks a TOML value, and converts the
text of its ``COGNITO_MIGRATE_<SECTION>_<KEY>`` environment variable), its default, an optional ``check``
(a function returning a problem or None), and the line of the generated docs/configuration.md. Reading an
instance attribute returns the typed value (``settings.store.query_timeout`` is a ``float`` for mypy too).
Checks that involve several keys of a section live in its :meth:`Section.problems`.

Loading never stops at the first problem: :func:`read` collects every problem of a document and raises one
:class:`~cognito_migrate.errors.ConfigError` that lists them all.

How to add a configuration key (the whole recipe):

1. declare it in its section in ``config.py`` (a new section: a new :class:`Section` subclass, and a
   ``Key(Nested(NewSettings), NewSettings(), "...")`` in its parent);
2. its environment variable exists at once (tables have none); cross-key rules go in ``problems()``;
3. run ``python -m cognito_migrate.config_docs`` to regenerate the key tables of docs/configuration.md
   (a new section needs a ``<!-- keys: name -->`` marker there; a unit test fails until the page is current);
4. read it in ``wiring.py``, the one place that turns settings into objects.

Plain classes with ``__slots__``, no dataclasses: this module is on the trigger's cold path, where importing
``dataclasses`` costs about 7 ms (BENCHMARKS.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Final, Generic, TypeVar, overload

from cognito_migrate.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Self

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

CONFIG_ENV: Final = "COGNITO_MIGRATE_CONFIG"
ENV_PREFIX: Final = "COGNITO_MIGRATE_"

Problem = tuple[str, str]  # (the full key or variable, what is wrong)


# ---------------------------------------------------------------------------------------------- kinds


class Kind(Generic[T_co]):
    """How a key's value is read: from the document (:meth:`read`) and from an env variable (:meth:`from_env`).

    ``read`` raises :class:`ConfigError` naming ``key`` (or a key under it, for tables); ``from_env`` returns a
    document value, or raises naming the variable. ``what`` is the expected value, for messages and the docs.
    By default a value is accepted when it is an instance of ``python_type``.
    """

    what = "a value"
    python_type: type | tuple[type, ...] = object
    has_env = True

    def read(self, value: object, key: str) -> T_co:
        checked: T_co = self._expect(value, self.python_type, key)
        return checked

    def from_env(self, text: str, variable: str) -> object:
        return text

    def _expect(self, value: object, kind: type | tuple[type, ...], key: str) -> Any:
        if isinstance(value, bool) and kind is not bool:
            raise ConfigError(key, f"expected {self.what}, got a boolean")
        if not isinstance(value, kind):
            raise ConfigError(key, f"expected {self.what}, got {type(value).__name__}")
        return value


class Text(Kind[str]):
    what = "a string"
    python_type = str


L = TypeVar("L", bound=str)


class Choice(Kind[L]):
    """One of a fixed list of strings (typed as their ``Literal`` when the options tuple is declared so)."""

    python_type = str

    def __init__(self, options: tuple[L, ...]) -> None:
        self.options = options
        self.what = "one of " + ", ".join(options)

    def read(self, value: object, key: str) -> L:
        text = super().read(value, key)
        if text not in self.options:
            raise ConfigError(key, f"expected {self.what}, got {text!r}")
        return text


class Flag(Kind[bool]):
    what = "true or false"
    python_type = bool

    def from_env(self, text: str, variable: str) -> object:
        if text.strip().lower() not in ("true", "false"):
            raise ConfigError(variable, "expected true or false")
        return text.strip().lower() == "true"


class Whole(Kind[int]):
    """An integer within bounds."""

    python_type = int

    def __init__(self, minimum: int, maximum: int) -> None:
        self.minimum, self.maximum = minimum, maximum
        self.what = f"an integer from {minimum} to {maximum}"

    def read(self, value: object, key: str) -> int:
        number = super().read(value, key)
        if not self.minimum <= number <= self.maximum:
            raise ConfigError(key, f"expected {self.what}, got {number}")
        return number

    def from_env(self, text: str, variable: str) -> object:
        if not re.fullmatch(r"[0-9]+", text.strip()):
            raise ConfigError(variable, "expected a whole number")
        return int(text.strip())


class Number(Kind[float]):
    """A number (integer or decimal) within bounds, read as a float."""

    def __init__(self, minimum: float, maximum: float) -> None:
        self.minimum, self.maximum = minimum, maximum
        self.what = f"a number from {minimum} to {maximum}"

    def read(self, value: object, key: str) -> float:
        number = float(self._expect(value, (int, float), key))
        if not self.minimum <= number <= self.maximum:
            raise ConfigError(key, f"expected {self.what}, got {number}")
        return number

    def from_env(self, text: str, variable: str) -> object:
        if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", text.strip()):
            raise ConfigError(variable, "expected a number")
        return float(text)


class Names(Kind[tuple[str, ...]]):
    """A list of names from a fixed set, duplicates dropped; from the environment, comma-separated or JSON."""

    def __init__(self, options: tuple[str, ...]) -> None:
        self.item = Choice(options)
        self.what = "a list of " + ", ".join(options)

    def read(self, value: object, key: str) -> tuple[str, ...]:
        items: list[object] = self._expect(value, list, key)
        return tuple(dict.fromkeys(self.item.read(item, key) for item in items))

    def from_env(self, text: str, variable: str) -> object:
        text = text.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                value = None
            if isinstance(value, list):
                return [str(v) for v in value]
        return [part.strip() for part in text.split(",") if part.strip()]


class NameSet(Kind[frozenset[str]]):
    """:class:`Names` as a set (the order carries no meaning)."""

    def __init__(self, options: tuple[str, ...]) -> None:
        self._names = Names(options)
        self.what = self._names.what

    def read(self, value: object, key: str) -> frozenset[str]:
        return frozenset(self._names.read(value, key))

    def from_env(self, text: str, variable: str) -> object:
        return self._names.from_env(text, variable)


class Table(Kind[Mapping[str, T]]):
    """A table of free keys (checked by ``check_item``, which raises naming the item's key); no env variable."""

    has_env = False
    what = "a table"

    def __init__(self, item: Kind[T], check_item: Callable[[str, T, str], None] | None = None) -> None:
        self.item = item
        self.check_item = check_item
        self.what = f"a table of {item.what.removeprefix('a ').removeprefix('an ')}s"

    def read(self, value: object, key: str) -> Mapping[str, T]:
        from types import MappingProxyType

        table: dict[str, object] = self._expect(value, dict, key)
        out: dict[str, T] = {}
        for name, item in table.items():
            out[name] = self.item.read(item, f"{key}.{name}")
            if self.check_item is not None:
                self.check_item(name, out[name], f"{key}.{name}")
        return MappingProxyType(out)


class Anything(Kind[object]):
    """Any TOML value (for tables whose items a section-level check validates: scheme parameters)."""


class NonEmptyText(Kind[str]):
    """A string that is not empty (a column name)."""

    what = "a non-empty string"

    def read(self, value: object, key: str) -> str:
        if not isinstance(value, str) or not value:
            raise ConfigError(key, "expected a non-empty string")
        return value


TEXT: Final = Text()
FLAG: Final = Flag()


# ----------------------------------------------------------------------------------------------- keys


class Key(Generic[T]):
    """One configuration key: its kind, default, documentation line and optional check (see the module doc).

    ``shown`` replaces the default in the docs when the value alone would mislead (``"the preset's"``);
    ``check`` returns a problem (a sentence) or None and runs on a present value after its kind accepted it.
    """

    __slots__ = ("check", "default", "doc", "kind", "name", "required", "shown")

    def __init__(
        self,
        kind: Kind[T],
        default: T,
        doc: str,
        *,
        shown: str | None = None,
        check: Callable[[Any], str | None] | None = None,
        required: bool = False,
    ) -> None:
        self.kind = kind
        self.default = default
        self.doc = doc
        self.shown = shown
        self.check = check
        self.required = required
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type) -> Key[T]: ...
    @overload
    def __get__(self, instance: Section, owner: type) -> T: ...
    def __get__(self, instance: Section | None, owner: type) -> Key[T] | T:
        if instance is None:
            return self
        value: T = instance._values[self.name]
        return value


class Section:
    """A table of the configuration: its keys are the :class:`Key` attributes, in declaration order.

    Instances are immutable values; build them with keyword arguments (defaults fill the rest) or
    :func:`read`, and change one with ``_replace`` (named as on a NamedTuple).
    """

    __slots__ = ("_values",)
    keys: ClassVar[dict[str, Key[Any]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.keys = {name: value for name, value in vars(cls).items() if isinstance(value, Key)}

    def __init__(self, **values: Any) -> None:
        unknown = set(values) - set(self.keys)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no key {', '.join(sorted(unknown))}")
        self._values = {name: values.get(name, key.default) for name, key in self.keys.items()}

    def _replace(self, **changes: Any) -> Self:
        """A copy with some keys changed."""
        return type(self)(**{**self._values, **changes})

    def problems(self) -> Iterator[Problem]:
        """Rules between keys of this section, as (key relative to the section, problem); none by default.

        Runs only when every key of the section was read without a problem.
        """
        return iter(())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Section) and type(other) is type(self) and self._values == other._values

    __hash__ = None  # type: ignore[assignment]  # a value with tables inside: not hashable

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self._values.items())})"


S = TypeVar("S", bound=Section)


class Nested(Kind[S]):
    """A sub-table that is itself a :class:`Section` (``[pool.password_policy]``)."""

    has_env = False
    what = "a table"

    def __init__(self, section: type[S]) -> None:
        self.section = section


# -------------------------------------------------------------------------------------------- reading


def _unknown(section: type[Section], name: str, prefix: str) -> str:
    """The problem of an unknown key; when a sub-table of this section has a key of that name (``bind_dn``
    written under ``[store]`` for ``[store.ldap]``), where it belongs."""
    homes = [
        f"[{prefix}{table}]"
        for table, key in section.keys.items()
        if isinstance(key.kind, Nested) and name in key.kind.section.keys
    ]
    if homes:
        return f"unknown key here; it belongs in {' or '.join(homes)}"
    return f"unknown key; expected one of {', '.join(section.keys)}"


def read(section: type[S], data: Mapping[str, Any], problems: list[Problem], prefix: str = "") -> S | None:
    """Read ``data`` as ``section``, adding every problem found to ``problems``; None when any key failed."""
    for name in data:
        if name not in section.keys:
            problems.append((prefix + name, _unknown(section, name, prefix)))
    values: dict[str, Any] = {}
    ok = True
    for name, key in section.keys.items():
        full = prefix + name
        raw = data.get(name)
        if isinstance(key.kind, Nested):
            if raw is None and key.required:
                problems.append((full, "required table is missing"))
                ok = False
                continue
            if raw is not None and not isinstance(raw, dict):
                problems.append((full, "expected a table"))
                ok = False
                continue
            sub = read(key.kind.section, raw or {}, problems, f"{full}.")
            ok = ok and sub is not None
            values[name] = sub
            continue
        if raw is None:
            if key.required:
                problems.append((full, f"required; expected {key.kind.what}"))
                ok = False
            continue
        try:
            value = key.kind.read(raw, full)
        except ConfigError as exc:
            problems.append((exc.key, exc.problem))
            ok = False
            continue
        problem = key.check(value) if key.check is not None else None
        if problem is not None:
            problems.append((full, problem))
            ok = False
        values[name] = value
    if not ok:
        return None
    built = section(**values)
    problems.extend((prefix + key, problem) for key, problem in built.problems())
    return built


def walk(section: type[Section], path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Key[Any]]]:
    """Every key under ``section`` with its path, depth first in declaration order (docs and env names)."""
    for name, key in section.keys.items():
        yield (*path, name), key
        if isinstance(key.kind, Nested):
            yield from walk(key.kind.section, (*path, name))


def env_name(path: tuple[str, ...]) -> str:
    """``("pool", "case_sensitive")`` -> ``COGNITO_MIGRATE_POOL_CASE_SENSITIVE``."""
    return ENV_PREFIX + "_".join(path).upper()


def env_keys(section: type[Section]) -> dict[str, tuple[tuple[str, ...], Key[Any]]]:
    """Every environment variable that overrides one key, with that key."""
    return {env_name(path): (path, key) for path, key in walk(section) if key.kind.has_env}


def apply_env(
    section: type[Section], document: Mapping[str, Any], environ: Mapping[str, str], problems: list[Problem]
) -> dict[str, Any]:
    """A copy of ``document`` with every ``COGNITO_MIGRATE_*`` override applied; unknown variables are problems."""
    data = _deep_copy(document)
    variables = env_keys(section)
    for name in environ:
        if name.startswith(ENV_PREFIX) and name != CONFIG_ENV and name not in variables:
            problems.append((name, "unknown override; see docs/configuration.md for the variables"))
    for name, (path, key) in variables.items():
        raw = environ.get(name)
        if raw is None:
            continue
        try:
            value = key.kind.from_env(raw, name)
        except ConfigError as exc:
            problems.append((exc.key, exc.problem))
            continue
        target = data
        for part in path[:-1]:
            nxt = target.setdefault(part, {})
            if not isinstance(nxt, dict):
                problems.append((".".join(path), "cannot override: the file does not hold a table there"))
                break
            target = nxt
        else:
            target[path[-1]] = value
    return data


def _deep_copy(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _deep_copy(v) if isinstance(v, dict) else v for k, v in data.items()}

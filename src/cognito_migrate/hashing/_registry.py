"""The lazy loader: a scheme's implementation is imported the first time the scheme is used.

The catalogue (``_catalogue.py``) says which module under ``cognito_migrate.hashing.schemes`` implements each
scheme id; that module declares one :class:`~cognito_migrate.hashing._core.Scheme` per id in its
``IMPLEMENTATIONS``. Nothing here imports bcrypt, argon2 or cryptography until a scheme needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from cognito_migrate.hashing._catalogue import SCHEMES
from cognito_migrate.hashing._core import Scheme, Unsupported

if TYPE_CHECKING:
    from types import ModuleType

_PACKAGE = "cognito_migrate.hashing.schemes"

_loaded: dict[str, Scheme] = {}


class SchemeContractError(LookupError):
    """A scheme module does not implement what the catalogue says it does: a bug, never a row's fault.

    Raised, not turned into a verdict: the test that resolves every catalogue entry catches it first.
    """


def implementation(scheme: str) -> Scheme:
    """The implementation of a known scheme id, importing its module on first use.

    :class:`Unsupported` (with the ``pip install`` line) when the module's backend is missing here;
    :class:`SchemeContractError` when the module does not declare the scheme.
    """
    found = _loaded.get(scheme)
    if found is None:
        info = SCHEMES[scheme]
        for declared in _declared(_import(scheme, info.module, info.extra), info.module):
            _loaded[declared.id] = declared
        found = _loaded.get(scheme)
        if found is None:
            raise SchemeContractError(f"{_PACKAGE}.{info.module} declares no Scheme for {scheme!r}")
    return found


def _import(scheme: str, module: str, extra: str | None) -> ModuleType:
    try:
        return importlib.import_module(f"{_PACKAGE}.{module}")
    except ModuleNotFoundError as exc:
        hint = f" (pip install 'cognito-migrate[{extra}]')" if extra else ""
        raise Unsupported(f"{scheme}: backend {exc.name!r} is not installed{hint}") from None
    except ImportError:  # installed but broken (a compiled extension for another platform): not the row's fault
        raise Unsupported(f"{scheme}: backend of {module} failed to import") from None


def _declared(module: ModuleType, name: str) -> tuple[Scheme, ...]:
    """The module's ``IMPLEMENTATIONS``, checked against the catalogue: right type, and only its own ids."""
    declared = getattr(module, "IMPLEMENTATIONS", None)
    if not isinstance(declared, tuple) or not all(isinstance(s, Scheme) for s in declared):
        raise SchemeContractError(f"{_PACKAGE}.{name}.IMPLEMENTATIONS must be a tuple of Scheme")
    strays = [s.id for s in declared if s.id not in SCHEMES or SCHEMES[s.id].module != name]
    if strays:
        raise SchemeContractError(f"{_PACKAGE}.{name} declares schemes the catalogue puts elsewhere: {strays}")
    return declared

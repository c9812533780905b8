"""The scheme contract: every catalogue entry resolves to its module's Scheme object and round-trips.

A scheme is one :class:`~cognito_migrate.hashing._core.Scheme` declared in its module; the catalogue says which
module. These tests are where a misspelt, missing or misplaced implementation fails (never as a MALFORMED row).
"""

from __future__ import annotations

import pkgutil
from typing import Any

import pytest

from cognito_migrate import hashing
from cognito_migrate.hashing import SCHEMES, SchemeInfo, Verdict, check_detailed, create, identify
from cognito_migrate.hashing import schemes as schemes_package
from cognito_migrate.hashing._core import Scheme
from cognito_migrate.hashing._registry import SchemeContractError, implementation
from tests.unit.hashing.hashing_vectors import CHEAP, PARAMS, UNICODE, assert_verdict


def _libxcrypt_missing(scheme: str) -> bool:
    from cognito_migrate.hashing.schemes import yescrypt

    return scheme == "yescrypt" and not yescrypt.available()


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_every_catalogue_entry_resolves_to_its_own_scheme_object(scheme: str) -> None:
    """The module the catalogue names declares a Scheme with this id, with callables for verify and create."""
    found = implementation(scheme)
    assert isinstance(found, Scheme)
    assert scheme == found.id
    assert callable(found.verify)
    assert callable(found.create)


def test_every_scheme_module_is_in_the_catalogue_and_declares_only_its_ids() -> None:
    """No module implements a scheme the catalogue does not know, or one the catalogue puts in another module."""
    modules = {info.module for info in SCHEMES.values()}
    assert {m.name for m in pkgutil.iter_modules(schemes_package.__path__)} == modules
    for module in modules:
        ids = {info.id for info in SCHEMES.values() if info.module == module}
        declared = __import__(f"cognito_migrate.hashing.schemes.{module}", fromlist=["IMPLEMENTATIONS"])
        assert ids == {s.id for s in declared.IMPLEMENTATIONS}, module


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_every_scheme_round_trips(scheme: str) -> None:
    """create() writes a value that verifies the right password, refuses a wrong one, and identifies as itself."""
    if _libxcrypt_missing(scheme):
        pytest.skip("libxcrypt is not installed here")
    params = PARAMS.get(scheme)
    stored = create(scheme, UNICODE, cost=CHEAP.get(scheme), params=params)
    assert_verdict(Verdict.MATCH, UNICODE, stored, scheme=scheme, params=params)
    assert_verdict(Verdict.MISMATCH, "x" + UNICODE, stored, scheme=scheme, params=params)  # DES reads 8 chars
    assert_verdict(Verdict.MISMATCH, "", stored, scheme=scheme, params=params)
    if SCHEMES[scheme].self_describing:
        assert scheme == identify(stored)
        assert_verdict(Verdict.MATCH, UNICODE, stored, params=params)
    else:
        assert identify(stored) != scheme


def test_identify_tables_come_from_the_catalogue() -> None:
    """Every prefix a catalogue entry declares identifies that entry (prefixes are not written twice)."""
    for info in SCHEMES.values():
        for prefix in info.prefixes:
            assert info.id == identify(prefix + "x" * 60), prefix
            if info.prefixes_any_case:
                assert info.id == identify(prefix.lower() + "x" * 60), prefix


def _catalogue_with(monkeypatch: pytest.MonkeyPatch, info: SchemeInfo) -> None:
    from cognito_migrate.hashing import _registry

    fake: dict[str, Any] = {**SCHEMES, info.id: info}
    monkeypatch.setattr(_registry, "SCHEMES", fake)
    monkeypatch.setattr(hashing, "SCHEMES", fake)
    monkeypatch.setattr(_registry, "_loaded", {})


def test_a_catalogue_entry_its_module_does_not_declare_is_a_contract_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A misspelt scheme id or a forgotten Scheme(...) raises, instead of calling every such row MALFORMED."""
    _catalogue_with(
        monkeypatch, SchemeInfo("bcrypt_misspelt", "A scheme its module does not declare.", "bcrypt_family")
    )
    with pytest.raises(SchemeContractError, match="bcrypt_misspelt"):
        check_detailed("pw", "$2b$04$" + "a" * 53, scheme="bcrypt_misspelt")


def test_a_module_declaring_a_scheme_the_catalogue_puts_elsewhere_is_a_contract_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The registry checks the module's declarations against the catalogue when it loads the module."""
    moved = SCHEMES["mysql41"]._replace(module="ldap")
    _catalogue_with(monkeypatch, moved)
    with pytest.raises(SchemeContractError, match="mysql41"):
        implementation("mysql41")
    with pytest.raises(SchemeContractError, match="elsewhere"):
        implementation("mysql323")


def test_create_of_an_unknown_scheme_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown scheme id"):
        create("no_such_scheme", "x")

"""One error tree, grouped by what a caller does; the old import places of moved errors keep working."""

from __future__ import annotations

import pytest

from cognito_migrate import errors


@pytest.mark.parametrize(
    ("error", "group"),
    [
        (errors.EventError, errors.RejectError),
        (errors.RefusedInputError, errors.EventError),
        (errors.LedgerUnavailableError, errors.OutageError),
        (errors.MalformedRecordError, errors.RejectError),
        (errors.CaseMismatchError, errors.MappingError),
        (errors.MappingError, errors.RejectError),
        (errors.LegacyUnavailableError, errors.OutageError),
        (errors.SecretResolutionError, errors.OutageError),
        (errors.ConfigError, errors.SetupError),
        (errors.BackendNotAvailableError, errors.SetupError),
        (errors.DummyCostError, errors.SetupError),
        (errors.PackagingError, errors.UsageError),
        (errors.StoreCapabilityError, errors.UsageError),
    ],
)
def test_every_error_belongs_to_the_group_that_says_what_to_do(error: type, group: type) -> None:
    assert issubclass(error, group)


def test_every_error_the_package_defines_descends_from_the_one_base() -> None:
    defined = [v for v in vars(errors).values() if isinstance(v, type) and issubclass(v, BaseException)]
    assert len(defined) > 10
    assert all(issubclass(e, errors.CognitoMigrateError) for e in defined)


def test_the_old_import_places_still_work() -> None:
    from cognito_migrate.deploy.packaging import PackagingError
    from cognito_migrate.handler import TriggerFailure
    from cognito_migrate.mapping.identity import CaseMismatchError
    from cognito_migrate.verifier import DummyCostError

    assert (PackagingError, TriggerFailure, CaseMismatchError, DummyCostError) == (
        errors.PackagingError, errors.TriggerFailure, errors.CaseMismatchError, errors.DummyCostError
    )  # fmt: skip


def test_a_config_error_lists_every_problem_and_names_the_file() -> None:
    error = errors.ConfigError.of([("store.url", "required"), ("pool.x", "unknown key")], source="/etc/c.toml")
    assert (error.key, error.problem) == ("store.url", "required")
    assert str(error) == "2 problems in /etc/c.toml:\n  store.url: required\n  pool.x: unknown key"
    assert str(errors.ConfigError.of([("store.url", "required")])) == "store.url: required"


def test_a_credential_s_repr_shows_neither_the_hash_nor_its_params() -> None:
    from cognito_migrate.models import Credential, LegacyUser

    stored = "$2b$10$abcdefghijklmnopqrstuuWJ0a7rQ6vxQ0vB2f0lKqkZ8G2pQy1a"
    credential = Credential(stored, "bcrypt", {"pepper": "pepper-value-9", "salt": "salt-value-7"})
    for text in (repr(credential), repr(LegacyUser("alice", credential)), f"{credential}"):
        assert stored not in text
        assert "pepper-value-9" not in text
        assert "salt-value-7" not in text
    assert repr(credential) == f"Credential(stored=<{len(stored)} chars>, scheme='bcrypt', params=['pepper', 'salt'])"

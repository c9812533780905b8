"""What the configuration assumes about the pool, which the checks compare with the real pool.

The trigger runs its configuration file plus the ``COGNITO_MIGRATE_*`` variables of the function's own
environment, so the expectations are built from both when the function can be read
(:func:`resolve_expectations`); an override that makes the configuration invalid is itself a failed check.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cognito_migrate.deploy.doctor.results import CheckResult, Status

if TYPE_CHECKING:
    from cognito_migrate.config import Settings


@dataclass(frozen=True, slots=True)
class PoolExpectations:
    """What the configuration assumes about the pool; checks compare the real pool with it.

    ``None`` means the configuration does not say, and the check only reports what the pool has.
    ``attributes`` are the Cognito attribute names the mapping can return.
    """

    case_sensitive: bool | None = None
    username_attributes: tuple[str, ...] | None = None
    alias_attributes: tuple[str, ...] | None = None
    attributes: tuple[str, ...] = ()
    on_reject: str = "empty"
    password_policy: Mapping[str, Any] | None = None
    recovery: tuple[str, ...] | None = None
    groups: tuple[str, ...] = ()  # the Cognito groups ``[groups] map`` assigns


def expectations_from_settings(settings: Settings) -> PoolExpectations:
    """What a loaded configuration assumes about the pool: its ``[pool]``, mapping and ``on_reject``."""
    from cognito_migrate.wiring import build_password_policy, returned_attribute_names

    pool = settings.pool
    return PoolExpectations(
        case_sensitive=pool.case_sensitive,
        username_attributes=tuple(pool.username_attributes),
        alias_attributes=tuple(pool.alias_attributes),
        attributes=tuple(sorted(returned_attribute_names(settings))),
        on_reject=settings.trigger.on_reject,
        password_policy=build_password_policy(settings)._asdict(),
        recovery=tuple(pool.recovery),
        groups=tuple(sorted(set(settings.groups.map.values()))),
    )


#: Builds the expectations from the function's environment (its ``COGNITO_MIGRATE_*`` overrides), or from
#: None when the function could not be read; raises the configuration's error when they make it invalid.
ExpectationsFor = Callable[[Mapping[str, str] | None], PoolExpectations]


def resolve_expectations(
    expected: PoolExpectations | None, expectations_for: ExpectationsFor | None, environment: Mapping[str, str] | None
) -> tuple[PoolExpectations, list[CheckResult]]:
    """The expectations to compare with, and a note (or a failure) saying what they were built from.

    Without ``expectations_for`` they are ``expected`` (or empty ones); otherwise they are built from the
    function's ``environment``, falling back to the file alone when its overrides make it invalid.
    """
    if expectations_for is None:
        return expected or PoolExpectations(), []
    from cognito_migrate.errors import CognitoMigrateError

    overrides = sorted(
        k for k in environment or {} if k.startswith("COGNITO_MIGRATE_") and k != "COGNITO_MIGRATE_CONFIG"
    )
    try:
        built = expectations_for(environment)
    except CognitoMigrateError as exc:
        fallback = expectations_for(None)
        return fallback, [
            CheckResult(
                "function configuration",
                Status.FAIL,
                f"the function's COGNITO_MIGRATE_* variables make the configuration invalid: {exc}",
                fix="fix or remove the variable in the function's environment (every invocation fails closed)",
            )
        ]
    if environment is None:
        note = "the file alone (the function's environment could not be read)"
    elif overrides:
        note = f"the file with the function's overrides {', '.join(overrides)}"
    else:
        note = "the file (the function overrides none of it)"
    return built, [CheckResult("configuration compared", Status.INFO, note)]

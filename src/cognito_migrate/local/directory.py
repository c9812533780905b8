"""Finding and creating users the way Cognito does, on top of moto's user table (call with the lock held).

moto looks users up by exact user name (and exact email/phone in pools that use them as user names); it
ignores alias attributes and ``UsernameConfiguration.CaseSensitive``. Cognito matches the user name, then the username
attributes, then *verified* aliases, case-insensitively in case-insensitive pools.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cognito_migrate.local.backend import call_moto, status
from cognito_migrate.local.errors import CognitoError

if TYPE_CHECKING:
    from cognito_migrate.local.backend import MotoBackend, MotoPool, MotoUser
    from cognito_migrate.local.settings import PoolSettings
    from cognito_migrate.local.validation import MigrationPlan

_VERIFIED_BY = {"email": "email_verified", "phone_number": "phone_number_verified"}


def _verified(attributes: dict[str, str], alias: str) -> bool:
    flag = _VERIFIED_BY.get(alias)
    return flag is None or attributes.get(flag, "").lower() == "true"


def find_user(pool: MotoPool, settings: PoolSettings, name: str) -> MotoUser | None:
    """The user ``name`` designates: user name, username attribute, or verified alias."""
    if not name:
        return None
    user = pool.users.get(name)
    if user is not None:
        return user
    wanted = settings.fold(name)
    by_name = by_attribute = by_alias = None
    for candidate in pool.users.values():
        if by_name is None and not settings.case_sensitive and settings.fold(candidate.username) == wanted:
            by_name = candidate
        attributes = candidate.attribute_lookup
        for attribute in settings.username_attributes:
            value = attributes.get(attribute)
            if by_attribute is None and value is not None and settings.fold(value) == wanted:
                by_attribute = candidate
        for alias in settings.alias_attributes:
            value = attributes.get(alias)
            matches = value is not None and settings.fold(value) == wanted
            if by_alias is None and matches and _verified(attributes, alias):
                by_alias = candidate
    return by_name or by_attribute or by_alias


def _by_username(pool: MotoPool, settings: PoolSettings, name: str) -> MotoUser | None:
    user = pool.users.get(name)
    if user is not None or settings.case_sensitive:
        return user
    wanted = settings.fold(name)
    return next((c for c in pool.users.values() if settings.fold(c.username) == wanted), None)


def _alias_owner(pool: MotoPool, settings: PoolSettings, alias: str, value: str) -> MotoUser | None:
    wanted = settings.fold(value)
    for candidate in pool.users.values():
        attributes = candidate.attribute_lookup
        current = attributes.get(alias)
        if current is not None and settings.fold(current) == wanted and _verified(attributes, alias):
            return candidate
    return None


def create_user(
    backend: MotoBackend, pool: MotoPool, settings: PoolSettings, plan: MigrationPlan, password: str | None
) -> MotoUser:
    """Create the migrated user with the plan's attributes and status; alias conflicts fail unless forced.

    Every check runs before anything changes: a migration that fails (an alias conflict, a taken user name,
    an error from moto) leaves the pool exactly as it was, including the aliases of other users.
    """
    moved: list[tuple[Any, str]] = []  # (old owner, alias) that forceAliasCreation takes over
    for alias in settings.alias_attributes:
        value = plan.attributes.get(alias)
        if value is None or not _verified(plan.attributes, alias):
            continue
        owner = _alias_owner(pool, settings, alias, value)
        if owner is None:
            continue
        if not plan.force_alias_creation:
            raise CognitoError("AliasExistsException", f"An account with the given {alias} already exists.")
        moved.append((owner, alias))
    if not settings.username_attributes and _by_username(pool, settings, plan.username) is not None:
        raise CognitoError("UsernameExistsException", "User account already exists")
    attributes = [{"Name": name, "Value": value} for name, value in plan.attributes.items()]
    user = call_moto(backend.admin_create_user, pool.id, plan.username, "SUPPRESS", None, attributes)
    user.password = password
    user.status = status(plan.status)
    # forceAliasCreation: the alias moves to the new user; the old owner can no longer sign in with it.
    for owner, alias in moved:
        flag = _VERIFIED_BY.get(alias)
        if flag:
            owner.update_attributes([{"Name": flag, "Value": "false"}])
        else:
            owner.delete_attributes([alias])
    return user

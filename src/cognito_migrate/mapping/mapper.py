"""One legacy user -> the ``userAttributes`` map Cognito receives."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cognito_migrate.errors import MappingError
from cognito_migrate.mapping.attributes import MANAGED_ATTRIBUTES, check_name, to_value
from cognito_migrate.mapping.contact import normalize_email, normalize_phone

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cognito_migrate.mapping.identity import LoginField, UsernameModel
    from cognito_migrate.models import LegacyUser


def _column(profile: Mapping[str, Any], column: str, attribute: str) -> Any:
    """A profile column by name, ignoring case as the store's column roles do (PostgreSQL folds unquoted
    names to lower case)."""
    if column in profile:
        return profile[column]
    for key, value in profile.items():
        if key.lower() == column.lower():
            return value
    raise MappingError(attribute, f"the legacy record has no column {column!r}")


class AttributeMapper:
    """Maps profile columns to attributes (``mapping.attributes``), adds contact data and the username model.

    Attribute names are checked when the mapper is built, so a bad configuration fails at load time;
    values are checked per user, and a user whose row cannot be mapped fails closed with the attribute named.
    """

    def __init__(
        self, *, columns: Mapping[str, str], username_model: UsernameModel, default_phone_region: str | None = None
    ) -> None:
        for name in columns:
            check_name(name)
            if name in MANAGED_ATTRIBUTES:
                raise MappingError(name, "comes from the store's columns (store.columns), not from mapping.attributes")
        self._columns = dict(columns)
        self._model = username_model
        self._region = default_phone_region

    @property
    def attribute_names(self) -> frozenset[str]:
        """Every attribute this mapper can return (for schema checks by ``doctor`` and ``check``)."""
        return frozenset({*self._columns, "email", "email_verified", "phone_number", "phone_number_verified"})

    @property
    def username_model(self) -> UsernameModel:
        return self._model

    def map(self, user: LegacyUser, *, login: str, matched_by: LoginField) -> dict[str, str]:
        """The attributes for ``user``; :class:`MappingError` names the attribute that cannot be produced."""
        out: dict[str, str] = {}
        for name, column in self._columns.items():
            value = to_value(name, _column(user.profile, column, name))
            if value is not None:
                out[name] = value
        if user.email:
            out["email"] = normalize_email(user.email)
            out["email_verified"] = "true" if user.email_verified else "false"
        if user.phone_number:
            out["phone_number"] = normalize_phone(user.phone_number, self._region)
            out["phone_number_verified"] = "true" if user.phone_number_verified else "false"
        identity = self._model.identity_attributes(login=login, matched_by=matched_by, legacy_username=user.username)
        if "email" in identity and out.get("email", "").lower() != identity["email"].lower():
            raise MappingError("email", "differs from the e-mail address the user signed in with")
        if "phone_number" in identity and out.get("phone_number") != identity["phone_number"]:
            raise MappingError("phone_number", "differs from the phone number the user signed in with")
        out.update(identity)
        return out

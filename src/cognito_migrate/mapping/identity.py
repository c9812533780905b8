"""The pool's username model: how a typed sign-in name finds a legacy user, and what Cognito must get back.

Three pool shapes (Cognito "user pool attributes", sign-in options):

* plain usernames: the typed name is the legacy user name; the user is created under it.
* ``username_attributes = ["email"]`` (and/or ``phone_number``): the user signs in with an e-mail address
  (or phone number), Cognito generates the user name, and the returned ``email`` must equal the sign-in name.
* ``alias_attributes = ["email"]`` (and/or ``phone_number``): the user may type the legacy user name or
  the alias; a user who typed the alias is created under the legacy user name, returned as ``username``
  (Cognito allows it only in that case). Cognito refuses user names in e-mail format in such pools.
"""

from __future__ import annotations

from typing import Final, Literal, NamedTuple

from cognito_migrate.errors import MappingError
from cognito_migrate.mapping.contact import is_email, looks_like_phone

LoginField = Literal["username", "email", "phone_number"]
_LOGIN_ATTRIBUTES: Final = ("email", "phone_number")


class CaseMismatchError(MappingError):
    """A case-sensitive pool would create a second user for a differently typed name."""


class UsernameModel(NamedTuple):
    """``[pool]`` username settings, and the rules that follow from them."""

    username_attributes: tuple[str, ...] = ()
    alias_attributes: tuple[str, ...] = ()
    case_sensitive: bool = False

    def lookup_fields(self) -> tuple[LoginField, ...]:
        """Which legacy fields a typed sign-in name is matched against, in priority order."""
        fields: list[LoginField] = []
        chosen = self.username_attributes or ("username", *self.alias_attributes)
        for name in chosen:
            if name == "username":
                fields.append("username")
            elif name == "email":
                fields.append("email")
            elif name == "phone_number":
                fields.append("phone_number")
        return tuple(fields)

    def sign_in_attributes(self, matched_by: LoginField) -> frozenset[str]:
        """The attributes the user signs in with: they must be valid, never dropped as a detail."""
        names = set(self.username_attributes)
        if matched_by != "username":
            names.add(matched_by)
        return frozenset(names)

    def identity_attributes(self, *, login: str, matched_by: LoginField, legacy_username: str) -> dict[str, str]:
        """Attributes the username model itself requires; raises :class:`MappingError` when Cognito would refuse."""
        if self.username_attributes:
            # Cognito generates the user name; the sign-in attribute must equal what was typed.
            value = login if self.case_sensitive else login.lower()
            return {"email": value} if matched_by == "email" else {"phone_number": login}
        if "email" in self.alias_attributes and is_email(legacy_username):
            raise MappingError(
                "username",
                "legacy user name is an e-mail address, which Cognito refuses in a pool with an e-mail alias",
            )
        if "phone_number" in self.alias_attributes and looks_like_phone(legacy_username):
            raise MappingError(
                "username", "legacy user name is a phone number, which Cognito refuses in a pool with a phone alias"
            )
        if matched_by != "username":
            return {"username": legacy_username}
        if self.case_sensitive and login != legacy_username:
            raise CaseMismatchError(
                "username", "the pool is case-sensitive and the typed name differs in case from the legacy user name"
            )
        return {}

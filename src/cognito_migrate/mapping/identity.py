"""The pool's username model: how a typed sign-in name finds a legacy user, and what Cognito must get back.

Three pool shapes (Cognito "user pool attributes", sign-in options):

* plain usernames: the typed name is the legacy user name; the user is created under it.
* ``username_attributes = ["email"]`` (and/or ``phone_number``): the user signs in with an e-mail address
  (or phone number), Cognito generates the user name, and the returned ``email`` must equal the sign-in name.
* ``alias_attributes = ["email"]`` (and/or ``phone_number``): the user may type the legacy user name or
  the alias; a user who typed the alias is created under the legacy user name, returned as ``username``
  (Cognito allows it only in that case). Cognito refuses user names in e-mail format in such pools.

Whatever the legacy database matched, a sign-in is accepted only when the typed name equals the legacy
value it was matched on under the pool's own case rule (:func:`same_login`): databases fold more loosely
than Cognito (MariaDB's ``utf8mb4_general_ci`` ignores accents and trailing blanks, .NET's upper-casing maps
dotless i and long s to ``I`` and ``S``), and every such spelling would become one more Cognito user for the same
legacy account.
"""

from typing import Literal, NamedTuple

from cognito_migrate.errors import CaseMismatchError, MappingError
from cognito_migrate.mapping.contact import is_email, looks_like_phone

LoginField = Literal["username", "email", "phone_number"]


def fold_case(value: str) -> str:
    """A name as a case-insensitive pool compares it: Unicode lower case, nothing more.

    Cognito documents only that "any variation in case" is the same user; it does not say how it folds.
    Lower-casing by the Unicode default mapping (Python's ``str.lower``, Java's ``toLowerCase(Locale.ROOT)``)
    is the narrowest rule that covers it: no ``casefold`` (sharp s to ``ss``, long s to ``s``), no accent stripping,
    no trimming. A looser rule here could accept a spelling Cognito keeps apart, that is a duplicate user;
    a narrower one at worst refuses an exotic spelling, which fails closed. See docs/trigger.md.
    """
    return value.lower()


def same_login(typed: str, legacy: str, *, case_sensitive: bool) -> bool:
    """Whether Cognito would see the typed sign-in name and the legacy value as the same name."""
    return typed == legacy if case_sensitive else fold_case(typed) == fold_case(legacy)


class UsernameShapeError(MappingError):
    """The legacy user name has the shape of an alias (``email`` or ``phone_number``), which the pool refuses."""

    def __init__(self, shape: str, problem: str) -> None:
        self.shape = shape
        super().__init__("username", problem)


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

    def identity_attributes(
        self, *, login: str, matched_by: LoginField, legacy_username: str, matched_value: str | None
    ) -> dict[str, str]:
        """Attributes the username model itself requires; raises :class:`MappingError` when Cognito would refuse.

        ``matched_value`` is the legacy value the store matched the login on (the user name, the e-mail
        address, or the phone number in E.164); :class:`CaseMismatchError` when the login is not that value
        under the pool's case rule.
        """
        if matched_by == "phone_number":
            # digits have no case: the typed number must be the legacy number as Cognito stores it (E.164)
            if login != matched_value:
                raise CaseMismatchError("phone_number", "the typed phone number is not the legacy one in E.164")
        elif matched_value is None or not same_login(login, matched_value, case_sensitive=self.case_sensitive):
            rule = "exactly" if self.case_sensitive else "up to letter case"
            raise CaseMismatchError(
                matched_by, f"the database matched a sign-in name that is not the legacy {matched_by} ({rule})"
            )
        if self.username_attributes:
            # Cognito generates the user name; the sign-in attribute must equal what was typed.
            value = login if self.case_sensitive else fold_case(login)
            return {"email": value} if matched_by == "email" else {"phone_number": login}
        if "email" in self.alias_attributes and is_email(legacy_username):
            raise UsernameShapeError(
                "email", "legacy user name is an e-mail address, which Cognito refuses in a pool with an e-mail alias"
            )
        if "phone_number" in self.alias_attributes and looks_like_phone(legacy_username):
            raise UsernameShapeError(
                "phone_number",
                "legacy user name is a phone number, which Cognito refuses in a pool with a phone alias",
            )
        if matched_by != "username":
            return {"username": legacy_username}
        return {}

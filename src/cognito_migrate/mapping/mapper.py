"""One legacy user -> the ``userAttributes`` map Cognito receives."""

from collections.abc import Callable, Mapping
from typing import Any, Literal, NamedTuple

from cognito_migrate.errors import MappingError
from cognito_migrate.mapping.attributes import MANAGED_ATTRIBUTES, check_name, to_value
from cognito_migrate.mapping.contact import needs_phonenumbers, normalize_email, normalize_phone
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


OnInvalid = Literal["drop", "reject"]


class MappedProfile(NamedTuple):
    """What Cognito receives, and the optional attributes left out because their legacy value was invalid.

    ``dropped`` holds ``"attribute: problem"`` texts for the log line: names and reasons, never values.
    """

    attributes: dict[str, str]
    dropped: tuple[str, ...] = ()


class AttributeMapper:
    """Maps profile columns to attributes (``mapping.attributes``), adds contact data and the username model.

    Attribute names are checked when the mapper is built, so a bad configuration fails at load time;
    values are checked per user. An invalid value of an optional attribute (a phone number typed as "tbc")
    is left out and named in :attr:`MappedProfile.dropped` (``on_invalid="drop"``, the default), so that a
    detail of the profile never keeps out a user who typed the right password; with ``on_invalid="reject"``
    the user fails closed with the attribute named. The attributes the pool signs the user in with stay
    strict either way: without them the user could not sign in again.
    """

    def __init__(
        self,
        *,
        columns: Mapping[str, str],
        username_model: UsernameModel,
        default_phone_region: str | None = None,
        on_invalid: OnInvalid = "drop",
        trust_emails: bool = False,
        copy: Callable[[str], bool] | None = None,
    ) -> None:
        for name in columns:
            check_name(name)
            if name in MANAGED_ATTRIBUTES:
                raise MappingError(name, "comes from the store's columns (store.columns), not from mapping.attributes")
        self._columns = dict(columns)
        self._model = username_model
        self._region = default_phone_region
        self._on_invalid = on_invalid
        self._trust_emails = trust_emails
        # profile names copied as attributes of the same name (a Cognito store's attributes), besides ``columns``
        self._copy = copy

    @property
    def attribute_names(self) -> frozenset[str]:
        """Every attribute this mapper can return (for schema checks by ``doctor`` and ``check``)."""
        return frozenset({*self._columns, "email", "email_verified", "phone_number", "phone_number_verified"})

    def needs_phonenumbers(self, user: LegacyUser) -> bool:
        """Whether mapping ``user`` validates a phone number with the ``phone`` extra (``package``'s extras)."""
        return bool(user.phone_number) and needs_phonenumbers(user.phone_number or "", self._region)

    @property
    def username_model(self) -> UsernameModel:
        return self._model

    def map(self, user: LegacyUser, *, login: str, matched_by: LoginField) -> MappedProfile:
        """The attributes for ``user``; :class:`MappingError` names an attribute that cannot be produced."""
        strict = self._model.sign_in_attributes(matched_by)
        dropped: list[str] = []
        out: dict[str, str] = {}
        values = {name: _column(user.profile, column, name) for name, column in self._columns.items()}
        if self._copy is not None:  # a missing mapped column (above) is the configuration's fault: strict
            values |= {n: v for n, v in user.profile.items() if n not in values and self._copy(n)}
        for name, raw in values.items():
            try:
                check_name(name)  # a copied name is checked here; a mapped one was when the mapper was built
                value = to_value(name, raw)
            except MappingError as exc:
                self._drop_or_raise(exc, strict, dropped)
                continue
            if value is not None:
                out[name] = value
        if user.email:
            try:
                out["email"] = normalize_email(user.email)
                out["email_verified"] = "true" if user.email_verified or self._trust_emails else "false"
            except MappingError as exc:
                self._drop_or_raise(exc, strict, dropped)
        if user.phone_number:
            try:
                out["phone_number"] = normalize_phone(user.phone_number, self._region)
                out["phone_number_verified"] = "true" if user.phone_number_verified else "false"
            except MappingError as exc:
                self._drop_or_raise(exc, strict, dropped)
        matched = {"username": user.username, "email": user.email, "phone_number": out.get("phone_number")}
        identity = self._model.identity_attributes(
            login=login, matched_by=matched_by, legacy_username=user.username, matched_value=matched[matched_by]
        )
        if "email" in identity and out.get("email", "").lower() != identity["email"].lower():
            raise MappingError("email", "differs from the e-mail address the user signed in with")
        if "phone_number" in identity and out.get("phone_number") != identity["phone_number"]:
            raise MappingError("phone_number", "differs from the phone number the user signed in with")
        out.update(identity)
        return MappedProfile(out, tuple(dropped))

    def _drop_or_raise(self, exc: MappingError, strict: frozenset[str], dropped: list[str]) -> None:
        """Leave an invalid optional attribute out (and say so), or fail the user when it may not be dropped."""
        if self._on_invalid == "reject" or exc.attribute in strict:
            raise exc
        dropped.append(f"{exc.attribute}: {exc.problem}")

"""E-mail syntax and E.164 phone numbers.

The e-mail check is a small structural check rather than ``email-validator`` (60 ms of imports on the
trigger's cold path, and its deliverability rules are not Cognito's). Every phone number, in E.164 or not,
is parsed and validated by ``phonenumbers`` (extra ``phone``; about 70 ms of imports, paid once per
container and only when a user with a phone number is mapped): a shape check alone let invalid ``+``
numbers through while refusing valid national ones.
"""

from __future__ import annotations

import re
from typing import Final

from cognito_migrate.errors import BackendNotAvailableError, MappingError

_EMAIL: Final = re.compile(
    r"[^@\s\"(),:;<>\[\]\\]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)
_E164: Final = re.compile(r"\+[1-9][0-9]{6,14}")
_FORMATTING: Final = re.compile(r"[\s\-().]")


def normalize_email(value: str) -> str:
    """A syntactically valid e-mail address (trimmed; the domain lower-cased), or :class:`MappingError`."""
    text = value.strip()
    if len(text) > 254 or not _EMAIL.fullmatch(text):
        raise MappingError("email", "not a valid e-mail address")
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def is_email(value: str) -> bool:
    return _EMAIL.fullmatch(value.strip()) is not None


def _compact(value: str) -> str:
    compact = _FORMATTING.sub("", value.strip())
    return "+" + compact[2:] if compact.startswith("00") else compact


def needs_phonenumbers(value: str, default_region: str | None) -> bool:
    """Whether :func:`normalize_phone` validates ``value`` with the ``phone`` extra (for ``package``'s extras):
    every number it can read, that is one with its country or with a default region to read it in."""
    return _compact(value).startswith("+") or default_region is not None


def normalize_phone(value: str, default_region: str | None) -> str:
    """The number in E.164 (``+14325551212``), or :class:`MappingError` saying why not.

    A number written with ``+`` or ``00`` carries its country; any other is read in ``default_region``.
    """
    compact = _compact(value)
    if not compact.startswith("+") and default_region is None:
        raise MappingError("phone_number", "not in E.164 and mapping.default_phone_region is not set")
    try:
        import phonenumbers
    except ModuleNotFoundError:
        raise BackendNotAvailableError("validating a phone number", "phone") from None
    try:
        parsed = phonenumbers.parse(compact, None if compact.startswith("+") else default_region)
    except phonenumbers.NumberParseException:
        raise MappingError("phone_number", "not a phone number") from None
    if not phonenumbers.is_valid_number(parsed):
        raise MappingError("phone_number", "not a valid phone number for its country")
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def looks_like_phone(value: str) -> bool:
    return _E164.fullmatch(_FORMATTING.sub("", value.strip())) is not None

"""E-mail syntax and E.164 phone numbers.

The e-mail check is a small structural check rather than ``email-validator`` (60 ms of imports on the
trigger's cold path, and its deliverability rules are not Cognito's). Every phone number, in E.164 or not,
is parsed and validated by ``phonenumbers`` (extra ``phone``; about 70 ms of imports, paid once per
container and only when a user with a phone number is mapped): a shape check alone let invalid ``+``
numbers through while refusing valid national ones.
"""

from __future__ import annotations

import functools
import re

from cognito_migrate.errors import BackendNotAvailableError, MappingError


# Compiled on first use, not at import: a pattern compiled at import costs every cold start of the trigger
# whether or not its sign-in needs it (BENCHMARKS.md); the cache keeps the audit's per-row calls as fast.
@functools.cache
def _email() -> re.Pattern[str]:
    return re.compile(
        r"[^@\s\"(),:;<>\[\]\\]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
    )


@functools.cache
def _e164() -> re.Pattern[str]:
    return re.compile(r"\+[1-9][0-9]{6,14}")


@functools.cache
def _formatting() -> re.Pattern[str]:
    return re.compile(r"[\s\-().]")


def normalize_email(value: str) -> str:
    """A syntactically valid e-mail address (trimmed; the domain lower-cased), or :class:`MappingError`."""
    text = value.strip()
    if len(text) > 254 or not _email().fullmatch(text):
        raise MappingError("email", "not a valid e-mail address")
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def is_email(value: str) -> bool:
    return _email().fullmatch(value.strip()) is not None


def _compact(value: str) -> str:
    compact = _formatting().sub("", value.strip())
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
    return _e164().fullmatch(_formatting().sub("", value.strip())) is not None

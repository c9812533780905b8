"""What every legacy store provides, and its error contract.

``find`` returns the user and which field matched, or None when nobody matches (or the match is
ambiguous: two users share the alias). It raises :class:`~cognito_migrate.errors.LegacyUnavailableError`
when the store cannot answer (never "not found" for an outage) and
:class:`~cognito_migrate.errors.MalformedRecordError` when a row exists but cannot be read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, Protocol

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cognito_migrate.mapping.identity import LoginField
    from cognito_migrate.models import Credential, Deadline, LegacyUser


class LookupResult(NamedTuple):
    """A found user and the field the sign-in name matched (``username``, ``email``, ``phone_number``)."""

    user: LegacyUser
    matched_by: LoginField


class UserStore(Protocol):
    """A source of legacy users."""

    def find(self, login: str, *, fields: Sequence[LoginField], deadline: Deadline) -> LookupResult | None:
        """Look the sign-in name up in ``fields``, in order; the first field with exactly one match wins."""
        ...

    def sample_credential(self, deadline: Deadline) -> Credential | None:
        """Any one real credential of the store (to calibrate the dummy verification), or None."""
        ...

    def close(self) -> None:
        """Release connections (the CLI calls it; Lambda keeps the store for the container's life)."""
        ...

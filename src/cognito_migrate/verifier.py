"""Password verification as the migration needs it: defaults from the configuration, caps, and a dummy.

The dummy makes an unknown user cost what a wrong password costs. After the first real row has been
checked it is the last real credential this container checked, so the unknown-user path costs exactly
what the store's rows cost, whatever their cost parameters are. (Checking a caller's password against
another user's hash is harmless: the result is thrown away.) Before that, the first unknown user pays for
creating a credential of the configured scheme and cost, which is one hash of the same cost: the same
work as a verification, and nothing is spent on it during the cold start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cognito_migrate import hashing

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from cognito_migrate.hashing import CostLimits, Verdict
    from cognito_migrate.models import Credential


class PasswordVerifier:
    """Checks a password against a legacy credential with the configured defaults and cost limits."""

    def __init__(
        self,
        *,
        default_scheme: str | None,
        default_params: Mapping[str, Any],
        limits: CostLimits,
        make_dummy: Callable[[], Credential],
    ) -> None:
        self._scheme = default_scheme
        self._params = dict(default_params)
        self._limits = limits
        self._make_dummy = make_dummy
        self._dummy: Credential | None = None

    def check(self, password: str, credential: Credential) -> tuple[Verdict, str | None]:
        """The verdict and the scheme that was used (None when it could not be identified)."""
        scheme = credential.scheme or self._scheme or hashing.identify(credential.stored)
        params = {**self._params, **credential.params} if credential.params else self._params
        verdict = hashing.check(password, credential.stored, scheme=scheme, params=params or None, limits=self._limits)
        if verdict in (hashing.Verdict.MATCH, hashing.Verdict.MISMATCH) and scheme is not None:
            self._dummy = type(credential)(stored=credential.stored, scheme=scheme, params=params)
        return verdict, scheme

    def dummy(self, password: str) -> None:
        """Spend the time a real verification would take; the answer is discarded."""
        dummy = self._dummy
        if dummy is None:
            self._dummy = self._make_dummy()  # one hash of the configured cost: the work a verification does
            return
        hashing.check(password, dummy.stored, scheme=dummy.scheme, params=dummy.params or None, limits=self._limits)

    @staticmethod
    def is_weak(scheme: str | None) -> bool:
        """Whether the scheme is a weak, fast or unsalted digest (for the weak-hash reset policy)."""
        info = hashing.SCHEMES.get(scheme) if scheme else None
        return bool(info and info.weak)

"""Password verification as the migration needs it: defaults from the configuration, caps, and a dummy.

The dummy makes an unknown user cost what a wrong password costs. It is, in order of preference:

1. the last real credential this container checked (so it costs exactly what the store's rows cost);
2. before any, one real credential sampled from the store (``store.sample_query``; the presets have one),
   fetched on the first unknown user: one indexed query, about a millisecond on the warm connection;
3. otherwise a credential of ``hashing.dummy_scheme`` / ``dummy_cost``, created on first need: creating it
   is one hash of that cost, the same work as a verification, so the cold start pays nothing for it.

Checking a caller's password against another user's hash is harmless: the result is thrown away.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cognito_migrate import hashing
from cognito_migrate.errors import DummyCostError
from cognito_migrate.models import Credential

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from cognito_migrate.hashing import CostLimits, Verdict


class PasswordVerifier:
    """Checks a password against a legacy credential with the configured defaults and cost limits."""

    def __init__(
        self,
        *,
        default_scheme: str | None,
        default_params: Mapping[str, Any],
        limits: CostLimits,
        make_dummy: Callable[[], Credential],
        fallback_dummy: Callable[[], Credential] | None = None,
    ) -> None:
        self._scheme = default_scheme
        self._params = dict(default_params)
        self._limits = limits
        self._make_dummy = make_dummy
        self._fallback = fallback_dummy
        self._dummy: Credential | None = None
        self.calibrated = False
        self.problem: str | None = None  # set when the configured dummy could not be used

    def resolve(self, credential: Credential) -> tuple[str | None, dict[str, Any]]:
        """The scheme a credential is verified with (its own, the configured default, or identified) and its params."""
        scheme = self.scheme_of(credential)
        # [hashing] params belong to the configured scheme; rows of other schemes (a per-row scheme
        # column, self-describing hashes) get only their own
        base = self._params if scheme == self._scheme else {}
        return scheme, {**base, **credential.params} if credential.params else dict(base)

    def scheme_of(self, credential: Credential) -> str | None:
        """The scheme alone: the row's own, else the configured default, else what the stored value says."""
        return credential.scheme or self._scheme or hashing.identify(credential.stored)

    def check(
        self, password: str, credential: Credential, *, max_seconds: float | None = None
    ) -> tuple[Verdict, str | None]:
        """The verdict and the scheme that was used (None when it could not be identified).

        With ``max_seconds`` (the time left), a verification expected to take longer is not started: OVER_TIME.
        """
        scheme, params = self.resolve(credential)
        verdict = hashing.check(
            password, credential.stored, scheme=scheme, params=params or None, limits=self._limits,
            max_seconds=max_seconds,
        )  # fmt: skip
        if verdict in (hashing.Verdict.MATCH, hashing.Verdict.MISMATCH) and scheme is not None:
            self._dummy = Credential(stored=credential.stored, scheme=scheme, params=params)
            self.calibrated = True
        return verdict, scheme

    def estimate(self, password: str, credential: Credential) -> float | None:
        """Seconds the verification of ``credential`` is expected to take here (None: nothing costly)."""
        scheme, params = self.resolve(credential)
        return hashing.estimate(password, credential.stored, scheme=scheme, params=params, limits=self._limits)

    def calibrate(self, credential: Credential) -> None:
        """Use a real credential (sampled from the store) as the dummy, if its scheme is known."""
        scheme, params = self.resolve(credential)
        if scheme is not None and scheme in hashing.SCHEMES:
            self._dummy = Credential(stored=credential.stored, scheme=scheme, params=params)
            self.calibrated = True

    def dummy(self, password: str) -> None:
        """Spend the time a real verification would take; the answer is discarded. Never raises."""
        dummy = self._dummy
        if dummy is None:
            try:
                self._dummy = self._make_dummy()  # one hash of the configured cost: the work a verification does
            except DummyCostError as exc:
                self.problem = str(exc)
                if self._fallback is None:
                    raise
                self._dummy = self._fallback()
            return
        hashing.check(password, dummy.stored, scheme=dummy.scheme, params=dummy.params or None, limits=self._limits)

    def dummy_credential(self) -> Credential:
        """The configured dummy (for ``config validate``); raises :class:`DummyCostError` when unusable."""
        return self._make_dummy()

    @property
    def limits(self) -> CostLimits:
        return self._limits

    @staticmethod
    def is_weak(scheme: str | None) -> bool:
        """Whether the scheme is a weak, fast or unsalted digest (for the weak-hash reset policy)."""
        info = hashing.SCHEMES.get(scheme) if scheme else None
        return bool(info and info.weak)

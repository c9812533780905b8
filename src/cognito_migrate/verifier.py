"""Password verification as the migration needs it: defaults from the configuration, caps, and a reference cost.

Rejections are not timed by imitating a verification (a stand-in copies one row's cost, and rows differ):
they wait for a floor (:mod:`cognito_migrate.floor`). The verifier measures what that floor is built on,
:meth:`PasswordVerifier.reference_seconds`: one verification of the configured dummy credential
(``hashing.dummy_scheme`` / ``dummy_cost``, by default the scheme and cost the framework writes today) and
one of a row sampled from the store, the dearer of the two. A sampled row goes through the same caps as
any row; one they refuse, or that cannot be used, is left out and never raises.
"""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING, Any

from cognito_migrate import hashing
from cognito_migrate.errors import DummyCostError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from cognito_migrate.hashing import CostLimits, Verdict
    from cognito_migrate.models import Credential


_CACHED_S = 0.001
"""A dummy "created" faster than this came from the process's cache, so its creation measured nothing."""


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
        dummy_scheme: str | None = None,
    ) -> None:
        self._scheme = default_scheme
        self._params = dict(default_params)
        self._limits = limits
        self._make_dummy = make_dummy
        self._fallback = fallback_dummy
        self._dummy_scheme = dummy_scheme
        self._dummy: Credential | None = None
        self.problem: str | None = None  # set when the configured dummy or a sampled row could not be used

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
        return verdict, scheme

    def estimate(self, password: str, credential: Credential) -> float | None:
        """Seconds the verification of ``credential`` is expected to take here (None: nothing costly)."""
        scheme, params = self.resolve(credential)
        return hashing.estimate(password, credential.stored, scheme=scheme, params=params, limits=self._limits)

    def reference_seconds(self, sample: Credential | None) -> float:
        """Seconds of one verification of the dearer of the configured dummy and ``sample`` (a real row).

        Each is verified once against a random password and timed. The sample counts only when the caps
        let it be computed (a row over a cap, malformed or of an unknown scheme is left out, and
        :attr:`problem` says so). Never raises for anything a row holds.
        """
        import secrets  # not on the cold path: only the first rejection of a container needs it

        probe = secrets.token_urlsafe(12)
        started = time.perf_counter()
        dummy = self._dummy_credential()
        seconds = time.perf_counter() - started  # creating it is one hash of its cost...
        if seconds < _CACHED_S:  # ...unless it was made before (another service in this process): verify it
            seconds = self._timed(probe, dummy)[1]
        if sample is not None:
            try:
                verdict, spent = self._timed(probe, sample)
            except Exception as exc:  # noqa: BLE001 - a hostile sampled row must not break a rejection
                verdict, spent = hashing.Verdict.MALFORMED, 0.0
                self.problem = f"sampled row unusable ({type(exc).__name__})"
            if verdict in (hashing.Verdict.MATCH, hashing.Verdict.MISMATCH):
                seconds = max(seconds, spent)
            elif self.problem is None:
                self.problem = f"sampled row left out of the reference cost ({verdict.value})"
        return seconds

    def load_schemes(self, sample: Credential | None) -> None:
        """Load the modules of the dummy's scheme and ``sample``'s, so that :meth:`reference_seconds` times
        hashing, not imports (an existing user's request has loaded its row's scheme already; an unknown
        user's has not). Never raises: a hostile sampled row is named when it is timed."""
        schemes = [self._dummy_scheme]
        if sample is not None:
            with contextlib.suppress(Exception):
                schemes.append(self.scheme_of(sample))
        for scheme in {s for s in schemes if s is not None}:
            with contextlib.suppress(Exception):
                hashing.check("probe", "", scheme=scheme)  # refused before hashing, after importing the module

    def _timed(self, password: str, credential: Credential) -> tuple[Verdict, float]:
        started = time.perf_counter()
        verdict = self.check(password, credential)[0]
        return verdict, time.perf_counter() - started

    def _dummy_credential(self) -> Credential:
        if self._dummy is None:
            try:
                self._dummy = self._make_dummy()
            except DummyCostError as exc:
                self.problem = str(exc)
                if self._fallback is None:
                    raise
                self._dummy = self._fallback()
        return self._dummy

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

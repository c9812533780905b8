"""Verify legacy password hashes exactly as the framework that wrote them did.

::

    from cognito_migrate.hashing import verify, check, identify, Verdict
    verify(password, "$2y$10$...")                                   # True / False
    check(password, row_hash, scheme="aspnet_membership", params={"salt": row_salt})  # a Verdict

``scheme=None`` identifies self-describing values (:func:`identify`); ambiguous ones (bare hex) need an
explicit scheme. Parameters the stored string does not carry come in ``params``, documented per scheme in
:data:`SCHEMES` and docs/hashes.md. Cost parameters read from a stored value are checked against
:class:`CostLimits` before any hashing. Nothing here raises for any input; comparisons are constant-time.

:func:`estimate` says how long a verification will take before it starts; ``check(..., max_seconds=...)``
refuses (``OVER_TIME``) one that would not finish in the time the caller has left.

Importing this package costs only the standard library: each scheme's module (and bcrypt, argon2-cffi,
cryptography) is imported the first time that scheme is verified.
"""

from collections.abc import Mapping
from typing import Any, NamedTuple

from cognito_migrate.hashing._catalogue import SCHEMES, SchemeInfo
from cognito_migrate.hashing._core import DEFAULT_LIMITS, CostLimits, LimitsError, Refusal, Verdict, Verifier
from cognito_migrate.hashing._identify import identify
from cognito_migrate.hashing._registry import SchemeContractError, implementation

__all__ = [
    "SCHEMES",
    "CheckResult",
    "CostLimits",
    "LimitsError",
    "SchemeInfo",
    "StoredHash",
    "Verdict",
    "check",
    "check_detailed",
    "create",
    "dummy_credential",
    "estimate",
    "identify",
    "missing_backend",
    "verify",
]

MAX_STORED_CHARS = 16 * 1024
"""Longer stored values are malformed without further parsing."""

MAX_PASSWORD_CHARS = 4096
"""Longer passwords never match (the trigger refuses them earlier; WordPress refuses over 4096 too)."""

_EMPTY: Mapping[str, Any] = {}


def _is_str(value: object) -> bool:
    """Callers are typed, but rows come from databases: a bytes or None hash must not raise."""
    return isinstance(value, str)


class StoredHash(NamedTuple):
    """A stored value with what verifying it needs: the scheme id and the parameters it does not carry.

    The library's own type, so that it depends on nothing of the application around it (which reads the
    same three fields from its legacy rows).
    """

    stored: str
    scheme: str
    params: Mapping[str, Any]


class CheckResult(NamedTuple):
    """A verdict with the scheme that was tried and, when not a match, why (a field name, never a value)."""

    verdict: Verdict
    scheme: str | None
    reason: str


def check_detailed(
    password: str,
    stored: str,
    *,
    scheme: str | None = None,
    params: Mapping[str, Any] | None = None,
    limits: CostLimits | None = None,
    max_seconds: float | None = None,
) -> CheckResult:
    """Like :func:`check`, with the scheme and a loggable reason."""
    try:
        return _check_detailed(password, stored, scheme, params, limits=limits, max_seconds=max_seconds)
    except SchemeContractError:
        raise  # a scheme module that breaks its contract is a bug to see, not a row to call malformed
    except Exception as exc:  # noqa: BLE001 - never raise for any input; the type is enough to debug
        # logging is imported here only: the trigger's cold path does not pay for it
        import logging

        logging.getLogger(__name__).debug("hash verification failed inside %s: %s", _name(scheme), type(exc).__name__)
        return CheckResult(Verdict.MALFORMED, _name(scheme), f"unparsable ({type(exc).__name__})")


def _name(scheme: object) -> str | None:
    """The scheme id for a reason or a log line: only a known id, never a caller's arbitrary value."""
    return scheme if isinstance(scheme, str) and scheme in SCHEMES else None


def _check_detailed(
    password: str,
    stored: str,
    requested: object,
    given: object,
    *,
    limits: CostLimits | None,
    max_seconds: float | None,
) -> CheckResult:
    """The body of :func:`check_detailed`; ``requested`` and ``given`` are typed ``object``: rows and callers lie."""
    if not (_is_str(stored) and _is_str(password)):
        return CheckResult(Verdict.MALFORMED, _name(requested), "password and stored value must be str")
    if len(stored) > MAX_STORED_CHARS:
        return CheckResult(Verdict.MALFORMED, _name(requested), "stored value too long")
    scheme = identify(stored) if requested is None else requested
    if scheme is None:
        return CheckResult(Verdict.UNSUPPORTED, None, "stored value not identifiable; configure the scheme")
    if not isinstance(scheme, str) or scheme not in SCHEMES:
        return CheckResult(Verdict.UNSUPPORTED, None, "unknown scheme id")
    info = SCHEMES[scheme]
    params: Mapping[str, Any] = _EMPTY
    if given:
        if not isinstance(given, Mapping):
            return CheckResult(Verdict.MALFORMED, scheme, "params must be a mapping")
        unknown = [key for key in given if key not in info.params]
        if unknown:
            names = ", ".join(sorted(key for key in map(str, unknown) if key.isidentifier())) or "?"
            return CheckResult(Verdict.MALFORMED, scheme, f"unknown params: {names}")
        params = given
    if len(password) > MAX_PASSWORD_CHARS:
        return CheckResult(Verdict.MISMATCH, scheme, "password too long")
    limits = limits or DEFAULT_LIMITS
    try:
        verify_fn = implementation(scheme).verify
        if max_seconds is None:
            ok = verify_fn(password, stored, params, limits)
        else:
            ok = _within(verify_fn, password, stored, params=params, limits=limits, max_seconds=max_seconds)
    except Refusal as refusal:
        return CheckResult(refusal.verdict, scheme, refusal.reason)
    if ok:
        return CheckResult(Verdict.MATCH, scheme, "")
    return CheckResult(Verdict.MISMATCH, scheme, "wrong password")


def _within(
    verify_fn: Verifier,
    password: str,
    stored: str,
    *,
    params: Mapping[str, Any],
    limits: CostLimits,
    max_seconds: float,
) -> bool:
    """Verify, unless the work the scheme announces is expected to exceed ``max_seconds`` (then OVER_TIME).

    The verification is timed, so that the cost model learns the speed of the machine it runs on.
    """
    import time

    from cognito_migrate.hashing import _estimate

    gate = _estimate.Gate.around(limits, max_seconds)
    started = time.perf_counter()
    ok = verify_fn(password, stored, params, gate)
    if gate.work is not None:
        _estimate.MODEL.observe(gate.work, time.perf_counter() - started)
    return ok


def estimate(
    password: str,
    stored: str,
    *,
    scheme: str | None = None,
    params: Mapping[str, Any] | None = None,
    limits: CostLimits | None = None,
) -> float | None:
    """Seconds a verification of ``password`` against ``stored`` is expected to take here, without running it.

    From the cost read from the stored value (and the password's length where it counts), a calibrated work
    unit per primitive, and the speed this process measured (see ``_estimate.py``). None when nothing costly would
    be computed: a fast digest, or a value the verification refuses first (malformed, over a cap, unknown).
    """
    from cognito_migrate.hashing import _estimate

    try:
        name = identify(stored) if scheme is None else scheme
        if name is None or name not in SCHEMES or not isinstance(password, str) or not isinstance(stored, str):
            return None
        verify_fn = implementation(name).verify
        work = _estimate.probe(verify_fn, password, stored, params or _EMPTY, limits or DEFAULT_LIMITS)
    except Exception:  # noqa: BLE001 - an estimate never raises; the verification reports what is wrong
        return None
    return None if work is None else _estimate.MODEL.seconds(work)


def check(
    password: str,
    stored: str,
    *,
    scheme: str | None = None,
    params: Mapping[str, Any] | None = None,
    limits: CostLimits | None = None,
    max_seconds: float | None = None,
) -> Verdict:
    """Verify ``password`` against ``stored``; the :class:`Verdict` tells a wrong password from a bad row.

    With ``max_seconds``, a verification expected to take longer is not started (``OVER_TIME``).
    """
    return check_detailed(
        password, stored, scheme=scheme, params=params, limits=limits, max_seconds=max_seconds
    ).verdict


def verify(
    password: str,
    stored: str,
    *,
    scheme: str | None = None,
    params: Mapping[str, Any] | None = None,
    limits: CostLimits | None = None,
) -> bool:
    """True only when ``password`` matches ``stored``; every other verdict is False."""
    return check_detailed(password, stored, scheme=scheme, params=params, limits=limits).verdict is Verdict.MATCH


def missing_backend(scheme: str) -> str | None:
    """None when ``scheme`` can be verified in this process; else why not, with the ``pip install`` line.

    Imports the scheme's module (and its backend) once, as the first verification would.
    """
    if scheme not in SCHEMES:
        return "unknown scheme id"
    try:
        implementation(scheme)
    except Refusal as refusal:
        return refusal.reason
    return None


def create(
    scheme: str,
    password: str,
    *,
    cost: Mapping[str, Any] | None = None,
    params: Mapping[str, Any] | None = None,
) -> str:
    """A stored value for ``password`` as the scheme's framework writes it (for dummies, demos and tests).

    ``cost`` overrides the scheme's usual cost (its keys are in ``SCHEMES[scheme].cost``); ``params`` are the
    same as for :func:`verify` (a pepper, a salt column). ValueError for unknown schemes and cost keys, and
    when the scheme's backend is missing here.
    """
    info = SCHEMES.get(scheme)
    if info is None:
        raise ValueError(f"scheme {scheme!r} cannot create hashes: unknown scheme id")
    unknown = (cost or _EMPTY).keys() - info.cost.keys()
    if unknown:
        raise ValueError(f"scheme {scheme!r}: unknown cost keys {sorted(unknown)}")
    try:
        return implementation(scheme).create(password, cost or _EMPTY, params or _EMPTY)
    except Refusal as refusal:
        raise ValueError(f"scheme {scheme!r}: {refusal.reason}") from None


_dummies: dict[tuple[str, str, str], StoredHash] = {}


def dummy_credential(
    scheme: str,
    *,
    cost: Mapping[str, Any] | None = None,
    params: Mapping[str, Any] | None = None,
) -> StoredHash:
    """A valid stored hash for a random, unknown password, costing what the scheme's real rows cost.

    The unknown-user path verifies against it so that "no such user" and "wrong password" take the same
    time. Cached per (scheme, cost, params): building a bcrypt cost-12 dummy costs one hash.
    """
    key = (scheme, repr(sorted((cost or _EMPTY).items())), repr(sorted((params or _EMPTY).items())))
    cached = _dummies.get(key)
    if cached is None:
        import secrets  # not on the cold path: only the first unknown user needs it

        if scheme not in SCHEMES:
            raise ValueError(f"scheme {scheme!r} cannot create hashes: unknown scheme id")
        try:
            fill = implementation(scheme).dummy_params
        except Refusal as refusal:  # the backend is missing here
            raise ValueError(f"scheme {scheme!r}: {refusal.reason}") from None
        complete = fill(params or _EMPTY) if fill is not None else (params or _EMPTY)  # Firebase's project params
        stored = create(scheme, secrets.token_urlsafe(24), cost=cost, params=complete)
        cached = _dummies[key] = StoredHash(stored=stored, scheme=scheme, params=dict(complete))
    return cached

"""Plain data the layers pass to each other: the request, the legacy user, the credential.

Standard library only. Everything is frozen: a value built once is trusted everywhere after.
"""

import enum
import time
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

_EMPTY: Mapping[str, Any] = MappingProxyType({})  # the shared, immutable empty default


class Secret:
    """A password that cannot be printed by accident.

    ``repr``, ``str`` and ``format`` show ``'**********'``; only :meth:`reveal` gives the value, so every
    place that touches the plaintext is easy to find with ``grep reveal``.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The plaintext. Pass it to a verifier; never to a log, a message or a response."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a password is not a dictionary key

    def __reduce__(self) -> Any:
        raise TypeError("a Secret cannot be pickled")


class TriggerSource(enum.StrEnum):
    """The two ways Cognito calls the migrate-user trigger."""

    AUTHENTICATION = "UserMigration_Authentication"
    FORGOT_PASSWORD = "UserMigration_ForgotPassword"


class MigrationRequest(NamedTuple):
    """What the trigger was asked: who, by which flow, with which password (absent for forgot-password)."""

    trigger: TriggerSource
    username: str
    password: Secret | None
    client_metadata: Mapping[str, str] = _EMPTY  # validationData / clientMetadata (the throttle's address)
    client_id: str = ""
    request_id: str = ""  # the Lambda request id: the ledger's idempotency key


class Credential(NamedTuple):
    """A stored password verifier as the legacy store holds it.

    ``scheme`` is None when the stored value describes itself (``$2b$...``); ``params`` carries what is not
    in the stored string (a salt column, a pepper, a signer key).
    """

    stored: str
    scheme: str | None = None
    params: Mapping[str, Any] = _EMPTY

    def __repr__(self) -> str:
        # a repr ends up in tracebacks, debuggers and f-strings: never the hash, a salt or a pepper
        return f"Credential(stored=<{len(self.stored)} chars>, scheme={self.scheme!r}, params={sorted(self.params)})"


class LegacyUser(NamedTuple):
    """One user as the legacy store knows them, in the store's vocabulary, before mapping.

    ``username`` is the legacy user name (the one Cognito will create). ``profile`` holds the columns the
    mapping turns into attributes (email, phone number, names, custom columns). Account state is
    explicit so that the service, not the store, decides what it means. ``resettable`` is False when the
    legacy framework itself would not send this user a password reset (Django: an unusable password).
    ``groups`` are the user's legacy roles or groups as the store names them (``[groups] map`` turns them into
    Cognito groups after Cognito created the user; see ``groups.py``).
    """

    username: str
    credential: Credential | None
    profile: Mapping[str, Any] = _EMPTY
    email: str | None = None
    email_verified: bool = False
    phone_number: str | None = None
    phone_number_verified: bool = False
    disabled: bool = False
    locked_out: bool = False
    must_change_password: bool = False
    resettable: bool = True
    groups: tuple[str, ...] = ()
    groups_problem: tuple[str, str] | None = None
    """(column, problem) when the row's groups could not be read: the user still migrates (groups are only
    needed after Cognito created the user), and the group step logs the problem and assigns none."""


class Deadline:
    """One time budget for a whole invocation; every external call takes its timeout from it.

    Built from ``context.get_remaining_time_in_millis()`` minus a safety margin, so that the trigger fails
    closed before Lambda kills it or Cognito gives up waiting.
    """

    __slots__ = ("_clock", "_expires")

    def __init__(self, seconds: float, *, clock: Any = time.monotonic) -> None:
        self._clock = clock
        self._expires = clock() + seconds

    def remaining(self) -> float:
        """Seconds left; zero or negative once spent."""
        return float(self._expires - self._clock())

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0

    def timeout(self, cap: float | None = None) -> float:
        """The timeout for the next call: what remains, at most ``cap``, never negative."""
        left = max(self.remaining(), 0.0)
        return left if cap is None else min(left, cap)

    def connect_and_read(self, connect: float, read: float) -> tuple[float, float]:
        """The connect and read timeouts of one request, each at most its configured value, whose sum fits in
        what remains (a client such as botocore has no total timeout: a slow connect then a slow read, each
        given all that remains, would take twice that)."""
        left = self.timeout()
        first = min(connect, left / 2)
        return first, min(read, left - first)

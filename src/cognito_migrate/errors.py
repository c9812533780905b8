"""The project's exceptions: one tree with one base, grouped by what a caller does about them.

::

    CognitoMigrateError
    ├── RejectError                 refuse this one sign-in; never create the user; nothing to retry
    │   ├── EventError                  the trigger event is malformed (names the field, never its value)
    │   │   └── RefusedInputError           well-formed, but input no sign-in form sends (answered as a rejection)
    │   ├── MalformedRecordError        a legacy row cannot be used (names the column, never the value)
    │   ├── AmbiguousLoginError         the sign-in name matches several legacy users (never pick one)
    │   └── MappingError                a legacy profile cannot become Cognito attributes
    │       └── CaseMismatchError           a case-sensitive pool would get a second user for another spelling
    ├── OutageError                 answer "try again later" (LEGACY_UNAVAILABLE); the user may be fine
    │   ├── LegacyUnavailableError      the legacy store cannot answer now (outage, timeout, deadline)
    │   ├── LedgerUnavailableError      the ledger cannot record now (logged; never changes the answer)
    │   └── SecretResolutionError       a secret reference cannot be resolved (the message says why)
    ├── SetupError                  fix the configuration or the installation; every sign-in fails until then
    │   ├── ConfigError                 the configuration is wrong (names each key and what is expected)
    │   ├── BackendNotAvailableError    an optional extra is not installed (message has the pip command)
    │   └── DummyCostError              hashing.dummy_cost cannot be used by its scheme
    ├── UsageError                  a command was asked for what it cannot do (the CLI exits 2)
    │   ├── PackagingError              the Lambda package cannot be built (the message says what to change)
    │   └── StoreCapabilityError        the configured store cannot do what a command asked (list every user)
    └── TriggerFailure              raised to Cognito to fail a sign-in; its message is one of a few constants

Signals that never leave their package stay there, outside this tree: ``hashing``'s refusals (the public
hashing library depends on nothing of the application), a store backend's ``ConnectionLost`` (the store
base turns it into an outage), and the local Cognito's ``CognitoError`` (Cognito's own API errors, which
it emulates).

No exception here ever carries a password: messages name keys, fields and columns, not values.
"""

from __future__ import annotations


class CognitoMigrateError(Exception):
    """Base of every error this package raises on purpose."""


class RejectError(CognitoMigrateError):
    """This sign-in is refused and the user is not created; trying again will not change that."""


class OutageError(CognitoMigrateError):
    """Something this sign-in needs cannot answer now: fail closed with "try again later"."""


class SetupError(CognitoMigrateError):
    """The deployment is wrong (configuration, installation): nothing works until it is fixed."""


class UsageError(CognitoMigrateError):
    """A command was asked for something it cannot do."""


class TriggerFailure(CognitoMigrateError):
    """Raised by the trigger to make Cognito fail the sign-in; the message is one of the handler's constants."""


class ConfigError(SetupError):
    """The configuration is invalid; ``key`` says where (``store.url``), the message says what is expected.

    A file with several problems raises one error listing them all: ``problems`` holds every
    ``(key, problem)`` pair, and ``key``/``problem`` are the first.
    """

    def __init__(self, key: str, problem: str, *, more: tuple[tuple[str, str], ...] = (), source: str = "") -> None:
        self.key = key
        self.problem = problem
        self.problems = ((key, problem), *more)
        if not more:
            super().__init__(f"{key}: {problem}")
            return
        where = f" in {source}" if source and not source.startswith("<") else ""
        lines = "".join(f"\n  {k}: {p}" for k, p in self.problems)
        super().__init__(f"{len(self.problems)} problems{where}:{lines}")

    @classmethod
    def of(cls, problems: list[tuple[str, str]], *, source: str = "") -> ConfigError:
        """One error for every problem found (at least one)."""
        (key, problem), *more = problems
        return cls(key, problem, more=tuple(more), source=source)


class BackendNotAvailableError(SetupError):
    """A configured backend needs an optional extra that is not installed."""

    def __init__(self, what: str, extra: str) -> None:
        self.what = what
        self.extra = extra
        super().__init__(f"{what} needs an optional dependency: pip install 'cognito-migrate[{extra}]'")


class EventError(RejectError):
    """The trigger event does not have the shape Cognito sends; ``field`` is the JSON path of the problem."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"malformed trigger event: {field}: {problem}")


class RefusedInputError(EventError):
    """The event is well formed but carries input no sign-in form sends (a password with control characters).

    The handler answers it like any rejection (one constant answer), not as a malformed event: such input
    is an attack or a broken client, never a user who deserves a different message.
    """


class LegacyUnavailableError(OutageError):
    """The legacy store could not answer (connection refused, timeout, deadline spent)."""


class AmbiguousLoginError(RejectError):
    """The sign-in name matches several legacy users on ``field`` (a shared e-mail): nobody is picked."""

    def __init__(self, field: str) -> None:
        self.field = field
        super().__init__(f"the sign-in name matches several legacy users by {field}")


class MalformedRecordError(RejectError):
    """A legacy record is unusable: ``column`` names the column; values are never included."""

    def __init__(self, column: str, problem: str) -> None:
        self.column = column
        self.problem = problem
        super().__init__(f"legacy record: {column}: {problem}")


class MappingError(RejectError):
    """A legacy profile cannot be turned into valid Cognito attributes; ``attribute`` says which."""

    def __init__(self, attribute: str, problem: str) -> None:
        self.attribute = attribute
        self.problem = problem
        super().__init__(f"attribute {attribute}: {problem}")


class StoreCapabilityError(UsageError):
    """The configured store cannot do what a command asked (``audit`` on a store that cannot list its users)."""


class LedgerUnavailableError(OutageError):
    """The ledger's backend could not answer in time (the message names the operation, never a value)."""


class SecretResolutionError(OutageError):
    """A secret reference (``env:``, SSM, Secrets Manager) could not be resolved."""


class CaseMismatchError(MappingError):
    """The typed name is not the legacy name (or alias) under the pool's case rule: it would become a second user."""


class DummyCostError(SetupError):
    """The configured dummy cost cannot be used by its scheme (the message names the key)."""


class PackagingError(UsageError):
    """The package cannot be built; the message says what to change."""

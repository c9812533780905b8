"""The project's exceptions, one tree with one base.

::

    CognitoMigrateError
    ├── ConfigError                 configuration is wrong (names the key and what is expected)
    ├── BackendNotAvailableError    an optional extra is not installed (message has the pip command)
    ├── EventError                  the trigger event is malformed (names the field, never its value)
    │   └── RefusedInputError       well-formed, but holds input no sign-in form sends (answered as a rejection)
    ├── LegacyUnavailableError      the legacy store cannot answer now (outage, timeout, deadline)
    ├── MalformedRecordError        a legacy row cannot be used (names the column, never the value)
    ├── MappingError                a legacy profile cannot become Cognito attributes
    ├── StoreCapabilityError        the configured store cannot do what a command asked (list every user)
    └── SecretResolutionError       a secret reference cannot be resolved

No exception here ever carries a password: messages name keys, fields and columns, not values.
"""

from __future__ import annotations


class CognitoMigrateError(Exception):
    """Base of every error this package raises on purpose."""


class ConfigError(CognitoMigrateError):
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


class BackendNotAvailableError(CognitoMigrateError):
    """A configured backend needs an optional extra that is not installed."""

    def __init__(self, what: str, extra: str) -> None:
        self.what = what
        self.extra = extra
        super().__init__(f"{what} needs an optional dependency: pip install 'cognito-migrate[{extra}]'")


class EventError(CognitoMigrateError):
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


class LegacyUnavailableError(CognitoMigrateError):
    """The legacy store could not answer (connection refused, timeout, deadline spent)."""


class MalformedRecordError(CognitoMigrateError):
    """A legacy record is unusable: ``column`` names the column; values are never included."""

    def __init__(self, column: str, problem: str) -> None:
        self.column = column
        self.problem = problem
        super().__init__(f"legacy record: {column}: {problem}")


class MappingError(CognitoMigrateError):
    """A legacy profile cannot be turned into valid Cognito attributes; ``attribute`` says which."""

    def __init__(self, attribute: str, problem: str) -> None:
        self.attribute = attribute
        self.problem = problem
        super().__init__(f"attribute {attribute}: {problem}")


class StoreCapabilityError(CognitoMigrateError):
    """The configured store cannot do what a command asked (``audit`` on a store that cannot list its users)."""


class SecretResolutionError(CognitoMigrateError):
    """A secret reference (``env:``, SSM, Secrets Manager) could not be resolved."""

"""What a doctor run produces: one :class:`CheckResult` per finding, gathered in a :class:`Report`.

Every check returns these plain values instead of printing or raising, so that the checks are testable
without AWS and the command line only renders them. Only ``Status.FAIL`` makes ``doctor`` exit non-zero.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Status(enum.Enum):
    """How a check came out. Only FAIL makes ``doctor`` exit non-zero."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One line of the checklist: what was checked, what was found, and how to fix it when it failed."""

    check: str
    status: Status
    detail: str
    fix: str = ""
    subject: str = ""  # the app client id, attribute or function the line is about, when there are several

    @property
    def failed(self) -> bool:
        return self.status is Status.FAIL


@dataclass(frozen=True, slots=True)
class Report:
    """Every result of one doctor run."""

    user_pool_id: str
    results: tuple[CheckResult, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not any(r.failed for r in self.results)

"""Legacy users not yet in the pool -> Cognito user-import CSV files, and the users who cannot be imported.

Each user goes through the trigger's own steps after a correct password (account state, the attribute
mapper, the reset policy's "can this user receive a code"), so a user gets exactly the attributes the
trigger would have returned, and a user the trigger would refuse is listed apart with the same reason
(:class:`~cognito_migrate.outcomes.Reason`). Files follow :mod:`cognito_migrate.cognito_csv`: the pool's
header, split at ``max_users`` users or ``max_bytes`` bytes, UTF-8 without a BOM.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, NamedTuple

from cognito_migrate import cognito_csv
from cognito_migrate.errors import CaseMismatchError, CognitoMigrateError, MalformedRecordError, MappingError
from cognito_migrate.outcomes import Reason

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from pathlib import Path
    from typing import IO

    from cognito_migrate.mapping.identity import LoginField
    from cognito_migrate.mapping.mapper import AttributeMapper
    from cognito_migrate.models import LegacyUser
    from cognito_migrate.policy import ResetPolicy

FILE_PREFIX: Final = "cognito-import-"  # cognito-import-0001.csv, ...; `import` takes the files by this name
EXCLUDED_FILE: Final = "not-importable.csv"
UNWRITABLE: Final = "unwritable_value"
ROW_TOO_LONG: Final = "row_too_long"
NO_SIGN_IN_ATTRIBUTE: Final = "no_sign_in_attribute"


class ExportError(CognitoMigrateError):
    """The export cannot be written as configured (an attribute the pool's header lacks, a used directory)."""


class Excluded(NamedTuple):
    """A legacy user left out of the files: the legacy user name (or row number) and why."""

    reference: str
    reason: str
    detail: str = ""


class ExportFile(NamedTuple):
    path: Path
    users: int
    bytes: int


@dataclass
class ExportResult:
    """What ``export`` wrote and counted."""

    files: list[ExportFile] = field(default_factory=list)
    legacy_users: int = 0
    in_pool: int = 0
    exported: int = 0
    excluded: list[Excluded] = field(default_factory=list)

    @property
    def excluded_by_reason(self) -> dict[str, int]:
        return dict(sorted(Counter(e.reason for e in self.excluded).items()))


class PoolMembers(NamedTuple):
    """Who is already in the pool: user names (case-folded unless the pool is case-sensitive), e-mail
    addresses (lower case) and phone numbers."""

    names: frozenset[str]
    emails: frozenset[str]
    phones: frozenset[str]
    case_sensitive: bool = False

    def holds(self, username: str, *, by_attribute: bool) -> bool:
        """Whether the pool has this user: by user name, or by e-mail / phone in pools named by them."""
        if by_attribute:
            return username.lower() in self.emails or username in self.phones
        return (username if self.case_sensitive else username.lower()) in self.names


def export_files(
    batches: Iterable[Sequence[LegacyUser | MalformedRecordError]],
    *,
    rules: ExportRules,
    out_dir: Path,
    max_users: int = cognito_csv.MAX_USERS_PER_FILE,
    max_bytes: int = cognito_csv.MAX_BYTES_PER_FILE,
    progress: Callable[[int], None] = lambda _n: None,
) -> ExportResult:
    """Write the import files and the list of excluded users into ``out_dir`` (which must hold no export)."""
    for column in cognito_csv.REQUIRED_COLUMNS:
        if column not in rules.header:
            raise ExportError(f"the pool's CSV header has no {column} column")
    used = sorted(p.name for p in out_dir.glob(f"{FILE_PREFIX}*.csv")) if out_dir.exists() else []
    if used:
        raise ExportError(f"{out_dir} already holds an export ({used[0]}): export into a new directory")
    out_dir.mkdir(parents=True, exist_ok=True)
    result = ExportResult()
    writer = _SplitWriter(out_dir, rules.header, max_users=max_users, max_bytes=max_bytes)
    try:
        for batch in batches:
            for user in batch:
                result.legacy_users += 1
                row = rules.row(user, result.legacy_users)
                if isinstance(row, Excluded):
                    result.excluded.append(row)
                elif row is None:
                    result.in_pool += 1
                else:
                    writer.write(row)
                    result.exported += 1
            progress(len(batch))
    finally:
        result.files = writer.close()
    _write_excluded(out_dir / EXCLUDED_FILE, result.excluded)
    return result


class ExportRules(NamedTuple):
    """What decides a user's line: the trigger's mapper and reset policy, the pool's header and members, and
    ``in_ledger`` (legacy user name -> the ledger confirms Cognito created the user)."""

    mapper: AttributeMapper
    reset_policy: ResetPolicy
    header: Sequence[str]
    members: PoolMembers
    in_ledger: Callable[[str], bool] = lambda _name: False

    def row(self, user: LegacyUser | MalformedRecordError, number: int) -> str | Excluded | None:
        """The CSV line for one user, why the user is excluded, or None when the user is already in the pool."""
        if isinstance(user, MalformedRecordError):
            return Excluded(f"row {number}", Reason.MALFORMED_RECORD.value, str(user))
        if user.disabled:
            return Excluded(user.username, Reason.DISABLED.value)
        if user.locked_out:
            return Excluded(user.username, Reason.LOCKED_OUT.value)
        if self.in_ledger(user.username):
            return None
        sign_in = self._sign_in(user)
        if isinstance(sign_in, Excluded):
            return sign_in
        matched_by, login = sign_in
        try:
            attributes = dict(self.mapper.map(user, login=login, matched_by=matched_by).attributes)
        except CaseMismatchError as exc:
            return Excluded(user.username, Reason.CASE_MISMATCH.value, str(exc))
        except MappingError as exc:
            return Excluded(user.username, Reason.UNMAPPABLE.value, str(exc))
        by_attribute = bool(self.mapper.username_model.username_attributes)
        username = attributes[matched_by] if by_attribute else user.username
        attributes.pop("username", None)
        if self.members.holds(username, by_attribute=by_attribute):
            return None
        if not self.reset_policy.can_receive_code(attributes):
            return Excluded(
                user.username,
                Reason.NO_DELIVERY_CHANNEL.value,
                "no verified e-mail or phone number the pool recovers by: the user could never reset the password",
            )
        return self._line(user.username, username, attributes)

    def _sign_in(self, user: LegacyUser) -> tuple[LoginField, str] | Excluded:
        """The field and name the user would sign in with (a pool that names users by e-mail or phone)."""
        attributes = self.mapper.username_model.username_attributes
        if not attributes:
            return "username", user.username
        if "email" in attributes and user.email:
            return "email", user.email
        if "phone_number" in attributes and user.phone_number:
            return "phone_number", user.phone_number
        return Excluded(user.username, NO_SIGN_IN_ATTRIBUTE, "no e-mail address or phone number to sign in with")

    def _line(self, reference: str, username: str, attributes: dict[str, str]) -> str | Excluded:
        missing = sorted(set(attributes) - set(self.header))
        if missing:
            raise ExportError(f"the pool's CSV header has no column for the mapped attribute {missing[0]!r}")
        values = {**attributes, cognito_csv.USERNAME_COLUMN: username, cognito_csv.MFA_COLUMN: "false"}
        for column, value in values.items():
            why = cognito_csv.unwritable(value)
            if why is not None:
                return Excluded(reference, UNWRITABLE, f"{column} {why}")
        line = cognito_csv.format_row(self.header, values)
        if len(line) - 1 > cognito_csv.MAX_ROW_CHARACTERS:
            return Excluded(reference, ROW_TOO_LONG, f"longer than {cognito_csv.MAX_ROW_CHARACTERS} characters")
        return line


class _SplitWriter:
    """Writes lines into numbered files, each with the header, none above the user or byte limit."""

    def __init__(self, out_dir: Path, header: Sequence[str], *, max_users: int, max_bytes: int) -> None:
        self._dir = out_dir
        self._header = cognito_csv.format_header(header).encode("utf-8")
        if len(self._header) >= max_bytes:
            raise ExportError("the byte limit per file is smaller than the header")
        self._max_users = max_users
        self._max_bytes = max_bytes
        self._files: list[ExportFile] = []
        self._stream: IO[bytes] | None = None
        self._users = 0
        self._bytes = 0

    def write(self, line: str) -> None:
        data = line.encode("utf-8")
        if len(self._header) + len(data) > self._max_bytes:
            raise ExportError("a row is larger than the byte limit per file")
        if self._stream is None or self._users >= self._max_users or self._bytes + len(data) > self._max_bytes:
            self._next()
        if self._stream is not None:  # always, after _next()
            self._stream.write(data)
        self._users += 1
        self._bytes += len(data)

    def _next(self) -> None:
        self._finish()
        path = self._dir / f"{FILE_PREFIX}{len(self._files) + 1:04d}.csv"
        self._stream = path.open("wb")  # bytes: no BOM, no newline translation
        self._stream.write(self._header)
        self._files.append(ExportFile(path, 0, 0))
        self._users, self._bytes = 0, len(self._header)

    def _finish(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._files[-1] = ExportFile(self._files[-1].path, self._users, self._bytes)
            self._stream = None

    def close(self) -> list[ExportFile]:
        self._finish()
        return list(self._files)


def _write_excluded(path: Path, excluded: list[Excluded]) -> None:
    """The users left out, as a plain CSV (reference, reason, detail) for people to read."""
    with path.open("w", encoding="utf-8", newline="") as stream:
        out = csv.writer(stream)
        out.writerow(["reference", "reason", "detail"])
        out.writerows(excluded)

"""The audit of a whole legacy store: every row through the trigger's own rules, without a password.

:class:`Auditor` receives the objects the trigger uses (the verifier for schemes and cost caps, the mapper
for Cognito's attribute rules and the pool's username model) and reads rows in batches from any iterable;
it never verifies a password and never writes to the store. Per row it costs a scheme identification, a
header parse, the attribute checks and a keyed hash: memory stays flat (see :mod:`.report` and
:mod:`.duplicates`), so a million rows are a matter of seconds.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Final, NamedTuple

from cognito_migrate import hashing
from cognito_migrate.audit.duplicates import DuplicateFinder
from cognito_migrate.audit.kinds import Kind
from cognito_migrate.audit.report import Report
from cognito_migrate.errors import BackendNotAvailableError, MalformedRecordError, MappingError
from cognito_migrate.hashing.cost import cost_of, over_limit
from cognito_migrate.mapping.identity import UsernameShapeError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from cognito_migrate.hashing.cost import Cost
    from cognito_migrate.mapping import AttributeMapper
    from cognito_migrate.mapping.identity import LoginField
    from cognito_migrate.models import LegacyUser
    from cognito_migrate.verifier import PasswordVerifier

    Row = LegacyUser | MalformedRecordError

UNIDENTIFIED: Final = "unidentified"
NO_PASSWORD: Final = "no_password"
STORE_CHECKED: Final = "checked_by_store"
"""The scheme row of users whose store checks passwords itself (an LDAP directory in bind mode): no hash to read."""
# Django marks an unusable password (social sign-in only) with this prefix; such users have no password
UNUSABLE_PREFIX: Final = "!"
_NAME, _EMAIL, _PHONE = 0, 1, 2
_SPACE_DETAIL: Final = {_EMAIL: "email", _PHONE: "phone_number"}


class Partial(NamedTuple):
    """One worker's share of an audit: its counts, the extras its rows need, and its file of keys."""

    report: Report
    data_extras: frozenset[str]
    keys_directory: str


class Auditor:
    """Feeds rows into a :class:`Report`. One auditor per run; :meth:`finish` closes it."""

    def __init__(
        self,
        *,
        verifier: PasswordVerifier,
        mapper: AttributeMapper,
        user_ref: Callable[[str], str],
        fold_name: Callable[[str], str],
        installed: Callable[[str], bool],
        can_receive_code: Callable[[dict[str, str]], bool],
        extras: Iterable[str] = (),
        scratch_dir: str | None = None,
        store_checks_passwords: bool = False,
    ) -> None:
        """``fold_name`` turns a legacy name into the name the pool (and the store's lookup) sees;
        ``installed`` says whether an extra is installed here; ``can_receive_code`` whether a user with these
        attributes has a verified channel the pool recovers by (the reset policy's own rule); ``extras`` are
        those the configuration needs; ``store_checks_passwords`` that the store checks passwords itself, so a
        user without a hash is counted as ``checked_by_store``, not ``no_password``."""
        self._store_checks = store_checks_passwords
        self._verifier = verifier
        self._mapper = mapper
        self._model = mapper.username_model
        self._ref = user_ref
        self._fold = fold_name
        self._installed = installed
        self._can_receive_code = can_receive_code
        self._sign_in = {*self._model.username_attributes, *self._model.alias_attributes}
        self._backends: dict[str, str | None] = {}
        self._costs: dict[Cost, tuple[str, str | None]] = {}
        self._data_extras: set[str] = set()
        self._config_extras = set(extras)
        self._dupes = DuplicateFinder(scratch_dir)
        self._start = time.monotonic()
        self.report = Report()

    # ----------------------------------------------------------------------------------------- rows

    def add_batch(self, rows: Sequence[Row]) -> None:
        for row in rows:
            self.add(row)

    def add(self, row: Row) -> None:
        """One row: a user, or a row the store could not read."""
        report = self.report
        report.users += 1
        if isinstance(row, MalformedRecordError):
            report.tally(Kind.UNREADABLE_ROW).add(None, f"{row.column}: {row.problem}")
            return
        ref = self._ref(row.username)
        self._hash(row, ref)
        if row.disabled:
            report.tally(Kind.DISABLED_OR_LOCKED).add(ref, "disabled")
        elif row.locked_out:
            report.tally(Kind.DISABLED_OR_LOCKED).add(ref, "locked out")
        attributes = self._attributes(row, ref)
        if attributes is None:  # refused: its reason is counted, a recovery channel would not help
            attributes = {}
        elif not self._can_receive_code(attributes):
            report.tally(Kind.NO_RECOVERY_CHANNEL).add(ref)
        self._dupes.add(_NAME, self._fold(row.username), ref)
        if "email" in self._sign_in and row.email and row.email.strip():
            self._dupes.add(_EMAIL, row.email.strip().lower(), ref)
        if "phone_number" in self._sign_in and row.phone_number:
            self._dupes.add(_PHONE, attributes.get("phone_number") or row.phone_number.strip(), ref)

    def _hash(self, user: LegacyUser, ref: str) -> None:
        report = self.report
        credential = user.credential
        if credential is None and self._store_checks:
            report.schemes[STORE_CHECKED] += 1
            return
        if credential is None or not credential.stored or credential.stored.startswith(UNUSABLE_PREFIX):
            report.schemes[NO_PASSWORD] += 1
            return
        scheme = self._verifier.scheme_of(credential)
        if scheme is None or scheme not in hashing.SCHEMES:
            report.schemes[UNIDENTIFIED] += 1
            report.tally(Kind.UNSUPPORTED_HASH).add(ref, "not identified: set [hashing] scheme")
            return
        report.schemes[scheme] += 1
        missing = self._backend(scheme)
        if missing is not None:
            report.tally(Kind.UNSUPPORTED_HASH).add(ref, missing)
        cost = cost_of(scheme, credential.stored)
        if cost is not None:
            # a store holds few distinct costs: each one's label and verdict are worked out once
            known = self._costs.get(cost)
            if known is None:
                known = self._costs[cost] = (cost.label, over_limit(cost, self._verifier.limits))
            label, exceeded = known
            report.add_cost(scheme, label)
            if exceeded is not None:
                report.tally(Kind.OVER_COST_LIMIT).add(ref, f"{scheme}: {exceeded}")

    def _backend(self, scheme: str) -> str | None:
        """Why the scheme cannot be verified here (with the pip line), or None; once per scheme."""
        if scheme not in self._backends:
            extra = hashing.SCHEMES[scheme].extra
            if extra:
                self._data_extras.add(extra)
            self._backends[scheme] = hashing.missing_backend(scheme)
        return self._backends[scheme]

    def _login(self, user: LegacyUser) -> tuple[str, LoginField, bool]:
        """What the user types, as the pool's username model sees it, and whether the pool's sign-in
        attribute is missing (an email-as-username pool, a user without an e-mail address)."""
        fields: tuple[LoginField, ...] = ()
        for name in self._model.username_attributes:
            if name == "email":
                fields += ("email",)
                if user.email:
                    return user.email, "email", False
            elif name == "phone_number":
                fields += ("phone_number",)
                if user.phone_number:
                    return user.phone_number, "phone_number", False
        if fields:
            return user.username, fields[0], True
        return user.username, "username", False

    def _attributes(self, user: LegacyUser, ref: str) -> dict[str, str] | None:
        """The attributes the trigger would return (None: it refuses the user); what it drops or refuses is
        counted per attribute."""
        report = self.report
        if self._mapper.needs_phonenumbers(user):
            self._data_extras.add("phone")
        login, matched_by, missing = self._login(user)
        if missing:
            wanted = " or ".join(self._model.username_attributes)
            report.tally(Kind.UNMAPPABLE_ATTRIBUTE).add(ref, f"{wanted}: missing, and the pool signs in with it")
            return None
        try:
            mapped = self._mapper.map(user, login=login, matched_by=matched_by)
        except UsernameShapeError as exc:
            kind = Kind.EMAIL_SHAPED_USERNAME if exc.shape == "email" else Kind.UNMAPPABLE_ATTRIBUTE
            report.tally(kind).add(ref, "" if exc.shape == "email" else f"username: {exc.problem}")
            return None
        except MappingError as exc:  # the trigger refuses this user
            report.tally(Kind.UNMAPPABLE_ATTRIBUTE).add(ref, f"{exc.attribute}: {exc.problem} (user refused)")
            return None
        except BackendNotAvailableError as exc:
            report.tally(Kind.UNMAPPABLE_ATTRIBUTE).add(ref, f"phone_number: needs the {exc.extra} extra")
            return None
        for dropped in mapped.dropped:  # the user migrates without it (``[mapping] on_invalid = "drop"``)
            report.tally(Kind.UNMAPPABLE_ATTRIBUTE).add(ref, f"{dropped} (dropped)")
        if user.groups_problem is not None:  # the user migrates; the group step assigns no group
            column, problem = user.groups_problem
            report.tally(Kind.UNMAPPABLE_ATTRIBUTE).add(ref, f"groups ({column}): {problem} (no groups assigned)")
        return mapped.attributes

    # ------------------------------------------------------------------------------ worker processes

    def partial(self) -> Partial:
        """What this auditor saw, for another one to :meth:`absorb` (it is closed after this)."""
        return Partial(self.report, frozenset(self._data_extras), self._dupes.detach())

    def absorb(self, part: Partial) -> None:
        """Add what another auditor saw of the same store (see :mod:`.parallel`)."""
        self.report.merge(part.report)
        self._data_extras |= part.data_extras
        self._dupes.absorb(part.keys_directory)

    # --------------------------------------------------------------------------------------- the end

    def close(self) -> None:
        """Give up (the scan failed): delete the scratch file."""
        self._dupes.close()

    def finish(self) -> Report:
        """Find the shared names and aliases, work out the extras, and close the scratch file."""
        report = self.report
        try:
            for space, refs in self._dupes.groups():
                kind = Kind.CASE_COLLISION if space == _NAME else Kind.DUPLICATE_EMAIL
                tally = report.tally(kind)
                tally.count += len(refs)
                tally.details.add(_SPACE_DETAIL.get(space, "username"), len(refs))
                if len(tally.examples) < 3:
                    tally.examples.append(" = ".join(refs[:4]) + (" = ..." if len(refs) > 4 else ""))
        finally:
            self._dupes.close()
        extras = self._config_extras | self._data_extras
        report.extras = sorted(extras)
        missing = sorted(extra for extra in extras if not self._installed(extra))
        for extra in missing:
            report.tally(Kind.MISSING_EXTRA).add(None, f"pip install 'cognito-migrate[{extra}]'")
        report.seconds = time.monotonic() - self._start
        return report


def audit(rows: Iterable[Sequence[Row]], auditor: Auditor, progress: Callable[[int], None] | None = None) -> Report:
    """Run every batch of ``rows`` through ``auditor``; ``progress(n)`` is told each batch's size."""
    try:
        for batch in rows:
            auditor.add_batch(batch)
            if progress is not None:
                progress(len(batch))
    except BaseException:
        auditor.close()
        raise
    return auditor.finish()

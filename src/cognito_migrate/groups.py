"""Legacy roles and groups to Cognito groups, once Cognito holds the user.

The migrate trigger's answer cannot carry groups, so the post-authentication and post-confirmation triggers
(the same function, attached to them) assign them: :class:`GroupAssigner` looks the user up again in the
legacy store by the names Cognito knows them by (no password is involved), reads their legacy groups
(:meth:`~cognito_migrate.stores.base.UserStore.groups`), maps them with :class:`GroupMap` and adds the user
to each group with ``AdminAddUserToGroup`` (idempotent: a member stays a member).

When it runs: with a ledger, at each confirmation of a user the trigger migrated until one assignment is
complete (the ledger notes it; a missing group, a throttled call or a spent deadline is retried at the next
sign-in; later sign-ins cost a ledger read, no legacy lookup); without one, at every sign-in (it cannot tell
a first one). Whose groups: the user is looked up by Cognito's user name and by an
e-mail or phone number only when Cognito verified it (the handler picks the names).

It never raises: the sign-in has already succeeded, and the log line (with the
``GroupsAssigned`` / ``GroupsFailed`` metrics) says what was added and what failed, naming a group that
does not exist in the pool.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from cognito_migrate.cognito_rules import MAX_GROUPS_PER_USER, group_name_problem
from cognito_migrate.errors import AmbiguousLoginError, LegacyUnavailableError, MalformedRecordError
from cognito_migrate.mapping.identity import same_login

# no ``from __future__ import annotations``: the NamedTuples below would compile their string annotations at
# import (docs/architecture.md, "cold path"); names only the type checker needs are quoted instead
if TYPE_CHECKING:
    from cognito_migrate.cognito_api import CognitoAdmin
    from cognito_migrate.mapping.identity import LoginField
    from cognito_migrate.models import Deadline
    from cognito_migrate.stores.base import LookupResult, UserStore

MISSING_GROUP = "ResourceNotFoundException"  # AdminAddUserToGroup's answer for a group (or user) the pool lacks


class GroupMap(NamedTuple):
    """``[groups]``: legacy name -> Cognito group; unmapped names dropped, or copied when ``copy_unmapped``."""

    mapping: Mapping[str, str]
    copy_unmapped: bool = False

    def cognito_groups(self, legacy: Iterable[str]) -> tuple[list[str], list[str]]:
        """(the Cognito groups to assign, in order and each once; the unmapped names refused as group names)."""
        groups: dict[str, None] = {}
        refused: list[str] = []
        for name in legacy:
            target = self.mapping.get(name)
            if target is None and self.copy_unmapped:
                if group_name_problem(name) is not None:
                    refused.append(name)
                    continue
                target = name
            if target is not None:
                groups[target] = None
        return list(groups)[:MAX_GROUPS_PER_USER], refused


class Assignment(NamedTuple):
    """What one assignment did (for the log line); ``failed`` maps a group to why it could not be added."""

    found: bool
    added: tuple[str, ...] = ()
    failed: Mapping[str, str] = {}
    refused: tuple[str, ...] = ()
    problem: str | None = None  # why nothing was looked up or added (the store was down, ambiguous...)

    @property
    def missing(self) -> tuple[str, ...]:
        """Groups the pool does not have (create them: the SAM template's ``GroupNames``)."""
        return tuple(g for g, why in self.failed.items() if why == MISSING_GROUP)


class GroupAssigner:
    """Finds the user's legacy groups and adds the user to the mapped Cognito groups."""

    def __init__(
        self,
        store: "UserStore",
        group_map: GroupMap,
        *,
        fields: Sequence["LoginField"],
        admin: Callable[[str], "CognitoAdmin"],
        case_sensitive: bool = False,
        call_timeout: float = 1.0,
    ) -> None:
        self._store = store
        self._map = group_map
        self._fields = fields
        self._case_sensitive = case_sensitive
        self._admin = admin  # region -> client (built on first use, kept per region)
        self._clients: dict[str, CognitoAdmin] = {}
        self._call_timeout = call_timeout

    def assign(
        self, *, pool_id: str, region: str, username: str, names: Sequence[str], deadline: "Deadline"
    ) -> Assignment:
        """Add Cognito's ``username`` of ``pool_id`` to its mapped groups; ``names`` are what Cognito knows the
        user by (user name, e-mail, phone number), tried in order against the legacy store."""
        try:
            user = None
            for name in dict.fromkeys(names):
                found = self._store.find(name, fields=self._fields, deadline=deadline)
                if found is not None and self._owns(found, name):
                    user = found.user
                    break
            if user is None:
                return Assignment(found=False)
            legacy = self._store.groups(user, deadline)
        except (LegacyUnavailableError, MalformedRecordError, AmbiguousLoginError) as exc:
            return Assignment(found=False, problem=str(exc))
        groups, refused = self._map.cognito_groups(legacy)
        added: list[str] = []
        failed: dict[str, str] = {}
        if groups:
            from cognito_migrate.cognito_api import CognitoApiError

            client = self._clients.get(region) or self._clients.setdefault(region, self._admin(region))
            for group in groups:
                try:
                    client.add_user_to_group(pool_id, username, group, deadline.timeout(self._call_timeout))
                except CognitoApiError as exc:
                    failed[group] = exc.kind
                else:
                    added.append(group)
        return Assignment(found=True, added=tuple(added), failed=failed, refused=tuple(refused))

    def _owns(self, found: "LookupResult", name: str) -> bool:
        """Whether the legacy value the store matched is ``name`` under the pool's case rule, as the migration
        demands: a store that matches more loosely (a case-insensitive collation, LDAP's caseIgnoreMatch)
        finds alice for ``ALICE``, another user of a case-sensitive pool, who must not get alice's groups."""
        user = found.user
        legacy = {"username": user.username, "email": user.email, "phone_number": user.phone_number}[found.matched_by]
        if legacy is None:
            return False
        if found.matched_by == "phone_number":
            return legacy == name  # digits have no case; both in E.164
        return same_login(name, legacy, case_sensitive=self._case_sensitive)

"""The problem kinds ``cognito-migrate audit`` reports: one declaration, read by the report, the JSON output
and the generated table of docs/audit.md."""

from __future__ import annotations

import enum
from typing import Final


class Kind(enum.StrEnum):
    """A kind of problem; the value is the name in the JSON output (scripts match on it)."""

    UNSUPPORTED_HASH = "unsupported_hash"
    OVER_COST_LIMIT = "over_cost_limit"
    UNMAPPABLE_ATTRIBUTE = "unmappable_attribute"
    CASE_COLLISION = "case_collision"
    DUPLICATE_EMAIL = "duplicate_email"
    EMAIL_SHAPED_USERNAME = "email_shaped_username"
    NO_RECOVERY_CHANNEL = "no_recovery_channel"
    DISABLED_OR_LOCKED = "disabled_or_locked"
    UNINDEXED_LOOKUP = "unindexed_lookup"
    MISSING_EXTRA = "missing_extra"
    UNREADABLE_ROW = "unreadable_row"


DESCRIPTIONS: Final[dict[Kind, str]] = {
    Kind.UNSUPPORTED_HASH: "rows whose hash no scheme identifies (set `[hashing] scheme`), or whose scheme's "
    "backend is not installed here: these users can never sign in through the trigger",
    Kind.OVER_COST_LIMIT: "rows whose cost parameters exceed `[hashing.limits]`: the trigger refuses them "
    "before hashing (raise the cap, and the Lambda memory, if the rows are genuine)",
    Kind.UNMAPPABLE_ATTRIBUTE: "rows whose attributes break Cognito's rules (e-mail syntax, E.164 phone, value "
    "length, a missing mapped column), counted per attribute",
    Kind.CASE_COLLISION: "legacy users whose names the pool's case rule (or the store's normalization) makes one "
    "name, such as `sam` and `Sam` in a case-insensitive pool: whoever signs in first wins, the other never migrates",
    Kind.DUPLICATE_EMAIL: "one e-mail address or phone number on several users, in a pool that signs in with it "
    "or uses it as an alias: a sign-in by it is ambiguous and the second user's alias is refused",
    Kind.EMAIL_SHAPED_USERNAME: "user names that look like an e-mail address in a pool with an e-mail alias "
    "(Cognito refuses them)",
    Kind.NO_RECOVERY_CHANNEL: "users without a verified e-mail or phone number the pool recovers by "
    "(`[pool] recovery`): forgot-password cannot migrate them, and a RESET_REQUIRED migration cannot send "
    "them a code",
    Kind.DISABLED_OR_LOCKED: "disabled or currently locked-out accounts, for the record (the trigger rejects them)",
    Kind.UNINDEXED_LOOKUP: "a lookup query the database answers by scanning the table (EXPLAIN), with the index "
    "to create",
    Kind.MISSING_EXTRA: "a hash scheme, driver or phone format present in the data whose extra is not installed "
    "here, with the `pip install` line",
    Kind.UNREADABLE_ROW: "rows the store cannot read (a flag that is not a boolean, a date that is not a date), "
    "per column: the trigger rejects these users",
}


def docs_table() -> str:
    """The Markdown table of every kind, as docs/audit.md shows it."""
    lines = ["| kind | what it counts |", "|---|---|"]
    lines += [f"| `{kind.value}` | {DESCRIPTIONS[kind]} |" for kind in Kind]
    return "\n".join(lines) + "\n"


BEGIN: Final = "<!-- BEGIN problem kinds: generated from cognito_migrate.audit.kinds; do not edit by hand -->\n"
END: Final = "<!-- END problem kinds -->"


def with_table(page: str) -> str:
    """``page`` (docs/audit.md) with the generated table between its markers."""
    head, _, rest = page.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}{docs_table()}{END}{tail}"


if __name__ == "__main__":  # python -m cognito_migrate.audit.kinds docs/audit.md: rewrite the table
    import sys

    with open(sys.argv[1], encoding="utf-8") as handle:  # noqa: PTH123
        text = handle.read()
    with open(sys.argv[1], "w", encoding="utf-8") as handle:  # noqa: PTH123
        handle.write(with_table(text))

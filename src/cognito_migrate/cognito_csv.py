"""Cognito's user-import CSV format: its limits, and how a row is written and read (stdlib only).

Declared once here; ``cognito-migrate export`` writes with it and the local Cognito's import jobs read with
it. The rules are the developer guide's ("Creating the user import .csv file", see docs/local-cognito.md):

- the header is the pool's own (``GetCSVHeader``); ``cognito:username`` and ``cognito:mfa_enabled`` are
  required columns;
- UTF-8 without a byte-order mark; at most 100 MB, 500,000 users and 16,000 characters per row in one file;
- a comma inside a value is escaped with a backslash (``\\,``); values are not quoted.

The guide says nothing about a line break inside a value, or a value that ends with a backslash (it would
read as an escaped separator): :func:`unwritable` names such values so that the user is listed apart instead
of being written into a file Cognito would misread.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

USERNAME_COLUMN: Final = "cognito:username"
MFA_COLUMN: Final = "cognito:mfa_enabled"
REQUIRED_COLUMNS: Final = (USERNAME_COLUMN, MFA_COLUMN)
MAX_USERS_PER_FILE: Final = 500_000
MAX_BYTES_PER_FILE: Final = 100 * 1024 * 1024
MAX_ROW_CHARACTERS: Final = 16_000
BOM: Final = b"\xef\xbb\xbf"
BOOLEAN_COLUMNS: Final = (MFA_COLUMN, "email_verified", "phone_number_verified")
_SEPARATOR = re.compile(r"(?<!\\),")


def unwritable(value: str) -> str | None:
    """Why ``value`` cannot be written into a Cognito import CSV, or None when it can."""
    if "\n" in value or "\r" in value:
        return "contains a line break"
    if value.endswith("\\"):
        return "ends with a backslash"
    return None


def escape(value: str) -> str:
    """A value as a CSV cell: commas escaped with a backslash (check :func:`unwritable` first)."""
    return value.replace(",", "\\,")


def format_row(header: Sequence[str], values: Mapping[str, str]) -> str:
    """One line (with its ``\\n``) holding ``values`` under ``header``; absent columns are empty."""
    return ",".join(escape(values.get(column, "")) for column in header) + "\n"


def format_header(header: Sequence[str]) -> str:
    return ",".join(header) + "\n"


def parse_row(line: str) -> list[str]:
    """The cells of one line (without its line break): split at unescaped commas, ``\\,`` read as ``,``."""
    return [cell.replace("\\,", ",") for cell in _SEPARATOR.split(line)]

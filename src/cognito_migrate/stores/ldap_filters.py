"""LDAP search filter templates (RFC 4515) with a ``{username}`` placeholder: checked once, filled safely.

Standard library only: the configuration checks a template when it loads, before (and without) ldap3.
The value put in the placeholder is escaped by the caller with ldap3's ``escape_filter_chars`` (``*``,
``(``, ``)``, ``\\`` and NUL become ``\\2a``...), so a typed name is always one literal value, never
filter syntax.
"""

from __future__ import annotations

from typing import Final

PLACEHOLDER: Final = "{username}"


def filter_problem(template: str) -> str | None:
    """Why ``template`` is not a usable filter template, or None.

    One parenthesized filter (``(uid={username})``, ``(|(mail={username})(uid={username}))``) with balanced
    parentheses, the placeholder at least once, and no other braces (a typo such as ``{user}`` would
    otherwise be searched for literally and match nobody, silently).
    """
    text = template.strip()
    if PLACEHOLDER not in text:
        return "must contain the placeholder {username}, e.g. (uid={username})"
    if text.replace(PLACEHOLDER, "").count("{") or text.replace(PLACEHOLDER, "").count("}"):
        return "the only placeholder is {username}"
    if not (text.startswith("(") and text.endswith(")")):
        return "expected one filter in parentheses, e.g. (uid={username})"
    depth = 0
    for position, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0 or (depth == 0 and position != len(text) - 1):
                return "unbalanced parentheses: expected one filter, e.g. (&(objectClass=person)(uid={username}))"
    return None if depth == 0 else "unbalanced parentheses"


def fill(template: str, escaped: str) -> str:
    """The template with every placeholder replaced by ``escaped`` (already escaped, or ``*`` for presence)."""
    return template.strip().replace(PLACEHOLDER, escaped)


def every_user(template: str) -> str:
    """The filter that matches every user the template can match (each compared attribute present).

    ``(uid={username})`` gives ``(uid=*)``; used for ``audit``'s listing and the hash mode's sample.
    """
    return fill(template, "*")

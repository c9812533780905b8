"""LDAP search filter templates (RFC 4515) with a ``{username}`` placeholder: checked once, filled safely; and
the value of a DN's first RDN (RFC 4514), the name of a group from its DN, and whether a DN lies below
another (where the groups live).

Standard library only: the configuration checks a template when it loads, before (and without) ldap3.
The value put in the placeholder is escaped by the caller with ldap3's ``escape_filter_chars`` (``*``,
``(``, ``)``, ``\\`` and NUL become ``\\2a``...), so a typed name is always one literal value, never
filter syntax.
"""

from __future__ import annotations

import re
from typing import Final

PLACEHOLDER: Final = "{username}"


DN_PLACEHOLDER: Final = "{dn}"
_PLACEHOLDERS: Final = re.compile(r"\{username\}|\{dn\}")


def filter_problem(template: str) -> str | None:
    """Why ``template`` is not a usable filter template, or None.

    One parenthesized filter (``(uid={username})``, ``(|(mail={username})(uid={username}))``) with balanced
    parentheses, the placeholder at least once, and no other braces (a typo such as ``{user}`` would
    otherwise be searched for literally and match nobody, silently).
    """
    text = template.strip()
    if PLACEHOLDER not in text:
        return "must contain the placeholder {username}, e.g. (uid={username})"
    return _shape_problem(text, (PLACEHOLDER,))


def group_filter_problem(template: str) -> str | None:
    """Why ``template`` is not a usable group filter, or None: like :func:`filter_problem`, with ``{dn}`` (the
    user's DN) or ``{username}`` (the legacy user name), e.g. ``(&(objectClass=groupOfNames)(member={dn}))``."""
    text = template.strip()
    if DN_PLACEHOLDER not in text and PLACEHOLDER not in text:
        return "must contain the placeholder {dn} or {username}, e.g. (&(objectClass=groupOfNames)(member={dn}))"
    return _shape_problem(text, (DN_PLACEHOLDER, PLACEHOLDER))


def _shape_problem(text: str, placeholders: tuple[str, ...]) -> str | None:
    bare = text
    for placeholder in placeholders:
        bare = bare.replace(placeholder, "")
    if "{" in bare or "}" in bare:
        return f"the only placeholder{'s are' if len(placeholders) > 1 else ' is'} {' and '.join(placeholders)}"
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


def fill(template: str, escaped: str, *, dn: str | None = None) -> str:
    """The template with every ``{username}`` replaced by ``escaped`` (already escaped, or ``*`` for presence),
    and every ``{dn}`` by ``dn`` (escaped too)."""
    values = {PLACEHOLDER: escaped, DN_PLACEHOLDER: dn if dn is not None else DN_PLACEHOLDER}
    # one pass: a value that happens to contain "{dn}" is never filled in again
    return _PLACEHOLDERS.sub(lambda match: values[match.group(0)], template.strip())


def rdn_value(dn: str) -> str:
    """The value of a DN's first RDN, unescaped (RFC 4514): ``cn=Staff\\, Berlin,ou=groups,...`` gives
    ``Staff, Berlin``; ``\\2C``-style hex escapes are UTF-8 bytes. A value that is not a DN comes back as is."""
    _, equals, rest = dn.partition("=")
    if not equals:
        return dn
    return _unescaped(rest, 0)[0].strip()


def dn_key(dn: str) -> tuple[frozenset[tuple[str, str]], ...]:
    """A DN in a form two spellings of it share: each RDN's (type, value) pairs, types lower-cased and values
    unescaped and case-folded (the attributes that name entries, ``cn``, ``ou``, ``dc``, compare so)."""
    rdns: list[frozenset[tuple[str, str]]] = []
    pairs: list[tuple[str, str]] = []
    i = 0
    while i < len(dn):
        name, equals, _ = dn[i:].partition("=")
        if not equals:
            raise ValueError("not a DN")
        value, i = _unescaped(dn, i + len(name) + 1)
        pairs.append((name.strip().lower(), value.strip().casefold()))
        separator = dn[i] if i < len(dn) else ","
        i += 1
        if separator == ",":
            rdns.append(frozenset(pairs))
            pairs = []
    return tuple(rdns)


def is_under(dn: str, base: str) -> bool:
    """Whether the entry ``dn`` lies below ``base`` (any depth; never ``base`` itself); False for a non-DN."""
    try:
        entry, root = dn_key(dn), dn_key(base)
    except ValueError:
        return False
    return len(entry) > len(root) and entry[len(entry) - len(root) :] == root


def _unescaped(text: str, start: int) -> tuple[str, int]:
    """The attribute value that starts at ``start``, unescaped, and where it ends (a ``,`` or ``+`` or the end)."""
    out = bytearray()
    i = start
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            pair = text[i + 1 : i + 3]
            if len(pair) == 2 and all(c in "0123456789abcdefABCDEF" for c in pair):
                out.append(int(pair, 16))
                i += 3
                continue
            out += text[i + 1].encode()
            i += 2
            continue
        if char in ",+":
            break
        out += char.encode()
        i += 1
    return out.decode("utf-8", "replace"), i


def every_user(template: str) -> str:
    """The filter that matches every user the template can match (each compared attribute present).

    ``(uid={username})`` gives ``(uid=*)``; used for ``audit``'s listing and the hash mode's sample.
    """
    return fill(template, "*")

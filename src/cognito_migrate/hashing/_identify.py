"""Which scheme wrote a stored value, for self-describing formats only.

Dispatch is on the first character, then on a short prefix, so that a million mixed values take about a
second. Ambiguous forms return None and need an explicit scheme: bare hex digests (md5? sha1? MySQL without
``*``? salted?), Django's and old Werkzeug's salted ``sha1$salt$hex`` (different constructions), bare
13-character DES crypt, base64 blobs that are not ASP.NET Identity's.
"""

from __future__ import annotations

import binascii

from cognito_migrate.hashing._catalogue import SCHEMES

_HEX = frozenset("0123456789abcdefABCDEF")


def is_hex(value: str, length: int) -> bool:
    """``length`` hex digits (kept here so that identify() imports nothing but binascii)."""
    return len(value) == length and _HEX.issuperset(value)


def _tables() -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]:
    """The catalogue's prefixes by shape: ``$...``, ``{tag}`` exact, ``{tag}`` any case, ``head$`` (Django's)."""
    dollar: dict[str, str] = {}
    brace: dict[str, str] = {}
    brace_folded: dict[str, str] = {}
    head: dict[str, str] = {}
    for info in SCHEMES.values():
        for prefix in info.prefixes:
            if prefix[0] == "$":
                dollar[prefix] = info.id
            elif prefix[0] == "{" and info.prefixes_any_case:
                brace_folded[prefix.lower()] = info.id
            elif prefix[0] == "{":
                brace[prefix] = info.id
            else:
                head[prefix] = info.id
    return dollar, brace, brace_folded, head


_DOLLAR_PREFIXES, _BRACE_PREFIXES, _BRACE_ANY_CASE, _HEAD_PREFIXES = _tables()
_DOLLAR_BY_LENGTH = sorted({len(p) for p in _DOLLAR_PREFIXES})
_HEAD_BY_LENGTH = sorted({len(p) for p in _HEAD_PREFIXES}, reverse=True)
_SPRING = _BRACE_PREFIXES["{bcrypt}"]
_WERKZEUG = _HEAD_PREFIXES["plain$"]
_GENERIC_PBKDF2 = frozenset({"sha1", "sha256", "sha512"})


def identify(stored: str) -> str | None:  # noqa: PLR0912 - one flat dispatch reads best
    """The scheme id of a self-describing stored value, or None when it cannot be told (never raises)."""
    if not isinstance(stored, str) or not stored:
        return None
    first = stored[0]
    if first == "$":
        for length in _DOLLAR_BY_LENGTH:
            scheme = _DOLLAR_PREFIXES.get(stored[:length])
            if scheme is not None:
                return scheme
        return None
    if first == "{":
        if stored.startswith('{"'):
            return _keycloak(stored)
        end = stored.find("}", 1, 40)
        if end < 0:
            return None
        tag = stored[: end + 1]
        rest = stored[end + 1 :]
        scheme = _BRACE_PREFIXES.get(tag)
        if scheme is not None:
            return scheme
        digest = rest.rsplit("}", 1)[-1]
        if tag in {"{MD5}", "{SHA-256}"} and (rest.startswith("{") or is_hex(digest, 32 if tag == "{MD5}" else 64)):
            # Spring's MessageDigestPasswordEncoder writes hex, after an optional {salt}; LDAP writes base64
            return _SPRING
        return _BRACE_ANY_CASE.get(tag.lower())
    if first == "*":
        return "mysql41" if is_hex(stored[1:], 40) else None
    if first == "A":
        return _aspnet_identity(stored)
    dollar = stored.find("$")
    if dollar > 0:
        return _dollar_separated(stored, stored[:dollar])
    colon = stored.find(":")
    if colon > 0 and stored[:colon] in _GENERIC_PBKDF2 and stored.count(":") in (3, 4):
        return "pbkdf2_generic"
    return None


def _dollar_separated(stored: str, head: str) -> str | None:
    """Django ``alg$...``, Werkzeug ``method$salt$hex``, Drupal's ``U$S$``: catalogue prefixes, then rules."""
    for length in _HEAD_BY_LENGTH:  # longest first: md5$$ (Django unsalted) before any shorter prefix
        scheme = _HEAD_PREFIXES.get(stored[:length])
        if scheme is not None:
            return scheme
    if head.startswith("pbkdf2:"):
        # pbkdf2:sha256$... without an iteration count was verified with the writing Werkzeug version's default
        # (50,000 to 1,000,000): ambiguous, it needs scheme="werkzeug" and params.default_iterations.
        return _WERKZEUG if head.count(":") == 2 else None
    if head.startswith("scrypt:"):
        return _WERKZEUG
    # salted sha1$salt$hex / md5$salt$hex: Django H(salt+pw) and Werkzeug HMAC(salt, pw) look the same
    return None


def _aspnet_identity(stored: str) -> str | None:
    """A base64 blob whose marker byte and layout are ASP.NET Identity's."""
    if len(stored) > 1024 or not (stored.startswith("AQAAAA") or len(stored) == 68):
        return None
    if not stored.isascii():
        return None
    try:
        blob = binascii.a2b_base64(stored, strict_mode=True)
    except (binascii.Error, ValueError):
        return None
    if blob[0] == 0 and len(blob) == 49:
        return "aspnet_identity_v2"
    if blob[0] == 1 and len(blob) >= 13 + 16 + 16 and blob[1:4] == b"\0\0\0" and blob[4] <= 2:
        salt_len = int.from_bytes(blob[9:13], "big")
        if 16 <= salt_len <= len(blob) - 13 - 16:
            return "aspnet_identity_v3"
    return None


def _keycloak(stored: str) -> str | None:
    """Keycloak's credential as one JSON object with ``secretData`` and ``credentialData``."""
    if '"secretData"' in stored and '"credentialData"' in stored:
        return "keycloak_pbkdf2"
    return None

"""Which scheme wrote a stored value, for self-describing formats only.

Dispatch is on the first character, then on a short prefix, so that a million mixed values take about a
second. Ambiguous forms return None and need an explicit scheme: bare hex digests (md5? sha1? MySQL without
``*``? salted?), Django's and old Werkzeug's salted ``sha1$salt$hex`` (different constructions), bare
13-character DES crypt, base64 blobs that are not ASP.NET Identity's.
"""

from __future__ import annotations

import binascii

_HEX = frozenset("0123456789abcdefABCDEF")


def is_hex(value: str, length: int) -> bool:
    """``length`` hex digits (kept here so that identify() imports nothing but binascii)."""
    return len(value) == length and _HEX.issuperset(value)


_DOLLAR_PREFIXES: dict[str, str] = {
    "$2a$": "bcrypt",
    "$2b$": "bcrypt",
    "$2y$": "bcrypt",
    "$2x$": "bcrypt",
    "$1$": "md5_crypt",
    "$5$": "sha256_crypt",
    "$6$": "sha512_crypt",
    "$7$": "scrypt_crypt7",
    "$y$": "yescrypt",
    "$P$": "phpass",
    "$H$": "phpass",
    "$S$": "drupal7",
    "$wp$": "wordpress_bcrypt",
    "$apr1$": "apr1_md5_crypt",
    "$argon2i$": "argon2",
    "$argon2d$": "argon2",
    "$argon2id$": "argon2",
    "$pbkdf2$": "passlib_pbkdf2",
    "$pbkdf2-sha256$": "passlib_pbkdf2",
    "$pbkdf2-sha512$": "passlib_pbkdf2",
    "$episerver$": "episerver_membership",
}
_DOLLAR_BY_LENGTH = sorted({len(p) for p in _DOLLAR_PREFIXES})

_BRACE_PREFIXES: dict[str, str] = {
    "{md5}": "ldap_md5",
    "{smd5}": "ldap_smd5",
    "{sha}": "ldap_sha",
    "{ssha}": "ldap_ssha",
    "{ssha256}": "ldap_ssha256",
    "{ssha512}": "ldap_ssha512",
    "{crypt}": "ldap_crypt",
    "{pkcs5s2}": "atlassian_pbkdf2_sha1",
}
_SPRING_IDS = frozenset(
    {
        "bcrypt",
        "pbkdf2",
        "scrypt",
        "sha256",
        "noop",
        "argon2",
        "ldap",
        "MD4",
        "SHA-1",
        "SHA-256",
        "pbkdf2@SpringSecurity_v5_8",
        "scrypt@SpringSecurity_v5_8",
        "argon2@SpringSecurity_v5_8",
    }
)

_DJANGO_PREFIXES: dict[str, str] = {
    "pbkdf2_sha256": "django_pbkdf2_sha256",
    "pbkdf2_sha1": "django_pbkdf2_sha1",
    "argon2": "django_argon2",
    "bcrypt_sha256": "django_bcrypt_sha256",
    "bcrypt": "django_bcrypt",
    "scrypt": "django_scrypt",
    "crypt": "django_crypt",
}
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
        if tag[1:-1] in _SPRING_IDS:
            return "spring_delegating"
        digest = rest.rsplit("}", 1)[-1]
        if tag in {"{MD5}", "{SHA-256}"} and (rest.startswith("{") or is_hex(digest, 32 if tag == "{MD5}" else 64)):
            # Spring's MessageDigestPasswordEncoder writes hex, after an optional {salt}; LDAP writes base64
            return "spring_delegating"
        return _BRACE_PREFIXES.get(tag.lower())
    if first == "U" and stored.startswith("U$S$"):
        return "drupal7"
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
    """Django ``alg$...`` and Werkzeug ``method$salt$hex``."""
    scheme = _DJANGO_PREFIXES.get(head)
    if scheme is not None:
        return scheme
    if head.startswith("pbkdf2:"):
        # pbkdf2:sha256$... without an iteration count was verified with the writing Werkzeug version's default
        # (50,000 to 1,000,000): ambiguous, it needs scheme="werkzeug" and params.default_iterations.
        return "werkzeug" if head.count(":") == 2 else None
    if head.startswith("scrypt:") or head in {"sha256", "sha224", "sha384", "sha512", "plain"}:
        return "werkzeug"
    if head in {"sha1", "md5"}:
        parts = stored.split("$")
        # sha1$$hex / md5$$hex: Django's unsalted forms, identical to Werkzeug's salt-less ones.
        if len(parts) == 3 and parts[1] == "":
            return f"django_unsalted_{head}"
        return None  # salted: Django H(salt+pw) and Werkzeug HMAC(salt, pw) look the same
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

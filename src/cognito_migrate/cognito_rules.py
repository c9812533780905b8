"""Amazon Cognito's rules, declared once: the password policy, the standard attributes and their limits,
account recovery and user names. The trigger, the local Cognito, ``doctor`` and the configuration import
them from here.

Standard library only (the trigger's cold path imports it). Sources: the Cognito developer guide's "user
pool password requirements", "user pool attributes" and the migrate-user trigger reference; what the local
Cognito must add on top of moto is in docs/local-cognito.md.
"""

from collections.abc import Mapping
from typing import Any, Final, NamedTuple

# ------------------------------------------------------------------------------------- password policy

SYMBOLS: Final = frozenset("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-")
"""The special characters "require symbols" counts; a blank that is neither leading nor trailing counts too."""
DIGITS: Final = frozenset("0123456789")
"""What "require numbers" counts: ASCII digits only (not Arabic-Indic or other Unicode digits)."""
MAX_PASSWORD_LENGTH: Final = 256
"""Cognito refuses longer passwords where it checks the policy (it never checks a migrated one)."""
MINIMUM_LENGTH_RANGE: Final = (6, 99)
"""The values a pool's ``MinimumLength`` may take."""

POLICY_API_KEYS: Final = (
    ("MinimumLength", "minimum_length"),
    ("RequireUppercase", "require_uppercase"),
    ("RequireLowercase", "require_lowercase"),
    ("RequireNumbers", "require_numbers"),
    ("RequireSymbols", "require_symbols"),
)
"""A pool's ``Policies.PasswordPolicy`` keys and the field of :class:`PasswordPolicy` (and the TOML key) each fills."""

POLICY_MESSAGES: Final = {
    "minimum_length": "Password not long enough",
    "require_uppercase": "Password must have uppercase characters",
    "require_lowercase": "Password must have lowercase characters",
    "require_numbers": "Password must have numeric characters",
    "require_symbols": "Password must have symbol characters",
}
"""Cognito's wording (after "Password does not conform to policy: ") for each broken rule."""


class PasswordPolicy(NamedTuple):
    """A pool's password policy. The defaults are the policy of a pool created without one."""

    minimum_length: int = 8
    require_uppercase: bool = True
    require_lowercase: bool = True
    require_numbers: bool = True
    require_symbols: bool = True

    @classmethod
    def from_api(cls, policy: Mapping[str, Any] | None) -> "PasswordPolicy":
        """From a pool's ``Policies.PasswordPolicy``: absent, the default policy; given, an omitted boolean
        means "not required" and an omitted ``MinimumLength`` means 8."""
        if policy is None:
            return cls()
        return cls(
            minimum_length=int(policy.get("MinimumLength", 8)),
            require_uppercase=bool(policy.get("RequireUppercase", False)),
            require_lowercase=bool(policy.get("RequireLowercase", False)),
            require_numbers=bool(policy.get("RequireNumbers", False)),
            require_symbols=bool(policy.get("RequireSymbols", False)),
        )

    def to_api(self) -> dict[str, int | bool]:
        """As a pool's ``Policies.PasswordPolicy``."""
        return {api: getattr(self, field) for api, field in POLICY_API_KEYS}

    def violations(self, password: str) -> list[str]:
        """The rules ``password`` breaks, by field name, in Cognito's order (never the password)."""
        broken: list[str] = []
        if len(password) < self.minimum_length:
            broken.append("minimum_length")
        if self.require_uppercase and not any("A" <= c <= "Z" for c in password):
            broken.append("require_uppercase")
        if self.require_lowercase and not any("a" <= c <= "z" for c in password):
            broken.append("require_lowercase")
        if self.require_numbers and not any(c in DIGITS for c in password):
            broken.append("require_numbers")
        if self.require_symbols and not has_symbol(password):
            broken.append("require_symbols")
        return broken


def has_symbol(password: str) -> bool:
    """A special character, or a blank between other characters (a leading or trailing one does not count)."""
    return any(c in SYMBOLS for c in password) or " " in password.strip(" ")


# ------------------------------------------------------------------------------------------- attributes

STANDARD_ATTRIBUTES: Final = frozenset(
    {
        "address", "birthdate", "email", "email_verified", "family_name", "gender", "given_name", "locale",
        "middle_name", "name", "nickname", "phone_number", "phone_number_verified", "picture",
        "preferred_username", "profile", "sub", "updated_at", "website", "zoneinfo",
    }
)  # fmt: skip
"""In every pool's schema, whether or not ``SchemaAttributes`` lists them."""
BOOLEAN_ATTRIBUTES: Final = frozenset({"email_verified", "phone_number_verified"})
VERIFIED_FLAGS: Final = {"email": "email_verified", "phone_number": "phone_number_verified"}
"""The attribute that says Cognito verified each sign-in attribute (``"true"``): an unverified one is whatever
the user typed, possibly someone else's (a user may set their own e-mail)."""
GENERATED_ATTRIBUTES: Final = frozenset({"sub", "username", "cognito:username", "identities"})
"""Cognito sets these; a migrate-user trigger that returns one fails the migration."""
CUSTOM_PREFIX: Final = "custom:"
MAX_ATTRIBUTE_NAME_LENGTH: Final = 32
MAX_CUSTOM_NAME_LENGTH: Final = 20
"""Characters after ``custom:``."""
MAX_ATTRIBUTE_VALUE_LENGTH: Final = 2048

# ------------------------------------------------------------------------------------ account recovery

# Cognito's AccountRecoverySetting mechanisms, and the verified attribute each one sends a code to.
RECOVERY_CHANNELS: Final = {"verified_email": "email_verified", "verified_phone_number": "phone_number_verified"}
RECOVERY_MECHANISMS: Final = (*RECOVERY_CHANNELS, "admin_only")
DEFAULT_RECOVERY: Final = ("verified_email", "verified_phone_number")
# A pool without an AccountRecoverySetting recovers the "legacy" way: SMS to a verified phone first, else
# e-mail to a verified address.
LEGACY_RECOVERY: Final = ("verified_phone_number", "verified_email")

# ------------------------------------------------------------------------------------------- user names

MAX_USERNAME_LENGTH: Final = 128
"""A user name has 1 to 128 characters and no blank (``[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+``)."""
MAX_SIGN_IN_NAME_LENGTH: Final = 256
"""What a user may type to sign in: a user name (128) or an e-mail alias (254), with room to spare."""


def pool_region(user_pool_id: str) -> str:
    """The region a user pool id starts with (``eu-west-1_AbC123``: ``eu-west-1``)."""
    return user_pool_id.split("_", maxsplit=1)[0]


def is_valid_username(name: str) -> bool:
    """1 to 128 characters, none of them a blank."""
    return 0 < len(name) <= MAX_USERNAME_LENGTH and not any(c.isspace() for c in name)


# ----------------------------------------------------------------------------------------------- groups

MAX_GROUP_NAME_LENGTH: Final = 128
"""A group name (``CreateGroup``'s ``GroupName``) has 1 to 128 characters of ``[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]``."""
MAX_GROUPS_PER_USER: Final = 100
"""How many groups one user can belong to (Cognito's quota); more legacy groups than this are cut."""
_GROUP_NAME_CATEGORIES: Final = frozenset("LMSNP")  # letters, marks, symbols, numbers, punctuation


def group_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a Cognito group name, or None when it can (never echoes the name)."""
    import unicodedata

    if not 0 < len(name) <= MAX_GROUP_NAME_LENGTH:
        return f"a group name has 1 to {MAX_GROUP_NAME_LENGTH} characters"
    if any(unicodedata.category(c)[0] not in _GROUP_NAME_CATEGORIES for c in name):
        return "a group name has letters, digits, symbols and punctuation only (no blanks or control characters)"
    return None

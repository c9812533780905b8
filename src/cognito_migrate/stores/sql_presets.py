"""Ready-made queries for well-known schemas, so a team only has to give a URL.

Identifiers are written with double quotes and re-quoted per dialect (backticks for MySQL), because
Entity Framework creates mixed-case names (``"AspNetUsers"``) that PostgreSQL only finds quoted.
"""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, NamedTuple

from cognito_migrate.stores.rows import CUSTOM_RESET, ResetRule

_EMPTY: Mapping[str, str] = MappingProxyType({})  # the shared, immutable empty default


class Preset(NamedTuple):
    """Queries (``:username`` is the typed sign-in name, already normalized) and column roles."""

    query: str
    email_query: str | None
    phone_query: str | None
    columns: Mapping[str, str] = _EMPTY
    normalize: str = "none"
    sample_query: str | None = None
    scheme: str = "bcrypt"  # what the framework writes: the dummy for unknown users before a real row is seen
    list_query: str | None = None
    reset: ResetRule = CUSTOM_RESET


_ASPNET_SELECT: Final = (
    'SELECT "Id", "UserName", "Email", "EmailConfirmed", "PasswordHash", "SecurityStamp", "PhoneNumber", '
    '"PhoneNumberConfirmed", "TwoFactorEnabled", "LockoutEnd", "LockoutEnabled", "AccessFailedCount" '
    'FROM "AspNetUsers" WHERE '
)
_DJANGO_SELECT: Final = (
    'SELECT "id", "username", "password", "email", "first_name", "last_name", "is_active", "is_staff", '
    '"is_superuser", "date_joined", "last_login" FROM "auth_user" WHERE '
)

# django-allauth keeps addresses and their verification in "account_emailaddress"; the user's own
# address (auth_user.email, which allauth keeps equal to the primary one) counts as verified when
# allauth has a verified row for it.
_ALLAUTH_SELECT: Final = (
    'SELECT u."id", u."username", u."password", u."email", u."first_name", u."last_name", u."is_active", '
    'u."is_staff", u."is_superuser", u."date_joined", u."last_login", '
    'CASE WHEN EXISTS (SELECT 1 FROM "account_emailaddress" a WHERE a."user_id" = u."id" '
    'AND LOWER(a."email") = LOWER(u."email") AND a."verified" = TRUE) THEN 1 ELSE 0 END AS "email_verified" '
    'FROM "auth_user" u WHERE '
)
_DJANGO_COLUMNS: Final = {"username": "username", "password_hash": "password", "email": "email", "enabled": "is_active"}
# "!..." marks an unusable password in Django; it would make a poor stand-in for a real hash
_DJANGO_SAMPLE: Final = 'SELECT "password" FROM "auth_user" WHERE "password" NOT LIKE \'!%\' LIMIT 1'
# PasswordResetForm.get_users skips users without has_usable_password(), which is False only for
# set_unusable_password()'s "!" prefix (an empty or NULL value counts as usable there)
_DJANGO_RESET: Final = ResetRule(without_password=True, unusable_prefix="!")

PRESETS: Final = {
    # ASP.NET Core Identity: lookups go through the Normalized* columns, which Identity fills with
    # ToUpperInvariant(); LockoutEnd applies only when LockoutEnabled.
    "aspnet_identity": Preset(
        query=_ASPNET_SELECT + '"NormalizedUserName" = :username',
        email_query=_ASPNET_SELECT + '"NormalizedEmail" = :username',
        phone_query=_ASPNET_SELECT + '"PhoneNumber" = :username',
        columns={
            "username": "UserName",
            "password_hash": "PasswordHash",
            "email": "Email",
            "email_verified": "EmailConfirmed",
            "phone_number": "PhoneNumber",
            "phone_number_verified": "PhoneNumberConfirmed",
            "lockout_end": "LockoutEnd",
            "lockout_enabled": "LockoutEnabled",
        },
        normalize="upper",
        sample_query='SELECT "PasswordHash" FROM "AspNetUsers" WHERE "PasswordHash" IS NOT NULL LIMIT 1',
        scheme="aspnet_identity_v3",
        list_query=_ASPNET_SELECT.removesuffix(" WHERE "),
        # Identity's ForgotPassword page looks only at EmailConfirmed, never at PasswordHash: a user who
        # signs in with an external login only (PasswordHash NULL) can set a password by resetting
        reset=ResetRule(without_password=True),
    ),
    # Django's auth_user: case-sensitive user names (as Django compares them), e-mail matched without
    # case; Django keeps no e-mail verification flag, so e-mails migrate unverified unless mapped.
    "django": Preset(
        query=_DJANGO_SELECT + '"username" = :username',
        email_query=_DJANGO_SELECT + 'LOWER("email") = LOWER(:username)',
        phone_query=None,
        columns=_DJANGO_COLUMNS,
        sample_query=_DJANGO_SAMPLE,
        scheme="django_pbkdf2_sha256",
        list_query=_DJANGO_SELECT.removesuffix(" WHERE "),
        reset=_DJANGO_RESET,
    ),
    # Django with django-allauth: as "django", and the e-mail is verified when allauth verified it.
    "django_allauth": Preset(
        query=_ALLAUTH_SELECT + 'u."username" = :username',
        email_query=_ALLAUTH_SELECT + 'LOWER(u."email") = LOWER(:username)',
        phone_query=None,
        columns={**_DJANGO_COLUMNS, "email_verified": "email_verified"},
        sample_query=_DJANGO_SAMPLE,
        scheme="django_pbkdf2_sha256",
        list_query=_ALLAUTH_SELECT.removesuffix(" WHERE "),
        reset=_DJANGO_RESET,
    ),
}


def requote(query: str, quote: str) -> str:
    """Swap the double-quoted identifiers of a preset for the dialect's quote character."""
    return query if quote == '"' else query.replace('"', quote)


def limit_one(query: str, dialect: str) -> str:
    """``LIMIT 1`` as SQL Server spells it (``TOP 1``)."""
    if dialect != "mssql":
        return query
    return query.replace("SELECT ", "SELECT TOP 1 ", 1).replace(" LIMIT 1", "")

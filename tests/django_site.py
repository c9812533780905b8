"""A real Django site's user tables, made by Django itself: ``python -m tests.django_site URL USERS.json``.

Django's own ``migrate`` creates ``auth_user`` in the target database and Django's own
``User.objects.create_user`` writes the rows (hashers, normalization, ``is_active``), so the tests read
rows exactly as a Django project stores them. With ``--allauth``, the ``account_emailaddress`` table is
created with the columns django-allauth's migrations give it, and a row per user's e-mail with its
``verified`` flag. It runs in its own process: Django's settings are global and configured once.

USERS.json is a list of ``{"username", "password" (or null: unusable), "email", "is_active",
"email_verified", "hasher"}`` objects.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

# the hashers a Django 5 project enables by default (USERS.json's "hasher" is their algorithm name)
HASHERS = (
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
)


_TABLES = (
    "account_emailaddress", "auth_user_groups", "auth_user_user_permissions", "auth_group_permissions",
    "auth_user", "auth_group", "auth_permission", "django_content_type", "django_migrations",
)  # fmt: skip


def _database(url: str) -> dict[str, object]:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": parts.path[1:] if url.startswith("sqlite:///") else ""}
    if parts.scheme != "postgresql":
        raise SystemExit(f"django_site: sqlite or postgresql URLs only, got {parts.scheme}")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": parts.username or "",
        "PASSWORD": parts.password or "",
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
    }


def main(url: str, users_file: str, *, allauth: bool) -> None:
    import django
    from django.conf import settings

    settings.configure(
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"],
        DATABASES={"default": _database(url)},
        PASSWORD_HASHERS=list(HASHERS),
        USE_TZ=True,
    )
    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection

    q = connection.ops.quote_name
    cascade = " CASCADE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cur:  # a fresh site on every run: Django's tables, children first
        for table in _TABLES:
            cur.execute(f"DROP TABLE IF EXISTS {q(table)}{cascade}")
    call_command("migrate", verbosity=0)
    specs = json.loads(Path(users_file).read_text())
    made = []
    for spec in specs:
        user = User.objects.create_user(spec["username"], spec.get("email") or "", None)
        if spec.get("password") is not None:
            user.password = make_password(spec["password"], hasher=spec.get("hasher", "pbkdf2_sha256"))
        user.is_active = spec.get("is_active", True)
        user.save()
        made.append((user.pk, user.email, bool(spec.get("email_verified"))))
    if allauth:
        with connection.cursor() as cur:
            cur.execute(
                f"CREATE TABLE {q('account_emailaddress')} ({q('id')} INTEGER PRIMARY KEY, "
                f"{q('email')} VARCHAR(254) NOT NULL, {q('verified')} BOOLEAN NOT NULL, "
                f"{q('primary')} BOOLEAN NOT NULL, {q('user_id')} INTEGER NOT NULL)"
            )
            for i, (pk, email, verified) in enumerate(made, start=1):
                if email:
                    cur.execute(
                        f"INSERT INTO {q('account_emailaddress')} VALUES (%s, %s, %s, %s, %s)",
                        [i, email, verified, True, pk],
                    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], allauth="--allauth" in sys.argv[3:])

"""A real Django ``auth_user`` table, made by Django itself: ``python -m tests.django_rows URL``.

Run in a subprocess, because Django's settings can be configured once per process (the hashing tests
configure them their own way). Django's migrations create the tables in the database at URL (PostgreSQL,
MariaDB or SQLite); ``create_user`` and the real hashers (PBKDF2 at Django 5.2's 1,000,000 iterations for a
few users and at 1,000 for the rest, so that the test stays fast; Argon2 with Django's parameters)
write the rows. Prints one JSON line: what was created, for the test to compare with the audit.
"""

from __future__ import annotations

import json
import sys
from typing import Any
from urllib.parse import urlsplit

PASSWORD = "Correct-Horse-9"


def _database(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    engine = {"postgresql": "postgresql", "postgres": "postgresql", "mysql": "mysql", "mariadb": "mysql"}
    return {
        "ENGINE": f"django.db.backends.{engine[parts.scheme]}",
        "NAME": parts.path.lstrip("/"),
        "USER": parts.username or "",
        "PASSWORD": parts.password or "",
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
    }


def main(url: str) -> dict[str, Any]:
    import django
    from django.conf import settings

    settings.configure(
        DATABASES={"default": _database(url)},
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes"],
        PASSWORD_HASHERS=[
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
            "django.contrib.auth.hashers.Argon2PasswordHasher",
        ],
        USE_TZ=True,
    )
    django.setup()
    from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
    from django.contrib.auth.models import User
    from django.core.management import call_command

    class FastPBKDF2(PBKDF2PasswordHasher):
        iterations = 1000  # same format and algorithm id (pbkdf2_sha256), a test-friendly cost

    call_command("migrate", "auth", verbosity=0)
    User.objects.all().delete()
    fast = FastPBKDF2()
    created: dict[str, int] = {"pbkdf2_fast": 0, "pbkdf2_default": 0, "argon2": 0, "unusable": 0}

    def add(username: str, email: str = "", *, how: str = "pbkdf2_fast", active: bool = True) -> None:
        user = User(username=username, email=email, is_active=active)
        if how == "pbkdf2_fast":
            user.password = make_password(PASSWORD, hasher=fast)
        elif how == "argon2":
            user.password = make_password(PASSWORD, hasher="argon2")
        elif how == "unusable":
            user.set_unusable_password()
        user.save()
        created[how] += 1

    for i in range(40):
        add(f"user{i:02d}", f"user{i:02d}@example.com" if i % 4 else "")  # every fourth without an e-mail
    for name in ("ann", "ben"):  # create_user: Django's default hasher and cost
        User.objects.create_user(name, f"{name}@example.com", PASSWORD)
        created["pbkdf2_default"] += 1
    for i in range(3):
        add(f"argon{i}", f"argon{i}@example.com", how="argon2")
    add("Sam", "sam@example.com")
    add("sam", "other-sam@example.com")  # one name in a case-insensitive pool
    add("carl", "Shared@Example.com")
    add("dora", "shared@example.com")  # one e-mail address, two users
    add("eve@example.com", "eve@example.com")  # an e-mail-shaped user name
    add("gone", "gone@example.com", active=False)
    add("social", "social@example.com", how="unusable")
    return {"users": User.objects.count(), **created}


if __name__ == "__main__":
    sys.stdout.write(json.dumps(main(sys.argv[1])) + "\n")

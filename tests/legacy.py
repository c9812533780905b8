"""Builds legacy user databases for the tests: ASP.NET Identity's AspNetUsers and Django's auth_user,
on SQLite, PostgreSQL or MariaDB, from plain Python user records with real hashes."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

ASPNET_COLUMNS = (
    "Id", "UserName", "NormalizedUserName", "Email", "NormalizedEmail", "EmailConfirmed", "PasswordHash",
    "SecurityStamp", "PhoneNumber", "PhoneNumberConfirmed", "TwoFactorEnabled", "LockoutEnd", "LockoutEnabled",
    "AccessFailedCount",
)  # fmt: skip


@dataclass
class AspNetUser:
    user_name: str
    password_hash: str | None
    email: str | None = None
    email_confirmed: bool = True
    phone: str | None = None
    phone_confirmed: bool = False
    lockout_end: str | None = None
    lockout_enabled: bool = True

    def row(self, index: int) -> tuple[Any, ...]:
        return (
            f"id-{index}", self.user_name, self.user_name.upper(), self.email,
            self.email.upper() if self.email else None, self.email_confirmed, self.password_hash, "stamp",
            self.phone, self.phone_confirmed, False, self.lockout_end, self.lockout_enabled, 0,
        )  # fmt: skip


def _aspnet_ddl(q: str, boolean: str, text: str, stamp: str) -> str:
    cols = [
        f"{q}Id{q} VARCHAR(64) PRIMARY KEY", f"{q}UserName{q} {text}", f"{q}NormalizedUserName{q} {text}",
        f"{q}Email{q} {text}", f"{q}NormalizedEmail{q} {text}", f"{q}EmailConfirmed{q} {boolean}",
        f"{q}PasswordHash{q} TEXT", f"{q}SecurityStamp{q} TEXT", f"{q}PhoneNumber{q} {text}",
        f"{q}PhoneNumberConfirmed{q} {boolean}", f"{q}TwoFactorEnabled{q} {boolean}", f"{q}LockoutEnd{q} {stamp}",
        f"{q}LockoutEnabled{q} {boolean}", f"{q}AccessFailedCount{q} INTEGER",
    ]  # fmt: skip
    return f"CREATE TABLE {q}AspNetUsers{q} ({', '.join(cols)})"


def create_aspnet_sqlite(path: str, users: list[AspNetUser]) -> str:
    """Write an AspNetUsers table into a new SQLite file; returns its store URL."""
    conn = sqlite3.connect(path)
    conn.execute(_aspnet_ddl('"', "INTEGER", "TEXT", "TEXT"))
    conn.executemany(
        f'INSERT INTO "AspNetUsers" VALUES ({",".join("?" * len(ASPNET_COLUMNS))})',
        [u.row(i) for i, u in enumerate(users)],
    )
    conn.commit()
    conn.close()
    return f"sqlite:///{path}"


def connect(url: str) -> Any:
    """A writable autocommit connection to a SQLite, PostgreSQL or MySQL/MariaDB test URL (the store's are
    read-only): for building tables and for running what an operator would (``CREATE INDEX``)."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    elif url.startswith("postgres"):
        import psycopg2

        conn = psycopg2.connect(url)
        conn.autocommit = True
    else:
        import pymysql

        parts = urlsplit(url)
        conn = pymysql.connect(
            host=parts.hostname, port=parts.port or 3306, user=parts.username or "root",
            password=parts.password or "", database=parts.path.lstrip("/"), autocommit=True,
        )  # fmt: skip
    return conn


def create_aspnet_postgres(url: str, users: list[AspNetUser]) -> None:
    conn = connect(url)
    with conn.cursor() as cur:
        cur.execute('DROP TABLE IF EXISTS "AspNetUsers"')
        cur.execute(_aspnet_ddl('"', "BOOLEAN", "VARCHAR(256)", "TIMESTAMPTZ"))
        cur.executemany(
            f'INSERT INTO "AspNetUsers" VALUES ({",".join(["%s"] * len(ASPNET_COLUMNS))})',
            [u.row(i) for i, u in enumerate(users)],
        )
    conn.close()


def create_aspnet_mysql(url: str, users: list[AspNetUser]) -> None:
    conn = connect(url)
    with conn.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS `AspNetUsers`")
        cur.execute(_aspnet_ddl("`", "BOOLEAN", "VARCHAR(256)", "DATETIME(6)"))
        rows = [u.row(i) for i, u in enumerate(users)]
        rows = [(*r[:11], r[11].replace("+00:00", "").replace("T", " ") if r[11] else None, *r[12:]) for r in rows]
        cur.executemany(f"INSERT INTO `AspNetUsers` VALUES ({','.join(['%s'] * len(ASPNET_COLUMNS))})", rows)
    conn.close()


def create_django_sqlite(path: str, users: list[dict[str, Any]]) -> str:
    conn = sqlite3.connect(path)
    conn.execute(
        'CREATE TABLE "auth_user" ("id" INTEGER PRIMARY KEY, "password" TEXT, "last_login" TEXT, '
        '"is_superuser" INTEGER, "username" TEXT UNIQUE, "first_name" TEXT, "last_name" TEXT, "email" TEXT, '
        '"is_staff" INTEGER, "is_active" INTEGER, "date_joined" TEXT)'
    )
    for i, u in enumerate(users, start=1):
        conn.execute(
            'INSERT INTO "auth_user" VALUES (?,?,?,?,?,?,?,?,?,?,?)',
            (i, u["password"], None, 0, u["username"], u.get("first_name", ""), u.get("last_name", ""),
             u.get("email", ""), 0, u.get("is_active", 1), "2020-01-01 00:00:00"),
        )  # fmt: skip
    conn.commit()
    conn.close()
    return f"sqlite:///{path}"

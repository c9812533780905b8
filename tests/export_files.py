"""Export files as Auth0 and Firebase write them, with real hashes, for the file store's tests.

bcrypt hashes are made with the bcrypt library (cost 4: real ``$2b$`` hashes, quick to check). The Firebase
users carry the sample vector of firebase/scrypt's README (the project parameters, a user salt and the hash of
``user1password``), the same values the hashing catalogue's tests check.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

import bcrypt

from tests.unit.hashing.test_firebase import PROJECT, README_HASH, README_SALT

if TYPE_CHECKING:
    from pathlib import Path

GOOD = "Correct-Horse-9"
FIREBASE_PASSWORD = "user1password"  # the README vector's password
FIREBASE_HASHING = {"scheme": "firebase_scrypt", "params": dict(PROJECT)}


def bcrypt_hash(password: str = GOOD) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(4)).decode("ascii")


def auth0_users(with_hashes: bool = True) -> list[dict[str, Any]]:
    """Users as Auth0's bulk export job writes them (the fields a team selects), bcrypt hashes merged in."""
    good = bcrypt_hash()
    users: list[dict[str, Any]] = [
        {"user_id": "auth0|60425dc43519d90068f82973", "email": "alice@example.com", "email_verified": True,
         "username": "alice", "given_name": "Alice", "family_name": "Liddell", "name": "Alice Liddell",
         "phone_number": "+14325551212", "phone_verified": True, "blocked": False,
         "app_metadata": {"roles": ["admin", "staff"]}, "passwordHash": good},
        {"user_id": "auth0|60425dc43519d90068f82974", "email": "bob@example.com", "email_verified": False,
         "blocked": True, "passwordHash": good},
        {"user_id": "auth0|60425dc43519d90068f82975", "email": "carol@example.com", "email_verified": True,
         "passwordHash": good},
        {"user_id": "auth0|60425dc43519d90068f82976", "email": "shared@example.com", "username": "dave",
         "passwordHash": good},
        {"user_id": "auth0|60425dc43519d90068f82977", "email": "shared@example.com", "username": "erin",
         "passwordHash": good},
        {"user_id": "google-oauth2|1234567890", "email": "gina@example.com", "email_verified": True},
    ]  # fmt: skip
    if not with_hashes:
        for user in users:
            user.pop("passwordHash", None)
    return users


def auth0_hash_export(users: list[dict[str, Any]]) -> str:
    """The password-hash export Auth0 support sends: one line per database user, keyed by ``_id.$oid``."""
    lines = []
    for user in users:
        if user["user_id"].startswith("auth0|"):
            oid = user["user_id"].split("|", 1)[1]
            lines.append(json.dumps({
                "_id": {"$oid": oid}, "email_verified": user.get("email_verified", False), "email": user["email"],
                "passwordHash": bcrypt_hash(), "password_set_date": {"$date": "2021-03-05T16:34:44.434Z"},
                "tenant": "dev-tenant", "connection": "Username-Password-Authentication", "_tmp_is_unique": True,
            }))  # fmt: skip
    return "\n".join(lines) + "\n"


def ndjson(records: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def firebase_users() -> list[dict[str, Any]]:
    """Users as ``firebase auth:export --format=json`` writes them."""
    return [
        {"localId": "U1aBcDeFgHiJkLmNoPqRsTuVwXy1", "email": "user1@example.com", "emailVerified": True,
         "passwordHash": README_HASH, "salt": README_SALT, "displayName": "User One", "phoneNumber": "+14325551213",
         "lastSignedInAt": "1600000000000", "createdAt": "1500000000000", "disabled": False,
         "providerUserInfo": []},
        {"localId": "U2aBcDeFgHiJkLmNoPqRsTuVwXy2", "email": "user2@example.com", "emailVerified": True,
         "passwordHash": README_HASH, "salt": README_SALT, "disabled": True, "providerUserInfo": []},
        {"localId": "U3aBcDeFgHiJkLmNoPqRsTuVwXy3", "email": "zoë@example.com", "emailVerified": False,
         "displayName": "Zoë, the third", "providerUserInfo": [{"providerId": "google.com", "rawId": "1"}]},
    ]  # fmt: skip


def firebase_json(users: list[dict[str, Any]]) -> str:
    """The layout firebase-tools writes: pretty-printed users separated by ``,\\n`` inside ``{"users": [...]}``."""
    return '{"users": [\n' + ",\n".join(json.dumps(u, indent=2, ensure_ascii=False) for u in users) + "]}"


def firebase_csv(users: list[dict[str, Any]]) -> str:
    """The layout firebase-tools writes: no header, 28 columns and a trailing comma."""
    out = io.StringIO()
    for user in users:
        fields = [""] * 28
        fields[0], fields[1] = user["localId"], user.get("email", "")
        fields[2] = "true" if user.get("emailVerified") else "false"
        fields[3], fields[4], fields[5] = user.get("passwordHash", ""), user.get("salt", ""), user.get("displayName", "")
        fields[23], fields[24] = user.get("createdAt", ""), user.get("lastSignedInAt", "")
        fields[25] = user.get("phoneNumber", "")
        fields[26] = "true" if user.get("disabled") else "false"
        csv.writer(out, lineterminator="").writerow(fields)
        out.write(",\n")
    return out.getvalue()


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)

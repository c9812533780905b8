"""The baseline: a minimal migrate-user trigger as tutorials write it (sqlite3 + bcrypt or hashlib, nothing else).

It does the same lookup and the same verification as cognito-migrate and none of the rest (no
validation, no timing equalisation, no logging): what it costs is the floor we compare against.
"""

import base64
import hashlib
import hmac
import os
import sqlite3

_conn = sqlite3.connect(f"file:{os.environ['BASELINE_DB']}?mode=ro", uri=True)
_scheme = os.environ.get("BASELINE_SCHEME", "bcrypt")
if _scheme == "bcrypt":  # a tutorial for Identity V3 rows needs hashlib only
    import bcrypt


def _verify(password, stored):
    if _scheme == "bcrypt":
        return bcrypt.checkpw(password.encode(), stored.encode())
    raw = base64.b64decode(stored)  # ASP.NET Identity V3: 0x01, prf, iterations, salt length, salt, subkey
    iterations = int.from_bytes(raw[5:9], "big")
    salt_len = int.from_bytes(raw[9:13], "big")
    salt, subkey = raw[13 : 13 + salt_len], raw[13 + salt_len :]
    derived = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations, len(subkey))
    return hmac.compare_digest(derived, subkey)


def handler(event, context):
    row = _conn.execute(
        'SELECT "UserName", "PasswordHash", "Email", "EmailConfirmed" FROM "AspNetUsers" '
        'WHERE "NormalizedUserName" = ?',
        (event["userName"].upper(),),
    ).fetchone()
    if row and _verify(event["request"]["password"], row[1]):
        event["response"] = {
            "userAttributes": {"email": row[2], "email_verified": "true" if row[3] else "false"},
            "finalUserStatus": "CONFIRMED",
            "messageAction": "SUPPRESS",
        }
    return event

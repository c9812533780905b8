"""Constants shared by the hashing tests (a plain module: the test folders are not packages)."""

from __future__ import annotations

#: A unicode password (accents, CJK, an emoji) used across schemes.
UNICODE = "pässwörd-密码-🔑"
#: 80 ASCII bytes: over bcrypt's 72.
LONG = "correct horse battery staple " * 2 + "x" * 22

"""ASP.NET Core Identity V2/V3: the framework's own test constants plus vectors built with `cryptography`."""

from __future__ import annotations

import base64
import os

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from cognito_migrate.hashing import Verdict, create, identify
from tests.unit.hashing.hashing_vectors import UNICODE, assert_verdict

# dotnet/aspnetcore src/Identity/test/Identity.Test/PasswordHasherTest.cs @ 03741a0, password "my password".
ASPNET_PASSWORD = "my password"
ASPNET_SUCCESS = {
    "v2-HashPassword_Version2": "AAABAgMEBQYHCAkKCwwNDg+ukCEMDf0yyQ29NYubggHIVY0sdEUfdyeM+E1LtH1uJg==",
    "v2-sha1-1000": "ANXrDknc7fGPpigibZXXZFMX4aoqz44JveK6jQuwY3eH/UyPhvr5xTPeGYEckLxz9A==",
    "v3-HashPassword_DefaultsToVersion3-sha256-10000": (
        "AQAAAAEAACcQAAAAEAABAgMEBQYHCAkKCwwNDg+yWU7rLgUwPZb1Itsmra7cbxw2EFpwpVFIEtP+JIuUEw=="
    ),
    "v3-sha512-50": "AQAAAAIAAAAyAAAAEOMwvh3+FZxqkdMBz2ekgGhwQ4B6pZWND6zgESBuWiHw",
    "v3-sha512-250-salt256-subkey512": (
        "AQAAAAIAAAD6AAAAIJbVi5wbMR+htSfFp8fTw8N8GOS/Sje+S/4YZcgBfU7EQuqv4OkVYmc4VJl9AGZzmRTxSkP7LtVi9IWyUxX8IAAf"
        "Z8v+ZfhjCcudtC1YERSqE1OEdXLW9VukPuJWBBjLuw=="
    ),
    "v3-sha1-250": "AQAAAAAAAAD6AAAAEAhftMyfTJylOlZT+eEotFXd1elee8ih5WsjXaR3PA9M",
    "v3-sha256-250000-salt256": (
        "AQAAAAEAA9CQAAAAIESkQuj2Du8Y+kbc5lcN/W/3NiAZFEm11P27nrSN5/tId+bR1SwV8CO1Jd72r4C08OLvplNlCDc3oQZ8efcW+jQ="
    ),
}
# Same file, VerifyHashedPassword_FailureCases: ASP.NET answers Failed for each.
ASPNET_FAILURES = {
    "v2-incorrect-password": ("AAABAgMEBQYHCAkKCwwNDg+uAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAALtH1uJg==", Verdict.MISMATCH),
    "v2-too-short": ("AAABAgMEBQYHCAkKCwwNDg+ukCEMDf0yyQ29NYubggE=", Verdict.MALFORMED),
    "v2-extra-data": (
        "AAABAgMEBQYHCAkKCwwNDg+ukCEMDf0yyQ29NYubggHIVY0sdEUfdyeM+E1LtH1uJgAAAAAAAAAAAAA=",
        Verdict.MALFORMED,
    ),
    "v3-incorrect-password": ("AQAAAAAAAAD6AAAAEAhftMyfTJyAAAAAAAAAAAAAAAAAAAih5WsjXaR3PA9M", Verdict.MISMATCH),
    "v3-too-short": ("AQAAAAIAAAAyAAAAEOMwvh3+FZxqkdMBz2ekgGhwQ4A=", Verdict.MALFORMED),
    "v3-extra-data": ("AQAAAAIAAAAyAAAAEOMwvh3+FZxqkdMBz2ekgGhwQ4B6pZWND6zgESBuWiHwAAAAAAAAAAAA", Verdict.MISMATCH),
}


@pytest.mark.parametrize("stored", ASPNET_SUCCESS.values(), ids=ASPNET_SUCCESS.keys())
@pytest.mark.parametrize("scheme", [None, "aspnet_identity_v2", "aspnet_identity_v3"], ids=["auto", "v2", "v3"])
def test_aspnet_published_success(stored: str, scheme: str | None) -> None:
    assert_verdict(Verdict.MATCH, ASPNET_PASSWORD, stored, scheme=scheme)
    assert_verdict(Verdict.MISMATCH, "my passwore", stored, scheme=scheme)


@pytest.mark.parametrize(("stored", "verdict"), ASPNET_FAILURES.values(), ids=ASPNET_FAILURES.keys())
def test_aspnet_published_failures(stored: str, verdict: Verdict) -> None:
    assert_verdict(verdict, ASPNET_PASSWORD, stored, scheme="aspnet_identity_v3")


def _v3(password: str, prf: int, iterations: int, salt: bytes, subkey_len: int = 32) -> str:
    """The V3 layout of PasswordHasher.cs, derived with `cryptography` (an independent PBKDF2)."""
    algorithm = [hashes.SHA1(), hashes.SHA256(), hashes.SHA512()][prf]  # noqa: S303 - ASP.NET V3 PRF 0
    kdf = PBKDF2HMAC(algorithm=algorithm, length=subkey_len, salt=salt, iterations=iterations)
    subkey = kdf.derive(password.encode("utf-8"))
    header = b"\x01" + prf.to_bytes(4, "big") + iterations.to_bytes(4, "big") + len(salt).to_bytes(4, "big")
    return base64.b64encode(header + salt + subkey).decode()


@pytest.mark.parametrize("prf", [0, 1, 2], ids=["HMACSHA1", "HMACSHA256", "HMACSHA512"])
@pytest.mark.parametrize("password", ["", UNICODE, "p@ss w0rd"], ids=["empty", "unicode", "ascii"])
def test_v3_all_prfs(prf: int, password: str) -> None:
    stored = _v3(password, prf, 1000, os.urandom(16))
    assert identify(stored) == "aspnet_identity_v3"
    assert_verdict(Verdict.MATCH, password, stored)
    assert_verdict(Verdict.MISMATCH, password + " ", stored)


def test_v2_unicode_and_empty() -> None:
    for password in ["", UNICODE]:
        salt = os.urandom(16)
        kdf = PBKDF2HMAC(algorithm=hashes.SHA1(), length=32, salt=salt, iterations=1000)  # noqa: S303 - ASP.NET V2
        stored = base64.b64encode(b"\x00" + salt + kdf.derive(password.encode())).decode()
        assert identify(stored) == "aspnet_identity_v2"
        assert_verdict(Verdict.MATCH, password, stored)


def test_iterations_over_limit_refused() -> None:
    stored = _v3("x", 1, 1, os.urandom(16))
    blob = bytearray(base64.b64decode(stored))
    blob[5:9] = (2_000_000_000).to_bytes(4, "big")
    assert_verdict(Verdict.OVER_LIMIT, "x", base64.b64encode(bytes(blob)).decode(), scheme="aspnet_identity_v3")


@pytest.mark.parametrize(
    "stored",
    ["", "AQ==", "Ag" + "A" * 66, "not base64!", _v3("x", 1, 1, b"s" * 8)],
    ids=["empty", "marker-only", "marker-2", "not-base64", "short-salt"],
)
def test_malformed(stored: str) -> None:
    assert_verdict(Verdict.MALFORMED, "x", stored, scheme="aspnet_identity_v3")


def test_create() -> None:
    v2 = create("aspnet_identity_v2", UNICODE)
    assert identify(v2) == "aspnet_identity_v2"
    assert_verdict(Verdict.MATCH, UNICODE, v2)
    for prf in ["HMACSHA1", "HMACSHA256", "HMACSHA512"]:
        v3 = create("aspnet_identity_v3", UNICODE, cost={"prf": prf, "iterations": 1000})
        assert_verdict(Verdict.MATCH, UNICODE, v3)
        assert_verdict(Verdict.MISMATCH, "other", v3)

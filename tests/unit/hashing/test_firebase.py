"""Firebase's modified scrypt."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from cognito_migrate.hashing import CostLimits, Verdict, create, dummy_credential
from tests.unit.hashing.hashing_vectors import UNICODE, assert_match, assert_verdict

# firebase/scrypt README.md: the sample project parameters and the expected hash of "user1password".
PROJECT = {
    "signer_key": "jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==",
    "salt_separator": "Bw==",
    "rounds": 8,
    "mem_cost": 14,
}
README_SALT = "42xEC+ixf3L2lw=="
README_HASH = "lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ=="


def test_readme_vector() -> None:
    assert_match("user1password", README_HASH, scheme="firebase_scrypt", params={**PROJECT, "salt": README_SALT})


def _firebase_ecb(password: str, salt: str, mem_cost: int) -> str:
    """firebase/scrypt scryptenc.c, with AES-CTR spelled out as ECB over counter blocks 0, 1, 2, ... (cross-check)."""
    key = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt) + base64.b64decode(PROJECT["salt_separator"]),
                         n=2**mem_cost, r=8, p=1, maxmem=64 * 1024 * 1024, dklen=64)[:32]  # fmt: skip
    signer = base64.b64decode(str(PROJECT["signer_key"]))
    encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()  # noqa: S305 - building CTR by hand on purpose
    stream = b"".join(encryptor.update(i.to_bytes(16, "big")) for i in range(len(signer) // 16))
    return base64.b64encode(bytes(a ^ b for a, b in zip(signer, stream, strict=True))).decode()


@pytest.mark.parametrize("password", ["", UNICODE], ids=["empty", "unicode"])
def test_cross_checked(password: str) -> None:
    salt = base64.b64encode(b"per-user-salt").decode()
    stored = _firebase_ecb(password, salt, 10)
    assert_match(password, stored, scheme="firebase_scrypt", params={**PROJECT, "mem_cost": 10, "salt": salt})


def test_missing_params_malformed_and_cost_capped() -> None:
    assert_verdict(
        Verdict.MALFORMED, "user1password", README_HASH, scheme="firebase_scrypt", params={"salt": README_SALT}
    )
    params = {**PROJECT, "salt": README_SALT}
    assert_verdict(Verdict.OVER_LIMIT, "user1password", README_HASH, scheme="firebase_scrypt", params=params,
                   limits=CostLimits(scrypt_max_n=2**13))  # fmt: skip


def test_create_and_dummy() -> None:
    stored = create("firebase_scrypt", UNICODE, params={**PROJECT, "mem_cost": 10, "salt": README_SALT})
    assert_match(UNICODE, stored, scheme="firebase_scrypt", params={**PROJECT, "mem_cost": 10, "salt": README_SALT})
    dummy = dummy_credential("firebase_scrypt", params={**PROJECT, "mem_cost": 10, "salt": README_SALT})
    assert_verdict(Verdict.MISMATCH, "", dummy.stored, scheme=dummy.scheme, params=dummy.params)

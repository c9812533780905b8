"""bcrypt: published vectors (jBCrypt, PHP), pyca-generated ones, the 72-byte rule, pre-hash and pepper."""

from __future__ import annotations

import hashlib

import bcrypt
import pytest

from cognito_migrate.hashing import Verdict, create
from tests.unit.hashing.hashing_vectors import LONG, UNICODE, assert_verdict

# djmdjm/jBCrypt test/org/mindrot/jbcrypt/TestBCrypt.java (the same table is in bcrypt-ruby and BCrypt.Net).
JBCRYPT = [
    ("", "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s."),
    ("a", "$2a$06$m0CrhHm10qJ3lXRY.5zDGO3rS2KdeeWLuGmsfGlMfOxih58VYVfxe"),
    ("abc", "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i"),
    ("abcdefghijklmnopqrstuvwxyz", "$2a$06$.rCVZVOThsIa97pEDOxvGuRRgzG64bvtJ0938xuqzv18d3ZpQhstC"),
    ("~!@#$%^&*()      ~!@#$%^&*()PNBFRD", "$2a$06$fPIsBO8qRqkjj273rfaOI.HtSV9jLDpTbZn782DC6/t7qT67P6FfO"),
]
# php.net manual, password_verify() example 1.
PHP = ("rasmuslerdorf", "$2y$10$.vGA1O9wmRjrwAVXD98HNOgsNpDczlqm3Jq7KnEd1rVAGv3Fykk1a")


@pytest.mark.parametrize(("password", "stored"), [*JBCRYPT, PHP], ids=lambda v: "" if len(v) < 40 else v[:7])
def test_published_vectors(password: str, stored: str) -> None:
    assert_verdict(Verdict.MATCH, password, stored)
    assert_verdict(Verdict.MISMATCH, password + "x", stored)


@pytest.mark.parametrize("prefix", [b"2a", b"2b"], ids=["2a", "2b"])
@pytest.mark.parametrize("password", ["", "hunter2", UNICODE], ids=["empty", "ascii", "unicode"])
def test_pyca_generated(prefix: bytes, password: str) -> None:
    stored = bcrypt.hashpw(password.encode(), bcrypt.gensalt(4, prefix=prefix)).decode()
    assert_verdict(Verdict.MATCH, password, stored)
    assert_verdict(Verdict.MISMATCH, password + "!", stored)


def test_2y_and_2x_prefixes_read_like_2b_for_ascii() -> None:
    stored = bcrypt.hashpw(b"hunter2", bcrypt.gensalt(4)).decode()
    assert_verdict(Verdict.MATCH, "hunter2", "$2y" + stored[3:])
    assert_verdict(Verdict.MATCH, "hunter2", "$2x" + stored[3:])


def test_over_72_bytes_truncates_like_legacy_systems() -> None:
    # Legacy libraries (PHP, Ruby, Node, OpenBSD; pyca bcrypt < 5) hashed only the first 72 bytes.
    stored = bcrypt.hashpw(LONG.encode()[:72], bcrypt.gensalt(4)).decode()
    assert_verdict(Verdict.MATCH, LONG, stored)
    assert_verdict(Verdict.MATCH, LONG[:72] + "different tail", stored)
    assert_verdict(Verdict.MISMATCH, LONG[:71], stored)
    # Go / patched Spring refuse > 72 bytes: with truncate=false such a password never matches.
    assert_verdict(Verdict.MISMATCH, LONG, stored, params={"truncate": False})


def test_multibyte_truncation_cuts_bytes_not_characters() -> None:
    password = "é" * 40  # 80 bytes in UTF-8
    stored = bcrypt.hashpw(password.encode()[:72], bcrypt.gensalt(4)).decode()
    assert_verdict(Verdict.MATCH, password, stored)


def test_pepper_is_appended_before_truncation() -> None:
    # Devise: BCrypt::Password.create("#{password}#{pepper}"); bcrypt-ruby then keeps 72 bytes.
    stored = bcrypt.hashpw(b"secret" + b"PEPPER", bcrypt.gensalt(4)).decode()
    assert_verdict(Verdict.MATCH, "secret", stored, params={"pepper": "PEPPER"})
    assert_verdict(Verdict.MISMATCH, "secret", stored)
    long_stored = bcrypt.hashpw(LONG.encode()[:72], bcrypt.gensalt(4)).decode()
    assert_verdict(Verdict.MATCH, LONG, long_stored, params={"pepper": "PEPPER"})


@pytest.mark.parametrize(
    ("prehash", "fn"),
    [
        ("sha256_hex", lambda b: hashlib.sha256(b).hexdigest().encode()),
        ("sha512_hex", lambda b: hashlib.sha512(b).hexdigest().encode()[:72]),
        ("md5_hex", lambda b: hashlib.md5(b).hexdigest().encode()),  # noqa: S324 - the legacy pre-hash
    ],
    ids=["sha256_hex", "sha512_hex", "md5_hex"],
)
def test_prehash(prehash: str, fn: object) -> None:
    stored = bcrypt.hashpw(fn(UNICODE.encode()), bcrypt.gensalt(4)).decode()  # type: ignore[operator]
    assert_verdict(Verdict.MATCH, UNICODE, stored, params={"prehash": prehash})
    assert_verdict(Verdict.MISMATCH, UNICODE, stored)


def test_create_roundtrip_and_variant() -> None:
    stored = create("bcrypt", UNICODE, cost={"rounds": 4, "variant": "2y"})
    assert stored.startswith("$2y$04$")
    assert_verdict(Verdict.MATCH, UNICODE, stored)


@pytest.mark.parametrize(
    "stored",
    [
        "$2b$04$",
        "$2b$04$abc",
        "$2c$04$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.",
        "$2a$6$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.",
        "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s",
        "$2a$06$DCq7YPn5Rq63x1Lad4cll!TV4S6ytwfsfvkgY8jIucDrjc8deX1s.",
        "$2a$03$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.",
    ],
    ids=["empty-salt", "short", "bad-minor", "one-digit-cost", "truncated", "bad-char", "cost-below-4"],
)
def test_malformed(stored: str) -> None:
    assert_verdict(Verdict.MALFORMED, "", stored, scheme="bcrypt")


def test_unknown_params_are_malformed() -> None:
    assert_verdict(Verdict.MALFORMED, "a", JBCRYPT[1][1], params={"peper": "x"})
    assert_verdict(Verdict.MALFORMED, "a", JBCRYPT[1][1], params={"prehash": "rot13"})


def test_wordpress_bcrypt_trims_and_prehashes() -> None:
    stored = create("wordpress_bcrypt", "  pass word\n", cost={"rounds": 4})
    assert stored.startswith("$wp$2y$04$")
    assert_verdict(Verdict.MATCH, "pass word", stored)
    assert_verdict(Verdict.MATCH, " pass word ", stored)
    assert_verdict(Verdict.MISMATCH, "password", stored)


# ---- $2x$: crypt_blowfish's sign-extension bug ---------------------------------------------------------------
# Openwall crypt_blowfish wrapper.c tests[] (also libxcrypt test/alg-bcrypt.c): $2x$ hashes of 8-bit passwords,
# as bytes. The last one is ASCII, where the bug changes nothing.
CRYPT_BLOWFISH_2X = [
    ("$2x$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e", b"\xa3"),
    ("$2x$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e", b"\xff\xff\xa3"),
    ("$2x$05$6bNw2HLQYeqHYyBfLMsv/OiwqTymGIGzFsA4hOTWebfehXHNprcAS", b"\xd1\x91"),
    ("$2x$05$6bNw2HLQYeqHYyBfLMsv/O9LIGgn8OMzuDoHfof8AQimSGfcSWxnS", b"\xd0\xc1\xd2\xcf\xcc\xd8"),
    ("$2x$05$/OK.fbVrR/bpIqNJ5ianF.o./n25XVfn6oAPaUvHe.Csk4zRfsYPi", b"1\xa3345"),
    ("$2x$05$/OK.fbVrR/bpIqNJ5ianF.o./n25XVfn6oAPaUvHe.Csk4zRfsYPi", b"\xff\xa3345"),
    ("$2x$05$/OK.fbVrR/bpIqNJ5ianF.o./n25XVfn6oAPaUvHe.Csk4zRfsYPi", b"\xff\xa334\xff\xff\xff\xa3345"),
    ("$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", b"U*U"),
]


@pytest.mark.parametrize(("stored", "secret"), CRYPT_BLOWFISH_2X, ids=range(len(CRYPT_BLOWFISH_2X)))
def test_2x_key_setup_reproduces_crypt_blowfish_test_vectors(stored: str, secret: bytes) -> None:
    """The buggy key bytes, given to a correct bcrypt, give exactly the hashes crypt_blowfish's tests expect."""
    from cognito_migrate.hashing.schemes.bcrypt_family import buggy_key

    assert stored[4:].encode() == bcrypt.hashpw(buggy_key(secret), b"$2b$" + stored[4:29].encode())[4:]


def test_2x_hash_of_an_8bit_password_verifies_as_the_legacy_system_did() -> None:
    """'ё' is 0xd1 0x91 in UTF-8: its $2x$ hash matches, and the same hash read with the correct algorithm not."""
    stored = CRYPT_BLOWFISH_2X[2][0]
    assert_verdict(Verdict.MATCH, "ё", stored)
    assert_verdict(Verdict.MISMATCH, "е", stored)
    assert_verdict(Verdict.MISMATCH, "ё", "$2b$" + stored[4:])  # the bug changed the hash


def test_2x_agrees_with_libxcrypt_on_random_8bit_passwords() -> None:
    """An independent implementation (libxcrypt's crypt_blowfish, which still computes $2x$) agrees."""
    import random

    from cognito_migrate.hashing.schemes import yescrypt

    if not yescrypt.available():
        pytest.skip("libxcrypt is not installed here")
    rng = random.Random(2011)
    alphabet = "aZ9 !éüßøπжё中🔑"
    for _ in range(12):
        password = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        stored = create("bcrypt", password, cost={"rounds": 4, "variant": "2x"})
        assert stored.encode() == yescrypt.system_crypt(password.encode(), stored.encode())
        assert_verdict(Verdict.MATCH, password, stored)

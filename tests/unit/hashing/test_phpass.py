"""phpass (``$P$``/``$H$``), Drupal 7 (``$S$``, ``U$S$``) and WordPress 6.8 (``$wp$``)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import warnings

import bcrypt
import pytest

from cognito_migrate.hashing import CostLimits, Verdict, create, identify
from tests.unit.hashing.hashing_vectors import UNICODE, assert_match, assert_verdict

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from passlib import hash as passlib_hash

PHPASS_PUBLISHED = {
    # openwall phpass 0.3 test.php (also passlib's test_handlers.py phpass_test, from John the Ripper).
    "openwall-P-9": ("test12345", "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0"),
    "jtr-H-9": ("test1", "$H$9aaaaaSXBjgypwqm.JsMssPLiS8YQ00"),
    "jtr-H-9b": ("123456", "$H$9PE8jEklgZhgLmZl5.HYJAzfGCQtzi1"),
    "jtr-P-long": ("thisisalongertestPW", "$P$912345678LIjjb6PhecupozNBmDndU0"),
    "jtr-P-6": ("JohnRipper", "$P$612345678si5M0DDyPpmRCmcltU/YW/"),
}


@pytest.mark.parametrize("key", PHPASS_PUBLISHED)
def test_phpass_published(key: str) -> None:
    password, stored = PHPASS_PUBLISHED[key]
    assert identify(stored) == "phpass"
    assert_match(password, stored)


@pytest.mark.parametrize("password", ["", "hunter2", UNICODE], ids=["empty", "ascii", "unicode"])
def test_phpass_libpass_generated(password: str) -> None:
    assert_match(password, passlib_hash.phpass.using(rounds=8).hash(password))
    assert_match(password, passlib_hash.phpass.using(rounds=7, ident="H").hash(password))


def test_phpass_wordpress_trim() -> None:
    stored = create("phpass", "secret", params={"trim": True})
    assert_verdict(Verdict.MATCH, " secret\n", stored, scheme="phpass", params={"trim": True})
    assert_verdict(Verdict.MISMATCH, " secret\n", stored, scheme="phpass")


def test_phpass_log2_capped_and_bounded() -> None:
    stored = passlib_hash.phpass.using(rounds=8).hash("x")
    assert_verdict(Verdict.OVER_LIMIT, "x", stored, limits=CostLimits(phpass_max_log2=7))
    assert_verdict(Verdict.MALFORMED, "x", stored[:3] + "4" + stored[4:])  # log2 7..30 only ("4" is 6)
    assert_verdict(Verdict.MALFORMED, "x", stored[:-1])


DRUPAL_PUBLISHED = {
    # drupal/drupal core/modules/phpass/tests/src/Unit/PasswordVerifyTest.php @ 502604f.
    "drupal-S": ("valid password", "$S$5TOxWPdvJRs0P/xZBdrrPlGgzViOS0drHu3jaIjitesfttrp18bk"),
    "drupal-U-S": ("valid password", "U$S$5vNHDQyLqCTvsYBLWBUWXJWhA0m3DTpBh04acFEOGB.bKBclhKgo"),
    # Drupal 7 also checks phpass rows (user_check_password): openwall's vector.
    "drupal-P": ("test12345", "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0"),
}


@pytest.mark.parametrize("key", DRUPAL_PUBLISHED)
def test_drupal_published(key: str) -> None:
    password, stored = DRUPAL_PUBLISHED[key]
    assert_match(password, stored, scheme="drupal7")


@pytest.mark.parametrize("password", ["", "hunter2", UNICODE], ids=["empty", "ascii", "unicode"])
def test_drupal_create_roundtrip(password: str) -> None:
    stored = create("drupal7", password, cost={"log2": 7})
    assert len(stored) == 55
    assert identify(stored) == "drupal7"
    assert_match(password, stored)


def test_drupal_refuses_over_512_bytes() -> None:
    assert_verdict(Verdict.MISMATCH, "x" * 513, DRUPAL_PUBLISHED["drupal-S"][1])


def _wp_hash(password: str) -> str:
    """wp_hash_password() of WordPress 6.8 (wordpress-develop src/wp-includes/pluggable.php @ 00515df)."""
    prehash = base64.b64encode(hmac.new(b"wp-sha384", password.strip().encode(), hashlib.sha384).digest())
    return "$wp" + bcrypt.hashpw(prehash, bcrypt.gensalt(4)).decode().replace("$2b$", "$2y$", 1)


@pytest.mark.parametrize("password", ["", "hunter2", UNICODE, "x" * 100], ids=["empty", "ascii", "unicode", "long"])
def test_wordpress_bcrypt(password: str) -> None:
    stored = _wp_hash(password)
    assert identify(stored) == "wordpress_bcrypt"
    assert_match(password, stored)


def test_wordpress_bcrypt_malformed() -> None:
    assert_verdict(Verdict.MALFORMED, "x", "$wp$2y$10$tooshort", scheme="wordpress_bcrypt")
    assert_verdict(Verdict.MALFORMED, "x", "$2y$10$" + "a" * 53, scheme="wordpress_bcrypt")

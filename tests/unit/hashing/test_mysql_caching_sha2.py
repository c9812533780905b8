"""MySQL 8 ``caching_sha2_password``: ``$A$005$`` + 20-byte salt + SHA-256 crypt, as mysql.user stores it."""

from __future__ import annotations

from cognito_migrate.hashing import CostLimits, Verdict, check_detailed, create, identify
from tests.unit.hashing.hashing_vectors import UNICODE, assert_match, assert_verdict

# hashcat src/modules/module_07401.c ST_HASH / ST_PASS ("hashcat"): the hex form hashcat's SQL query exports.
HASHCAT = (
    "$mysql$A$005*F9CC98CE08892924F50A213B6BC571A2C11778C5*"
    "625479393559393965414D45316477456B484F41316E64484742577A2E3162785353526B7554584647562F"
)
# A MySQL 8 server's SHOW CREATE USER (print_identified_with_as_hex) for a user created BY 'sha_test', as
# quoted by TiDB's parser tests (sha_test3); the salt holds control characters, hence the hex.
SERVER_HEX = (
    "0x24412430303524255B03496C662C1055127B3B654A2F04207D01485276703644704B76303247474564416A516662346C5868646D32"
    "764C6B514F43585A473779565947514F34"
)


def test_hashcat_vector() -> None:
    assert_match("hashcat", HASHCAT)
    assert identify(HASHCAT) == "mysql_caching_sha2"


def test_server_written_value_in_hex_and_raw() -> None:
    """The same authentication_string, hex-exported and as the column holds it (raw salt bytes)."""
    assert_match("sha_test", SERVER_HEX, scheme="mysql_caching_sha2")
    raw = bytes.fromhex(SERVER_HEX[2:]).decode("ascii")
    assert identify(raw) == "mysql_caching_sha2"
    assert_match("sha_test", raw)


def test_create_round_trips_and_rounds_come_from_the_value() -> None:
    stored = create("mysql_caching_sha2", UNICODE, cost={"rounds": 2000})
    assert stored.startswith("$A$002$")
    assert_match(UNICODE, stored)


def test_rounds_are_capped_before_hashing_counting_the_password_length() -> None:
    stored = create("mysql_caching_sha2", "pw", cost={"rounds": 3000})
    limits = CostLimits(sha_crypt_max_rounds=2000)
    assert Verdict.OVER_LIMIT is check_detailed("pw", stored, limits=limits).verdict
    long_limits = CostLimits(sha_crypt_max_rounds=5000)  # 3000 rounds x (1 + 300 // 256) = 6000
    assert Verdict.OVER_LIMIT is check_detailed("p" * 300, stored, limits=long_limits).verdict


def test_passwords_over_256_bytes_never_match_as_in_mysql() -> None:
    password = "x" * 257
    stored = create("mysql_caching_sha2", password, cost={"rounds": 1000})
    assert_verdict(Verdict.MISMATCH, password, stored)


def test_malformed_values() -> None:
    for stored in (
        "$A$005$short",
        "$A$0x5$" + "s" * 20 + "a" * 43,
        "$A$000$" + "s" * 20 + "a" * 43,
        "$mysql$A$5*zz*zz",
    ):
        assert Verdict.MALFORMED is check_detailed("pw", stored, scheme="mysql_caching_sha2").verdict, stored

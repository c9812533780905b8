"""identify(): every self-describing format, None for ambiguous ones, and it never raises."""

from __future__ import annotations

import pytest

from cognito_migrate.hashing import SCHEMES, identify

SELF_DESCRIBING = {
    "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.": "bcrypt",
    "$2y$10$.vGA1O9wmRjrwAVXD98HNOgsNpDczlqm3Jq7KnEd1rVAGv3Fykk1a": "bcrypt",
    "$2b$04$" + "a" * 53: "bcrypt",
    "$2x$04$" + "a" * 53: "bcrypt",
    "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$AAAA": "argon2",
    "$argon2i$m=8,t=1,p=1$c29tZXNhbHQ$AAAA": "argon2",
    "$argon2d$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$AAAA": "argon2",
    "$7$C6..../....SodiumChloride$kBGj9fHznVYFQMEn/qDCfrDevf9YDtcDdKvEqHJLV8D": "scrypt_crypt7",
    "$y$j9T$salt$hash": "yescrypt",
    "$1$salt$hash": "md5_crypt",
    "$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/": "apr1_md5_crypt",
    "$5$rounds=1000$salt$hash": "sha256_crypt",
    "$6$salt$hash": "sha512_crypt",
    "$pbkdf2$1000$c2FsdA$AAAA": "passlib_pbkdf2",
    "$pbkdf2-sha256$1000$c2FsdA$AAAA": "passlib_pbkdf2",
    "$pbkdf2-sha512$1000$c2FsdA$AAAA": "passlib_pbkdf2",
    "sha256:1000:salt:AAAA": "pbkdf2_generic",
    "sha1:64000:18:salt:AAAA": "pbkdf2_generic",
    "AAABAgMEBQYHCAkKCwwNDg+ukCEMDf0yyQ29NYubggHIVY0sdEUfdyeM+E1LtH1uJg==": "aspnet_identity_v2",
    "AQAAAAEAACcQAAAAEAABAgMEBQYHCAkKCwwNDg+yWU7rLgUwPZb1Itsmra7cbxw2EFpwpVFIEtP+JIuUEw==": "aspnet_identity_v3",
    "$episerver$*0*MjEwNA==*ZUgAmuaYTqAvisD0A427FA3oaWU": "episerver_membership",
    "pbkdf2_sha256$1000$salt$AAAA": "django_pbkdf2_sha256",
    "pbkdf2_sha1$1000$salt$AAAA": "django_pbkdf2_sha1",
    "argon2$argon2id$v=19$m=64,t=1,p=1$c2FsdA$AAAA": "django_argon2",
    "bcrypt$$2b$12$" + "a" * 53: "django_bcrypt",
    "bcrypt_sha256$$2b$12$" + "a" * 53: "django_bcrypt_sha256",
    "scrypt$16384$salt$8$5$AAAA": "django_scrypt",
    "md5$$88a434c88cca4e900f7874cd98123f43": "django_unsalted_md5",
    "sha1$$6d138ca3ae545631b3abd71a4f076ce759c5700b": "django_unsalted_sha1",
    "crypt$$ab1Hv2Lg7ltQo": "django_crypt",
    "pbkdf2:sha256:600000$salt$00": "werkzeug",
    "scrypt:32768:8:1$salt$00": "werkzeug",
    "sha256$salt$00": "werkzeug",
    "plain$$pw": "werkzeug",
    "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0": "phpass",
    "$H$9aaaaaSXBjgypwqm.JsMssPLiS8YQ00": "phpass",
    "$wp$2y$10$" + "a" * 53: "wordpress_bcrypt",
    "$S$5TOxWPdvJRs0P/xZBdrrPlGgzViOS0drHu3jaIjitesfttrp18bk": "drupal7",
    "U$S$5vNHDQyLqCTvsYBLWBUWXJWhA0m3DTpBh04acFEOGB.bKBclhKgo": "drupal7",
    '{"secretData": "{}", "credentialData": "{}"}': "keycloak_pbkdf2",
    "{bcrypt}$2a$10$dXJ3SW6G7P50lGmMkkmwe.20cQQubK3.HZWzG3YB1tlRy.fqvM/BG": "spring_delegating",
    "{noop}password": "spring_delegating",
    "{pbkdf2@SpringSecurity_v5_8}00": "spring_delegating",
    "{MD5}5f4dcc3b5aa765d61d8327deb882cf99": "spring_delegating",
    "{PKCS5S2}AAAA": "atlassian_pbkdf2_sha1",
    "{MD5}X03MO1qnZdYdgyfeuILPmQ==": "ldap_md5",
    "{SMD5}AAAA": "ldap_smd5",
    "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=": "ldap_sha",
    "{ssha}AAAA": "ldap_ssha",
    "{SSHA256}AAAA": "ldap_ssha256",
    "{SSHA512}AAAA": "ldap_ssha512",
    "{CRYPT}$6$salt$hash": "ldap_crypt",
    "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19": "mysql41",
    "$A$005$" + "s" * 20 + "a" * 43: "mysql_caching_sha2",
    "$mysql$A$005*" + "F9" * 20 + "*" + "62" * 43: "mysql_caching_sha2",
}
AMBIGUOUS = {
    "md5-hex": "5f4dcc3b5aa765d61d8327deb882cf99",
    "sha1-hex": "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8",
    "sha256-hex": "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",
    "mysql323": "6f8c114b58f2ce9e",
    "des": "ab1Hv2Lg7ltQo",
    "salted-sha1-django-or-werkzeug": "sha1$seasalt$cff36ea83f5706ce9aa7454e63e431fc726b2dc8",
    "base64-blob": "Vz9mJxudAR4ZVJTNI4W+oH7m3X0=",
    "empty": "",
    "django-unusable": "!Ek6vZ9bDRKoRt8B6T1n3cMh4QxVE2ZbNNjStNUPO",
    "unknown-dollar": "$9$abc",
    "unknown-brace": "{ROT13}abc",
    "brace-unterminated": "{SSHA",
    "aspnet-lookalike": "AQAAAAAA",
}


@pytest.mark.parametrize(("stored", "scheme"), SELF_DESCRIBING.items(), ids=SELF_DESCRIBING.values())
def test_self_describing(stored: str, scheme: str) -> None:
    assert identify(stored) == scheme
    assert scheme in SCHEMES


@pytest.mark.parametrize("stored", AMBIGUOUS.values(), ids=AMBIGUOUS.keys())
def test_ambiguous_is_none(stored: str) -> None:
    assert identify(stored) is None


def test_every_self_describing_scheme_is_covered() -> None:
    covered = set(SELF_DESCRIBING.values())
    expected = {s for s, info in SCHEMES.items() if info.self_describing}
    assert expected - covered == set()


def test_non_strings() -> None:
    assert identify(None) is None  # type: ignore[arg-type]
    assert identify(b"$2b$") is None  # type: ignore[arg-type]

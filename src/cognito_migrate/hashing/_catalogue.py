"""The scheme catalogue: what each scheme is, for people and for :func:`identify`, without importing it.

One :class:`SchemeInfo` per scheme id: its docs (rendered into docs/hashes.md), the params it accepts, its
identifying prefixes, and the module under ``cognito_migrate.hashing.schemes`` that implements it. The
implementation itself is the module's :class:`~cognito_migrate.hashing._core.Scheme` object, loaded by
``_registry`` the first time the scheme is used, so that nothing here imports bcrypt, argon2 or cryptography.
"""

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

_NONE: Mapping[str, str] = MappingProxyType({})


class SchemeInfo(NamedTuple):
    """What a scheme is, for people (the generated docs/hashes.md) and for policy code.

    ``params`` documents what the stored string does not carry (a salt column, a pepper, a signer key);
    these are the only keys ``verify(..., params=...)`` accepts for the scheme. ``weak`` marks unsalted or
    fast digests that a "weak hash -> RESET_REQUIRED" policy may act on. ``extra`` is the pip extra the
    scheme needs, if any. ``cost`` documents the keys ``create``/``dummy_credential`` accept in ``cost``.
    ``secret_params`` name the params that are keys (a machineKey): the configuration must give them as
    secret references, which the caller resolves and passes as zero-argument callables.
    ``prefixes`` are the stored-value prefixes :func:`~cognito_migrate.hashing.identify` recognizes the scheme
    by (``$2b$``, ``{SSHA}``, ``pbkdf2_sha256$``), in any case when ``prefixes_any_case`` (RFC 2307 tags);
    formats told by their layout rather than a prefix are recognized by rules in ``_identify.py``.
    Immutable (a NamedTuple: no dataclasses import on the cold path).
    """

    id: str
    summary: str
    module: str
    self_describing: bool = True
    weak: bool = False
    extra: str | None = None
    params: Mapping[str, str] = _NONE
    cost: Mapping[str, str] = _NONE
    prefixes: tuple[str, ...] = ()
    prefixes_any_case: bool = False
    secret_params: tuple[str, ...] = ()
    example: str = ""


_BCRYPT_PARAMS = {
    "prehash": "none (default), sha256_hex, sha512_hex, sha1_hex, md5_hex, sha256_b64: the password is first "
    "digested and the digest's text is bcrypt's input (hashcat 25600/25800/28400/30600 style)",
    "pepper": "a string appended to the password before hashing (Devise's config.pepper)",
    "truncate": "true (default): legacy behaviour, only the first 72 bytes count (PHP, Ruby, Node, OpenBSD, "
    "old Spring); false: passwords over 72 bytes never match (Go, patched Spring)",
}
_BCRYPT_COST = {"rounds": "log2 cost (default 10; Django 12)", "variant": "2a, 2b (default) or 2y"}
_PBKDF2_COST = {"iterations": "PBKDF2 iteration count"}
_ARGON2_COST = {"time_cost": "t", "memory_cost": "m in KiB", "parallelism": "p"}
_DIGEST_PARAMS = {
    "algorithm": "md5, sha1, sha224, sha256 (default), sha384, sha512, sha3_256, sha3_512",
    "salt": "the salt (a column or a constant)",
    "salt_encoding": "utf8 (default), hex or base64",
    "encoding": "of the stored digest: hex (default, either case) or base64",
    "password_encoding": "utf8 (default) or utf16le",
}

_CATALOGUE: tuple[SchemeInfo, ...] = (
    SchemeInfo(
        "bcrypt",
        "bcrypt `$2a$ $2b$ $2y$ $2x$` (PHP/Laravel, Ruby/Devise, Node, Spring, Auth0...). `$2x$` hashes are "
        "verified with crypt_blowfish's pre-2011 sign-extension bug, as the PHP that wrote them computed them.",
        "bcrypt_family",
        params=_BCRYPT_PARAMS,
        cost=_BCRYPT_COST,
        example="$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
        prefixes=("$2a$", "$2b$", "$2y$", "$2x$"),
    ),
    SchemeInfo(
        "aspnet_identity_v2",
        "ASP.NET Identity V2 `PasswordHash`: base64(0x00 | salt16 | PBKDF2-HMAC-SHA1 1000 iterations, 32 bytes). "
        "Like ASP.NET itself, a V3 value given with this scheme id is verified as V3.",
        "aspnet_identity",
        example="AAABAgMEBQYHCAkKCwwNDg+ukCEMDf0yyQ29NYubggHIVY0sdEUfdyeM+E1LtH1uJg==",
    ),
    SchemeInfo(
        "aspnet_identity_v3",
        "ASP.NET Core Identity V3 `PasswordHash`: base64(0x01 | prf | iterations | salt length | salt | subkey), "
        "PBKDF2 with HMAC-SHA1/256/512 (.NET 7+: SHA512, 100,000 iterations; Core <= 6: SHA256, 10,000).",
        "aspnet_identity",
        cost={
            "iterations": "iteration count (default 100000)",
            "prf": "HMACSHA1, HMACSHA256 or HMACSHA512 (default HMACSHA512)",
        },
        example="AQAAAAEAACcQAAAAEAABAgMEBQYHCAkKCwwNDg+yWU7rLgUwPZb1Itsmra7cbxw2EFpwpVFIEtP+JIuUEw==",
    ),
    SchemeInfo(
        "django_pbkdf2_sha256",
        "Django's default `pbkdf2_sha256$iterations$salt$base64(dk)`.",
        "django",
        cost=_PBKDF2_COST,
        example="pbkdf2_sha256$15000$50a7ff2d7e00$t7Qx2CfzMhGEbyCa3Wk5nJvNjj3N+FdxhpwJDerl4Fs=",
        prefixes=("pbkdf2_sha256$",),
    ),
    SchemeInfo(
        "django_pbkdf2_sha1",
        "Django `pbkdf2_sha1$iterations$salt$base64(dk)`.",
        "django",
        cost=_PBKDF2_COST,
        prefixes=("pbkdf2_sha1$",),
    ),
    SchemeInfo(
        "django_bcrypt",
        "Django `bcrypt$` + a bcrypt string over the raw password (first 72 bytes).",
        "bcrypt_family",
        cost=_BCRYPT_COST,
        prefixes=("bcrypt$",),
    ),
    SchemeInfo(
        "django_bcrypt_sha256",
        "Django `bcrypt_sha256$` + a bcrypt string over hex(SHA-256(password)).",
        "bcrypt_family",
        cost=_BCRYPT_COST,
        prefixes=("bcrypt_sha256$",),
    ),
    SchemeInfo(
        "django_scrypt",
        "Django >= 4.0 `scrypt$N$salt$r$p$base64(dk)` (defaults N=2^14, r=8, p=5, 64-byte key).",
        "django",
        cost={"n": "CPU/memory cost (default 16384)", "r": "block size (default 8)", "p": "parallelism (default 5)"},
        prefixes=("scrypt$",),
    ),
    SchemeInfo(
        "django_salted_md5",
        "Django `md5$salt$hex`: md5(salt + password). Not identified automatically: Werkzeug < 3.0 wrote "
        "`md5$salt$hex` with HMAC.",
        "django",
        self_describing=False,
        weak=True,
    ),
    SchemeInfo(
        "django_salted_sha1",
        "Django `sha1$salt$hex`: sha1(salt + password) (the default before Django 1.4). Not identified "
        "automatically: Werkzeug < 3.0 wrote `sha1$salt$hex` with HMAC.",
        "django",
        self_describing=False,
        weak=True,
    ),
    SchemeInfo(
        "django_unsalted_md5",
        "Django unsalted md5: `md5$$hex` or bare 32 hex digits (bare hex is only identified as this with an "
        "explicit scheme).",
        "django",
        weak=True,
        prefixes=("md5$$",),
    ),
    SchemeInfo(
        "django_unsalted_sha1",
        "Django `sha1$$hex`: sha1(password).",
        "django",
        weak=True,
        prefixes=("sha1$$",),
    ),
    SchemeInfo(
        "wordpress_bcrypt",
        "WordPress >= 6.8 `$wp$2y$...`: bcrypt over base64(HMAC-SHA384(key 'wp-sha384', trim(password))).",
        "bcrypt_family",
        cost=_BCRYPT_COST,
        prefixes=("$wp$",),
    ),
    SchemeInfo(
        "argon2",
        "Argon2 PHC strings `$argon2i$ $argon2d$ $argon2id$`, with or without `v=` (Node, PHP/Laravel, "
        "Spring, Symfony, argon2-cffi).",
        "argon2",
        extra="argon2",
        cost=_ARGON2_COST,
        example="$argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>",
        prefixes=("$argon2i$", "$argon2d$", "$argon2id$"),
    ),
    SchemeInfo(
        "django_argon2",
        "Django `argon2$` + a PHC string (old rows argon2i without `v=`).",
        "argon2",
        extra="argon2",
        cost=_ARGON2_COST,
        prefixes=("argon2$",),
    ),
    SchemeInfo(
        "scrypt_crypt7",
        "scrypt in crypt(3) form `$7$` (libxcrypt).",
        "scrypt_crypt",
        cost={"log2_n": "log2 of N (default 14)", "r": "block size (default 32)", "p": "parallelism (default 1)"},
        prefixes=("$7$",),
    ),
    SchemeInfo(
        "yescrypt",
        "yescrypt `$y$` (Debian 11+, Ubuntu 22.04+, Fedora /etc/shadow) via the system's libxcrypt; "
        "UNSUPPORTED where libxcrypt is missing.",
        "yescrypt",
        cost={"count": "libxcrypt cost 1..11 (default 5)"},
        prefixes=("$y$",),
    ),
    SchemeInfo(
        "md5_crypt",
        "md5-crypt `$1$salt$hash` (FreeBSD/Linux, Cisco).",
        "md5_crypt",
        weak=True,
        prefixes=("$1$",),
    ),
    SchemeInfo(
        "apr1_md5_crypt",
        "Apache htpasswd `$apr1$salt$hash`.",
        "md5_crypt",
        weak=True,
        prefixes=("$apr1$",),
    ),
    SchemeInfo(
        "sha256_crypt",
        "SHA-crypt `$5$[rounds=N$]salt$hash` (Drepper).",
        "sha_crypt",
        cost={"rounds": "rounds (default 5000)"},
        prefixes=("$5$",),
    ),
    SchemeInfo(
        "sha512_crypt",
        "SHA-crypt `$6$[rounds=N$]salt$hash` (Drepper; Linux /etc/shadow before yescrypt).",
        "sha_crypt",
        cost={"rounds": "rounds (default 5000)"},
        prefixes=("$6$",),
    ),
    SchemeInfo(
        "des_crypt",
        "Traditional 13-character DES crypt(3); only 8 characters of the password count. A bare 13-character "
        "value is not identified automatically.",
        "des_crypt",
        self_describing=False,
        weak=True,
    ),
    SchemeInfo(
        "django_crypt",
        "Django `crypt$$<13-character DES crypt>`.",
        "des_crypt",
        weak=True,
        prefixes=("crypt$",),
    ),
    SchemeInfo(
        "passlib_pbkdf2",
        "passlib `$pbkdf2$` (SHA-1), `$pbkdf2-sha256$`, `$pbkdf2-sha512$` + rounds$salt$checksum (adapted base64).",
        "pbkdf2",
        cost=_PBKDF2_COST,
        prefixes=("$pbkdf2$", "$pbkdf2-sha256$", "$pbkdf2-sha512$"),
    ),
    SchemeInfo(
        "pbkdf2_generic",
        "`alg:iterations:salt:hash` (defuse password-hashing v1: salt used as text, hash base64) and "
        "`alg:iterations:size:salt:hash` (v2: salt base64); alg sha1/sha256/sha512.",
        "pbkdf2",
        params={
            "salt_encoding": "text (v1 default), base64 (v2 default) or hex",
            "hash_encoding": "base64 (default) or hex",
        },
        cost={
            "format": "v2 (default: sha1, 64000 iterations, 18-byte hash) or v1 (sha256, 1000, 24 bytes)",
            "digest": "sha1, sha256 or sha512 (default: the format's)",
            "iterations": "default: the format's",
        },
    ),
    SchemeInfo(
        "atlassian_pbkdf2_sha1",
        "Atlassian (Jira, Confluence, Crowd) `{PKCS5S2}base64(salt16 + PBKDF2-SHA1 10000 iterations, 32 bytes)`.",
        "pbkdf2",
        prefixes=("{PKCS5S2}",),
        prefixes_any_case=True,
    ),
    SchemeInfo(
        "aspnet_membership",
        "ASP.NET Membership `aspnet_Membership.Password` (UTF-16LE; SHA1 by default, HMAC variants keyed by the "
        "salt). Also `hash|format|salt` as Microsoft's SQLPasswordHasher sample stores it in Identity. Encrypted "
        "rows (PasswordFormat 2) are decrypted with the application's machineKey (AES or 3DES, CBC, zero IV, "
        "as MembershipProvider does) and need `pip install 'cognito-migrate[aspnet]'`; without "
        "`decryption_key` they are UNSUPPORTED, and the configuration refuses a key written in clear.",
        "aspnet_membership",
        self_describing=False,
        weak=True,
        params={
            "salt": "the PasswordSalt column (base64)",
            "password_format": "the PasswordFormat column: 0 clear, 1 hashed (default), 2 encrypted (needs "
            "decryption_key)",
            "decryption_key": "web.config machineKey decryptionKey (hex) for encrypted rows; configure it as a secret "
            "reference (env:, ssm:, secretsmanager:), never the key itself",
            "decryption": "web.config machineKey decryption: AES (default; also what Auto means from .NET 4) or 3DES "
            "(what Auto meant on .NET 2.0-3.5)",
            "algorithm": "SHA1 (default: passwordCompatMode Framework20), MD5, SHA256, SHA384, SHA512, HMACMD5, "
            "HMACSHA1, HMACSHA256 (typical for Framework40), HMACSHA384, HMACSHA512: web.config hashAlgorithmType",
        },
        secret_params=("decryption_key",),
    ),
    SchemeInfo(
        "episerver_membership",
        "Episerver `$episerver$*0*salt*hash` (0 = SHA1, 1 = SHA256; hashcat 141/1441): H(salt + UTF-16LE(pw)).",
        "aspnet_membership",
        weak=True,
        prefixes=("$episerver$",),
    ),
    SchemeInfo(
        "umbraco_hmacsha1",
        "Umbraco legacy HMACSHA1: base64(HMAC-SHA1(key = UTF-16LE(pw), msg = UTF-16LE(pw))) (hashcat 24800).",
        "aspnet_membership",
        self_describing=False,
        weak=True,
    ),
    SchemeInfo(
        "werkzeug",
        "Flask/Werkzeug `pbkdf2:sha256:N$salt$hex`, `scrypt:N:r:p$salt$hex` and the pre-3.0 `md5$`, `sha1$`, "
        "`sha256$`... (HMAC keyed by the salt) and `plain$$`.",
        "werkzeug",
        params={
            "default_iterations": "iterations for `pbkdf2:sha256$` without a count: the Werkzeug version's "
            "default (3.1: 1000000, 2.3-3.0: 600000, 2.0-2.2: 260000, 0.15-1.0: 150000, 0.12-0.14: 50000)",
        },
        cost={
            "method": "scrypt (default) or pbkdf2",
            "iterations": "pbkdf2 iterations (default 1000000)",
            "n": "scrypt N",
            "r": "scrypt r",
            "p": "scrypt p",
        },
        prefixes=("sha224$", "sha256$", "sha384$", "sha512$", "plain$"),
    ),
    SchemeInfo(
        "phpass",
        "phpass portable `$P$` (WordPress <= 6.7) and `$H$` (phpBB3): iterated MD5.",
        "phpass",
        weak=True,
        params={"trim": "true for WordPress: it trims the password (PHP trim) before hashing and at login"},
        cost={"log2": "log2 of the iteration count (default 8, WordPress)"},
        prefixes=("$P$", "$H$"),
    ),
    SchemeInfo(
        "drupal7",
        "Drupal 7 `$S$` (iterated SHA-512, 55 characters), `U$S$` (Drupal 6 md5 re-hashed) and its phpass rows.",
        "phpass",
        cost={"log2": "log2 of the iteration count (default 15)"},
        prefixes=("$S$", "U$S$"),
    ),
    SchemeInfo(
        "firebase_scrypt",
        "Firebase Authentication's modified scrypt (`passwordHash` from `firebase auth:export`).",
        "firebase",
        self_describing=False,
        extra="firebase",
        params={
            "salt": "the user's salt (base64, from the export)",
            "signer_key": "the project's base64_signer_key",
            "salt_separator": "the project's base64_salt_separator",
            "rounds": "the project's rounds (r, e.g. 8)",
            "mem_cost": "the project's mem_cost (log2 N, e.g. 14)",
        },
    ),
    SchemeInfo(
        "keycloak_pbkdf2",
        'Keycloak password credential: `{"secretData": ..., "credentialData": ...}` (pbkdf2, '
        "pbkdf2-sha256, pbkdf2-sha512; argon2 needs the argon2 extra).",
        "keycloak",
        params={"credential_data": "the CREDENTIAL_DATA JSON when the stored value is SECRET_DATA alone"},
        cost={"algorithm": "pbkdf2, pbkdf2-sha256 (default), pbkdf2-sha512", "iterations": "default 27500"},
    ),
    SchemeInfo(
        "spring_delegating",
        "Spring Security DelegatingPasswordEncoder `{bcrypt} {pbkdf2} {scrypt} {sha256} {argon2} {ldap} {noop} "
        "{MD5} {SHA-1} {SHA-256}` (and the `@SpringSecurity_v5_8` ids).",
        "spring",
        params={
            "secret": "the pbkdf2/sha256 encoder's secret (default empty)",
            "salt_length": "pbkdf2 salt length in bytes (default 8; v5_8: 16)",
            "iterations": "pbkdf2 iterations (default 185000; v5_8: 310000)",
            "algorithm": "PBKDF2WithHmacSHA1 (default), PBKDF2WithHmacSHA256 (v5_8 default), PBKDF2WithHmacSHA512",
            "encoding": "pbkdf2 output encoding: hex (default) or base64 (encodeHashAsBase64)",
        },
        cost={
            "encoder": "bcrypt (default) or pbkdf2",
            "rounds": "bcrypt cost (default 10)",
            "iterations": "pbkdf2 iterations (default: params or 185000)",
        },
        prefixes=(
            "{bcrypt}",
            "{pbkdf2}",
            "{scrypt}",
            "{sha256}",
            "{noop}",
            "{argon2}",
            "{ldap}",
            "{MD4}",
            "{SHA-1}",
            "{pbkdf2@SpringSecurity_v5_8}",
            "{scrypt@SpringSecurity_v5_8}",
            "{argon2@SpringSecurity_v5_8}",
        ),
    ),
    SchemeInfo(
        "symfony_message_digest",
        "Symfony MessageDigestPasswordHasher: iterated H(d + pw{salt}), base64 or hex.",
        "symfony",
        self_describing=False,
        weak=True,
        params={
            "salt": "the user's salt column",
            "algorithm": "md5, sha1, sha256, sha384, sha512 (default)",
            "iterations": "default 5000",
            "encode_as_base64": "true (default) or false for hex",
        },
        cost={"iterations": "default: params.iterations or 5000"},
    ),
    SchemeInfo(
        "symfony_pbkdf2",
        "Symfony Pbkdf2PasswordHasher (hash_pbkdf2, default sha512, 1000 iterations, 40 bytes, base64).",
        "symfony",
        self_describing=False,
        params={
            "salt": "the user's salt column",
            "algorithm": "md5, sha1, sha256, sha384, sha512 (default)",
            "iterations": "default 1000",
            "length": "derived key length in bytes (default 40)",
            "encode_as_base64": "true (default) or false for hex",
        },
        cost={"iterations": "default: params.iterations or 1000"},
    ),
    SchemeInfo(
        "ldap_md5", "RFC 2307 `{MD5}base64(md5(pw))`.", "ldap", weak=True, prefixes=("{MD5}",), prefixes_any_case=True
    ),
    SchemeInfo(
        "ldap_smd5",
        "RFC 2307 `{SMD5}base64(md5(pw + salt) + salt)`.",
        "ldap",
        weak=True,
        prefixes=("{SMD5}",),
        prefixes_any_case=True,
    ),
    SchemeInfo(
        "ldap_sha", "RFC 2307 `{SHA}base64(sha1(pw))`.", "ldap", weak=True, prefixes=("{SHA}",), prefixes_any_case=True
    ),
    SchemeInfo(
        "ldap_ssha",
        "RFC 2307 `{SSHA}base64(sha1(pw + salt) + salt)`, any salt length (OpenLDAP's default).",
        "ldap",
        weak=True,
        prefixes=("{SSHA}",),
        prefixes_any_case=True,
    ),
    SchemeInfo(
        "ldap_ssha256",
        "`{SSHA256}base64(sha256(pw + salt) + salt)`, any salt length.",
        "ldap",
        weak=True,
        prefixes=("{SSHA256}",),
        prefixes_any_case=True,
    ),
    SchemeInfo(
        "ldap_ssha512",
        "`{SSHA512}base64(sha512(pw + salt) + salt)`, any salt length.",
        "ldap",
        weak=True,
        prefixes=("{SSHA512}",),
        prefixes_any_case=True,
    ),
    SchemeInfo(
        "ldap_crypt",
        "RFC 2307 `{CRYPT}` + any crypt(3) string verified by its own scheme (create writes `$6$`).",
        "ldap",
        cost={"rounds": "rounds of the `$6$` SHA-crypt that create writes (default 5000)"},
        prefixes=("{CRYPT}",),
        prefixes_any_case=True,
    ),
    SchemeInfo(
        "mysql41",
        "MySQL 4.1+ `PASSWORD()`: `*` + upper hex SHA1(SHA1(pw)).",
        "mysql",
        weak=True,
    ),
    SchemeInfo(
        "mysql323",
        "MySQL < 4.1 `OLD_PASSWORD()`: 16 hex digits.",
        "mysql",
        self_describing=False,
        weak=True,
    ),
    SchemeInfo(
        "mysql_caching_sha2",
        "MySQL 8 `caching_sha2_password` (`mysql.user.authentication_string`): `$A$005$` + a 20-byte salt + "
        "SHA-256 crypt with 5000 rounds (the digits are rounds / 1000); also its hex export `0x2441...` and "
        "hashcat's `$mysql$A$005*salt*hash`. Passwords over 256 bytes never match, as in MySQL.",
        "mysql",
        cost={"rounds": "rounds, a multiple of 1000 (default 5000)"},
        prefixes=("$A$", "$mysql$A$"),
    ),
    SchemeInfo(
        "raw_digest",
        "Plain or salted digest, hex or base64: H(pw), H(salt + pw), H(pw + salt).",
        "digest",
        self_describing=False,
        weak=True,
        params=_DIGEST_PARAMS | {"salt_position": "none (default without salt), prefix (default with salt), suffix"},
    ),
    SchemeInfo(
        "hmac_digest",
        "HMAC keyed by the password (message = salt) or by the salt (message = password).",
        "digest",
        self_describing=False,
        weak=True,
        params=_DIGEST_PARAMS | {"key": "password (default: key = password, msg = salt) or salt"},
    ),
)


def _freeze(info: SchemeInfo) -> SchemeInfo:
    return info._replace(params=MappingProxyType(dict(info.params)), cost=MappingProxyType(dict(info.cost)))


SCHEMES: Mapping[str, SchemeInfo] = MappingProxyType({i.id: _freeze(i) for i in _CATALOGUE})
"""Every scheme id, in catalogue order."""

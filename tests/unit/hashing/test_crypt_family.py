"""crypt(3) family: md5-crypt, apr1, SHA-crypt, DES, scrypt ``$7$``, yescrypt, LDAP ``{CRYPT}``.

Vectors: Drepper's SHA-crypt specification, Apache's documentation, openwall yescrypt and libxcrypt test
files, libpass (generated in-test), and the system libxcrypt through ctypes as a second implementation.
"""

from __future__ import annotations

import ctypes
import random
import string
import warnings

import pytest

from cognito_migrate.hashing import SCHEMES, CostLimits, Verdict, check_detailed, create, identify
from cognito_migrate.hashing.schemes import yescrypt
from tests.unit.hashing.hashing_vectors import UNICODE, assert_match, assert_verdict

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from passlib import hash as passlib_hash

PUBLISHED = {
    # akkadia.org/drepper/SHA-crypt.txt, test vectors.
    "drepper-5-rounds10000": ("Hello world!", "$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA"),
    "drepper-5-toolongsalt": ("This is just a test", "$5$rounds=5000$toolongsaltstrin$Un/5jzAHMgOGZ5.mWJpuVolil07guHPvOW8mGRcvxa5"),
    "drepper-6-default": (
        "Hello world!",
        "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1",
    ),
    "drepper-6-rounds10000": (
        "Hello world!",
        "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3R"
        "nOaw5v.",
    ),
    "drepper-6-rounds1400": (
        "a very much longer text to encrypt.  This one even stretches over morethan one line.",
        "$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGq"
        "d8p4ur1",
    ),
    # httpd.apache.org/docs/2.2/misc/password_encryptions.html (also in passlib's test_handlers.py).
    "apache-apr1": ("myPassword", "$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/"),
    # django/django tests/auth_tests/test_hashers.py test_crypt (the DES string inside crypt$$).
    "django-des": ("lètmei", "ab1Hv2Lg7ltQo"),
    # openwall/yescrypt tests.c (also libxcrypt test/alg-yescrypt.c): $7$ and $y$.
    "openwall-7-C6": ("pleaseletmein", "$7$C6..../....SodiumChloride$kBGj9fHznVYFQMEn/qDCfrDevf9YDtcDdKvEqHJLV8D"),
    "openwall-7-06": ("pleaseletmein", "$7$06..../....SodiumChloride$ENlyo6fGw4PCcDBOFepfSZjFUnVatHzCcW55.ZGz3B0"),
    "openwall-y-jD5": ("pleaseletmein", "$y$jD5.7$LdJMENpBABJJ3hIHjB1Bi.$HboGM6qPrsK.StKYGt6KErmUYtioHreJd98oIugoNB6"),
    "libxcrypt-y-empty": ("", "$y$jD5.7$$JD8dsR.nt1ty0ltQ2HHwauaDRoOUIEaA5i.vpj2nyL."),
    # openwall/yescrypt TESTS-OK.
    "openwall-y-jC4": ("pleaseletmein", "$y$jC4$LdJMENpBABJJ3hIHjB1B$jVg4HoqqpbmQv/NCpin.QCMagJ8o4QX7lXdzvVV0xFC"),
    "openwall-y-B3": ("pleaseletmein", "$y$/B3.6$LdJMENpBABJJ3hIHjB1$h8sE4hJo.BsdlfJr0.d8bNJNPZymH7Y3kLj4aY1Rfc8"),
}  # fmt: skip
SCHEME = {"django-des": "des_crypt"}
needs_libxcrypt = pytest.mark.skipif(not yescrypt.available(), reason="libxcrypt (libcrypt.so.1/.2) not on this system")


@pytest.mark.parametrize("key", PUBLISHED)
def test_published(key: str) -> None:
    if "-y-" in key and not yescrypt.available():
        pytest.skip("libxcrypt not available")
    password, stored = PUBLISHED[key]
    assert_match(password, stored, scheme=SCHEME.get(key))


PASSWORDS = {"empty": "", "ascii": "hunter2", "unicode": UNICODE, "long": "x" * 100}
LIBPASS = {
    "md5_crypt": passlib_hash.md5_crypt.hash,
    "apr1_md5_crypt": passlib_hash.apr_md5_crypt.hash,
    "sha256_crypt": lambda pw: passlib_hash.sha256_crypt.using(rounds=1000).hash(pw),
    "sha512_crypt": lambda pw: passlib_hash.sha512_crypt.using(rounds=5000).hash(pw),
    "des_crypt": passlib_hash.des_crypt.hash,
}


@pytest.mark.parametrize("scheme", LIBPASS)
@pytest.mark.parametrize("password", PASSWORDS.values(), ids=PASSWORDS.keys())
def test_libpass_generated(scheme: str, password: str) -> None:
    stored = LIBPASS[scheme](password)
    assert identify(stored) == (None if scheme == "des_crypt" else scheme)
    if scheme == "des_crypt":  # only 8 characters count: change the first one
        assert_verdict(Verdict.MATCH, password, stored, scheme=scheme)
        assert_verdict(Verdict.MISMATCH, "Z" + password[1:], stored, scheme=scheme)
    else:
        assert_match(password, stored)


def test_des_crypt_ignores_after_8_characters() -> None:
    stored = passlib_hash.des_crypt.hash("abcdefgh")
    assert_verdict(Verdict.MATCH, "abcdefghXYZ", stored, scheme="des_crypt")


def _libcrypt() -> ctypes.CDLL | None:
    for name in ("libcrypt.so.1", "libcrypt.so.2"):
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        lib.crypt.restype = ctypes.c_char_p
        lib.crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        return lib
    return None


@needs_libxcrypt
def test_random_against_system_libxcrypt() -> None:
    """Our pure-Python crypt(3) against the C library, on random passwords and salts."""
    lib = _libcrypt()
    assert lib is not None
    rng = random.Random(1234)
    alphabet = "./" + string.ascii_letters + string.digits
    for _ in range(30):
        password = "".join(rng.choice(string.printable.strip()) for _ in range(rng.randrange(0, 30)))
        salt = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 17)))
        settings = (
            f"$1${salt[:8]}$",
            f"$5$rounds=1000${salt}$",
            f"$6${salt}$",
            salt[:2].ljust(2, "a"),
            f"$7$06..../....{salt}",
        )
        for setting in settings:
            stored = lib.crypt(password.encode(), setting.encode()).decode()
            scheme = "des_crypt" if len(stored) == 13 else None
            assert_verdict(Verdict.MATCH, password, stored, scheme=scheme)


@pytest.mark.parametrize("scheme", ["md5_crypt", "apr1_md5_crypt", "sha256_crypt", "sha512_crypt", "des_crypt"])
def test_create_roundtrip(scheme: str) -> None:
    stored = create(scheme, UNICODE, cost={"rounds": 1000} if "sha" in scheme else None)
    if scheme == "des_crypt":
        assert_verdict(Verdict.MATCH, UNICODE, stored, scheme=scheme)
    else:
        assert_match(UNICODE, stored)
        verified = passlib_hash.__dict__[scheme.replace("apr1_md5", "apr_md5")].verify(UNICODE, stored)
        assert verified, "libpass rejects the value create() wrote"


@pytest.mark.parametrize(
    ("scheme", "stored"),
    [
        ("md5_crypt", "$1$saltsalt$"),
        ("md5_crypt", "$1$saltsaltX$OGyl6dDvZCDiGmIVbeuCq/"),
        ("sha512_crypt", "$6$rounds=abc$salt$" + "a" * 86),
        ("sha256_crypt", "$5$salt$short"),
        ("des_crypt", "ab!Hv2Lg7ltQo"),
        ("des_crypt", "ab1Hv2Lg7ltQ"),
        ("scrypt_crypt7", "$7$C6..../....SodiumChloride$short"),
        ("scrypt_crypt7", "$7$"),
        ("yescrypt", "$y$jD5.7$LdJMENpBABJJ3hIHjB1Bi."),
    ],
    ids=["md5-empty", "md5-long-salt", "sha512-rounds", "sha256-short", "des-char", "des-short", "7-short",
         "7-bare", "y-no-hash"],
)  # fmt: skip
def test_malformed(scheme: str, stored: str) -> None:
    assert_verdict(Verdict.MALFORMED, "pw", stored, scheme=scheme)


def test_sha_crypt_rounds_capped_before_computing() -> None:
    stored = "$6$rounds=999999999$salt$" + "a" * 86
    result = check_detailed("pw", stored)
    assert result.verdict is Verdict.OVER_LIMIT
    assert result.reason == "sha_crypt_max_rounds exceeded"


@needs_libxcrypt
def test_yescrypt_cost_capped_and_created() -> None:
    stored = create("yescrypt", UNICODE)
    assert stored.startswith("$y$j9T$")
    assert_match(UNICODE, stored)
    big = create("yescrypt", "x", cost={"count": 8})
    assert_verdict(Verdict.OVER_LIMIT, "x", big, limits=CostLimits(scrypt_max_memory=32 * 1024 * 1024))


def test_yescrypt_unsupported_without_libxcrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yescrypt, "_crypt_rn", None)
    result = check_detailed("pleaseletmein", PUBLISHED["openwall-y-jD5"][1])
    assert result.verdict is Verdict.UNSUPPORTED
    assert "libxcrypt" in result.reason


def test_scrypt_crypt7_create_and_cap() -> None:
    stored = create("scrypt_crypt7", UNICODE, cost={"log2_n": 10, "r": 8})
    assert_match(UNICODE, stored)
    assert_verdict(Verdict.OVER_LIMIT, "pleaseletmein", "$7$Z6..../....SodiumChloride$" + "a" * 43)


def test_ldap_crypt_dispatches() -> None:
    assert_match("hunter2", "{CRYPT}" + passlib_hash.sha512_crypt.using(rounds=1000).hash("hunter2"))
    assert_match("hunter2", "{crypt}" + passlib_hash.md5_crypt.hash("hunter2"))
    assert_verdict(Verdict.MATCH, "hunter2", "{CRYPT}" + passlib_hash.des_crypt.hash("hunter2"))
    assert SCHEMES["ldap_crypt"].self_describing

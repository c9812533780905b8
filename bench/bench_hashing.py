"""Hash verification overhead and identify() throughput (a plain script; not part of the test run).

For each scheme, one vector at the framework's usual cost is verified alternately through
``cognito_migrate.hashing.check(..., scheme=...)`` and by calling the primitive directly with the inputs
already parsed (bcrypt.hashpw, hashlib.pbkdf2_hmac, argon2's hash_secret_raw, libxcrypt...). Both are timed
side by side in interleaved rounds; the ratio is median(API) / median(primitive), target <= 1.03. For cheap
digests a ratio is meaningless (microseconds of parsing against a microsecond of hashing), so the absolute
overhead is printed too. Then identify() runs over a million mixed stored values.

Run: PYTHONPATH=src python bench/bench_hashing.py [--quick]

``--calibrate`` instead measures the seconds per work unit of each primitive of the time estimate
(``cognito_migrate.hashing._estimate``): each primitive is verified through ``check()`` at a known work, the
fastest of several runs is kept (what the machine can do; other processes only slow it down), and where
several schemes share a primitive the dearest per unit is kept. It prints the measured table beside the one
in the code and the ratio, then the table to paste into ``SECONDS_PER_UNIT``.
"""

# ruff: noqa: S324 - legacy md5/sha1 digests are what is being measured

from __future__ import annotations

import base64
import ctypes
import hashlib
import hmac
import json
import os
import platform
import random
import statistics
import sys
import time
from typing import TYPE_CHECKING, Any, NamedTuple

import bcrypt
from argon2 import PasswordHasher
from argon2.low_level import Type, hash_secret_raw

from cognito_migrate import hashing
from cognito_migrate.hashing.schemes import des_crypt, md5_crypt, phpass, sha_crypt, yescrypt

if TYPE_CHECKING:
    from collections.abc import Callable

QUICK = "--quick" in sys.argv
PW = "correct horse battery staple"
PWB = PW.encode()
eq = hmac.compare_digest


class Case(NamedTuple):
    name: str
    scheme: str
    stored: str
    primitive: Callable[[], bool]
    params: dict[str, Any] | None = None
    note: str = ""


def _case(name: str, scheme: str, stored: str, primitive: Callable[[], bool], **kw: Any) -> Case:
    return Case(name, scheme, stored, primitive, **kw)


def cases() -> list[Case]:  # noqa: PLR0915
    out = []
    # bcrypt cost 10 / 12
    for cost in (10, 12):
        stored = bcrypt.hashpw(PWB, bcrypt.gensalt(cost)).decode()
        sb = stored.encode()
        out.append(_case(f"bcrypt cost {cost}", "bcrypt", stored, lambda sb=sb: eq(bcrypt.hashpw(PWB, sb), sb)))
    stored = "$wp" + bcrypt.hashpw(
        base64.b64encode(hmac.new(b"wp-sha384", PWB, hashlib.sha384).digest()), bcrypt.gensalt(10)
    ).decode().replace("$2b$", "$2y$")
    inner = stored[3:].encode()
    out.append(
        _case(
            "wordpress_bcrypt cost 10",
            "wordpress_bcrypt",
            stored,
            lambda: eq(
                bcrypt.hashpw(base64.b64encode(hmac.new(b"wp-sha384", PWB, hashlib.sha384).digest()), inner), inner
            ),
        )
    )
    # ASP.NET Identity
    salt = os.urandom(16)
    v2 = hashlib.pbkdf2_hmac("sha1", PWB, salt, 1000, 32)
    out.append(
        _case(
            "aspnet_identity_v2 (SHA1, 1000)",
            "aspnet_identity_v2",
            base64.b64encode(b"\0" + salt + v2).decode(),
            lambda: eq(hashlib.pbkdf2_hmac("sha1", PWB, salt, 1000, 32), v2),
        )
    )
    for prf, digest, iterations in ((2, "sha512", 100_000), (1, "sha256", 10_000)):
        sub = hashlib.pbkdf2_hmac(digest, PWB, salt, iterations, 32)
        blob = bytes([1]) + b"".join(n.to_bytes(4, "big") for n in (prf, iterations, 16)) + salt + sub
        out.append(
            _case(
                f"aspnet_identity_v3 ({digest.upper()}, {iterations:,})",
                "aspnet_identity_v3",
                base64.b64encode(blob).decode(),
                lambda d=digest, i=iterations, s=sub: eq(hashlib.pbkdf2_hmac(d, PWB, salt, i, 32), s),
            )
        )
    # Django
    dsalt = "abcdefghijklmnopqrstuv"
    for it in (1_000_000,):
        dk = hashlib.pbkdf2_hmac("sha256", PWB, dsalt.encode(), it)
        out.append(
            _case(
                f"django_pbkdf2_sha256 ({it:,})",
                "django_pbkdf2_sha256",
                f"pbkdf2_sha256${it}${dsalt}${base64.b64encode(dk).decode()}",
                lambda it=it, dk=dk: eq(hashlib.pbkdf2_hmac("sha256", PWB, dsalt.encode(), it), dk),
            )
        )
    sdk = hashlib.scrypt(PWB, salt=dsalt.encode(), n=2**14, r=8, p=5, maxmem=2**26, dklen=64)
    out.append(
        _case(
            "django_scrypt (2^14, 8, 5)",
            "django_scrypt",
            f"scrypt$16384${dsalt}$8$5${base64.b64encode(sdk).decode()}",
            lambda: eq(hashlib.scrypt(PWB, salt=dsalt.encode(), n=2**14, r=8, p=5, maxmem=2**26, dklen=64), sdk),
        )
    )
    stored = hashing.create("django_bcrypt_sha256", PW)
    inner2 = stored[14:].encode()
    out.append(
        _case(
            "django_bcrypt_sha256 cost 12",
            "django_bcrypt_sha256",
            stored,
            lambda: eq(bcrypt.hashpw(hashlib.sha256(PWB).hexdigest().encode(), inner2), inner2),
        )
    )
    # argon2 (argon2-cffi defaults, and Django's)
    for label, scheme, hasher in (
        ("argon2id (t=3, m=64 MiB, p=4)", "argon2", PasswordHasher()),
        (
            "django_argon2 (t=2, m=100 MiB, p=8)",
            "django_argon2",
            PasswordHasher(time_cost=2, memory_cost=102400, parallelism=8),
        ),
    ):
        phc = hasher.hash(PW)
        parts = phc.split("$")
        asalt = base64.b64decode(parts[4] + "==")
        araw = base64.b64decode(parts[5] + "==")
        t, m, p = hasher.time_cost, hasher.memory_cost, hasher.parallelism
        stored = ("argon2" + phc) if scheme == "django_argon2" else phc
        out.append(
            _case(
                label,
                scheme,
                stored,
                lambda s=asalt, r=araw, t=t, m=m, p=p: eq(
                    hash_secret_raw(PWB, s, time_cost=t, memory_cost=m, parallelism=p, hash_len=len(r), type=Type.ID), r
                ),
            )
        )
    # Werkzeug 3.1 defaults
    wsalt = "abcdefghijklmnop"
    wdk = hashlib.scrypt(PWB, salt=wsalt.encode(), n=2**15, r=8, p=1, maxmem=2**26, dklen=64)
    out.append(
        _case(
            "werkzeug scrypt:32768:8:1",
            "werkzeug",
            f"scrypt:32768:8:1${wsalt}${wdk.hex()}",
            lambda: eq(hashlib.scrypt(PWB, salt=wsalt.encode(), n=2**15, r=8, p=1, maxmem=2**26, dklen=64), wdk),
        )
    )
    # crypt(3): the baseline is the same algorithm function called directly (pure Python)
    s512 = sha_crypt.sha_crypt_checksum(PWB, b"saltsaltsaltsalt", 5000, "sha512")
    out.append(
        _case(
            "sha512_crypt (5,000 rounds)",
            "sha512_crypt",
            f"$6$saltsaltsaltsalt${s512}",
            lambda: eq(sha_crypt.sha_crypt_checksum(PWB, b"saltsaltsaltsalt", 5000, "sha512"), s512),
            note="baseline: our pure-Python checksum function",
        )
    )
    m5 = md5_crypt.md5_crypt_checksum(PWB, b"saltsalt", b"$1$")
    out.append(
        _case(
            "md5_crypt",
            "md5_crypt",
            f"$1$saltsalt${m5}",
            lambda: eq(md5_crypt.md5_crypt_checksum(PWB, b"saltsalt", b"$1$"), m5),
            note="baseline: our pure-Python checksum function",
        )
    )
    dc = des_crypt.des_crypt_checksum(PWB, "ab")
    out.append(
        _case(
            "des_crypt",
            "des_crypt",
            "ab" + dc,
            lambda: eq(des_crypt.des_crypt_checksum(PWB, "ab"), dc),
            note="baseline: our pure-Python checksum function",
        )
    )
    limits = hashing.CostLimits()
    ph = phpass.phpass_checksum(PWB, "$P$BsaltsaLT", "md5", limits)
    out.append(
        _case(
            "phpass $P$B (2^13)",
            "phpass",
            "$P$BsaltsaLT" + ph,
            lambda: eq(phpass.phpass_checksum(PWB, "$P$BsaltsaLT", "md5", limits), ph),
            note="baseline: our phpass loop",
        )
    )
    dr = phpass.phpass_checksum(PWB, "$S$DsaltsaLT", "sha512", limits)[:43]
    out.append(
        _case(
            "drupal7 $S$D (2^15)",
            "drupal7",
            "$S$DsaltsaLT" + dr,
            lambda: eq(phpass.phpass_checksum(PWB, "$S$DsaltsaLT", "sha512", limits)[:43], dr),
            note="baseline: our phpass loop",
        )
    )
    if yescrypt.available():
        ys = hashing.create("yescrypt", PW)
        yb = ys.encode()
        out.append(
            _case(
                "yescrypt $y$j9T$",
                "yescrypt",
                ys,
                lambda: eq(yescrypt.system_crypt(PWB, yb) or b"", yb),
                note="baseline: libxcrypt crypt_rn",
            )
        )
    lib = next((ctypes.CDLL(n) for n in ("libcrypt.so.1", "libcrypt.so.2") if _loads(n)), None)
    if lib is not None:
        lib.crypt.restype = ctypes.c_char_p
        lib.crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        full = f"$6$saltsaltsaltsalt${s512}".encode()
        out.append(
            _case(
                "sha512_crypt vs libxcrypt (info)",
                "sha512_crypt",
                full.decode(),
                lambda: eq(lib.crypt(PWB, full), full),
                note="baseline: C libxcrypt; not an overhead ratio",
            )
        )
    # PBKDF2 family
    psalt = os.urandom(16)
    pdk = hashlib.pbkdf2_hmac("sha256", PWB, psalt, 29000)
    ab = lambda b: base64.b64encode(b).decode().rstrip("=").replace("+", ".")  # noqa: E731
    out.append(
        _case(
            "passlib_pbkdf2 sha256 (29,000)",
            "passlib_pbkdf2",
            f"$pbkdf2-sha256$29000${ab(psalt)}${ab(pdk)}",
            lambda: eq(hashlib.pbkdf2_hmac("sha256", PWB, psalt, 29000), pdk),
        )
    )
    adk = hashlib.pbkdf2_hmac("sha1", PWB, psalt, 10000, 32)
    out.append(
        _case(
            "atlassian_pbkdf2_sha1 (10,000)",
            "atlassian_pbkdf2_sha1",
            "{PKCS5S2}" + base64.b64encode(psalt + adk).decode(),
            lambda: eq(hashlib.pbkdf2_hmac("sha1", PWB, psalt, 10000, 32), adk),
        )
    )
    kdk = hashlib.pbkdf2_hmac("sha256", PWB, psalt, 27500, 64)
    kc = json.dumps(
        {
            "secretData": {"value": base64.b64encode(kdk).decode(), "salt": base64.b64encode(psalt).decode()},
            "credentialData": {"algorithm": "pbkdf2-sha256", "hashIterations": 27500},
        }
    )
    out.append(
        _case(
            "keycloak_pbkdf2 sha256 (27,500)",
            "keycloak_pbkdf2",
            kc,
            lambda: eq(hashlib.pbkdf2_hmac("sha256", PWB, psalt, 27500, 64), kdk),
        )
    )
    sp = psalt[:8]
    spdk = hashlib.pbkdf2_hmac("sha1", PWB, sp, 185000, 32)
    out.append(
        _case(
            "spring {pbkdf2} (185,000)",
            "spring_delegating",
            "{pbkdf2}" + (sp + spdk).hex(),
            lambda: eq(hashlib.pbkdf2_hmac("sha1", PWB, sp, 185000, 32), spdk),
        )
    )
    # Firebase (project parameters of the firebase/scrypt README)
    fb = {
        "signer_key": "jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==",
        "salt_separator": "Bw==",
        "rounds": 8,
        "mem_cost": 14,
        "salt": "42xEC+ixf3L2lw==",
    }
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    signer, fsalt = base64.b64decode(fb["signer_key"]), base64.b64decode(fb["salt"]) + b"\x07"
    fhash = hashing.create("firebase_scrypt", PW, params=fb)

    def firebase_primitive() -> bool:
        key = hashlib.scrypt(PWB, salt=fsalt, n=2**14, r=8, p=1, maxmem=2**26, dklen=64)[:32]
        enc = Cipher(algorithms.AES(key), modes.CTR(b"\0" * 16)).encryptor()
        return eq(enc.update(signer) + enc.finalize(), base64.b64decode(fhash))

    out.append(_case("firebase_scrypt (2^14, 8)", "firebase_scrypt", fhash, firebase_primitive, params=fb))
    # cheap digests: ratio reported, overhead in microseconds is the meaningful figure
    msalt = os.urandom(16)
    mh = hashlib.sha1(msalt + PW.encode("utf-16-le")).digest()
    out.append(
        _case(
            "aspnet_membership SHA1",
            "aspnet_membership",
            base64.b64encode(mh).decode(),
            lambda: eq(hashlib.sha1(msalt + PW.encode("utf-16-le")).digest(), mh),
            params={"salt": base64.b64encode(msalt).decode()},
        )
    )
    ss = hashlib.sha1(PWB + psalt).digest()
    out.append(
        _case(
            "ldap_ssha",
            "ldap_ssha",
            "{SSHA}" + base64.b64encode(ss + psalt).decode(),
            lambda: eq(hashlib.sha1(PWB + psalt).digest(), ss),
        )
    )
    my = hashlib.sha1(hashlib.sha1(PWB).digest()).digest()
    out.append(
        _case(
            "mysql41",
            "mysql41",
            "*" + my.hex().upper(),
            lambda: eq(hashlib.sha1(hashlib.sha1(PWB).digest()).digest(), my),
        )
    )
    return out


def _loads(name: str) -> bool:
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def _sample(fn: Callable[[], object], inner: int) -> float:
    start = time.perf_counter()
    for _ in range(inner):
        fn()
    return (time.perf_counter() - start) / inner


def measure(
    scheme: str, stored: str, params: dict[str, Any] | None, primitive: Callable[[], bool]
) -> tuple[float, float]:
    def api() -> bool:
        return hashing.check(PW, stored, scheme=scheme, params=params) is hashing.Verdict.MATCH

    assert api(), f"{scheme}: the API does not verify the bench vector"
    assert primitive(), f"{scheme}: the primitive does not verify the bench vector"
    one = _sample(primitive, 1)
    inner = max(1, int(0.02 / max(one, 1e-7)))  # samples of >= 20 ms
    rounds = 5 if QUICK else (7 if one > 0.2 else 15)
    a, b = [], []
    for i in range(rounds):
        order = (api, primitive) if i % 2 else (primitive, api)
        for fn in order:
            (a if fn is api else b).append(_sample(fn, inner))
    return statistics.median(a), statistics.median(b)


def identify_bench(n: int = 1_000_000) -> tuple[int, float, dict[str, int]]:
    rng = random.Random(42)
    pool: list[str] = []
    for _ in range(200):
        pool += [
            "$2b$10$" + "".join(rng.choice("./ABCDEFabcdef0123456789") for _ in range(53)),
            "$2y$12$" + "".join(rng.choice("./ABCDEFabcdef0123456789") for _ in range(53)),
            base64.b64encode(b"\x01\0\0\0\x02\0\x01\x86\xa0\0\0\0\x10" + os.urandom(48)).decode(),
            base64.b64encode(b"\0" + os.urandom(48)).decode(),
            f"pbkdf2_sha256$1000000${rng.random():.10f}$" + base64.b64encode(os.urandom(32)).decode(),
            "$argon2id$v=19$m=65536,t=3,p=4$" + base64.b64encode(os.urandom(16)).decode().rstrip("="),
            "$P$B" + base64.b64encode(os.urandom(23)).decode()[:30],
            "$6$" + os.urandom(8).hex() + "$" + "a" * 86,
            "{SSHA}" + base64.b64encode(os.urandom(28)).decode(),
            "pbkdf2:sha256:600000$" + os.urandom(8).hex() + "$" + os.urandom(32).hex(),
            os.urandom(16).hex(),  # bare md5: ambiguous
            "*" + os.urandom(20).hex().upper(),
            "sha1$" + os.urandom(4).hex() + "$" + os.urandom(20).hex(),  # ambiguous
            "{bcrypt}$2a$10$" + "x" * 53,
        ]
    values = [pool[i % len(pool)] for i in range(n)]
    rng.shuffle(values)
    identify = hashing.identify
    start = time.perf_counter()
    for value in values:
        identify(value)
    elapsed = time.perf_counter() - start
    counts: dict[str, int] = {}
    for value in pool:
        key = identify(value) or "None"
        counts[key] = counts.get(key, 0) + 1
    return n, elapsed, counts


def dispatch_vectors() -> dict[str, tuple[str, dict[str, Any] | None]]:
    """One valid (password PW) vector per scheme, at low cost: the dispatch overhead does not depend on it."""
    cheap = {
        "bcrypt": {"rounds": 4},
        "django_bcrypt": {"rounds": 4},
        "django_bcrypt_sha256": {"rounds": 4},
        "wordpress_bcrypt": {"rounds": 4},
        "aspnet_identity_v3": {"iterations": 1000},
        "django_pbkdf2_sha256": {"iterations": 1000},
        "django_pbkdf2_sha1": {"iterations": 1000},
        "django_scrypt": {"n": 1024, "r": 8, "p": 1},
        "argon2": {"time_cost": 1, "memory_cost": 64, "parallelism": 1},
        "django_argon2": {"time_cost": 1, "memory_cost": 64, "parallelism": 1},
        "scrypt_crypt7": {"log2_n": 10, "r": 8},
        "yescrypt": {"count": 1},
        "sha256_crypt": {"rounds": 1000},
        "sha512_crypt": {"rounds": 1000},
        "passlib_pbkdf2": {"iterations": 1000},
        "werkzeug": {"n": 1024},
        "phpass": {"log2": 7},
        "drupal7": {"log2": 7},
    }
    fb = {
        "signer_key": "jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==",
        "salt_separator": "Bw==",
        "rounds": 8,
        "mem_cost": 10,
        "salt": "42xEC+ixf3L2lw==",
    }
    params: dict[str, dict[str, Any]] = {
        "firebase_scrypt": fb,
        "raw_digest": {"algorithm": "sha256", "salt": "NaCl"},
        "aspnet_membership": {"salt": "wZdnRVXWcvXZKY6HJmJqUg=="},
    }
    salt = b"saltsaltsalt"
    fixed: dict[str, tuple[str, dict[str, Any] | None]] = {
        "django_salted_md5": (f"md5$NaCl${hashlib.md5(b'NaCl' + PWB).hexdigest()}", None),
        "django_unsalted_sha1": (f"sha1$${hashlib.sha1(PWB).hexdigest()}", None),
        "django_crypt": ("crypt$$ab" + des_crypt.des_crypt_checksum(PWB, "ab"), None),
        "pbkdf2_generic": (
            f"sha256:1000:NaCl:{base64.b64encode(hashlib.pbkdf2_hmac('sha256', PWB, b'NaCl', 1000, 24)).decode()}",
            None,
        ),
        "episerver_membership": (
            "$episerver$*1*"
            + base64.b64encode(salt).decode()
            + "*"
            + base64.b64encode(hashlib.sha256(salt + PW.encode("utf-16-le")).digest()).decode(),
            None,
        ),
        "umbraco_hmacsha1": (
            base64.b64encode(hmac.new(PW.encode("utf-16-le"), PW.encode("utf-16-le"), "sha1").digest()).decode(),
            None,
        ),
        "keycloak_pbkdf2": (
            json.dumps(
                {
                    "secretData": {
                        "value": base64.b64encode(hashlib.pbkdf2_hmac("sha256", PWB, salt, 1000, 32)).decode(),
                        "salt": base64.b64encode(salt).decode(),
                    },
                    "credentialData": {"algorithm": "pbkdf2-sha256", "hashIterations": 1000},
                }
            ),
            None,
        ),
        "spring_delegating": (
            "{pbkdf2}" + (salt[:8] + hashlib.pbkdf2_hmac("sha1", PWB, salt[:8], 1000, 32)).hex(),
            {"iterations": 1000},
        ),
        "symfony_message_digest": (base64.b64encode(hashlib.sha512(PWB).digest()).decode(), {"iterations": 1}),
        "symfony_pbkdf2": (base64.b64encode(hashlib.pbkdf2_hmac("sha512", PWB, b"", 1000, 40)).decode(), None),
        "ldap_md5": ("{MD5}" + base64.b64encode(hashlib.md5(PWB).digest()).decode(), None),
        "ldap_smd5": ("{SMD5}" + base64.b64encode(hashlib.md5(PWB + salt).digest() + salt).decode(), None),
        "ldap_sha": ("{SHA}" + base64.b64encode(hashlib.sha1(PWB).digest()).decode(), None),
        "ldap_ssha256": ("{SSHA256}" + base64.b64encode(hashlib.sha256(PWB + salt).digest() + salt).decode(), None),
        "ldap_crypt": ("{CRYPT}$1$saltsalt$" + md5_crypt.md5_crypt_checksum(PWB, b"saltsalt", b"$1$"), None),
        "mysql323": (
            __import__("cognito_migrate.hashing.schemes.mysql", fromlist=["x"]).mysql323_digest(PWB).hex(),
            None,
        ),
        "hmac_digest": (hmac.new(PWB, b"NaCl", "sha256").hexdigest(), {"algorithm": "sha256", "salt": "NaCl"}),
    }
    out: dict[str, tuple[str, dict[str, Any] | None]] = {}
    for scheme in hashing.SCHEMES:
        if scheme in fixed:
            out[scheme] = fixed[scheme]
        elif scheme != "yescrypt" or yescrypt.available():
            p = params.get(scheme)
            out[scheme] = (hashing.create(scheme, PW, cost=cheap.get(scheme), params=p), p)
    return out


def dispatch_bench() -> None:
    """check() against the scheme's own verify function: what the API adds, per scheme, in microseconds."""
    from cognito_migrate.hashing._core import DEFAULT_LIMITS
    from cognito_migrate.hashing._registry import implementation

    print()
    print("| scheme | check() (us) | scheme function (us) | added (us) |")
    print("|---|---:|---:|---:|")
    for scheme, (stored, params) in dispatch_vectors().items():
        fn = implementation(scheme).verify
        p = params or {}
        assert hashing.check(PW, stored, scheme=scheme, params=params) is hashing.Verdict.MATCH, scheme

        def api(stored: str = stored, scheme: str = scheme, params: dict[str, Any] | None = params) -> object:
            return hashing.check(PW, stored, scheme=scheme, params=params)

        def direct(stored: str = stored, fn: Any = fn, p: dict[str, Any] = p) -> object:
            return fn(PW, stored, p, DEFAULT_LIMITS)

        one = _sample(direct, 1)
        inner = max(1, int(0.01 / max(one, 1e-7)))
        a = min(_sample(api, inner) for _ in range(5))
        b = min(_sample(direct, inner) for _ in range(5))
        print(f"| {scheme} | {a * 1e6:.1f} | {b * 1e6:.1f} | {(a - b) * 1e6:.1f} |", flush=True)


CALIBRATION: list[tuple[str, dict[str, Any], dict[str, Any] | None]] = [
    ("bcrypt", {"rounds": 8}, None),
    ("django_pbkdf2_sha1", {"iterations": 100_000}, None),
    ("django_pbkdf2_sha256", {"iterations": 100_000}, None),
    ("aspnet_identity_v3", {"iterations": 50_000, "prf": "HMACSHA512"}, None),
    ("werkzeug", {"method": "scrypt", "n": 16384, "r": 8, "p": 1}, None),
    ("argon2", {"time_cost": 2, "memory_cost": 32768, "parallelism": 1}, None),
    ("sha256_crypt", {"rounds": 20_000}, None),
    ("sha512_crypt", {"rounds": 20_000}, None),
    ("mysql_caching_sha2", {"rounds": 20_000}, None),
    ("phpass", {"log2": 15}, None),
    ("drupal7", {"log2": 14}, None),
    ("symfony_message_digest", {}, {"algorithm": "md5", "iterations": 20_000}),
    ("symfony_message_digest", {}, {"algorithm": "sha1", "iterations": 20_000}),
    ("symfony_message_digest", {}, {"algorithm": "sha384", "iterations": 20_000}),
]


def calibrate(runs: int = 5) -> None:
    """Seconds per work unit of each primitive on this machine, beside the table in the code."""
    from cognito_migrate.hashing import _estimate
    from cognito_migrate.hashing._core import DEFAULT_LIMITS
    from cognito_migrate.hashing._registry import implementation

    measured: dict[str, float] = {}
    print("| scheme | primitive | units | fastest (ms) | s/unit | in code | measured / code |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for scheme, cost, params in CALIBRATION:
        stored = hashing.create(scheme, PW, cost=cost, params=params)
        work = _estimate.probe(implementation(scheme).verify, PW, stored, params or {}, DEFAULT_LIMITS)
        assert work is not None, scheme

        def one(stored: str = stored, scheme: str = scheme, params: dict[str, Any] | None = params) -> object:
            return hashing.check(PW, stored, scheme=scheme, params=params)

        fastest = min(_sample(one, 1) for _ in range(runs))
        per_unit = fastest / work.units
        measured[work.primitive] = max(per_unit, measured.get(work.primitive, 0.0))
        code = _estimate.SECONDS_PER_UNIT.get(work.primitive, float("nan"))
        print(
            f"| {scheme} | {work.primitive} | {work.units:,} | {fastest * 1000:.1f} | {per_unit:.2e} | {code:.2e} "
            f"| {per_unit / code:.2f} |",
            flush=True,
        )
    print()
    print("SECONDS_PER_UNIT measured here (primitives not measured keep their value):")
    for primitive, value in sorted({**_estimate.SECONDS_PER_UNIT, **measured}.items()):
        print(f'    "{primitive}": {value:.1e},')


def main() -> None:
    if "--calibrate" in sys.argv:
        calibrate()
        return
    print(
        f"# bench_hashing  python {platform.python_version()}  {platform.machine()}  cpus={os.cpu_count()}"
        f"  bcrypt {bcrypt.__version__}  {'(quick)' if QUICK else ''}"
    )
    print()
    print("| vector | API (ms) | primitive (ms) | ratio | overhead (us) | note |")
    print("|---|---:|---:|---:|---:|---|")
    for name, scheme, stored, primitive, params, note in cases():
        a, b = measure(scheme, stored, params, primitive)
        print(f"| {name} | {a * 1000:.3f} | {b * 1000:.3f} | {a / b:.3f} | {(a - b) * 1e6:.1f} | {note} |", flush=True)
    dispatch_bench()
    n, elapsed, counts = identify_bench(1_000_000 if not QUICK else 100_000)
    print()
    print(
        f"identify(): {n:,} mixed stored values in {elapsed:.3f} s = {n / elapsed:,.0f} values/s "
        f"({elapsed / n * 1e9:.0f} ns each)"
    )
    print("mix: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()

"""A real OpenLDAP ``slapd`` for the LDAP store's tests, on loopback with a throwaway configuration.

:func:`start_directory` writes a ``slapd.conf`` into a temporary directory (the mdb backend, the ppolicy
and memberof overlays, an access list that lets the search account read and everyone else only bind),
loads the entries with ``slapadd`` before the server starts (groups as ``groupOfNames`` and as the users'
``memberOf``), and runs ``slapd -d 0`` in the foreground on a free port of 127.0.0.1 (plain LDAP, and LDAPS
on a second port with a self-signed certificate). Passwords are hashed by ``slappasswd``, the directory's
own tool, so the store verifies hashes it did not write.

Without ``slapd`` installed the tests that need it are skipped with the reason (CI installs it: .ci/run).
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import pytest

from tests.legacy_api import self_signed

if TYPE_CHECKING:
    from collections.abc import Iterator

SUFFIX = "dc=example,dc=com"
SEARCH_DN = f"cn=migrator,ou=system,{SUFFIX}"
SEARCH_PASSWORD = "search-account-secret"
GOOD = "Correct-Horse-9"
_SLAPD = "/usr/sbin/slapd"  # the three programs come with Debian's slapd package
_SLAPADD = "/usr/sbin/slapadd"
_SLAPPASSWD = "/usr/sbin/slappasswd"
_MODULES = "/usr/lib/ldap"
_SCHEMA = "/etc/ldap/schema"


class Person(NamedTuple):
    """One inetOrgPerson under ``ou=people``; ``scheme`` is the slappasswd scheme of its password."""

    uid: str
    password: str = GOOD
    scheme: str = "{SSHA}"
    mail: str | None = None
    given_name: str | None = None
    surname: str = "Tester"
    mobile: str | None = None
    locked: bool = False  # ppolicy pwdAccountLockedTime (an administrator's lock)
    reset: bool = False  # ppolicy pwdReset: the password must be changed
    groups: tuple[str, ...] = ()  # groupOfNames under ou=groups (member), and memberOf on the entry


PEOPLE = (
    Person("alice", mail="alice@example.com", given_name="Alice", surname="Liddell", mobile="+14325551212",
           groups=("admins", "Staff, Berlin")),
    Person("bob", scheme="{CRYPT}", mail="bob@example.com", given_name="Bob", groups=("staff",)),
    Person("carol", password="password", mail="carol@example.com"),  # breaks the pool's password policy
    Person("dave", mail="dave@example.com", locked=True),
    Person("erin", mail="erin@example.com", reset=True),
    Person("ivan", mail="shared@example.com"),
    Person("judy", mail="shared@example.com"),
    Person("star*name", mail="star@example.com"),  # a name with a filter metacharacter
)


class Directory(NamedTuple):
    """A running slapd: ``url`` (ldap://), ``ldaps_url``, and ``ca_file`` (the certificate it presents)."""

    url: str
    ldaps_url: str
    ca_file: str
    base_dn: str
    process: subprocess.Popen[bytes]


def slapd_or_skip() -> None:
    if not all(Path(program).exists() for program in (_SLAPD, _SLAPADD, _SLAPPASSWD)):
        pytest.skip("OpenLDAP's slapd is not installed (apt-get install slapd; .ci/run does)")


def free_ports(count: int) -> list[int]:
    """``count`` distinct ports nobody listens on (each socket is held until all are picked)."""
    with contextlib.ExitStack() as held:
        ports = []
        for _ in range(count):
            sock = held.enter_context(socket.socket())
            sock.bind(("127.0.0.1", 0))
            ports.append(int(sock.getsockname()[1]))
        return ports


def free_port() -> int:
    return free_ports(1)[0]


def _hash(password: str, scheme: str) -> str:
    args = [_SLAPPASSWD, "-h", scheme, "-s", password]
    if scheme == "{CRYPT}":
        args += ["-c", "$6$%.16s"]  # SHA-512 crypt, as a modern Linux writes
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip()


def _ldif(people: tuple[Person, ...]) -> str:
    blocks = [
        f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example",
        f"dn: ou=people,{SUFFIX}\nobjectClass: organizationalUnit\nou: people",
        f"dn: ou=system,{SUFFIX}\nobjectClass: organizationalUnit\nou: system",
        f"dn: ou=policies,{SUFFIX}\nobjectClass: organizationalUnit\nou: policies",
        f"dn: ou=groups,{SUFFIX}\nobjectClass: organizationalUnit\nou: groups",
        f"dn: cn=default,ou=policies,{SUFFIX}\nobjectClass: applicationProcess\nobjectClass: pwdPolicy\n"
        "cn: default\npwdAttribute: userPassword\npwdLockout: TRUE\npwdMaxFailure: 0\npwdLockoutDuration: 0",
        f"dn: {SEARCH_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: migrator\n"
        f"userPassword: {_hash(SEARCH_PASSWORD, '{SSHA}')}",
    ]
    for group in sorted({g for p in people for g in p.groups}):
        members = [f"member: {_person_dn(p)}" for p in people if group in p.groups]
        blocks.append("\n".join([f"dn: {_group_dn(group)}", "objectClass: groupOfNames", f"cn: {group}", *members]))
    for p in people:
        lines = [
            f"dn: {_person_dn(p)}",
            "objectClass: inetOrgPerson",
            f"uid: {p.uid}",
            f"cn: {p.given_name or p.uid.title()} {p.surname}",
            f"sn: {p.surname}",
            f"userPassword: {_hash(p.password, p.scheme)}",
        ]
        lines += [f"mail: {p.mail}"] if p.mail else []
        lines += [f"givenName: {p.given_name}"] if p.given_name else []
        lines += [f"mobile: {p.mobile}"] if p.mobile else []
        lines += ["pwdAccountLockedTime: 000001010000Z"] if p.locked else []
        lines += ["pwdReset: TRUE"] if p.reset else []
        lines += [f"memberOf: {_group_dn(group)}" for group in p.groups]  # as the memberof overlay keeps it
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _rdn_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("+", "\\+")


def _person_dn(person: Person) -> str:
    return f"uid={_rdn_value(person.uid)},ou=people,{SUFFIX}"


def _group_dn(group: str) -> str:
    return f"cn={_rdn_value(group)},ou=groups,{SUFFIX}"


def _conf(directory: Path, cert: str, key: str) -> str:
    return f"""
include {_SCHEMA}/core.schema
include {_SCHEMA}/cosine.schema
include {_SCHEMA}/inetorgperson.schema
modulepath {_MODULES}
moduleload back_mdb
moduleload ppolicy
moduleload memberof
pidfile {directory}/slapd.pid
argsfile {directory}/slapd.args
TLSCertificateFile {cert}
TLSCertificateKeyFile {key}

database mdb
maxsize 16777216
suffix "{SUFFIX}"
rootdn "cn=admin,{SUFFIX}"
rootpw not-used-by-the-store
directory {directory}/db
index objectClass eq
index uid,mail,mobile eq
overlay memberof
overlay ppolicy
ppolicy_default "cn=default,ou=policies,{SUFFIX}"

access to attrs=userPassword
    by dn.exact="{SEARCH_DN}" read
    by anonymous auth
    by * none
access to *
    by dn.exact="{SEARCH_DN}" read
    by * none
"""


def start_directory(workdir: Path, people: tuple[Person, ...] = PEOPLE) -> Directory:
    """Configure, load and start a slapd in ``workdir``; stop it with :func:`stop_directory`."""
    slapd_or_skip()
    (workdir / "db").mkdir(parents=True)
    cert, key = self_signed(str(workdir))
    conf = workdir / "slapd.conf"
    conf.write_text(_conf(workdir, cert, key))
    (workdir / "data.ldif").write_text(_ldif(people))
    subprocess.run(
        [_SLAPADD, "-f", str(conf), "-l", str(workdir / "data.ldif")], check=True, capture_output=True, text=True
    )
    port, tls_port = free_ports(2)
    urls = f"ldap://127.0.0.1:{port}/ ldaps://127.0.0.1:{tls_port}/"
    log = (workdir / "slapd.log").open("wb")
    process = subprocess.Popen([_SLAPD, "-f", str(conf), "-h", urls, "-d", "0"], stdout=log, stderr=log)
    log.close()
    deadline = time.monotonic() + 15
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            break
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("slapd did not start: " + (workdir / "slapd.log").read_text()[-2000:])
        time.sleep(0.05)
    return Directory(f"ldap://localhost:{port}", f"ldaps://localhost:{tls_port}", cert, SUFFIX, process)


def stop_directory(directory: Directory) -> None:
    directory.process.terminate()
    try:
        directory.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        directory.process.kill()
        directory.process.wait()


def running_directory(workdir: Path) -> Iterator[Directory]:
    """A fixture's body: start a directory in ``workdir``, yield it, stop it."""
    directory = start_directory(workdir)
    try:
        yield directory
    finally:
        stop_directory(directory)


def store_section(directory: Directory, **ldap: object) -> dict[str, object]:
    """A ``[store]`` table for ``directory`` (the minimal five keys), with ``ldap`` merged into ``[store.ldap]``."""
    return {
        "type": "ldap",
        "url": directory.url,
        "ldap": {
            "bind_dn": SEARCH_DN,
            "bind_password": "env:LDAP_TEST_BIND_PASSWORD",
            "base_dn": f"ou=people,{directory.base_dn}",
            "user_filter": "(uid={username})",
            **ldap,
        },
    }

"""``cognito-migrate package``: what goes into the zip, and that the zip runs on its own.

The end-to-end test builds the x86_64 package for this machine's Python with real pip (wheels cached
under pytest's temporary directory), unpacks it into a clean directory and invokes the handler in a
``python -I -S`` subprocess: only the standard library and that directory are importable, as on Lambda.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
import sqlite3
import struct
import subprocess
import sys
import zipfile
from typing import TYPE_CHECKING, Any

import pytest
from typer.testing import CliRunner

from cognito_migrate.cli.app import app
from cognito_migrate.deploy import packaging
from cognito_migrate.deploy.packaging import PackagingError, build, forbidden_imports, pip_command, runtime_files

if TYPE_CHECKING:
    from pathlib import Path

HOST_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
PASSWORD = "Correct-Horse-9"  # test fixture, not a secret
ASPNET_COLUMNS = (
    "Id", "UserName", "NormalizedUserName", "Email", "NormalizedEmail", "EmailConfirmed", "PasswordHash",
    "SecurityStamp", "PhoneNumber", "PhoneNumberConfirmed", "TwoFactorEnabled", "LockoutEnd", "LockoutEnabled",
    "AccessFailedCount",
)  # fmt: skip


def aspnet_v3_hash(password: str, salt: bytes = b"0123456789abcdef", iterations: int = 10_000) -> str:
    """An ASP.NET Identity V3 hash (PBKDF2-HMAC-SHA256), made here so the test depends on no hasher of ours."""
    subkey = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations, 32)
    header = b"\x01" + struct.pack(">III", 1, iterations, len(salt))
    return base64.b64encode(header + salt + subkey).decode()


def write_legacy_config(directory: Path, *, url: str = "sqlite:///legacy.db") -> Path:
    """A sample ASP.NET Identity SQLite database and the minimum configuration next to it."""
    conn = sqlite3.connect(directory / "legacy.db")
    conn.execute('CREATE TABLE "AspNetUsers" (' + ", ".join(f'"{c}" TEXT' for c in ASPNET_COLUMNS) + ")")
    row: tuple[object, ...] = ("1", "alice", "ALICE", "alice@example.com", "ALICE@EXAMPLE.COM", 1)
    row += (aspnet_v3_hash(PASSWORD), "stamp", None, 0, 0, None, 1, 0)
    conn.execute(f'INSERT INTO "AspNetUsers" VALUES ({",".join("?" * len(ASPNET_COLUMNS))})', row)
    conn.commit()
    conn.close()
    config = directory / "cognito-migrate.toml"
    config.write_text(f'[store]\ntype = "sql"\nurl = "{url}"\npreset = "aspnet_identity"\n')
    return config


class RecordingInstaller:
    """Stands in for pip: records the requirements and installs nothing."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, requirements: list[str], target: Path, **kwargs: Any) -> None:
        self.calls.append({"requirements": list(requirements), "target": target, **kwargs})


# ------------------------------------------------------------------------------------------ contents


def test_the_trigger_imports_nothing_left_out_of_the_package() -> None:
    assert forbidden_imports() == []


def test_forbidden_imports_finds_lazy_and_dynamic_imports(tmp_path: Path) -> None:
    root = tmp_path / "cognito_migrate"
    (root / "stores").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "stores" / "__init__.py").write_text("")
    (root / "stores" / "x.py").write_text(
        "import importlib\n"
        "def f():\n    from ..cli import app\n"
        "def g():\n    return importlib.import_module('cognito_migrate.local.server')\n"
        "from cognito_migrate import deploy\n"
    )
    found = set(forbidden_imports(root))
    assert ("cognito_migrate.stores.x", "cognito_migrate.cli.app") in found
    assert ("cognito_migrate.stores.x", "cognito_migrate.local.server") in found
    assert ("cognito_migrate.stores.x", "cognito_migrate.deploy") in found


def test_runtime_files_leave_out_the_cli_side() -> None:
    files = {p.as_posix() for p in runtime_files()}
    assert "handler.py" in files and "wiring.py" in files
    assert not [f for f in files if f.split("/")[0] in {"cli", "local", "deploy"} or f == "testing.py"]
    assert not [f for f in files if "__pycache__" in f]


def test_pip_targets_lambda_wheels(tmp_path: Path) -> None:
    cmd = pip_command(["bcrypt>=4.1"], tmp_path, arch="arm64", python="3.13")
    assert cmd[-1] == "bcrypt>=4.1"
    assert "--only-binary=:all:" in cmd
    joined = " ".join(cmd)
    assert "--implementation cp --python-version 3.13" in joined
    assert "--platform manylinux2014_aarch64" in joined and "--platform manylinux_2_34_aarch64" in joined
    py311 = " ".join(pip_command(["x"], tmp_path, arch="x86_64", python="3.11"))
    assert "manylinux2014_x86_64" in py311 and "manylinux_2_34" not in py311  # Lambda 3.11 is Amazon Linux 2
    with pytest.raises(PackagingError, match="architecture"):
        pip_command(["x"], tmp_path, arch="sparc", python="3.13")
    with pytest.raises(PackagingError, match="Python"):
        pip_command(["x"], tmp_path, arch="arm64", python="2.7")


def test_only_the_drivers_the_configuration_needs(tmp_path: Path) -> None:
    installer = RecordingInstaller()
    sqlite_config = write_legacy_config(tmp_path)
    result = build(sqlite_config, tmp_path / "out", arch="arm64", python="3.13", installer=installer)
    assert result.extras == ("phone",)  # the preset maps PhoneNumber: every number is validated
    assert [r.split(">")[0] for r in installer.calls[0]["requirements"]] == ["bcrypt", "phonenumbers"]
    assert installer.calls[0]["arch"] == "arm64" and installer.calls[0]["python"] == "3.13"

    pg = tmp_path / "pg"
    pg.mkdir()
    pg_config = pg / "c.toml"
    pg_config.write_text('[store]\nurl = "postgresql://u@db.internal/app"\npreset = "django"\n')
    result = build(pg_config, tmp_path / "out-pg", installer=installer, census=False)  # no such host to read
    assert result.extras == ("postgres",)
    assert any(r.startswith("psycopg2-binary") for r in installer.calls[1]["requirements"])
    assert not any(r.startswith(("pymysql", "argon2")) for r in installer.calls[1]["requirements"])


def test_a_secret_reference_url_needs_an_explicit_driver(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        '[store]\nurl = "secretsmanager:arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"\n'
        'preset = "aspnet_identity"\n'
    )
    with pytest.raises(PackagingError, match="--extra"):
        build(config, tmp_path / "out", installer=RecordingInstaller())
    installer = RecordingInstaller()
    result = build(config, tmp_path / "out", extra_extras=["mysql"], installer=installer)
    assert result.extras == ("mysql", "phone")
    assert any(r.startswith("pymysql") for r in installer.calls[0]["requirements"])
    with pytest.raises(PackagingError, match="unknown extra"):
        build(config, tmp_path / "out", extra_extras=["oracle"], installer=RecordingInstaller())
    with pytest.raises(PackagingError, match="unknown extra 'local'"):  # CLI-side extras never go in
        build(config, tmp_path / "out", extra_extras=["local"], installer=RecordingInstaller())


def test_the_zip_is_reproducible_and_holds_the_json_config(tmp_path: Path) -> None:
    config = write_legacy_config(tmp_path)
    first = build(config, tmp_path / "a", installer=RecordingInstaller())
    second = build(config, tmp_path / "b", installer=RecordingInstaller())
    assert first.zip_path.read_bytes() == second.zip_path.read_bytes()
    with zipfile.ZipFile(first.zip_path) as zf:
        names = zf.namelist()
        assert json.loads(zf.read("cognito-migrate.json"))["store"]["preset"] == "aspnet_identity"
    assert "cognito_migrate/handler.py" in names and "legacy.db" in names
    assert not [n for n in names if n.startswith(("cognito_migrate/cli/", "cognito_migrate/deploy/"))]
    assert first.config_env == "COGNITO_MIGRATE_CONFIG=/var/task/cognito-migrate.json"


def test_an_invalid_configuration_is_refused_before_building(tmp_path: Path) -> None:
    from cognito_migrate.errors import ConfigError

    config = tmp_path / "c.toml"
    config.write_text('[store]\nurl = "sqlite:///x.db"\npreset = "nope"\n')
    with pytest.raises(ConfigError, match=r"store\.preset"):
        build(config, tmp_path / "out", installer=RecordingInstaller())
    config.write_text('[store]\nurl = "sqlite:///x.db"\npreset = "django"\n[mapping]\nattributes = { sub = "id" }\n')
    with pytest.raises(ConfigError, match=r"mapping\.attributes\.sub"):
        build(config, tmp_path / "out", installer=RecordingInstaller())


def test_cli_prints_size_dependencies_and_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(packaging, "install", RecordingInstaller())
    config = write_legacy_config(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["package", "--config", str(config), "--out", str(out), "--arch", "x86_64"])
    assert result.exit_code == 0, result.output
    assert "COGNITO_MIGRATE_CONFIG=/var/task/cognito-migrate.json" in result.output
    assert "dependencies in the package" in result.output and "zipped" in result.output
    assert (out / "cognito-migrate-lambda.zip").is_file()
    refused = CliRunner().invoke(app, ["package", "--config", str(config), "--extra", "oracle", "--out", str(out)])
    assert refused.exit_code == 2 and "unknown extra" in refused.output


# -------------------------------------------------------------------------------------- end to end

def smoke_test_command(unpacked: Path) -> list[str]:
    """A command that imports the handler from ``unpacked`` with only the standard library on the path.

    ``-I`` ignores PYTHON* variables and the user site; ``-S`` skips site-packages, so a module missing
    from the package fails here as it would on Lambda.
    """
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "import cognito_migrate.handler as h; print(h.lambda_handler.__module__)"
    )
    return [sys.executable, "-I", "-S", "-c", code, str(unpacked)]


def environment_for(unpacked: Path) -> dict[str, str]:
    """A minimal environment for running the packaged handler locally (no AWS, no COGNITO_MIGRATE_* leaks)."""
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT"}}
    return {**keep, "COGNITO_MIGRATE_CONFIG": str(unpacked / packaging.CONFIG_NAME)}


INVOKE = r"""
import json, sys
unpacked = sys.argv[1]
sys.path.insert(0, unpacked)
import cognito_migrate.handler as handler

class Context:
    aws_request_id = "req-1"
    def get_remaining_time_in_millis(self):
        return 4000

responses = [handler.lambda_handler(event, Context())["response"] for event in json.load(sys.stdin)]
foreign = sorted(
    name for name, module in list(sys.modules.items())
    if getattr(module, "__file__", None)
    and not module.__file__.startswith((unpacked, sys.base_prefix, sys.base_exec_prefix))
)
print(json.dumps({"responses": responses, "foreign": foreign}))
"""


def _event(password: str) -> dict[str, Any]:
    null_response = dict.fromkeys(
        ("userAttributes", "finalUserStatus", "messageAction", "desiredDeliveryMediums", "forceAliasCreation")
    )
    return {
        "version": "1",
        "triggerSource": "UserMigration_Authentication",
        "region": "eu-west-1",
        "userPoolId": "eu-west-1_TestPool1",
        "userName": "alice",
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "client1"},
        "request": {"password": password, "validationData": None},
        "response": null_response,
    }


@pytest.mark.network  # pip downloads the Lambda wheels from PyPI
@pytest.mark.slow
@pytest.mark.skipif(HOST_PYTHON not in packaging.MANYLINUX, reason=f"Lambda has no Python {HOST_PYTHON}")
def test_the_built_package_migrates_a_user_in_isolation(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    config = write_legacy_config(tmp_path)
    cache = tmp_path_factory.getbasetemp() / "pip-cache"
    try:
        result = build(config, tmp_path / "out", arch="x86_64", python=HOST_PYTHON, cache_dir=cache)
    except PackagingError as exc:
        if any(s in str(exc) for s in ("NewConnectionError", "Temporary failure in name resolution", "Network is")):
            pytest.skip(f"PyPI is not reachable, so the wheels cannot be downloaded: {exc}")
        raise
    assert [d.name for d in result.dependencies] == ["bcrypt", "phonenumbers"]
    assert result.precompiled
    with zipfile.ZipFile(result.zip_path) as zf:
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in zf.infolist()}
    assert modes["cognito_migrate/handler.py"] == 0o644
    assert {m for n, m in modes.items() if n.endswith(".so")} == {0o755}

    unpacked = tmp_path / "task"
    with zipfile.ZipFile(result.zip_path) as zf:
        zf.extractall(unpacked)
    env = environment_for(unpacked)
    proc = subprocess.run(
        [sys.executable, "-I", "-S", "-c", INVOKE, str(unpacked)],
        input=json.dumps([_event(PASSWORD), _event("wrong password")]),
        capture_output=True,
        text=True,
        env=env,
        cwd=unpacked,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    migrated, rejected = report["responses"]
    assert migrated["finalUserStatus"] == "CONFIRMED"
    assert migrated["messageAction"] == "SUPPRESS"
    assert migrated["userAttributes"] == {"email": "alice@example.com", "email_verified": "true"}
    assert rejected["userAttributes"] is None and rejected["finalUserStatus"] is None
    assert report["foreign"] == [], "modules were loaded from outside the package and the standard library"
    assert PASSWORD not in proc.stdout + proc.stderr  # the log lines never carry the password

    smoke = subprocess.run(smoke_test_command(unpacked), capture_output=True, text=True, env=env, check=False)
    assert smoke.returncode == 0 and smoke.stdout.strip() == "cognito_migrate.handler", smoke.stderr


# ------------------------------------------------------------------------------- secrets, tags, bytecode


@pytest.mark.parametrize(
    ("lines", "key"),
    [
        ('url = "postgresql://migrator:s3cret@db.internal/identity"', "store.url"),
        ('url = "postgresql://migrator@db.internal/identity"\npassword = "s3cret"', "store.password"),
        (
            'url = "postgresql://migrator@db.internal/identity"\n\n[logging]\nusername_hash_key = "k3y"',
            "logging.username_hash_key",
        ),
        ('url = "postgresql://migrator@db.internal/identity?password=s3cret"', "store.url"),
        ('url = "postgresql://db.internal/identity?sslmode=require&PASSWORD=s3cret"', "store.url"),
        ('url = "postgresql://db.internal/identity?pass%77ord=s3cret"', "store.url"),
        ('url = "postgresql://db.internal/identity?sslpassword=s3cret"', "store.url"),
        ('url = "mysql://migrator@db.internal/identity?passwd=s3cret"', "store.url"),
        (
            'url = "postgresql://migrator@db.internal/identity"\n\n'
            '[hashing]\nscheme = "bcrypt"\nparams = { pepper = "s3cret" }',
            "hashing.params.pepper",
        ),
        (
            'url = "postgresql://migrator@db.internal/identity"\n\n'
            '[hashing]\nscheme = "spring_delegating"\nparams = { secret = "s3cret" }',
            "hashing.params.secret",
        ),
    ],
)
def test_a_secret_in_plain_text_is_never_packaged(tmp_path: Path, lines: str, key: str) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f'[store]\npreset = "django"\n{lines}\n')
    with pytest.raises(PackagingError, match=key.replace(".", r"\.")) as caught:
        build(config, tmp_path / "out", installer=RecordingInstaller())
    assert "s3cret" not in str(caught.value) and "k3y" not in str(caught.value)
    assert not (tmp_path / "out").exists()
    refused = CliRunner().invoke(
        app, ["package", "--config", str(config), "--out", str(tmp_path / "out")], env={"COLUMNS": "400"}
    )
    assert refused.exit_code == 2 and "plain text" in refused.output


def test_secret_references_are_packaged(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"
    config.write_text(
        '[store]\npreset = "django"\nurl = "postgresql://migrator@db.internal/identity"\n'
        f'password = "secretsmanager:{arn}#password"\n\n'
        f'[logging]\nusername_hash_key = "secretsmanager:{arn}#hash_key"\n\n'
        f'[hashing]\nscheme = "bcrypt"\nparams = {{ pepper = "secretsmanager:{arn}#pepper" }}\n'
    )
    result = build(config, tmp_path / "out", installer=RecordingInstaller())
    with zipfile.ZipFile(result.zip_path) as zf:
        packaged = json.loads(zf.read("cognito-migrate.json"))
    assert packaged["store"]["password"] == f"secretsmanager:{arn}#password"
    assert packaged["hashing"]["params"]["pepper"] == f"secretsmanager:{arn}#pepper"


def test_every_manylinux_tag_of_the_lambda_glibc_is_accepted(tmp_path: Path) -> None:
    """pip does not expand PEP 600 tags: a wheel published only as manylinux_2_24 needs its own --platform."""
    al2023 = pip_command(["x"], tmp_path, arch="x86_64", python="3.12")
    assert {"manylinux_2_34_x86_64", "manylinux_2_31_x86_64", "manylinux_2_24_x86_64", "manylinux_2_17_x86_64"} <= set(
        al2023
    )
    al2 = pip_command(["x"], tmp_path, arch="arm64", python="3.11")
    assert "manylinux_2_26_aarch64" in al2 and "manylinux_2_27_aarch64" not in al2  # Amazon Linux 2: glibc 2.26
    assert not [t for t in al2023 + al2 if "musllinux" in t]


def test_boto3_is_never_packaged(tmp_path: Path) -> None:
    config = write_legacy_config(tmp_path)
    with pytest.raises(PackagingError, match="runtime already provides boto3"):
        build(config, tmp_path / "out", extra_extras=["aws"], installer=RecordingInstaller())


def _fake_python(bin_dir: Path, version: str, log: Path) -> None:
    """A ``pythonX.Y`` that answers the version probe and records the compileall call."""
    bin_dir.mkdir(exist_ok=True)
    script = bin_dir / f"python{version}"
    script.write_text(
        f'#!/bin/sh\nif [ "$1" = "-c" ]; then echo "cpython {version}"; exit 0; fi\necho "$@" >> "{log}"\n'
    )
    script.chmod(0o755)


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for the interpreter")
def test_bytecode_is_compiled_by_the_target_python_when_it_is_on_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = "3.13" if HOST_PYTHON != "3.13" else "3.12"
    log = tmp_path / "calls"
    _fake_python(tmp_path / "bin", target, log)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    config = write_legacy_config(tmp_path)
    result = build(config, tmp_path / "out", python=target, installer=RecordingInstaller())
    assert result.precompiled
    assert "-m compileall" in log.read_text() and "--invalidation-mode unchecked-hash" in log.read_text()
    assert "-d /var/task" in log.read_text()

    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = build(config, tmp_path / "out", python=target, installer=RecordingInstaller())
    assert not result.precompiled
    assert any(f"python{target}" in note for note in result.notes)


def test_a_mislabelled_interpreter_is_not_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = "3.13" if HOST_PYTHON != "3.13" else "3.12"
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / f"python{target}").symlink_to(sys.executable)  # really the host's version
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    assert packaging.target_interpreter(target) is None


DRIVERS = r"""
import json, sys
unpacked = sys.argv[1]
sys.path.insert(0, unpacked)
from cognito_migrate import hashing
from cognito_migrate.stores.sql_drivers import driver_for

for url in ("postgresql://u@db/app", "mysql://u@db/app", "mssql://u@db/app"):
    driver_for(url, password=lambda: None, query_timeout=1.0)  # imports the driver, connects to nothing
import phonenumbers
import cryptography.hazmat.primitives.ciphers

checks = {
    "argon2": hashing.verify("pw", sys.stdin.readline().strip()),
    "phone": phonenumbers.is_valid_number(phonenumbers.parse("+14155552671")),
}
foreign = sorted(
    name for name, module in list(sys.modules.items())
    if getattr(module, "__file__", None)
    and not module.__file__.startswith((unpacked, sys.base_prefix, sys.base_exec_prefix))
)
print(json.dumps({"checks": checks, "foreign": foreign}))
"""


@pytest.mark.network  # pip downloads the Lambda wheels from PyPI
@pytest.mark.slow
@pytest.mark.skipif(HOST_PYTHON not in packaging.MANYLINUX, reason=f"Lambda has no Python {HOST_PYTHON}")
@pytest.mark.skipif(__import__("platform").machine() != "x86_64", reason="the x86_64 wheels run only on x86_64")
def test_the_wheels_of_every_runtime_extra_load_in_isolation(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The platform and ABI pip is told to pick give extension modules that load: psycopg2's libpq,
    argon2-cffi's cffi backend, cryptography's Rust core; and nothing is imported from outside the zip."""
    argon2 = pytest.importorskip("argon2")
    config = write_legacy_config(tmp_path)
    extras = ["postgres", "mysql", "mssql", "phone", "argon2", "firebase"]
    cache = tmp_path_factory.getbasetemp() / "pip-cache"
    try:
        result = build(
            config, tmp_path / "out", arch="x86_64", python=HOST_PYTHON, extra_extras=extras, cache_dir=cache
        )
    except PackagingError as exc:
        if any(s in str(exc) for s in ("NewConnectionError", "Temporary failure in name resolution", "Network is")):
            pytest.skip(f"PyPI is not reachable, so the wheels cannot be downloaded: {exc}")
        raise
    assert set(result.extras) == set(extras)
    unpacked = tmp_path / "task"
    with zipfile.ZipFile(result.zip_path) as zf:
        zf.extractall(unpacked)
    stored = argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash("pw")
    proc = subprocess.run(
        [sys.executable, "-I", "-S", "-c", DRIVERS, str(unpacked)],
        input=stored + "\n",
        capture_output=True,
        text=True,
        env=environment_for(unpacked),
        cwd=unpacked,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["checks"] == {"argon2": True, "phone": True}
    assert report["foreign"] == []


def test_a_source_checkout_packages_the_extras_its_pyproject_declares(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editable install's metadata is as old as its last pip install: the checkout's pyproject decides."""
    (tmp_path / "src" / "cognito_migrate").mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "cognito-migrate"\ndependencies = ["bcrypt>=4.1"]\n'
        '[project.optional-dependencies]\nnewdriver = ["newdriver>=1"]\n'
    )
    monkeypatch.setattr(packaging, "package_root", lambda: tmp_path / "src" / "cognito_migrate")
    assert packaging.requirements_for(["newdriver"]) == ["bcrypt>=4.1", "newdriver>=1"]

    (tmp_path / "pyproject.toml").write_text('[project]\nname = "someone-else"\n')  # installed in their venv
    with pytest.raises(PackagingError, match="unknown extra 'newdriver'"):
        packaging.requirements_for(["newdriver"])


def test_precompiled_packages_are_reproducible_and_name_lambdas_paths(tmp_path: Path) -> None:
    """Bytecode embeds the file name it was compiled from: the staging path would differ between builds
    (so CloudFormation would see new code every time) and show the build machine in tracebacks."""
    import marshal

    config = write_legacy_config(tmp_path)
    first = build(config, tmp_path / "a", python=HOST_PYTHON, installer=RecordingInstaller())
    second = build(config, tmp_path / "elsewhere", python=HOST_PYTHON, installer=RecordingInstaller())
    assert first.precompiled
    assert first.zip_path.read_bytes() == second.zip_path.read_bytes()
    with zipfile.ZipFile(first.zip_path) as zf:
        (pyc,) = [n for n in zf.namelist() if n.startswith("cognito_migrate/__pycache__/handler.")]
        code = marshal.loads(zf.read(pyc)[16:])  # noqa: S302 - bytecode this test just built
    assert code.co_filename == "/var/task/cognito_migrate/handler.py"


def test_a_missing_sqlite_store_is_refused_before_pip_runs(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[store]\nurl = "sqlite:///missing.db"\npreset = "django"\n')
    installer = RecordingInstaller()
    with pytest.raises(PackagingError, match=r"missing\.db"):
        build(config, tmp_path / "out", installer=installer)
    assert installer.calls == []


def test_the_build_says_which_secret_the_stack_must_grant(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"
    other = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:logs-GhIjKl"
    config.write_text(
        f'[store]\npreset = "django"\nurl = "postgresql://u@db/app"\npassword = "secretsmanager:{arn}#password"\n'
    )
    notes = build(config, tmp_path / "out", installer=RecordingInstaller()).notes
    assert f"deploy with LegacyDbSecretArn={arn} (the one secret the function may read)" in notes
    config.write_text(
        f'[store]\npreset = "django"\nurl = "postgresql://u@db/app"\npassword = "secretsmanager:{arn}#password"\n'
        f'[logging]\nusername_hash_key = "secretsmanager:{other}"\n'
    )
    notes = build(config, tmp_path / "out", installer=RecordingInstaller()).notes
    assert any("references 2 secrets" in n and "one JSON secret" in n for n in notes), notes
    config.write_text('[store]\npreset = "django"\nurl = "postgresql://u@db/app"\npassword = "ssm:/legacy/db"\n')
    notes = build(config, tmp_path / "out", installer=RecordingInstaller()).notes
    assert any(n.startswith("ssm:/legacy/db needs ssm:GetParameter") for n in notes), notes


def test_the_printed_result_keeps_arns_and_extras_whole(tmp_path: Path) -> None:
    """The one value the user pastes into `sam deploy` is printed as it is: no emoji for ':secret:', no line
    break inside it, and bracketed extras survive rich's markup."""
    from cognito_migrate.cli._common import console
    from cognito_migrate.cli.package import render

    config = tmp_path / "c.toml"
    arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:legacy-db-AbCdEf"
    config.write_text(
        f'[store]\npreset = "aspnet_identity"\nurl = "mysql://u@db/app"\npassword = "secretsmanager:{arn}#password"\n'
    )
    result = build(config, tmp_path / "out", installer=RecordingInstaller())
    result = dataclasses.replace(result, notes=(*result.notes, "pip install 'cognito-migrate[mysql,phone]'"))
    with console.capture() as captured:
        render(result, console)
    text = captured.get()
    assert f"LegacyDbSecretArn={arn}" in text
    assert "pip install 'cognito-migrate[mysql,phone]'" in text


def test_the_store_census_adds_the_extras_its_rows_need(tmp_path: Path) -> None:
    """A Django store with Argon2 rows: argon2-cffi goes into the package, or those users fail in Lambda."""
    from cognito_migrate import hashing
    from tests.legacy import create_django_sqlite

    argon2 = hashing.create("django_argon2", "x", cost={"time_cost": 1, "memory_cost": 64, "parallelism": 1})
    create_django_sqlite(
        str(tmp_path / "django.db"),
        [{"username": "a", "password": hashing.create("django_pbkdf2_sha256", "x", cost={"iterations": 1000})},
         {"username": "b", "password": argon2}],
    )  # fmt: skip
    config = tmp_path / "c.toml"
    config.write_text('[store]\nurl = "sqlite:///django.db"\npreset = "django"\n')
    installer = RecordingInstaller()
    result = build(config, tmp_path / "out", installer=installer)
    assert result.extras == ("argon2",)
    assert any(r.startswith("argon2-cffi") for r in installer.calls[0]["requirements"])
    assert "read 2 users of the store: the data needs the extras argon2" in result.notes

    skipped = build(config, tmp_path / "out-2", installer=RecordingInstaller(), census=False)
    assert skipped.extras == ()  # the configuration alone names no hash scheme


def test_a_store_that_cannot_be_read_leaves_a_note_not_a_failure(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[store]\nurl = "postgresql://u@127.0.0.1:1/app"\npreset = "django"\n')  # nothing listens
    result = build(config, tmp_path / "out", installer=RecordingInstaller())
    assert result.extras == ("postgres",)
    assert any(n.startswith("the store could not be read") and "--extra" in n for n in result.notes)

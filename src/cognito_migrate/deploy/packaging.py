"""Build the Lambda deployment zip: the trigger's modules, the configuration, and only the drivers it needs.

What goes in, and why:

* ``cognito_migrate`` without ``cli/``, ``local/``, ``deploy/``, ``report/`` and ``testing.py``: the trigger
  never imports them (:func:`forbidden_imports` proves it over every import statement, including the lazy
  ones inside functions), and they would pull typer, rich, moto, boto3 or matplotlib into a package that
  must stay small.
* The configuration, written as JSON at the package root (the Lambda runtime has ``json`` loaded already;
  ``tomllib`` would cost a few milliseconds of every cold start), so ``COGNITO_MIGRATE_CONFIG`` is
  ``/var/task/cognito-migrate.json``. A SQLite database named by a relative URL is copied beside it, since
  relative SQLite paths resolve against the configuration's directory (demos and tests only).
* The core dependencies plus the extras the configuration needs (``wiring.required_extras``), installed
  by pip as binary wheels for the target: ``--platform manylinux... --implementation cp --python-version
  X.Y --only-binary=:all:``. Lambda's Python 3.12 to 3.14 run on Amazon Linux 2023 (glibc 2.34), 3.11 on
  Amazon Linux 2 (glibc 2.26), which decides the manylinux tags accepted.

The zip is reproducible (sorted entries, fixed timestamps and modes), so rebuilding unchanged inputs
gives the same bytes and CloudFormation sees no code change.
"""

from __future__ import annotations

import ast
import compileall
import json
import py_compile
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from cognito_migrate.errors import PackagingError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

PACKAGE: Final = "cognito_migrate"
#: Subpackages and modules of cognito_migrate the trigger never imports.
EXCLUDED: Final = ("cli", "local", "deploy", "testing", "report")
CONFIG_NAME: Final = "cognito-migrate.json"
#: Where Lambda unpacks the zip.
TASK_ROOT: Final = "/var/task"
ARCHITECTURES: Final = {"arm64": "aarch64", "x86_64": "x86_64"}
#: glibc of the Lambda images: Python 3.11 runs on Amazon Linux 2, 3.12 to 3.14 on Amazon Linux 2023.
GLIBC: Final = {"3.11": 26, "3.12": 34, "3.13": 34, "3.14": 34}


def _manylinux(glibc_minor: int) -> tuple[str, ...]:
    """Every manylinux tag a glibc 2.<minor> system accepts, newest first (pip does not expand PEP 600
    tags itself, so a wheel published only as manylinux_2_24 or _2_31 would otherwise be missed).
    ``manylinux2014`` is manylinux_2_17 under its old name, which pip expands to manylinux2010 and 1."""
    return (*(f"manylinux_2_{m}" for m in range(glibc_minor, 16, -1)), "manylinux2014")


#: Python versions Lambda runs, and the glibc-based manylinux tags its image accepts (newest first).
MANYLINUX: Final = {python: _manylinux(minor) for python, minor in GLIBC.items()}
#: Lambda's limit on the unzipped size of a function (zip upload, layers included).
UNZIPPED_LIMIT: Final = 250 * 1024 * 1024
#: Extras for the command line and development: never in a function.
CLI_SIDE_EXTRAS: Final = frozenset({"cli", "local", "report", "all", "dev"})
#: Extras the Lambda Python runtime provides already: boto3 (about 80 MB unzipped) would only add weight.
RUNTIME_PROVIDED_EXTRAS: Final = frozenset({"aws"})
#: Extras that are not Python packages: a store URL scheme that needs no driver.
NO_DRIVER: Final = "sqlite"
_ZIP_TIME: Final = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class Dependency:
    """One installed distribution in the package and the bytes it adds."""

    name: str
    version: str
    size: int


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What :func:`build` produced, for the command line to print."""

    zip_path: Path
    zip_size: int
    unzipped_size: int
    config_env: str
    extras: tuple[str, ...]
    requirements: tuple[str, ...]
    dependencies: tuple[Dependency, ...]
    included_files: tuple[str, ...] = ()
    precompiled: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)


# --------------------------------------------------------------------------------------------- modules


def package_root() -> Path:
    """The directory of the installed (or source) ``cognito_migrate`` package."""
    import cognito_migrate

    return Path(cognito_migrate.__file__).resolve().parent


def _excluded(relative: Path) -> bool:
    first = relative.parts[0]
    return first.removesuffix(".py") in EXCLUDED or "__pycache__" in relative.parts


def runtime_files(root: Path | None = None) -> list[Path]:
    """Every file of the package the trigger may need at run time, relative to the package directory.

    Python sources and data files (presets, schemes) alike; not bytecode caches, not the excluded parts.
    """
    root = root or package_root()
    files = [p.relative_to(root) for p in root.rglob("*") if p.is_file()]
    return sorted(p for p in files if not _excluded(p) and p.suffix not in {".pyc", ".pyo"})


def _module_name(relative: Path) -> str:
    parts = [PACKAGE, *relative.with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(tree: ast.AST, current: str, is_package: bool) -> set[str]:
    """Absolute names of every module an AST imports, at any depth (lazy imports included)."""
    found: set[str] = set()
    base = current if is_package else current.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                module = ".".join([*anchor, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and _is_import_module_call(node):
            arg = node.args[0] if node.args else None
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.add(arg.value)
    return found


def _is_import_module_call(node: ast.Call) -> bool:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name in {"import_module", "__import__"}


def forbidden_imports(root: Path | None = None) -> list[tuple[str, str]]:
    """(module, imported name) pairs where a packaged module imports an excluded part of the package.

    Empty means the package is closed: nothing the trigger can reach was left out of the zip.
    """
    root = root or package_root()
    banned = tuple(f"{PACKAGE}.{name}" for name in EXCLUDED)
    problems: list[tuple[str, str]] = []
    for relative in runtime_files(root):
        if relative.suffix != ".py":
            continue
        module = _module_name(relative)
        tree = ast.parse((root / relative).read_text(encoding="utf-8"), filename=str(relative))
        for name in sorted(_imported_modules(tree, module, relative.name == "__init__.py")):
            if any(name == b or name.startswith(b + ".") for b in banned):
                problems.append((module, name))
    return problems


# ----------------------------------------------------------------------------------------- requirements


def _project_requirements() -> tuple[list[str], dict[str, list[str]]]:
    """Core dependencies and extras of cognito-migrate: from pyproject.toml when the code being packaged is
    a source checkout (an editable install's metadata is only as fresh as its last ``pip install``, and
    would miss an extra added since), else from the installed metadata."""
    from_source = _requirements_from_pyproject()
    if from_source is not None:
        return from_source
    from importlib import metadata

    try:
        requires = metadata.requires("cognito-migrate") or []
    except metadata.PackageNotFoundError:
        raise PackagingError(
            "cannot find cognito-migrate's dependency list (neither installed metadata nor pyproject)"
        ) from None
    core: list[str] = []
    extras: dict[str, list[str]] = {}
    for req in requires:
        spec, _, marker = req.partition(";")
        match = re.search(r"extra\s*==\s*['\"]([\w.-]+)['\"]", marker)
        if match:
            extras.setdefault(match.group(1), []).append(spec.strip())
        elif not marker.strip():
            core.append(spec.strip())
    return core, extras


def _requirements_from_pyproject() -> tuple[list[str], dict[str, list[str]]] | None:
    import tomllib

    for parent in package_root().parents:
        pyproject = parent / "pyproject.toml"
        if pyproject.is_file():
            project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
            if project.get("name") == "cognito-migrate":
                return list(project.get("dependencies", [])), dict(project.get("optional-dependencies", {}))
            return None  # another project's file: this copy is installed, not checked out
    return None


def requirements_for(extras: Iterable[str]) -> list[str]:
    """The pip requirement strings for the core plus ``extras`` (``sqlite`` needs nothing)."""
    core, known = _project_requirements()
    runtime = sorted(set(known) - CLI_SIDE_EXTRAS - RUNTIME_PROVIDED_EXTRAS)
    out = list(core)
    for extra in sorted(set(extras) - {NO_DRIVER}):
        if extra in RUNTIME_PROVIDED_EXTRAS:
            raise PackagingError(
                f"extra {extra!r}: the Lambda Python runtime already provides boto3 (the trigger uses it only "
                "when the secrets extension is absent); leave it out"
            )
        if extra not in runtime:
            raise PackagingError(f"unknown extra {extra!r}; expected one of {', '.join([*runtime, NO_DRIVER])}")
        out.extend(r for r in known[extra] if not r.startswith("cognito-migrate"))
    return list(dict.fromkeys(out))


def platforms(arch: str, python: str) -> list[str]:
    """pip ``--platform`` tags for a Lambda architecture and Python version."""
    if arch not in ARCHITECTURES:
        raise PackagingError(f"unknown architecture {arch!r}; expected {' or '.join(ARCHITECTURES)}")
    if python not in MANYLINUX:
        raise PackagingError(f"unsupported Python {python!r}; expected one of {', '.join(MANYLINUX)}")
    return [f"{tag}_{ARCHITECTURES[arch]}" for tag in MANYLINUX[python]]


def pip_command(
    requirements: Sequence[str], target: Path, *, arch: str, python: str, cache_dir: Path | None = None
) -> list[str]:
    """The pip invocation that installs binary wheels for the Lambda target into ``target``."""
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile"]
    cmd += ["--target", str(target), "--implementation", "cp", "--python-version", python, "--only-binary=:all:"]
    for tag in platforms(arch, python):
        cmd += ["--platform", tag]
    if cache_dir is not None:
        cmd += ["--cache-dir", str(cache_dir)]
    return [*cmd, *requirements]


def install(requirements: Sequence[str], target: Path, *, arch: str, python: str, cache_dir: Path | None) -> None:
    """Run pip; on failure raise :class:`PackagingError` with the end of pip's own explanation."""
    if not requirements:
        return
    cmd = pip_command(requirements, target, arch=arch, python=python, cache_dir=cache_dir)
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603 - our own argv
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-8:])
        raise PackagingError(f"pip could not install {' '.join(requirements)} for {arch}/cp{python}:\n{tail}")
    # console scripts are useless in a function and would be the only non-importable files
    shutil.rmtree(target / "bin", ignore_errors=True)


def installed_dependencies(target: Path) -> list[Dependency]:
    """The distributions pip put in ``target``, with the bytes each adds (from their RECORD files)."""
    deps: list[Dependency] = []
    for info in sorted(target.glob("*.dist-info")):
        meta = (info / "METADATA").read_text(encoding="utf-8", errors="replace")
        name = re.search(r"^Name: (.+)$", meta, re.MULTILINE)
        version = re.search(r"^Version: (.+)$", meta, re.MULTILINE)
        size = 0
        record = info / "RECORD"
        if record.is_file():
            for line in record.read_text(encoding="utf-8").splitlines():
                path = target / line.split(",", 1)[0]
                if path.is_file():
                    size += path.stat().st_size
        deps.append(
            Dependency(name.group(1).strip() if name else info.name, version.group(1).strip() if version else "?", size)
        )
    return deps


# --------------------------------------------------------------------------------------- configuration


@dataclass(frozen=True, slots=True)
class ConfigPlan:
    """The configuration as it will be packaged, and what it implies for the package."""

    document: Mapping[str, Any]
    extras: frozenset[str]
    data_files: tuple[tuple[Path, str], ...]
    """Files the configuration names relative to itself, copied beside it: (path, the note that says so)."""
    url_is_reference: bool


def inline_secrets(document: Mapping[str, Any]) -> list[str]:
    """Keys of the configuration that hold a secret itself rather than a reference to one.

    The package is an artifact (an S3 object, and the code anyone with ``lambda:GetFunction`` downloads):
    a database password, a hashing pepper or the username-hash key in it is a leak. The detector is the one
    ``config validate`` uses (:func:`cognito_migrate.secrets.in_clear`).
    """
    from cognito_migrate import secrets

    return secrets.in_clear(document)


def secret_notes(document: Mapping[str, Any]) -> list[str]:
    """What the deployment must grant for the references in the configuration (the SAM template's role
    reads exactly one Secrets Manager secret, LegacyDbSecretArn, and no SSM parameter)."""
    from cognito_migrate import secrets

    refs = [value for _key, value in secrets.secret_settings(document)]
    arns = sorted(
        {v.removeprefix("secretsmanager:").partition("#")[0] for v in refs if v.startswith("secretsmanager:")}
    )
    notes: list[str] = []
    if len(arns) == 1:
        notes.append(f"deploy with LegacyDbSecretArn={arns[0]} (the one secret the function may read)")
    elif len(arns) > 1:
        notes.append(
            f"the configuration references {len(arns)} secrets ({', '.join(arns)}), but the template's role "
            "reads one: keep them as fields of one JSON secret (#field), or grant the others"
        )
    for ref in refs:
        if ref.startswith("ssm:"):
            notes.append(f"{ref} needs ssm:GetParameter on that parameter: the template's role does not grant it")
    return notes


def plan_config(config: Path) -> ConfigPlan:
    """Load and validate the configuration (the file alone, no env overrides) and work out its needs."""
    import tomllib

    from cognito_migrate import secrets
    from cognito_migrate.config import load_settings
    from cognito_migrate.wiring import required_extras, returned_attribute_names

    settings = load_settings(config, environ={})
    returned_attribute_names(settings)  # builds the mapper: a bad attribute mapping fails here, not in Lambda
    raw = config.read_bytes()
    document = json.loads(raw) if config.suffix == ".json" else tomllib.loads(raw.decode("utf-8"))
    leaked = inline_secrets(document)
    if leaked:
        raise PackagingError(
            f"{', '.join(leaked)} holds a secret in plain text, which would be readable in the zip: reference "
            'it instead ("secretsmanager:<arn>#<field>", "ssm:/name" or "env:NAME"; see docs/deploy.md)'
        )
    store = document.get("store", {})
    url = str(store.get("url", ""))
    data_files: list[tuple[Path, str]] = []
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url[len(prefix) :].startswith(("/", "file:", ":memory:")):
        relative = _inside("store.url", url[len(prefix) :])
        note = f"included the SQLite store {relative} (read-only in Lambda; for demos and tests)"
        data_files.append((relative, note))
    if settings.store.type == "file":
        hashes = str(store.get("file", {}).get("hashes") or "")
        for key, location, what in (("store.url", url, "the user file"), ("store.file.hashes", hashes, "the hashes")):
            if location and not location.startswith(("/", "s3://")) and not secrets.is_reference(location):
                relative = _inside(key, location)
                note = f"included {what} {relative} (each new container loads it: docs/stores.md)"
                data_files.append((relative, note))
    return ConfigPlan(
        document=document,
        extras=frozenset(required_extras(settings)),
        data_files=tuple(data_files),
        # only a SQL store's driver is read from its URL
        url_is_reference=settings.store.type == "sql" and secrets.is_reference(settings.store.url),
    )


def _inside(key: str, location: str) -> Path:
    """A path the configuration names relative to itself; one that leaves its directory cannot be packaged."""
    relative = Path(location)
    if relative.is_absolute() or ".." in relative.parts:
        raise PackagingError(f"{key}: {location!r} points outside the configuration's directory")
    return relative


# ---------------------------------------------------------------------------------------------- census


def census_extras(config: Path) -> tuple[set[str], str]:
    """The extras the store's rows need (an Argon2 row needs ``argon2``), read with ``audit``'s census, and a
    note saying what was read or why not. Never fails the build: without the store, the configuration's own
    extras stand, and the note says how to add the others.

    A configuration whose store URL or password is an ``ssm:`` or ``secretsmanager:`` reference is not read
    (that would call AWS from the build machine): the note says so.
    """
    from cognito_migrate import wiring
    from cognito_migrate.audit.census import audit
    from cognito_migrate.config import load_settings
    from cognito_migrate.errors import CognitoMigrateError

    settings = load_settings(config, environ={})
    store = settings.store
    secret_values = (store.url, store.password, store.http.token, store.http.password, store.ldap.bind_password,
                     store.cognito.client_secret)  # fmt: skip
    refs = [v for v in secret_values if v and v.startswith(("ssm:", "secretsmanager:"))]
    advice = "run `cognito-migrate audit --json` where the store is reachable and pass its extras with --extra"
    if refs:
        return set(), f"the store was not read (its URL or password is an AWS secret reference): {advice}"
    try:
        built = wiring.build_store(settings)
        try:
            # what the package needs is the question, not what this machine has installed
            report = audit(built.scan(), wiring.build_auditor(settings, installed=lambda extra: True))
        finally:
            built.close()
    except CognitoMigrateError as exc:
        return set(), f"the store could not be read ({exc}): {advice}"
    found = set(report.extras)
    listed = ", ".join(sorted(found)) or "none"
    return found, f"read {report.users:,} users of the store: the data needs the extras {listed}"


# ----------------------------------------------------------------------------------------------- build


def _copy_package(staging: Path, root: Path) -> None:
    for relative in runtime_files(root):
        dest = staging / PACKAGE / relative
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / relative, dest)


def _write_zip(staging: Path, zip_path: Path) -> tuple[int, int]:
    """A reproducible zip of ``staging``; returns (zip size, unzipped size)."""
    unzipped = 0
    files = sorted(p for p in staging.rglob("*") if p.is_file())
    tmp = zip_path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(staging).as_posix(), date_time=_ZIP_TIME)
            # 644, or 755 for what pip made executable (extension modules): what Lambda's unpacker expects
            mode = 0o755 if path.stat().st_mode & 0o111 else 0o644
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            data = path.read_bytes()
            unzipped += len(data)
            zf.writestr(info, data)
    tmp.replace(zip_path)
    return zip_path.stat().st_size, unzipped


def target_interpreter(python: str) -> str | None:
    """A CPython of the target version on this machine: the running one, else ``pythonX.Y`` on PATH."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" == python:
        return sys.executable
    found = shutil.which(f"python{python}")
    if found is None:
        return None
    probe = "import sys; print(sys.implementation.name, '%d.%d' % sys.version_info[:2])"
    try:
        proc = subprocess.run([found, "-c", probe], capture_output=True, text=True, timeout=30, check=False)  # noqa: S603
    except OSError:
        return None
    return found if proc.returncode == 0 and proc.stdout.split() == ["cpython", python] else None


def _precompile(staging: Path, interpreter: str) -> None:
    """Bytecode for the target version, checked by hash rather than mtime (zip timestamps are fixed).

    Lambda's /var/task is read-only, so without this every cold start compiles every module it imports.
    A file that does not compile (a dependency's Python 2 example, say) is left as source.
    """
    # The code objects name their files as Lambda will see them (/var/task/...), not the staging path: the
    # tracebacks are right, no build path leaks, and two builds in different directories are identical.
    if interpreter == sys.executable:
        compileall.compile_dir(
            str(staging),
            ddir=TASK_ROOT,
            quiet=2,
            optimize=0,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
        return
    cmd = [interpreter, "-m", "compileall", "-q", "-q", "-d", TASK_ROOT]
    cmd += ["--invalidation-mode", "unchecked-hash", str(staging)]
    subprocess.run(cmd, capture_output=True, check=False)  # noqa: S603 - our own argv


def build(
    config: Path,
    out_dir: Path,
    *,
    arch: str = "arm64",
    python: str = "3.13",
    extra_extras: Iterable[str] = (),
    cache_dir: Path | None = None,
    zip_name: str = "cognito-migrate-lambda.zip",
    installer: Any = None,
    census: bool = True,
) -> BuildResult:
    """Build the zip in ``out_dir`` (its ``staging/`` directory holds the unpacked tree, rebuilt each time).

    ``census`` reads the store (:func:`census_extras`) to add the extras its rows need. ``installer``
    replaces pip (tests); it is called like :func:`install`.
    """
    platforms(arch, python)  # validate before any work
    problems = forbidden_imports()
    if problems:
        listed = ", ".join(f"{m} imports {n}" for m, n in problems)
        raise PackagingError(f"the trigger reaches modules left out of the package: {listed}")
    plan = plan_config(config)
    extras = set(plan.extras) | set(extra_extras)
    notes: list[str] = secret_notes(plan.document)
    if plan.url_is_reference and not set(extra_extras):
        raise PackagingError(
            "store.url is a secret reference, so the database driver cannot be read from it: pass --extra "
            "postgres, mysql, mssql or sqlite"
        )
    requirements_for(extras)  # an unknown --extra fails before the store is read
    for relative, _ in plan.data_files:  # before pip spends a minute downloading
        if not (config.parent / relative).is_file():
            raise PackagingError(f"the configuration names {relative}, which does not exist next to {config}")
    if census:
        found, note = census_extras(config)
        extras |= found
        notes.append(note)
    requirements = requirements_for(extras)

    out_dir.mkdir(parents=True, exist_ok=True)
    staging = out_dir / "staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    (installer or install)(requirements, staging, arch=arch, python=python, cache_dir=cache_dir)
    dependencies = installed_dependencies(staging)
    _copy_package(staging, package_root())
    (staging / CONFIG_NAME).write_text(json.dumps(plan.document, indent=2, default=str) + "\n", encoding="utf-8")
    included: list[str] = []
    for relative, note in plan.data_files:
        source = config.parent / relative
        dest = staging / relative
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
        included.append(relative.as_posix())
        notes.append(note)
    interpreter = target_interpreter(python)
    precompiled = interpreter is not None
    if interpreter is not None:
        _precompile(staging, interpreter)
    else:
        notes.append(f"no bytecode: put python{python} on PATH (or build with it) to precompile (faster cold starts)")
    zip_size, unzipped = _write_zip(staging, out_dir / zip_name)
    if unzipped > UNZIPPED_LIMIT:
        notes.append(f"unzipped size {unzipped} bytes is over Lambda's 250 MB limit")
    return BuildResult(
        zip_path=out_dir / zip_name,
        zip_size=zip_size,
        unzipped_size=unzipped,
        config_env=f"COGNITO_MIGRATE_CONFIG={TASK_ROOT}/{CONFIG_NAME}",
        extras=tuple(sorted(extras)),
        requirements=tuple(requirements),
        dependencies=tuple(dependencies),
        included_files=tuple(included),
        precompiled=precompiled,
        notes=tuple(notes),
    )

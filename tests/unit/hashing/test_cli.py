"""``cognito-migrate hash identify|verify|schemes`` through typer's CliRunner."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cognito_migrate.cli.app import app

BCRYPT_A = "$2a$06$m0CrhHm10qJ3lXRY.5zDGO3rS2KdeeWLuGmsfGlMfOxih58VYVfxe"  # "a", jBCrypt TestBCrypt.java
MEMBERSHIP = "Vz9mJxudAR4ZVJTNI4W+oH7m3X0="  # SqlMembershipAdapter test vector, SHA1
MEMBERSHIP_PARAMS = '{"salt": "wZdnRVXWcvXZKY6HJmJqUg==", "algorithm": "SHA1"}'
runner = CliRunner()


def test_identify_reads_stdin() -> None:
    result = runner.invoke(
        app, ["hash", "identify"], input=f"{BCRYPT_A}\n5f4dcc3b5aa765d61d8327deb882cf99\n\n{{SSHA}}AAAA\n"
    )
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["bcrypt", "unknown", "unknown", "ldap_ssha"]


def test_verify_match_and_mismatch() -> None:
    ok = runner.invoke(app, ["hash", "verify", BCRYPT_A], input="a\n")
    assert ok.exit_code == 0
    assert "MATCH" in ok.stdout
    assert "\na\n" not in ok.output
    bad = runner.invoke(app, ["hash", "verify", BCRYPT_A], input="b\n")
    assert bad.exit_code == 1
    assert "MISMATCH" in bad.stdout


def test_verify_with_scheme_params_and_stored_from_stdin() -> None:
    secret = "3GrM4v[eYgK-UT"
    args = ["hash", "verify", "--scheme", "aspnet_membership", "--params", MEMBERSHIP_PARAMS, "--stored-stdin"]
    result = runner.invoke(app, args, input=f"{MEMBERSHIP}\n{secret}\n")
    assert result.exit_code == 0, result.stdout
    assert result.stdout.strip().endswith("MATCH")
    assert secret not in result.output


@pytest.mark.parametrize(
    ("params", "message"), [("{salt:", "not valid JSON"), ("[1, 2]", "must be a JSON object")], ids=["syntax", "type"]
)
def test_bad_params_json(params: str, message: str) -> None:
    result = runner.invoke(app, ["hash", "verify", "--scheme", "aspnet_membership", "--params", params, MEMBERSHIP])
    assert result.exit_code == 2
    assert message in result.output


def test_verify_other_verdicts_exit_1() -> None:
    result = runner.invoke(app, ["hash", "verify", "--scheme", "bcrypt", "$2b$04$short"], input="x\n")
    assert result.exit_code == 1
    assert "MALFORMED" in result.stdout
    unknown = runner.invoke(app, ["hash", "verify", "5f4dcc3b5aa765d61d8327deb882cf99"], input="x\n")
    assert unknown.exit_code == 1
    assert "UNSUPPORTED" in unknown.stdout


def test_verify_usage_errors() -> None:
    assert runner.invoke(app, ["hash", "verify"]).exit_code == 2
    assert runner.invoke(app, ["hash", "verify", "--scheme", "nope", BCRYPT_A]).exit_code == 2


def test_schemes_lists_the_catalogue() -> None:
    result = runner.invoke(app, ["hash", "schemes"])
    assert result.exit_code == 0
    assert "aspnet_identity_v3" in result.stdout
    assert "yescrypt" in result.stdout


def test_params_from_a_file_keep_secrets_out_of_argv(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "params.json"
    path.write_text(MEMBERSHIP_PARAMS, encoding="utf-8")
    args = ["hash", "verify", "--scheme", "aspnet_membership", "--params", f"@{path}", MEMBERSHIP]
    result = runner.invoke(app, args, input="3GrM4v[eYgK-UT\n")
    assert result.exit_code == 0, result.output
    args[-2] = f"@{path}.nope"
    missing = runner.invoke(app, args, input="x\n")
    assert missing.exit_code == 2
    assert "cannot read" in missing.output


def test_reason_printed_without_markup(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich markup ate "[argon2]" from the pip command in the reason."""
    import sys

    from cognito_migrate.hashing import _registry

    monkeypatch.setitem(sys.modules, "argon2", None)
    monkeypatch.delitem(sys.modules, "cognito_migrate.hashing.schemes.argon2", raising=False)
    monkeypatch.setattr(_registry, "_loaded", {})
    result = runner.invoke(app, ["hash", "verify", "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$" + "A" * 43], input="x\n")
    assert result.exit_code == 1
    assert "pip install 'cognito-migrate[argon2]'" in result.output


def test_verify_reads_password_from_stdin_after_the_stored_hash() -> None:
    args = ["hash", "verify", "--stored-stdin", "--password-stdin"]
    ok = runner.invoke(app, args, input=f"{BCRYPT_A}\na\n")
    assert ok.exit_code == 0
    assert ok.stdout.strip() == "MATCH"
    bad = runner.invoke(app, args, input=f"{BCRYPT_A}\nb\n")
    assert bad.exit_code == 1
    assert bad.stdout.strip() == "MISMATCH"


def test_verify_json_names_verdict_and_scheme_never_the_secret() -> None:
    import json

    ok = runner.invoke(app, ["hash", "verify", "--password-stdin", "--json", BCRYPT_A], input="a\n")
    assert ok.exit_code == 0
    assert json.loads(ok.stdout) == {"verdict": "MATCH", "scheme": "bcrypt", "reason": None}
    bad = runner.invoke(app, ["hash", "verify", "--password-stdin", "--json", BCRYPT_A], input="wrong-secret\n")
    assert bad.exit_code == 1
    doc = json.loads(bad.stdout)
    assert doc["verdict"] == "MISMATCH"
    assert "wrong-secret" not in bad.output
    assert BCRYPT_A not in bad.output


def test_verify_refuses_an_empty_password() -> None:
    result = runner.invoke(app, ["hash", "verify", "--password-stdin", BCRYPT_A], input="\n")
    assert result.exit_code == 2

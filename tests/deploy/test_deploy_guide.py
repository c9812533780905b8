"""The code in docs/deploy.md runs: the boto3 recipe that wires an existing pool keeps its other settings.

Real ``UpdateUserPool`` resets every setting not passed; moto merges top-level keys instead, so what
this test can prove is that the recipe's request is accepted, that it merges the trigger into the
existing ``LambdaConfig`` (which moto does replace as a whole) and that removing the trigger keeps the rest.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

boto3 = pytest.importorskip("boto3")
moto = pytest.importorskip("moto")

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"
REGION = "eu-west-1"
FUNCTION = f"arn:aws:lambda:{REGION}:123456789012:function:stack-migrate-user"
PRE_SIGN_UP = f"arn:aws:lambda:{REGION}:123456789012:function:pre-sign-up"


def _recipe() -> Any:
    text = GUIDE.read_text(encoding="utf-8")
    match = re.search(r"<!-- wire-pool:start -->\s*```python\n(.*?)```\s*<!-- wire-pool:end -->", text, re.DOTALL)
    assert match, "the wire-pool recipe is missing from docs/deploy.md"
    namespace: dict[str, Any] = {"__name__": "recipe"}
    exec(compile(match.group(1), str(GUIDE), "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace["set_user_migration_trigger"]


@pytest.fixture
def cognito(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with moto.mock_aws():
        yield boto3.client("cognito-idp", region_name=REGION)


def test_wiring_recipe_sets_the_trigger_and_keeps_the_other_settings(cognito: Any) -> None:
    set_trigger = _recipe()
    pool = cognito.create_user_pool(
        PoolName="existing",
        LambdaConfig={"PreSignUp": PRE_SIGN_UP},
        AutoVerifiedAttributes=["email"],
        Policies={"PasswordPolicy": {"MinimumLength": 12, "RequireSymbols": False}},
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
        UserPoolTags={"team": "identity"},
    )["UserPool"]

    request = set_trigger(pool["Id"], FUNCTION, region=REGION)
    assert "UnusedAccountValidityDays" not in request.get("AdminCreateUserConfig", {})
    after = cognito.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
    assert after["LambdaConfig"] == {"PreSignUp": PRE_SIGN_UP, "UserMigration": FUNCTION}
    assert after["Policies"]["PasswordPolicy"]["MinimumLength"] == 12
    assert after["AutoVerifiedAttributes"] == ["email"]
    assert after["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert after["UserPoolTags"] == {"team": "identity"}

    set_trigger(pool["Id"], None, region=REGION)
    removed = cognito.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
    assert removed["LambdaConfig"] == {"PreSignUp": PRE_SIGN_UP}
    assert removed["Policies"]["PasswordPolicy"]["MinimumLength"] == 12


def test_the_guide_names_what_the_template_and_cli_really_use() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    template = (GUIDE.parents[1] / "deploy" / "sam" / "template.yaml").read_text(encoding="utf-8")
    for parameter in re.findall(r"^\| `(\w+)`", text, re.MULTILINE):
        if parameter[0].isupper():
            assert f"\n  {parameter}:\n" in template, f"docs/deploy.md documents an unknown parameter {parameter}"
    assert "CodeUri: ../../build/cognito-migrate-lambda.zip" in template
    assert "--out build" in text


def _cli_recipe() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    match = re.search(r"<!-- wire-pool-cli:start -->\s*```bash\n(.*?)```\s*<!-- wire-pool-cli:end -->", text, re.DOTALL)
    assert match, "the AWS CLI wire-pool recipe is missing from docs/deploy.md"
    return match.group(1)


FAKE_AWS = """#!/bin/sh
# Stands in for the AWS CLI: answers from files the test wrote, and keeps what update-user-pool receives.
case "$*" in
  *describe-user-pool*) cat "$FAKE_DIR/describe.json" ;;
  *--generate-cli-skeleton*) cat "$FAKE_DIR/skeleton.json" ;;
  *--cli-input-json*) cp update.json "$FAKE_DIR/sent.json" ;;
  *) echo "unexpected: $*" >&2; exit 1 ;;
esac
"""


@pytest.mark.skipif(shutil.which("jq") is None or shutil.which("sh") is None, reason="needs jq and a POSIX shell")
def test_the_cli_recipe_passes_back_every_field_update_user_pool_accepts(cognito: Any, tmp_path: Path) -> None:
    """The shell recipe, run with a stand-in ``aws`` whose skeleton is the API model boto3 has; its request
    must pass boto3's validation and set the trigger without dropping anything describe returned."""
    pool = cognito.create_user_pool(
        PoolName="existing",
        LambdaConfig={"PreSignUp": PRE_SIGN_UP},
        AutoVerifiedAttributes=["email"],
        Policies={"PasswordPolicy": {"MinimumLength": 12, "RequireSymbols": False}},
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
        UserPoolTags={"team": "identity"},
        VerificationMessageTemplate={"DefaultEmailOption": "CONFIRM_WITH_CODE"},
        DeletionProtection="ACTIVE",
    )["UserPool"]
    described = cognito.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
    described["AdminCreateUserConfig"]["UnusedAccountValidityDays"] = 7  # what real Cognito also returns
    # A field newer than moto, which real Cognito returns and UpdateUserPool would reset if not passed back
    # (an issuer reset breaks every app that validates tokens): a fixed field list would drop it.
    accepted = cognito.meta.service_model.operation_model("UpdateUserPool").input_shape.members
    if "IssuerConfiguration" in accepted:
        described["IssuerConfiguration"] = {"Type": "UPDATED"}
    (tmp_path / "describe.json").write_text(json.dumps(described, default=str))
    (tmp_path / "skeleton.json").write_text(json.dumps(dict.fromkeys(accepted, "")))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "aws").write_text(FAKE_AWS)
    (bin_dir / "aws").chmod(0o755)
    script = (
        _cli_recipe()
        .replace("eu-west-1_AbCdEf123", pool["Id"])
        .replace("arn:aws:lambda:eu-west-1:123456789012:function:legacy-migration-migrate-user", FUNCTION)
    )
    work = tmp_path / "work"
    work.mkdir()
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "FAKE_DIR": str(tmp_path)}
    proc = subprocess.run(["sh", "-e", "-c", script], cwd=work, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr

    request = json.loads((tmp_path / "sent.json").read_text())
    assert request["UserPoolId"] == pool["Id"]
    assert request["LambdaConfig"] == {"PreSignUp": PRE_SIGN_UP, "UserMigration": FUNCTION}
    assert "UnusedAccountValidityDays" not in request["AdminCreateUserConfig"]
    # everything describe returned that UpdateUserPool accepts goes back (else the update resets it)
    kept = {k for k in described if k in accepted and described[k] is not None}
    kept -= {"EmailVerificationMessage", "EmailVerificationSubject", "SmsVerificationMessage"}
    assert kept <= set(request), kept - set(request)
    cognito.update_user_pool(**request)  # boto3 validates every field against the API model
    after = cognito.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
    assert after["LambdaConfig"]["UserMigration"] == FUNCTION
    assert after["Policies"]["PasswordPolicy"]["MinimumLength"] == 12


def test_the_guide_quotes_the_code_it_describes() -> None:
    """Messages and variable names an operator will search for, as the code really writes them."""
    from cognito_migrate.config import CONFIG_ENV, env_override_names
    from cognito_migrate.handler import UNAVAILABLE
    from cognito_migrate.observability import LATENCY_METRIC, OUTCOME_METRICS

    text = GUIDE.read_text(encoding="utf-8")
    assert f'"UserMigration failed with error {UNAVAILABLE}."' in text
    known = {CONFIG_ENV, *env_override_names()}
    for name in set(re.findall(r"COGNITO_MIGRATE_[A-Z_]*[A-Z]", text)):
        assert name in known or name == "COGNITO_MIGRATE_POOL", f"docs/deploy.md names an unknown variable {name}"
    for metric in [*OUTCOME_METRICS.values(), LATENCY_METRIC]:
        assert f"`{metric}`" in text, metric
    assert "namespace `CognitoMigrate`" in text

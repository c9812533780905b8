"""The code in docs/deploy.md runs: the boto3 recipe that wires an existing pool keeps its other settings.

Real ``UpdateUserPool`` resets every setting not passed; moto merges top-level keys instead, so what
this test can prove is that the recipe's request is accepted, that it merges the trigger into the
existing ``LambdaConfig`` (which moto does replace as a whole) and that removing the trigger keeps the rest.
"""

from __future__ import annotations

import re
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

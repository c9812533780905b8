"""What the SAM template declares passes ``doctor``: the two describe the same correct wiring.

moto has no CloudFormation support for Cognito, so the stack cannot be deployed into moto. Instead the
template's values (with its defaults and ``UserPoolId`` empty: a new pool) are resolved by a small
evaluator for the intrinsics the template uses, applied through boto3, and checked by ``doctor``.
Removing ``ALLOW_USER_PASSWORD_AUTH``, the permission's ``SourceArn`` or the config variable from the
template makes this test fail.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

boto3 = pytest.importorskip("boto3")
moto = pytest.importorskip("moto")
cfnlint_decode = pytest.importorskip("cfnlint.decode", reason="cfn-lint is not installed (pip install cfn-lint)")

from cognito_migrate.deploy.doctor import Status, run_checks  # noqa: E402

TEMPLATE = Path(__file__).resolve().parents[2] / "deploy" / "sam" / "template.yaml"
REGION = "eu-west-1"
ACCOUNT = "123456789012"


class Resolver:
    """Evaluates Ref, Fn::If, Fn::Equals/Not/And, Fn::Join, Fn::Select/Split, Fn::Sub and Fn::GetAtt."""

    def __init__(self, template: dict[str, Any], attributes: dict[str, str]) -> None:
        self.template = template
        self.values: dict[str, Any] = {name: p.get("Default") for name, p in template["Parameters"].items()} | {
            "AWS::Region": REGION,
            "AWS::AccountId": ACCOUNT,
            "AWS::Partition": "aws",
            "AWS::StackName": "stack",
        }
        self.values = {
            k: (v.split(",") if isinstance(v, str) and k.endswith("Ids") else v) for k, v in self.values.items()
        }
        self.attributes = attributes

    def condition(self, name: str) -> bool:
        return bool(self(self.template["Conditions"][name]))

    def __call__(self, node: Any) -> Any:  # noqa: PLR0912 - one branch per intrinsic
        if isinstance(node, list):
            return [v for v in (self(item) for item in node) if v is not _NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((key, arg),) = node.items()
            if key == "Ref":
                return _NO_VALUE if arg == "AWS::NoValue" else self.values.get(arg, self.attributes.get(f"{arg}.Ref"))
            if key == "Fn::If":
                return self(arg[1] if self.condition(arg[0]) else arg[2])
            if key == "Fn::Equals":
                return str(self(arg[0])) == str(self(arg[1]))
            if key == "Fn::Not":
                return not self(arg[0])
            if key == "Fn::And":
                return all(self(a) for a in arg)
            if key == "Condition":
                return self.condition(arg)
            if key == "Fn::Join":
                return arg[0].join(str(v) for v in self(arg[1]))
            if key == "Fn::Select":
                return self(arg[1])[int(arg[0])]
            if key == "Fn::Split":
                return str(self(arg[1])).split(arg[0])
            if key == "Fn::GetAtt":
                return self.attributes[".".join(arg)]
            if key == "Fn::Sub":
                text, extra = (arg, {}) if isinstance(arg, str) else (arg[0], {k: self(v) for k, v in arg[1].items()})
                for name, value in {**self.values, **extra}.items():
                    text = text.replace("${" + name + "}", str(value))
                return text
        return {k: v for k, v in ((k, self(v)) for k, v in node.items()) if v is not _NO_VALUE}


_NO_VALUE = object()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with moto.mock_aws():
        yield


#: A configuration file that contradicts the new pool everywhere it can: the function's environment, which
#: the template sets for a pool it creates, must win over all of it.
CONTRARY_FILE: dict[str, Any] = {
    "store": {"url": "sqlite:///legacy.db", "preset": "aspnet_identity"},
    "pool": {
        "case_sensitive": True,
        "alias_attributes": ["phone_number"],
        "password_policy": {"minimum_length": 12, "require_symbols": False},
    },
    "logging": {"metrics": False, "namespace": "Elsewhere"},
}


@pytest.mark.parametrize("sign_in", ["username", "username-or-email", "email"])
def test_the_new_pool_the_template_declares_passes_doctor(aws: Any, sign_in: str) -> None:
    """The pool as the template creates it, checked against the function as the template configures it.

    The expectations come from the real configuration loader applied to the function's environment (as
    Lambda would run it) over a file that disagrees with the pool: a template that created a pool its own
    function disagrees with (case sensitivity, username model, password policy) fails here.
    """
    from cognito_migrate.config import settings_from_mapping
    from cognito_migrate.deploy.doctor import expectations_from_settings

    template, matches = cfnlint_decode.decode(str(TEMPLATE))
    assert not matches
    resources = template["Resources"]
    resolve = Resolver(template, {})
    resolve.values["NewPoolSignIn"] = sign_in
    assert resolve.condition("CreatePool")

    iam = boto3.client("iam", region_name=REGION)
    role_arn = iam.create_role(RoleName="trigger", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    resolve.attributes["TriggerRole.Arn"] = role_arn
    fn_props = resolve(resources["MigrateUserFunction"]["Properties"])
    buf = io.BytesIO()
    zipfile.ZipFile(buf, "w").close()
    lam = boto3.client("lambda", region_name=REGION)
    fn_arn = lam.create_function(
        FunctionName=fn_props["FunctionName"],
        Runtime=fn_props["Runtime"],
        Role=fn_props["Role"],
        Handler=fn_props["Handler"],
        Code={"ZipFile": buf.getvalue()},
        Timeout=fn_props["Timeout"],
        MemorySize=int(fn_props["MemorySize"]),
        Environment=fn_props["Environment"],
    )["FunctionArn"]
    resolve.attributes["MigrateUserFunction.Arn"] = fn_arn

    cognito = boto3.client("cognito-idp", region_name=REGION)
    pool_props = resolve(resources["UserPool"]["Properties"])
    optional = {k: pool_props[k] for k in ("AliasAttributes", "UsernameAttributes") if k in pool_props}
    pool = cognito.create_user_pool(
        PoolName=pool_props["UserPoolName"],
        LambdaConfig=pool_props["LambdaConfig"],
        UsernameConfiguration=pool_props["UsernameConfiguration"],
        AutoVerifiedAttributes=pool_props["AutoVerifiedAttributes"],
        Policies=pool_props["Policies"],
        DeletionProtection=pool_props["DeletionProtection"],
        AccountRecoverySetting=pool_props["AccountRecoverySetting"],
        Schema=pool_props["Schema"],
        **optional,
    )["UserPool"]
    resolve.attributes["UserPool.Arn"] = pool["Arn"]
    resolve.attributes["UserPool.Ref"] = pool["Id"]

    client_props = resolve(resources["UserPoolClient"]["Properties"])
    cognito.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName=client_props["ClientName"],
        ExplicitAuthFlows=client_props["ExplicitAuthFlows"],
        PreventUserExistenceErrors=client_props["PreventUserExistenceErrors"],
    )
    perm = resolve(resources["CognitoInvokePermission"]["Properties"])
    lam.add_permission(
        FunctionName=perm["FunctionName"],
        StatementId="CognitoInvokePermission",
        Action=perm["Action"],
        Principal=perm["Principal"],
        SourceArn=perm["SourceArn"],
        SourceAccount=perm["SourceAccount"],
    )

    environ = {k: str(v) for k, v in fn_props["Environment"]["Variables"].items()}
    settings = settings_from_mapping(CONTRARY_FILE, environ=environ)
    assert settings.logging.metrics is True and settings.logging.namespace == "CognitoMigrate"
    report = run_checks(
        cognito=cognito,
        lambda_for_region=lambda region: boto3.client("lambda", region_name=region),
        user_pool_id=pool["Id"],
        expected=expectations_from_settings(settings),
    )
    assert report.ok, [r for r in report.results if r.failed]
    assert not [r for r in report.results if r.status is Status.WARN], report.results
    for check in ("case sensitivity", "username attributes", "alias attributes", "password policy"):
        assert {r.status for r in report.results if r.check == check} == {Status.PASS}, check


def test_without_the_extension_the_function_gets_none_of_its_variables() -> None:
    template, _ = cfnlint_decode.decode(str(TEMPLATE))
    resolve = Resolver(template, {"TriggerRole.Arn": "role", "UserPool.Arn": "pool"})
    resolve.values["SecretsExtensionLayerArn"] = "none"
    props = resolve(template["Resources"]["MigrateUserFunction"]["Properties"])
    assert "Layers" not in props
    assert not [v for v in props["Environment"]["Variables"] if v.startswith(("PARAMETERS_SECRETS", "SECRETS_"))]
    resolve.values["SecretsExtensionLayerArn"] = "auto"
    props = resolve(template["Resources"]["MigrateUserFunction"]["Properties"])
    assert props["Environment"]["Variables"]["PARAMETERS_SECRETS_EXTENSION_HTTP_PORT"] == "2773"


def test_the_legacy_unavailable_alarm_sees_what_the_configured_trigger_emits(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The function's environment (over a file that says otherwise) gives a log whose EMF metric is exactly the
    one the alarm watches: namespace, metric name, dimension name and value."""
    import json

    from cognito_migrate.config import settings_from_mapping
    from cognito_migrate.outcomes import Outcome
    from cognito_migrate.wiring import build_log

    template, _ = cfnlint_decode.decode(str(TEMPLATE))
    resolve = Resolver(template, {"TriggerRole.Arn": "role", "UserPool.Arn": "pool", "MigrateUserFunction.Ref": "fn"})
    resolve.values["MetricsService"] = "customers-migration"
    environ = {
        k: str(v)
        for k, v in resolve(template["Resources"]["MigrateUserFunction"]["Properties"])["Environment"][
            "Variables"
        ].items()
    }
    log = build_log(settings_from_mapping(CONTRARY_FILE, environ=environ))
    log.emit("ERROR", "migration", {"latency_ms": {"total": 12.0}}, outcome=Outcome.LEGACY_UNAVAILABLE)
    record = json.loads(capsys.readouterr().out.strip().splitlines()[-1])

    alarm = resolve(template["Resources"]["LegacyUnavailableAlarm"]["Properties"])
    (directive,) = record["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == alarm["Namespace"]
    assert alarm["MetricName"] in [m["Name"] for m in directive["Metrics"]]
    assert record[alarm["MetricName"]] == 1
    (dimension,) = alarm["Dimensions"]
    assert directive["Dimensions"] == [[dimension["Name"]]]
    assert record[dimension["Name"]] == dimension["Value"] == "customers-migration"


def test_an_existing_pool_wired_as_the_guide_says_passes_doctor(aws: Any) -> None:
    """UserPoolId given: the stack's permission (pinned to that pool's ARN, built from the id) and the guide's
    wiring recipe together give a pool that doctor finds wired and invocable."""
    import re

    cognito = boto3.client("cognito-idp", region_name=REGION)
    existing = cognito.create_user_pool(
        PoolName="existing",
        UsernameConfiguration={"CaseSensitive": False},
        Policies={"PasswordPolicy": {"MinimumLength": 10}},
    )["UserPool"]
    template, _ = cfnlint_decode.decode(str(TEMPLATE))
    resources = template["Resources"]
    resolve = Resolver(template, {})
    resolve.values["UserPoolId"] = existing["Id"]
    assert not resolve.condition("CreatePool")

    iam = boto3.client("iam", region_name=REGION)
    resolve.attributes["TriggerRole.Arn"] = iam.create_role(RoleName="trigger", AssumeRolePolicyDocument="{}")["Role"][
        "Arn"
    ]
    fn_props = resolve(resources["MigrateUserFunction"]["Properties"])
    assert not [v for v in fn_props["Environment"]["Variables"] if v.startswith("COGNITO_MIGRATE_POOL_")]
    buf = io.BytesIO()
    zipfile.ZipFile(buf, "w").close()
    lam = boto3.client("lambda", region_name=REGION)
    fn_arn = lam.create_function(
        FunctionName=fn_props["FunctionName"],
        Runtime=fn_props["Runtime"],
        Role=fn_props["Role"],
        Handler=fn_props["Handler"],
        Code={"ZipFile": buf.getvalue()},
        Timeout=fn_props["Timeout"],
        MemorySize=int(fn_props["MemorySize"]),
        Environment=fn_props["Environment"],
    )["FunctionArn"]
    resolve.attributes["MigrateUserFunction.Arn"] = fn_arn
    perm = resolve(resources["CognitoInvokePermission"]["Properties"])
    assert perm["SourceArn"] == existing["Arn"]
    lam.add_permission(
        FunctionName=perm["FunctionName"],
        StatementId="CognitoInvokePermission",
        Action=perm["Action"],
        Principal=perm["Principal"],
        SourceArn=perm["SourceArn"],
        SourceAccount=perm["SourceAccount"],
    )
    cognito.create_user_pool_client(
        UserPoolId=existing["Id"],
        ClientName="app",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        PreventUserExistenceErrors="ENABLED",
    )

    guide = (TEMPLATE.parents[2] / "docs" / "deploy.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- wire-pool:start -->\s*```python\n(.*?)```", guide, re.DOTALL)
    assert match
    namespace: dict[str, Any] = {"__name__": "recipe"}
    exec(compile(match.group(1), "docs/deploy.md", "exec"), namespace)  # noqa: S102 - our own documentation
    namespace["set_user_migration_trigger"](existing["Id"], fn_arn, region=REGION)

    report = run_checks(
        cognito=cognito,
        lambda_for_region=lambda region: boto3.client("lambda", region_name=region),
        user_pool_id=existing["Id"],
    )
    statuses = {r.check: r.status for r in report.results}
    assert statuses["trigger wired"] is Status.PASS
    assert statuses["Cognito may invoke"] is Status.PASS
    assert report.ok, [r for r in report.results if r.failed]


def test_the_permission_names_the_pools_own_region() -> None:
    template, _ = cfnlint_decode.decode(str(TEMPLATE))
    resolve = Resolver(template, {"MigrateUserFunction.Arn": "fn"})
    resolve.values["UserPoolId"] = "eu-central-1_AbC123"
    resolve.values["AWS::Region"] = "us-east-1"  # a stack elsewhere than the pool
    perm = resolve(template["Resources"]["CognitoInvokePermission"]["Properties"])
    assert perm["SourceArn"] == f"arn:aws:cognito-idp:eu-central-1:{ACCOUNT}:userpool/eu-central-1_AbC123"

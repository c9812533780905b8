"""The SAM template lints clean and keeps its security-relevant promises.

The facts asserted here are the ones whose loss would silently break a migration or widen access:
the invoke permission pinned to the pool and account, a timeout under Cognito's 5 s, an app client that
allows the flow that fires the trigger with enumeration protection on, and a role that can read exactly
one secret.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

TEMPLATE = Path(__file__).resolve().parents[2] / "deploy" / "sam" / "template.yaml"

cfnlint_api = pytest.importorskip("cfnlint.api", reason="cfn-lint is not installed (pip install cfn-lint)")
cfnlint_decode = pytest.importorskip("cfnlint.decode", reason="cfn-lint is not installed (pip install cfn-lint)")


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    tpl, matches = cfnlint_decode.decode(str(TEMPLATE))
    assert not matches, [str(m) for m in matches]
    assert isinstance(tpl, dict)
    return tpl


@pytest.fixture(scope="module")
def resources(template: dict[str, Any]) -> dict[str, Any]:
    res = template["Resources"]
    assert isinstance(res, dict)
    return res


def _of_type(resources: dict[str, Any], type_: str) -> list[dict[str, Any]]:
    found = [r for r in resources.values() if r["Type"] == type_]
    assert found, f"no {type_} in the template"
    return found


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _policy_statements(role: dict[str, Any]) -> list[dict[str, Any]]:
    """Every statement of the role's inline policies, looking through ``Fn::If`` branches."""
    statements: list[dict[str, Any]] = []
    for policy in role["Properties"].get("Policies", []):
        candidates = policy["Fn::If"][1:] if "Fn::If" in policy else [policy]
        for candidate in candidates:
            if candidate == {"Ref": "AWS::NoValue"}:
                continue
            statements.extend(candidate["PolicyDocument"]["Statement"])
    return statements


def test_cfn_lint_passes() -> None:
    matches = cfnlint_api.lint_file(TEMPLATE)
    assert [str(m) for m in matches] == []


def test_lint_catches_a_broken_template(tmp_path: Path) -> None:
    """Guards the guard: the lint test must be able to fail."""
    broken = tmp_path / "broken.yaml"
    broken.write_text(TEMPLATE.read_text().replace("Timeout: 4", 'Timeout: "four"'))
    assert cfnlint_api.lint_file(broken)


def test_runtime_and_handler(resources: dict[str, Any]) -> None:
    (fn,) = _of_type(resources, "AWS::Serverless::Function")
    props = fn["Properties"]
    assert props["Runtime"] == {"Fn::Sub": "python${PythonVersion}"}
    assert props["Handler"] == "cognito_migrate.handler.lambda_handler"
    assert props["Environment"]["Variables"]["COGNITO_MIGRATE_CONFIG"] == {"Fn::Sub": "/var/task/${ConfigFile}"}


def test_timeout_is_below_cognitos_five_seconds(resources: dict[str, Any]) -> None:
    (fn,) = _of_type(resources, "AWS::Serverless::Function")
    assert 1 <= fn["Properties"]["Timeout"] < 5


def test_permission_is_pinned_to_the_pool_and_account(resources: dict[str, Any]) -> None:
    (perm,) = _of_type(resources, "AWS::Lambda::Permission")
    props = perm["Properties"]
    assert props["Principal"] == "cognito-idp.amazonaws.com"
    assert props["Action"] == "lambda:InvokeFunction"
    assert props["SourceAccount"] == {"Ref": "AWS::AccountId"}
    source_arn = props["SourceArn"]["Fn::If"]
    assert source_arn[0] == "CreatePool"
    assert source_arn[1] == {"Fn::GetAtt": ["UserPool", "Arn"]}
    arn, variables = source_arn[2]["Fn::Sub"]
    assert arn == "arn:${AWS::Partition}:cognito-idp:${PoolRegion}:${AWS::AccountId}:userpool/${UserPoolId}"
    assert variables == {"PoolRegion": {"Fn::Select": [0, {"Fn::Split": ["_", {"Ref": "UserPoolId"}]}]}}


def test_new_pool_is_wired_and_its_client_fires_the_trigger(resources: dict[str, Any]) -> None:
    (pool,) = _of_type(resources, "AWS::Cognito::UserPool")
    assert pool["Properties"]["LambdaConfig"]["UserMigration"] == {
        "Fn::If": ["UseSnapStart", {"Ref": "MigrateUserFunction.Alias"}, {"Fn::GetAtt": ["MigrateUserFunction", "Arn"]}]
    }
    assert pool["DeletionPolicy"] == "Retain"
    (client,) = _of_type(resources, "AWS::Cognito::UserPoolClient")
    props = client["Properties"]
    assert props["PreventUserExistenceErrors"] == "ENABLED"
    assert "ALLOW_USER_PASSWORD_AUTH" in props["ExplicitAuthFlows"]
    assert "ALLOW_REFRESH_TOKEN_AUTH" in props["ExplicitAuthFlows"]


def test_role_reads_only_the_given_secret(resources: dict[str, Any]) -> None:
    (role,) = _of_type(resources, "AWS::IAM::Role")
    assert "ManagedPolicyArns" not in role["Properties"], "managed policies are broader than needed"
    statements = _policy_statements(role)
    secret_statements = [
        s for s in statements if any(a.startswith("secretsmanager:") or a == "*" for a in _as_list(s["Action"]))
    ]
    assert secret_statements, "the role cannot read the legacy database secret"
    for statement in secret_statements:
        assert _as_list(statement["Action"]) == ["secretsmanager:GetSecretValue"]
        # the legacy database's secret, or the ledger's hash key the template generates
        assert statement["Resource"] in ({"Ref": "LegacyDbSecretArn"}, {"Ref": "LedgerHashKey"})
    for statement in statements:
        assert statement["Effect"] == "Allow"
        # Only ENI management (EC2 has no resource scoping for Describe*) may use a wildcard resource.
        if statement["Resource"] == "*":
            assert all(a.startswith("ec2:") for a in _as_list(statement["Action"]))


def test_vpc_access_only_with_a_vpc(resources: dict[str, Any]) -> None:
    (role,) = _of_type(resources, "AWS::IAM::Role")
    vpc_policies = [p for p in role["Properties"]["Policies"] if "Fn::If" in p and p["Fn::If"][0] == "HasVpc"]
    assert len(vpc_policies) == 1
    assert vpc_policies[0]["Fn::If"][2] == {"Ref": "AWS::NoValue"}


def test_alarms_cover_errors_legacy_unavailable_and_p99(resources: dict[str, Any]) -> None:
    alarms = {
        (a["Properties"]["Namespace"], a["Properties"]["MetricName"]): a["Properties"]
        for a in _of_type(resources, "AWS::CloudWatch::Alarm")
    }
    assert ("AWS/Lambda", "Errors") in alarms
    legacy = alarms[("CognitoMigrate", "LegacyUnavailable")]
    assert legacy["Dimensions"][0]["Name"] == "Service"
    duration = alarms[("AWS/Lambda", "Duration")]
    assert duration["ExtendedStatistic"] == "p99"
    assert duration["Threshold"] == 3000


def test_logs_have_retention(resources: dict[str, Any]) -> None:
    (group,) = _of_type(resources, "AWS::Logs::LogGroup")
    assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_environment_overrides_are_ones_the_configuration_accepts(resources: dict[str, Any]) -> None:
    """The configuration refuses unknown COGNITO_MIGRATE_* variables, so a typo here breaks every sign-in."""
    from cognito_migrate.config import CONFIG_ENV, env_override_names

    (fn,) = _of_type(resources, "AWS::Serverless::Function")
    names = [n for n in fn["Properties"]["Environment"]["Variables"] if n.startswith("COGNITO_MIGRATE_")]
    assert CONFIG_ENV in names
    assert set(names) - {CONFIG_ENV} <= set(env_override_names())


def test_alarm_watches_the_metric_the_trigger_emits(resources: dict[str, Any]) -> None:
    from cognito_migrate.observability import OUTCOME_METRICS
    from cognito_migrate.outcomes import Outcome

    (fn,) = _of_type(resources, "AWS::Serverless::Function")
    env = fn["Properties"]["Environment"]["Variables"]
    alarms = [a["Properties"] for a in _of_type(resources, "AWS::CloudWatch::Alarm")]
    (legacy,) = [a for a in alarms if a["MetricName"] == OUTCOME_METRICS[Outcome.LEGACY_UNAVAILABLE]]
    assert legacy["MetricName"] == OUTCOME_METRICS[Outcome.LEGACY_UNAVAILABLE]
    assert legacy["Namespace"] == env["COGNITO_MIGRATE_LOGGING_NAMESPACE"]
    assert legacy["Dimensions"] == [{"Name": "Service", "Value": {"Ref": "MetricsService"}}]
    assert env["COGNITO_MIGRATE_LOGGING_SERVICE"] == {"Ref": "MetricsService"}


@pytest.mark.parametrize("user_pool_id", ["", "eu-west-1_AbCdEf123"])
def test_the_sam_transform_accepts_the_template(
    template: dict[str, Any], user_pool_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """cfn-lint validates SAM resources against a schema; the real SAM translator is stricter about types."""
    translator = pytest.importorskip(
        "samtranslator.translator.transform",
        reason="aws-sam-translator is not installed (pip install aws-sam-translator)",
    )
    import copy

    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    tpl = copy.deepcopy(template)
    tpl["Resources"]["MigrateUserFunction"]["Properties"]["CodeUri"] = "s3://bucket/cognito-migrate-lambda.zip"
    tpl["Parameters"]["UserPoolId"]["Default"] = user_pool_id

    class NoManagedPolicies:
        def load(self) -> dict[str, str]:
            return {}

    out = translator.transform(tpl, {}, NoManagedPolicies())
    resources = out["Resources"]
    fn = resources["MigrateUserFunction"]
    assert fn["Type"] == "AWS::Lambda::Function"
    assert fn["Properties"]["Role"] == {"Fn::GetAtt": ["TriggerRole", "Arn"]}
    # SAM created no role of its own (that one would carry AWSLambdaBasicExecutionRole)
    assert [r for r, v in resources.items() if v["Type"] == "AWS::IAM::Role"] == ["TriggerRole"]
    assert out["Rules"] == template["Rules"]  # the parameter checks survive the transform


def test_snapstart_applies_to_the_live_alias_cognito_and_the_permission_call(
    template: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SnapStart works on published versions only: with it on, Cognito must call the alias, not $LATEST."""
    import copy

    from samtranslator.translator.transform import transform

    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    tpl = copy.deepcopy(template)
    tpl["Resources"]["MigrateUserFunction"]["Properties"]["CodeUri"] = "s3://bucket/cognito-migrate-lambda.zip"

    class NoManagedPolicies:
        def load(self) -> dict[str, str]:
            return {}

    resources = transform(tpl, {}, NoManagedPolicies())["Resources"]
    (alias_id,) = [r for r, v in resources.items() if v["Type"] == "AWS::Lambda::Alias"]
    assert resources[alias_id]["Properties"]["Name"] == "live"
    assert resources["MigrateUserFunction"]["Properties"]["SnapStart"] == {
        "Fn::If": ["UseSnapStart", {"ApplyOn": "PublishedVersions"}, {"Ref": "AWS::NoValue"}]
    }
    on_snapstart = {"Fn::If": ["UseSnapStart", {"Ref": alias_id}, {"Fn::GetAtt": ["MigrateUserFunction", "Arn"]}]}
    assert resources["UserPool"]["Properties"]["LambdaConfig"]["UserMigration"] == on_snapstart
    assert resources["CognitoInvokePermission"]["Properties"]["FunctionName"] == on_snapstart
    assert template["Rules"]["SnapStartNeedsPython312"]["Assertions"][0]["Assert"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "PythonVersion"}, "3.11"]}]
    }


def test_a_new_pool_and_the_trigger_agree_on_the_username_model(resources: dict[str, Any]) -> None:
    """The env overrides for a created pool parse, through the real loader, to the pool's own settings."""
    from cognito_migrate.config import settings_from_mapping

    (fn,) = _of_type(resources, "AWS::Serverless::Function")
    env = fn["Properties"]["Environment"]["Variables"]
    pool = _of_type(resources, "AWS::Cognito::UserPool")[0]["Properties"]
    assert pool["UsernameConfiguration"]["CaseSensitive"] is False
    assert env["COGNITO_MIGRATE_POOL_CASE_SENSITIVE"]["Fn::If"][:2] == ["CreatePool", "false"]
    alias = env["COGNITO_MIGRATE_POOL_ALIAS_ATTRIBUTES"]["Fn::If"][1]["Fn::If"]
    username = env["COGNITO_MIGRATE_POOL_USERNAME_ATTRIBUTES"]["Fn::If"][1]["Fn::If"]
    assert pool["AliasAttributes"]["Fn::If"][0] == alias[0] == "SignInByEmailAlias"
    assert pool["UsernameAttributes"]["Fn::If"][0] == username[0] == "SignInByEmailUsername"
    document = {"store": {"url": "sqlite:///x.db", "preset": "django"}, "pool": {"case_sensitive": True}}
    for alias_value, username_value, expected in (
        (alias[1], username[2], (("email",), ())),  # NewPoolSignIn = username-or-email
        (alias[2], username[1], ((), ("email",))),  # NewPoolSignIn = email
        (alias[2], username[2], ((), ())),  # NewPoolSignIn = username
    ):
        settings = settings_from_mapping(
            document,
            environ={
                "COGNITO_MIGRATE_POOL_CASE_SENSITIVE": "false",
                "COGNITO_MIGRATE_POOL_ALIAS_ATTRIBUTES": alias_value,
                "COGNITO_MIGRATE_POOL_USERNAME_ATTRIBUTES": username_value,
            },
        )
        assert (settings.pool.alias_attributes, settings.pool.username_attributes) == expected
        assert settings.pool.case_sensitive is False


def test_store_url_parameter_refuses_an_inline_password(template: dict[str, Any]) -> None:
    """A stack parameter is visible to anyone who may describe the stack, and ends in the environment."""
    import re

    pattern = re.compile(template["Parameters"]["StoreUrl"]["AllowedPattern"])
    for accepted in (
        "",
        "secretsmanager:arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
        "postgresql://migrator@db.internal:5432/identity",
        "mysql://db.internal/app",
    ):
        assert pattern.fullmatch(accepted), accepted
    for refused in ("postgresql://migrator:s3cret@db.internal:5432/identity", "mysql://u:p@h/db"):
        assert not pattern.fullmatch(refused), refused


def test_store_preset_parameter_offers_the_configurations_presets(template: dict[str, Any]) -> None:
    from cognito_migrate.config import SQL_PRESETS

    assert template["Parameters"]["StorePreset"]["AllowedValues"] == ["", *SQL_PRESETS]


def test_vpc_parameters_go_together(template: dict[str, Any]) -> None:
    rules = template["Rules"]
    subnets = rules["VpcSubnetsNeedSecurityGroups"]
    assert subnets["RuleCondition"] == {"Fn::Not": [{"Fn::EachMemberEquals": [{"Ref": "SubnetIds"}, ""]}]}
    assert subnets["Assertions"][0]["Assert"] == {
        "Fn::Not": [{"Fn::EachMemberEquals": [{"Ref": "SecurityGroupIds"}, ""]}]
    }
    groups = rules["VpcSecurityGroupsNeedSubnets"]
    assert groups["RuleCondition"] == subnets["Assertions"][0]["Assert"]
    assert groups["Assertions"][0]["Assert"] == subnets["RuleCondition"]


def test_a_concurrency_cap_comes_with_a_throttles_alarm(resources: dict[str, Any]) -> None:
    throttles = [
        a for a in _of_type(resources, "AWS::CloudWatch::Alarm") if a["Properties"]["MetricName"] == "Throttles"
    ]
    assert len(throttles) == 1 and throttles[0]["Condition"] == "HasReservedConcurrency"


def test_the_new_pool_is_protected_from_deletion(resources: dict[str, Any]) -> None:
    (pool,) = _of_type(resources, "AWS::Cognito::UserPool")
    assert pool["Properties"]["DeletionProtection"] == "ACTIVE"
    assert pool["UpdateReplacePolicy"] == "Retain"


def test_the_template_offers_the_python_versions_the_package_builds(template: dict[str, Any]) -> None:
    from cognito_migrate.cli.package import PythonVersion
    from cognito_migrate.deploy.packaging import MANYLINUX

    offered = template["Parameters"]["PythonVersion"]["AllowedValues"]
    assert offered == list(MANYLINUX) == [v.value for v in PythonVersion]
    assert template["Parameters"]["PythonVersion"]["Default"] in offered


@pytest.mark.parametrize(
    ("parameter", "accepted", "refused"),
    [
        (
            "LegacyDbSecretArn",
            ["", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:legacy/db-AbCdEf"],
            [
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:legacy-db",  # partial: IAM never matches it
                "legacy-db",
            ],
        ),
        (
            "LegacyDbSecretKmsKeyArn",
            ["", "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"],
            ["arn:aws:kms:eu-west-1:123456789012:alias/legacy-db", "alias/legacy-db"],
        ),
        (
            "AlarmTopicArn",
            ["", "arn:aws:sns:eu-west-1:123456789012:oncall"],
            ["oncall", "https://example.com/hook"],
        ),
    ],
)
def test_arn_parameters_refuse_what_a_policy_could_not_match(
    template: dict[str, Any], parameter: str, accepted: list[str], refused: list[str]
) -> None:
    import re

    pattern = re.compile(template["Parameters"][parameter]["AllowedPattern"])
    for value in accepted:
        assert pattern.fullmatch(value), value
    for value in refused:
        assert not pattern.fullmatch(value), value

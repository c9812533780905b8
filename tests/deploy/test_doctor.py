"""``doctor`` against moto: a correctly wired pool passes; each wiring mistake is reported with its fix.

moto 5 creates and describes Lambda functions from a zip without docker, and stores resource policies
(``add_permission`` / ``get_policy``), so every check runs against real boto3 responses. Known moto gap:
when a pool is created with a custom ``Schema``, moto's ``SchemaAttributes`` lists only the custom
attributes, while real Cognito lists the standard ones too; the doctor treats standard attributes as
always present, which is true of every real pool.
"""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from typer.testing import CliRunner

boto3 = pytest.importorskip("boto3")
moto = pytest.importorskip("moto")

from cognito_migrate.cli.app import app  # noqa: E402
from cognito_migrate.deploy.doctor import (  # noqa: E402
    PoolExpectations,
    Report,
    Status,
    check_invoke_permission,
    password_policy_toml,
    run_checks,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

REGION = "eu-west-1"
ACCOUNT = "123456789012"
WIDE = {"COLUMNS": "400"}  # rich wraps the checklist table to the terminal: keep each finding on one line
EXPECTED = PoolExpectations(
    case_sensitive=False,
    username_attributes=(),
    alias_attributes=(),
    attributes=("email", "email_verified", "custom:tenant"),
    password_policy={"minimum_length": 8},
)


@dataclass
class Aws:
    cognito: Any
    lam: Any
    pool_id: str
    pool_arn: str
    client_id: str
    function_arn: str

    def run(self, expected: PoolExpectations = EXPECTED, client_id: str | None = None) -> Report:
        return run_checks(
            cognito=self.cognito,
            lambda_for_region=lambda region: boto3.client("lambda", region_name=region),
            user_pool_id=self.pool_id,
            client_id=client_id,
            expected=expected,
        )


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("cognito_migrate/handler.py", "def lambda_handler(event, context):\n    return event\n")
    return buf.getvalue()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Aws]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with moto.mock_aws():
        iam = boto3.client("iam", region_name=REGION)
        role = iam.create_role(RoleName="trigger", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        lam = boto3.client("lambda", region_name=REGION)
        fn = lam.create_function(
            FunctionName="migrate-user",
            Runtime="python3.13",
            Role=role,
            Handler="cognito_migrate.handler.lambda_handler",
            Code={"ZipFile": _zip()},
            Timeout=4,
            MemorySize=1769,
            Environment={"Variables": {"COGNITO_MIGRATE_CONFIG": "/var/task/cognito-migrate.json"}},
        )["FunctionArn"]
        cognito = boto3.client("cognito-idp", region_name=REGION)
        pool = cognito.create_user_pool(
            PoolName="users",
            LambdaConfig={"UserMigration": fn},
            UsernameConfiguration={"CaseSensitive": False},
            Schema=[{"Name": "tenant", "AttributeDataType": "String", "Mutable": True}],
            Policies={"PasswordPolicy": {"MinimumLength": 8}},
        )["UserPool"]
        lam.add_permission(
            FunctionName="migrate-user",
            StatementId="cognito",
            Action="lambda:InvokeFunction",
            Principal="cognito-idp.amazonaws.com",
            SourceArn=pool["Arn"],
            SourceAccount=ACCOUNT,
        )
        client = cognito.create_user_pool_client(
            UserPoolId=pool["Id"],
            ClientName="app",
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            PreventUserExistenceErrors="ENABLED",
        )["UserPoolClient"]
        yield Aws(cognito, lam, pool["Id"], pool["Arn"], client["ClientId"], fn)


def _only(report: Report, check: str, status: Status) -> Any:
    found = [r for r in report.results if r.check == check and r.status is status]
    assert found, f"no {status.value} result for {check!r}: {report.results}"
    return found[0]


def _new_client(aws: Aws, **kwargs: Any) -> str:
    client_id: str = aws.cognito.create_user_pool_client(UserPoolId=aws.pool_id, ClientName="other", **kwargs)[
        "UserPoolClient"
    ]["ClientId"]
    return client_id


def test_a_correctly_wired_pool_passes(aws: Aws) -> None:
    report = aws.run()
    assert report.ok, [r for r in report.results if r.failed]
    statuses = {r.check: r.status for r in report.results}
    for check in (
        "trigger wired",
        "function exists",
        "Cognito may invoke",
        "password sign-in allowed",
        "PreventUserExistenceErrors",
        "case sensitivity",
        "username attributes",
        "alias attributes",
        "attributes in schema",
        "password policy",
    ):
        assert statuses[check] is Status.PASS, (check, report.results)
    assert not [r for r in report.results if r.status is Status.WARN]


def test_no_trigger(aws: Aws) -> None:
    aws.cognito.update_user_pool(UserPoolId=aws.pool_id, LambdaConfig={})
    report = aws.run()
    assert not report.ok
    result = _only(report, "trigger wired", Status.FAIL)
    assert "update-user-pool" in result.fix and aws.pool_id in result.fix
    assert "docs/deploy.md" in result.fix


def test_trigger_points_at_a_missing_function(aws: Aws) -> None:
    missing = aws.function_arn.replace("migrate-user", "gone")
    aws.cognito.update_user_pool(UserPoolId=aws.pool_id, LambdaConfig={"UserMigration": missing})
    result = _only(aws.run(), "function exists", Status.FAIL)
    assert "gone" in result.detail


def test_function_settings_that_break_every_invocation(aws: Aws) -> None:
    aws.lam.update_function_configuration(
        FunctionName="migrate-user", Runtime="python3.9", MemorySize=512, Timeout=10, Environment={"Variables": {}}
    )
    report = aws.run()
    assert not report.ok
    assert "3.11" in _only(report, "function runtime", Status.FAIL).detail
    assert "COGNITO_MIGRATE_CONFIG" in _only(report, "function configuration", Status.FAIL).fix
    assert "1769" in _only(report, "function memory", Status.WARN).fix
    assert "4 s" in _only(report, "function timeout", Status.WARN).fix


def test_no_invoke_permission(aws: Aws) -> None:
    aws.lam.remove_permission(FunctionName="migrate-user", StatementId="cognito")
    report = aws.run()
    assert not report.ok
    result = _only(report, "Cognito may invoke", Status.FAIL)
    assert "aws lambda add-permission" in result.fix
    assert f"--source-arn {aws.pool_arn}" in result.fix
    assert f"--source-account {ACCOUNT}" in result.fix


def test_permission_for_another_pool_does_not_count(aws: Aws) -> None:
    aws.lam.remove_permission(FunctionName="migrate-user", StatementId="cognito")
    other = aws.pool_arn.rsplit("/", 1)[0] + "/eu-west-1_other"
    aws.lam.add_permission(
        FunctionName="migrate-user",
        StatementId="other",
        Action="lambda:InvokeFunction",
        Principal="cognito-idp.amazonaws.com",
        SourceArn=other,
    )
    result = _only(aws.run(), "Cognito may invoke", Status.FAIL)
    assert other in result.detail


def test_unpinned_permission_is_a_warning(aws: Aws) -> None:
    aws.lam.remove_permission(FunctionName="migrate-user", StatementId="cognito")
    aws.lam.add_permission(
        FunctionName="migrate-user",
        StatementId="any",
        Action="lambda:InvokeFunction",
        Principal="cognito-idp.amazonaws.com",
    )
    report = aws.run()
    assert report.ok
    assert "SourceArn" in _only(report, "Cognito may invoke", Status.WARN).fix


def test_client_without_user_password_auth(aws: Aws) -> None:
    srp_only = _new_client(
        aws,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        PreventUserExistenceErrors="ENABLED",
    )
    report = aws.run()
    assert not report.ok
    result = _only(report, "password sign-in allowed", Status.FAIL)
    assert result.subject == srp_only
    assert "ALLOW_USER_PASSWORD_AUTH" in result.fix and srp_only in result.fix
    # the correctly configured client is still reported as fine
    passing = [r for r in report.results if r.check == "password sign-in allowed" and r.status is Status.PASS]
    assert [r.subject for r in passing] == [aws.client_id]


def test_client_option_checks_only_that_client(aws: Aws) -> None:
    _new_client(aws, ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"])
    assert aws.run(client_id=aws.client_id).ok


def test_client_with_no_flows_gets_cognitos_srp_default(aws: Aws) -> None:
    _new_client(aws, PreventUserExistenceErrors="ENABLED")
    assert "ALLOW_USER_SRP_AUTH" in _only(aws.run(), "password sign-in allowed", Status.FAIL).detail


def test_admin_flow_only_passes(aws: Aws) -> None:
    _new_client(aws, ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"], PreventUserExistenceErrors="ENABLED")
    assert aws.run().ok


def test_prevent_user_existence_errors_legacy(aws: Aws) -> None:
    legacy = _new_client(aws, ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"], PreventUserExistenceErrors="LEGACY")
    report = aws.run()
    assert not report.ok
    result = _only(report, "PreventUserExistenceErrors", Status.FAIL)
    assert result.subject == legacy
    assert "--prevent-user-existence-errors ENABLED" in result.fix
    # with on_reject = "raise" the trigger does not rely on it: a warning
    raised = aws.run(dataclasses.replace(EXPECTED, on_reject="raise"))
    assert _only(raised, "PreventUserExistenceErrors", Status.WARN).subject == legacy


def test_case_sensitive_pool_but_configuration_says_insensitive(aws: Aws) -> None:
    aws.cognito.delete_user_pool(UserPoolId=aws.pool_id)
    pool = aws.cognito.create_user_pool(
        PoolName="sensitive",
        LambdaConfig={"UserMigration": aws.function_arn},
        Schema=[{"Name": "tenant", "AttributeDataType": "String", "Mutable": True}],
    )["UserPool"]
    aws.pool_id = pool["Id"]
    report = aws.run()
    assert not report.ok
    result = _only(report, "case sensitivity", Status.FAIL)
    assert "case-sensitive" in result.detail
    assert "case_sensitive = true" in result.fix


def test_alias_attributes_disagree(aws: Aws) -> None:
    expected = dataclasses.replace(EXPECTED, alias_attributes=("email",))
    result = _only(aws.run(expected), "alias attributes", Status.FAIL)
    assert "alias_attributes = []" in result.fix


def test_attribute_missing_from_the_schema(aws: Aws) -> None:
    expected = dataclasses.replace(EXPECTED, attributes=("email", "custom:plan", "department"))
    report = aws.run(expected)
    assert not report.ok
    failed = {r.subject: r for r in report.results if r.check == "attributes in schema" and r.failed}
    assert set(failed) == {"custom:plan", "department"}
    assert "add-custom-attributes" in failed["custom:plan"].fix
    assert "custom:department" in failed["department"].fix


def test_attribute_not_writable_by_the_client(aws: Aws) -> None:
    limited = _new_client(
        aws,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
        PreventUserExistenceErrors="ENABLED",
        WriteAttributes=["email"],
    )
    result = _only(aws.run(), "attributes writable", Status.FAIL)
    assert result.subject == limited
    assert "custom:tenant" in result.detail and "email_verified" in result.detail


def test_password_policy_is_reported_as_toml(aws: Aws) -> None:
    pool = aws.cognito.describe_user_pool(UserPoolId=aws.pool_id)["UserPool"]
    block = password_policy_toml(pool)
    assert block.splitlines()[0] == "[pool.password_policy]"
    assert "minimum_length = 8" in block
    unknown = aws.run(PoolExpectations())
    assert _only(unknown, "password policy", Status.INFO).fix == block
    differs = aws.run(dataclasses.replace(EXPECTED, password_policy={"minimum_length": 12}))
    assert "minimum_length" in _only(differs, "password policy", Status.WARN).detail


def test_invoke_permission_with_an_alias_qualifier() -> None:
    pool_arn = f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{REGION}_abc"
    result = check_invoke_permission(
        None, pool_arn=pool_arn, account=ACCOUNT, function_arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:f:live"
    )
    assert result.status is Status.FAIL
    assert "--qualifier live" in result.fix
    assert f"--function-name arn:aws:lambda:{REGION}:{ACCOUNT}:function:f " in result.fix


def test_invoke_permission_in_another_account_does_not_count() -> None:
    pool_arn = f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{REGION}_abc"
    policy: dict[str, Any] = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "cognito-idp.amazonaws.com"},
                "Action": "lambda:InvokeFunction",
                "Condition": {
                    "ArnLike": {"AWS:SourceArn": f"arn:aws:cognito-idp:{REGION}:*:userpool/*"},
                    "StringEquals": {"AWS:SourceAccount": "999999999999"},
                },
            }
        ]
    }
    fn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:f"
    assert check_invoke_permission(policy, pool_arn=pool_arn, account=ACCOUNT, function_arn=fn).failed
    policy["Statement"][0]["Condition"]["StringEquals"]["AWS:SourceAccount"] = ACCOUNT
    assert not check_invoke_permission(policy, pool_arn=pool_arn, account=ACCOUNT, function_arn=fn).failed


# ------------------------------------------------------------------------------------------ command line


def _config(tmp_path: Path, pool_section: str) -> Path:
    config = tmp_path / "cognito-migrate.toml"
    config.write_text(
        '[store]\nurl = "sqlite:///legacy.db"\npreset = "aspnet_identity"\n\n'
        f'[pool]\n{pool_section}\n\n[mapping]\nattributes = {{ "custom:tenant" = "TenantId" }}\n'
    )
    return config


def test_cli_passes_on_a_wired_pool_with_a_matching_configuration(aws: Aws, tmp_path: Path) -> None:
    config = _config(tmp_path, "case_sensitive = false")
    result = CliRunner().invoke(app, ["doctor", "--user-pool-id", aws.pool_id, "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "No check failed" in result.output
    assert "[pool.password_policy]" in result.output and "minimum_length = 8" in result.output


def test_cli_takes_the_pool_from_the_configuration(aws: Aws, tmp_path: Path) -> None:
    config = _config(tmp_path, f'case_sensitive = false\nuser_pool_id = "{aws.pool_id}"')
    result = CliRunner().invoke(app, ["doctor", "--config", str(config), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["user_pool_id"] == aws.pool_id


def test_cli_without_a_pool_says_where_to_give_it(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["doctor", "--config", str(_config(tmp_path, "case_sensitive = false"))])
    assert result.exit_code == 2
    assert "--user-pool-id" in result.output and "[pool] user_pool_id" in result.output


def test_cli_fails_with_the_fix_when_the_configuration_disagrees(aws: Aws, tmp_path: Path) -> None:
    config = _config(tmp_path, 'case_sensitive = true\nalias_attributes = ["email"]')
    aws.lam.remove_permission(FunctionName="migrate-user", StatementId="cognito")
    result = CliRunner().invoke(app, ["doctor", "--user-pool-id", aws.pool_id, "--config", str(config)])
    assert result.exit_code == 1, result.output
    assert "case_sensitive = false" in result.output  # the fix for the configuration
    assert "aws lambda add-permission" in result.output
    assert "check(s) failed" in result.output


def test_cli_json_is_one_document_with_every_check(aws: Aws, tmp_path: Path) -> None:
    import json

    config = _config(tmp_path, 'case_sensitive = true\nalias_attributes = ["email"]')
    result = CliRunner().invoke(app, ["doctor", "--user-pool-id", aws.pool_id, "--config", str(config), "--json"])
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    assert document["user_pool_id"] == aws.pool_id and document["ok"] is False
    failed = {r["check"]: r for r in document["results"] if r["status"] == "fail"}
    assert "case_sensitive = false" in failed["case sensitivity"]["fix"]


def test_cli_reports_a_missing_pool_without_a_traceback(aws: Aws) -> None:
    result = CliRunner().invoke(app, ["doctor", "--user-pool-id", "eu-west-1_nope"])
    assert result.exit_code == 2
    assert "cannot read the pool" in result.output


# ------------------------------------------------------------------------------ partial permissions


class Denying:
    """A boto3 client whose named operations fail as they do for an identity without the permission."""

    def __init__(self, client: Any, *denied: str) -> None:
        self._client = client
        self._denied = set(denied)

    def __getattr__(self, name: str) -> Any:
        if name in self._denied:
            from botocore.exceptions import ClientError

            def deny(**_: Any) -> Any:
                error = {"Error": {"Code": "AccessDeniedException", "Message": "not authorized"}}
                raise ClientError(error, name)  # type: ignore[arg-type]

            return deny
        return getattr(self._client, name)


@pytest.mark.parametrize(
    ("cognito_denied", "lambda_denied", "check", "action"),
    [
        ("list_user_pool_clients", None, "app clients", "cognito-idp:ListUserPoolClients"),
        ("describe_user_pool_client", None, "app clients", "cognito-idp:DescribeUserPoolClient"),
        (None, "get_function_configuration", "function exists", "lambda:GetFunctionConfiguration"),
        (None, "get_policy", "Cognito may invoke", "lambda:GetPolicy"),
    ],
)
def test_a_denied_read_is_a_failed_check_with_the_permission_to_grant(
    aws: Aws, cognito_denied: str | None, lambda_denied: str | None, check: str, action: str
) -> None:
    cognito = Denying(aws.cognito, *([cognito_denied] if cognito_denied else []))
    report = run_checks(
        cognito=cognito,
        lambda_for_region=lambda region: Denying(
            boto3.client("lambda", region_name=region), *([lambda_denied] if lambda_denied else [])
        ),
        user_pool_id=aws.pool_id,
        expected=EXPECTED,
    )
    assert not report.ok
    result = _only(report, check, Status.FAIL)
    assert "AccessDeniedException" in result.detail
    assert action in result.fix
    # the checks that could run still ran
    assert _only(report, "trigger wired", Status.PASS)
    assert _only(report, "password policy", Status.PASS)


def test_cli_reports_a_denied_read_without_a_traceback(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    real_client = boto3.session.Session.client

    def client(self: Any, service: str, *args: Any, **kwargs: Any) -> Any:
        made = real_client(self, service, *args, **kwargs)
        return Denying(made, "get_policy") if service == "lambda" else made

    monkeypatch.setattr(boto3.session.Session, "client", client)
    result = CliRunner().invoke(app, ["doctor", "--user-pool-id", aws.pool_id], env=WIDE)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1, result.output
    assert "lambda:GetPolicy" in result.output and "AccessDeniedException" in result.output


# ---------------------------------------------------------------- the function's own configuration


def test_config_is_compared_with_the_functions_overrides_applied(aws: Aws, tmp_path: Path) -> None:
    """The SAM template pins [pool] for a pool it creates through the function's environment; the file then
    says nothing (case_sensitive defaults to true) and must not be reported as disagreeing."""
    config = _config(tmp_path, "")
    plain = CliRunner().invoke(app, ["doctor", "--user-pool-id", aws.pool_id, "--config", str(config)])
    assert plain.exit_code == 1 and "case_sensitive = false" in plain.output  # the file alone disagrees
    aws.lam.update_function_configuration(
        FunctionName="migrate-user",
        Environment={
            "Variables": {
                "COGNITO_MIGRATE_CONFIG": "/var/task/cognito-migrate.json",
                "COGNITO_MIGRATE_POOL_CASE_SENSITIVE": "false",
            }
        },
    )
    result = CliRunner().invoke(app, ["doctor", "--user-pool-id", aws.pool_id, "--config", str(config)], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "COGNITO_MIGRATE_POOL_CASE_SENSITIVE" in result.output


def test_an_invalid_override_in_the_function_fails(aws: Aws, tmp_path: Path) -> None:
    aws.lam.update_function_configuration(
        FunctionName="migrate-user",
        Environment={
            "Variables": {
                "COGNITO_MIGRATE_CONFIG": "/var/task/cognito-migrate.json",
                "COGNITO_MIGRATE_POOL_CASE_SENSITIV": "false",
            }
        },
    )
    config = _config(tmp_path, "case_sensitive = false")
    result = CliRunner().invoke(app, ["doctor", "--user-pool-id", aws.pool_id, "--config", str(config)], env=WIDE)
    assert result.exit_code == 1, result.output
    assert "COGNITO_MIGRATE_POOL_CASE_SENSITIV" in result.output and "function configuration" in result.output


# ------------------------------------------------------------------------------------ other shapes


def test_a_managed_login_client_fires_the_trigger(aws: Aws) -> None:
    hosted = _new_client(
        aws,
        ExplicitAuthFlows=["ALLOW_REFRESH_TOKEN_AUTH"],
        PreventUserExistenceErrors="ENABLED",
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid"],
        CallbackURLs=["https://app.example.com/callback"],
        SupportedIdentityProviders=["COGNITO"],
    )
    report = aws.run()
    assert report.ok, [r for r in report.results if r.failed]
    passed = [r for r in report.results if r.check == "password sign-in allowed" and r.subject == hosted]
    assert passed[0].status is Status.PASS and "managed login" in passed[0].detail


def test_a_permission_open_to_everyone_is_an_unpinned_warning() -> None:
    pool_arn = f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{REGION}_abc"
    policy = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction"}]}
    fn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:f"
    result = check_invoke_permission(policy, pool_arn=pool_arn, account=ACCOUNT, function_arn=fn)
    assert result.status is Status.WARN


@pytest.mark.parametrize(
    ("operator", "pattern", "allowed"),
    [
        ("ArnLike", "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/*", True),
        ("StringLike", "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_ab?", True),
        ("ArnEquals", "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc", True),
        # under an Equals operator "*" is a character, not a wildcard: Cognito's real ARN never matches it
        ("ArnEquals", "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/*", False),
        ("StringEquals", "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/*", False),
    ],
)
def test_source_arn_is_matched_by_the_operators_rule(operator: str, pattern: str, allowed: bool) -> None:
    pool_arn = f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{REGION}_abc"
    policy = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "cognito-idp.amazonaws.com"},
                "Action": "lambda:InvokeFunction",
                "Condition": {operator: {"AWS:SourceArn": pattern}},
            }
        ]
    }
    fn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:f"
    result = check_invoke_permission(policy, pool_arn=pool_arn, account=ACCOUNT, function_arn=fn)
    assert (result.status is Status.PASS) is allowed, result


def test_doctor_does_not_need_to_download_the_code(aws: Aws) -> None:
    """lambda:GetFunction also returns a URL to the code (and the configuration inside it): not needed."""
    report = run_checks(
        cognito=aws.cognito,
        lambda_for_region=lambda region: Denying(boto3.client("lambda", region_name=region), "get_function"),
        user_pool_id=aws.pool_id,
        expected=EXPECTED,
    )
    assert report.ok, [r for r in report.results if r.failed]


def test_recovery_the_pool_does_not_have_fails(aws: Aws) -> None:
    """A pool recovering by e-mail only, a configuration counting the phone: phone-only users would be
    created RESET_REQUIRED and never get a code."""
    aws.cognito.update_user_pool(
        UserPoolId=aws.pool_id,
        LambdaConfig={"UserMigration": aws.function_arn},
        AccountRecoverySetting={"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]},
    )
    expected = dataclasses.replace(EXPECTED, recovery=("verified_email", "verified_phone_number"))
    report = aws.run(expected)
    assert not report.ok
    result = _only(report, "account recovery", Status.FAIL)
    assert "verified_phone_number" in result.detail
    assert result.fix == '[pool] recovery = ["verified_email"]'
    matching = dataclasses.replace(EXPECTED, recovery=("verified_email",))
    _only(aws.run(matching), "account recovery", Status.PASS)


def test_a_pool_without_recovery_setting_recovers_the_legacy_way(aws: Aws) -> None:
    expected = dataclasses.replace(EXPECTED, recovery=("verified_email",))
    result = _only(aws.run(expected), "account recovery", Status.WARN)
    assert "verified_phone_number" in result.detail


def test_a_mapped_group_missing_from_the_pool_fails_naming_it(aws: Aws) -> None:
    expected = dataclasses.replace(EXPECTED, groups=("Admins", "Staff"))
    aws.cognito.create_group(UserPoolId=aws.pool_id, GroupName="Admins")
    report = aws.run(expected)
    missing = _only(report, "mapped groups", Status.FAIL)
    assert "Staff" in missing.detail and "Admins" not in missing.detail
    assert "create-group" in missing.fix and "--group-name Staff" in missing.fix
    assert _only(report, "groups are assigned", Status.FAIL)  # no post-authentication trigger either

    aws.cognito.create_group(UserPoolId=aws.pool_id, GroupName="Staff")
    aws.cognito.update_user_pool(
        UserPoolId=aws.pool_id,
        LambdaConfig={"UserMigration": aws.function_arn, "PostAuthentication": aws.function_arn},
    )
    report = aws.run(expected)
    assert _only(report, "mapped groups", Status.PASS)
    assert not [r for r in report.results if r.check == "groups are assigned"]

"""One doctor run: read the pool, its app clients and the wired function through boto3, run every check.

This is the only part that talks to AWS, and it only reads. Every read except ``describe_user_pool`` that
fails (AccessDenied, throttling...) becomes a failed check naming the missing permission, not an exception,
so that one denied read does not hide the other findings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cognito_migrate.cognito_rules import pool_region
from cognito_migrate.deploy.doctor.clients import check_client_auth_flows, check_client_prevents_user_existence_errors
from cognito_migrate.deploy.doctor.expectations import ExpectationsFor, PoolExpectations, resolve_expectations
from cognito_migrate.deploy.doctor.function import check_function_exists, check_trigger_wired, split_qualifier
from cognito_migrate.deploy.doctor.permission import check_invoke_permission
from cognito_migrate.deploy.doctor.pool import (
    check_attributes,
    check_groups,
    check_password_policy,
    check_recovery,
    check_username_model,
)
from cognito_migrate.deploy.doctor.results import CheckResult, Report, Status


def _error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, Mapping):
        return str((response.get("Error") or {}).get("Code", ""))
    return ""


def _unreadable(check: str, action: str, resource: str, exc: Exception, subject: str = "") -> CheckResult:
    """A check that could not run because a read failed (AccessDenied, throttling...): not a pass."""
    code = _error_code(exc) or type(exc).__name__
    return CheckResult(
        check,
        Status.FAIL,
        f"could not check: {action} on {resource} failed with {code}",
        fix=f"allow {action} on {resource} to the identity running doctor (it only reads), then run it again",
        subject=subject,
    )


def _every(call: Any, key: str, **kwargs: Any) -> list[dict[str, Any]]:
    """Every item under ``key`` of a paginated Cognito listing (``NextToken``)."""
    items: list[dict[str, Any]] = []
    while True:
        page = call(**kwargs)
        items.extend(page.get(key, []))
        kwargs["NextToken"] = page.get("NextToken")
        if not kwargs["NextToken"]:
            return items


def _list_clients(cognito: Any, user_pool_id: str, pool_arn: str) -> tuple[list[dict[str, Any]], list[CheckResult]]:
    """Every app client of the pool, described; a read that fails becomes a result instead of an exception."""
    try:
        listed = _every(cognito.list_user_pool_clients, "UserPoolClients", UserPoolId=user_pool_id, MaxResults=60)
        ids = [c["ClientId"] for c in listed]
    except Exception as exc:  # noqa: BLE001 - botocore's ClientError and friends: reported, not raised
        return [], [_unreadable("app clients", "cognito-idp:ListUserPoolClients", pool_arn, exc)]
    clients, problems = _describe_clients(cognito, user_pool_id, pool_arn, ids)
    if not clients and not problems:
        problems.append(CheckResult("app clients", Status.WARN, "the pool has no app client: nobody can sign in yet"))
    return clients, problems


def _describe_clients(
    cognito: Any, user_pool_id: str, pool_arn: str, ids: Sequence[str]
) -> tuple[list[dict[str, Any]], list[CheckResult]]:
    clients: list[dict[str, Any]] = []
    problems: list[CheckResult] = []
    for client_id in ids:
        try:
            clients.append(
                cognito.describe_user_pool_client(UserPoolId=user_pool_id, ClientId=client_id)["UserPoolClient"]
            )
        except Exception as exc:  # noqa: BLE001
            problems.append(
                _unreadable("app clients", "cognito-idp:DescribeUserPoolClient", pool_arn, exc, subject=client_id)
            )
    return clients, problems


def _function_checks(
    lambda_client: Any, pool: Mapping[str, Any], arn: str
) -> tuple[list[CheckResult], Mapping[str, str] | None]:
    """Existence and invoke permission of the wired function (needs lambda:GetFunctionConfiguration and
    lambda:GetPolicy; not lambda:GetFunction, which would also let the identity download the code).

    Also returns the function's environment variables, or None when the function could not be read.
    """
    base, qualifier = split_qualifier(arn)
    qualified: dict[str, Any] = {"FunctionName": base, **({"Qualifier": qualifier} if qualifier else {})}
    try:
        function: dict[str, Any] | None = lambda_client.get_function_configuration(**qualified)
    except Exception as exc:  # noqa: BLE001 - botocore's ClientError; any other failure is reported too
        if _error_code(exc) != "ResourceNotFoundException":
            return [_unreadable("function exists", "lambda:GetFunctionConfiguration", arn, exc)], None
        function = None
    results = check_function_exists(function, arn)
    if function is None:
        return results, None
    conf = function.get("Configuration", function)
    environment = dict((conf.get("Environment") or {}).get("Variables") or {})
    pool_arn = str(pool.get("Arn", ""))
    account = pool_arn.split(":")[4] if pool_arn.count(":") >= 5 else ""
    try:
        policy: Any = lambda_client.get_policy(**qualified)["Policy"]
    except Exception as exc:  # noqa: BLE001
        if _error_code(exc) != "ResourceNotFoundException":
            results.append(_unreadable("Cognito may invoke", "lambda:GetPolicy", arn, exc))
            return results, environment
        policy = None
    results.append(check_invoke_permission(policy, pool_arn=pool_arn, account=account, function_arn=arn))
    return results, environment


def _group_checks(cognito: Any, pool: Mapping[str, Any], pool_arn: str, expected: tuple[str, ...]) -> list[CheckResult]:
    try:
        existing = {g["GroupName"] for g in _every(cognito.list_groups, "Groups", UserPoolId=pool["Id"], Limit=60)}
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return [_unreadable("mapped groups", "cognito-idp:ListGroups", pool_arn, exc)]
    return check_groups(pool, existing, expected)


def run_checks(
    *,
    cognito: Any,
    lambda_for_region: Any,
    user_pool_id: str,
    client_id: str | None = None,
    expected: PoolExpectations | None = None,
    expectations_for: ExpectationsFor | None = None,
) -> Report:
    """Read the pool, its clients and the wired function, and run every check.

    ``cognito`` is a boto3 ``cognito-idp`` client; ``lambda_for_region(region)`` returns a boto3 ``lambda``
    client for the function's region (the trigger must live in the pool's region, but the ARN says).
    ``expectations_for``, when given, replaces ``expected``: it is called with the wired function's
    environment, so that the configuration is compared as the function really runs it (file plus overrides).
    Only ``describe_user_pool`` may raise; every other read that fails is reported as a failed check.
    """
    pool = cognito.describe_user_pool(UserPoolId=user_pool_id)["UserPool"]
    pool_arn = str(pool.get("Arn") or f"userpool/{user_pool_id}")
    region = str(pool.get("Arn", "::::")).split(":")[3] or pool_region(user_pool_id)
    results: list[CheckResult] = [check_trigger_wired(pool, region=region)]
    arn = (pool.get("LambdaConfig") or {}).get("UserMigration")
    environment: Mapping[str, str] | None = None
    if arn:
        function_results, environment = _function_checks(lambda_for_region(arn.split(":")[3]), pool, arn)
        results.extend(function_results)
    expected, notes = resolve_expectations(expected, expectations_for, environment)
    results.extend(notes)

    if client_id:
        clients, problems = _describe_clients(cognito, user_pool_id, pool_arn, [client_id])
    else:
        clients, problems = _list_clients(cognito, user_pool_id, pool_arn)
    results.extend(problems)
    for client in clients:
        results.append(check_client_auth_flows(client))
        results.append(check_client_prevents_user_existence_errors(client, on_reject=expected.on_reject))

    results.extend(check_username_model(pool, expected))
    results.extend(check_attributes(pool, clients, expected.attributes))
    results.append(check_password_policy(pool, expected.password_policy))
    results.append(check_recovery(pool, expected.recovery))
    if expected.groups:
        results.extend(_group_checks(cognito, pool, pool_arn, expected.groups))
    return Report(user_pool_id=user_pool_id, results=tuple(results))

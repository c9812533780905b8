"""Check that the function's resource policy lets Cognito invoke it for this pool, and only for it.

Without an Allow for ``cognito-idp.amazonaws.com`` sign-in fails with 'Exception migrating user in app
client'; a statement without ``aws:SourceArn`` works but lets any pool that names the function use it
(confused deputy). The check reads the policy document ``lambda get_policy`` returns and evaluates
principals, actions and the ``SourceArn`` / ``SourceAccount`` conditions by their operators.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Mapping
from typing import Any

from cognito_migrate.deploy.doctor.function import split_qualifier
from cognito_migrate.deploy.doctor.results import CheckResult, Status

COGNITO_PRINCIPAL = "cognito-idp.amazonaws.com"


def _principal_is_cognito(principal: Any) -> bool:
    """Cognito is named, or everyone is (``"*"``, which lets Cognito in too)."""
    if isinstance(principal, str):
        return principal in {COGNITO_PRINCIPAL, "*"}
    if isinstance(principal, Mapping):
        if principal.get("AWS") == "*":
            return True
        services = principal.get("Service", [])
        services = [services] if isinstance(services, str) else services
        return COGNITO_PRINCIPAL in services
    return False


def _allows_invoke(actions: Any) -> bool:
    actions = [actions] if isinstance(actions, str) else actions or []
    return any(a in {"lambda:InvokeFunction", "lambda:*", "*"} for a in actions)


def _condition_values(condition: Mapping[str, Any], key: str) -> list[str]:
    """Values of a condition key under any operator (ArnLike, ArnEquals, StringEquals...), any case."""
    values: list[str] = []
    for clauses in condition.values():
        if not isinstance(clauses, Mapping):
            continue
        for k, v in clauses.items():
            if k.lower() == key.lower():
                values.extend([v] if isinstance(v, str) else v)
    return values


def _source_arn_matches(condition: Mapping[str, Any], pool_arn: str) -> bool:
    """The statement's aws:SourceArn condition admits ``pool_arn``, by the operator's own rule: ``*`` and ``?``
    are wildcards only under the ``...Like`` operators; ``ArnEquals`` and ``StringEquals`` compare literally."""
    for operator, clauses in condition.items():
        if not isinstance(clauses, Mapping):
            continue
        base = str(operator).split(":")[-1].removesuffix("IfExists")
        for k, v in clauses.items():
            if k.lower() != "aws:sourcearn":
                continue
            for pattern in [v] if isinstance(v, str) else v:
                if base.endswith("Like") and fnmatch.fnmatchcase(pool_arn, pattern):
                    return True
                if base in {"ArnEquals", "StringEquals"} and pool_arn == pattern:
                    return True
                if base == "StringEqualsIgnoreCase" and pool_arn.lower() == pattern.lower():
                    return True
    return False


def check_invoke_permission(
    policy: Mapping[str, Any] | str | None, *, pool_arn: str, account: str, function_arn: str
) -> CheckResult:
    """The function's resource policy lets cognito-idp.amazonaws.com invoke it for this pool.

    A statement without ``SourceArn`` works but lets any pool in any account that knows the function
    name use it (confused deputy): that is a warning. A statement pinned to another pool does not count.
    """
    name = "Cognito may invoke"
    base, qualifier = split_qualifier(function_arn)
    fix = (
        f"aws lambda add-permission --function-name {base}"
        + (f" --qualifier {qualifier}" if qualifier else "")
        + " --statement-id cognito-migrate-trigger --action lambda:InvokeFunction"
        f" --principal {COGNITO_PRINCIPAL} --source-arn {pool_arn} --source-account {account}"
    )
    doc = json.loads(policy) if isinstance(policy, str) else policy
    unpinned = False
    other_pools: list[str] = []
    for st in (doc or {}).get("Statement", []):
        if st.get("Effect") != "Allow" or not _principal_is_cognito(st.get("Principal")):
            continue
        if not _allows_invoke(st.get("Action")):
            continue
        source_arns = _condition_values(st.get("Condition") or {}, "aws:SourceArn")
        if not source_arns:
            unpinned = True
            continue
        if _source_arn_matches(st.get("Condition") or {}, pool_arn):
            accounts = _condition_values(st.get("Condition") or {}, "aws:SourceAccount")
            if accounts and account not in accounts:
                other_pools.extend(source_arns)
                continue
            return CheckResult(name, Status.PASS, f"statement {st.get('Sid', '?')} allows this pool")
        other_pools.extend(source_arns)
    if unpinned:
        return CheckResult(
            name,
            Status.WARN,
            "Cognito may invoke the function, but the permission is not pinned to this pool (no SourceArn): "
            "any user pool that names the function can use it",
            fix="replace the statement with one that has SourceArn and SourceAccount: " + fix,
        )
    detail = "no statement lets cognito-idp.amazonaws.com invoke the function for this pool"
    if other_pools:
        detail += f" (statements exist for {', '.join(sorted(set(other_pools)))})"
    detail += "; sign-in fails with 'Exception migrating user in app client'"
    return CheckResult(name, Status.FAIL, detail, fix=fix)

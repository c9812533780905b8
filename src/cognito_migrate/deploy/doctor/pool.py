"""Checks of the pool's own settings against the configuration: username model, attributes, password policy.

A mismatch here makes the trigger return what Cognito rejects or accepts differently: another case
sensitivity migrates users twice, other username or alias attributes are refused, an attribute missing
from the schema (or from a client's ``WriteAttributes``) fails every migration with 'Attributes did not
conform to the schema', and a different password policy lets the trigger accept passwords the pool would
refuse (Cognito does not check a migrated password, the trigger does). The checks read the
``describe_user_pool`` answer and the app clients already described.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from cognito_migrate.cognito_rules import (
    GENERATED_ATTRIBUTES,
    LEGACY_RECOVERY,
    POLICY_API_KEYS,
    STANDARD_ATTRIBUTES,
    PasswordPolicy,
)
from cognito_migrate.deploy.doctor.results import CheckResult, Status

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from cognito_migrate.deploy.doctor.expectations import PoolExpectations


def pool_case_sensitive(pool: Mapping[str, Any]) -> bool:
    """Pools without UsernameConfiguration (created before 2020, or by API without it) are case-sensitive."""
    return bool((pool.get("UsernameConfiguration") or {}).get("CaseSensitive", True))


def check_username_model(pool: Mapping[str, Any], expected: PoolExpectations) -> list[CheckResult]:
    """Case sensitivity, username attributes and alias attributes agree with the configuration's [pool]."""
    results: list[CheckResult] = []
    actual_case = pool_case_sensitive(pool)
    if expected.case_sensitive is None:
        results.append(
            CheckResult(
                "case sensitivity",
                Status.INFO,
                f"pool is case-{'sensitive' if actual_case else 'insensitive'}; the configuration does not say",
                fix=f"set [pool] case_sensitive = {str(actual_case).lower()}",
            )
        )
    elif expected.case_sensitive == actual_case:
        results.append(CheckResult("case sensitivity", Status.PASS, f"case_sensitive = {str(actual_case).lower()}"))
    else:
        results.append(
            CheckResult(
                "case sensitivity",
                Status.FAIL,
                f"pool is case-{'sensitive' if actual_case else 'insensitive'}, the configuration says "
                f"case_sensitive = {str(expected.case_sensitive).lower()}: "
                + (
                    "users who type another case are migrated twice"
                    if actual_case
                    else "the legacy lookup differs from how Cognito matches names"
                ),
                fix=(
                    f"set [pool] case_sensitive = {str(actual_case).lower()} in the configuration (a pool's "
                    "case sensitivity cannot be changed; a case-insensitive pool needs a new pool)"
                ),
            )
        )
    for label, key, wanted in (
        ("username attributes", "UsernameAttributes", expected.username_attributes),
        ("alias attributes", "AliasAttributes", expected.alias_attributes),
    ):
        actual = sorted(pool.get(key) or [])
        toml_key = "username_attributes" if key == "UsernameAttributes" else "alias_attributes"
        toml_value = json.dumps(actual)
        if wanted is None:
            results.append(
                CheckResult(label, Status.INFO, f"pool has {key} = {actual}", fix=f"[pool] {toml_key} = {toml_value}")
            )
        elif sorted(wanted) == actual:
            results.append(CheckResult(label, Status.PASS, f"{key} = {actual}"))
        else:
            results.append(
                CheckResult(
                    label,
                    Status.FAIL,
                    f"pool has {key} = {actual}, the configuration says {sorted(wanted)}: the trigger would "
                    "return attributes or a username Cognito rejects",
                    fix=f"set [pool] {toml_key} = {toml_value}",
                )
            )
    return results


def _schema_names(pool: Mapping[str, Any]) -> set[str]:
    return {str(a.get("Name")) for a in pool.get("SchemaAttributes") or []}


def check_attributes(
    pool: Mapping[str, Any], clients: Sequence[Mapping[str, Any]], attributes: Sequence[str]
) -> list[CheckResult]:
    """Every attribute the mapping returns exists in the pool and each client may write it.

    Cognito fails the migration with 'Attributes did not conform to the schema' for an unknown name;
    a client with ``WriteAttributes`` set may write only those.
    """
    if not attributes:
        return [
            CheckResult(
                "attributes in schema",
                Status.INFO,
                "no mapping given (--config): attribute names not checked",
            )
        ]
    schema = _schema_names(pool)
    results: list[CheckResult] = []
    for attr in attributes:
        if attr in GENERATED_ATTRIBUTES or attr.startswith("cognito:"):
            results.append(
                CheckResult(
                    "attributes in schema",
                    Status.FAIL,
                    f"{attr} must not be returned: Cognito assigns it",
                    fix=f"remove {attr} from the mapping",
                    subject=attr,
                )
            )
        elif attr in STANDARD_ATTRIBUTES or attr in schema:
            results.append(CheckResult("attributes in schema", Status.PASS, "exists", subject=attr))
        else:
            hint = (
                f"not a standard attribute: if it is a custom one, name it custom:{attr} in [mapping] attributes "
                "and add it to the pool (add-custom-attributes)"
                if not attr.startswith("custom:")
                else f"add it to the pool (aws cognito-idp add-custom-attributes --custom-attributes "
                f"Name={attr.removeprefix('custom:')},AttributeDataType=String) or remove it from the mapping"
            )
            results.append(
                CheckResult(
                    "attributes in schema",
                    Status.FAIL,
                    "not in the pool schema: every migration returning it fails with "
                    "'Attributes did not conform to the schema'",
                    fix=hint,
                    subject=attr,
                )
            )
    for client in clients:
        writable = client.get("WriteAttributes")
        if not writable:
            continue
        missing = [a for a in attributes if a not in writable and a not in {"sub", "username"}]
        client_id = str(client.get("ClientId", "?"))
        if missing:
            results.append(
                CheckResult(
                    "attributes writable",
                    Status.FAIL,
                    f"WriteAttributes does not include {', '.join(missing)}",
                    fix="add them to the client's WriteAttributes (update-user-pool-client --write-attributes ...)",
                    subject=client_id,
                )
            )
        else:
            results.append(CheckResult("attributes writable", Status.PASS, "all mapped", subject=client_id))
    return results


def _pool_policy(pool: Mapping[str, Any]) -> PasswordPolicy:
    """The policy ``describe_user_pool`` reports (omitted booleans are false, as Cognito reads them)."""
    return PasswordPolicy.from_api((pool.get("Policies") or {}).get("PasswordPolicy") or {})


def password_policy_toml(pool: Mapping[str, Any]) -> str:
    """The pool's password policy as the ``[pool.password_policy]`` block of the configuration."""
    policy = _pool_policy(pool)
    lines = ["[pool.password_policy]"]
    for _, toml_key in POLICY_API_KEYS:
        value = getattr(policy, toml_key)
        lines.append(f"{toml_key} = {str(value).lower() if isinstance(value, bool) else value}")
    return "\n".join(lines)


def check_password_policy(pool: Mapping[str, Any], expected: Mapping[str, Any] | None) -> CheckResult:
    """Report the pool's policy; warn when the configuration's copy differs.

    Cognito does not check a migrated password against the policy, so the trigger does (RESET_REQUIRED
    for a password that breaks it): its copy must be the pool's.
    """
    block = password_policy_toml(pool)
    if expected is None:
        return CheckResult("password policy", Status.INFO, "the configuration has no copy", fix=block)
    policy = _pool_policy(pool)
    differing = [
        toml_key
        for _, toml_key in POLICY_API_KEYS
        if toml_key in expected and expected[toml_key] != getattr(policy, toml_key)
    ]
    if differing:
        return CheckResult(
            "password policy",
            Status.WARN,
            f"the configuration's copy differs in {', '.join(differing)}",
            fix=block,
        )
    return CheckResult("password policy", Status.PASS, "the configuration's copy matches the pool")


def pool_recovery(pool: Mapping[str, Any]) -> tuple[str, ...]:
    """The pool's account-recovery mechanisms, in priority order."""
    mechanisms = sorted(
        (pool.get("AccountRecoverySetting") or {}).get("RecoveryMechanisms") or [], key=lambda m: m.get("Priority", 0)
    )
    return tuple(str(m.get("Name")) for m in mechanisms) or LEGACY_RECOVERY


def check_recovery(pool: Mapping[str, Any], expected: tuple[str, ...] | None) -> CheckResult:
    """The trigger refuses RESET_REQUIRED and forgot-password migrations for users the pool cannot send a
    code to; its ``[pool] recovery`` must therefore be the pool's own account-recovery setting."""
    actual = pool_recovery(pool)
    fix = "[pool] recovery = [" + ", ".join(f'"{m}"' for m in actual) + "]"
    if expected is None:
        return CheckResult("account recovery", Status.INFO, f"the pool recovers by {', '.join(actual)}", fix=fix)
    extra = [m for m in expected if m not in actual]
    if extra:
        return CheckResult(
            "account recovery",
            Status.FAIL,
            f"the configuration counts {', '.join(extra)} as a way to receive a reset code, the pool does not: "
            "users with only that channel would be created RESET_REQUIRED and never get a code",
            fix=fix,
        )
    if set(actual) != set(expected):
        return CheckResult(
            "account recovery",
            Status.WARN,
            f"the pool also recovers by {', '.join(m for m in actual if m not in expected)}: the trigger refuses "
            "users the pool could reach",
            fix=fix,
        )
    return CheckResult("account recovery", Status.PASS, f"{', '.join(actual)}, as configured")


def check_groups(pool: Mapping[str, Any], existing: set[str], expected: tuple[str, ...]) -> list[CheckResult]:
    """The groups ``[groups] map`` assigns must exist in the pool (Cognito refuses to add a user to a group
    it lacks), and the function must also answer post-authentication, where the groups are added."""
    results: list[CheckResult] = []
    missing = [g for g in expected if g not in existing]
    if missing:
        results.append(
            CheckResult(
                "mapped groups",
                Status.FAIL,
                f"the pool has no group {', '.join(missing)}: migrated users would not be added to it",
                fix=" && ".join(f"aws cognito-idp create-group --user-pool-id POOL --group-name {g}" for g in missing),
            )
        )
    else:
        results.append(CheckResult("mapped groups", Status.PASS, f"{', '.join(expected)} exist in the pool"))
    config = pool.get("LambdaConfig") or {}
    if not config.get("PostAuthentication"):
        results.append(
            CheckResult(
                "groups are assigned",
                Status.FAIL,
                "no post-authentication trigger: the function adds the groups there, so nobody gets them",
                fix="attach the migrate-user function as PostAuthentication and PostConfirmation (docs/deploy.md)",
            )
        )
    elif config.get("PostAuthentication") != config.get("UserMigration"):
        results.append(
            CheckResult(
                "groups are assigned",
                Status.WARN,
                "the post-authentication trigger is another function than the migrate-user one",
                fix="attach the migrate-user function as PostAuthentication and PostConfirmation (docs/deploy.md)",
            )
        )
    return results

"""Preflight checks of a user pool's wiring to the Migrate-user trigger.

Most failed migrations are wiring mistakes, not code: the trigger is not attached, Cognito may not
invoke the function, the app client does not allow the password flow that fires the trigger, the
client leaks user existence, or the pool's username model disagrees with the configuration. Each check
here is a plain function over the data boto3 returns (``describe_user_pool``, ``describe_user_pool_client``,
``lambda get_function_configuration`` / ``get_policy``) and returns :class:`CheckResult` objects with a concrete fix,
so that the checks are testable without AWS and without the command line, which only renders them.

The checks only read; they never change the pool or the function.
"""

from __future__ import annotations

import enum
import fnmatch
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cognito_migrate.config import Settings

#: Cognito's standard attributes. They exist in every pool whether or not ``SchemaAttributes`` lists
#: them (moto lists only the custom ones when a Schema was given at creation, real Cognito all of them).
STANDARD_ATTRIBUTES = frozenset(
    {
        "address", "birthdate", "email", "email_verified", "family_name", "gender", "given_name",
        "locale", "middle_name", "name", "nickname", "phone_number", "phone_number_verified", "picture",
        "preferred_username", "profile", "sub", "updated_at", "website", "zoneinfo",
    }
)  # fmt: skip

#: Flows that make Cognito call the trigger: the plaintext password reaches Cognito. SRP never does.
PASSWORD_FLOWS = frozenset({"ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"})
ADMIN_PASSWORD_FLOWS = frozenset({"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"})
#: What Cognito allows when a client has no ExplicitAuthFlows at all.
DEFAULT_FLOWS = ("ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")

COGNITO_PRINCIPAL = "cognito-idp.amazonaws.com"


class Status(enum.Enum):
    """How a check came out. Only FAIL makes ``doctor`` exit non-zero."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One line of the checklist: what was checked, what was found, and how to fix it when it failed."""

    check: str
    status: Status
    detail: str
    fix: str = ""
    subject: str = ""  # the app client id, attribute or function the line is about, when there are several

    @property
    def failed(self) -> bool:
        return self.status is Status.FAIL


@dataclass(frozen=True, slots=True)
class PoolExpectations:
    """What the configuration assumes about the pool; checks compare the real pool with it.

    ``None`` means the configuration does not say, and the check only reports what the pool has.
    ``attributes`` are the Cognito attribute names the mapping can return.
    """

    case_sensitive: bool | None = None
    username_attributes: tuple[str, ...] | None = None
    alias_attributes: tuple[str, ...] | None = None
    attributes: tuple[str, ...] = ()
    on_reject: str = "empty"
    password_policy: Mapping[str, Any] | None = None


def expectations_from_settings(settings: Settings) -> PoolExpectations:
    """What a loaded configuration assumes about the pool: its ``[pool]``, mapping and ``on_reject``."""
    from cognito_migrate.wiring import returned_attribute_names

    pool = settings.pool
    policy = pool.password_policy
    return PoolExpectations(
        case_sensitive=pool.case_sensitive,
        username_attributes=tuple(pool.username_attributes),
        alias_attributes=tuple(pool.alias_attributes),
        attributes=tuple(sorted(returned_attribute_names(settings))),
        on_reject=settings.trigger.on_reject,
        password_policy={
            "minimum_length": policy.minimum_length,
            "require_uppercase": policy.require_uppercase,
            "require_lowercase": policy.require_lowercase,
            "require_numbers": policy.require_numbers,
            "require_symbols": policy.require_symbols,
        },
    )


@dataclass(frozen=True, slots=True)
class Report:
    """Every result of one doctor run."""

    user_pool_id: str
    results: tuple[CheckResult, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not any(r.failed for r in self.results)


# --------------------------------------------------------------------------------------------------
# Trigger and function
# --------------------------------------------------------------------------------------------------


def check_trigger_wired(pool: Mapping[str, Any], *, region: str) -> CheckResult:
    """The pool's LambdaConfig.UserMigration names a function."""
    arn = (pool.get("LambdaConfig") or {}).get("UserMigration")
    name = "trigger wired"
    if arn:
        return CheckResult(name, Status.PASS, f"LambdaConfig.UserMigration = {arn}")
    return CheckResult(
        name,
        Status.FAIL,
        "the pool has no Migrate-user trigger: Cognito never calls the function",
        fix=(
            "attach it with update-user-pool, passing back every setting you keep (it resets the ones "
            "you omit): see docs/deploy.md 'Wire an existing pool'. Short form: "
            "aws cognito-idp update-user-pool "
            f"--region {region} --user-pool-id {pool.get('Id', '<pool>')} "
            "--lambda-config UserMigration=<function arn> <the current settings>"
        ),
    )


def check_function_exists(function: Mapping[str, Any] | None, arn: str) -> list[CheckResult]:
    """The wired function exists; its handler and timeout suit the trigger.

    ``function`` is the ``get_function_configuration`` answer (or ``get_function``'s), or None when Lambda
    says it does not exist.
    """
    name = "function exists"
    if function is None:
        return [
            CheckResult(
                name,
                Status.FAIL,
                f"{arn} does not exist (or this identity may not read it)",
                fix="deploy deploy/sam/template.yaml (docs/deploy.md), or point the trigger at the right ARN",
            )
        ]
    conf = function.get("Configuration", function)
    results = [CheckResult(name, Status.PASS, f"{conf.get('FunctionName', arn)} ({conf.get('Runtime', '?')})")]
    handler = conf.get("Handler")
    if handler and handler != "cognito_migrate.handler.lambda_handler":
        results.append(
            CheckResult(
                "function handler",
                Status.WARN,
                f"handler is {handler!r}, not cognito_migrate.handler.lambda_handler",
                fix="fine if you wrap the handler on purpose; otherwise set the handler",
            )
        )
    timeout = conf.get("Timeout")
    if isinstance(timeout, int) and timeout >= 5:
        results.append(
            CheckResult(
                "function timeout",
                Status.WARN,
                f"timeout is {timeout} s: Cognito stops waiting at 5 s and retries, so a slow call is "
                "neither logged as a timeout nor failed closed by Lambda",
                fix="set the timeout to 4 s (the template does)",
            )
        )
    results.extend(_function_settings(conf))
    return results


def _function_settings(conf: Mapping[str, Any]) -> list[CheckResult]:
    """Runtime, configuration variable and memory: mistakes that make every invocation fail or crawl."""
    results: list[CheckResult] = []
    runtime = str(conf.get("Runtime") or "")
    version = runtime.removeprefix("python").split(".")
    if runtime and not (runtime.startswith("python3.") and len(version) == 2 and int(version[1] or 0) >= 11):
        results.append(
            CheckResult(
                "function runtime",
                Status.FAIL,
                f"runtime is {runtime}: the trigger needs Python 3.11 or newer",
                fix="use python3.13 or newer (the template's PythonVersion) and a package built with the same --python",
            )
        )
    variables = (conf.get("Environment") or {}).get("Variables") or {}
    if "COGNITO_MIGRATE_CONFIG" not in variables:
        results.append(
            CheckResult(
                "function configuration",
                Status.FAIL,
                "COGNITO_MIGRATE_CONFIG is not set: every invocation fails closed with a configuration error",
                fix="set COGNITO_MIGRATE_CONFIG=/var/task/cognito-migrate.json (printed by `cognito-migrate package`)",
            )
        )
    memory = conf.get("MemorySize")
    if isinstance(memory, int) and memory < 1024:
        results.append(
            CheckResult(
                "function memory",
                Status.WARN,
                f"{memory} MB is {memory / 1769:.0%} of a vCPU: password verification and cold starts run "
                f"{1769 / memory:.1f} times slower than at 1769 MB, inside Cognito's 5 s",
                fix="raise MemorySize to 1769 (docs/deploy.md explains the sizing)",
            )
        )
    return results


def _split_qualifier(function_arn: str) -> tuple[str, str | None]:
    """``arn:...:function:name[:qualifier]`` -> (function arn, qualifier or None)."""
    parts = function_arn.split(":")
    if len(parts) == 8:
        return ":".join(parts[:7]), parts[7]
    return function_arn, None


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
    base, qualifier = _split_qualifier(function_arn)
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


# --------------------------------------------------------------------------------------------------
# App clients
# --------------------------------------------------------------------------------------------------


def _uses_managed_login(client: Mapping[str, Any]) -> bool:
    """The client signs users in through the hosted UI / managed login with the pool's own directory."""
    return bool(client.get("AllowedOAuthFlowsUserPoolClient")) and "COGNITO" in (
        client.get("SupportedIdentityProviders") or []
    )


def check_client_auth_flows(client: Mapping[str, Any]) -> CheckResult:
    """The client allows a password flow that fires the trigger (SRP never does).

    Managed login (the hosted UI) fires the trigger whatever ExplicitAuthFlows say: those govern the API.
    """
    name = "password sign-in allowed"
    client_id = str(client.get("ClientId", "?"))
    flows = list(client.get("ExplicitAuthFlows") or DEFAULT_FLOWS)
    if PASSWORD_FLOWS & set(flows):
        return CheckResult(name, Status.PASS, "ALLOW_USER_PASSWORD_AUTH", subject=client_id)
    if ADMIN_PASSWORD_FLOWS & set(flows):
        return CheckResult(
            name,
            Status.PASS,
            "only ALLOW_ADMIN_USER_PASSWORD_AUTH: the trigger fires for server-side AdminInitiateAuth only",
            subject=client_id,
        )
    if _uses_managed_login(client):
        return CheckResult(
            name,
            Status.PASS,
            "managed login (hosted UI) only: the trigger fires for its sign-in page, not for API sign-in "
            f"({', '.join(flows)})",
            subject=client_id,
        )
    keep = " ".join(sorted({*flows, "ALLOW_USER_PASSWORD_AUTH"}))
    return CheckResult(
        name,
        Status.FAIL,
        f"flows are {', '.join(flows)}: none sends the password, so the trigger never fires "
        "(the app gets 'USER_PASSWORD_AUTH flow not enabled for this client' or migrates nobody via SRP)",
        fix=(
            f"aws cognito-idp update-user-pool-client --user-pool-id {client.get('UserPoolId', '<pool>')} "
            f"--client-id {client_id} --explicit-auth-flows {keep} <the client's other settings: "
            "update-user-pool-client also resets what you omit>"
        ),
        subject=client_id,
    )


def check_client_prevents_user_existence_errors(client: Mapping[str, Any], *, on_reject: str) -> CheckResult:
    """The client answers an unknown user like a wrong password (PreventUserExistenceErrors=ENABLED).

    The trigger rejects by returning the event unchanged; with LEGACY Cognito turns that into
    UserNotFoundException, which tells an attacker which names exist. With ``on_reject = "raise"`` the
    trigger raises one constant message instead, so the setting matters less: a warning then.
    """
    name = "PreventUserExistenceErrors"
    client_id = str(client.get("ClientId", "?"))
    value = client.get("PreventUserExistenceErrors") or "LEGACY"
    if value == "ENABLED":
        return CheckResult(name, Status.PASS, "ENABLED", subject=client_id)
    return CheckResult(
        name,
        Status.WARN if on_reject == "raise" else Status.FAIL,
        f"{value}: unknown users get UserNotFoundException, wrong passwords NotAuthorizedException (user enumeration)",
        fix=(
            f"aws cognito-idp update-user-pool-client --user-pool-id {client.get('UserPoolId', '<pool>')} "
            f"--client-id {client_id} --prevent-user-existence-errors ENABLED <the client's other settings>"
        ),
        subject=client_id,
    )


# --------------------------------------------------------------------------------------------------
# Username model and attributes
# --------------------------------------------------------------------------------------------------


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
        if attr in {"sub", "username"} or attr.startswith("cognito:"):
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


# --------------------------------------------------------------------------------------------------
# Password policy
# --------------------------------------------------------------------------------------------------

_POLICY_KEYS = (
    ("MinimumLength", "minimum_length"),
    ("RequireUppercase", "require_uppercase"),
    ("RequireLowercase", "require_lowercase"),
    ("RequireNumbers", "require_numbers"),
    ("RequireSymbols", "require_symbols"),
)


def password_policy_toml(pool: Mapping[str, Any]) -> str:
    """The pool's password policy as the ``[pool.password_policy]`` block of the configuration."""
    policy = (pool.get("Policies") or {}).get("PasswordPolicy") or {}
    lines = ["[pool.password_policy]"]
    for aws_key, toml_key in _POLICY_KEYS:
        value = policy.get(aws_key, 8 if aws_key == "MinimumLength" else False)
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
    policy = (pool.get("Policies") or {}).get("PasswordPolicy") or {}
    differing = [
        toml_key
        for aws_key, toml_key in _POLICY_KEYS
        if toml_key in expected
        and expected[toml_key] != policy.get(aws_key, 8 if aws_key == "MinimumLength" else False)
    ]
    if differing:
        return CheckResult(
            "password policy",
            Status.WARN,
            f"the configuration's copy differs in {', '.join(differing)}",
            fix=block,
        )
    return CheckResult("password policy", Status.PASS, "the configuration's copy matches the pool")


# --------------------------------------------------------------------------------------------------
# The whole run
# --------------------------------------------------------------------------------------------------


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


def _list_clients(cognito: Any, user_pool_id: str, pool_arn: str) -> tuple[list[dict[str, Any]], list[CheckResult]]:
    """Every app client of the pool, described; a read that fails becomes a result instead of an exception."""
    ids: list[str] = []
    token: str | None = None
    try:
        while True:
            kwargs: dict[str, Any] = {"UserPoolId": user_pool_id, "MaxResults": 60}
            if token:
                kwargs["NextToken"] = token
            page = cognito.list_user_pool_clients(**kwargs)
            ids.extend(c["ClientId"] for c in page.get("UserPoolClients", []))
            token = page.get("NextToken")
            if not token:
                break
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
    base, qualifier = _split_qualifier(arn)
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


#: Builds the expectations from the function's environment (its ``COGNITO_MIGRATE_*`` overrides), or from
#: None when the function could not be read; raises the configuration's error when they make it invalid.
ExpectationsFor = Callable[[Mapping[str, str] | None], PoolExpectations]


def _expectations(
    expected: PoolExpectations | None, expectations_for: ExpectationsFor | None, environment: Mapping[str, str] | None
) -> tuple[PoolExpectations, list[CheckResult]]:
    if expectations_for is None:
        return expected or PoolExpectations(), []
    from cognito_migrate.errors import CognitoMigrateError

    overrides = sorted(
        k for k in environment or {} if k.startswith("COGNITO_MIGRATE_") and k != "COGNITO_MIGRATE_CONFIG"
    )
    try:
        built = expectations_for(environment)
    except CognitoMigrateError as exc:
        fallback = expectations_for(None)
        return fallback, [
            CheckResult(
                "function configuration",
                Status.FAIL,
                f"the function's COGNITO_MIGRATE_* variables make the configuration invalid: {exc}",
                fix="fix or remove the variable in the function's environment (every invocation fails closed)",
            )
        ]
    if environment is None:
        note = "the file alone (the function's environment could not be read)"
    elif overrides:
        note = f"the file with the function's overrides {', '.join(overrides)}"
    else:
        note = "the file (the function overrides none of it)"
    return built, [CheckResult("configuration compared", Status.INFO, note)]


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
    region = str(pool.get("Arn", "::::")).split(":")[3] or user_pool_id.split("_", maxsplit=1)[0]
    results: list[CheckResult] = [check_trigger_wired(pool, region=region)]
    arn = (pool.get("LambdaConfig") or {}).get("UserMigration")
    environment: Mapping[str, str] | None = None
    if arn:
        function_results, environment = _function_checks(lambda_for_region(arn.split(":")[3]), pool, arn)
        results.extend(function_results)
    expected, notes = _expectations(expected, expectations_for, environment)
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
    return Report(user_pool_id=user_pool_id, results=tuple(results))

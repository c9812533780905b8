"""Checks of the trigger's wiring and the function it names: wired at all, exists, suitable settings.

A pool without ``LambdaConfig.UserMigration`` never calls the function; a function with the wrong
runtime, no ``COGNITO_MIGRATE_CONFIG``, too little memory or a timeout of Cognito's 5 s or more fails or
crawls on every sign-in. The checks read the pool's ``describe_user_pool`` answer and Lambda's
``get_function_configuration`` answer; whether Cognito may invoke the function is in
:mod:`~cognito_migrate.deploy.doctor.permission`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cognito_migrate.deploy.doctor.results import CheckResult, Status

if TYPE_CHECKING:
    from collections.abc import Mapping


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


def split_qualifier(function_arn: str) -> tuple[str, str | None]:
    """``arn:...:function:name[:qualifier]`` -> (function arn, qualifier or None)."""
    parts = function_arn.split(":")
    if len(parts) == 8:
        return ":".join(parts[:7]), parts[7]
    return function_arn, None

"""A local Cognito wired to *our* trigger: the handler built from a configuration, and a pool and app client
set up as the deployment recommends (USER_PASSWORD_AUTH allowed, PreventUserExistenceErrors ENABLED, the
username model, password policy, account recovery and mapped custom attributes of the configuration).
Used by ``serve``, ``demo`` and the e2e tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TextIO

from cognito_migrate.local.server import INHERIT, LocalCognito, LocalPool

if TYPE_CHECKING:
    from cognito_migrate.config import Settings
    from cognito_migrate.local.migration import Console
    from cognito_migrate.local.server import TriggerSpec, _Inherit


def configured_cognito(
    settings: Settings,
    *,
    region: str = "us-east-1",
    console: Console | None = None,
    log_stream: TextIO | None = None,
) -> LocalCognito:
    """A (not yet started) local Cognito whose default trigger is our handler for ``settings``.

    ``log_stream`` receives the trigger's per-invocation log lines (default: stdout, as on Lambda); ``serve``
    sends them to stderr so that its stdout carries only the endpoint line.
    """
    from cognito_migrate.aws_credentials import Credentials
    from cognito_migrate.cognito_api import CognitoAdmin
    from cognito_migrate.handler import Trigger
    from cognito_migrate.wiring import build_log

    log = None if log_stream is None else build_log(settings, stream=log_stream, metrics=False)
    started: list[LocalCognito] = []

    def cognito(pool_region: str) -> CognitoAdmin:
        # the group step calls back into this local Cognito (it checks no signature: any credentials do)
        local_credentials = Credentials("local", "local")
        return CognitoAdmin(pool_region, endpoint=started[0].endpoint, credentials=lambda _timeout: local_credentials)

    trigger = Trigger(settings, log=log, cognito=cognito)
    trigger.prepare()  # a file store is loaded before the first sign-in, not in it: the app team's server waits
    options: dict[str, Any] = {"region": region}
    if console is not None:
        options["console"] = console
    local = LocalCognito(trigger, **options)
    started.append(local)
    return local


def create_recommended_pool(
    local: LocalCognito,
    settings: Settings,
    *,
    name: str = "cognito-migrate",
    trigger: TriggerSpec | _Inherit = INHERIT,
) -> LocalPool:
    """Create the pool and app client a migration deployment would have for ``settings``.

    The pool uses ``local``'s trigger unless ``trigger`` is given (e.g. ``make_handler(settings)`` when
    ``local`` serves pools with different username models: the trigger's configuration must match its pool).
    """
    from cognito_migrate.wiring import build_password_policy, mapping_columns

    pool = settings.pool
    created = local.create_pool_and_client(
        name,
        username_attributes=pool.username_attributes,
        alias_attributes=pool.alias_attributes,
        case_sensitive=pool.case_sensitive,
        prevent_user_existence_errors=True,
        password_policy=build_password_policy(settings).to_api(),
        custom_attributes=[
            {"Name": name.removeprefix("custom:"), "AttributeDataType": "String", "Mutable": True}
            for name in sorted(mapping_columns(settings))
            if name.startswith("custom:")
        ],
        recovery=pool.recovery,
        trigger=trigger,
        # with a ledger, the trigger also confirms that Cognito created the users it migrated; with [groups],
        # it adds them to their groups then
        post_triggers=(
            ("PostAuthentication", "PostConfirmation") if settings.ledger.url or settings.groups.enabled else ()
        ),
    )
    if settings.groups.map:
        api = local.client()
        for group in sorted(set(settings.groups.map.values())):  # as the SAM template creates them
            api.create_group(UserPoolId=created.user_pool_id, GroupName=group)
    return created

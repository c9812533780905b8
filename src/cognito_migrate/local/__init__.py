"""A local Cognito that fires the Migrate-user trigger as Amazon Cognito does (see docs/local-cognito.md).

moto's cognito-idp backend holds pools, clients, users and tokens; a WSGI layer in front of it owns what moto
does not do: the trigger (both sources, 5 s x 3 attempts, Cognito's errors and response validation),
PreventUserExistenceErrors, auth-flow enforcement, aliases, case-insensitive pools, RESET_REQUIRED and a
strict forgot-password flow. Needs the ``local`` extra: ``pip install 'cognito-migrate[local]'``.
"""

from cognito_migrate.local.invoker import LambdaInvokeTrigger
from cognito_migrate.local.migration import TriggerInvocation
from cognito_migrate.local.server import LocalCognito, LocalPool

__all__ = ["LambdaInvokeTrigger", "LocalCognito", "LocalPool", "TriggerInvocation"]

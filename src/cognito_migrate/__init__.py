"""cognito-migrate: move a legacy user base into an Amazon Cognito user pool without password resets.

The Lambda entry point is :func:`cognito_migrate.handler.lambda_handler`. This package module
imports nothing heavy on purpose: the trigger's cold start pays for every import made here.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]

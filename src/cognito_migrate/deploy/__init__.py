"""Deployment tooling, used by the command line only: the Lambda package builder and the wiring doctor.

Nothing here is imported by the trigger (``cognito_migrate.handler``) and nothing here is left out of
the Lambda package by accident: :mod:`cognito_migrate.deploy.packaging` excludes this package from the
zip. Modules import their heavy dependencies (boto3, pip) inside functions, so importing this package
costs nothing.
"""

"""The end of a migration: the legacy users who never signed in, exported as Cognito import CSV files
(:mod:`.export`) and imported with Cognito's user import jobs (:mod:`.importer`). :mod:`.pool` talks to the
pool within Cognito's request-rate quotas. Used by the ``export`` and ``import`` commands, never by the trigger.
"""

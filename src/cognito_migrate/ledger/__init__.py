"""The migration ledger and the brute-force throttle that shares its backend.

The ledger keeps one record per legacy user (keyed by a keyed hash of the legacy user name, never the typed
name, a password, a hash or a raw e-mail): first and last attempt, counts by outcome and reason, the last
reason, the hash scheme, when the trigger migrated the user and when Cognito confirmed the user exists
(post-authentication / post-confirmation). Names nobody in the legacy store holds get a record of their own,
keyed by the hashed sign-in name, so that ``status`` can count them.

::

    records.py    what is stored, and the keyed hashes that stand in for names
    backend.py    the protocol every backend implements, and :func:`open_backend` (by URL scheme)
    sql.py        SQLite, PostgreSQL, MySQL/MariaDB through plain DB-API drivers
    dynamodb.py   DynamoDB over its HTTP API (no boto3 on the trigger's cold path), boto3 for the CLI
    recorder.py   the ledger step of the flow: never raises, never changes the answer
    throttle.py   failures per sign-in name and per source address within a window

Backends are imported only when a ``[ledger] url`` of their scheme is configured.
"""

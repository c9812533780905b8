"""One module per hash family; each is imported only when one of its schemes is first used.

A module defines ``verify_<scheme>(password, stored, params, limits) -> bool`` for each of its schemes (raising
:class:`~cognito_migrate.hashing._core.Malformed` / ``OverLimit`` / ``Unsupported`` to refuse) and, where a
hash can be produced, ``create_<scheme>(password, cost, params) -> str``. The registry finds them by name.
"""

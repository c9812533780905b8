"""One module per hash family; each is imported only when one of its schemes is first used.

A module implements its schemes as functions and declares them at its end, one
:class:`~cognito_migrate.hashing._core.Scheme` per scheme id::

    IMPLEMENTATIONS = (Scheme("bcrypt", verify_bcrypt, create_bcrypt), ...)

``verify`` raises :class:`~cognito_migrate.hashing._core.Malformed` / ``OverLimit`` / ``Unsupported`` to refuse.
The catalogue (``hashing/_catalogue.py``) names the module of each scheme id; the registry checks both agree.
"""

"""``cognito-migrate audit``: the whole legacy store through the trigger's rules, before any user signs in.

``kinds`` declares the problem kinds, ``census`` reads rows into a ``report`` (bounded memory) and
``duplicates`` finds shared names and aliases on disk; :mod:`cognito_migrate.report.audit` renders the
result as a page. It receives the trigger's own objects (built by
:func:`cognito_migrate.wiring.build_auditor`); it never verifies a password and never writes to the
store. What a team does with it: docs/audit.md.
"""

"""Preflight checks of a user pool's wiring to the Migrate-user trigger.

Most failed migrations are wiring mistakes, not code: the trigger is not attached, Cognito may not
invoke the function, the app client does not allow the password flow that fires the trigger, the
client leaks user existence, or the pool's username model disagrees with the configuration. Each check
is a plain function over the data boto3 returns and returns :class:`CheckResult` objects with a concrete
fix, so that the checks are testable without AWS and without the command line, which only renders them.
The checks only read; they never change the pool or the function.

Where things live:

- :mod:`.results`: the result types (``Status``, ``CheckResult``, ``Report``);
- :mod:`.expectations`: what the configuration assumes about the pool (``PoolExpectations``);
- :mod:`.function`: the trigger is wired, the function exists and its settings suit the trigger;
- :mod:`.permission`: the function's resource policy lets Cognito invoke it for this pool only;
- :mod:`.clients`: each app client's auth flows and ``PreventUserExistenceErrors``;
- :mod:`.pool`: username model, attributes in the schema, password policy;
- :mod:`.run`: reads everything through boto3 and runs every check (``run_checks``).
"""

from __future__ import annotations

from cognito_migrate.deploy.doctor.expectations import ExpectationsFor, PoolExpectations, expectations_from_settings
from cognito_migrate.deploy.doctor.permission import check_invoke_permission
from cognito_migrate.deploy.doctor.pool import password_policy_toml
from cognito_migrate.deploy.doctor.results import Report, Status
from cognito_migrate.deploy.doctor.run import run_checks

__all__ = [
    "ExpectationsFor",
    "PoolExpectations",
    "Report",
    "Status",
    "check_invoke_permission",
    "expectations_from_settings",
    "password_policy_toml",
    "run_checks",
]

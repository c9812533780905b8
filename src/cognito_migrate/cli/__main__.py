"""``python -m cognito_migrate.cli``."""

from cognito_migrate.cli import main

main()

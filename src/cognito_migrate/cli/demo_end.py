"""The demo's last act: the end of the migration, as ``export`` and ``import`` run it, through boto3.

The users who did not sign in during the demo are exported as Cognito user-import CSV files (the same
:func:`~cognito_migrate.bulk.export.export_files` the ``export`` command runs, with the trigger's mapper and
reset policy), imported by the local Cognito's import jobs (the same
:func:`~cognito_migrate.bulk.importer.run_imports` as ``import``), and one imported user then signs in the
only way an imported user can: forgot-password, the code, a new password. The demo checks that every legacy
user is accounted for: migrated by signing in, imported, or listed apart with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from pathlib import Path

    from cognito_migrate.cli.demo_data import DemoUser
    from cognito_migrate.config import Settings
    from cognito_migrate.local.server import LocalCognito, LocalPool

# The role Cognito writes an import job's per-user log with; the local Cognito records it and logs locally.
DEMO_LOGS_ROLE: Final = "arn:aws:iam::000000000000:role/cognito-migrate-demo-import-logs"


@dataclass(frozen=True)
class EndOfMigration:
    """What the end of the migration did, and whether the counts add up."""

    legacy_users: int
    in_pool_before: int
    exported: int
    not_importable: dict[str, int]
    imported: int
    skipped: int
    failed: int
    in_pool_after: int
    imported_user_signed_in: bool | None  # None: nobody suitable was imported

    @property
    def consistent(self) -> bool:
        """Every legacy user is in the pool or listed apart, and every exported user was imported."""
        listed_apart = sum(self.not_importable.values())
        return (
            self.in_pool_before + self.exported + listed_apart == self.legacy_users
            and self.imported == self.exported
            and self.skipped == self.failed == 0
            and self.in_pool_after == self.in_pool_before + self.imported
            and self.imported_user_signed_in is not False
        )


def end_migration(
    settings: Settings,
    local: LocalCognito,
    pool: LocalPool,
    cognito: Any,
    *,
    population: list[DemoUser],
    out_dir: Path,
) -> EndOfMigration:
    """Export the legacy users not in the pool, import them, and sign one of them in after a reset."""
    from cognito_migrate import wiring
    from cognito_migrate.bulk.export import ExportRules, export_files
    from cognito_migrate.bulk.importer import run_imports
    from cognito_migrate.bulk.pool import pool_members

    pool_id = pool.user_pool_id
    store = wiring.build_store(settings)
    try:
        members = pool_members(cognito, pool_id, case_sensitive=settings.pool.case_sensitive)
        rules = ExportRules(
            mapper=wiring.build_mapper(settings),
            reset_policy=wiring.build_reset_policy(settings),
            header=cognito.get_csv_header(UserPoolId=pool_id)["CSVHeader"],
            members=members,
        )
        exported = export_files(store.scan(), rules=rules, out_dir=out_dir)
    finally:
        store.close()
    state = run_imports(cognito, pool_id, out_dir, logs_role_arn=DEMO_LOGS_ROLE, poll_seconds=0.05)
    jobs = state.files.values()
    signed_in = _reset_and_sign_in(local, pool, cognito, population, members.names)
    after = int(cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]["EstimatedNumberOfUsers"])
    return EndOfMigration(
        legacy_users=exported.legacy_users,
        in_pool_before=exported.in_pool,
        exported=exported.exported,
        not_importable=exported.excluded_by_reason,
        imported=sum(job.imported for job in jobs),
        skipped=sum(job.skipped for job in jobs),
        failed=sum(job.failed for job in jobs),
        in_pool_after=after,
        imported_user_signed_in=signed_in,
    )


def _reset_and_sign_in(
    local: LocalCognito, pool: LocalPool, cognito: Any, population: list[DemoUser], migrated: frozenset[str]
) -> bool | None:
    """An imported user (RESET_REQUIRED, no password) resets with a code and signs in with the new password."""
    from botocore.exceptions import ClientError

    imported = next((u for u in population if u.kind == "normal" and u.username.lower() not in migrated), None)
    if imported is None:
        return None
    try:
        status = cognito.admin_get_user(UserPoolId=pool.user_pool_id, Username=imported.username)["UserStatus"]
        if status != "RESET_REQUIRED":
            return False
        cognito.forgot_password(ClientId=pool.client_id, Username=imported.username)
        code = local.forgot_password_code(pool.user_pool_id, imported.username) or ""
        new_password = imported.password[::-1] + "-Imported1"
        cognito.confirm_forgot_password(
            ClientId=pool.client_id, Username=imported.username, ConfirmationCode=code, Password=new_password
        )
        cognito.initiate_auth(
            ClientId=pool.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": imported.username, "PASSWORD": new_password},
        )
    except ClientError:
        return False
    return True

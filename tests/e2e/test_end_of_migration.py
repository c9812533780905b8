"""The end of a migration through boto3 against the local Cognito: some users migrate by signing in, the rest
are exported and imported, appear RESET_REQUIRED, and sign in after a forgot-password code."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from typer.testing import CliRunner

from cognito_migrate import hashing
from cognito_migrate.bulk.export import EXCLUDED_FILE, ExportRules, export_files
from cognito_migrate.bulk.importer import STATE_FILE, ImportState, run_imports
from cognito_migrate.bulk.pool import pool_members
from cognito_migrate.cli.app import app
from cognito_migrate.config import load_settings
from cognito_migrate.local.configured import configured_cognito, create_recommended_pool
from cognito_migrate.mapping.identity import UsernameModel
from cognito_migrate.mapping.mapper import AttributeMapper
from cognito_migrate.policy import ResetPolicy
from tests.e2e.conftest import DictTrigger, LegacyUser
from tests.e2e.helpers import attributes, error_of, sign_in
from tests.ledger_support import HASH_KEY
from tests.legacy import AspNetUser, create_aspnet_sqlite
from tests.listing_store import ListingStore, row

if TYPE_CHECKING:
    from pathlib import Path

    from cognito_migrate.local import LocalCognito

ROLE = "arn:aws:iam::123456789012:role/CognitoImport"
GOOD = "Correct-Horse-9"
NEW = "New-Horse-10"
FAST_V3 = {"iterations": 1000, "prf": "HMACSHA256"}
LEGACY = [
    row("ann"),  # signs in before the end: migrated by the trigger
    row("bob"),
    row("carol", full_name="Carol, Jr."),
    row("dave", email_verified=False),  # could never receive a reset code
]


def _export(cognito: Any, pool_id: str, out: Path, **limits: int) -> Any:
    header = cognito.get_csv_header(UserPoolId=pool_id)["CSVHeader"]
    rules = ExportRules(
        mapper=AttributeMapper(columns={}, username_model=UsernameModel(case_sensitive=False)),
        reset_policy=ResetPolicy(),
        header=header,
        members=pool_members(cognito, pool_id, case_sensitive=False),
    )
    return export_files(ListingStore(LEGACY).scan(), rules=rules, out_dir=out, **limits)


def _pool(local: LocalCognito) -> tuple[str, str]:
    trigger = DictTrigger({"ann": LegacyUser("Old-Ann-pass-1", email="ann@example.com")})
    return local.create_pool_and_client(trigger=trigger)


def test_the_rest_is_exported_imported_reset_required_and_signs_in_after_a_code(
    local: LocalCognito, cognito: Any, tmp_path: Path
) -> None:
    pool_id, client_id = _pool(local)
    assert "AuthenticationResult" in sign_in(cognito, client_id, "ann", "Old-Ann-pass-1")

    exported = _export(cognito, pool_id, tmp_path)
    assert (exported.legacy_users, exported.in_pool, exported.exported) == (4, 1, 2)
    assert "dave,no_delivery_channel" in (tmp_path / EXCLUDED_FILE).read_text(encoding="utf-8")

    state = run_imports(cognito, pool_id, tmp_path, logs_role_arn=ROLE, poll_seconds=0.01)

    (job,) = state.files.values()
    assert (job.status, job.imported, job.skipped, job.failed) == ("Succeeded", 2, 0, 0)
    statuses = {u["Username"]: u["UserStatus"] for u in cognito.list_users(UserPoolId=pool_id)["Users"]}
    assert statuses == {"ann": "CONFIRMED", "bob": "RESET_REQUIRED", "carol": "RESET_REQUIRED"}
    assert error_of(lambda: sign_in(cognito, client_id, "bob", "Old-Bob-pass-1"))[0] == "NotAuthorizedException"
    cognito.forgot_password(ClientId=client_id, Username="bob")
    code = local.forgot_password_code(pool_id, "bob")
    cognito.confirm_forgot_password(
        ClientId=client_id, Username="bob", ConfirmationCode=code, Password="New-Bob-pass-2"
    )
    assert "AccessToken" in sign_in(cognito, client_id, "bob", "New-Bob-pass-2")["AuthenticationResult"]


class _Interrupted(Exception):
    pass


def test_an_interrupted_import_resumes_without_a_second_job_for_any_file(
    local: LocalCognito, cognito: Any, tmp_path: Path
) -> None:
    pool_id, _ = _pool(local)
    exported = _export(cognito, pool_id, tmp_path, max_users=1)
    assert len(exported.files) == 3  # ann, bob, carol: ann has not signed in here
    uploads: list[str] = []

    def put_then_stop(url: str, data: bytes) -> None:
        from cognito_migrate.bulk.importer import put_file

        if len(uploads) == 1:
            raise _Interrupted  # the operator's Ctrl-C, after the second file's job was created
        put_file(url, data)
        uploads.append(url)

    with pytest.raises(_Interrupted):
        run_imports(cognito, pool_id, tmp_path, logs_role_arn=ROLE, poll_seconds=0.01, put=put_then_stop)
    saved = ImportState.load(tmp_path, pool_id)
    assert [j.status for j in saved.files.values()] == ["Succeeded", "Created"]

    state = run_imports(cognito, pool_id, tmp_path, logs_role_arn=ROLE, poll_seconds=0.01)

    jobs = cognito.list_user_import_jobs(UserPoolId=pool_id, MaxResults=60)["UserImportJobs"]
    assert len(jobs) == 3
    assert sorted(j.job_id for j in state.files.values()) == sorted(j["JobId"] for j in jobs)
    assert sum(j.imported for j in state.files.values()) == 3
    assert len(cognito.list_users(UserPoolId=pool_id)["Users"]) == 3
    again = run_imports(cognito, pool_id, tmp_path, logs_role_arn=ROLE, poll_seconds=0.01)
    assert again.files == state.files  # nothing left to do: no job created, nothing uploaded
    assert len(cognito.list_user_import_jobs(UserPoolId=pool_id, MaxResults=60)["UserImportJobs"]) == 3
    assert (tmp_path / STATE_FILE).exists()


def test_the_end_of_a_migration_through_the_commands_with_our_trigger_a_sqlite_store_and_a_ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole end: users migrate by signing in (our trigger, a real SQLite legacy store, a SQLite ledger), then
    ``export`` and ``import`` run unchanged against the local Cognito (AWS_ENDPOINT_URL), and an imported user
    signs in after a forgot-password code."""
    good = hashing.create("aspnet_identity_v3", GOOD, cost=FAST_V3)
    users = [
        AspNetUser("alice", good, email="alice@example.com"),  # signs in before the end
        AspNetUser("bob", good, email="bob@example.com", email_confirmed=False),  # no way to get a code
        AspNetUser("carol", good, email="carol@example.com"),
        AspNetUser("dave", good, email="dave@example.com", lockout_end="2999-01-01T00:00:00+00:00"),
        AspNetUser("erin", None, phone="+14325551212", phone_confirmed=True),  # no password, a verified phone
    ]
    store = create_aspnet_sqlite(str(tmp_path / "aspnet.db"), users)
    config = tmp_path / "cognito-migrate.toml"
    config.write_text(
        f'[store]\ntype = "sql"\nurl = "{store}"\npreset = "aspnet_identity"\n'
        '[hashing]\ndummy_cost = { iterations = 1000, prf = "HMACSHA256" }\n'
        '[pool]\ncase_sensitive = false\n[logging]\nlevel = "ERROR"\n'
        f'[ledger]\nurl = "sqlite:///{tmp_path / "ledger.db"}"\nhash_key = "{HASH_KEY}"\n',
        encoding="utf-8",
    )
    settings = load_settings(config)
    runner = CliRunner()
    out = tmp_path / "end"
    with configured_cognito(settings, console=lambda _line: None) as local:
        pool_id, client_id = create_recommended_pool(local, settings)
        cognito = local.client()
        assert "IdToken" in sign_in(cognito, client_id, "alice", GOOD)["AuthenticationResult"]
        monkeypatch.setenv("AWS_ENDPOINT_URL", str(local.endpoint))

        exported = runner.invoke(
            app, ["export", "--config", str(config), "--out", str(out), "--user-pool-id", pool_id, "--json"]
        )
        assert exported.exit_code == 0, exported.output
        document = json.loads(exported.stdout)
        assert document["counts"] == {"legacy_users": 5, "in_pool": 1, "exported": 2, "not_importable": 2}
        assert document["not_importable_by_reason"] == {"locked_out": 1, "no_delivery_channel": 1}

        imported = runner.invoke(
            app,
            ["import", str(out), "--config", str(config), "--user-pool-id", pool_id, "--logs-role-arn", ROLE,
             "--poll-seconds", "0.01", "--json"],
        )  # fmt: skip
        assert imported.exit_code == 0, imported.output
        report = json.loads(imported.stdout)
        assert (report["imported"], report["skipped"], report["failed"], report["not_succeeded"]) == (2, 0, 0, [])

        statuses = {u["Username"]: u["UserStatus"] for u in cognito.list_users(UserPoolId=pool_id)["Users"]}
        assert statuses == {"alice": "CONFIRMED", "carol": "RESET_REQUIRED", "erin": "RESET_REQUIRED"}
        assert attributes(cognito.admin_get_user(UserPoolId=pool_id, Username="erin"))["phone_number"] == "+14325551212"
        assert error_of(lambda: sign_in(cognito, client_id, "carol", GOOD))[0] == "NotAuthorizedException"
        cognito.forgot_password(ClientId=client_id, Username="carol")
        code = local.forgot_password_code(pool_id, "carol")
        cognito.confirm_forgot_password(ClientId=client_id, Username="carol", ConfirmationCode=code, Password=NEW)
        assert "IdToken" in sign_in(cognito, client_id, "carol", NEW)["AuthenticationResult"]

        again = runner.invoke(app, ["export", "--config", str(config), "--out", str(tmp_path / "again"),
                                    "--user-pool-id", pool_id, "--json"])  # fmt: skip
        assert json.loads(again.stdout)["counts"]["exported"] == 0  # everyone importable is in the pool now


def test_pool_members_reads_every_page_of_list_users(local: LocalCognito, cognito: Any) -> None:
    pool_id, _ = local.create_pool_and_client(trigger=None)
    for i in range(65):  # more than one page of 60
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=f"User{i}",
            MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "email", "Value": f"user{i}@example.com"}],
        )
    members = pool_members(cognito, pool_id, case_sensitive=False)
    assert len(members.names) == len(members.emails) == 65
    assert members.holds("user64", by_attribute=False)
    assert members.holds("USER64@example.com", by_attribute=True)


def test_a_start_that_was_not_recorded_is_not_repeated(local: LocalCognito, cognito: Any, tmp_path: Path) -> None:
    from cognito_migrate.bulk.importer import FileJob, put_file

    pool_id, _ = _pool(local)
    exported = _export(cognito, pool_id, tmp_path)
    job = cognito.create_user_import_job(JobName="j", UserPoolId=pool_id, CloudWatchLogsRoleArn=ROLE)["UserImportJob"]
    put_file(job["PreSignedUrl"], exported.files[0].path.read_bytes())
    cognito.start_user_import_job(UserPoolId=pool_id, JobId=job["JobId"])
    # killed after StartUserImportJob answered, before the state file was written
    ImportState(pool_id, {exported.files[0].path.name: FileJob(job["JobId"], uploaded=True)}).save(tmp_path)

    state = run_imports(cognito, pool_id, tmp_path, logs_role_arn=ROLE, poll_seconds=0.01)

    (done,) = state.files.values()
    assert (done.job_id, done.status, done.imported) == (job["JobId"], "Succeeded", 3)
    assert len(cognito.list_user_import_jobs(UserPoolId=pool_id, MaxResults=60)["UserImportJobs"]) == 1

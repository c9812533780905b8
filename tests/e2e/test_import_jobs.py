"""The local Cognito's user import jobs through boto3: header, pre-signed upload, statuses, CSV rules, counts."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any

import pytest

from cognito_migrate import cognito_csv
from tests.e2e.helpers import attributes, error_of, sign_in

if TYPE_CHECKING:
    from cognito_migrate.local import LocalCognito

ROLE = "arn:aws:iam::123456789012:role/CognitoImport"


def _put(url: str, data: bytes, *, sse: bool = True) -> int:
    headers = {"x-amz-server-side-encryption": "aws:kms"} if sse else {}
    request = urllib.request.Request(url, data=data, method="PUT", headers=headers)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def _finished(cognito: Any, pool_id: str, job_id: str) -> dict[str, Any]:
    for _ in range(200):
        job: dict[str, Any] = cognito.describe_user_import_job(UserPoolId=pool_id, JobId=job_id)["UserImportJob"]
        if job["Status"] not in ("Pending", "InProgress"):
            return job
        time.sleep(0.02)
    raise AssertionError("the import job did not finish")


def _run(cognito: Any, pool_id: str, data: bytes) -> dict[str, Any]:
    job = cognito.create_user_import_job(JobName="rest", UserPoolId=pool_id, CloudWatchLogsRoleArn=ROLE)[
        "UserImportJob"
    ]
    assert job["Status"] == "Created"
    assert _put(job["PreSignedUrl"], data) == 200
    started = cognito.start_user_import_job(UserPoolId=pool_id, JobId=job["JobId"])["UserImportJob"]
    assert started["Status"] in ("Pending", "InProgress", "Succeeded")
    return _finished(cognito, pool_id, job["JobId"])


def _csv(header: list[str], *rows: dict[str, str]) -> bytes:
    return (cognito_csv.format_header(header) + "".join(cognito_csv.format_row(header, r) for r in rows)).encode()


def _user(username: str, **extra: str) -> dict[str, str]:
    return {
        "cognito:username": username,
        "cognito:mfa_enabled": "false",
        "email": f"{username}@example.com",
        "email_verified": "true",
        **extra,
    }


def test_header_is_the_pools_own_with_the_two_cognito_columns(local: LocalCognito, cognito: Any) -> None:
    pool_id, _ = local.create_pool_and_client(
        trigger=None, custom_attributes=[{"Name": "legacy_id", "AttributeDataType": "String", "Mutable": True}]
    )
    header = cognito.get_csv_header(UserPoolId=pool_id)["CSVHeader"]
    assert {
        "email",
        "email_verified",
        "phone_number",
        "custom:legacy_id",
        "cognito:username",
        "cognito:mfa_enabled",
    } <= set(header)
    assert "sub" not in header


def test_imported_users_are_reset_required_and_sign_in_after_a_reset_code(local: LocalCognito, cognito: Any) -> None:
    pool_id, client_id = local.create_pool_and_client(trigger=None)
    header = cognito.get_csv_header(UserPoolId=pool_id)["CSVHeader"]

    job = _run(cognito, pool_id, _csv(header, _user("ann", name="Ann, the first"), _user("bob")))

    assert (job["Status"], job["ImportedUsers"], job["SkippedUsers"], job["FailedUsers"]) == ("Succeeded", 2, 0, 0)
    ann = cognito.admin_get_user(UserPoolId=pool_id, Username="ann")
    assert ann["UserStatus"] == "RESET_REQUIRED"
    assert attributes(ann)["name"] == "Ann, the first"  # the escaped comma read back
    assert error_of(lambda: sign_in(cognito, client_id, "ann", "anything-1"))[0] == "NotAuthorizedException"
    cognito.forgot_password(ClientId=client_id, Username="ann")
    code = local.forgot_password_code(pool_id, "ann")
    cognito.confirm_forgot_password(ClientId=client_id, Username="ann", ConfirmationCode=code, Password="New-pass-123")
    assert "AccessToken" in sign_in(cognito, client_id, "ann", "New-pass-123")["AuthenticationResult"]


def test_per_user_rules_count_failed_and_skipped_users(local: LocalCognito, cognito: Any) -> None:
    pool_id, _ = local.create_pool_and_client(trigger=None)
    header = cognito.get_csv_header(UserPoolId=pool_id)["CSVHeader"]
    _run(cognito, pool_id, _csv(header, _user("old")))

    job = _run(
        cognito,
        pool_id,
        _csv(
            header,
            _user("old"),  # already in the pool: skipped
            _user("new"),
            _user("new"),  # twice in the file
            _user("unverified", email_verified="false"),  # could never reset
            _user("yes-mfa", **{"cognito:mfa_enabled": "yes"}),
            _user("badflag", email_verified="maybe"),
            _user("phone", email="", email_verified="", phone_number="+15555550100", phone_number_verified="true"),
        ),
    )

    assert (job["ImportedUsers"], job["SkippedUsers"], job["FailedUsers"]) == (2, 1, 4)
    url = f"{local.endpoint}/_local/import-jobs/{job['JobId']}/log"
    request = urllib.request.Request(url, headers={"X-Local-Token": local.token})  # noqa: S310 - loopback
    log = urllib.request.urlopen(request, timeout=5).read().decode()  # noqa: S310
    assert "no verified email or phone_number" in log
    assert "appears twice" in log
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="phone")["UserStatus"] == "RESET_REQUIRED"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (cognito_csv.BOM + b"cognito:username\n", "byte-order mark"),
        (b"cognito:username,email\nann,a@example.com\n", "header does not match"),
        (b"", "empty"),
        ("\N{LATIN SMALL LETTER E WITH ACUTE}".encode("latin-1"), "not UTF-8"),
    ],
)
def test_a_file_cognito_refuses_fails_the_job(local: LocalCognito, cognito: Any, data: bytes, message: str) -> None:
    pool_id, _ = local.create_pool_and_client(trigger=None)
    job = _run(cognito, pool_id, data)
    assert job["Status"] == "Failed"
    assert message in job["CompletionMessage"]
    assert cognito.list_users(UserPoolId=pool_id)["Users"] == []


def test_upload_needs_the_kms_header_and_a_created_job(local: LocalCognito, cognito: Any) -> None:
    pool_id, _ = local.create_pool_and_client(trigger=None)
    job = cognito.create_user_import_job(JobName="j", UserPoolId=pool_id, CloudWatchLogsRoleArn=ROLE)["UserImportJob"]
    assert _put(job["PreSignedUrl"], b"x", sse=False) == 403
    assert _put(job["PreSignedUrl"].rsplit("/", 1)[0] + "/forged", b"x") == 403
    cognito.start_user_import_job(UserPoolId=pool_id, JobId=job["JobId"])
    assert _finished(cognito, pool_id, job["JobId"])["Status"] == "Failed"  # started without a file
    assert _put(job["PreSignedUrl"], b"x") == 403
    code, _ = error_of(lambda: cognito.start_user_import_job(UserPoolId=pool_id, JobId=job["JobId"]))
    assert code == "InvalidParameterException"


def test_list_stop_and_unknown_jobs(local: LocalCognito, cognito: Any) -> None:
    pool_id, _ = local.create_pool_and_client(trigger=None)
    ids = [
        cognito.create_user_import_job(JobName=f"j{i}", UserPoolId=pool_id, CloudWatchLogsRoleArn=ROLE)[
            "UserImportJob"
        ]["JobId"]
        for i in range(3)
    ]
    first = cognito.list_user_import_jobs(UserPoolId=pool_id, MaxResults=2)
    second = cognito.list_user_import_jobs(UserPoolId=pool_id, MaxResults=2, PaginationToken=first["PaginationToken"])
    assert [j["JobId"] for j in first["UserImportJobs"] + second["UserImportJobs"]] == ids
    assert "PaginationToken" not in second

    stopped = cognito.stop_user_import_job(UserPoolId=pool_id, JobId=ids[0])["UserImportJob"]
    assert stopped["Status"] == "Stopped"
    assert error_of(lambda: cognito.describe_user_import_job(UserPoolId=pool_id, JobId="import-nope"))[0] == (
        "ResourceNotFoundException"
    )
    assert error_of(lambda: cognito.get_csv_header(UserPoolId="us-east-1_nope"))[0] == "ResourceNotFoundException"
    code, _ = error_of(
        lambda: cognito.create_user_import_job(
            JobName="j", UserPoolId=pool_id, CloudWatchLogsRoleArn="role/CognitoImport-with-no-arn"
        )
    )
    assert code == "InvalidParameterException"

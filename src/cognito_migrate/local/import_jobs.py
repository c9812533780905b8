"""User import jobs, as Cognito runs them: GetCSVHeader, Create/Start/Describe/List/StopUserImportJob.

moto (5.2.5) has none of these operations, so the layer owns them all. A job is created ``Created`` with a
pre-signed URL that this server itself serves (``PUT /_local/import-jobs/{job id}/upload``, with the header
``x-amz-server-side-encryption: aws:kms`` that Cognito's URL is signed for). ``StartUserImportJob`` moves it
to ``Pending`` and a worker thread imports the file (``InProgress``, then ``Succeeded``, ``Failed`` or
``Stopped``), counting ``ImportedUsers``, ``SkippedUsers`` and ``FailedUsers``. The file is read with
:mod:`cognito_migrate.cognito_csv`'s rules; imported users are ``RESET_REQUIRED`` without a password, so they
sign in only after ForgotPassword / ConfirmForgotPassword. What Cognito writes to CloudWatch Logs per user is
kept here as the job's log (``GET /_local/import-jobs/{job id}/log``) and printed on the console.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cognito_migrate import cognito_csv
from cognito_migrate.local.backend import MOTO_LOCK, attribute_names, find_pool
from cognito_migrate.local.directory import create_user, find_user
from cognito_migrate.local.errors import CognitoError, invalid_parameter
from cognito_migrate.local.settings import PoolSettings
from cognito_migrate.local.validation import MigrationPlan, is_email, is_phone

if TYPE_CHECKING:
    from collections.abc import Callable

    from cognito_migrate.local.backend import MotoBackend, MotoPool

Json = dict[str, Any]
MAX_JOBS_PER_POOL = 1000  # Cognito's quota of import jobs per user pool
SSE_HEADER = "x-amz-server-side-encryption"
SSE_VALUE = "aws:kms"
RUNNING = ("Pending", "InProgress")
_SUCCEEDED = "Import Job Completed Successfully."


@dataclass
class ImportJob:
    """One job: what DescribeUserImportJob shows, plus the uploaded file and the per-user log."""

    job_id: str
    name: str
    pool_id: str
    role_arn: str
    url: str
    signature: str
    created: float
    status: str = "Created"
    started: float | None = None
    completed: float | None = None
    message: str | None = None
    imported: int = 0
    skipped: int = 0
    failed: int = 0
    data: bytes | None = None
    log: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def describe(self) -> Json:
        out: Json = {
            "JobName": self.name,
            "JobId": self.job_id,
            "UserPoolId": self.pool_id,
            "PreSignedUrl": self.url,
            "CreationDate": self.created,
            "Status": self.status,
            "CloudWatchLogsRoleArn": self.role_arn,
            "ImportedUsers": self.imported,
            "SkippedUsers": self.skipped,
            "FailedUsers": self.failed,
        }
        if self.started is not None:
            out["StartDate"] = self.started
        if self.completed is not None:
            out["CompletionDate"] = self.completed
        if self.message is not None:
            out["CompletionMessage"] = self.message
        return out


def csv_header(pool: MotoPool) -> list[str]:
    """The pool's import header: its schema attributes (``sub`` aside), then the two ``cognito:`` columns."""
    names = [name for name in attribute_names(pool) if name != "sub"]
    return [*names, cognito_csv.MFA_COLUMN, cognito_csv.USERNAME_COLUMN]


class ImportJobs:
    """The import jobs of every pool of the local Cognito. ``base_url`` is set when the server starts."""

    def __init__(self, console: Callable[[str], None]) -> None:
        self.console = console
        self.base_url = "http://127.0.0.1"
        self._jobs: dict[str, ImportJob] = {}
        self._lock = threading.Lock()

    # -- the API ------------------------------------------------------------------------------------------
    def get_csv_header(self, params: Json) -> Json:
        pool_id = params.get("UserPoolId") or ""
        with MOTO_LOCK:
            return {"UserPoolId": pool_id, "CSVHeader": csv_header(_pool(pool_id))}

    def create(self, params: Json) -> Json:
        pool_id = params.get("UserPoolId") or ""
        name = params.get("JobName") or ""
        role = params.get("CloudWatchLogsRoleArn") or ""
        with MOTO_LOCK:
            _pool(pool_id)
        if not name:
            raise invalid_parameter("Missing required parameter JobName")
        if not role.startswith("arn:"):
            raise invalid_parameter(
                "1 validation error detected: Value at 'cloudWatchLogsRoleArn' failed to satisfy constraint"
            )
        if params.get("PasswordHashingAlgorithm") is not None:
            # no reachable document says how the CSV carries hashes: importing with one would be a guess
            raise invalid_parameter(
                "PasswordHashingAlgorithm is not supported by the local Cognito (see docs/local-cognito.md)"
            )
        with self._lock:
            if sum(job.pool_id == pool_id for job in self._jobs.values()) >= MAX_JOBS_PER_POOL:
                raise CognitoError("LimitExceededException", "The user pool has reached its limit of import jobs.")
            job_id = "import-" + secrets.token_hex(5)
            signature = secrets.token_urlsafe(24)
            job = ImportJob(
                job_id=job_id,
                name=name,
                pool_id=pool_id,
                role_arn=role,
                url=f"{self.base_url}/_local/import-jobs/{job_id}/upload/{signature}",
                signature=signature,
                created=time.time(),
            )
            self._jobs[job_id] = job
            return {"UserImportJob": job.describe()}

    def describe(self, params: Json) -> Json:
        with self._lock:
            return {"UserImportJob": self._job(params).describe()}

    def list_jobs(self, params: Json) -> Json:
        pool_id = params.get("UserPoolId") or ""
        size = params.get("MaxResults")
        if not isinstance(size, int) or not 1 <= size <= 60:
            raise invalid_parameter("MaxResults must be from 1 to 60")
        with MOTO_LOCK:
            _pool(pool_id)
        with self._lock:
            jobs = [job for job in self._jobs.values() if job.pool_id == pool_id]
            start = int(params.get("PaginationToken") or 0)
            page = jobs[start : start + size]
            out: Json = {"UserImportJobs": [job.describe() for job in page]}
            if start + size < len(jobs):
                out["PaginationToken"] = str(start + size)
            return out

    def start(self, params: Json) -> Json:
        with self._lock:
            job = self._job(params)
            if job.status != "Created":
                raise invalid_parameter(f"Import job {job.job_id} is {job.status}, not Created.")
            job.status = "Pending"
            job.started = time.time()
            answer = {"UserImportJob": job.describe()}
        threading.Thread(target=self._run, args=(job,), name=f"import-{job.job_id}", daemon=True).start()
        return answer

    def stop(self, params: Json) -> Json:
        with self._lock:
            job = self._job(params)
            if job.status not in ("Created", *RUNNING):
                raise invalid_parameter(f"Import job {job.job_id} is {job.status}; it cannot be stopped.")
            job.stop.set()
            if job.status == "Created":
                self._finish(job, "Stopped", "Import Job Stopped.")
            return {"UserImportJob": job.describe()}

    def upload(self, job_id: str, signature: str, headers: dict[str, str], body: bytes) -> tuple[int, str]:
        """The PUT of the CSV to the pre-signed URL: (HTTP status, message)."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or not secrets.compare_digest(signature.encode(), job.signature.encode()):
                return 403, "the URL's signature does not match"
            if headers.get(SSE_HEADER, "") != SSE_VALUE:
                return 403, f"the pre-signed URL is signed for the header {SSE_HEADER}: {SSE_VALUE}"
            if job.status != "Created":
                return 403, f"the job is {job.status}: the file can be uploaded only before it starts"
            job.data = body
        return 200, "uploaded"

    def log(self, job_id: str) -> list[str] | None:
        with self._lock:
            job = self._jobs.get(job_id)
            return None if job is None else list(job.log)

    # -- the worker ---------------------------------------------------------------------------------------
    def _job(self, params: Json) -> ImportJob:
        job = self._jobs.get(params.get("JobId") or "")
        if job is None or job.pool_id != params.get("UserPoolId"):
            raise CognitoError("ResourceNotFoundException", "Import job not found.")
        return job

    def _finish(self, job: ImportJob, status: str, message: str) -> None:
        job.status = status
        job.message = message
        job.completed = time.time()
        self.console(
            f"import job {job.job_id} {status}: {job.imported} imported, {job.skipped} skipped, {job.failed} failed"
        )

    def _run(self, job: ImportJob) -> None:
        with self._lock:
            if job.stop.is_set():
                self._finish(job, "Stopped", "Import Job Stopped.")
                return
            job.status = "InProgress"
        problem, lines = _read_file(job.data)
        with MOTO_LOCK:
            found = find_pool(job.pool_id)
            header = csv_header(found[1]) if found else []
        columns = cognito_csv.parse_row(lines[0]) if lines else []
        if problem is None and sorted(columns) != sorted(header):
            problem = "The CSV header does not match the user pool's header (GetCSVHeader)."
        if found is None or problem is not None:
            with self._lock:
                self._finish(job, "Failed", problem or "The user pool no longer exists.")
            return
        backend, pool = found
        seen: set[str] = set()
        for number, line in enumerate(lines[1:], start=2):
            if job.stop.is_set():
                with self._lock:
                    self._finish(job, "Stopped", "Import Job Stopped.")
                return
            if not line:
                continue
            outcome, reason = self._import_row(backend, pool, columns, line, seen)
            with self._lock:
                if outcome == "imported":
                    job.imported += 1
                elif outcome == "skipped":
                    job.skipped += 1
                else:
                    job.failed += 1
                if reason:
                    job.log.append(f"line {number}: {outcome}: {reason}")
        with self._lock:
            self._finish(job, "Succeeded", _SUCCEEDED)

    @staticmethod
    def _import_row(
        backend: MotoBackend, pool: MotoPool, columns: list[str], line: str, seen: set[str]
    ) -> tuple[str, str]:
        """("imported" | "skipped" | "failed", reason) for one line."""
        if len(line) > cognito_csv.MAX_ROW_CHARACTERS:
            return "failed", f"the row is longer than {cognito_csv.MAX_ROW_CHARACTERS} characters"
        cells = cognito_csv.parse_row(line)
        if len(cells) != len(columns):
            return "failed", f"{len(cells)} values for {len(columns)} columns"
        row: dict[str, str] = dict(zip(columns, cells, strict=True))
        username = row.pop(cognito_csv.USERNAME_COLUMN)
        problem = _row_problem(username, row)
        if problem is not None:
            return "failed", problem
        attributes = {name: value for name, value in row.items() if value}
        with MOTO_LOCK:
            settings = PoolSettings.from_moto(pool)
            key = settings.fold(username)
            if key in seen:
                return "failed", "the user name appears twice in the file"
            seen.add(key)
            if find_user(pool, settings, username) is not None:
                return "skipped", "the user already exists in the pool"
            plan = MigrationPlan(username, attributes, "RESET_REQUIRED", False, "SUPPRESS", ())
            try:
                create_user(backend, pool, settings, plan, None)
            except CognitoError as exc:
                return "failed", exc.message
        return "imported", ""


def _row_problem(username: str, row: dict[str, str]) -> str | None:
    """Why Cognito would fail this user (``row`` without the user name; flags are lower-cased in place)."""
    if not username:
        return "cognito:username is empty"
    if row.pop(cognito_csv.MFA_COLUMN).lower() not in ("true", "false"):
        return "cognito:mfa_enabled must be true or false"
    for flag in ("email_verified", "phone_number_verified"):
        if row.get(flag, "").lower() not in ("", "true", "false"):
            return f"{flag} must be true or false"
        if row.get(flag):
            row[flag] = row[flag].lower()
    if row.get("email") and not is_email(row["email"]):
        return "email is not a valid e-mail address"
    if row.get("phone_number") and not is_phone(row["phone_number"]):
        return "phone_number is not in E.164 format"
    verified_email = bool(row.get("email")) and row.get("email_verified") == "true"
    verified_phone = bool(row.get("phone_number")) and row.get("phone_number_verified") == "true"
    if not (verified_email or verified_phone):
        return "the user has no verified email or phone_number to reset the password with"
    return None


def _read_file(data: bytes | None) -> tuple[str | None, list[str]]:
    """(why the whole file is refused, or None; its lines)."""
    if data is None:
        return "No file was uploaded to the job's pre-signed URL.", []
    if len(data) > cognito_csv.MAX_BYTES_PER_FILE:
        return "The file is larger than 100 MB.", []
    if data.startswith(cognito_csv.BOM):
        return "The file starts with a byte-order mark: save it as UTF-8 without a BOM.", []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "The file is not UTF-8.", []
    lines = [line.rstrip("\r") for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    if not lines:
        return "The file is empty: it needs the header line.", []
    if len(lines) - 1 > cognito_csv.MAX_USERS_PER_FILE:
        return f"The file has more than {cognito_csv.MAX_USERS_PER_FILE} users.", []
    return None, lines


def _pool(pool_id: str) -> Any:
    found = find_pool(pool_id)
    if found is None:
        raise CognitoError("ResourceNotFoundException", f"User pool {pool_id} does not exist.")
    return found[1]

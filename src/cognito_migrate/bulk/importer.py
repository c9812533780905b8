"""Import the exported CSV files with Cognito's user import jobs, resumably.

For each ``cognito-import-NNNN.csv`` of the directory: CreateUserImportJob, PUT the file to the job's
pre-signed URL (with the ``x-amz-server-side-encryption: aws:kms`` header Cognito's URL is signed for),
StartUserImportJob, then DescribeUserImportJob until the job ends. Every step is recorded at once in the
directory's ``import-state.json`` (file -> job id, uploaded, started, status, counts), so a run that was
interrupted resumes where it stopped: a file whose job exists is never given a second job, a job already
started (even if the start was not recorded) is not started again, and a job that ended is not touched again.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Final

from cognito_migrate.bulk.export import FILE_PREFIX
from cognito_migrate.errors import CognitoMigrateError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

STATE_FILE: Final = "import-state.json"
ENDED: Final = ("Succeeded", "Failed", "Stopped", "Expired")
SSE_HEADERS: Final = {"x-amz-server-side-encryption": "aws:kms"}


class ImportJobError(CognitoMigrateError):
    """The import cannot go on (a state file of another pool, an upload refused)."""


@dataclass
class FileJob:
    """One file's job, as the state file records it."""

    job_id: str
    uploaded: bool = False
    started: bool = False
    status: str = "Created"
    imported: int = 0
    skipped: int = 0
    failed: int = 0
    message: str = ""


@dataclass
class ImportState:
    user_pool_id: str
    files: dict[str, FileJob] = field(default_factory=dict)

    @classmethod
    def load(cls, directory: Path, user_pool_id: str) -> ImportState:
        path = directory / STATE_FILE
        if not path.exists():
            return cls(user_pool_id)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            state = cls(raw["user_pool_id"], {name: FileJob(**job) for name, job in raw["files"].items()})
        except (ValueError, KeyError, TypeError) as exc:
            problem = f"{path} cannot be read ({type(exc).__name__}): remove it only if no job was created"
            raise ImportJobError(problem) from None
        if state.user_pool_id != user_pool_id:
            raise ImportJobError(f"{path} records jobs of the pool {state.user_pool_id}, not {user_pool_id}")
        return state

    def save(self, directory: Path) -> None:
        """Write the state atomically (a crash leaves the old file or the new one, never half of one)."""
        path = directory / STATE_FILE
        temporary = path.with_suffix(".tmp")
        document = {"user_pool_id": self.user_pool_id, "files": {n: asdict(j) for n, j in self.files.items()}}
        temporary.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        temporary.replace(path)


def import_files_of(directory: Path) -> list[Path]:
    """The export's CSV files of ``directory``, in order."""
    return sorted(directory.glob(f"{FILE_PREFIX}*.csv"))


def users_in(path: Path) -> int:
    """Users in a file (lines after the header)."""
    with path.open("rb") as stream:
        return max(sum(1 for _ in stream) - 1, 0)


def put_file(url: str, data: bytes) -> None:
    """Upload to a pre-signed URL with the headers it is signed for."""
    request = urllib.request.Request(url, data=data, method="PUT", headers=SSE_HEADERS)  # noqa: S310 - the job's URL
    try:
        with urllib.request.urlopen(request, timeout=300):  # noqa: S310
            return
    except urllib.error.HTTPError as exc:
        raise ImportJobError(f"the upload to the job's pre-signed URL was refused (HTTP {exc.code})") from None
    except OSError as exc:
        raise ImportJobError(f"the upload to the job's pre-signed URL failed ({type(exc).__name__})") from None


def run_imports(
    cognito: Any,
    user_pool_id: str,
    directory: Path,
    *,
    logs_role_arn: str,
    poll_seconds: float = 5.0,
    put: Callable[[str, bytes], None] = put_file,
    on_update: Callable[[str, FileJob], None] = lambda _name, _job: None,
    sleep: Callable[[float], None] = time.sleep,
) -> ImportState:
    """Create, upload, start and follow one job per file (one after the other); returns the final state."""
    files = import_files_of(directory)
    if not files:
        raise ImportJobError(f"{directory} holds no {FILE_PREFIX}*.csv file: run cognito-migrate export first")
    state = ImportState.load(directory, user_pool_id)
    for path in files:
        job = state.files.get(path.name)
        if job is None:
            created = cognito.create_user_import_job(
                JobName=f"cognito-migrate-{path.stem}", UserPoolId=user_pool_id, CloudWatchLogsRoleArn=logs_role_arn
            )["UserImportJob"]
            job = state.files[path.name] = FileJob(created["JobId"], status=created["Status"])
            state.save(directory)
        if job.status in ENDED:
            on_update(path.name, job)
            continue
        if not job.started:
            # a step done but not recorded (killed between the call and the save) shows in the job's status
            described = cognito.describe_user_import_job(UserPoolId=user_pool_id, JobId=job.job_id)["UserImportJob"]
            if described["Status"] == "Created":
                if not job.uploaded:
                    put(described["PreSignedUrl"], path.read_bytes())
                    job.uploaded = True
                    state.save(directory)
                cognito.start_user_import_job(UserPoolId=user_pool_id, JobId=job.job_id)
            job.uploaded = job.started = True
            state.save(directory)
        while True:
            described = cognito.describe_user_import_job(UserPoolId=user_pool_id, JobId=job.job_id)["UserImportJob"]
            _update(job, described)
            state.save(directory)
            on_update(path.name, job)
            if job.status in ENDED:
                break
            sleep(poll_seconds)
    return state


def _update(job: FileJob, described: dict[str, Any]) -> None:
    job.status = described["Status"]
    job.imported = int(described.get("ImportedUsers", 0))
    job.skipped = int(described.get("SkippedUsers", 0))
    job.failed = int(described.get("FailedUsers", 0))
    job.message = str(described.get("CompletionMessage", ""))

"""What exports, imports and bulk loads keep: the object store they use, and a record of each job.

A record is the job's description as DescribeExport, DescribeImport or DescribeBulkOperation
answer it (the members the service names), kept as a dict: saving it is copying it. Records are
engine-wide state: they outlive their table, and snapshots and `--data-dir` keep them (the
features' `save`/`load`). A record saved IN_PROGRESS comes back FAILED: the work in progress was
the old process's (its items read, its files half written), and nothing finishes it.

A request's ClientToken makes it idempotent for 8 hours, as the API Reference of each start
operation says: the same token with the same parameters answers with the job it started (a client's
retry starts nothing new), with other parameters it is the operation's conflict error
(ExportConflictException, ImportConflictException, IdempotentParameterMismatchException).
"""

from __future__ import annotations

import copy
import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.engine.jobs import Job, Jobs
from dynasim.objects import ObjectStore
from dynasim.objects.configure import object_store
from dynasim.storage.changes import FeatureChanged

if TYPE_CHECKING:
    from dynasim.engine import Engine

EXPORT, IMPORT, BULK = "export", "import", "bulk"
IN_PROGRESS, COMPLETED, FAILED = "IN_PROGRESS", "COMPLETED", "FAILED"
# A ClientToken makes a request idempotent for 8 hours (the API Reference of each start operation).
IDEMPOTENCY_SECONDS = 8 * 3600


@dataclass
class Record:
    """One export, import or bulk load: `kind`, its ARN and its description."""

    kind: str
    arn: str
    description: dict[str, Any]
    status_member: str  # ExportStatus, ImportStatus or BulkOperationStatus
    request_digest: str | None = None  # of the request that started it, ClientToken aside

    @property
    def status(self) -> str:
        return str(self.description[self.status_member])


_STATUS_MEMBERS = {EXPORT: "ExportStatus", IMPORT: "ImportStatus", BULK: "BulkOperationStatus"}
_CONFLICTS: dict[str, Callable[[str], errors.DynamoDBError]] = {
    EXPORT: errors.export_conflict,
    IMPORT: errors.import_conflict,
    BULK: errors.bulk_operation_conflict,
}


def request_digest(request: dict[str, Any]) -> str:
    """What identifies a request's parameters, its ClientToken aside."""
    parameters = {name: value for name, value in request.items() if name != "ClientToken"}
    return hashlib.sha256(json.dumps(parameters, sort_keys=True, default=str).encode()).hexdigest()


class Transfers:
    """The engine's object store and its export, import and bulk load records; a feature's state."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.store: ObjectStore = object_store()  # the Simulator puts the one the user chose here
        self.records: dict[str, Record] = {}
        # each import's and bulk load's log of bad items, as CloudWatch Logs would hold it (not saved)
        self.errors: dict[str, list[dict[str, Any]]] = {}

    def new_id(self) -> str:
        """A job id as the service makes them: epoch milliseconds in 14 digits, then 8 hex digits."""
        return f"{int(self.engine.clock() * 1000):014d}-{secrets.token_hex(4)}"

    def repeated(self, kind: str, request: dict[str, Any]) -> Record | None:
        """The record a request with the same ClientToken started within the last 8 hours (the
        request is a retry: the service answers with that job), or None; the token reused with other
        parameters is the kind's conflict error."""
        token = request.get("ClientToken")
        if token is None:
            return None
        now = self.engine.clock()
        for record in self.of_kind(kind):
            description = record.description
            if description.get("ClientToken") == token and now - description["StartTime"] < IDEMPOTENCY_SECONDS:
                if record.request_digest != request_digest(request):
                    raise _CONFLICTS[kind](token)
                return record
        return None

    def add(self, kind: str, arn: str, description: dict[str, Any], request: dict[str, Any]) -> Record:
        record = self.records[arn] = Record(kind, arn, description, _STATUS_MEMBERS[kind], request_digest(request))
        self.changed()
        return record

    def find(self, kind: str, arn: Any) -> Record | None:
        record = self.records.get(arn) if isinstance(arn, str) else None
        return record if record is not None and record.kind == kind else None

    def of_kind(self, kind: str) -> list[Record]:
        return [record for record in self.records.values() if record.kind == kind]

    def finish(self, record: Record, status: str, **members: Any) -> None:
        """End the record's job: its status, EndTime and the members its outcome adds."""
        record.description[record.status_member] = status
        record.description["EndTime"] = self.engine.clock()
        record.description.update(members)
        self.changed()

    def fail(self, record: Record, job: Job | None, code: str, message: str) -> None:
        """End the record FAILED with `code` and `message` (its job too, if the job thought it done)."""
        self.finish(record, FAILED, FailureCode=code, FailureMessage=message)
        if job is not None:
            job.status, job.failure_code, job.failure_message = FAILED, code, message

    def job(self, arn: str) -> Job | None:
        return next((job for job in reversed(self.engine.state(Jobs).jobs) if job.resource == arn), None)

    def changed(self) -> None:
        self.engine.record(FeatureChanged("transfers"))

    # --- saved state (see `dynasim.engine.features`) --------------------------------------------

    def save(self) -> list[dict[str, Any]]:
        return [
            {
                "kind": record.kind,
                "arn": record.arn,
                "description": copy.deepcopy(record.description),
                "request_digest": record.request_digest,
            }
            for record in self.records.values()
        ]

    def load(self, saved: list[dict[str, Any]] | None) -> None:
        self.records = {}
        self.errors = {}
        for entry in saved or []:
            kind = entry["kind"]
            description = copy.deepcopy(entry["description"])
            record = Record(kind, entry["arn"], description, _STATUS_MEMBERS[kind], entry.get("request_digest"))
            if record.status == IN_PROGRESS:
                code, message = errors.TRANSFER_INTERRUPTED
                record.description.update(
                    {record.status_member: FAILED, "FailureCode": code, "FailureMessage": message}
                )
            self.records[record.arn] = record

"""Writing an export as ExportTableToPointInTime does: its folder, data files and manifests.

    <prefix>/AWSDynamoDB/<ExportId>/_started                 empty, written first
    <prefix>/AWSDynamoDB/<ExportId>/data/<name>.json.gz      a full export's data (.ion.gz for ION)
    <prefix>/AWSDynamoDB/data/<name>.json.gz                 an incremental export's, in a shared folder
    <prefix>/AWSDynamoDB/<ExportId>/manifest-files.json      a JSON line per data file
    <prefix>/AWSDynamoDB/<ExportId>/manifest-files.md5
    <prefix>/AWSDynamoDB/<ExportId>/manifest-summary.json    written last: the export is complete
    <prefix>/AWSDynamoDB/<ExportId>/manifest-summary.md5

(Developer Guide, "DynamoDB table export output format"; the `.md5` names, 24 bytes each, and
`_started`'s place as listings of real exports show them; see `dynasim.formats`.) Keys in the
manifests are the objects' whole keys, prefix included, as real summaries show them
("20230919-prefix/AWSDynamoDB/.../manifest-files.json"). A data file's md5Checksum is the base64
MD5 of its bytes and its etag the one S3 gives a one-part multipart upload (the MD5 of the part's
MD5, then "-1"), as the service uploads its files. There is always at least one data file: an
empty table gives one empty gzip file, as the service's empty partitions do.

An S3 refusal raises `ObjectStoreError`; its `failure()` is the export's FailureCode and
FailureMessage.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from dynasim import values, wire
from dynasim.formats import dynamodb_json, ion
from dynasim.formats.compression import gzip_compress
from dynasim.objects import ObjectStore
from dynasim.values import Item

FULL_EXPORT_VERSION = "2020-06-30"
INCREMENTAL_EXPORT_VERSION = "2023-08-01"
ROOT = "AWSDynamoDB"
VIEW_TYPES = ("NEW_AND_OLD_IMAGES", "NEW_IMAGE")
# The service writes at least a file per partition; a simulated table has no partitions, so a
# file holds up to this many items.
ITEMS_PER_FILE = 100_000
_LINE_FORMATS = {"DYNAMODB_JSON": dynamodb_json, "ION": ion}


def new_export_id(now: float) -> str:
    """An export id as the service makes them: "01645072900758-ee1232a3" (epoch milliseconds
    in 14 digits, then 8 hex digits)."""
    return f"{int(now * 1000):014d}-{secrets.token_hex(4)}"


def timestamp(seconds: float) -> str:
    """A manifest's time: "2020-11-04T07:28:34.028Z"."""
    moment = datetime.fromtimestamp(seconds, timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass(frozen=True)
class ExportDestination:
    """Where an export goes: ExportTableToPointInTime's S3Bucket, S3Prefix, S3BucketOwner,
    S3SseAlgorithm and S3SseKmsKeyId."""

    bucket: str
    prefix: str | None = None
    owner: str | None = None
    sse_algorithm: str = "AES256"
    kms_key_id: str | None = None

    def key(self, *parts: str) -> str:
        """The key of `<prefix>/AWSDynamoDB/<parts...>` (no prefix: `AWSDynamoDB/...`)."""
        path = "/".join((ROOT, *parts))
        if not self.prefix:
            return path
        return f"{self.prefix}{path}" if self.prefix.endswith("/") else f"{self.prefix}/{path}"


@dataclass(frozen=True)
class ChangeRecord:
    """One item's change over an incremental export's period: its key, its image before the
    period (None: it did not exist) and after it (None: deleted), and when it was last written."""

    keys: Item
    old_image: Item | None
    new_image: Item | None
    write_time_micros: int


@dataclass(frozen=True)
class DataFile:
    """One line of manifest-files.json."""

    key: str
    item_count: int
    md5_checksum: str
    etag: str

    def manifest_line(self) -> dict[str, Any]:
        return {
            "itemCount": self.item_count,
            "md5Checksum": self.md5_checksum,
            "etag": self.etag,
            "dataFileS3Key": self.key,
        }


@dataclass(frozen=True)
class ExportResult:
    """What a written export adds to its ExportDescription, and what it wrote."""

    item_count: int
    billed_size_bytes: int
    export_manifest: str  # the key of manifest-summary.json
    manifest_files_key: str
    data_files: tuple[DataFile, ...]

    def description(self) -> dict[str, Any]:
        """The members DescribeExport gains when the export completes."""
        return {
            "ExportManifest": self.export_manifest,
            "ItemCount": self.item_count,
            "BilledSizeBytes": self.billed_size_bytes,
        }


def write_full_export(
    store: ObjectStore,
    items: Iterable[Item],
    *,
    export_arn: str,
    table_arn: str,
    table_id: str,
    export_time: float,
    start_time: float,
    end_time: float,
    destination: ExportDestination,
    export_format: str = "DYNAMODB_JSON",
    items_per_file: int = ITEMS_PER_FILE,
) -> ExportResult:
    """Write the table's `items` (dynasim's wire form: binary values as bytes) as a full export
    of the table at `export_time`."""
    writer = _ExportWriter(store, destination, export_arn, export_format)
    lines = ({"Item": item} for item in items)
    files, billed = writer.write_data(lines, f"{writer.export_folder}/data", items_per_file)
    head = {
        "version": FULL_EXPORT_VERSION,
        **writer.job_members(start_time, end_time, table_arn, table_id),
        "exportTime": timestamp(export_time),
    }
    return writer.finish(files, billed, head, {"outputFormat": export_format})


def write_incremental_export(
    store: ObjectStore,
    changes: Iterable[ChangeRecord],
    *,
    export_arn: str,
    table_arn: str,
    table_id: str,
    export_from_time: float,
    export_to_time: float,
    start_time: float,
    end_time: float,
    destination: ExportDestination,
    export_format: str = "DYNAMODB_JSON",
    view_type: str = "NEW_AND_OLD_IMAGES",
    items_per_file: int = ITEMS_PER_FILE,
) -> ExportResult:
    """Write `changes` (one per item: see `compact`) as an incremental export of the period
    [export_from_time, export_to_time). A line has the item's Keys, its NewImage unless it was
    deleted, and with NEW_AND_OLD_IMAGES its OldImage if it existed before."""
    if view_type not in VIEW_TYPES:
        raise ValueError(f"ExportViewType is one of {', '.join(VIEW_TYPES)}, not {view_type!r}")
    writer = _ExportWriter(store, destination, export_arn, export_format)
    records = (_change_line(change, view_type) for change in changes)
    files, billed = writer.write_data(records, destination.key("data"), items_per_file)
    head = {
        "version": INCREMENTAL_EXPORT_VERSION,
        **writer.job_members(start_time, end_time, table_arn, table_id),
        "exportFromTime": timestamp(export_from_time),
        "exportToTime": timestamp(export_to_time),
    }
    tail = {"outputFormat": export_format, "outputView": view_type, "exportType": "INCREMENTAL_EXPORT"}
    return writer.finish(files, billed, head, tail)


def _change_line(change: ChangeRecord, view_type: str) -> dict[str, Item]:
    line = {"Metadata": {"WriteTimestampMicros": {"N": str(change.write_time_micros)}}, "Keys": change.keys}
    if change.new_image is not None:
        line["NewImage"] = change.new_image
    if change.old_image is not None and view_type == "NEW_AND_OLD_IMAGES":
        line["OldImage"] = change.old_image
    return line


def compact(changes: Iterable[ChangeRecord]) -> list[ChangeRecord]:
    """The changes of a period, one per item, as an incremental export holds them: the item's
    image before its first change, after its last, and the last change's time; an item created
    and deleted within the period is left out. In the order items first changed."""
    folded: dict[bytes, ChangeRecord] = {}
    for change in changes:
        identity = wire.dumps(sorted(change.keys.items()))
        first = folded.get(identity)
        old_image = change.old_image if first is None else first.old_image
        folded[identity] = ChangeRecord(change.keys, old_image, change.new_image, change.write_time_micros)
    return [change for change in folded.values() if change.old_image is not None or change.new_image is not None]


class _ExportWriter:
    """The steps every export takes: `_started`, data files, then the manifests."""

    def __init__(self, store: ObjectStore, destination: ExportDestination, export_arn: str, export_format: str) -> None:
        if export_format not in _LINE_FORMATS:
            raise ValueError(f"ExportFormat is one of {', '.join(_LINE_FORMATS)}, not {export_format!r}")
        self.store = store.owned_by(destination.owner)
        self.destination = destination
        self.export_arn = export_arn
        self.lines = _LINE_FORMATS[export_format]
        self.export_folder = destination.key(export_arn.rsplit("/", 1)[-1])
        # The service writes `_started` first: it shows the bucket is writable and the export begun.
        self.store.put(destination.bucket, f"{self.export_folder}/_started", b"")

    def write_data(
        self, lines: Iterable[dict[str, Item]], folder: str, items_per_file: int
    ) -> tuple[list[DataFile], int]:
        """The data files written from `lines`, and their billed size: the size of every item in
        them but the Metadata."""
        files: list[DataFile] = []
        chunk: list[bytes] = []
        billed = 0
        for line in lines:
            billed += sum(values.item_size(item) for member, item in line.items() if member != "Metadata")
            chunk.append(self.lines.encode_line(line))
            if len(chunk) == items_per_file:
                files.append(self._write_file(folder, chunk))
                chunk = []
        if chunk or not files:
            files.append(self._write_file(folder, chunk))
        return files, billed

    def _write_file(self, folder: str, lines: list[bytes]) -> DataFile:
        name = base64.b32encode(secrets.token_bytes(16)).decode("ascii").rstrip("=").lower()
        key = f"{folder}/{name}{self.lines.EXTENSION}"
        data = gzip_compress(b"".join(lines))
        self.store.put(self.destination.bucket, key, data)
        digest = hashlib.md5(data).digest()
        etag = hashlib.md5(digest).hexdigest() + "-1"
        return DataFile(key, len(lines), base64.b64encode(digest).decode("ascii"), etag)

    def job_members(self, start_time: float, end_time: float, table_arn: str, table_id: str) -> dict[str, Any]:
        return {
            "exportArn": self.export_arn,
            "startTime": timestamp(start_time),
            "endTime": timestamp(end_time),
            "tableArn": table_arn,
            "tableId": table_id,
        }

    def finish(self, files: list[DataFile], billed: int, head: dict[str, Any], tail: dict[str, Any]) -> ExportResult:
        """Write the manifests, the summary (`head`, the destination, the counts, `tail`) last."""
        item_count = sum(file.item_count for file in files)
        summary = {
            **head,
            "s3Bucket": self.destination.bucket,
            "s3Prefix": self.destination.prefix or None,
            "s3SseAlgorithm": self.destination.sse_algorithm,
            "s3SseKmsKeyId": self.destination.kms_key_id,
            "manifestFilesS3Key": f"{self.export_folder}/manifest-files.json",
            "billedSizeBytes": billed,
            "itemCount": item_count,
            **tail,
        }
        files_key = self._put_with_md5("manifest-files", b"".join(_json_line(file.manifest_line()) for file in files))
        summary_key = self._put_with_md5("manifest-summary", json.dumps(summary, separators=(",", ":")).encode())
        return ExportResult(item_count, billed, summary_key, files_key, tuple(files))

    def _put_with_md5(self, name: str, data: bytes) -> str:
        key = f"{self.export_folder}/{name}.json"
        self.store.put(self.destination.bucket, key, data)
        checksum = base64.b64encode(hashlib.md5(data).digest())
        self.store.put(self.destination.bucket, f"{self.export_folder}/{name}.md5", checksum)
        return key


def _json_line(document: dict[str, Any]) -> bytes:
    return json.dumps(document, separators=(",", ":")).encode() + b"\n"

"""An export's objects, as ExportTableToPointInTime writes them (Developer Guide, "DynamoDB table
export output format"; listings of real exports for the `.md5` files and `_started`)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from export_examples import GUIDE_ITEM

from dynasim import values
from dynasim.formats import ion
from dynasim.formats.export import (
    ChangeRecord,
    ExportDestination,
    compact,
    new_export_id,
    timestamp,
    write_full_export,
    write_incremental_export,
)
from dynasim.formats.extras import MissingExtra
from dynasim.objects import DirectoryStore, ObjectStore, ObjectStoreError

pytest_plugins = ["object_stores"]

BUCKET = "ddb-productcatalog-export"
TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/ProductCatalog"
TABLE_ID = "12345a12-abcd-123a-ab12-1234abc12345"
EXPORT_ID = "01604474914028-a1b2c3d4"
EXPORT_ARN = f"{TABLE_ARN}/export/{EXPORT_ID}"
START, END = 1604474914.028, 1604475223.897

BOOK = GUIDE_ITEM
GUIDE_ION_LINE = (
    '$ion_1_0 {Item:{Authors:$dynamodb_SS::["Author1","Author2"],Dimensions:"8.5 x 11.0 x 1.5",'
    'ISBN:"333-3333333333",Id:103.,InPublication:false,PageCount:6d2,Price:2d3,ProductCategory:"Book",'
    'Title:"Book 103 Title"}}'
)
DATA_NAME = re.compile(r"[a-z2-7]{26}")


def full_export(
    store: ObjectStore, items: list[dict[str, Any]], prefix: str | None = "2020-Nov", **options: Any
) -> Any:
    return write_full_export(
        store,
        items,
        export_arn=EXPORT_ARN,
        table_arn=TABLE_ARN,
        table_id=TABLE_ID,
        export_time=START,
        start_time=START,
        end_time=END,
        destination=ExportDestination(BUCKET, prefix),
        **options,
    )


def read_json(store: ObjectStore, key: str) -> Any:
    return json.loads(store.get(BUCKET, key))


def data_lines(store: ObjectStore, key: str) -> list[bytes]:
    return gzip.decompress(store.get(BUCKET, key)).splitlines()


# --- a full export ------------------------------------------------------------------------------


def test_a_full_export_writes_the_services_objects(store: ObjectStore) -> None:
    result = full_export(store, [BOOK])

    folder = f"2020-Nov/AWSDynamoDB/{EXPORT_ID}"
    keys = [info.key for info in store.list(BUCKET)]
    (data_key,) = [key for key in keys if "/data/" in key]
    assert keys == sorted(
        [
            f"{folder}/_started",
            data_key,
            f"{folder}/manifest-files.json",
            f"{folder}/manifest-files.md5",
            f"{folder}/manifest-summary.json",
            f"{folder}/manifest-summary.md5",
        ]
    )
    assert data_key.startswith(f"{folder}/data/") and data_key.endswith(".json.gz")
    assert DATA_NAME.fullmatch(data_key.rsplit("/", 1)[1].removesuffix(".json.gz"))
    assert store.get(BUCKET, f"{folder}/_started") == b""
    assert result.description() == {
        "ExportManifest": f"{folder}/manifest-summary.json",
        "ItemCount": 1,
        "BilledSizeBytes": result.billed_size_bytes,
    }


def test_the_summary_manifest_has_the_services_members_in_its_order(store: ObjectStore) -> None:
    result = full_export(store, [BOOK, {**BOOK, "Id": {"N": "104"}}])

    summary_bytes = store.get(BUCKET, result.export_manifest)
    summary = json.loads(summary_bytes)
    assert list(summary.items()) == [
        ("version", "2020-06-30"),
        ("exportArn", EXPORT_ARN),
        ("startTime", "2020-11-04T07:28:34.028Z"),
        ("endTime", "2020-11-04T07:33:43.897Z"),
        ("tableArn", TABLE_ARN),
        ("tableId", TABLE_ID),
        ("exportTime", "2020-11-04T07:28:34.028Z"),
        ("s3Bucket", BUCKET),
        ("s3Prefix", "2020-Nov"),
        ("s3SseAlgorithm", "AES256"),
        ("s3SseKmsKeyId", None),
        ("manifestFilesS3Key", f"2020-Nov/AWSDynamoDB/{EXPORT_ID}/manifest-files.json"),
        ("billedSizeBytes", result.billed_size_bytes),
        ("itemCount", 2),
        ("outputFormat", "DYNAMODB_JSON"),
    ]
    assert result.billed_size_bytes == 2 * values.item_size(BOOK)  # the table's size, as DescribeTable counts it
    md5 = store.get(BUCKET, result.export_manifest.replace(".json", ".md5"))
    assert md5 == base64.b64encode(hashlib.md5(summary_bytes).digest()) and len(md5) == 24


def test_the_files_manifest_lists_each_data_file_with_its_checksums(store: ObjectStore) -> None:
    result = full_export(store, [{**BOOK, "Id": {"N": str(number)}} for number in range(5)], items_per_file=2)

    manifest_bytes = store.get(BUCKET, result.manifest_files_key)
    lines = [json.loads(line) for line in manifest_bytes.splitlines()]
    assert [line["itemCount"] for line in lines] == [2, 2, 1]
    for line in lines:
        assert list(line) == ["itemCount", "md5Checksum", "etag", "dataFileS3Key"]
        data = store.get(BUCKET, line["dataFileS3Key"])
        digest = hashlib.md5(data).digest()
        assert line["md5Checksum"] == base64.b64encode(digest).decode()
        assert line["etag"] == hashlib.md5(digest).hexdigest() + "-1"
        assert len(gzip.decompress(data).splitlines()) == line["itemCount"]
    assert store.get(BUCKET, result.manifest_files_key.replace(".json", ".md5")) == base64.b64encode(
        hashlib.md5(manifest_bytes).digest()
    )


def test_a_dynamodb_json_line_is_the_item_in_marshalled_json(store: ObjectStore) -> None:
    item = {**BOOK, "Cover": {"B": b"\x00\xffpng"}, "Tags": {"L": [{"NULL": True}, {"M": {"k": {"BS": [b"\x01"]}}}]}}
    result = full_export(store, [item])

    (line,) = data_lines(store, result.data_files[0].key)
    assert json.loads(line) == {
        "Item": {
            **BOOK,
            "Cover": {"B": base64.b64encode(b"\x00\xffpng").decode()},
            "Tags": {"L": [{"NULL": True}, {"M": {"k": {"BS": ["AQ=="]}}}]},
        }
    }


def test_an_ion_line_is_the_guides_ion_item(store: ObjectStore) -> None:
    from amazon.ion import simpleion

    result = full_export(store, [BOOK], export_format="ION")

    data_key = result.data_files[0].key
    assert data_key.endswith(".ion.gz")
    (line,) = data_lines(store, data_key)
    assert line.startswith(b"$ion_1_0 {Item:{")
    ours, guides = simpleion.loads(line.decode())["Item"], simpleion.loads(GUIDE_ION_LINE)["Item"]
    assert list(ours) == list(guides)
    for name in guides:
        assert ours[name].ion_type == guides[name].ion_type, name
        assert [a.text for a in ours[name].ion_annotations] == [a.text for a in guides[name].ion_annotations]
        if isinstance(guides[name], Decimal):  # the same decimal, to its precision: 6d2 is not 600.
            assert ours[name].as_tuple() == guides[name].as_tuple(), name
        else:
            assert ours[name] == guides[name], name
    assert read_json(store, result.export_manifest)["outputFormat"] == "ION"


def test_ion_maps_every_type_as_the_guide_says() -> None:
    from amazon.ion.core import IonType
    from amazon.ion.simple_types import IonPyNull

    item = {
        "s": {"S": "x"},
        "n": {"N": "-12.5"},
        "b": {"B": b"\x00"},
        "t": {"BOOL": True},
        "z": {"NULL": True},
        "ns": {"NS": ["1", "2.5"]},
        "bs": {"BS": [b"a"]},
        "l": {"L": [{"S": "y"}]},
        "m": {"M": {"k": {"N": "1"}}},
    }
    from amazon.ion import simpleion

    parsed = simpleion.loads(ion.encode_line({"Item": item}).decode())["Item"]
    types = {name: value.ion_type for name, value in parsed.items()}
    assert types == {
        "s": IonType.STRING,
        "n": IonType.DECIMAL,
        "b": IonType.BLOB,
        "t": IonType.BOOL,
        "z": IonType.NULL,
        "ns": IonType.LIST,
        "bs": IonType.LIST,
        "l": IonType.LIST,
        "m": IonType.STRUCT,
    }
    assert isinstance(parsed["z"], IonPyNull)
    assert [a.text for a in parsed["ns"].ion_annotations] == ["$dynamodb_NS"]
    assert [a.text for a in parsed["bs"].ion_annotations] == ["$dynamodb_BS"]
    assert parsed["l"].ion_annotations == ()
    assert ion.decode_line(ion.encode_line({"Item": item}).decode()) == {"Item": item}


def test_an_empty_table_gives_one_empty_data_file(store: ObjectStore) -> None:
    result = full_export(store, [])

    (data_file,) = result.data_files
    assert gzip.decompress(store.get(BUCKET, data_file.key)) == b""
    assert (data_file.item_count, result.item_count, result.billed_size_bytes) == (0, 0, 0)


def test_without_a_prefix_the_folder_is_at_the_bucket_root(store: ObjectStore) -> None:
    result = full_export(store, [BOOK], prefix=None)

    summary = read_json(store, result.export_manifest)
    assert result.export_manifest == f"AWSDynamoDB/{EXPORT_ID}/manifest-summary.json"
    assert summary["s3Prefix"] is None
    assert summary["manifestFilesS3Key"] == f"AWSDynamoDB/{EXPORT_ID}/manifest-files.json"
    assert ExportDestination(BUCKET, "a/b/").key("x") == "a/b/AWSDynamoDB/x"


def test_the_kms_key_and_algorithm_are_recorded(store: ObjectStore) -> None:
    result = write_full_export(
        store,
        [BOOK],
        export_arn=EXPORT_ARN,
        table_arn=TABLE_ARN,
        table_id=TABLE_ID,
        export_time=START,
        start_time=START,
        end_time=END,
        destination=ExportDestination(BUCKET, "p", sse_algorithm="KMS", kms_key_id="arn:aws:kms:us-east-1:1:key/k"),
    )
    summary = read_json(store, result.export_manifest)
    assert (summary["s3SseAlgorithm"], summary["s3SseKmsKeyId"]) == ("KMS", "arn:aws:kms:us-east-1:1:key/k")


def test_an_export_to_a_missing_bucket_fails_as_the_service_reports_it(store: ObjectStore) -> None:
    with pytest.raises(ObjectStoreError) as raised:
        write_full_export(
            store,
            [BOOK],
            export_arn=EXPORT_ARN,
            table_arn=TABLE_ARN,
            table_id=TABLE_ID,
            export_time=START,
            start_time=START,
            end_time=END,
            destination=ExportDestination("no-such-bucket"),
        )
    code, message = raised.value.failure()
    assert code == "S3NoSuchBucket"
    assert message.startswith("The specified bucket does not exist (Service: Amazon S3; Status Code: 404;")


def test_export_ids_and_times_are_written_as_the_services() -> None:
    assert re.fullmatch(r"01604474914028-[0-9a-f]{8}", new_export_id(START))
    assert timestamp(0) == "1970-01-01T00:00:00.000Z"
    assert timestamp(START) == "2020-11-04T07:28:34.028Z"


def test_ion_without_its_package_names_the_extra(store: ObjectStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "amazon.ion.simpleion", None)  # its import now fails
    with pytest.raises(MissingExtra, match=r"'amazon\.ion\.simpleion' package.*pip install 'dynasim\[exports\]'"):
        full_export(store, [BOOK], export_format="ION")


# --- an incremental export ----------------------------------------------------------------------

KEY = {"Id": {"N": "1"}}
OLD = {**KEY, "Title": {"S": "old"}}
NEW = {**KEY, "Title": {"S": "new"}}


def incremental(store: ObjectStore, changes: list[ChangeRecord], **options: Any) -> Any:
    return write_incremental_export(
        store,
        changes,
        export_arn=EXPORT_ARN,
        table_arn=TABLE_ARN,
        table_id=TABLE_ID,
        export_from_time=START - 3600,
        export_to_time=START,
        start_time=START,
        end_time=END,
        destination=ExportDestination(BUCKET, "cdc"),
        **options,
    )


def test_an_incremental_exports_data_goes_to_the_shared_data_folder(store: ObjectStore) -> None:
    result = incremental(store, [ChangeRecord(KEY, None, NEW, 1_604_470_000_000_001)])
    assert result.billed_size_bytes == values.item_size(KEY) + values.item_size(NEW)  # the change's items

    (data_file,) = result.data_files
    assert data_file.key.startswith("cdc/AWSDynamoDB/data/")
    summary = read_json(store, result.export_manifest)
    assert result.export_manifest == f"cdc/AWSDynamoDB/{EXPORT_ID}/manifest-summary.json"
    assert list(summary.items()) == [
        ("version", "2023-08-01"),
        ("exportArn", EXPORT_ARN),
        ("startTime", "2020-11-04T07:28:34.028Z"),
        ("endTime", "2020-11-04T07:33:43.897Z"),
        ("tableArn", TABLE_ARN),
        ("tableId", TABLE_ID),
        ("exportFromTime", "2020-11-04T06:28:34.028Z"),
        ("exportToTime", "2020-11-04T07:28:34.028Z"),
        ("s3Bucket", BUCKET),
        ("s3Prefix", "cdc"),
        ("s3SseAlgorithm", "AES256"),
        ("s3SseKmsKeyId", None),
        ("manifestFilesS3Key", f"cdc/AWSDynamoDB/{EXPORT_ID}/manifest-files.json"),
        ("billedSizeBytes", result.billed_size_bytes),
        ("itemCount", 1),
        ("outputFormat", "DYNAMODB_JSON"),
        ("outputView", "NEW_AND_OLD_IMAGES"),
        ("exportType", "INCREMENTAL_EXPORT"),
    ]
    assert store.get(BUCKET, f"cdc/AWSDynamoDB/{EXPORT_ID}/_started") == b""


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        (
            "NEW_AND_OLD_IMAGES",
            [
                {"Keys": {"Id": {"N": "1"}}, "NewImage": {"Id": {"N": "1"}, "Title": {"S": "new"}}},
                {
                    "Keys": {"Id": {"N": "2"}},
                    "NewImage": {"Id": {"N": "2"}, "Title": {"S": "new"}},
                    "OldImage": {"Id": {"N": "2"}, "Title": {"S": "old"}},
                },
                {"Keys": {"Id": {"N": "3"}}, "OldImage": {"Id": {"N": "3"}, "Title": {"S": "old"}}},
            ],
        ),
        (
            "NEW_IMAGE",
            [
                {"Keys": {"Id": {"N": "1"}}, "NewImage": {"Id": {"N": "1"}, "Title": {"S": "new"}}},
                {"Keys": {"Id": {"N": "2"}}, "NewImage": {"Id": {"N": "2"}, "Title": {"S": "new"}}},
                {"Keys": {"Id": {"N": "3"}}},
            ],
        ),
    ],
)
def test_incremental_lines_by_view_type(store: ObjectStore, view: str, expected: list[dict[str, Any]]) -> None:
    def key(number: int) -> dict[str, Any]:
        return {"Id": {"N": str(number)}}

    changes = [
        ChangeRecord(key(1), None, {**key(1), "Title": {"S": "new"}}, 11),  # inserted
        ChangeRecord(key(2), {**key(2), "Title": {"S": "old"}}, {**key(2), "Title": {"S": "new"}}, 12),  # updated
        ChangeRecord(key(3), {**key(3), "Title": {"S": "old"}}, None, 13),  # deleted
    ]
    result = incremental(store, changes, view_type=view)

    lines = [json.loads(line) for line in data_lines(store, result.data_files[0].key)]
    assert [line.pop("Metadata") for line in lines] == [{"WriteTimestampMicros": {"N": str(n)}} for n in (11, 12, 13)]
    assert lines == expected
    assert [list(line)[0] for line in lines] == ["Keys"] * 3  # Metadata, then Keys, NewImage, OldImage
    assert read_json(store, result.export_manifest)["outputView"] == view


def test_an_incremental_ion_line_has_the_json_lines_members(store: ObjectStore) -> None:
    result = incremental(store, [ChangeRecord(KEY, OLD, NEW, 7)], export_format="ION")

    (line,) = data_lines(store, result.data_files[0].key)
    assert line.startswith(b"$ion_1_0 {Metadata:{WriteTimestampMicros:")
    assert ion.decode_line(line.decode()) == {
        "Metadata": {"WriteTimestampMicros": {"N": "7"}},
        "Keys": KEY,
        "NewImage": NEW,
        "OldImage": OLD,
    }


def test_compacting_keeps_one_change_per_item() -> None:
    other = {"Id": {"N": "2"}}
    changes = [
        ChangeRecord(KEY, OLD, {**KEY, "Title": {"S": "middle"}}, 1),
        ChangeRecord(other, None, {**other, "Title": {"S": "x"}}, 2),
        ChangeRecord(KEY, {**KEY, "Title": {"S": "middle"}}, NEW, 3),
        ChangeRecord(other, {**other, "Title": {"S": "x"}}, None, 4),  # created and deleted: nothing to export
    ]
    assert compact(changes) == [ChangeRecord(KEY, OLD, NEW, 3)]


def test_an_unknown_view_type_or_format_is_refused(store: ObjectStore) -> None:
    with pytest.raises(ValueError, match="ExportViewType"):
        incremental(store, [], view_type="OLD_IMAGE")
    with pytest.raises(ValueError, match="ExportFormat"):
        full_export(store, [], export_format="CSV")


# --- the order of writes ------------------------------------------------------------------------


class RecordingStore(DirectoryStore):
    """A directory store that records each key it is asked to write, and can refuse data files."""

    def __init__(self, root: Path, refuse_data: bool = False) -> None:
        super().__init__(root)
        self.written: list[str] = []
        self.refuse_data = refuse_data

    def put(self, bucket: str, key: str, data: bytes) -> None:
        if self.refuse_data and "/data/" in key:
            raise ObjectStoreError("AccessDenied", "Access Denied", 403)
        self.written.append(key)
        super().put(bucket, key, data)


def test_started_is_written_first_and_the_summary_last(tmp_path: Path) -> None:
    store = RecordingStore(tmp_path)
    store.create_bucket(BUCKET)
    full_export(store, [BOOK, BOOK], items_per_file=1)

    names = [key.rsplit("/", 1)[1] if "/data/" not in key else "data" for key in store.written]
    assert names == [
        "_started",
        "data",
        "data",
        "manifest-files.json",
        "manifest-files.md5",
        "manifest-summary.json",
        "manifest-summary.md5",
    ]


def test_an_export_that_fails_writing_data_leaves_no_manifest(tmp_path: Path) -> None:
    store = RecordingStore(tmp_path, refuse_data=True)
    store.create_bucket(BUCKET)
    with pytest.raises(ObjectStoreError) as raised:
        full_export(store, [BOOK])
    assert raised.value.failure()[0] == "S3AccessDenied"
    assert [key.rsplit("/", 1)[1] for key in store.written] == ["_started"]


def test_only_the_formats_import_the_optional_packages() -> None:
    """`amazon.ion` and `zstandard` are the `exports` extra: nothing else may need them."""
    package = Path(__file__).parent.parent / "dynasim"
    importing = re.compile(r"^\s*(from|import)\s+(amazon\.ion|zstandard)\b|require\(\"(amazon|zstandard)", re.M)
    modules = package.rglob("*.py")
    importers = sorted(str(path.relative_to(package)) for path in modules if importing.search(path.read_text()))
    assert importers == ["formats/compression.py", "formats/ion.py"]

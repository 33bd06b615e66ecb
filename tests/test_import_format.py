"""An import's source read as ImportTable reads it (Developer Guide, "Amazon S3 import formats for
DynamoDB" and "Import format quotas and validation"), and exports read back: by the import
reader, and by a user's tool that knows only the standard library."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import zstandard
from export_examples import GUIDE_ITEM
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from dynasim import strategies as ds
from dynasim.engine.keys import item_key
from dynasim.formats.export import ExportDestination, new_export_id, write_full_export
from dynasim.formats.extras import MissingExtra
from dynasim.formats.imports import ImportReader
from dynasim.objects import DirectoryStore, ObjectStore, ObjectStoreError, S3ClientStore
from dynasim.storage.schema import KeySchema
from dynasim.values import Item

pytest_plugins = ["object_stores"]

BUCKET = "my-import-source"
IMPORT_ARN = "arn:aws:dynamodb:us-east-1:531234567890:table/target-table/import/01658528578619-c4d4e311"
ITEM_VALIDATION_FAILURE = (
    "ItemValidationError",
    "Some of the items failed validation checks and were not imported. Please check CloudWatch error logs for "
    "more details.",
)


def key_check(schema: KeySchema) -> Any:
    """The key checks PutItem runs, which the import operation hands the reader."""
    return lambda item: item_key(schema, item)


PK_STRING = KeySchema("pk", "S")


def read(store: ObjectStore, prefix: str | None, **options: Any) -> tuple[ImportReader, list[Item]]:
    reader = ImportReader(store, BUCKET, prefix, import_arn=IMPORT_ARN, **options)
    return reader, list(reader.items())


# --- CSV ------------------------------------------------------------------------------------------


def test_the_guides_csv_without_its_key_fails_with_its_log_entry(store: ObjectStore) -> None:
    store.put(BUCKET, "import-test.csv", b"title,artist,year_of_release\nThe Dark Side of the Moon,Pink Floyd,1973")

    reader, items = read(
        store, "import-test", input_format="CSV", key_types={"pk": "S"}, check_item=key_check(PK_STRING)
    )

    assert items == []
    assert reader.description() == {
        "ProcessedSizeBytes": 70,
        "ProcessedItemCount": 1,
        "ImportedItemCount": 0,
        "ErrorCount": 1,
    }
    assert reader.error_log == [
        {
            "itemS3Pointer": {"bucket": BUCKET, "key": "import-test.csv", "itemIndex": 0},
            "importArn": IMPORT_ARN,
            "errorMessages": ["One or more parameter values were invalid: Missing the key pk in the item"],
        }
    ]
    assert reader.failure() == ITEM_VALIDATION_FAILURE


def test_csv_columns_other_than_keys_are_strings(store: ObjectStore) -> None:
    csv_text = b'pk,year,title,note\n1973,1973,"Dark Side, The",\n1975,1975,Wish You Were Here,x\n'
    store.put(BUCKET, "albums.csv", csv_text)

    reader, items = read(
        store,
        "albums.csv",
        input_format="CSV",
        key_types={"pk": "N"},
        check_item=key_check(KeySchema("pk", "N")),
    )

    assert items == [
        {"pk": {"N": "1973"}, "year": {"S": "1973"}, "title": {"S": "Dark Side, The"}},  # an empty cell is no value
        {"pk": {"N": "1975"}, "year": {"S": "1975"}, "title": {"S": "Wish You Were Here"}, "note": {"S": "x"}},
    ]
    assert (reader.processed_item_count, reader.imported_item_count, reader.error_count) == (2, 2, 0)
    assert reader.failure() is None


def test_a_header_list_makes_the_first_line_data_and_the_delimiter_is_chosen(store: ObjectStore) -> None:
    store.put(BUCKET, "tabs.tsv", b"a\t1\nb\t2\n")

    _, items = read(store, "tabs.tsv", input_format="CSV", csv_delimiter="\t", csv_header=["pk", "n"])

    assert items == [{"pk": {"S": "a"}, "n": {"S": "1"}}, {"pk": {"S": "b"}, "n": {"S": "2"}}]


def test_bad_csv_rows_are_counted_and_the_rest_imported(store: ObjectStore) -> None:
    store.put(BUCKET, "rows.csv", b"pk,n\nok,1\ntoo,many,cells\nnot-a-number\n,empty key\nfine,2\n")

    reader, items = read(store, "rows.csv", input_format="CSV", key_types={"pk": "S"}, check_item=key_check(PK_STRING))

    assert [item["pk"]["S"] for item in items] == ["ok", "fine"]
    assert [(entry["itemS3Pointer"]["itemIndex"], entry["errorMessages"]) for entry in reader.error_log] == [
        (1, ["The row has 3 values for the 2 columns of the header"]),
        (2, ["The row has 1 values for the 2 columns of the header"]),
        (
            3,
            [
                "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain "
                "an empty string value. Key: pk"
            ],
        ),
    ]
    assert reader.description()["ProcessedItemCount"] == 5


def test_a_csv_number_key_that_is_no_number_is_dynamodbs_error(store: ObjectStore) -> None:
    store.put(BUCKET, "n.csv", b"pk\nabc\n")

    reader, items = read(store, "n.csv", input_format="CSV", key_types={"pk": "N"})

    assert items == []
    (entry,) = reader.error_log
    assert entry["errorMessages"] == ["The parameter cannot be converted to a numeric value: abc"]


# --- DynamoDB JSON and Ion ------------------------------------------------------------------------

GUIDE_ION = (
    '$ion_1_0 {\n    Item:{\n        Authors:$dynamodb_SS::["Author1","Author2"],\n'
    '        Dimensions:"8.5 x 11.0 x 1.5",\n        ISBN:"333-3333333333",\n        Id:103.,\n'
    '        InPublication:false,\n        PageCount:6d2,\n        Price:2d3,\n        ProductCategory:"Book",\n'
    '        Title:"Book 103 Title"\n    }\n}'
)


def test_dynamodb_json_lines_are_items(store: ObjectStore) -> None:
    cover = base64.b64encode(b"\x89PNG").decode()
    lines = [{"Item": GUIDE_ITEM}, {"Item": {"Id": {"N": "104"}, "Cover": {"B": cover}}}]
    store.put(BUCKET, "in/1.json", "\n".join(json.dumps(line) for line in lines).encode())

    reader, items = read(store, "in/", input_format="DYNAMODB_JSON", check_item=key_check(KeySchema("Id", "N")))

    assert items == [GUIDE_ITEM, {"Id": {"N": "104"}, "Cover": {"B": b"\x89PNG"}}]
    assert reader.failure() is None


def test_bad_json_lines_are_counted_with_dynamodbs_messages(store: ObjectStore) -> None:
    lines = [
        '{"Item": {"pk": {"S": "a"}}}',
        "not json",
        '{"NotItem": {}}',
        '{"Item": {"pk": {"N": "1"}}}',
        '{"Item": {"pk": {"S": "b"}, "tags": {"SS": []}}}',
        '{"Item": {"pk": {"S": "c"}}}',
    ]
    store.put(BUCKET, "in.json", "\n".join(lines).encode())

    reader, items = read(store, "in.json", input_format="DYNAMODB_JSON", check_item=key_check(PK_STRING))

    assert items == [{"pk": {"S": "a"}}, {"pk": {"S": "c"}}]
    messages = [entry["errorMessages"][0] for entry in reader.error_log]
    assert messages[0].startswith("The line is not DYNAMODB_JSON: ")
    assert messages[1:] == [
        'The line has no Item object: {"NotItem": {}}',
        "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N",
        "One or more parameter values were invalid: An string set  may not be empty",
    ]
    assert [entry["itemS3Pointer"]["itemIndex"] for entry in reader.error_log] == [1, 2, 3, 4]
    assert reader.description() == {
        "ProcessedSizeBytes": len("\n".join(lines)),
        "ProcessedItemCount": 6,
        "ImportedItemCount": 2,
        "ErrorCount": 4,
    }


def test_the_guides_ion_item_is_read(store: ObjectStore) -> None:
    one_line = " ".join(part.strip() for part in GUIDE_ION.splitlines())
    store.put(BUCKET, "in.ion", (one_line + "\n" + one_line.replace("103.", "104.")).encode())

    reader, items = read(store, "in.ion", input_format="ION")

    assert items == [GUIDE_ITEM, {**GUIDE_ITEM, "Id": {"N": "104"}}]
    assert reader.error_count == 0


def test_an_ion_value_of_no_dynamodb_type_is_a_bad_item(store: ObjectStore) -> None:
    store.put(BUCKET, "in.ion", b'$ion_1_0 {Item:{pk:"a",when:2020-01-01T}}\n$ion_1_0 {Item:{pk:"b"}}\n')

    reader, items = read(store, "in.ion", input_format="ION")

    assert items == [{"pk": {"S": "b"}}]
    assert reader.error_log[0]["errorMessages"] == ["The line is not ION: Ion type TIMESTAMP has no DynamoDB type"]


def test_ion_without_its_package_names_the_extra(store: ObjectStore, monkeypatch: pytest.MonkeyPatch) -> None:
    store.put(BUCKET, "in.ion", b'$ion_1_0 {Item:{pk:"b"}}\n')
    monkeypatch.setitem(sys.modules, "amazon.ion.simpleion", None)
    with pytest.raises(MissingExtra, match=r"pip install 'dynasim\[exports\]'"):
        read(store, "in.ion", input_format="ION")


# --- objects and compression ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("compression", "compress"),
    [("NONE", lambda data: data), ("GZIP", gzip.compress), ("ZSTD", zstandard.ZstdCompressor().compress)],
)
def test_each_compression_is_read(store: ObjectStore, compression: str, compress: Any) -> None:
    compressed = compress(b'{"Item":{"pk":{"S":"a"}}}\n')
    store.put(BUCKET, "in/part-1", compressed)

    reader, items = read(store, "in/", input_format="DYNAMODB_JSON", compression=compression)

    assert items == [{"pk": {"S": "a"}}]
    assert reader.processed_size_bytes == len(compressed)  # the object as stored, not uncompressed


def test_zstd_frames_without_a_content_size_and_several_frames_are_read(store: ObjectStore) -> None:
    streamed = zstandard.ZstdCompressor(write_content_size=False).compress(b'{"Item":{"pk":{"S":"a"}}}\n')
    second = zstandard.ZstdCompressor().compress(b'{"Item":{"pk":{"S":"b"}}}\n')
    store.put(BUCKET, "in.zst", streamed + second)

    _, items = read(store, "in.zst", input_format="DYNAMODB_JSON", compression="ZSTD")

    assert items == [{"pk": {"S": "a"}}, {"pk": {"S": "b"}}]


def test_zstd_without_its_package_names_the_extra(store: ObjectStore, monkeypatch: pytest.MonkeyPatch) -> None:
    store.put(BUCKET, "in.zst", zstandard.ZstdCompressor().compress(b"{}"))
    monkeypatch.setitem(sys.modules, "zstandard", None)
    with pytest.raises(MissingExtra, match=r"'zstandard' package.*pip install 'dynasim\[exports\]'"):
        read(store, "in.zst", input_format="DYNAMODB_JSON", compression="ZSTD")


def test_an_object_that_is_not_so_compressed_is_one_error_and_the_others_are_read(store: ObjectStore) -> None:
    store.put(BUCKET, "in/a.gz", b"not gzip at all")
    store.put(BUCKET, "in/b.gz", gzip.compress(b'{"Item":{"pk":{"S":"b"}}}\n'))

    reader, items = read(store, "in/", input_format="DYNAMODB_JSON", compression="GZIP")

    assert items == [{"pk": {"S": "b"}}]
    assert reader.error_count == 1
    assert reader.error_log[0]["itemS3Pointer"] == {"bucket": BUCKET, "key": "in/a.gz", "itemIndex": 0}
    assert reader.failure() == ITEM_VALIDATION_FAILURE


def test_only_objects_under_the_prefix_are_read_and_repeated_keys_are_no_errors(store: ObjectStore) -> None:
    store.put(BUCKET, "in/1.json", b'{"Item":{"pk":{"S":"a"},"v":{"N":"1"}}}\n')
    store.put(BUCKET, "in/2.json", b'{"Item":{"pk":{"S":"a"},"v":{"N":"2"}}}\n')
    store.put(BUCKET, "other/3.json", b'{"Item":{"pk":{"S":"z"}}}\n')

    reader, items = read(store, "in/", input_format="DYNAMODB_JSON", check_item=key_check(PK_STRING))

    assert [item["v"] for item in items] == [{"N": "1"}, {"N": "2"}]  # the table keeps the last
    assert (reader.error_count, reader.failure()) == (0, None)


def test_a_missing_bucket_fails_as_the_service_reports_it(store: ObjectStore) -> None:
    reader = ImportReader(store, "BUCKET_DOES_NOT_EXIST", "import-test", input_format="CSV")
    with pytest.raises(ObjectStoreError) as raised:
        list(reader.items())
    code, message = raised.value.failure()
    assert code == "S3NoSuchBucket"
    assert message.startswith(
        "The specified bucket does not exist (Service: Amazon S3; Status Code: 404; Error Code: NoSuchBucket; "
    )


def test_an_unknown_format_or_compression_is_refused(store: ObjectStore) -> None:
    with pytest.raises(ValueError, match="InputFormat"):
        ImportReader(store, BUCKET, input_format="PARQUET")
    with pytest.raises(ValueError, match="InputCompressionType"):
        ImportReader(store, BUCKET, input_format="CSV", compression="BZIP2")


# --- round trips ----------------------------------------------------------------------------------

SCHEMA = {"pk": "S", "sk": "N"}
TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/orders"


def unique_items(items: list[Item]) -> list[Item]:
    by_key = {(item["pk"]["S"], item["sk"]["N"]): item for item in items}
    return list(by_key.values())


def export(store: ObjectStore, items: list[Item], export_format: str, items_per_file: int = 3) -> Any:
    export_id = new_export_id(1_700_000_000.5)
    return write_full_export(
        store,
        items,
        export_arn=f"{TABLE_ARN}/export/{export_id}",
        table_arn=TABLE_ARN,
        table_id="b116b490-6460-4d4a-9a6b-5d360abf4fb3",
        export_time=1_700_000_000,
        start_time=1_700_000_000.5,
        end_time=1_700_000_060,
        destination=ExportDestination(BUCKET, "backups"),
        export_format=export_format,
        items_per_file=items_per_file,
    )


@pytest.fixture(scope="module")
def round_trip_stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, ObjectStore]]:
    directory = DirectoryStore(tmp_path_factory.mktemp("round-trip"))
    directory.create_bucket(BUCKET)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield {"directory": directory, "s3": S3ClientStore(client)}


@pytest.mark.parametrize("seam", ["directory", "s3"])
@pytest.mark.parametrize("export_format", ["DYNAMODB_JSON", "ION"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=st.lists(ds.items(SCHEMA), max_size=8).map(unique_items))
def test_an_export_read_back_by_the_import_reader_gives_the_same_items(
    round_trip_stores: dict[str, ObjectStore], seam: str, export_format: str, items: list[Item]
) -> None:
    store = round_trip_stores[seam]
    result = export(store, items, export_format)
    data_folder = result.export_manifest.rsplit("/", 1)[0] + "/data/"

    reader = ImportReader(
        store,
        BUCKET,
        data_folder,
        input_format=export_format,
        compression="GZIP",
        check_item=key_check(KeySchema("pk", "S", "sk", "N")),
    )
    read_back = list(reader.items())

    assert sorted(map(ds.canonical, read_back), key=repr) == sorted(map(ds.canonical, items), key=repr)
    assert reader.description()["ImportedItemCount"] == result.item_count == len(items)
    assert reader.error_count == 0


def test_a_users_tool_reads_an_export_with_the_standard_library_alone(tmp_path: Path) -> None:
    """As a notebook would: the summary names the files manifest, whose lines name the data files."""
    store = DirectoryStore(tmp_path)
    store.create_bucket(BUCKET)
    items = [{"pk": {"S": f"order#{n}"}, "sk": {"N": str(n)}, "blob": {"B": bytes([n])}} for n in range(7)]
    result = export(store, items, "DYNAMODB_JSON")

    bucket = tmp_path / BUCKET
    summary_path = bucket / result.export_manifest
    summary = json.loads(summary_path.read_text())
    md5_path = summary_path.with_suffix(".md5")
    assert md5_path.read_bytes() == base64.b64encode(hashlib.md5(summary_path.read_bytes()).digest())
    read_back = []
    with open(bucket / summary["manifestFilesS3Key"]) as manifest:
        for line in manifest:
            entry = json.loads(line)
            data = (bucket / entry["dataFileS3Key"]).read_bytes()
            assert base64.b64encode(hashlib.md5(data).digest()).decode() == entry["md5Checksum"]
            with gzip.open(bucket / entry["dataFileS3Key"], "rt") as data_file:
                lines = [json.loads(item_line)["Item"] for item_line in data_file]
            assert len(lines) == entry["itemCount"]
            read_back.extend(lines)
    assert summary["itemCount"] == len(read_back) == 7
    assert sorted((item["pk"]["S"], item["sk"]["N"], base64.b64decode(item["blob"]["B"])) for item in read_back) == [
        (f"order#{n}", str(n), bytes([n])) for n in range(7)
    ]

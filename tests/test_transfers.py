"""Where exports, imports and bulk loads keep their objects, and what the simulator keeps of them:
`Simulator(s3_dir=...)`, `Simulator(s3_client=...)`, the default temporary directory,
`dynasim serve --s3-dir`, the plugin's `s3_dir` setting; records kept by snapshots, `--data-dir`
and cleared by `reset`; the call log, and no table capacity consumed."""

from __future__ import annotations

import gc
import gzip
import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from http_helpers import SCHEMA, ServerProcess, client
from moto import mock_aws

from dynasim import Simulator
from dynasim.objects import DirectoryStore, S3ClientStore
from dynasim.objects.configure import TemporaryDirectoryStore

pytest_plugins = ["pytester"]
BUCKET = "exports-bucket"
ITEMS = [{"pk": {"S": f"k{n}"}, "n": {"N": str(n)}, "b": {"B": bytes([n])}} for n in range(4)]


def table_with_recovery(ddb: Any, name: str = "orders") -> str:
    """A table with ITEMS and point-in-time recovery on; its ARN."""
    ddb.create_table(TableName=name, **SCHEMA)
    for item in ITEMS:
        ddb.put_item(TableName=name, Item=item)
    ddb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    return str(ddb.describe_table(TableName=name)["Table"]["TableArn"])


def exported_items(read: Any, summary_key: str) -> list[dict[str, Any]]:
    """The items of a full export, read through `read(key) -> bytes` from its manifests."""
    summary = json.loads(read(summary_key))
    items = []
    for line in read(summary["manifestFilesS3Key"]).splitlines():
        data_key = json.loads(line)["dataFileS3Key"]
        items += [json.loads(row)["Item"] for row in gzip.decompress(read(data_key)).splitlines()]
    return sorted(items, key=lambda item: item["pk"]["S"])


def wire(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ITEMS as DynamoDB JSON writes them (binary values in base64)."""
    import base64

    return [{"pk": item["pk"], "n": item["n"], "b": {"B": base64.b64encode(item["b"]["B"]).decode()}} for item in items]


def test_s3_dir_holds_each_bucket_as_a_subdirectory(tmp_path: Path) -> None:
    (tmp_path / BUCKET).mkdir()
    sim = Simulator(s3_dir=tmp_path, jobs="immediate")
    assert isinstance(sim.object_store, DirectoryStore) and sim.object_store.root == tmp_path
    ddb = sim.client()
    arn = table_with_recovery(ddb)
    described = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=BUCKET, S3Prefix="daily")
    export = ddb.describe_export(ExportArn=described["ExportDescription"]["ExportArn"])["ExportDescription"]
    assert export["ExportStatus"] == "COMPLETED"
    manifest = tmp_path / BUCKET / export["ExportManifest"]
    assert manifest.is_file() and export["ExportManifest"].startswith("daily/AWSDynamoDB/")
    assert exported_items(lambda key: (tmp_path / BUCKET / key).read_bytes(), export["ExportManifest"]) == wire(ITEMS)


def test_s3_client_sends_the_objects_through_that_client() -> None:
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        sim = Simulator(s3_client=s3, jobs="immediate")
        assert isinstance(sim.object_store, S3ClientStore) and sim.object_store.client is s3
        ddb = sim.client()
        arn = table_with_recovery(ddb)
        described = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=BUCKET)["ExportDescription"]
        export = ddb.describe_export(ExportArn=described["ExportArn"])["ExportDescription"]
        assert export["ExportStatus"] == "COMPLETED"

        def read(key: str) -> bytes:
            return bytes(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())

        assert exported_items(read, export["ExportManifest"]) == wire(ITEMS)


def test_by_default_a_temporary_directory_the_simulator_owns() -> None:
    sim = Simulator(jobs="immediate")
    store = sim.object_store
    assert isinstance(store, TemporaryDirectoryStore)
    store.create_bucket(BUCKET)
    root = store.root
    assert root.is_dir()
    ddb = sim.client()
    arn = table_with_recovery(ddb)
    export_arn = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=BUCKET)["ExportDescription"]["ExportArn"]
    assert ddb.describe_export(ExportArn=export_arn)["ExportDescription"]["ExportStatus"] == "COMPLETED"
    assert any((root / BUCKET).rglob("manifest-summary.json"))
    # a bucket nobody made is S3's NoSuchBucket, not a directory made on the fly
    failed = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket="nobody-made-it")["ExportDescription"]
    assert ddb.describe_export(ExportArn=failed["ExportArn"])["ExportDescription"]["FailureCode"] == "S3NoSuchBucket"
    assert not (root / "nobody-made-it").exists()


def test_the_temporary_directory_goes_with_its_store() -> None:
    store = TemporaryDirectoryStore()
    store.create_bucket(BUCKET)
    store.put(BUCKET, "a/b", b"x")
    root = store.root
    assert (root / BUCKET / "a" / "b").read_bytes() == b"x"
    del store
    gc.collect()
    assert not root.exists()


def test_s3_dir_and_s3_client_together_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="s3_dir or s3_client"):
        Simulator(s3_dir=tmp_path, s3_client=object())


def test_serve_s3_dir(tmp_path: Path) -> None:
    (tmp_path / BUCKET).mkdir()
    with ServerProcess("--s3-dir", str(tmp_path), "--jobs", "immediate") as server:
        ddb = client(server.url)
        arn = table_with_recovery(ddb)
        export_arn = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=BUCKET)["ExportDescription"]["ExportArn"]
        export = ddb.describe_export(ExportArn=export_arn)["ExportDescription"]
        assert export["ExportStatus"] == "COMPLETED"
        assert (tmp_path / BUCKET / export["ExportManifest"]).is_file()
        assert "exports and imports in the buckets under" in server.output()


def test_plugin_setting_s3_dir(pytester: pytest.Pytester, tmp_path: Path) -> None:
    buckets = tmp_path / "buckets"
    (buckets / BUCKET).mkdir(parents=True)
    pytester.makeini(f"[pytest]\ndynasim_s3_dir = {buckets}\n")
    pytester.makepyfile(
        f"""
        def test_store(dynasim):
            assert str(dynasim.object_store.root) == {str(buckets)!r}
        """
    )
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_records_are_kept_by_snapshots_and_cleared_by_reset() -> None:
    sim = Simulator()
    sim.object_store.create_bucket(BUCKET)
    ddb = sim.client()
    arn = table_with_recovery(ddb)
    done = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=BUCKET)["ExportDescription"]["ExportArn"]
    sim.advance(60)
    running = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=BUCKET)["ExportDescription"]["ExportArn"]
    saved = sim.snapshot()
    sim.reset()
    assert ddb.list_exports()["ExportSummaries"] == []
    sim.restore(saved)
    statuses = {s["ExportArn"]: s["ExportStatus"] for s in ddb.list_exports()["ExportSummaries"]}
    # the job in progress was the old state's: nothing finishes it, so it comes back FAILED
    assert statuses == {done: "COMPLETED", running: "FAILED"}
    failed = ddb.describe_export(ExportArn=running)["ExportDescription"]
    assert failed["FailureCode"] == "InternalServerError"


def test_records_survive_a_restart_with_data_dir(tmp_path: Path) -> None:
    from dynasim import persistence

    sim = Simulator(s3_dir=tmp_path / "s3", jobs="immediate")
    sim.object_store.create_bucket(BUCKET)  # type: ignore[attr-defined]
    store = persistence.open_store(sim, str(tmp_path / "data"))
    ddb = sim.client()
    arn = table_with_recovery(ddb)
    export_arn = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=BUCKET)["ExportDescription"]["ExportArn"]
    store.close()
    again = Simulator(s3_dir=tmp_path / "s3")
    persistence.open_store(again, str(tmp_path / "data")).close()
    export = again.client().describe_export(ExportArn=export_arn)["ExportDescription"]
    assert export["ExportStatus"] == "COMPLETED" and export["ItemCount"] == len(ITEMS)


def test_imports_and_bulk_loads_consume_no_table_capacity_and_are_logged() -> None:
    sim = Simulator(jobs="immediate")
    sim.object_store.create_bucket(BUCKET)
    lines = b"".join(json.dumps({"Item": item}).encode() + b"\n" for item in wire(ITEMS))
    sim.object_store.put(BUCKET, "in/items.json", lines)
    ddb = sim.client()
    source = {"S3Bucket": BUCKET, "S3KeyPrefix": "in/"}
    with sim.capacity_budget(read=0, write=0):
        ddb.import_table(
            S3BucketSource=source,
            InputFormat="DYNAMODB_JSON",
            TableCreationParameters={"TableName": "imported", **SCHEMA},
        )
        ddb.start_bulk_put_items(
            TableName="imported",
            InputS3Configuration={**source, "InputFormat": "DYNAMODB_JSON"},
            OutputS3Configuration={"OutputType": ["ERROR"], "S3Bucket": BUCKET},
        )
    assert ddb.scan(TableName="imported")["Count"] == len(ITEMS)
    assert [call.operation for call in sim.verify_operation("ImportTable")] == ["ImportTable"]
    assert len(sim.verify_operation("StartBulkPutItems", table="imported")) == 1
    assert [job.kind for job in sim.jobs] == ["import", "bulk"]


@pytest.fixture(params=["directory", "s3"])
def seam_sim(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """A simulator whose objects go to a directory, or to moto's S3; the bucket made."""
    if request.param == "directory":
        (tmp_path / BUCKET).mkdir()
        yield Simulator(s3_dir=tmp_path)
        return
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        yield Simulator(s3_client=s3)


def test_an_export_imported_back_gives_the_same_items_on_both_seams(seam_sim: Any) -> None:
    ddb = seam_sim.client()
    items = [
        {**item, "tags": {"SS": ["x", "y"]}, "nested": {"M": {"l": {"L": [{"N": "1"}, {"NULL": True}]}}}}
        for item in ITEMS
    ]
    ddb.create_table(TableName="source", **SCHEMA)
    for item in items:
        ddb.put_item(TableName="source", Item=item)
    ddb.update_continuous_backups(
        TableName="source", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    arn = ddb.describe_table(TableName="source")["Table"]["TableArn"]
    for export_format in ("DYNAMODB_JSON", "ION"):
        export_arn = ddb.export_table_to_point_in_time(
            TableArn=arn, S3Bucket=BUCKET, S3Prefix=export_format.lower(), ExportFormat=export_format
        )["ExportDescription"]["ExportArn"]
        seam_sim.advance(60)
        assert ddb.describe_export(ExportArn=export_arn)["ExportDescription"]["ExportStatus"] == "COMPLETED"
        export_id = export_arn.rsplit("/", 1)[1]
        target = f"copy-{export_format.lower().replace('_', '-')}"
        import_arn = ddb.import_table(
            S3BucketSource={
                "S3Bucket": BUCKET,
                "S3KeyPrefix": f"{export_format.lower()}/AWSDynamoDB/{export_id}/data/",
            },
            InputFormat=export_format,
            InputCompressionType="GZIP",
            TableCreationParameters={"TableName": target, **SCHEMA},
        )["ImportTableDescription"]["ImportArn"]
        seam_sim.advance(60)
        assert ddb.describe_import(ImportArn=import_arn)["ImportTableDescription"]["ImportStatus"] == "COMPLETED"

        def key(item: dict[str, Any]) -> str:
            return str(item["pk"]["S"])

        assert sorted(ddb.scan(TableName=target)["Items"], key=key) == sorted(items, key=key)


def test_an_injected_export_failure_ends_it_failed_and_writes_nothing() -> None:
    sim = Simulator()
    sim.object_store.create_bucket(BUCKET)
    ddb = sim.client()
    arn = table_with_recovery(ddb)
    rule = sim.inject_job_failure("export", code="S3AccessDenied", message="Access Denied")
    export_arn = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=BUCKET)["ExportDescription"]["ExportArn"]
    sim.advance(60)
    export = ddb.describe_export(ExportArn=export_arn)["ExportDescription"]
    assert (export["ExportStatus"], export["FailureCode"], export["FailureMessage"]) == (
        "FAILED",
        "S3AccessDenied",
        "Access Denied",
    )
    assert rule.fired == 1 and sim.object_store.list(BUCKET) == []


def test_an_injected_import_failure_deletes_its_table() -> None:
    sim = Simulator(jobs="immediate")
    sim.object_store.create_bucket(BUCKET)
    sim.inject_job_failure("import", code="InternalServerError", message="boom")
    ddb = sim.client()
    import_arn = ddb.import_table(
        S3BucketSource={"S3Bucket": BUCKET},
        InputFormat="CSV",
        TableCreationParameters={"TableName": "never", **SCHEMA},
    )["ImportTableDescription"]["ImportArn"]
    described = ddb.describe_import(ImportArn=import_arn)["ImportTableDescription"]
    assert described["ImportStatus"] == "FAILED" and described["FailureMessage"] == "boom"
    assert ddb.list_tables()["TableNames"] == []


def test_a_held_export_stays_in_progress_with_no_files_until_released() -> None:
    sim = Simulator()
    sim.object_store.create_bucket(BUCKET)
    ddb = sim.client()
    arn = table_with_recovery(ddb)
    with sim.hold_jobs("export"):
        export_arn = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=BUCKET)["ExportDescription"]["ExportArn"]
        sim.advance(3600)
        assert ddb.describe_export(ExportArn=export_arn)["ExportDescription"]["ExportStatus"] == "IN_PROGRESS"
        assert sim.object_store.list(BUCKET) == []
    assert ddb.describe_export(ExportArn=export_arn)["ExportDescription"]["ExportStatus"] == "COMPLETED"


def test_ion_and_zstd_without_their_packages_are_refused_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "zstandard", None)  # as if not installed
    sim = Simulator()
    sim.object_store.create_bucket(BUCKET)
    ddb = sim.client()
    with pytest.raises(ddb.exceptions.ClientError) as excinfo:
        ddb.import_table(
            S3BucketSource={"S3Bucket": BUCKET},
            InputFormat="DYNAMODB_JSON",
            InputCompressionType="ZSTD",
            TableCreationParameters={"TableName": "never", **SCHEMA},
        )
    error = excinfo.value.response["Error"]
    assert error["Code"] == "ValidationException" and "pip install 'dynasim[exports]'" in error["Message"]
    assert ddb.list_tables()["TableNames"] == [] and sim.jobs == []


def test_bad_import_items_are_logged_as_cloudwatch_would() -> None:
    sim = Simulator(jobs="immediate")
    sim.object_store.create_bucket(BUCKET)
    sim.object_store.put(BUCKET, "rows.csv", b"name\nalice\n")
    ddb = sim.client()
    import_arn = ddb.import_table(
        S3BucketSource={"S3Bucket": BUCKET},
        InputFormat="CSV",
        TableCreationParameters={"TableName": "people", **SCHEMA},
    )["ImportTableDescription"]["ImportArn"]
    assert sim.import_errors(import_arn) == [
        {
            "itemS3Pointer": {"bucket": BUCKET, "key": "rows.csv", "itemIndex": 0},
            "importArn": import_arn,
            "errorMessages": ["One or more parameter values were invalid: Missing the key pk in the item"],
        }
    ]

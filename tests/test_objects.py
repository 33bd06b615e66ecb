"""The object store seam: the directory store and the boto3 S3 client store (moto's S3) answer
the same calls the same way, and S3's refusals become the service's failure codes and messages."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from dynasim import errors
from dynasim.objects import DirectoryStore, ObjectInfo, ObjectStore, ObjectStoreError, S3ClientStore

pytest_plugins = ["object_stores"]

BUCKET = "exports"


def test_put_get_head_and_list_under_a_prefix(store: ObjectStore) -> None:
    store.put(BUCKET, "p/AWSDynamoDB/1/data/b.json.gz", b"bb")
    store.put(BUCKET, "p/AWSDynamoDB/1/data/a.json.gz", b"a")
    store.put(BUCKET, "p/AWSDynamoDB/1/_started", b"")
    store.put(BUCKET, "other", b"xyz")

    assert store.get(BUCKET, "p/AWSDynamoDB/1/data/b.json.gz") == b"bb"
    assert store.head(BUCKET, "other") == ObjectInfo("other", 3)
    assert store.list(BUCKET, "p/AWSDynamoDB/1/data/") == [
        ObjectInfo("p/AWSDynamoDB/1/data/a.json.gz", 1),
        ObjectInfo("p/AWSDynamoDB/1/data/b.json.gz", 2),
    ]
    assert [info.key for info in store.list(BUCKET)] == [
        "other",
        "p/AWSDynamoDB/1/_started",
        "p/AWSDynamoDB/1/data/a.json.gz",
        "p/AWSDynamoDB/1/data/b.json.gz",
    ]


def test_a_put_replaces_and_a_delete_removes(store: ObjectStore) -> None:
    store.put(BUCKET, "k", b"first")
    store.put(BUCKET, "k", b"second")
    assert store.get(BUCKET, "k") == b"second"
    store.delete(BUCKET, "k")
    store.delete(BUCKET, "k")  # deleting what is not there is no error, as in S3
    assert store.list(BUCKET) == []


def test_a_listing_is_in_the_order_of_the_keys_utf8_bytes(store: ObjectStore) -> None:
    for key in ["é", "z", "Z", "a/b", "a-b"]:
        store.put(BUCKET, key, b"")
    assert [info.key for info in store.list(BUCKET)] == ["Z", "a-b", "a/b", "z", "é"]


@pytest.mark.parametrize("call", ["put", "get", "list", "head"])
def test_a_missing_bucket_is_no_such_bucket(store: ObjectStore, call: str) -> None:
    arguments = {"put": ("absent", "k", b""), "get": ("absent", "k"), "list": ("absent",), "head": ("absent", "k")}
    with pytest.raises(ObjectStoreError) as raised:
        getattr(store, call)(*arguments[call])
    assert raised.value.code == "NoSuchBucket" or (call == "head" and raised.value.code == "NoSuchKey")
    assert raised.value.status == 404


def test_a_missing_key_is_no_such_key(store: ObjectStore) -> None:
    for call in (store.get, store.head):
        with pytest.raises(ObjectStoreError) as raised:
            call(BUCKET, "absent")
        assert (raised.value.code, raised.value.message, raised.value.status) == (
            "NoSuchKey",
            "The specified key does not exist.",
            404,
        )


def test_a_failure_is_worded_as_the_service_reports_it(store: ObjectStore) -> None:
    with pytest.raises(ObjectStoreError) as raised:
        store.put("absent", "k", b"")
    code, message = raised.value.failure()
    assert code == "S3NoSuchBucket"
    assert message.startswith(
        "The specified bucket does not exist (Service: Amazon S3; Status Code: 404; Error Code: NoSuchBucket; "
        "Request ID: "
    )
    assert message.endswith("; Proxy: null)")
    assert f"S3 Extended Request ID: {raised.value.extended_request_id};" in message


def test_s3_failure_texts() -> None:
    assert errors.s3_failure_code("AccessDenied") == "S3AccessDenied"
    assert errors.s3_failure_message("Access Denied", 403, "AccessDenied", "R1", "X1") == (
        "Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; Request ID: R1; "
        "S3 Extended Request ID: X1; Proxy: null)"
    )


# --- the directory store ------------------------------------------------------------------------


def test_each_bucket_is_a_directory_and_each_key_a_file(tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path)
    store.create_bucket(BUCKET)
    store.put(BUCKET, "prefix/AWSDynamoDB/01/manifest-summary.json", b"{}")
    assert (tmp_path / BUCKET / "prefix" / "AWSDynamoDB" / "01" / "manifest-summary.json").read_bytes() == b"{}"
    assert sorted(path.name for path in (tmp_path / BUCKET / "prefix" / "AWSDynamoDB" / "01").iterdir()) == [
        "manifest-summary.json"
    ]  # no temporary file is left beside it


@pytest.mark.parametrize("key", ["../escape", "a/../../escape", "/absolute", "a//b", "a/", "", ".", "a/./b", "a\0b"])
def test_keys_that_would_leave_the_bucket_directory_are_refused(tmp_path: Path, key: str) -> None:
    store = DirectoryStore(tmp_path / "root")
    store.create_bucket(BUCKET)
    with pytest.raises(ObjectStoreError) as raised:
        store.put(BUCKET, key, b"x")
    assert (raised.value.code, raised.value.status) == ("InvalidArgument", 400)
    assert not (tmp_path / "escape").exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["root"]


def test_a_key_through_a_symbolic_link_out_of_the_bucket_is_refused(tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path / "root")
    store.create_bucket(BUCKET)
    (tmp_path / "outside").mkdir()
    (tmp_path / "root" / BUCKET / "link").symlink_to(tmp_path / "outside")
    with pytest.raises(ObjectStoreError):
        store.put(BUCKET, "link/file", b"x")
    assert list((tmp_path / "outside").iterdir()) == []


@pytest.mark.parametrize("bucket", ["..", ".", "a/b", ""])
def test_bucket_names_that_are_no_directory_name_are_refused(tmp_path: Path, bucket: str) -> None:
    with pytest.raises(ObjectStoreError) as raised:
        DirectoryStore(tmp_path).put(bucket, "k", b"")
    assert raised.value.code == "InvalidBucketName"


def test_a_key_that_is_also_a_directory_of_keys_is_refused(tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path)
    store.create_bucket(BUCKET)
    store.put(BUCKET, "a/b", b"x")
    with pytest.raises(ObjectStoreError) as raised:
        store.put(BUCKET, "a", b"y")
    assert raised.value.code == "InvalidArgument"
    store.put(BUCKET, "c", b"y")
    with pytest.raises(ObjectStoreError):
        store.put(BUCKET, "c/d", b"z")
    assert [info.key for info in store.list(BUCKET)] == ["a/b", "c"]


# --- the S3 client store ------------------------------------------------------------------------


def test_the_bucket_owner_goes_with_every_call() -> None:
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        sent: list[tuple[str, str | None]] = []
        client.meta.events.register(
            "provide-client-params.s3.*",
            lambda params, model, **_: sent.append((model.name, params.get("ExpectedBucketOwner"))),
        )
        store = S3ClientStore(client)
        assert store.owned_by(None) is store
        owned = store.owned_by("123456789012")
        owned.put(BUCKET, "k", b"x")
        owned.get(BUCKET, "k")
        owned.head(BUCKET, "k")
        owned.list(BUCKET)
        owned.delete(BUCKET, "k")
        store.list(BUCKET)
    assert sent == [
        ("PutObject", "123456789012"),
        ("GetObject", "123456789012"),
        ("HeadObject", "123456789012"),
        ("ListObjectsV2", "123456789012"),
        ("DeleteObject", "123456789012"),
        ("ListObjectsV2", None),
    ]


def test_access_denied_from_s3_becomes_the_services_failure() -> None:
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)

        def deny(**_: object) -> None:
            from botocore.exceptions import ClientError

            raise ClientError(
                {
                    "Error": {"Code": "AccessDenied", "Message": "Access Denied"},
                    "ResponseMetadata": {"HTTPStatusCode": 403, "RequestId": "REQ", "HostId": "HOST"},
                },
                "PutObject",
            )

        client.meta.events.register("before-call.s3.PutObject", deny)
        with pytest.raises(ObjectStoreError) as raised:
            S3ClientStore(client).put(BUCKET, "k", b"x")
    assert raised.value.failure() == (
        "S3AccessDenied",
        "Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; Request ID: REQ; "
        "S3 Extended Request ID: HOST; Proxy: null)",
    )


def test_a_key_no_file_can_be_named_is_refused_and_never_found(tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path)
    store.create_bucket(BUCKET)
    key = "data/" + "x" * 300  # S3 takes 1024 bytes; a file name, 255
    with pytest.raises(ObjectStoreError) as raised:
        store.put(BUCKET, key, b"x")
    assert raised.value.code == "InvalidArgument"
    for call in (store.get, store.head):
        with pytest.raises(ObjectStoreError) as raised:
            call(BUCKET, key)
        assert raised.value.code == "NoSuchKey"
    store.delete(BUCKET, key)


def test_a_file_the_process_may_not_write_is_access_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = DirectoryStore(tmp_path)
    store.create_bucket(BUCKET)

    def refuse(*_: object, **__: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    with pytest.raises(ObjectStoreError) as raised:
        store.put(BUCKET, "k", b"x")
    assert raised.value.failure()[0] == "S3AccessDenied"
    assert (raised.value.message, raised.value.status) == ("Access Denied", 403)


def test_a_directory_of_keys_is_no_object(tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path)
    store.create_bucket(BUCKET)
    store.put(BUCKET, "a/b", b"x")
    for call in (store.get, store.head):
        with pytest.raises(ObjectStoreError) as raised:
            call(BUCKET, "a")
        assert raised.value.code == "NoSuchKey"
    store.delete(BUCKET, "a")
    assert store.get(BUCKET, "a/b") == b"x"

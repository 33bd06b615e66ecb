"""An object store over any boto3 S3 client: moto's in-process S3, an S3-compatible server, or S3.

The client is the user's: its endpoint, credentials and retries are theirs, and dynasim sends it
nothing but these calls. S3's error responses become `ObjectStoreError`s with S3's own code,
message, status and request ids; a head request's bodiless 404 and 403 are named as S3 names them
elsewhere (NoSuchKey, AccessDenied).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from botocore.exceptions import ClientError

from dynasim.objects.store import ObjectInfo, ObjectStore, ObjectStoreError

_HEAD_ERRORS = {
    "404": ("NoSuchKey", "The specified key does not exist."),
    "403": ("AccessDenied", "Access Denied"),
}
_Result = TypeVar("_Result")


def _from_client_error(error: ClientError) -> ObjectStoreError:
    details = error.response.get("Error", {})
    metadata = error.response.get("ResponseMetadata", {})
    code = str(details.get("Code", "Unknown"))
    message = str(details.get("Message", ""))
    if code in _HEAD_ERRORS:
        code, message = _HEAD_ERRORS[code]
    return ObjectStoreError(
        code,
        message,
        int(metadata.get("HTTPStatusCode", 400)),
        str(metadata.get("RequestId", "")),
        str(metadata.get("HostId", "")),
    )


class S3ClientStore(ObjectStore):
    """Objects in S3, through `client` (a boto3 or botocore S3 client)."""

    def __init__(self, client: Any, expected_bucket_owner: str | None = None) -> None:
        self.client = client
        self.expected_bucket_owner = expected_bucket_owner

    def owned_by(self, owner: str | None) -> ObjectStore:
        return S3ClientStore(self.client, owner) if owner else self

    def put(self, bucket: str, key: str, data: bytes) -> None:
        self._call(self.client.put_object, Bucket=bucket, Key=key, Body=data)

    def get(self, bucket: str, key: str) -> bytes:
        response = self._call(self.client.get_object, Bucket=bucket, Key=key)
        body: bytes = response["Body"].read()
        return body

    def list(self, bucket: str, prefix: str = "") -> list[ObjectInfo]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix, **self._owner())
        try:
            return [ObjectInfo(entry["Key"], entry["Size"]) for page in pages for entry in page.get("Contents", [])]
        except ClientError as error:
            raise _from_client_error(error) from None

    def head(self, bucket: str, key: str) -> ObjectInfo:
        response = self._call(self.client.head_object, Bucket=bucket, Key=key)
        return ObjectInfo(key, int(response["ContentLength"]))

    def delete(self, bucket: str, key: str) -> None:
        self._call(self.client.delete_object, Bucket=bucket, Key=key)

    def _owner(self) -> dict[str, str]:
        return {"ExpectedBucketOwner": self.expected_bucket_owner} if self.expected_bucket_owner else {}

    def _call(self, method: Callable[..., _Result], **parameters: Any) -> _Result:
        try:
            return method(**parameters, **self._owner())
        except ClientError as error:
            raise _from_client_error(error) from None

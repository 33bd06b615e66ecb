"""The object store interface and the error every implementation raises."""

from __future__ import annotations

import abc
import secrets
from dataclasses import dataclass, field

from dynasim import errors


@dataclass(frozen=True)
class ObjectInfo:
    """An object's key and its size in bytes, as a listing or a head request reports them."""

    key: str
    size: int


@dataclass
class ObjectStoreError(Exception):
    """S3's refusal of a call, as S3 reports it: its error code ("NoSuchBucket", "AccessDenied",
    "NoSuchKey", ...), message, HTTP status and request ids."""

    code: str
    message: str
    status: int
    request_id: str = field(default_factory=lambda: secrets.token_hex(8).upper())
    extended_request_id: str = field(default_factory=lambda: secrets.token_urlsafe(57))

    def __post_init__(self) -> None:
        super().__init__(f"{self.code}: {self.message}")

    def failure(self) -> tuple[str, str]:
        """(FailureCode, FailureMessage) of an export or import that this error ended."""
        message = errors.s3_failure_message(
            self.message, self.status, self.code, self.request_id, self.extended_request_id
        )
        return errors.s3_failure_code(self.code), message


def no_such_bucket() -> ObjectStoreError:
    return ObjectStoreError("NoSuchBucket", "The specified bucket does not exist", 404)


def access_denied() -> ObjectStoreError:
    return ObjectStoreError("AccessDenied", "Access Denied", 403)


def no_such_key() -> ObjectStoreError:
    return ObjectStoreError("NoSuchKey", "The specified key does not exist.", 404)


class ObjectStore(abc.ABC):
    """Buckets of objects, addressed by bucket name and key. Every method raises
    `ObjectStoreError` for what S3 would refuse."""

    @abc.abstractmethod
    def put(self, bucket: str, key: str, data: bytes) -> None:
        """Store `data` as the object `key`, replacing any object of that key."""

    @abc.abstractmethod
    def get(self, bucket: str, key: str) -> bytes:
        """The object's bytes."""

    @abc.abstractmethod
    def list(self, bucket: str, prefix: str = "") -> list[ObjectInfo]:
        """Every object whose key starts with `prefix`, in S3's order (keys' UTF-8 bytes)."""

    @abc.abstractmethod
    def head(self, bucket: str, key: str) -> ObjectInfo:
        """The object's key and size, without its bytes."""

    @abc.abstractmethod
    def delete(self, bucket: str, key: str) -> None:
        """Remove the object; removing one that is not there is no error (as in S3)."""

    def owned_by(self, owner: str | None) -> ObjectStore:
        """This store for requests naming the bucket's expected owner (an export's
        S3BucketOwner, an import's S3BucketOwner); a store that cannot check owners ignores it."""
        return self

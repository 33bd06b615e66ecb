"""An object store in a local directory: `<root>/<bucket>/<key>`, the key's `/`s directories.

A bucket exists when its directory does (`create_bucket` makes one). Keys that cannot be a path
under the bucket's directory are refused with S3's InvalidArgument rather than written elsewhere:
empty segments (`a//b`, a trailing `/`), `.` or `..` segments, a NUL character, or a path that
leaves the bucket through a symbolic link. A key that is also a "directory" of other keys (`a`
beside `a/b`), which S3 allows, cannot be stored in a file system and is refused the same way.
Each object is written to a temporary file in its directory and renamed into place, so a reader
never sees half an object. A file the process may not read or write is S3's AccessDenied.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from dynasim.objects.store import (
    ObjectInfo,
    ObjectStore,
    ObjectStoreError,
    access_denied,
    no_such_bucket,
    no_such_key,
)

_PARTIAL = ".dynasim-partial-"  # the name of an object being written, never listed


def _invalid(message: str) -> ObjectStoreError:
    return ObjectStoreError("InvalidArgument", message, 400)


class DirectoryStore(ObjectStore):
    """Buckets as subdirectories of `root`, objects as files under them."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def create_bucket(self, bucket: str) -> None:
        self._bucket_path(bucket, must_exist=False).mkdir(parents=True, exist_ok=True)

    # --- the interface ----------------------------------------------------------------------

    def put(self, bucket: str, key: str, data: bytes) -> None:
        path = self._object_path(bucket, key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, partial = tempfile.mkstemp(prefix=_PARTIAL, dir=path.parent)
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(data)
                os.replace(partial, path)
            except BaseException:
                os.unlink(partial)
                raise
        except PermissionError:
            raise access_denied() from None
        except OSError as error:  # a file where a directory must be, or the other way round; a name too long
            reason = f"The key {key!r} cannot be stored as a file in the bucket directory: {error.strerror}"
            raise _invalid(reason) from None

    def get(self, bucket: str, key: str) -> bytes:
        path = self._object_path(bucket, key)
        try:
            return path.read_bytes()
        except PermissionError:
            raise access_denied() from None
        except OSError:  # no such file, a directory, or a name no file can have
            raise no_such_key() from None

    def list(self, bucket: str, prefix: str = "") -> list[ObjectInfo]:
        bucket_path = self._bucket_path(bucket)
        found = []
        for directory, _, files in os.walk(bucket_path):
            relative = Path(directory).relative_to(bucket_path).as_posix()
            for name in files:
                if name.startswith(_PARTIAL):
                    continue
                key = name if relative == "." else f"{relative}/{name}"
                if key.startswith(prefix):
                    found.append(ObjectInfo(key, (Path(directory) / name).stat().st_size))
        return sorted(found, key=lambda info: info.key.encode())

    def head(self, bucket: str, key: str) -> ObjectInfo:
        path = self._object_path(bucket, key)
        try:
            status = path.stat()
        except PermissionError:
            raise access_denied() from None
        except OSError:
            raise no_such_key() from None
        if not stat.S_ISREG(status.st_mode):
            raise no_such_key()
        return ObjectInfo(key, status.st_size)

    def delete(self, bucket: str, key: str) -> None:
        path = self._object_path(bucket, key)
        try:
            path.unlink()
        except PermissionError:
            raise access_denied() from None
        except OSError:
            pass  # nothing there (or a directory of other keys): deleting it is no error, as in S3

    # --- where a bucket and a key live ------------------------------------------------------

    def _bucket_path(self, bucket: str, must_exist: bool = True) -> Path:
        if not bucket or "/" in bucket or "\\" in bucket or bucket in (".", "..") or "\0" in bucket:
            raise ObjectStoreError("InvalidBucketName", "The specified bucket is not valid.", 400)
        path = self.root / bucket
        if must_exist and not path.is_dir():
            raise no_such_bucket()
        return path

    def _object_path(self, bucket: str, key: str) -> Path:
        bucket_path = self._bucket_path(bucket)
        segments = key.split("/")
        if "\0" in key or "\\" in key or any(segment in ("", ".", "..") for segment in segments):
            raise _invalid(f"The key {key!r} does not name a file under the bucket directory")
        path = bucket_path.joinpath(*segments)
        resolved_bucket = os.path.realpath(bucket_path)
        if os.path.commonpath([resolved_bucket, os.path.realpath(path)]) != resolved_bucket:
            raise _invalid(f"The key {key!r} leads out of the bucket directory")
        return path

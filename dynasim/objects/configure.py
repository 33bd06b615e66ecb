"""The one place that builds a simulator's object store from what the user asked for.

`Simulator(s3_dir=PATH)` and `dynasim serve --s3-dir DIR` keep objects in that directory (a
`DirectoryStore`: each bucket a subdirectory, made by the user as they would make the bucket);
`Simulator(s3_client=client)` sends them through any boto3 S3 client (an `S3ClientStore`). With
neither, the simulator owns a temporary directory, made when an export or import first needs it and
removed with the simulator (or at exit): exports and imports still work, and never reach S3.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from dynasim.objects.directory import DirectoryStore
from dynasim.objects.s3 import S3ClientStore
from dynasim.objects.store import ObjectStore


class TemporaryDirectoryStore(DirectoryStore):
    """A `DirectoryStore` in a temporary directory it makes on first use and removes when it goes."""

    def __init__(self) -> None:
        self._directory: tempfile.TemporaryDirectory[str] | None = None

    @property  # type: ignore[override]
    def root(self) -> Path:
        if self._directory is None:
            self._directory = tempfile.TemporaryDirectory(prefix="dynasim-s3-")
        return Path(self._directory.name)

    @root.setter
    def root(self, value: Path) -> None:  # DirectoryStore.__init__'s assignment; never called here
        raise AttributeError("a temporary store's root is its own")


def object_store(s3_dir: str | os.PathLike[str] | None = None, s3_client: Any = None) -> ObjectStore:
    """The store exports write to and imports and bulk loads read from."""
    if s3_dir is not None and s3_client is not None:
        raise ValueError("give s3_dir or s3_client, not both")
    if s3_client is not None:
        return S3ClientStore(s3_client)
    if s3_dir is not None:
        return DirectoryStore(s3_dir)
    return TemporaryDirectoryStore()

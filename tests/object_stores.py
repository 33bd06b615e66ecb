"""Test plugin for the object-store seam: the `store` fixture, each implementation with an empty
bucket named by the test module's `BUCKET`. Test modules load it with
`pytest_plugins = ["object_stores"]`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from dynasim.objects import DirectoryStore, ObjectStore, S3ClientStore


@pytest.fixture(params=["directory", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ObjectStore]:
    """An empty bucket named by the test module's BUCKET, in each implementation (S3: moto's)."""
    bucket = request.module.BUCKET
    if request.param == "directory":
        directory = DirectoryStore(tmp_path)
        directory.create_bucket(bucket)
        yield directory
        return
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=bucket)
        yield S3ClientStore(client)

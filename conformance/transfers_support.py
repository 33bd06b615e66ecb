"""What the export, import and bulk load conformance tests share: a bucket to write to and read from,
waiting for a job, and a table with point-in-time recovery on.

The bucket is in the simulator's object store (its default temporary directory). Another target
needs an S3 bucket it can write to, which these tests do not make: they are skipped there.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from conformance import target_clock

BUCKET = "dynasim-conformance"
SCHEMA: dict[str, Any] = {
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}


class Bucket:
    """A bucket of the target's object store: its name, and objects put and read by key."""

    def __init__(self, store: Any, name: str) -> None:
        self.store = store
        self.name = name

    def put(self, key: str, data: bytes) -> None:
        self.store.put(self.name, key, data)

    def get(self, key: str) -> bytes:
        return bytes(self.store.get(self.name, key))

    def keys(self, prefix: str = "") -> list[str]:
        return [info.key for info in self.store.list(self.name, prefix)]


@pytest.fixture
def bucket(backend: Any) -> Bucket:
    sim = getattr(backend, "sim", None)
    if sim is None:
        pytest.skip("needs an S3 bucket the target writes to")
    sim.object_store.create_bucket(BUCKET)
    return Bucket(sim.object_store, BUCKET)


def settle(backend: Any, done: Callable[[], bool], seconds: float = 3600) -> None:
    """Wait until `done()` (bounded), on the target's clock (`conformance.target_clock`)."""
    target_clock.settle(backend, done, seconds)


def wait(backend: Any, seconds: float) -> None:
    """Let `seconds` pass on the target's clock."""
    target_clock.elapse(backend, seconds)


def recovered_table(ddb: Any, items: tuple[dict[str, Any], ...] = ()) -> tuple[str, str]:
    """A new table holding `items`, with point-in-time recovery on: (name, ARN)."""
    name = f"xp-{uuid.uuid4().hex[:16]}"
    ddb.create_table(TableName=name, **SCHEMA)
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    for item in items:
        ddb.put_item(TableName=name, Item=item)
    ddb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    return name, ddb.describe_table(TableName=name)["Table"]["TableArn"]

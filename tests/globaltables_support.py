"""Global tables for tests: the same table in several regions of one simulator, made one group.

`make_global` creates the table in each region through that region's client and writes the group
record every replica holds (`dynasim.engine.globaltables.group`), as the control plane does once
it has made the replicas.
"""

from __future__ import annotations

from typing import Any

from dynasim import Simulator
from dynasim.engine.globaltables import group

KEYS = {
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}
STREAM = {"StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}}


def make_global(
    sim: Simulator,
    name: str,
    regions: list[str],
    version: str = group.VERSION_2019,
    consistency: str = "EVENTUAL",
    *,
    witnesses: tuple[str, ...] = (),
    **table: Any,
) -> dict[str, Any]:
    """Make `name` a global table with a replica in each of `regions` (ACTIVE), with `table`'s
    CreateTable members (default: a string key "pk", on demand); return the group record."""
    members = table or KEYS
    for region in regions:
        sim.client(region_name=region).create_table(TableName=name, **members)
    now = sim.clock.now()
    record = {
        "Version": version,
        "CreatedAt": now,
        "Consistency": consistency,
        "Replicas": {region: {"Status": "ACTIVE", "Since": now, "Until": None, "Next": None} for region in regions},
        "Witnesses": {region: {"Status": "ACTIVE", "Since": now, "Until": None, "Next": None} for region in witnesses},
    }
    regions = sim.engine.regions
    assert regions is not None
    with regions.lock:
        group.write(regions, name, record)
    return record

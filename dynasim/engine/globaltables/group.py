"""The record of a global table's replication group, kept in each replica's `TableSettings.extra`.

Every replica of a global table holds the same record (its own copy: settings are what snapshots
copy and the durable store writes), and every change to the group writes it to each replica at
once (`write`), under the account's one lock (`Regions.lock`). The record is plain data:

    {
        "Version": "2019.11.21" | "2017.11.29",
        "CreatedAt": <seconds, on the clock>,
        "Consistency": "EVENTUAL" | "STRONG",           # MultiRegionConsistency
        "Replicas": {<region>: {"Status": <status>, "Since": <seconds>, "Until": <seconds> | None,
                                 "Next": <status> | None, ...per-replica settings}},
        "Witnesses": {<region>: {"Status": ..., "Since": ..., "Until": ..., "Next": ...}},
    }

A status with an `Until` becomes `Next` once the clock passes it (CREATING -> ACTIVE), read, never
stored, by `status`: so statuses move on `sim.clock` without anything running.

A version 2017.11.29 group (`version2017`) keeps besides, in the same record:

    "GlobalTableStatus": {"Status": ..., "Since": ..., "Until": ..., "Next": ...},  # of the group itself
    "WriteAutoScaling": <AutoScalingSettingsDescription> | None,   # the group's, every replica shows it
    "IndexWriteAutoScaling": {<index>: <AutoScalingSettingsDescription>},

and in each replica's entry its own "ReadAutoScaling" and "IndexReadAutoScaling" (UpdateGlobalTableSettings).

`version_of(table)` says which version of global tables a table belongs to: the service refuses one
version's operations on the other's tables (UpdateTable's ReplicaUpdates on a 2017.11.29 replica,
CreateGlobalTable and UpdateGlobalTable on a 2019.11.21 one).

The 2019.11.21 control plane (`replicas`, `autoscaling`) keeps these per-replica members too:
"Source" (the region whose UpdateTable created the replica) and "CreatedAt" (when), for the rule
that a recent source may not be deleted; "By" (the region whose request started the status change:
its table is UPDATING meanwhile); the overrides "ProvisionedThroughputOverride",
"OnDemandThroughputOverride", "GlobalSecondaryIndexes" ({index: override}), "TableClass"
({"TableClass", "LastUpdateDateTime"}) and "KMSMasterKeyId"; and "AutoScaling" (the replica's auto
scaling settings). A deleted replica or witness is DELETING with `Next` "GONE": it is then no
longer listed (`replicas.live`), and dropped at the group's next change.
"""

from __future__ import annotations

import copy
import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dynasim.engine import Engine
    from dynasim.engine.regions import Regions
    from dynasim.storage.table import Table

KEY = "GlobalTable"
VERSION_2019 = "2019.11.21"
VERSION_2017 = "2017.11.29"

Record = dict[str, Any]
# The statuses of the replicas (and witnesses) that take the group's writes: a CREATING replica too,
# since its backfill copied the items at once, when it was made, so the writes after must follow.
RECEIVING = ("CREATING", "ACTIVE", "UPDATING")


def regions_of(engine: Engine) -> Regions:
    """The regions `engine` is one of (a global table's engine always is: a Simulator's)."""
    assert engine.regions is not None, "an engine of a Simulator's regions"
    return engine.regions


def record_of(table: Table) -> Record | None:
    """The group record a replica holds, or None for a table that is not global."""
    return table.settings.extra.get(KEY)


def version_of(table: Table) -> str | None:
    """The version of global tables `table` is a replica of (VERSION_2019 or VERSION_2017), or None."""
    record = record_of(table)
    return str(record["Version"]) if record is not None else None


def status(entry: dict[str, Any], now: float) -> str:
    """A replica's (or witness's) status at `now`: `Next` once `Until` has passed."""
    until = entry.get("Until")
    if until is not None and now >= until and entry.get("Next") is not None:
        return str(entry["Next"])
    return str(entry["Status"])


def replica_regions(table: Table) -> list[str]:
    """Every region holding a replica of `table` (its own included), as the record lists them."""
    record = record_of(table)
    return list(record["Replicas"]) if record is not None else []


def peers(engine: Engine, table: Table) -> list[str]:
    """The other regions whose replicas of `table` take its writes now: those whose status is
    one of `RECEIVING`."""
    record = record_of(table)
    if record is None:
        return []
    now = engine.clock()
    return [
        region
        for region, entry in record["Replicas"].items()
        if region != engine.region and status(entry, now) in RECEIVING
    ]


def replicas(regions: Regions, name: str, record: Record) -> list[tuple[Engine, Table]]:
    """The (engine, table) of each replica `record` lists that exists (a region not held yet is made)."""
    found = []
    for region in record["Replicas"]:
        engine = regions.add(region)
        table = engine.tables.get(name)
        if table is not None:
            found.append((engine, table))
    return found


def write(regions: Regions, name: str, record: Record | None, also: tuple[str, ...] = ()) -> None:
    """Give every replica `record` lists (and the regions in `also`: replicas leaving the group)
    its own copy of `record` (None: the table is no longer global), each as one operation of its
    region's engine (`Engine.apply`: its change feed sees the settings change). Call under
    `regions.lock` (any handler runs under it)."""
    listed = list(record["Replicas"]) if record is not None else []
    for region in dict.fromkeys(listed + list(also)):
        engine = regions.add(region)
        table = engine.tables.get(name)
        if table is not None:
            engine.apply(functools.partial(_set, engine, table, record))


def _set(engine: Engine, table: Table, record: Record | None) -> None:
    from dynasim.storage.changes import TableUpdated

    if record is None:
        table.settings.extra.pop(KEY, None)
    else:
        table.settings.extra[KEY] = copy.deepcopy(record)
    engine.record(TableUpdated(table.settings))

"""Global tables version 2019.11.21, the control plane: UpdateTable's `ReplicaUpdates`,
`MultiRegionConsistency` and `GlobalTableWitnessUpdates`, the global-table members of a
TableDescription, and DeleteTable on a replica. Moving writes between replicas is `replication`'s job.

The service's rules, as recorded (AWS API Reference: UpdateTable, ReplicationGroupUpdate,
CreateReplicationGroupMemberAction, UpdateReplicationGroupMemberAction,
DeleteReplicationGroupMemberAction, ReplicaDescription, GlobalTableWitnessGroupUpdate; Developer Guide:
"Global tables - multi-active, multi-Region replication", "How DynamoDB global tables work",
"Multi-Region strong consistency"; the service's recorded answers: ack-api-quirks dynamodb findings,
2026-10-09, DDB-TABLE-201 to -204, -221 to -229, -231, -257 to -261, -265 to -267, -294, -297, -305):

- A replica change must be the only change of its UpdateTable. An eventually consistent group takes
  one Create or one Delete per call; a STRONG group is made in one call (two Creates, or one Create
  and one witness, all in regions able to hold one) and is then frozen until one call deletes every
  replica and the witness.
- Create needs no stream: a table without one gets NEW_AND_OLD_IMAGES (kept after the group is
  gone); an enabled stream keeps its view type, and the replica gets the same. While the table is
  global its stream cannot be disabled. A PROVISIONED table needs write auto scaling first (the
  service's "Pay-Per-Request or AutoScaled" rule), so here a global table starts PAY_PER_REQUEST.
- The replica is a table of the other region (`engine.regions`) with the source's key schema,
  attribute definitions, indexes, billing mode, capacity, table class and TTL setting, less the
  request's overrides, filled with the source's items at once (the backfill). Its entry is CREATING
  for `CREATE_SECONDS` (the service took 14 to 49 s for an empty table), then ACTIVE; the table
  whose region asked is UPDATING meanwhile, the new replica's own table CREATING. An Update is
  UPDATING for `UPDATE_SECONDS` (34 to 58 s recorded). A Delete drops the replica's table at once
  and keeps its entry DELETING for `DELETE_SECONDS` (about two minutes recorded), then gone.
- While a replica or witness is CREATING, UPDATING or DELETING, any other UpdateTable on the group
  is ResourceInUseException (time to live, tags, backups and the like are still admitted).
- A region that was the source of a replica still in the group, less than 24 hours ago, cannot be
  deleted (by ReplicaUpdates or DeleteTable); DeleteTable on any other replica removes it from the
  group. When the last other replica is gone the table describes as a regional table again.

- What an UpdateTable changes on one replica that the service shares (billing mode, capacity,
  GSIs, table class), and a TTL setting (UpdateTimeToLive), reach every replica; deletion
  protection, tags, backups, resource policies and contributor insights stay regional.

Statuses move lazily on `sim.clock` (`group.status`); the record is `group`'s, written with
`group.write` to every replica.

Where this differs from the service: the UpdateTable answer already lists a new replica (CREATING;
the service's shows none for a few seconds); a deleted replica's table is gone at once (the
service's stays DELETING a while, and its Delete answer still shows the replica ACTIVE); shared
settings reach the other replicas at once; a CREATING replica's table answers every operation. Not checked
(their answers are not recorded): region names the service does not know, per-replica KMS keys,
and the documented limits of a STRONG group (an empty table; no TTL or local secondary indexes).
"""

from __future__ import annotations

import copy
import functools
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.engine import features, tables
from dynasim.engine.features import Apply, Feature, Request, register
from dynasim.engine.globaltables import group
from dynasim.engine.keys import item_key
from dynasim.engine.streams.store import StreamStore
from dynasim.engine.ttl import Expiry
from dynasim.storage.changes import Change, TableCreated, TableDeleted, TableUpdated
from dynasim.storage.table import Table
from dynasim.values import item_size

if TYPE_CHECKING:
    from dynasim.engine import Engine

CREATE_SECONDS = 20.0
UPDATE_SECONDS = 35.0
DELETE_SECONDS = 120.0
SOURCE_WINDOW = 24 * 3600.0  # a source region of a replica added this recently cannot be deleted
GONE = "GONE"  # the status after DELETING: the entry is no longer listed
TRANSITIONAL = ("CREATING", "UPDATING", "DELETING")
STREAM_VIEW = "NEW_AND_OLD_IMAGES"  # what Create enables on a table without a stream
SETTINGS_MODE = "ENABLED_WITH_OVERRIDES"  # GlobalTableSettingsReplicationMode of a global table
# Regions able to hold a STRONG group's replica or witness (Developer Guide, "Multi-Region strong
# consistency": the US, EU and AP region sets).
STRONG_REGIONS = frozenset(
    {
        "us-east-1", "us-east-2", "us-west-2",
        "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1",
        "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    }
)  # fmt: skip
TTL = "TimeToLiveSpecification"  # group-wide: a replica's table starts with its source's, and follows it
SHARED_EXTRA = (TTL,)  # what a replica's table keeps of its source's extra settings
MEMBERS = ("ReplicaUpdates", "MultiRegionConsistency", "GlobalTableWitnessUpdates")
# UpdateTable members whose change on one replica the service makes on every replica (capacity,
# billing mode, GSIs, table class); deletion protection, tags, backups and the like stay regional.
SHARED_MEMBERS = ("BillingMode", "ProvisionedThroughput", "GlobalSecondaryIndexUpdates", "TableClass")

Entry = dict[str, Any]


# --- the record ---------------------------------------------------------------------------


def live(entries: dict[str, Entry], now: float) -> dict[str, Entry]:
    """The entries still listed (not gone after DELETING)."""
    return {region: entry for region, entry in entries.items() if group.status(entry, now) != GONE}


def record_of(table: Table) -> group.Record | None:
    """The table's group record if it is a 2019.11.21 group (a 2017.11.29 one has operations of its own)."""
    record = group.record_of(table)
    return record if record is not None and record.get("Version") == group.VERSION_2019 else None


def is_global(record: group.Record | None, now: float) -> bool:
    """Whether a table with this record has another replica (or a witness) now."""
    if record is None:
        return False
    return len(live(record["Replicas"], now)) > 1 or bool(live(record.get("Witnesses", {}), now))


def _moving(status: str, until: float, next_status: str, by: str, now: float) -> Entry:
    return {"Status": status, "Since": now, "Until": until, "Next": next_status, "By": by}


def settled_record(record: group.Record, now: float) -> group.Record:
    """A copy of `record` to change: statuses as they are now, gone entries dropped."""
    fresh = copy.deepcopy(record)
    for kind in ("Replicas", "Witnesses"):
        entries = fresh.setdefault(kind, {})
        for region in list(entries):
            entry = entries[region]
            entry["Status"] = group.status(entry, now)
            if entry["Status"] == GONE:
                del entries[region]
            elif entry.get("Until") is not None and now >= entry["Until"]:
                entry.update(Since=entry["Until"], Until=None, Next=None)
    return fresh


def _busy(record: group.Record, now: float) -> bool:
    """Whether a replica or witness of the group is on its way somewhere (a change in flight)."""
    entries = [*record["Replicas"].values(), *record.get("Witnesses", {}).values()]
    return any(group.status(entry, now) in TRANSITIONAL for entry in entries)


def _is_source(record: group.Record, region: str, now: float) -> bool:
    """Whether `region` was the source of a replica still in the group, in the last 24 hours."""
    return any(
        entry.get("Source") == region and now - entry.get("CreatedAt", 0.0) < SOURCE_WINDOW
        for entry in live(record["Replicas"], now).values()
    )


# --- checking UpdateTable ------------------------------------------------------------------


def _actions(updates: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """The one kind of action ReplicaUpdates asks for, and each action's body (identical Creates once)."""
    kinds: set[str] = set()
    bodies: list[dict[str, Any]] = []
    for element in updates:
        present = [kind for kind in ("Create", "Update", "Delete") if element.get(kind) is not None]
        if len(present) > 1:
            raise errors.replica_action_types_mixed()
        if not present:
            raise errors.replica_no_action()
        kinds.add(present[0])
        if element[present[0]] not in bodies:
            bodies.append(element[present[0]])
    if len(kinds) > 1:
        raise errors.replica_action_types_mixed()
    return kinds.pop(), bodies


def _other_members() -> list[str]:
    """The UpdateTable members that are not replica changes."""
    names = list(tables.UPDATES) + [name for members in features.table_members() for name in members.update_members]
    names.append("StreamSpecification")
    return [name for name in dict.fromkeys(names) if name not in MEMBERS]


def _check_provisioned(table: Table, record: group.Record | None, region: str) -> None:
    """A PROVISIONED table (and each of its GSIs) needs write auto scaling before a replica is added."""
    if table.settings.billing_mode != "PROVISIONED":
        return
    scaling = (record or {}).get("Replicas", {}).get(region, {}).get("AutoScaling", {})
    if not _enabled(scaling.get("Write")):
        raise errors.replica_write_capacity_not_autoscaled()
    for index in table.settings.indexes:
        if index.kind == "GLOBAL" and not _enabled(scaling.get("Indexes", {}).get(index.name, {}).get("Write")):
            raise errors.replica_write_capacity_not_autoscaled(index=True)


def _enabled(settings: dict[str, Any] | None) -> bool:
    return settings is not None and bool(settings) and not settings.get("AutoScalingDisabled", False)


def _check_overrides(table: Table, body: dict[str, Any], *, creating: bool) -> None:
    provisioned = table.settings.billing_mode == "PROVISIONED"
    if body.get("OnDemandThroughputOverride") is not None and provisioned:
        raise errors.replica_on_demand_override_provisioned()
    if not creating:
        if body.get("KMSMasterKeyId") is not None:
            raise errors.replica_key_update()
        if body.get("ProvisionedThroughputOverride") is not None and not provisioned:
            raise errors.replica_provisioned_override_on_demand()
        if not any(body.get(member) is not None for member in body if member != "RegionName"):
            raise errors.replica_no_action()


def _check_creates(engine: Engine, table: Table, record: group.Record | None, bodies: list[dict[str, Any]]) -> None:
    now = engine.clock()
    if record is not None and _busy(record, now):
        raise errors.replica_resource_in_use()
    members = live(record["Replicas"], now) if record is not None else {}
    for body in bodies:
        region = body["RegionName"]
        held = group.regions_of(engine).get(region)
        if region in members or (held is not None and table.name in held.tables):
            raise errors.replica_exists(table.name)
    _check_provisioned(table, record, engine.region)
    for body in bodies:
        _check_overrides(table, body, creating=True)


def _witness_regions(request: Request, kind: str) -> list[str]:
    """The regions of GlobalTableWitnessUpdates' actions, all of `kind` (as the replica actions are)."""
    regions = []
    for update in request.get("GlobalTableWitnessUpdates") or []:
        present = [name for name in ("Create", "Delete") if update.get(name) is not None]
        if not present:
            raise errors.replica_no_action()
        if present != [kind]:
            raise errors.strong_create_only() if kind == "Create" else errors.replica_action_types_mixed()
        regions.append(update[kind]["RegionName"])
    return regions


def _check_strong_create(
    engine: Engine, request: Request, table: Table, record: group.Record | None, kind: str, bodies: list[dict[str, Any]]
) -> list[str]:
    """Check a STRONG group's creation; return its witness's regions."""
    if kind != "Create":
        raise errors.strong_create_only()
    if is_global(record, engine.clock()):
        if (record or {}).get("Consistency") == "STRONG" or request.get("MultiRegionConsistency") == "EVENTUAL":
            raise errors.consistency_on_existing_group()
        raise errors.strong_replica_count()
    witnesses = _witness_regions(request, "Create")
    replicas = [body["RegionName"] for body in bodies]
    if len(replicas) + len(witnesses) != 2 or len(witnesses) > 1:
        raise errors.strong_replica_count()
    unsupported = [region for region in [engine.region, *replicas, *witnesses] if region not in STRONG_REGIONS]
    if unsupported:
        raise errors.strong_regions_unsupported(unsupported)
    for region in witnesses:
        if region == engine.region:
            raise errors.witness_local_region()
        if region in replicas:
            raise errors.witness_same_region_as_replica()
    _check_creates(engine, table, record, bodies)
    return witnesses


def _check_members(engine: Engine, record: group.Record | None, regions: list[str]) -> float:
    """Refuse a change of replicas that are not in the group, or while the group is changing;
    return the time now."""
    now = engine.clock()
    members = live(record["Replicas"], now) if record is not None else {}
    missing = [region for region in regions if region not in members]
    if missing:
        raise errors.replica_not_member(missing)
    assert record is not None
    if _busy(record, now):
        raise errors.replica_resource_in_use()
    return now


def _check_deletes(engine: Engine, table: Table, record: group.Record | None, regions: list[str]) -> None:
    now = _check_members(engine, record, regions)
    assert record is not None
    for region in regions:
        held = group.regions_of(engine).add(region).tables.get(table.name)
        if held is not None and held.settings.deletion_protection:
            raise errors.replica_deletion_protected(table.name, region)
        if _is_source(record, region, now):
            raise errors.replica_source_region()


def _check_strong_deletes(engine: Engine, request: Request, record: group.Record, regions: list[str]) -> list[str]:
    """Check the one call that dissolves a STRONG group; return the witnesses it deletes."""
    now = engine.clock()
    witnesses = live(record.get("Witnesses", {}), now)
    deleting = _witness_regions(request, "Delete")
    strangers = [region for region in deleting if region not in witnesses]
    if strangers:
        raise errors.witness_not_member(strangers)
    if set(deleting) != set(witnesses):
        raise errors.strong_delete_without_witnesses()
    others = {region for region in live(record["Replicas"], now) if region != engine.region}
    if set(regions) != others:
        raise errors.strong_delete_one()
    return deleting


def check_update(engine: Engine, request: Request, table: Table) -> Apply | None:
    """Check UpdateTable's replica and witness changes (and a stream change on a global table)."""
    record = record_of(table)
    now = engine.clock()
    stream = request.get("StreamSpecification")
    if stream is not None and stream.get("StreamEnabled") is False and is_global(record, now):
        raise errors.replica_stream_disable()
    updates = request.get("ReplicaUpdates")
    witnesses = request.get("GlobalTableWitnessUpdates") or []
    consistency = request.get("MultiRegionConsistency")
    others = [name for name in _other_members() if request.get(name) not in (None, [])]
    if not updates:
        if (consistency is not None or witnesses) and not others:
            raise errors.no_update([])  # neither counts as a change by itself
        if record is not None and _busy(record, now):
            raise errors.replica_resource_in_use()  # no other change while a replica comes or goes
        if is_global(record, now) and any(request.get(name) not in (None, []) for name in SHARED_MEMBERS):
            return functools.partial(_share, engine)
        return None
    if others:
        raise errors.replica_witness_only_operation() if witnesses else errors.replica_only_operation()
    kind, bodies = _actions(updates)
    regions = [body["RegionName"] for body in bodies]
    if engine.region in regions:
        raise errors.replica_local_region()
    strong = record is not None and record.get("Consistency") == "STRONG" and is_global(record, now)
    if witnesses and consistency != "STRONG" and not strong:
        raise errors.witness_needs_strong()
    if consistency == "STRONG" or (consistency is not None and is_global(record, now)):
        created_witnesses = _check_strong_create(engine, request, table, record, kind, bodies)
        return functools.partial(_create, engine, bodies, "STRONG", created_witnesses)
    if strong:
        assert record is not None
        if kind == "Create":
            raise errors.strong_add_replica()
        if kind == "Delete":
            deleted_witnesses = _check_strong_deletes(engine, request, record, regions)
            _check_deletes(engine, table, record, regions)
            return functools.partial(_delete, engine, regions, deleted_witnesses)
    elif kind != "Update" and len(bodies) > 1:
        raise errors.replica_actions_too_many()
    if kind == "Create":
        _check_creates(engine, table, record, bodies)
        return functools.partial(_create, engine, bodies, consistency or "EVENTUAL", [])
    if kind == "Delete":
        _check_deletes(engine, table, record, regions)
        return functools.partial(_delete, engine, regions, [])
    _check_updates(engine, table, record, bodies)
    return functools.partial(_update, engine, bodies)


def _check_updates(engine: Engine, table: Table, record: group.Record | None, bodies: list[dict[str, Any]]) -> None:
    _check_members(engine, record, [body["RegionName"] for body in bodies])
    for body in bodies:
        _check_overrides(table, body, creating=False)


# --- applying ------------------------------------------------------------------------------


def _overrides(body: dict[str, Any], table: Table, now: float) -> Entry:
    """The per-replica settings a Create or Update asks for, as the entry keeps them (a value equal
    to the table's own clears its override, as on the service)."""
    kept: Entry = {}
    throughput = body.get("ProvisionedThroughputOverride")
    if throughput is not None and throughput.get("ReadCapacityUnits") != table.settings.read_capacity:
        kept["ProvisionedThroughputOverride"] = dict(throughput)
    if body.get("OnDemandThroughputOverride") is not None:
        kept["OnDemandThroughputOverride"] = dict(body["OnDemandThroughputOverride"])
    if body.get("TableClassOverride") is not None:
        kept["TableClass"] = {"TableClass": body["TableClassOverride"], "LastUpdateDateTime": now}
    if body.get("KMSMasterKeyId") is not None:
        kept["KMSMasterKeyId"] = body["KMSMasterKeyId"]
    indexes = {index.name: index for index in table.settings.indexes if index.kind == "GLOBAL"}
    for index in body.get("GlobalSecondaryIndexes") or []:
        name = index.get("IndexName")
        if name not in indexes:
            continue  # the service ignores an override of an index the table lacks
        override = index.get("ProvisionedThroughputOverride")
        if override is not None and override.get("ReadCapacityUnits") != indexes[name].read_capacity:
            kept.setdefault("GlobalSecondaryIndexes", {})[name] = dict(override)
    return kept


def _create(engine: Engine, bodies: list[dict[str, Any]], consistency: str, witnesses: list[str], table: Table) -> None:
    regions = group.regions_of(engine)
    now = engine.clock()
    record = record_of(table)
    if record is None or not is_global(record, now):
        record = {"Version": group.VERSION_2019, "CreatedAt": now, "Consistency": consistency, "Replicas": {}}
        record["Witnesses"] = {}
        record["Replicas"][engine.region] = {"Status": "ACTIVE", "Since": now, "Until": None, "Next": None}
    else:
        record = settled_record(record, now)
    if not table.settings.extra.get("StreamSpecification", {}).get("StreamEnabled"):
        engine.state(StreamStore).enable(table, STREAM_VIEW)
    for body in bodies:
        region = body["RegionName"]
        kept = _overrides(body, table, now)
        other = regions.add(region)
        other.apply(functools.partial(_make_replica, other, table, kept, now))
        entry = _moving("CREATING", now + CREATE_SECONDS, "ACTIVE", engine.region, now)
        record["Replicas"][region] = {**entry, "Source": engine.region, "CreatedAt": now, **kept}
    for region in witnesses:
        record["Witnesses"][region] = _moving("CREATING", now + CREATE_SECONDS, "ACTIVE", engine.region, now)
    group.write(regions, table.name, record)


def _make_replica(engine: Engine, source: Table, kept: Entry, now: float) -> None:
    """Make the replica's table in `engine`'s region from `source`, and fill it (the backfill)."""
    settings = source.settings.copy()
    settings.arn = engine.arn(f"table/{settings.name}")
    settings.table_id = str(uuid.uuid4())
    settings.created_at = now
    settings.billing_mode_updated_at = now if settings.billing_mode == "PAY_PER_REQUEST" else None
    settings.last_increase_at = settings.last_decrease_at = None
    settings.decreases_today = 0
    settings.deletion_protection = False  # regional, as tags and backups are
    settings.extra = {
        name: copy.deepcopy(source.settings.extra[name]) for name in SHARED_EXTRA if name in source.settings.extra
    }
    for index in settings.indexes:
        index.arn = f"{settings.arn}/index/{index.name}"
    _apply_overrides(settings, kept)
    table = engine.tables[settings.name] = Table(settings, engine.record)
    engine.record(TableCreated(settings))
    for item in source.items():
        hash_key, range_key = item_key(table.key_schema, item)
        table.put(hash_key, range_key, item, item_size(item))
    view = source.settings.extra.get("StreamSpecification", {}).get("StreamViewType", STREAM_VIEW)
    engine.state(StreamStore).enable(table, view)


def _apply_overrides(settings: Any, kept: Entry) -> None:
    """Give a replica's table its per-replica settings."""
    throughput = kept.get("ProvisionedThroughputOverride")
    if throughput is not None and settings.billing_mode == "PROVISIONED":
        settings.read_capacity = throughput["ReadCapacityUnits"]
    if "TableClass" in kept:
        settings.table_class = kept["TableClass"]["TableClass"]
    for index in settings.indexes:
        override = kept.get("GlobalSecondaryIndexes", {}).get(index.name)
        if override is not None and settings.billing_mode == "PROVISIONED":
            index.read_capacity = override["ReadCapacityUnits"]


def _update(engine: Engine, bodies: list[dict[str, Any]], table: Table) -> None:
    regions = group.regions_of(engine)
    now = engine.clock()
    record = record_of(table)
    assert record is not None
    record = settled_record(record, now)
    for body in bodies:
        region = body["RegionName"]
        entry = record["Replicas"][region]
        for asked, kept_as in _REPLACED:
            if body.get(asked) is not None:
                entry.pop(kept_as, None)
        kept = _overrides(body, table, now)
        indexes = {**entry.get("GlobalSecondaryIndexes", {})}
        for index in body.get("GlobalSecondaryIndexes") or []:
            indexes.pop(index.get("IndexName"), None)
        indexes.update(kept.pop("GlobalSecondaryIndexes", {}))
        entry.pop("GlobalSecondaryIndexes", None)
        if indexes:
            entry["GlobalSecondaryIndexes"] = indexes
        entry.update(kept)
        entry.update(_moving("UPDATING", now + UPDATE_SECONDS, "ACTIVE", engine.region, now))
        other = regions.add(region)
        held = other.tables.get(table.name)
        if held is not None:
            other.apply(functools.partial(_reset_overrides, other, held, table, entry))
    group.write(regions, table.name, record)


# What an Update replaces: the request's member, and the entry's member it sets.
_REPLACED = (
    ("ProvisionedThroughputOverride", "ProvisionedThroughputOverride"),
    ("OnDemandThroughputOverride", "OnDemandThroughputOverride"),
    ("TableClassOverride", "TableClass"),
)


def _reset_overrides(engine: Engine, replica: Table, source: Table, entry: Entry) -> None:
    """A replica's capacity and class: the source's, then its overrides."""
    replica.settings.read_capacity = source.settings.read_capacity
    indexes = {index.name: index for index in source.settings.indexes}
    for index in replica.settings.indexes:
        if index.name in indexes:
            index.read_capacity = indexes[index.name].read_capacity
    _apply_overrides(replica.settings, entry)
    engine.record(TableUpdated(replica.settings))


def _delete(engine: Engine, regions_deleted: list[str], witnesses: list[str], table: Table) -> None:
    regions = group.regions_of(engine)
    now = engine.clock()
    record = record_of(table)
    assert record is not None
    record = settled_record(record, now)
    for region in regions_deleted:
        record["Replicas"][region].update(_moving("DELETING", now + DELETE_SECONDS, GONE, engine.region, now))
        other = regions.add(region)
        if table.name in other.tables:
            other.apply(functools.partial(_drop, other, table.name))
    for region in witnesses:
        record["Witnesses"][region].update(_moving("DELETING", now + DELETE_SECONDS, GONE, engine.region, now))
    group.write(regions, table.name, record)


def _drop(engine: Engine, name: str) -> None:
    del engine.tables[name]
    engine.record(TableDeleted(name))


def _other_replicas(engine: Engine, table: Table, record: group.Record) -> Iterator[tuple[Engine, Table, Entry]]:
    """The engine, table and group entry of each listed replica of `table` but its own."""
    regions = group.regions_of(engine)
    for region, entry in live(record["Replicas"], engine.clock()).items():
        other = regions.add(region)
        replica = other.tables.get(table.name)
        if region != engine.region and replica is not None:
            yield other, replica, entry


def _share(engine: Engine, table: Table) -> None:
    """Give every other replica the settings an UpdateTable just changed on `table`."""
    record = record_of(table)
    assert record is not None
    for other, replica, entry in _other_replicas(engine, table, record):
        other.apply(functools.partial(_copy_shared, other, replica, table, entry))


def _copy_shared(engine: Engine, replica: Table, source: Table, entry: Entry) -> None:
    settings, shared = replica.settings, source.settings
    settings.billing_mode = shared.billing_mode
    if shared.billing_mode == "PAY_PER_REQUEST" and settings.billing_mode_updated_at is None:
        settings.billing_mode_updated_at = engine.clock()
    settings.read_capacity, settings.write_capacity = shared.read_capacity, shared.write_capacity
    settings.table_class = shared.table_class
    settings.attribute_definitions = [dict(definition) for definition in shared.attribute_definitions]
    wanted = {index.name: index for index in shared.indexes}
    for index in settings.indexes:
        if index.name not in wanted:
            replica.remove_index(index.name)
    settings.indexes = [index for index in settings.indexes if index.name in wanted]
    held = {index.name: index for index in settings.indexes}
    for name, index in wanted.items():
        if name in held:
            held[name].read_capacity, held[name].write_capacity = index.read_capacity, index.write_capacity
            continue
        added = index.copy()
        added.arn = f"{settings.arn}/index/{name}"
        settings.indexes.append(added)
        replica.add_index(added)
    _apply_overrides(settings, entry)
    engine.record(TableUpdated(settings))


# --- DeleteTable on a replica --------------------------------------------------------------


@features.on_delete
def check_delete(engine: Engine, table: Table) -> Apply | None:
    """DeleteTable on a replica: it leaves the group (a STRONG group's member, a CREATING replica
    and a recent source region may not go)."""
    record = record_of(table)
    now = engine.clock()
    if not is_global(record, now):
        return None
    assert record is not None
    if record.get("Consistency") == "STRONG":
        raise errors.strong_delete_one()
    own = record["Replicas"].get(engine.region)
    if own is not None and group.status(own, now) == "CREATING":
        raise errors.replica_table_being_created(table.name)
    if _is_source(record, engine.region, now):
        raise errors.replica_source_region()

    def leave(table: Table) -> None:
        fresh = settled_record(record, now)
        fresh["Replicas"][engine.region] = _moving("DELETING", now + DELETE_SECONDS, GONE, engine.region, now)
        group.write(group.regions_of(engine), table.name, fresh)

    return leave


# --- DescribeTable -------------------------------------------------------------------------


def describe_replica(region: str, entry: Entry, now: float) -> dict[str, Any]:
    """One member of a TableDescription's `Replicas` (inherited settings are absent, as on the service)."""
    described: dict[str, Any] = {
        "RegionName": region,
        "ReplicaStatus": group.status(entry, now),
        "GlobalTableSettingsReplicationMode": SETTINGS_MODE,
    }
    if "KMSMasterKeyId" in entry:
        described["KMSMasterKeyId"] = entry["KMSMasterKeyId"]
    for member in ("ProvisionedThroughputOverride", "OnDemandThroughputOverride"):
        if member in entry:
            described[member] = dict(entry[member])
    if entry.get("GlobalSecondaryIndexes"):
        described["GlobalSecondaryIndexes"] = [
            {"IndexName": name, "ProvisionedThroughputOverride": dict(override)}
            for name, override in entry["GlobalSecondaryIndexes"].items()
        ]
    if "TableClass" in entry:
        described["ReplicaTableClassSummary"] = dict(entry["TableClass"])
    return described


class ReplicaTableMembers:
    """ReplicaUpdates, MultiRegionConsistency and GlobalTableWitnessUpdates on UpdateTable, and the
    global table in a TableDescription."""

    update_members: tuple[str, ...] = ("ReplicaUpdates", "MultiRegionConsistency")
    updating_members: tuple[str, ...] = ("ReplicaUpdates",)

    def check_create(self, engine: Engine, request: Request) -> Apply | None:
        return None

    def check_update(self, engine: Engine, request: Request, table: Table) -> Apply | None:
        return check_update(engine, request, table)

    def defined_attributes(self, request: Request) -> tuple[str, ...]:
        return ()

    def describe(self, engine: Engine, table: Table, status: str) -> dict[str, Any]:
        record = record_of(table)
        now = engine.clock()
        if record is None or not is_global(record, now):
            return {}
        replicas = live(record["Replicas"], now)
        witnesses = live(record.get("Witnesses", {}), now)
        members: dict[str, Any] = {
            "GlobalTableVersion": record["Version"],
            "Replicas": [
                describe_replica(region, entry, now) for region, entry in replicas.items() if region != engine.region
            ],
            "GlobalTableSettingsReplicationMode": SETTINGS_MODE,
        }
        if record.get("Consistency") == "STRONG":
            members["MultiRegionConsistency"] = "STRONG"
        if witnesses:
            members["GlobalTableWitnesses"] = [
                {"RegionName": region, "WitnessStatus": group.status(entry, now)} for region, entry in witnesses.items()
            ]
        if status == "ACTIVE":
            own = replicas.get(engine.region)
            moving = [
                entry
                for region, entry in [*replicas.items(), *witnesses.items()]
                if region != engine.region and group.status(entry, now) in TRANSITIONAL
            ]
            if own is not None and group.status(own, now) == "CREATING":
                members["TableStatus"] = "CREATING"
            elif any(entry.get("By") == engine.region for entry in moving):
                members["TableStatus"] = "UPDATING"  # the region that asked for the change
        return members


class ReplicaControl:
    """The feature's state in one engine, an observer of its change feed: a TTL setting changed on a
    replica (UpdateTimeToLive) reaches every replica of its group, as on the service, where TTL is
    group-wide. The group record itself lives in each replica's settings."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def committed(self, changes: list[Change]) -> None:
        for change in changes:
            if not isinstance(change, TableUpdated):
                continue
            table = self.engine.tables.get(change.settings.name)
            record = record_of(table) if table is not None else None
            if table is None or not is_global(record, self.engine.clock()):
                continue
            assert record is not None
            wanted = table.settings.extra.get(TTL)
            for other, replica, _ in _other_replicas(self.engine, table, record):
                if replica.settings.extra.get(TTL) != wanted:
                    other.apply(functools.partial(_copy_ttl, other, replica, wanted))


def _copy_ttl(engine: Engine, replica: Table, specification: dict[str, Any] | None) -> None:
    if specification is None:
        replica.settings.extra.pop(TTL, None)
    else:
        replica.settings.extra[TTL] = dict(specification)
    engine.record(TableUpdated(replica.settings))
    engine.state(Expiry).forget(replica.name)


FEATURE = register(Feature(ReplicaControl, observes=True, table=ReplicaTableMembers()))

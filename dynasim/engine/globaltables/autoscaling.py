"""DescribeTableReplicaAutoScaling and UpdateTableReplicaAutoScaling: the auto scaling settings of a
global table's replicas (version 2019.11.21), kept and described; nothing scales.

The service's rules, as recorded (AWS API Reference: DescribeTableReplicaAutoScaling,
UpdateTableReplicaAutoScaling, AutoScalingSettingsUpdate, ReplicaAutoScalingDescription; the service's
recorded answers: ack-api-quirks dynamodb findings, 2026-10-09, DDB-TABLE-187, -190, -232, -238, -253,
-254, -255, -289):

- Both operations answer only for a global table: a regional or missing one is
  ResourceNotFoundException "Global table with name: '<name>' does not exist.". `TableName` may be the ARN.
- The description lists every replica, the asking region's included, by region name; a dimension
  never configured is `{"AutoScalingDisabled": true, "ScalingPolicies": []}`, also on a
  PAY_PER_REQUEST table.
- `ProvisionedWriteCapacityAutoScalingUpdate` and `GlobalSecondaryIndexUpdates` set the write
  dimension of every replica; `ReplicaUpdates` set one region's read dimensions. A PAY_PER_REQUEST
  table refuses anything but `AutoScalingDisabled`. A dimension first configured needs
  MinimumUnits, MaximumUnits and ScalingPolicyUpdate; MaximumUnits may not be below MinimumUnits and
  a target value must lie between 10 and 90 (Application Auto Scaling's errors, passed through).
- The answer describes the settings as they were before the update (the service's answer lags).

The settings live in the group record (`group`), in each replica's entry under `AutoScaling`:
`{"Read": settings, "Write": settings, "Indexes": {name: {"Read": ..., "Write": ...}}}`; a PROVISIONED
replica whose table and GSIs have write auto scaling may have replicas added (`replicas`).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.engine.globaltables import group, replicas
from dynasim.engine.registry import Request, Response, operation
from dynasim.engine.touches import named

if TYPE_CHECKING:
    from dynasim.engine import Engine
    from dynasim.storage.table import Table

Settings = dict[str, Any]

DISABLED: Settings = {"AutoScalingDisabled": True, "ScalingPolicies": []}
REQUIRED = ("MaximumUnits", "ScalingPolicyUpdate", "MinimumUnits")  # in the order the service names them
ROLE = (
    "role/aws-service-role/dynamodb.application-autoscaling.amazonaws.com/"
    "AWSServiceRoleForApplicationAutoScaling_DynamoDBTable"
)
METRICS = {"Read": "DynamoDBReadCapacityUtilization", "Write": "DynamoDBWriteCapacityUtilization"}
TARGET_RANGE = (10.0, 90.0)
# The parameter a PAY_PER_REQUEST table's refusal names, by the request member that asked.
# The first two are recorded; the index ones are named alike.
ON_DEMAND_PARAMETERS = {
    "ProvisionedWriteCapacityAutoScalingUpdate": "GlobalTableProvisionedWriteCapacityAutoScalingSettingsUpdate",
    "ReplicaProvisionedReadCapacityAutoScalingUpdate": "ReplicaProvisionedReadCapacityAutoScalingSettingsUpdate",
    "GlobalSecondaryIndexUpdates": "GlobalTableGlobalSecondaryIndexProvisionedWriteCapacityAutoScalingSettingsUpdate",
    "ReplicaGlobalSecondaryIndexUpdates": "ReplicaGlobalSecondaryIndexProvisionedReadCapacityAutoScalingSettingsUpdate",
}


def _global(engine: Engine, name: str) -> tuple[Table, group.Record]:
    name = engine.table_name(name)
    table = engine.tables.get(name)
    record = replicas.record_of(table) if table is not None else None
    if table is None or record is None or not replicas.is_global(record, engine.clock()):
        raise errors.global_table_not_found_named(name)
    return table, record


def _described(settings: Settings | None) -> Settings:
    return dict(settings) if settings else {**DISABLED, "ScalingPolicies": []}


def description(engine: Engine, table: Table, record: group.Record) -> dict[str, Any]:
    """The TableAutoScalingDescription of a global table, as `record` holds its settings."""
    from dynasim.engine.tables import describe  # the table operations import the features

    now = engine.clock()
    described = []
    indexes = [index for index in table.settings.indexes if index.kind == "GLOBAL"]
    for region, entry in sorted(replicas.live(record["Replicas"], now).items()):
        scaling = entry.get("AutoScaling", {})
        described.append(
            {
                "RegionName": region,
                "GlobalSecondaryIndexes": [
                    {
                        "IndexName": index.name,
                        "IndexStatus": index.status,
                        "ProvisionedReadCapacityAutoScalingSettings": _described(
                            scaling.get("Indexes", {}).get(index.name, {}).get("Read")
                        ),
                        "ProvisionedWriteCapacityAutoScalingSettings": _described(
                            scaling.get("Indexes", {}).get(index.name, {}).get("Write")
                        ),
                    }
                    for index in indexes
                ],
                "ReplicaProvisionedReadCapacityAutoScalingSettings": _described(scaling.get("Read")),
                "ReplicaProvisionedWriteCapacityAutoScalingSettings": _described(scaling.get("Write")),
                "ReplicaStatus": group.status(entry, now),
            }
        )
    return {
        "TableName": table.name,
        "TableStatus": describe(engine, table)["TableStatus"],
        "Replicas": described,
    }


@operation("DescribeTableReplicaAutoScaling", access="control", finds=named("TableName"))
def describe_replica_auto_scaling(engine: Engine, request: Request) -> Response:
    table, record = _global(engine, request["TableName"])
    return {"TableAutoScalingDescription": description(engine, table, record)}


# --- UpdateTableReplicaAutoScaling ---------------------------------------------------------


class _Check:
    """Checks one request's settings updates, in the words of the table it names."""

    def __init__(self, engine: Engine, table: Table, record: group.Record) -> None:
        self.engine = engine
        self.table = table
        self.record = record
        self.request_id = str(uuid.uuid4())

    def on_demand(self, member: str, update: Settings) -> None:
        """A PAY_PER_REQUEST table takes nothing but disabling."""
        if self.table.settings.billing_mode == "PAY_PER_REQUEST" and not update.get("AutoScalingDisabled"):
            regions = sorted(replicas.live(self.record["Replicas"], self.engine.clock()))
            raise errors.autoscaling_on_demand(self.table.name, regions, ON_DEMAND_PARAMETERS[member])

    def settings(self, update: Settings, current: Settings | None, dimension: str, resource: str) -> Settings | None:
        """The settings `update` makes of `current` (None: disabled)."""
        if update.get("AutoScalingDisabled"):
            return None
        if not current:
            missing = [member for member in REQUIRED if update.get(member) is None]
            if missing:
                raise errors.autoscaling_parameters_required(self.table.name, missing)
        current = current or {}
        minimum = int(update.get("MinimumUnits") or current["MinimumUnits"])  # at least 1 (the model)
        maximum = int(update.get("MaximumUnits") or current["MaximumUnits"])
        if maximum < minimum:
            raise errors.autoscaling_maximum_below_minimum(self.request_id)
        policies = current.get("ScalingPolicies", [])
        policy = update.get("ScalingPolicyUpdate")
        if policy is not None:
            configuration = dict(policy["TargetTrackingScalingPolicyConfiguration"])
            target = float(configuration["TargetValue"])
            if not TARGET_RANGE[0] <= target <= TARGET_RANGE[1]:
                raise errors.autoscaling_target_out_of_range(METRICS[dimension], target, self.request_id)
            configuration["TargetValue"] = target
            name = policy.get("PolicyName") or f"{METRICS[dimension]}:{resource}"
            policies = [{"PolicyName": name, "TargetTrackingScalingPolicyConfiguration": configuration}]
        role = update.get("AutoScalingRoleArn") or current.get("AutoScalingRoleArn")
        return {
            "MinimumUnits": minimum,
            "MaximumUnits": maximum,
            "AutoScalingRoleArn": role or f"arn:aws:iam::{self.engine.account_id}:{ROLE}",
            "ScalingPolicies": policies,
        }


def _scaling(record: group.Record, region: str) -> dict[str, Any]:
    scaling: dict[str, Any] = record["Replicas"][region].setdefault("AutoScaling", {})
    return scaling


def _set(scaling: dict[str, Any], dimension: str, settings: Settings | None, index: str | None = None) -> None:
    holder = scaling if index is None else scaling.setdefault("Indexes", {}).setdefault(index, {})
    if settings is None:
        holder.pop(dimension, None)
    else:
        holder[dimension] = settings


@operation("UpdateTableReplicaAutoScaling", access="control", finds=named("TableName"))
def update_replica_auto_scaling(engine: Engine, request: Request) -> Response:
    table, record = _global(engine, request["TableName"])
    name = table.name
    write = request.get("ProvisionedWriteCapacityAutoScalingUpdate")
    index_updates = request.get("GlobalSecondaryIndexUpdates") or []
    replica_updates = request.get("ReplicaUpdates") or []
    if write is None and not index_updates and not replica_updates:
        raise errors.autoscaling_nothing_to_update(name)
    asked = [update["RegionName"] for update in replica_updates]
    repeated = sorted({region for region in asked if asked.count(region) > 1})
    if repeated:
        raise errors.autoscaling_regions_repeated(name, repeated)
    for update in replica_updates:
        if not update.get("ReplicaProvisionedReadCapacityAutoScalingUpdate") and not update.get(
            "ReplicaGlobalSecondaryIndexUpdates"
        ):
            raise errors.autoscaling_nothing_to_update(name, update["RegionName"])

    # Validate everything first, against this region's current settings; apply once all is good.
    now = engine.clock()
    fresh = replicas.settled_record(record, now)
    members = list(fresh["Replicas"])
    check = _Check(engine, table, fresh)
    own = _scaling(fresh, engine.region)
    changes: list[tuple[list[str], str, Settings | None, str | None]] = []
    resource = f"table/{name}"
    if write is not None:
        check.on_demand("ProvisionedWriteCapacityAutoScalingUpdate", write)
        changes.append((members, "Write", check.settings(write, own.get("Write"), "Write", resource), None))
    for update in index_updates:
        index, settings = update.get("IndexName"), update.get("ProvisionedWriteCapacityAutoScalingUpdate")
        if index is None or settings is None:
            continue  # nothing to set (the service's answer to an update without an index is not recorded)
        check.on_demand("GlobalSecondaryIndexUpdates", settings)
        current = own.get("Indexes", {}).get(index, {}).get("Write")
        made = check.settings(settings, current, "Write", f"{resource}/index/{index}")
        changes.append((members, "Write", made, index))
    for update in replica_updates:
        region = update["RegionName"]
        if region not in fresh["Replicas"]:
            continue  # the service's answer for a region outside the group is not recorded
        scaling = _scaling(fresh, region)
        read = update.get("ReplicaProvisionedReadCapacityAutoScalingUpdate")
        if read is not None:
            check.on_demand("ReplicaProvisionedReadCapacityAutoScalingUpdate", read)
            changes.append(([region], "Read", check.settings(read, scaling.get("Read"), "Read", resource), None))
        for index_update in update.get("ReplicaGlobalSecondaryIndexUpdates") or []:
            index = index_update.get("IndexName")
            settings = index_update.get("ProvisionedReadCapacityAutoScalingUpdate")
            if index is None or settings is None:
                continue
            check.on_demand("ReplicaGlobalSecondaryIndexUpdates", settings)
            current = scaling.get("Indexes", {}).get(index, {}).get("Read")
            made = check.settings(settings, current, "Read", f"{resource}/index/{index}")
            changes.append(([region], "Read", made, index))

    answer = {"TableAutoScalingDescription": description(engine, table, record)}  # before the update
    for regions, dimension, settings, index in changes:
        for region in regions:
            _set(_scaling(fresh, region), dimension, settings, index)
    group.write(group.regions_of(engine), name, fresh)
    return answer

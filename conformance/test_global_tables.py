"""Global tables version 2019.11.21: UpdateTable's ReplicaUpdates, MultiRegionConsistency and
GlobalTableWitnessUpdates, the global-table members of DescribeTable, DeleteTable on a replica, and
DescribeTableReplicaAutoScaling / UpdateTableReplicaAutoScaling. DynamoDB Local does not implement
global tables of version 2019.11.21, so every test follows the service's recorded answers.

Each test deletes the replicas it made (and waits until they are gone) before the fixtures delete
its tables: the service refuses to delete a table that was the source of a replica still there."""

from __future__ import annotations

from typing import Any

import pytest

from conformance import target_clock
from conformance.conftest import REGION, unique_name
from conformance.helpers import IN_USE, NOT_FOUND, VALIDATION, assert_error, service_behaviour

SOURCE = (
    "ack-api-quirks dynamodb live-service findings, 2026-10-09 (DDB-TABLE-187, -190, -201 to -204, -221 to "
    "-232, -253 to -261, -265 to -267, -294, -297, -305); API Reference: UpdateTable, ReplicationGroupUpdate, "
    "ReplicaDescription, DescribeTableReplicaAutoScaling, UpdateTableReplicaAutoScaling; Developer Guide: "
    "How DynamoDB global tables work, Multi-Region strong consistency"
)
pytestmark = service_behaviour("DynamoDB Local does not implement global tables version 2019.11.21", source=SOURCE)

OTHER = "us-west-2"  # the replica's region (the suite's own is REGION)
THIRD = "eu-west-1"
STRONG_OTHER = "us-east-2"


def replica_status(ddb: Any, table: str, region: str) -> str | None:
    described = ddb.describe_table(TableName=table)["Table"]
    found = [entry for entry in described.get("Replicas", []) if entry["RegionName"] == region]
    return found[0]["ReplicaStatus"] if found else None


def settled(backend: Any, ddb: Any, table: str) -> None:
    """Wait until no replica or witness of `table` is on its way anywhere and the table is ACTIVE."""

    def done() -> bool:
        described = ddb.describe_table(TableName=table)["Table"]
        statuses = [entry["ReplicaStatus"] for entry in described.get("Replicas", [])]
        statuses += [entry["WitnessStatus"] for entry in described.get("GlobalTableWitnesses", [])]
        return described["TableStatus"] == "ACTIVE" and all(status == "ACTIVE" for status in statuses)

    target_clock.settle(backend, done, seconds=3600, step=10)


def add_replica(backend: Any, ddb: Any, table: str, region: str = OTHER, **create: Any) -> dict[str, Any]:
    answer = ddb.update_table(TableName=table, ReplicaUpdates=[{"Create": {"RegionName": region, **create}}])
    settled(backend, ddb, table)
    return dict(answer["TableDescription"])


def remove_replica(backend: Any, ddb: Any, table: str, region: str = OTHER) -> None:
    ddb.update_table(TableName=table, ReplicaUpdates=[{"Delete": {"RegionName": region}}])
    target_clock.settle(backend, lambda: replica_status(ddb, table, region) is None, seconds=3600, step=10)


# --- Create, Describe, Delete --------------------------------------------------------------


def test_create_replica_copies_the_table_and_its_items(backend, ddb, make_table):
    table = make_table()
    ddb.put_item(TableName=table, Item={"pk": {"S": "before"}, "n": {"N": "1"}})
    answer = ddb.update_table(TableName=table, ReplicaUpdates=[{"Create": {"RegionName": OTHER}}])["TableDescription"]
    assert answer["TableStatus"] == "UPDATING"
    assert answer["GlobalTableVersion"] == "2019.11.21"
    # the service enables a stream with both images on a table without one
    assert answer["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert "MultiRegionConsistency" not in answer
    settled(backend, ddb, table)

    own = ddb.describe_table(TableName=table)["Table"]
    assert [entry["RegionName"] for entry in own["Replicas"]] == [OTHER]  # never itself
    assert own["Replicas"][0]["ReplicaStatus"] == "ACTIVE"
    replica_client = backend.client(region_name=OTHER)
    replica = replica_client.describe_table(TableName=table)["Table"]
    assert replica["TableStatus"] == "ACTIVE"
    assert [entry["RegionName"] for entry in replica["Replicas"]] == [REGION]
    assert replica["GlobalTableVersion"] == "2019.11.21"
    assert replica["KeySchema"] == own["KeySchema"]
    assert replica["TableId"] != own["TableId"]
    assert f":{OTHER}:" in replica["TableArn"]
    assert replica["StreamSpecification"] == own["StreamSpecification"]
    assert replica["LatestStreamArn"] != own["LatestStreamArn"]
    got = replica_client.get_item(TableName=table, Key={"pk": {"S": "before"}})
    assert got["Item"] == {"pk": {"S": "before"}, "n": {"N": "1"}}

    remove_replica(backend, ddb, table)
    after = ddb.describe_table(TableName=table)["Table"]
    for member in ("Replicas", "GlobalTableVersion", "GlobalTableSettingsReplicationMode"):
        assert member not in after
    assert after["StreamSpecification"]["StreamEnabled"]  # the stream stays
    assert_error(
        lambda: replica_client.describe_table(TableName=table),
        NOT_FOUND,
        f"Requested resource not found: Table: {table} not found",
    )


def test_statuses_while_a_replica_is_created_and_deleted(backend, ddb, make_table):
    table = make_table()
    ddb.update_table(TableName=table, ReplicaUpdates=[{"Create": {"RegionName": OTHER}}])
    replica_client = backend.client(region_name=OTHER)
    if getattr(backend, "sim", None) is not None:  # the statuses before any time passes
        assert ddb.describe_table(TableName=table)["Table"]["TableStatus"] == "UPDATING"
        assert replica_status(ddb, table, OTHER) == "CREATING"
        assert replica_client.describe_table(TableName=table)["Table"]["TableStatus"] == "CREATING"
    settled(backend, ddb, table)
    ddb.update_table(TableName=table, ReplicaUpdates=[{"Delete": {"RegionName": OTHER}}])
    if getattr(backend, "sim", None) is not None:
        assert replica_status(ddb, table, OTHER) == "DELETING"
        assert ddb.describe_table(TableName=table)["Table"]["TableStatus"] == "UPDATING"
    target_clock.settle(backend, lambda: replica_status(ddb, table, OTHER) is None, seconds=3600, step=10)
    assert ddb.describe_table(TableName=table)["Table"]["TableStatus"] == "ACTIVE"


def test_an_enabled_stream_keeps_its_view_type(backend, ddb):
    table = unique_name()
    ddb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    )
    add_replica(backend, ddb, table)
    keys_only = {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    assert ddb.describe_table(TableName=table)["Table"]["StreamSpecification"] == keys_only
    replica = backend.client(region_name=OTHER).describe_table(TableName=table)["Table"]
    assert replica["StreamSpecification"] == keys_only
    remove_replica(backend, ddb, table)
    ddb.delete_table(TableName=table)


def test_the_stream_of_a_global_table_cannot_be_disabled(backend, ddb, make_table):
    table = make_table()
    add_replica(backend, ddb, table)
    disable = {"StreamEnabled": False}
    message = "One or more parameter values were invalid: Disabling Stream is not allowed for a Global Table replica."
    assert_error(lambda: ddb.update_table(TableName=table, StreamSpecification=disable), VALIDATION, message)
    replica_client = backend.client(region_name=OTHER)
    assert_error(lambda: replica_client.update_table(TableName=table, StreamSpecification=disable), VALIDATION, message)
    remove_replica(backend, ddb, table)
    ddb.update_table(TableName=table, StreamSpecification=disable)  # a regional table again
    assert "StreamSpecification" not in ddb.describe_table(TableName=table)["Table"]


def test_replica_errors(backend, ddb, make_table):
    table = make_table()

    def update(*actions: dict[str, Any], **members: Any) -> Any:
        return lambda: ddb.update_table(TableName=table, ReplicaUpdates=list(actions), **members)

    local = (
        "Cannot add or delete the local region through ReplicaUpdates. "
        "Use CreateTable, DeleteTable, or UpdateTable as required."
    )
    assert_error(update({"Create": {"RegionName": REGION}}), VALIDATION, local)
    assert_error(
        update({"Create": {"RegionName": OTHER}}, DeletionProtectionEnabled=True),
        VALIDATION,
        "One or more parameter values were invalid: Replica modification must be the only operation in the request",
    )
    assert_error(
        update({"Create": {"RegionName": OTHER}, "Delete": {"RegionName": THIRD}}),
        VALIDATION,
        "Update table operation with more than one type of replica actions not allowed",
    )
    assert_error(
        update({"Create": {"RegionName": OTHER}}, {"Create": {"RegionName": THIRD}}),
        VALIDATION,
        "Update table operation with more than one create or delete replica actions not allowed",
    )
    not_member = (
        "Update global table operation failed because one or more replicas were not part of the global table. "
        f"Please retry the request without these replicas: [{THIRD}]."
    )
    assert_error(update({"Delete": {"RegionName": THIRD}}), VALIDATION, not_member)
    assert_error(update({"Update": {"RegionName": THIRD, "TableClassOverride": "STANDARD"}}), VALIDATION, not_member)
    assert ddb.describe_table(TableName=table)["Table"].get("Replicas") is None  # nothing changed

    add_replica(backend, ddb, table)
    exists = (
        f"Failed to create a the new replica of table with name: '{table}' because one or more replicas "
        "already existed as tables."
    )
    assert_error(update({"Create": {"RegionName": OTHER}}), VALIDATION, exists)
    assert_error(update({"Delete": {"RegionName": REGION}}), VALIDATION, local)
    assert_error(
        update({"Update": {"RegionName": OTHER}}),
        VALIDATION,
        "There are no actions specified in the Replica Update Action of the request.",
    )
    assert_error(
        update({"Update": {"RegionName": OTHER, "ProvisionedThroughputOverride": {"ReadCapacityUnits": 5}}}),
        VALIDATION,
        "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
    )
    assert_error(
        update({"Update": {"RegionName": OTHER, "KMSMasterKeyId": "alias/aws/dynamodb"}}),
        VALIDATION,
        "One or more parameter values were invalid: KMSMasterKeyId must be specified for each replica.",
    )
    remove_replica(backend, ddb, table)


def test_a_table_of_the_same_name_in_the_region_blocks_a_replica(backend, ddb, make_table):
    table = make_table()
    other = backend.client(region_name=OTHER)
    other.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    assert_error(
        lambda: ddb.update_table(TableName=table, ReplicaUpdates=[{"Create": {"RegionName": OTHER}}]),
        VALIDATION,
        f"Failed to create a the new replica of table with name: '{table}' because one or more replicas "
        "already existed as tables.",
    )
    other.delete_table(TableName=table)


def test_one_replica_change_at_a_time(backend, ddb, make_table):
    table = make_table()
    ddb.update_table(TableName=table, ReplicaUpdates=[{"Create": {"RegionName": OTHER}}])
    if getattr(backend, "sim", None) is not None:  # the replica is still CREATING
        assert_error(
            lambda: ddb.update_table(TableName=table, ReplicaUpdates=[{"Create": {"RegionName": THIRD}}]),
            IN_USE,
            "The resource which you are attempting to change is in use.",
        )
        assert_error(
            lambda: ddb.update_table(TableName=table, DeletionProtectionEnabled=True),
            IN_USE,
            "The resource which you are attempting to change is in use.",
        )
        assert_error(
            lambda: backend.client(region_name=OTHER).delete_table(TableName=table),
            IN_USE,
            f"Attempt to change a resource which is still in use: Table: {table} is being used.",
        )
    settled(backend, ddb, table)
    remove_replica(backend, ddb, table)


def test_a_provisioned_table_needs_write_autoscaling(ddb, make_table):
    table = make_table(provisioned=(5, 5))
    assert_error(
        lambda: ddb.update_table(TableName=table, ReplicaUpdates=[{"Create": {"RegionName": OTHER}}]),
        VALIDATION,
        "Table write capacity should either be Pay-Per-Request or AutoScaled.",
    )


def test_per_replica_settings(backend, ddb, make_table):
    table = make_table()
    add_replica(backend, ddb, table)
    ddb.update_table(
        TableName=table,
        ReplicaUpdates=[
            {
                "Update": {
                    "RegionName": OTHER,
                    "TableClassOverride": "STANDARD_INFREQUENT_ACCESS",
                    "OnDemandThroughputOverride": {"MaxReadRequestUnits": 100},
                }
            }
        ],
    )
    if getattr(backend, "sim", None) is not None:
        assert replica_status(ddb, table, OTHER) == "UPDATING"
    settled(backend, ddb, table)
    [entry] = ddb.describe_table(TableName=table)["Table"]["Replicas"]
    assert entry["ReplicaTableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS"
    assert entry["OnDemandThroughputOverride"] == {"MaxReadRequestUnits": 100}
    remove_replica(backend, ddb, table)


# --- DeleteTable ---------------------------------------------------------------------------


def test_delete_table_of_a_source_region_and_of_a_replica(backend, ddb, make_table):
    table = make_table()
    add_replica(backend, ddb, table)
    assert_error(
        lambda: ddb.delete_table(TableName=table),
        VALIDATION,
        "Replica cannot be deleted because it has acted as a source region for new replica(s) being added to "
        "the table in the last 24 hours.",
    )
    replica_client = backend.client(region_name=OTHER)
    answer = replica_client.delete_table(TableName=table)["TableDescription"]
    assert answer["TableStatus"] == "DELETING"
    target_clock.settle(backend, lambda: replica_status(ddb, table, OTHER) is None, seconds=3600, step=10)
    assert "GlobalTableVersion" not in ddb.describe_table(TableName=table)["Table"]


def test_deletion_protection_of_a_replica_blocks_its_removal(backend, ddb, make_table):
    table = make_table()
    add_replica(backend, ddb, table)
    replica_client = backend.client(region_name=OTHER)
    replica_client.update_table(TableName=table, DeletionProtectionEnabled=True)
    assert_error(
        lambda: ddb.update_table(TableName=table, ReplicaUpdates=[{"Delete": {"RegionName": OTHER}}]),
        VALIDATION,
        f"Cannot delete table {table} in region {OTHER} because it has deletion protection enabled. "
        "Disable deletion protection first.",
    )
    replica_client.update_table(TableName=table, DeletionProtectionEnabled=False)
    settled(backend, ddb, table)
    remove_replica(backend, ddb, table)


# --- multi-Region strong consistency -------------------------------------------------------


def test_strong_group_of_three_replicas(backend, ddb, make_table):
    table = make_table()
    answer = ddb.update_table(
        TableName=table,
        MultiRegionConsistency="STRONG",
        ReplicaUpdates=[{"Create": {"RegionName": STRONG_OTHER}}, {"Create": {"RegionName": OTHER}}],
    )["TableDescription"]
    assert answer["MultiRegionConsistency"] == "STRONG"
    assert answer["GlobalTableVersion"] == "2019.11.21"
    settled(backend, ddb, table)
    described = ddb.describe_table(TableName=table)["Table"]
    assert sorted(entry["RegionName"] for entry in described["Replicas"]) == [STRONG_OTHER, OTHER]
    replica = backend.client(region_name=OTHER).describe_table(TableName=table)["Table"]
    assert replica["MultiRegionConsistency"] == "STRONG"

    frozen = "Cannot add replicas to a global table with strong MultiRegionConsistency"
    assert_error(
        lambda: ddb.update_table(TableName=table, ReplicaUpdates=[{"Create": {"RegionName": THIRD}}]),
        VALIDATION,
        frozen,
    )
    one = (
        "Deletion of only one table replica is not supported for global tables with MultiRegionConsistency set "
        "to STRONG."
    )
    assert_error(lambda: ddb.delete_table(TableName=table), VALIDATION, one)
    assert_error(
        lambda: ddb.update_table(TableName=table, ReplicaUpdates=[{"Delete": {"RegionName": OTHER}}]), VALIDATION, one
    )
    assert_error(
        lambda: ddb.update_table(
            TableName=table, MultiRegionConsistency="EVENTUAL", ReplicaUpdates=[{"Create": {"RegionName": THIRD}}]
        ),
        VALIDATION,
        "MultiRegionConsistency parameter is unsupported on existing global table",
    )
    ddb.update_table(
        TableName=table,
        ReplicaUpdates=[{"Delete": {"RegionName": STRONG_OTHER}}, {"Delete": {"RegionName": OTHER}}],
    )
    target_clock.settle(
        backend, lambda: "Replicas" not in ddb.describe_table(TableName=table)["Table"], seconds=3600, step=10
    )
    assert "MultiRegionConsistency" not in ddb.describe_table(TableName=table)["Table"]


def test_strong_group_with_a_witness(backend, ddb, make_table):
    table = make_table()
    ddb.update_table(
        TableName=table,
        MultiRegionConsistency="STRONG",
        ReplicaUpdates=[{"Create": {"RegionName": OTHER}}],
        GlobalTableWitnessUpdates=[{"Create": {"RegionName": STRONG_OTHER}}],
    )
    settled(backend, ddb, table)
    described = ddb.describe_table(TableName=table)["Table"]
    assert described["GlobalTableWitnesses"] == [{"RegionName": STRONG_OTHER, "WitnessStatus": "ACTIVE"}]
    # a witness holds no table
    witness_client = backend.client(region_name=STRONG_OTHER)
    assert_error(
        lambda: witness_client.describe_table(TableName=table),
        NOT_FOUND,
        f"Requested resource not found: Table: {table} not found",
    )
    assert_error(
        lambda: ddb.update_table(TableName=table, ReplicaUpdates=[{"Delete": {"RegionName": OTHER}}]),
        VALIDATION,
        "Update table delete operation does not include all witnesses.",
    )
    assert_error(
        lambda: ddb.update_table(
            TableName=table,
            ReplicaUpdates=[{"Delete": {"RegionName": OTHER}}],
            GlobalTableWitnessUpdates=[{"Delete": {"RegionName": THIRD}}],
        ),
        VALIDATION,
        "Update global table operation failed because one or more witnesses were not part of the global table. "
        f"Please retry the request without these witnesses: [{THIRD}].",
    )
    ddb.update_table(
        TableName=table,
        ReplicaUpdates=[{"Delete": {"RegionName": OTHER}}],
        GlobalTableWitnessUpdates=[{"Delete": {"RegionName": STRONG_OTHER}}],
    )
    target_clock.settle(
        backend, lambda: "Replicas" not in ddb.describe_table(TableName=table)["Table"], seconds=3600, step=10
    )
    assert "GlobalTableWitnesses" not in ddb.describe_table(TableName=table)["Table"]


@pytest.mark.parametrize(
    ("members", "message"),
    [
        (
            {"MultiRegionConsistency": "STRONG", "ReplicaUpdates": [{"Create": {"RegionName": OTHER}}]},
            "Unsupported replica count for global tables with MultiRegionConsistency set to STRONG.",
        ),
        (
            {
                "ReplicaUpdates": [{"Create": {"RegionName": OTHER}}],
                "GlobalTableWitnessUpdates": [{"Create": {"RegionName": STRONG_OTHER}}],
            },
            "MultiRegionConsistency must be set as STRONG when GlobalTableWitnessUpdates parameter is present.",
        ),
        (
            {
                "MultiRegionConsistency": "STRONG",
                "ReplicaUpdates": [{"Create": {"RegionName": OTHER}}],
                "GlobalTableWitnessUpdates": [{"Create": {"RegionName": OTHER}}],
            },
            "Cannot target multiple regions with the same action",
        ),
        (
            {
                "MultiRegionConsistency": "STRONG",
                "ReplicaUpdates": [{"Create": {"RegionName": OTHER}}],
                "GlobalTableWitnessUpdates": [{"Create": {"RegionName": REGION}}],
            },
            "Cannot add a witness in the same region as an existing replica when creating a global table with "
            "MultiRegionConsistency set to STRONG.",
        ),
        (
            {
                "MultiRegionConsistency": "STRONG",
                "ReplicaUpdates": [{"Create": {"RegionName": OTHER}}],
                "GlobalTableWitnessUpdates": [{"Create": {"RegionName": "us-west-1"}}],
            },
            "Unsupported Region(s) specified for global tables with MultiRegionConsistency set to STRONG: [us-west-1].",
        ),
        (
            {"MultiRegionConsistency": "STRONG", "ReplicaUpdates": [{"Delete": {"RegionName": OTHER}}]},
            "Only Replica Create actions are supported when MultiRegionConsistency parameter is provided.",
        ),
        (
            {
                "MultiRegionConsistency": "STRONG",
                "ReplicaUpdates": [{"Create": {"RegionName": OTHER}}],
                "GlobalTableWitnessUpdates": [{"Create": {"RegionName": STRONG_OTHER}}],
                "DeletionProtectionEnabled": True,
            },
            "Requests that modify replicas or witnesses must not also modify other fields",
        ),
    ],
)
def test_strong_group_errors(ddb, make_table, members, message):
    table = make_table()
    assert_error(lambda: ddb.update_table(TableName=table, **members), VALIDATION, message)
    assert "Replicas" not in ddb.describe_table(TableName=table)["Table"]


def test_consistency_or_witnesses_alone_change_nothing(ddb, make_table):
    table = make_table()
    with pytest.raises(ddb.exceptions.ClientError) as raised:
        ddb.update_table(TableName=table, MultiRegionConsistency="STRONG")
    assert raised.value.response["Error"]["Code"] == VALIDATION
    assert raised.value.response["Error"]["Message"].startswith("At least one of ProvisionedThroughput, ")


# --- replica auto scaling ------------------------------------------------------------------

DISABLED = {"AutoScalingDisabled": True, "ScalingPolicies": []}
SCALING = {
    "MinimumUnits": 1,
    "MaximumUnits": 10,
    "ScalingPolicyUpdate": {"TargetTrackingScalingPolicyConfiguration": {"TargetValue": 70.0}},
}


def test_replica_auto_scaling_of_a_regional_or_missing_table(ddb, make_table):
    table = make_table()
    for name in (table, "missing-table"):
        message = f"Global table with name: '{name}' does not exist."
        assert_error(lambda name=name: ddb.describe_table_replica_auto_scaling(TableName=name), NOT_FOUND, message)
        assert_error(
            lambda name=name: ddb.update_table_replica_auto_scaling(
                TableName=name, ProvisionedWriteCapacityAutoScalingUpdate={"AutoScalingDisabled": True}
            ),
            NOT_FOUND,
            message,
        )


def test_replica_auto_scaling_of_an_on_demand_table(backend, ddb, make_table):
    table = make_table()
    add_replica(backend, ddb, table)
    described = ddb.describe_table_replica_auto_scaling(TableName=table)["TableAutoScalingDescription"]
    assert described["TableName"] == table
    assert [entry["RegionName"] for entry in described["Replicas"]] == sorted([REGION, OTHER])
    for entry in described["Replicas"]:
        assert entry["ReplicaProvisionedReadCapacityAutoScalingSettings"] == DISABLED
        assert entry["ReplicaProvisionedWriteCapacityAutoScalingSettings"] == DISABLED
        assert entry["ReplicaStatus"] == "ACTIVE"
    regions = ", ".join(f"'{region.upper()}'" for region in sorted([REGION, OTHER]))
    assert_error(
        lambda: ddb.update_table_replica_auto_scaling(
            TableName=table, ProvisionedWriteCapacityAutoScalingUpdate=SCALING
        ),
        VALIDATION,
        f"Failed to update global table with name \u2018{table}\u2018. Replicas {regions} BillingMode is "
        "PayPerRequest. You must convert table's BillingMode to PROVISIONED to set parameters: "
        "'GlobalTableProvisionedWriteCapacityAutoScalingSettingsUpdate'.",
    )
    ddb.update_table_replica_auto_scaling(
        TableName=table, ProvisionedWriteCapacityAutoScalingUpdate={"AutoScalingDisabled": True}
    )
    remove_replica(backend, ddb, table)


def provisioned_global_table(backend: Any, ddb: Any, make_table: Any) -> str:
    """A global table (a replica in OTHER) switched to PROVISIONED once it had its replica."""
    table = str(make_table())
    add_replica(backend, ddb, table)
    ddb.update_table(
        TableName=table,
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )
    settled(backend, ddb, table)
    return table


def test_replica_auto_scaling_settings(backend, ddb, make_table):
    table = provisioned_global_table(backend, ddb, make_table)
    answer = ddb.update_table_replica_auto_scaling(TableName=table, ProvisionedWriteCapacityAutoScalingUpdate=SCALING)
    # the answer shows the settings as they were before the update
    for entry in answer["TableAutoScalingDescription"]["Replicas"]:
        assert entry["ReplicaProvisionedWriteCapacityAutoScalingSettings"] == DISABLED
    described = ddb.describe_table_replica_auto_scaling(TableName=table)["TableAutoScalingDescription"]
    for entry in described["Replicas"]:
        write = entry["ReplicaProvisionedWriteCapacityAutoScalingSettings"]
        assert (write["MinimumUnits"], write["MaximumUnits"]) == (1, 10)
        [policy] = write["ScalingPolicies"]
        assert policy["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] == 70.0
        assert entry["ReplicaProvisionedReadCapacityAutoScalingSettings"] == DISABLED

    ddb.update_table_replica_auto_scaling(
        TableName=table,
        ReplicaUpdates=[{"RegionName": OTHER, "ReplicaProvisionedReadCapacityAutoScalingUpdate": SCALING}],
    )
    described = ddb.describe_table_replica_auto_scaling(TableName=table)["TableAutoScalingDescription"]
    reads = {
        entry["RegionName"]: entry["ReplicaProvisionedReadCapacityAutoScalingSettings"]
        for entry in described["Replicas"]
    }
    assert reads[REGION] == DISABLED
    assert reads[OTHER]["MaximumUnits"] == 10

    # with write auto scaling, a PROVISIONED global table takes another replica
    add_replica(backend, ddb, table, THIRD)
    remove_replica(backend, ddb, table, THIRD)
    remove_replica(backend, ddb, table)


def test_replica_auto_scaling_errors(backend, ddb, make_table):
    table = provisioned_global_table(backend, ddb, make_table)

    def update(**members: Any) -> Any:
        return lambda: ddb.update_table_replica_auto_scaling(TableName=table, **members)

    prefix = f"Failed to update settings for global table with name: \u2018{table}\u2019"
    assert_error(update(), VALIDATION, f"{prefix} because at least one update parameter must be specified.")
    assert_error(
        update(ReplicaUpdates=[{"RegionName": OTHER}]),
        VALIDATION,
        f"{prefix} because at least one update parameter must be specified for region: \u2018{OTHER}\u2019.",
    )
    read = {"ReplicaProvisionedReadCapacityAutoScalingUpdate": SCALING}
    assert_error(
        update(ReplicaUpdates=[{"RegionName": OTHER, **read}, {"RegionName": OTHER, **read}]),
        VALIDATION,
        f"{prefix} because the regions: \u2018[{OTHER}]\u2019 were specified more than once.",
    )
    assert_error(
        update(ProvisionedWriteCapacityAutoScalingUpdate={}),
        VALIDATION,
        f"{prefix}: Parameters 'MaximumUnits', 'ScalingPolicyUpdate', 'MinimumUnits' are required unless auto "
        "scaling is being disabled.",
    )
    assert_error(
        update(ProvisionedWriteCapacityAutoScalingUpdate={"MinimumUnits": 1}),
        VALIDATION,
        f"{prefix}: Parameters 'MaximumUnits', 'ScalingPolicyUpdate' are required unless auto scaling is being "
        "disabled.",
    )
    with pytest.raises(ddb.exceptions.ClientError) as raised:
        ddb.update_table_replica_auto_scaling(
            TableName=table, ProvisionedWriteCapacityAutoScalingUpdate={**SCALING, "MinimumUnits": 20}
        )
    assert raised.value.response["Error"]["Message"].startswith(
        "Maximum capacity cannot be less than minimum capacity (Service: AWSApplicationAutoScaling; "
    )
    too_high = {"TargetTrackingScalingPolicyConfiguration": {"TargetValue": 90.1}}
    with pytest.raises(ddb.exceptions.ClientError) as raised:
        ddb.update_table_replica_auto_scaling(
            TableName=table, ProvisionedWriteCapacityAutoScalingUpdate={**SCALING, "ScalingPolicyUpdate": too_high}
        )
    assert raised.value.response["Error"]["Message"].startswith(
        "For predefined metric type DynamoDBWriteCapacityUtilization, target value must be between '10.0' and "
        "'90.0', but was '90.1'."
    )
    described = ddb.describe_table_replica_auto_scaling(TableName=table)["TableAutoScalingDescription"]
    assert all(
        entry["ReplicaProvisionedWriteCapacityAutoScalingSettings"] == DISABLED for entry in described["Replicas"]
    )
    remove_replica(backend, ddb, table)


# --- settings every replica shares ---------------------------------------------------------


def test_indexes_and_capacity_reach_every_replica(backend, ddb, make_table):
    table = make_table()
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "colour": {"S": "red"}})
    add_replica(backend, ddb, table)
    ddb.update_table(
        TableName=table,
        AttributeDefinitions=[{"AttributeName": "colour", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[
            {
                "Create": {
                    "IndexName": "by-colour",
                    "KeySchema": [{"AttributeName": "colour", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            }
        ],
    )
    settled(backend, ddb, table)
    replica_client = backend.client(region_name=OTHER)

    def replica_index_active() -> bool:
        indexes = replica_client.describe_table(TableName=table)["Table"].get("GlobalSecondaryIndexes", [])
        return [index["IndexStatus"] for index in indexes] == ["ACTIVE"]

    target_clock.settle(backend, replica_index_active, seconds=3600, step=10)
    [index] = replica_client.describe_table(TableName=table)["Table"]["GlobalSecondaryIndexes"]
    assert index["IndexName"] == "by-colour"
    assert f":{OTHER}:" in index["IndexArn"]
    found = replica_client.query(
        TableName=table,
        IndexName="by-colour",
        KeyConditionExpression="colour = :c",
        ExpressionAttributeValues={":c": {"S": "red"}},
    )
    assert [item["pk"] for item in found["Items"]] == [{"S": "a"}]

    ddb.update_table(
        TableName=table,
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 7, "WriteCapacityUnits": 6},
        GlobalSecondaryIndexUpdates=[
            {
                "Update": {
                    "IndexName": "by-colour",
                    "ProvisionedThroughput": {"ReadCapacityUnits": 3, "WriteCapacityUnits": 4},
                }
            }
        ],
    )
    settled(backend, ddb, table)
    target_clock.settle(
        backend,
        lambda: (
            replica_client.describe_table(TableName=table)["Table"]["ProvisionedThroughput"]["WriteCapacityUnits"] == 6
        ),
        seconds=3600,
        step=10,
    )
    replica = replica_client.describe_table(TableName=table)["Table"]
    assert replica["ProvisionedThroughput"]["ReadCapacityUnits"] == 7
    assert replica["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"]["ReadCapacityUnits"] == 3
    remove_replica(backend, ddb, table)


def test_time_to_live_set_on_any_replica_reaches_every_replica(backend, ddb, make_table):
    table = make_table()
    add_replica(backend, ddb, table)
    replica_client = backend.client(region_name=OTHER)
    replica_client.update_time_to_live(
        TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"}
    )

    def enabled() -> bool:
        described = ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
        return described.get("TimeToLiveStatus") == "ENABLED" and described.get("AttributeName") == "expires"

    target_clock.settle(backend, enabled, seconds=600, step=10)
    remove_replica(backend, ddb, table)

"""Global tables version 2017.11.29 in an account that still holds such groups
(`Simulator.global_tables_2017 = True`): the API Reference's behaviour of CreateGlobalTable,
UpdateGlobalTable, DescribeGlobalTable, ListGlobalTables, DescribeGlobalTableSettings and
UpdateGlobalTableSettings, through boto3 clients of several regions. What the service answers today
(every creation refused) is in conformance/test_global_tables_2017.py."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

import dynasim
from dynasim.engine.globaltables import group
from dynasim.engine.globaltables.version2017 import SETTLE_SECONDS

EAST, WEST, EU = "us-east-1", "us-west-2", "eu-west-1"
# A replica table with a global index "by-g" on "g"
INDEXED: dict[str, Any] = {
    "AttributeDefinitions": [
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "g", "AttributeType": "S"},
    ],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": "by-g",
            "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"},
        }
    ],
}
NAME = "orders"


@pytest.fixture
def sim() -> dynasim.Simulator:
    simulator = dynasim.Simulator(regions=[WEST, EU])
    simulator.global_tables_2017 = True
    return simulator


@pytest.fixture
def clients(sim: dynasim.Simulator) -> dict[str, Any]:
    return {region: sim.client("dynamodb", region_name=region) for region in (EAST, WEST, EU)}


def make_replica_table(
    client: Any, name: str = NAME, *, stream: str | None = "NEW_AND_OLD_IMAGES", **more: Any
) -> None:
    spec: dict[str, Any] = {
        "TableName": name,
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if stream is not None:
        spec["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream}
    spec.update(more)
    client.create_table(**spec)


def error_of(call: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as excinfo:
        call()
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def regions_of(description: dict[str, Any]) -> list[str]:
    return [replica["RegionName"] for replica in description["ReplicationGroup"]]


def create_group(clients: dict[str, Any], *regions: str) -> dict[str, Any]:
    for region in regions:
        make_replica_table(clients[region])
    replicas = [{"RegionName": region} for region in regions]
    return clients[regions[0]].create_global_table(GlobalTableName=NAME, ReplicationGroup=replicas)


def test_the_default_account_refuses_creation():
    sim = dynasim.Simulator(regions=[WEST])
    assert sim.global_tables_2017 is False
    client = sim.client("dynamodb")
    make_replica_table(client)
    code, message = error_of(
        lambda: client.create_global_table(GlobalTableName=NAME, ReplicationGroup=[{"RegionName": EAST}])
    )
    assert code == "ValidationException" and "version 2017.11.29 is not supported" in message


def test_create_makes_a_group_that_becomes_active_on_the_clock(sim, clients):
    description = create_group(clients, EAST, WEST)["GlobalTableDescription"]
    assert description["GlobalTableName"] == NAME
    assert description["GlobalTableArn"] == f"arn:aws:dynamodb::123456789012:global-table/{NAME}"
    assert description["GlobalTableStatus"] == "CREATING"
    assert regions_of(description) == [EAST, WEST]
    assert description["CreationDateTime"].timestamp() == pytest.approx(sim.clock.now())
    sim.clock.advance(SETTLE_SECONDS)
    for region in (EAST, WEST, EU):  # the group is the account's: any region's client sees it
        described = clients[region].describe_global_table(GlobalTableName=NAME)["GlobalTableDescription"]
        assert described["GlobalTableStatus"] == "ACTIVE"
        assert regions_of(described) == [EAST, WEST]
    for region in (EAST, WEST):
        table = sim.engine_of(region).tables[NAME]
        assert group.version_of(table) == group.VERSION_2017
    assert NAME not in sim.engine_of(EU).tables


def test_create_needs_every_table(sim, clients):
    make_replica_table(clients[EAST])
    replicas = [{"RegionName": EAST}, {"RegionName": WEST}]
    assert error_of(lambda: clients[EAST].create_global_table(GlobalTableName=NAME, ReplicationGroup=replicas)) == (
        "TableNotFoundException",
        f"Table not found: Table: '{NAME}' not found in region: '{WEST}'.",
    )
    assert group.version_of(sim.engine_of(EAST).tables[NAME]) is None  # a failed request changes nothing


@pytest.mark.parametrize(
    ("make_west", "detail"),
    [
        (lambda client: make_replica_table(client, stream=None), "must have DynamoDB Streams enabled"),
        (lambda client: make_replica_table(client, stream="NEW_IMAGE"), "must have DynamoDB Streams enabled"),
        (
            lambda client: make_replica_table(
                client,
                KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            ),
            "does not have the same key schema",
        ),
        (
            lambda client: make_replica_table(client, **INDEXED),
            "does not have the same global secondary indexes",
        ),
    ],
    ids=["no-stream", "new-image-stream", "other-key", "other-indexes"],
)
def test_create_checks_each_replica_table(sim, clients, make_west, detail):
    make_replica_table(clients[EAST])
    make_west(clients[WEST])
    replicas = [{"RegionName": EAST}, {"RegionName": WEST}]
    code, message = error_of(lambda: clients[EAST].create_global_table(GlobalTableName=NAME, ReplicationGroup=replicas))
    assert code == "ValidationException"
    assert message.startswith("One or more parameter values were invalid: ") and detail in message
    assert f"in region: '{WEST}'" in message
    assert group.version_of(sim.engine_of(EAST).tables[NAME]) is None


def test_create_needs_empty_tables(clients):
    make_replica_table(clients[EAST])
    make_replica_table(clients[WEST])
    clients[WEST].put_item(TableName=NAME, Item={"pk": {"S": "a"}})
    replicas = [{"RegionName": EAST}, {"RegionName": WEST}]
    code, message = error_of(lambda: clients[EAST].create_global_table(GlobalTableName=NAME, ReplicationGroup=replicas))
    assert (code, message) == (
        "ValidationException",
        f"One or more parameter values were invalid: Table: '{NAME}' in region: '{WEST}' is not empty",
    )


def test_create_refuses_an_existing_group_a_repeated_region_and_an_empty_group(clients):
    create_group(clients, EAST, WEST)
    replicas = [{"RegionName": EAST}]
    assert error_of(lambda: clients[EU].create_global_table(GlobalTableName=NAME, ReplicationGroup=replicas)) == (
        "GlobalTableAlreadyExistsException",
        f"Global table with name: '{NAME}' already exists.",
    )
    make_replica_table(clients[EAST], "other")
    twice = [{"RegionName": EAST}, {"RegionName": EAST}]
    code, message = error_of(lambda: clients[EAST].create_global_table(GlobalTableName="other", ReplicationGroup=twice))
    assert code == "ValidationException" and "appears more than once" in message
    code, message = error_of(lambda: clients[EAST].create_global_table(GlobalTableName="other", ReplicationGroup=[]))
    assert code == "ValidationException" and "at least one region" in message


def test_create_refuses_a_replica_of_a_2019_group(sim, clients):
    make_replica_table(clients[EAST])
    clients[EAST].update_table(TableName=NAME, ReplicaUpdates=[{"Create": {"RegionName": WEST}}])
    code, message = error_of(
        lambda: clients[EAST].create_global_table(GlobalTableName=NAME, ReplicationGroup=[{"RegionName": EAST}])
    )
    assert code == "ValidationException" and "version 2019.11.21 global table" in message
    # and the legacy operations do not see a 2019.11.21 group
    assert error_of(lambda: clients[EAST].describe_global_table(GlobalTableName=NAME))[0] == (
        "GlobalTableNotFoundException"
    )
    assert clients[EAST].list_global_tables()["GlobalTables"] == []


def test_update_adds_and_removes_replicas(sim, clients):
    create_group(clients, EAST, WEST)
    sim.clock.advance(SETTLE_SECONDS)
    make_replica_table(clients[EU])
    added = clients[WEST].update_global_table(GlobalTableName=NAME, ReplicaUpdates=[{"Create": {"RegionName": EU}}])
    assert added["GlobalTableDescription"]["GlobalTableStatus"] == "UPDATING"
    assert regions_of(added["GlobalTableDescription"]) == [EAST, WEST, EU]
    sim.clock.advance(SETTLE_SECONDS)
    settings = clients[EAST].describe_global_table_settings(GlobalTableName=NAME)["ReplicaSettings"]
    assert [(each["RegionName"], each["ReplicaStatus"]) for each in settings] == [
        (EAST, "ACTIVE"),
        (WEST, "ACTIVE"),
        (EU, "ACTIVE"),
    ]

    removed = clients[EAST].update_global_table(GlobalTableName=NAME, ReplicaUpdates=[{"Delete": {"RegionName": WEST}}])
    assert regions_of(removed["GlobalTableDescription"]) == [EAST, EU]
    assert group.version_of(sim.engine_of(WEST).tables[NAME]) is None  # a table of its own again
    clients[WEST].describe_table(TableName=NAME)  # the table stays
    assert regions_of(clients[WEST].describe_global_table(GlobalTableName=NAME)["GlobalTableDescription"]) == [EAST, EU]


def test_removing_the_last_replicas_dissolves_the_group(sim, clients):
    create_group(clients, EAST, WEST)
    deletes = [{"Delete": {"RegionName": EAST}}, {"Delete": {"RegionName": WEST}}]
    answer = clients[EAST].update_global_table(GlobalTableName=NAME, ReplicaUpdates=deletes)
    assert answer["GlobalTableDescription"]["GlobalTableStatus"] == "DELETING"
    assert error_of(lambda: clients[EAST].describe_global_table(GlobalTableName=NAME)) == (
        "GlobalTableNotFoundException",
        f"Global table not found: Global table with name: '{NAME}' does not exist.",
    )
    assert clients[EAST].list_global_tables()["GlobalTables"] == []
    assert all(group.version_of(sim.engine_of(region).tables[NAME]) is None for region in (EAST, WEST))


def test_update_errors(sim, clients):
    create_group(clients, EAST, WEST)
    update = clients[EAST].update_global_table
    assert error_of(lambda: update(GlobalTableName=NAME, ReplicaUpdates=[{"Create": {"RegionName": WEST}}])) == (
        "ReplicaAlreadyExistsException",
        f"Replica in region: '{WEST}' already exists for global table: '{NAME}'.",
    )
    assert error_of(lambda: update(GlobalTableName=NAME, ReplicaUpdates=[{"Delete": {"RegionName": EU}}])) == (
        "ReplicaNotFoundException",
        f"Replica in region: '{EU}' does not exist for global table: '{NAME}'.",
    )
    assert error_of(lambda: update(GlobalTableName=NAME, ReplicaUpdates=[{"Create": {"RegionName": EU}}])) == (
        "TableNotFoundException",
        f"Table not found: Table: '{NAME}' not found in region: '{EU}'.",
    )
    assert error_of(lambda: update(GlobalTableName="nothing", ReplicaUpdates=[{"Delete": {"RegionName": EU}}])) == (
        "GlobalTableNotFoundException",
        "Global table with name: 'nothing' does not exist.",
    )
    # a request with one bad update changes nothing
    mixed = [{"Delete": {"RegionName": WEST}}, {"Delete": {"RegionName": EU}}]
    assert error_of(lambda: update(GlobalTableName=NAME, ReplicaUpdates=mixed))[0] == "ReplicaNotFoundException"
    assert regions_of(clients[EAST].describe_global_table(GlobalTableName=NAME)["GlobalTableDescription"]) == [
        EAST,
        WEST,
    ]


def test_list_global_tables_filters_and_pages(clients):
    for name, regions in (("alpha", (EAST, WEST)), ("beta", (WEST,)), ("gamma", (EAST,))):
        for region in regions:
            make_replica_table(clients[region], name)
        replicas = [{"RegionName": region} for region in regions]
        clients[regions[0]].create_global_table(GlobalTableName=name, ReplicationGroup=replicas)
    listed = clients[EU].list_global_tables()
    assert [each["GlobalTableName"] for each in listed["GlobalTables"]] == ["alpha", "beta", "gamma"]
    assert listed["GlobalTables"][0]["ReplicationGroup"] == [{"RegionName": EAST}, {"RegionName": WEST}]
    assert "LastEvaluatedGlobalTableName" not in listed
    west = clients[EAST].list_global_tables(RegionName=WEST)["GlobalTables"]
    assert [each["GlobalTableName"] for each in west] == ["alpha", "beta"]
    first = clients[EAST].list_global_tables(Limit=2)
    assert [each["GlobalTableName"] for each in first["GlobalTables"]] == ["alpha", "beta"]
    assert first["LastEvaluatedGlobalTableName"] == "beta"
    rest = clients[EAST].list_global_tables(Limit=2, ExclusiveStartGlobalTableName="beta")
    assert [each["GlobalTableName"] for each in rest["GlobalTables"]] == ["gamma"]
    assert "LastEvaluatedGlobalTableName" not in rest


def test_settings_describe_each_replica(sim, clients):
    create_group(clients, EAST, WEST)
    settings = clients[WEST].describe_global_table_settings(GlobalTableName=NAME)
    assert settings["GlobalTableName"] == NAME
    first = settings["ReplicaSettings"][0]
    assert first["RegionName"] == EAST and first["ReplicaStatus"] == "CREATING"
    assert first["ReplicaBillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert (first["ReplicaProvisionedReadCapacityUnits"], first["ReplicaProvisionedWriteCapacityUnits"]) == (0, 0)


def test_settings_update_changes_every_replica_table(sim, clients):
    create_group(clients, EAST, WEST)
    answer = clients[EAST].update_global_table_settings(
        GlobalTableName=NAME,
        GlobalTableBillingMode="PROVISIONED",
        GlobalTableProvisionedWriteCapacityUnits=6,
        ReplicaSettingsUpdate=[{"RegionName": WEST, "ReplicaProvisionedReadCapacityUnits": 9}],
    )
    by_region = {each["RegionName"]: each for each in answer["ReplicaSettings"]}
    assert by_region[WEST]["ReplicaBillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert (
        by_region[WEST]["ReplicaProvisionedReadCapacityUnits"],
        by_region[WEST]["ReplicaProvisionedWriteCapacityUnits"],
    ) == (9, 6)
    for region, read in ((EAST, 6), (WEST, 9)):
        table = clients[region].describe_table(TableName=NAME)["Table"]
        assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == read
        assert table["ProvisionedThroughput"]["WriteCapacityUnits"] == 6

    clients[WEST].update_global_table_settings(GlobalTableName=NAME, GlobalTableBillingMode="PAY_PER_REQUEST")
    for region in (EAST, WEST):
        table = clients[region].describe_table(TableName=NAME)["Table"]
        assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_settings_update_keeps_auto_scaling_and_table_class(clients):
    create_group(clients, EAST, WEST)
    clients[EAST].update_global_table_settings(
        GlobalTableName=NAME, GlobalTableBillingMode="PROVISIONED", GlobalTableProvisionedWriteCapacityUnits=5
    )
    policy = {"PolicyName": "writes", "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 70.0}}
    clients[EAST].update_global_table_settings(
        GlobalTableName=NAME,
        GlobalTableProvisionedWriteCapacityAutoScalingSettingsUpdate={
            "MinimumUnits": 5,
            "MaximumUnits": 50,
            "ScalingPolicyUpdate": policy,
        },
        ReplicaSettingsUpdate=[
            {
                "RegionName": WEST,
                "ReplicaProvisionedReadCapacityAutoScalingSettingsUpdate": {"MinimumUnits": 2, "MaximumUnits": 20},
                "ReplicaTableClass": "STANDARD_INFREQUENT_ACCESS",
            }
        ],
    )
    settings = clients[EU].describe_global_table_settings(GlobalTableName=NAME)["ReplicaSettings"]
    by_region = {each["RegionName"]: each for each in settings}
    for region in (EAST, WEST):
        assert by_region[region]["ReplicaProvisionedWriteCapacityAutoScalingSettings"] == {
            "MinimumUnits": 5,
            "MaximumUnits": 50,
            "ScalingPolicies": [policy],
        }
    assert by_region[WEST]["ReplicaProvisionedReadCapacityAutoScalingSettings"] == {
        "MinimumUnits": 2,
        "MaximumUnits": 20,
    }
    assert "ReplicaProvisionedReadCapacityAutoScalingSettings" not in by_region[EAST]
    assert by_region[WEST]["ReplicaTableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS"


def test_settings_update_errors_change_nothing(clients):
    create_group(clients, EAST, WEST)
    update = clients[EAST].update_global_table_settings
    assert error_of(lambda: update(GlobalTableName=NAME, ReplicaSettingsUpdate=[{"RegionName": EU}])) == (
        "ReplicaNotFoundException",
        f"Replica in region: '{EU}' does not exist for global table: '{NAME}'.",
    )
    index_update = [{"IndexName": "missing", "ProvisionedWriteCapacityUnits": 5}]
    code, message = error_of(
        lambda: update(
            GlobalTableName=NAME,
            GlobalTableBillingMode="PROVISIONED",
            GlobalTableProvisionedWriteCapacityUnits=5,
            GlobalTableGlobalSecondaryIndexSettingsUpdate=index_update,
        )
    )
    assert (code, message) == (
        "IndexNotFoundException",
        f"Global secondary index: 'missing' does not exist for global table: '{NAME}'.",
    )
    code, message = error_of(lambda: update(GlobalTableName=NAME, GlobalTableBillingMode="PROVISIONED"))
    assert code == "ValidationException" and "GlobalTableProvisionedWriteCapacityUnits must be specified" in message
    code, message = error_of(lambda: update(GlobalTableName=NAME, GlobalTableProvisionedWriteCapacityUnits=5))
    assert code == "ValidationException" and "PAY_PER_REQUEST" in message
    for region in (EAST, WEST):  # none of them changed a table
        table = clients[region].describe_table(TableName=NAME)["Table"]
        assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_settings_update_of_an_index(clients):
    for region in (EAST, WEST):
        make_replica_table(clients[region], **INDEXED)
    clients[EAST].create_global_table(
        GlobalTableName=NAME, ReplicationGroup=[{"RegionName": EAST}, {"RegionName": WEST}]
    )
    clients[EAST].update_global_table_settings(
        GlobalTableName=NAME,
        GlobalTableBillingMode="PROVISIONED",
        GlobalTableProvisionedWriteCapacityUnits=5,
        GlobalTableGlobalSecondaryIndexSettingsUpdate=[{"IndexName": "by-g", "ProvisionedWriteCapacityUnits": 8}],
        ReplicaSettingsUpdate=[
            {
                "RegionName": WEST,
                "ReplicaGlobalSecondaryIndexSettingsUpdate": [{"IndexName": "by-g", "ProvisionedReadCapacityUnits": 3}],
            }
        ],
    )
    settings = clients[EAST].describe_global_table_settings(GlobalTableName=NAME)["ReplicaSettings"]
    indexes = {each["RegionName"]: each["ReplicaGlobalSecondaryIndexSettings"][0] for each in settings}
    assert (indexes[EAST]["ProvisionedReadCapacityUnits"], indexes[EAST]["ProvisionedWriteCapacityUnits"]) == (5, 8)
    assert (indexes[WEST]["ProvisionedReadCapacityUnits"], indexes[WEST]["ProvisionedWriteCapacityUnits"]) == (3, 8)
    west = clients[WEST].describe_table(TableName=NAME)["Table"]["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"]
    assert (west["ReadCapacityUnits"], west["WriteCapacityUnits"]) == (3, 8)


def test_a_snapshot_keeps_the_group(sim, clients):
    create_group(clients, EAST, WEST)
    snapshot = sim.snapshot()
    clients[EAST].update_global_table(
        GlobalTableName=NAME, ReplicaUpdates=[{"Delete": {"RegionName": EAST}}, {"Delete": {"RegionName": WEST}}]
    )
    sim.restore(snapshot)
    described = clients[WEST].describe_global_table(GlobalTableName=NAME)["GlobalTableDescription"]
    assert regions_of(described) == [EAST, WEST]


@pytest.mark.parametrize(
    ("scaling", "pattern"),
    [
        (
            {
                "ScalingPolicyUpdate": {
                    "PolicyName": "a\x01",
                    "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 1.0},
                }
            },
            r"\p{Print}+",
        ),
        ({"AutoScalingRoleArn": "arn:\x01"}, r"[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\r\n\t]*"),
    ],
    ids=["policy-name", "role-arn"],
)
def test_the_models_java_patterns_are_checked(scaling, pattern):
    # the model writes these two patterns in Java's regular expressions: refused as the model says, never a 500
    from botocore.config import Config

    client = dynasim.Simulator().client("dynamodb", config=Config(parameter_validation=False))
    code, message = error_of(
        lambda: client.update_global_table_settings(
            GlobalTableName=NAME, GlobalTableProvisionedWriteCapacityAutoScalingSettingsUpdate=scaling
        )
    )
    assert code == "ValidationException"
    assert message.endswith(f"failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern}")


def test_a_role_arn_beyond_the_basic_plane_is_accepted(sim, clients):
    create_group(clients, EAST)
    scaling = {"AutoScalingRoleArn": "arn:\U0001f600"}
    clients[EAST].update_global_table_settings(
        GlobalTableName=NAME, GlobalTableProvisionedWriteCapacityAutoScalingSettingsUpdate=scaling
    )


def test_describe_table_of_a_replica_names_no_version(sim, clients):
    # the Developer Guide ("Determining the global table version you are using"): DescribeTable's
    # GlobalTableVersion identifies a version 2019.11.21 replica; a version 2017.11.29 replica is
    # identified by DescribeGlobalTable answering
    create_group(clients, EAST, WEST)
    table = clients[WEST].describe_table(TableName=NAME)["Table"]
    assert "GlobalTableVersion" not in table and "Replicas" not in table
    assert (
        clients[WEST].describe_global_table(GlobalTableName=NAME)["GlobalTableDescription"]["GlobalTableName"] == NAME
    )

"""Global tables version 2017.11.29 (Legacy): CreateGlobalTable, UpdateGlobalTable, DescribeGlobalTable,
ListGlobalTables, DescribeGlobalTableSettings and UpdateGlobalTableSettings as the service answers them
today. DynamoDB Local does not implement these operations (UnknownOperationException), so every test
follows the service's recorded answers.

The service no longer creates version 2017.11.29 groups: CreateGlobalTable is refused in every region,
before it looks for the tables, so an account holds none and the other operations find nothing. The
documented behaviour of an account that still holds such groups (the simulator's
`global_tables_2017 = True`) is tested in tests/test_global_tables_2017.py."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conformance.conftest import unique_name
from conformance.helpers import VALIDATION, assert_error, service_behaviour, strip_metadata

SOURCE = (
    "ack-api-quirks dynamodb live-service findings, verified 2026-10-09 (DDB-GLOBALTABLE-001 to -004, "
    "DDB-GLOBALTABLESETTINGS-001); crossplane-contrib/provider-aws#2308; API Reference, CreateGlobalTable, "
    "UpdateGlobalTable, DescribeGlobalTable, ListGlobalTables, DescribeGlobalTableSettings, "
    "UpdateGlobalTableSettings"
)
pytestmark = service_behaviour("DynamoDB Local does not implement global tables version 2017.11.29", source=SOURCE)

OTHER_REGION = "us-west-2"
UNSUPPORTED = (
    "One or more parameter values were invalid: DynamoDB global tables version 2017.11.29 is not supported. "
    "We recommend using DynamoDB global tables version 2019.11.21, instead of version 2017.11.29 (Legacy)."
)
GLOBAL_NOT_FOUND = "GlobalTableNotFoundException"


def not_found(name: str) -> str:
    """DescribeGlobalTable's message."""
    return f"Global table not found: Global table with name: '{name}' does not exist."


def settings_not_found(name: str) -> str:
    """The message of the settings operations and UpdateGlobalTable."""
    return f"Global table with name: '{name}' does not exist."


def replica_ready_table(ddb: Any, name: str) -> None:
    """A table that meets every documented requirement of a replica: empty, streams with both images."""
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})


def test_create_global_table_is_refused_and_creates_nothing(ddb, backend):
    other = backend.client(region_name=OTHER_REGION)
    name = unique_name("gt")
    replica_ready_table(ddb, name)
    replica_ready_table(other, name)
    group = [{"RegionName": "us-east-1"}, {"RegionName": OTHER_REGION}]
    assert_error(lambda: ddb.create_global_table(GlobalTableName=name, ReplicationGroup=group), VALIDATION, UNSUPPORTED)
    assert_error(lambda: ddb.describe_global_table(GlobalTableName=name), GLOBAL_NOT_FOUND, not_found(name))
    assert_error(lambda: other.describe_global_table(GlobalTableName=name), GLOBAL_NOT_FOUND, not_found(name))
    for client in (ddb, other):
        table = client.describe_table(TableName=name)["Table"]
        assert table["TableStatus"] == "ACTIVE"
        assert "GlobalTableVersion" not in table


def test_the_version_is_refused_before_the_tables_are_looked_up(ddb):
    name = unique_name("gt")  # no table of that name anywhere: the service never says TableNotFoundException
    group = [{"RegionName": "us-east-1"}]
    assert_error(lambda: ddb.create_global_table(GlobalTableName=name, ReplicationGroup=group), VALIDATION, UNSUPPORTED)


def test_request_shape_errors_come_before_the_version(ddb_raw):
    # DDB-GLOBALTABLE-003: the model's constraints are checked first, in the service's usual words
    short = {"GlobalTableName": "ab", "ReplicationGroup": [{"RegionName": "us-east-1"}]}
    assert_error(
        lambda: ddb_raw.create_global_table(**short),
        VALIDATION,
        "1 validation error detected: Value 'ab' at 'globalTableName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 3",
    )
    assert_error(
        lambda: ddb_raw.create_global_table(GlobalTableName=unique_name("gt")),
        VALIDATION,
        "1 validation error detected: Value null at 'replicationGroup' failed to satisfy constraint: "
        "Member must not be null",
    )


def test_update_global_table_create_is_refused_before_the_group_is_looked_up(ddb):
    name = unique_name("gt")
    create = [{"Create": {"RegionName": OTHER_REGION}}]
    assert_error(lambda: ddb.update_global_table(GlobalTableName=name, ReplicaUpdates=create), VALIDATION, UNSUPPORTED)


def test_update_global_table_delete_finds_no_group(ddb, make_table):
    for name in (unique_name("gt"), make_table()):  # a missing name and a regional table alike
        delete = [{"Delete": {"RegionName": OTHER_REGION}}]
        assert_error(
            lambda name=name, delete=delete: ddb.update_global_table(GlobalTableName=name, ReplicaUpdates=delete),
            GLOBAL_NOT_FOUND,
            settings_not_found(name),
        )


def test_update_global_table_without_updates(ddb_raw):
    name = unique_name("gt")
    assert_error(
        lambda: ddb_raw.update_global_table(GlobalTableName=name, ReplicaUpdates=[]),
        VALIDATION,
        "One or more parameter values were invalid",
    )


def test_describe_global_table_of_a_regional_table(ddb, make_table):
    name = make_table()
    assert_error(lambda: ddb.describe_global_table(GlobalTableName=name), GLOBAL_NOT_FOUND, not_found(name))


def test_settings_operations_find_no_group(ddb, make_table):
    for name in (unique_name("gt"), make_table()):
        assert_error(
            lambda name=name: ddb.describe_global_table_settings(GlobalTableName=name),
            GLOBAL_NOT_FOUND,
            settings_not_found(name),
        )
        assert_error(
            lambda name=name: ddb.update_global_table_settings(
                GlobalTableName=name, GlobalTableBillingMode="PAY_PER_REQUEST"
            ),
            GLOBAL_NOT_FOUND,
            settings_not_found(name),
        )
        assert_error(
            lambda name=name: ddb.update_global_table_settings(
                GlobalTableName=name, ReplicaSettingsUpdate=[{"RegionName": OTHER_REGION}]
            ),
            GLOBAL_NOT_FOUND,
            settings_not_found(name),
        )


@pytest.mark.parametrize("members", [{}, {"RegionName": "us-east-1"}, {"Limit": 1}])
def test_list_global_tables_is_empty(ddb, make_table, members):
    make_table()
    assert strip_metadata(ddb.list_global_tables(**members)) == {"GlobalTables": []}


def test_list_global_tables_of_a_region_that_does_not_exist(backend):
    client = backend.client(Config(retries={"max_attempts": 1, "mode": "standard"}))
    with pytest.raises(ClientError) as excinfo:
        client.list_global_tables(RegionName="us-fake-9")
    error = excinfo.value.response
    assert (error["Error"]["Code"], error["Error"]["Message"]) == ("InternalServerError", "Internal server error")
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 500

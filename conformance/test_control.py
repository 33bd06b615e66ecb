"""The rest of the control plane: DescribeLimits, tags, DescribeEndpoints, continuous backups,
deletion protection. DynamoDB Local answers only DescribeLimits and deletion protection (tagging
is "not currently supported", the others are unknown operations), so the rest follows AWS's
documented behaviour and is skipped there."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from conformance.helpers import DELETION_PROTECTED, VALIDATION, assert_error, service_behaviour

NOT_IN_DDBLOCAL = service_behaviour(
    "DynamoDB Local does not implement it",
    source="Developer Guide, DynamoDB Local usage notes; API Reference of the operation",
)


def test_describe_limits(ddb):
    assert {k: v for k, v in ddb.describe_limits().items() if k != "ResponseMetadata"} == {
        "AccountMaxReadCapacityUnits": 80000,
        "AccountMaxWriteCapacityUnits": 80000,
        "TableMaxReadCapacityUnits": 40000,
        "TableMaxWriteCapacityUnits": 40000,
    }


def test_deletion_protection(ddb, make_table):
    table = make_table()
    assert ddb.update_table(TableName=table, DeletionProtectionEnabled=True)["TableDescription"][
        "DeletionProtectionEnabled"
    ]
    assert_error(lambda: ddb.delete_table(TableName=table), VALIDATION, DELETION_PROTECTED)
    ddb.update_table(TableName=table, DeletionProtectionEnabled=False)
    ddb.delete_table(TableName=table)


def arn_of(ddb: Any, table: str) -> str:
    return ddb.describe_table(TableName=table)["Table"]["TableArn"]


def tags(ddb: Any, arn: str) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in ddb.list_tags_of_resource(ResourceArn=arn)["Tags"]}


@NOT_IN_DDBLOCAL
def test_tags(ddb, make_table):
    arn = arn_of(ddb, make_table())
    assert tags(ddb, arn) == {}
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "a"}, {"Key": "env", "Value": "test"}])
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "b"}])
    assert tags(ddb, arn) == {"team": "b", "env": "test"}
    ddb.untag_resource(ResourceArn=arn, TagKeys=["env", "unknown"])
    assert tags(ddb, arn) == {"team": "b"}
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": f"k{i}", "Value": ""} for i in range(49)])
    with pytest.raises(ClientError) as excinfo:
        ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "one-more", "Value": "x"}])
    assert excinfo.value.response["Error"]["Code"] == "LimitExceededException"


@NOT_IN_DDBLOCAL
def test_tags_on_create_table(ddb):
    name = "tagged-table-conformance"
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        Tags=[{"Key": "team", "Value": "a"}],
    )
    assert tags(ddb, arn_of(ddb, name)) == {"team": "a"}


@NOT_IN_DDBLOCAL
@pytest.mark.parametrize(
    ("arn", "tag", "code"),
    [
        ("garbage", {"Key": "a", "Value": "b"}, VALIDATION),
        (
            "arn:aws:dynamodb:us-east-1:123456789012:table/nope-table",
            {"Key": "a", "Value": "b"},
            "ResourceNotFoundException",
        ),
        (None, {"Key": "aws:reserved", "Value": "b"}, VALIDATION),
        (None, {"Key": "", "Value": "b"}, VALIDATION),
        (None, {"Key": "k" * 129, "Value": "b"}, VALIDATION),
        (None, {"Key": "k", "Value": "v" * 257}, VALIDATION),
    ],
)
def test_tag_errors(ddb_raw, make_table, arn, tag, code):
    target = arn or arn_of(ddb_raw, make_table())
    with pytest.raises(ClientError) as excinfo:
        ddb_raw.tag_resource(ResourceArn=target, Tags=[tag])
    assert excinfo.value.response["Error"]["Code"] == code


@NOT_IN_DDBLOCAL
def test_describe_endpoints(ddb):
    (endpoint,) = ddb.describe_endpoints()["Endpoints"]
    assert endpoint["Address"].startswith("dynamodb.") and endpoint["CachePeriodInMinutes"] == 1440


@NOT_IN_DDBLOCAL
def test_continuous_backups(ddb, make_table):
    table = make_table()
    described = ddb.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"]
    assert described == {
        "ContinuousBackupsStatus": "ENABLED",
        "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"},
    }
    updated = ddb.update_continuous_backups(
        TableName=table,
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True, "RecoveryPeriodInDays": 7},
    )["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert updated["PointInTimeRecoveryStatus"] == "ENABLED" and updated["RecoveryPeriodInDays"] == 7
    assert "EarliestRestorableDateTime" in updated
    ddb.update_continuous_backups(
        TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False}
    )
    assert ddb.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"][
        "PointInTimeRecoveryDescription"
    ] == {"PointInTimeRecoveryStatus": "DISABLED"}
    for spec in (
        {"PointInTimeRecoveryEnabled": True, "RecoveryPeriodInDays": 36},
        {"PointInTimeRecoveryEnabled": False, "RecoveryPeriodInDays": 5},
    ):
        with pytest.raises(ClientError) as excinfo:
            ddb.update_continuous_backups(TableName=table, PointInTimeRecoverySpecification=spec)
        assert excinfo.value.response["Error"]["Code"] == VALIDATION
    with pytest.raises(ClientError) as excinfo:
        ddb.describe_continuous_backups(TableName="nope-table")
    assert excinfo.value.response["Error"]["Code"] == "TableNotFoundException"


def test_operations_not_implemented_answer_with_their_name(ddb, target):
    if target.kind != "sim":
        pytest.skip("the simulator's own message")
    with pytest.raises(ClientError) as excinfo:
        ddb.list_backups()
    error = excinfo.value.response["Error"]
    assert error["Code"] == "UnknownOperationException" and "ListBackups" in error["Message"]

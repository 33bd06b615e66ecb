"""The rest of the control plane: DescribeLimits, tags, DescribeEndpoints, continuous backups,
deletion protection. DynamoDB Local answers only DescribeLimits and deletion protection (tagging
is "not currently supported", the others are unknown operations), so the rest follows AWS's
documented behaviour and is skipped there."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from conformance.helpers import DELETION_PROTECTED, NOT_FOUND, VALIDATION, assert_error, service_behaviour

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


TAGS_SOURCE = (
    "ack-api-quirks dynamodb live-service notes, 2026-10 (DDB-TABLE-070, -071, -105, -106, -107, -108, -372); "
    "API Reference, TagResource and ListTagsOfResource"
)
NOT_TAGGABLE = service_behaviour("DynamoDB Local does not implement tagging", source=TAGS_SOURCE)
TOO_MANY_TAGS = "Number of Tags exceed the current limit for the provided ResourceArn"


def key_invalid(key: str) -> str:
    return f"The Tag Key provided is invalid, Key: {key}"


def value_invalid(value: str) -> str:
    return f"The Tag Value provided is invalid, Value: {value}"


def not_found(arn: str) -> str:
    return f"Requested resource not found: ResourceArn: {arn} not found"


@NOT_TAGGABLE
def test_tags(ddb, make_table):
    arn = arn_of(ddb, make_table())
    assert tags(ddb, arn) == {}
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "a"}, {"Key": "env", "Value": "test"}])
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "b"}])
    assert tags(ddb, arn) == {"team": "b", "env": "test"}
    ddb.untag_resource(ResourceArn=arn, TagKeys=["env", "unknown"])
    assert tags(ddb, arn) == {"team": "b"}
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "Team", "Value": ""}, {"Key": "ключ", "Value": "café 表"}])
    assert tags(ddb, arn) == {"team": "b", "Team": "", "ключ": "café 表"}  # keys are case-sensitive
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "myaws:x", "Value": "a+b-c=d.e_f:g/h@i"}])
    assert tags(ddb, arn)["myaws:x"] == "a+b-c=d.e_f:g/h@i"


@NOT_TAGGABLE
def test_fifty_tags_count_after_the_merge(ddb, make_table):
    arn = arn_of(ddb, make_table())
    fifty = [{"Key": f"k{i:02d}", "Value": "v"} for i in range(50)]
    ddb.tag_resource(ResourceArn=arn, Tags=fifty)
    ddb.tag_resource(ResourceArn=arn, Tags=[{**tag, "Value": "new"} for tag in fifty])  # only new values
    for extra in ([{"Key": "k50", "Value": "v"}], [{"Key": "k00", "Value": "x"}, {"Key": "k50", "Value": "v"}]):
        assert_error(lambda extra=extra: ddb.tag_resource(ResourceArn=arn, Tags=extra), VALIDATION, TOO_MANY_TAGS)
    assert tags(ddb, arn) == {tag["Key"]: "new" for tag in fifty}
    other = arn_of(ddb, make_table())
    many = [{"Key": f"k{i}", "Value": "v"} for i in range(51)]
    assert_error(lambda: ddb.tag_resource(ResourceArn=other, Tags=many), VALIDATION, TOO_MANY_TAGS)
    assert_error(
        lambda: ddb.untag_resource(ResourceArn=other, TagKeys=[f"k{i}" for i in range(51)]), VALIDATION, TOO_MANY_TAGS
    )


@NOT_TAGGABLE
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


@NOT_TAGGABLE
@pytest.mark.parametrize(
    ("tag_list", "message"),
    [
        pytest.param([], "Atleast one Tag needs to be provided as Input.", id="no-tags"),
        pytest.param([{"Key": "", "Value": "v"}], key_invalid(""), id="empty-key"),
        pytest.param([{"Key": "k" * 129, "Value": "v"}], key_invalid("k" * 129), id="long-key"),
        pytest.param([{"Key": "bad#char", "Value": "v"}], key_invalid("bad#char"), id="key-character"),
        pytest.param([{"Key": "🔑", "Value": "v"}], key_invalid("🔑"), id="key-emoji"),
        pytest.param([{"Value": "v"}], key_invalid("null"), id="no-key"),
        pytest.param([{"Key": "k", "Value": "v" * 257}], value_invalid("v" * 257), id="long-value"),
        pytest.param([{"Key": "k", "Value": "100%"}], value_invalid("100%"), id="value-character"),
        pytest.param([{"Key": "k"}], value_invalid("null"), id="no-value"),
        pytest.param(
            [{"Key": "aws:foo", "Value": "v"}], "Tag Key cannot be prefixed with aws:, Key: aws:foo", id="aws"
        ),
        pytest.param(
            [{"Key": "AWS:foo", "Value": "v"}], "Tag Key cannot be prefixed with aws:, Key: AWS:foo", id="AWS"
        ),
        pytest.param(
            [{"Key": "dup", "Value": "a"}, {"Key": "dup", "Value": "b"}],
            "Duplicate Tag Keys provided as input: Duplicate Tag Key found dup",
            id="duplicate",
        ),
        pytest.param(
            [{"Key": "good", "Value": "v"}, {"Key": "x" * 129, "Value": "v"}], key_invalid("x" * 129), id="one-bad"
        ),
    ],
)
def test_tag_errors(ddb_raw, make_table, tag_list, message):
    arn = arn_of(ddb_raw, make_table())
    assert_error(lambda: ddb_raw.tag_resource(ResourceArn=arn, Tags=tag_list), VALIDATION, message)
    assert tags(ddb_raw, arn) == {}  # all or nothing


@NOT_TAGGABLE
@pytest.mark.parametrize(
    ("keys", "message"),
    [
        pytest.param([], "Atleast one Tag Key needs to be provided as Input.", id="no-keys"),
        pytest.param([""], key_invalid(""), id="empty-key"),
        pytest.param(["k" * 129], key_invalid("k" * 129), id="long-key"),
        pytest.param(["aws:foo"], "Tag Key cannot be prefixed with aws:, Key: aws:foo", id="aws"),
    ],
)
def test_untag_errors(ddb_raw, make_table, keys, message):
    arn = arn_of(ddb_raw, make_table())
    assert_error(lambda: ddb_raw.untag_resource(ResourceArn=arn, TagKeys=keys), VALIDATION, message)


@NOT_TAGGABLE
def test_tag_resource_arn_errors(ddb_raw, make_table):
    table_arn = arn_of(ddb_raw, make_table())
    prefix = table_arn.rsplit("/", 1)[0]
    tag = [{"Key": "a", "Value": "b"}]
    calls = {
        "tag": lambda arn: ddb_raw.tag_resource(ResourceArn=arn, Tags=tag),
        "untag": lambda arn: ddb_raw.untag_resource(ResourceArn=arn, TagKeys=["a"]),
        "list": lambda arn: ddb_raw.list_tags_of_resource(ResourceArn=arn),
    }
    missing = f"{prefix}/nope-table"
    cases = [
        (
            "not-an-arn",
            VALIDATION,
            "One or more parameter values were invalid: ARNs must start with 'arn:': not-an-arn",
        ),
        (f"{prefix}/ab", VALIDATION, f"Invalid TableArn: Invalid ResourceArn provided as input {prefix}/ab"),
        (
            f"{table_arn}/index/gsi",
            VALIDATION,
            f"Invalid TableArn: Invalid ResourceArn provided as input {table_arn}/index/gsi",
        ),
        (
            f"{table_arn}/backup/01700000000000-abcdefgh",
            VALIDATION,
            "One or more parameter values were invalid: Provided Arn is not a DynamoDB resource arn: "
            f"{table_arn}/backup/01700000000000-abcdefgh",
        ),
        (
            f"{table_arn}/stream/2026-01-01T00:00:00.000",
            NOT_FOUND,
            not_found(f"{table_arn}/stream/2026-01-01T00:00:00.000"),
        ),
        (missing, NOT_FOUND, not_found(missing)),
    ]
    for arn, code, message in cases:
        for call in calls.values():
            assert_error(lambda call=call, arn=arn: call(arn), code, message)
    # The ARN is checked before the tags, and the tags before the table is looked for.
    assert_error(
        lambda: ddb_raw.tag_resource(ResourceArn="x", Tags=[]),
        VALIDATION,
        "One or more parameter values were invalid: ARNs must start with 'arn:': x",
    )
    assert_error(
        lambda: ddb_raw.tag_resource(ResourceArn=missing, Tags=[]),
        VALIDATION,
        "Atleast one Tag needs to be provided as Input.",
    )


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
    from dynasim.engine import model, registry

    service = ddb.meta.service_model
    missing = [
        name
        for name in sorted(set(model.known_operations()) - set(registry.HANDLERS))
        if not service.operation_model(name).input_shape.required_members
    ]
    if not missing:
        pytest.skip("every operation callable without parameters is implemented")
    with pytest.raises(ClientError) as excinfo:
        ddb._make_api_call(missing[0], {})
    error = excinfo.value.response["Error"]
    assert error["Code"] == "UnknownOperationException" and missing[0] in error["Message"]

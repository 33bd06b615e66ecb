"""PutResourcePolicy, GetResourcePolicy, DeleteResourcePolicy and ResourcePolicy on CreateTable:
revision ids, ExpectedRevisionId, the document checks and the ResourceArn forms. DynamoDB Local
does not implement resource policies, so every test follows the service's recorded answers.

A table's policy changes at most once in 15 seconds (ResourceInUseException for a second or two,
ThrottlingException after): the tests wait for the next change (`when_allowed`), on the simulator
too, whose clock runs in real time here. The service makes a change readable 1-3 seconds after it,
which the simulator does at once: against the service the reads right after a change would have to
wait."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conformance.helpers import NOT_FOUND, VALIDATION, assert_error, service_behaviour, table_not_found_named

SOURCE = (
    "ack-api-quirks dynamodb live-service findings, 2026-10-09 (DDB-TABLE-205, -207, -209, -211, -212); "
    "API Reference, PutResourcePolicy, GetResourcePolicy, DeleteResourcePolicy; Developer Guide, "
    "Resource-based policy considerations"
)
pytestmark = service_behaviour("DynamoDB Local does not implement resource-based policies", source=SOURCE)

POLICY_NOT_FOUND = "PolicyNotFoundException"
NOT_FOUND_PREFIX = "Resource-based policy not found for the provided ResourceArn"
ACCOUNT = "123456789012"


def document(action: str = "dynamodb:GetItem", resource: str = "*") -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": action,
                "Resource": resource,
            }
        ],
    }


NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})
COOLING = ("ResourceInUseException", "ThrottlingException")


def when_allowed(call: Callable[[], Any], timeout: float = 30.0) -> Any:
    """`call`, once the table's policy may change again (15 seconds after its last change)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return call()
        except ClientError as error:
            if error.response["Error"]["Code"] not in COOLING or time.monotonic() > deadline:
                raise
        time.sleep(0.5)


def arn_of(ddb: Any, table: str) -> str:
    return ddb.describe_table(TableName=table)["Table"]["TableArn"]


def test_put_get_delete(ddb, make_table):
    arn = arn_of(ddb, make_table())
    assert_error(lambda: ddb.get_resource_policy(ResourceArn=arn), POLICY_NOT_FOUND, f"{NOT_FOUND_PREFIX}: {arn}")
    revision = ddb.put_resource_policy(ResourceArn=arn, Policy=json.dumps(document()))["RevisionId"]
    assert revision.isdigit()
    got = ddb.get_resource_policy(ResourceArn=arn)
    assert got["RevisionId"] == revision
    assert json.loads(got["Policy"]) == document()
    assert " " not in got["Policy"]  # read back minified
    assert when_allowed(lambda: ddb.delete_resource_policy(ResourceArn=arn))["RevisionId"] == revision  # removed
    assert_error(lambda: ddb.get_resource_policy(ResourceArn=arn), POLICY_NOT_FOUND, f"{NOT_FOUND_PREFIX}: {arn}")


def test_equal_document_keeps_its_revision(ddb, make_table):
    arn = arn_of(ddb, make_table())
    revision = ddb.put_resource_policy(ResourceArn=arn, Policy=json.dumps(document(), indent=4))["RevisionId"]
    reordered = json.dumps(dict(reversed(list(document().items()))))
    assert ddb.put_resource_policy(ResourceArn=arn, Policy=reordered)["RevisionId"] == revision


def test_delete_without_policy_is_a_no_op(ddb, make_table):
    arn = arn_of(ddb, make_table())
    answer = ddb.delete_resource_policy(ResourceArn=arn)
    assert "RevisionId" not in answer
    assert "RevisionId" not in ddb.delete_resource_policy(ResourceArn=arn)


def test_expected_revision_id(ddb, make_table):
    table = make_table()
    arn = arn_of(ddb, table)
    text = json.dumps(document())
    assert_error(
        lambda: ddb.put_resource_policy(ResourceArn=arn, Policy=text, ExpectedRevisionId="123456789"),
        POLICY_NOT_FOUND,
        f"{NOT_FOUND_PREFIX}: Requested update for policy with revision id 123456789, but table {table} has no "
        "associated policy.",
    )
    first = ddb.put_resource_policy(ResourceArn=arn, Policy=text, ExpectedRevisionId="NO_POLICY")["RevisionId"]
    other = json.dumps(document("dynamodb:PutItem"))
    assert_error(
        lambda: ddb.put_resource_policy(ResourceArn=arn, Policy=other, ExpectedRevisionId="NO_POLICY"),
        POLICY_NOT_FOUND,
        f"{NOT_FOUND_PREFIX}: Requested policy update expecting none to be present for table {table}, but a policy "
        f"exists with revision id {first}.",
    )
    assert_error(
        lambda: ddb.put_resource_policy(ResourceArn=arn, Policy=other, ExpectedRevisionId="000000000000000000"),
        POLICY_NOT_FOUND,
        f"{NOT_FOUND_PREFIX}: Requested update for policy with revision id 000000000000000000, but the policy "
        f"associated to target table {table} has revision id {first}.",
    )
    second = when_allowed(lambda: ddb.put_resource_policy(ResourceArn=arn, Policy=other, ExpectedRevisionId=first))[
        "RevisionId"
    ]
    assert second != first and int(second) > int(first)
    assert_error(
        lambda: ddb.delete_resource_policy(ResourceArn=arn, ExpectedRevisionId=first),
        POLICY_NOT_FOUND,
        f"{NOT_FOUND_PREFIX}: Requested update for policy with revision id {first}, but the policy associated to "
        f"target table {table} has revision id {second}.",
    )
    deleted = when_allowed(lambda: ddb.delete_resource_policy(ResourceArn=arn, ExpectedRevisionId=second))
    assert deleted["RevisionId"] == second


def test_one_change_in_fifteen_seconds(backend, make_table):
    ddb = backend.client(NO_RETRIES)  # a throttled call is not retried
    table = make_table()
    arn = arn_of(ddb, table)
    first = ddb.put_resource_policy(ResourceArn=arn, Policy=json.dumps(document()))["RevisionId"]
    assert ddb.put_resource_policy(ResourceArn=arn, Policy=json.dumps(document()))["RevisionId"] == first  # no change
    other = json.dumps(document("dynamodb:PutItem"))
    deadline = time.monotonic() + 10
    while True:  # a second or two of ResourceInUseException first
        with pytest.raises(ClientError) as refused:
            ddb.put_resource_policy(ResourceArn=arn, Policy=other)
        code = refused.value.response["Error"]["Code"]
        if code != "ResourceInUseException" or time.monotonic() > deadline:
            break
        assert refused.value.response["Error"]["Message"] == (
            "Attempt to change a resource which is still in use: Table is pending previous resource-based policy "
            f"update: {table}"
        )
        time.sleep(0.2)
    retry_after = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(int(first) / 1000 + 15))
    retry_after += f".{int(first) % 1000:03d}Z"
    assert_error(
        refused,
        "ThrottlingException",
        f"Resource-based policy for table {table} modified within the previous 15000 milliseconds. Please try again "
        f"after {retry_after}.",
    )
    assert_error(lambda: ddb.delete_resource_policy(ResourceArn=arn), "ThrottlingException", re.compile(".*"))
    assert when_allowed(lambda: ddb.put_resource_policy(ResourceArn=arn, Policy=other))["RevisionId"] != first


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        pytest.param("{not json", "Invalid policy document: This policy contains invalid Json", id="malformed"),
        pytest.param("", "Invalid policy document: This policy contains invalid Json", id="empty"),
        pytest.param(
            json.dumps({"Version": "2012-10-17", "Statement": []}),
            "Invalid policy document: Could not parse the policy: Statement is empty!",
            id="no-statement",
        ),
        pytest.param(
            json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:GetItem"}]}),
            "Invalid policy document: Missing required field Resource",
            id="no-resource",
        ),
        pytest.param(
            json.dumps(document()) + " " * 20480,
            "Maximum policy size of 20480 bytes exceeded",
            id="too-large",
        ),
    ],
)
def test_document_checks(ddb_raw, make_table, policy, message):
    arn = arn_of(ddb_raw, make_table())
    assert_error(
        lambda: ddb_raw.put_resource_policy(ResourceArn=arn, Policy=policy),
        VALIDATION,
        f"One or more parameter values were invalid: {message}",
    )


def test_twenty_kilobytes_fit(ddb, make_table):
    arn = arn_of(ddb, make_table())
    text = json.dumps(document())
    padded = text + " " * (20480 - len(text))  # whitespace counts towards the limit
    ddb.put_resource_policy(ResourceArn=arn, Policy=padded)
    assert json.loads(ddb.get_resource_policy(ResourceArn=arn)["Policy"]) == document()


def test_resource_arn_forms(ddb, make_table):
    table = make_table()
    arn = arn_of(ddb, table)
    region = arn.split(":")[3]
    text = json.dumps(document())
    invalid = "One or more parameter values were invalid: "
    assert_error(
        lambda: ddb.get_resource_policy(ResourceArn=table), VALIDATION, f"{invalid}ARNs must start with 'arn:': {table}"
    )
    missing = arn.replace(table, "missing-" + table)
    assert_error(
        lambda: ddb.put_resource_policy(ResourceArn=missing, Policy=text),
        NOT_FOUND,
        table_not_found_named("missing-" + table),
    )
    other_region = arn.replace(f":{region}:", ":eu-north-1:" if region != "eu-north-1" else ":us-east-1:")
    assert_error(
        lambda: ddb.get_resource_policy(ResourceArn=other_region),
        VALIDATION,
        f"{invalid}Invalid resource Arn: {other_region}",
    )
    index = f"{arn}/index/by-x"
    assert_error(
        lambda: ddb.get_resource_policy(ResourceArn=index),
        VALIDATION,
        f"{invalid}Invalid resource arn provided, only table or stream is accepted. Provided resource arn: {index}",
    )
    stream = f"{arn}/stream/2000-01-01T00:00:00.000"
    assert_error(
        lambda: ddb.get_resource_policy(ResourceArn=stream),
        NOT_FOUND,
        f"Requested resource not found: Stream: 2000-01-01T00:00:00.000 not found for Table: {table}",
    )


def test_stream_policy(ddb, make_table):
    table = make_table()
    described = ddb.update_table(
        TableName=table, StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    )["TableDescription"]
    stream = described["LatestStreamArn"]
    assert_error(lambda: ddb.get_resource_policy(ResourceArn=stream), POLICY_NOT_FOUND, f"{NOT_FOUND_PREFIX}: {stream}")
    revision = ddb.put_resource_policy(ResourceArn=stream, Policy=json.dumps(document("dynamodb:GetRecords", stream)))[
        "RevisionId"
    ]
    assert ddb.get_resource_policy(ResourceArn=stream)["RevisionId"] == revision
    table_arn = arn_of(ddb, table)
    assert_error(
        lambda: ddb.get_resource_policy(ResourceArn=table_arn), POLICY_NOT_FOUND, f"{NOT_FOUND_PREFIX}: {table_arn}"
    )


def test_policy_on_create_table(ddb):
    from conformance.conftest import unique_name

    name = unique_name("policy")
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        ResourcePolicy=json.dumps(document()),
    )
    try:
        ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        arn = arn_of(ddb, name)
        assert json.loads(ddb.get_resource_policy(ResourceArn=arn)["Policy"]) == document()
        assert "ResourcePolicy" not in ddb.describe_table(TableName=name)["Table"]
    finally:
        ddb.delete_table(TableName=name)


def test_policy_on_create_table_is_checked(ddb):
    from conformance.conftest import unique_name

    name = unique_name("policy")
    assert_error(
        lambda: ddb.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            ResourcePolicy="{not json",
        ),
        VALIDATION,
        "One or more parameter values were invalid: Invalid policy document: This policy contains invalid Json",
    )
    assert name not in ddb.list_tables()["TableNames"]

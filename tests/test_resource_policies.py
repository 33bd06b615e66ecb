"""Resource policies on the simulator's clock: one change of a table's policies in 15 seconds."""

from __future__ import annotations

import json

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from http_helpers import SCHEMA

import dynasim
from dynasim.engine.policies import COOLDOWN_SECONDS, PENDING_SECONDS

NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


def policy(action: str) -> str:
    statement = {"Effect": "Deny", "Principal": "*", "Action": action, "Resource": "*"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def error(call) -> tuple[str, str]:
    with pytest.raises(ClientError) as refused:
        call()
    return refused.value.response["Error"]["Code"], refused.value.response["Error"]["Message"]


def test_changes_wait_fifteen_seconds_of_the_clock():
    sim = dynasim.Simulator()
    sim.clock.freeze(1_000_000.0)
    ddb = sim.client(config=NO_RETRIES)
    ddb.create_table(TableName="orders", **SCHEMA, ResourcePolicy=policy("dynamodb:Scan"))
    arn = ddb.describe_table(TableName="orders")["Table"]["TableArn"]
    sim.advance(1)
    first = ddb.put_resource_policy(ResourceArn=arn, Policy=policy("dynamodb:GetItem"))["RevisionId"]
    assert first == "1000001000"  # epoch milliseconds; creating the table started no cooldown
    assert ddb.put_resource_policy(ResourceArn=arn, Policy=policy("dynamodb:GetItem"))["RevisionId"] == first
    put_other = lambda: ddb.put_resource_policy(ResourceArn=arn, Policy=policy("dynamodb:PutItem"))  # noqa: E731
    assert error(put_other) == (
        "ResourceInUseException",
        "Attempt to change a resource which is still in use: Table is pending previous resource-based policy update: "
        "orders",
    )
    sim.advance(PENDING_SECONDS)
    throttled = (
        "ThrottlingException",
        "Resource-based policy for table orders modified within the previous 15000 milliseconds. Please try again "
        "after 1970-01-12T13:46:56.000Z.",
    )
    assert error(put_other) == throttled
    assert error(lambda: ddb.delete_resource_policy(ResourceArn=arn)) == throttled
    sim.advance(COOLDOWN_SECONDS - PENDING_SECONDS)
    second = put_other()["RevisionId"]
    assert second == "1000016000"
    sim.advance(COOLDOWN_SECONDS)
    assert ddb.delete_resource_policy(ResourceArn=arn)["RevisionId"] == second
    assert error(put_other)[0] == "ResourceInUseException"  # a delete is a change too

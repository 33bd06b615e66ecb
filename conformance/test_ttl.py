"""UpdateTimeToLive and DescribeTimeToLive; expired items are deleted (the sweep itself is the
simulator's, see tests/test_ttl.py: DynamoDB Local deletes expired items within seconds, AWS
within days)."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.helpers import (
    FRAMEWORK,
    MISSING_TABLE,
    NOT_FOUND,
    VALIDATION,
    assert_error,
    clause,
    constraint_error,
    null_clause,
    table_not_found_named,
)


def ttl(ddb: Any, table: str, enabled: bool, attribute: str | None = "expires") -> dict[str, Any]:
    specification: dict[str, Any] = {"Enabled": enabled}
    if attribute is not None:
        specification["AttributeName"] = attribute
    return ddb.update_time_to_live(TableName=table, TimeToLiveSpecification=specification)


def test_enable_describe_disable(ddb, make_table):
    table = make_table()
    assert ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"] == {"TimeToLiveStatus": "DISABLED"}
    answer = ttl(ddb, table, True)
    assert answer["TimeToLiveSpecification"] == {"Enabled": True, "AttributeName": "expires"}
    assert ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED",
        "AttributeName": "expires",
    }
    assert ttl(ddb, table, False)["TimeToLiveSpecification"] == {"Enabled": False, "AttributeName": "expires"}
    assert ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"] == {"TimeToLiveStatus": "DISABLED"}
    ttl(ddb, table, True, "other")  # DynamoDB Local allows it at once (AWS: an hour later)
    assert ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]["AttributeName"] == "other"
    ttl(ddb, make_table(), True, "pk")  # even a key attribute


def test_state_errors(ddb, make_table):
    table = make_table()
    assert_error(lambda: ttl(ddb, table, False), VALIDATION, "TimeToLive is already disabled")
    ttl(ddb, table, True)
    assert_error(lambda: ttl(ddb, table, True), VALIDATION, "TimeToLive is already enabled")
    assert_error(
        lambda: ttl(ddb, table, True, "other"), VALIDATION, "TimeToLive is active on a different AttributeName"
    )
    assert_error(
        lambda: ttl(ddb, table, False, "other"), VALIDATION, "TimeToLive is active on a different AttributeName"
    )


ATTRIBUTE_PATH = "timeToLiveSpecification.attributeName"


@pytest.mark.parametrize(
    ("attribute", "message"),
    [
        (None, constraint_error(null_clause("timeToLiveSpecification.attributeName"))),
        ("", constraint_error(clause("", ATTRIBUTE_PATH, "must have length greater than or equal to 1"))),
        ("x" * 256, constraint_error(clause("x" * 256, ATTRIBUTE_PATH, "must have length less than or equal to 255"))),
    ],
)
@FRAMEWORK
def test_attribute_name_errors(ddb_raw, make_table, attribute, message):
    assert_error(lambda: ttl(ddb_raw, make_table(), True, attribute), VALIDATION, message)


@MISSING_TABLE
def test_table_errors(ddb_raw):
    missing = table_not_found_named("nope-table")
    assert_error(lambda: ddb_raw.describe_time_to_live(TableName="nope-table"), NOT_FOUND, missing)
    assert_error(lambda: ttl(ddb_raw, "nope-table", True), NOT_FOUND, missing)


@FRAMEWORK
def test_table_name_errors(ddb_raw):
    assert_error(
        lambda: ddb_raw.describe_time_to_live(TableName="n"),
        VALIDATION,
        constraint_error(clause("n", "tableName", "must have length greater than or equal to 3")),
    )

"""UpdateTimeToLive and DescribeTimeToLive; expired items are deleted (the sweep itself is the
simulator's, see tests/test_ttl.py: DynamoDB Local deletes expired items within seconds, AWS
within days)."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.helpers import (
    INVALID_TABLE_NAME,
    KEY_NAME_LENGTH,
    NOT_FOUND,
    TABLE_NOT_FOUND,
    VALIDATION,
    assert_error,
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


@pytest.mark.parametrize(
    ("attribute", "message"),
    [
        (None, "AttributeName cannot be null when time to live is being enabled"),
        ("", KEY_NAME_LENGTH),
        ("x" * 256, KEY_NAME_LENGTH),
    ],
)
def test_attribute_name_errors(ddb_raw, make_table, attribute, message):
    assert_error(lambda: ttl(ddb_raw, make_table(), True, attribute), VALIDATION, message)


def test_table_errors(ddb_raw):
    assert_error(lambda: ddb_raw.describe_time_to_live(TableName="nope-table"), NOT_FOUND, TABLE_NOT_FOUND)
    assert_error(lambda: ddb_raw.describe_time_to_live(TableName="n"), VALIDATION, INVALID_TABLE_NAME)
    assert_error(lambda: ttl(ddb_raw, "nope-table", True), NOT_FOUND, TABLE_NOT_FOUND)

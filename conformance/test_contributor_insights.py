"""UpdateContributorInsights, DescribeContributorInsights, ListContributorInsights for tables and
global secondary indexes: modes, statuses, no-op updates and the errors. DynamoDB Local does not
implement Contributor Insights, so every test follows the service's recorded answers.

ENABLE answers ENABLING and DISABLE DISABLING; the status settles seconds later (1 to 16 seconds on
the service, on the simulator's clock in dynasim), which the tests wait for."""

from __future__ import annotations

import re
import time
from typing import Any

from conformance.conftest import unique_name
from conformance.helpers import NOT_FOUND, assert_error, service_behaviour, strip_metadata, table_not_found_named

SOURCE = (
    "ack-api-quirks dynamodb live-service findings, 2026-10-08/09 (DDB-TABLE-089, -090, -091, -094, -095, -341, "
    "-343); API Reference, UpdateContributorInsights, DescribeContributorInsights, ListContributorInsights"
)
pytestmark = service_behaviour("DynamoDB Local does not implement Contributor Insights", source=SOURCE)

MODE = "ACCESSED_AND_THROTTLED_KEYS"


def describe(ddb: Any, table: str, index: str | None = None) -> dict[str, Any]:
    extra = {"IndexName": index} if index else {}
    return strip_metadata(ddb.describe_contributor_insights(TableName=table, **extra))


def update(ddb: Any, table: str, action: str, index: str | None = None, mode: str | None = None) -> dict[str, Any]:
    extra: dict[str, Any] = {"IndexName": index} if index else {}
    if mode is not None:
        extra["ContributorInsightsMode"] = mode
    return strip_metadata(ddb.update_contributor_insights(TableName=table, ContributorInsightsAction=action, **extra))


def settle(ddb: Any, table: str, status: str, index: str | None = None, timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        described = describe(ddb, table, index)
        if described["ContributorInsightsStatus"] == status:
            return described
        assert time.monotonic() < deadline, f"insights of {table} not {status} after {timeout}s: {described}"
        time.sleep(0.2)


def table_with_indexes(ddb: Any) -> str:
    name = unique_name("insights")
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "g", "AttributeType": "S"},
            {"AttributeName": "l", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[
            {
                "IndexName": "gsi1",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "lsi1",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "l", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    return name


def test_never_configured_reads_disabled(ddb, make_table):
    table = make_table()
    assert describe(ddb, table) == {"TableName": table, "ContributorInsightsStatus": "DISABLED"}
    assert update(ddb, table, "DISABLE") == {"TableName": table, "ContributorInsightsStatus": "DISABLED"}
    assert strip_metadata(ddb.list_contributor_insights(TableName=table)) == {"ContributorInsightsSummaries": []}


def test_enable_and_disable(ddb, make_table):
    table = make_table(range_key="S")
    assert update(ddb, table, "ENABLE") == {
        "TableName": table,
        "ContributorInsightsStatus": "ENABLING",
        "ContributorInsightsMode": MODE,
    }
    enabled = settle(ddb, table, "ENABLED")
    assert enabled["ContributorInsightsMode"] == MODE
    assert len(enabled["ContributorInsightsRuleList"]) == 4  # partition and full key, accessed and throttled
    assert "LastUpdateDateTime" in enabled
    again = update(ddb, table, "ENABLE")  # a settled status: a no-op echoing it
    assert again["ContributorInsightsStatus"] == "ENABLED"
    assert describe(ddb, table)["ContributorInsightsRuleList"] == enabled["ContributorInsightsRuleList"]
    assert update(ddb, table, "DISABLE")["ContributorInsightsStatus"] == "DISABLING"
    disabled = settle(ddb, table, "DISABLED")
    assert "ContributorInsightsRuleList" not in disabled
    assert update(ddb, table, "DISABLE")["ContributorInsightsStatus"] == "DISABLED"


def test_mode_change_enables_again(ddb, make_table):
    table = make_table()
    update(ddb, table, "ENABLE")
    settle(ddb, table, "ENABLED")
    changed = update(ddb, table, "ENABLE", mode="THROTTLED_KEYS")
    assert changed["ContributorInsightsStatus"] == "ENABLING"
    assert changed["ContributorInsightsMode"] == "THROTTLED_KEYS"
    assert settle(ddb, table, "ENABLED")["ContributorInsightsMode"] == "THROTTLED_KEYS"


def test_indexes_have_their_own_status(ddb):
    table = table_with_indexes(ddb)
    try:
        assert update(ddb, table, "ENABLE", index="gsi1") == {
            "TableName": table,
            "IndexName": "gsi1",
            "ContributorInsightsStatus": "ENABLING",
            "ContributorInsightsMode": MODE,
        }
        assert describe(ddb, table)["ContributorInsightsStatus"] == "DISABLED"
        update(ddb, table, "ENABLE")
        settle(ddb, table, "ENABLED", "gsi1")
        settle(ddb, table, "ENABLED")
        listed = strip_metadata(ddb.list_contributor_insights(TableName=table))["ContributorInsightsSummaries"]
        assert listed == [
            {"TableName": table, "ContributorInsightsStatus": "ENABLED", "ContributorInsightsMode": MODE},
            {
                "TableName": table,
                "IndexName": "gsi1",
                "ContributorInsightsStatus": "ENABLED",
                "ContributorInsightsMode": MODE,
            },
        ]
        for index in ("lsi1", "nope"):
            message = f"Requested resource not found: Index: {index} not found for table: {table}"
            assert_error(lambda index=index: describe(ddb, table, index), NOT_FOUND, message)
            assert_error(lambda index=index: update(ddb, table, "ENABLE", index), NOT_FOUND, message)
        update(ddb, table, "DISABLE", index="gsi1")
        settle(ddb, table, "DISABLED", "gsi1")
        listed = strip_metadata(ddb.list_contributor_insights(TableName=table))["ContributorInsightsSummaries"]
        assert [summary.get("IndexName") for summary in listed] == [None]  # DISABLED entries are left out
    finally:
        ddb.delete_table(TableName=table)


def test_missing_table(ddb):
    name = unique_name("missing")
    assert_error(lambda: describe(ddb, name), NOT_FOUND, table_not_found_named(name))
    assert_error(lambda: update(ddb, name, "ENABLE"), NOT_FOUND, table_not_found_named(name))
    # the list's message is not recorded, only its code
    assert_error(
        lambda: ddb.list_contributor_insights(TableName=name), NOT_FOUND, re.compile("Requested resource not found.*")
    )

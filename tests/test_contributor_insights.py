"""`Simulator.contributor_insights`: the most accessed and most throttled keys, computed from the
calls the simulator answered; and the insights settings' statuses moving on the simulator's clock."""

from __future__ import annotations

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import dynasim
from dynasim.engine.insights import SETTLE_SECONDS

NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


@pytest.fixture
def sim():
    simulator = dynasim.Simulator()
    simulator.clock.freeze(1_000_000.0)
    ddb = simulator.client()
    ddb.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "status", "AttributeType": "S"},
        ],
        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-status",
                "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
                "ProvisionedThroughput": {"ReadCapacityUnits": 100, "WriteCapacityUnits": 100},
            }
        ],
    )
    return simulator


def key(pk, sk=None):
    found = {"pk": {"S": pk}}
    if sk is not None:
        found["sk"] = {"N": str(sk)}
    return found


def test_accessed_keys_and_partitions_are_ranked(sim):
    ddb = sim.client()
    for sk in (1, 1, 1, 2):
        ddb.put_item(TableName="orders", Item={**key("hot", sk), "status": {"S": "open"}})
    ddb.get_item(TableName="orders", Key=key("cold", 1))
    ddb.batch_get_item(RequestItems={"orders": {"Keys": [key("hot", 2), key("cold", 1)]}})
    ddb.query(TableName="orders", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "hot"}})
    ddb.scan(TableName="orders")  # names no key
    report = sim.contributor_insights("orders")
    assert report["accessed_keys"] == [
        {"key": key("hot", 1), "count": 3},
        {"key": key("hot", 2), "count": 2},
        {"key": key("cold", 1), "count": 2},
    ]
    assert report["accessed_partitions"] == [{"key": key("hot"), "count": 6}, {"key": key("cold"), "count": 2}]
    assert report["throttled_keys"] == [] and report["throttled_partitions"] == []
    assert sim.contributor_insights("orders", top=1)["accessed_keys"] == [{"key": key("hot", 1), "count": 3}]


def test_throttled_keys_are_the_calls_the_limits_refused(sim):
    ddb = sim.client(config=NO_RETRIES)
    ddb.put_item(TableName="orders", Item=key("hot", 1))
    sim.enable_throughput_limits(burst_seconds=0)  # no capacity in the bucket: every write is refused
    for _ in range(3):
        with pytest.raises(ClientError, match="ProvisionedThroughputExceeded"):
            ddb.put_item(TableName="orders", Item=key("hot", 1))
    sim.disable_throughput_limits()
    sim.inject_fault("PutItem", error="ProvisionedThroughputExceededException", times=1)
    with pytest.raises(ClientError):
        ddb.put_item(TableName="orders", Item=key("other", 1))  # injected, not throttled by a limit
    report = sim.contributor_insights("orders")
    assert report["throttled_keys"] == [{"key": key("hot", 1), "count": 3}]
    assert report["throttled_partitions"] == [{"key": key("hot"), "count": 3}]
    assert report["accessed_keys"] == [{"key": key("hot", 1), "count": 4}, {"key": key("other", 1), "count": 1}]


def test_a_global_index_counts_its_own_keys(sim):
    ddb = sim.client()
    ddb.put_item(TableName="orders", Item={**key("a", 1), "status": {"S": "open"}})
    ddb.put_item(TableName="orders", Item={**key("b", 1), "status": {"S": "open"}})
    ddb.put_item(TableName="orders", Item={**key("c", 1), "status": {"S": "closed"}})
    ddb.put_item(TableName="orders", Item=key("d", 1))  # not in the index
    ddb.query(
        TableName="orders",
        IndexName="by-status",
        KeyConditionExpression="#s = :s",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "closed"}},
    )
    report = sim.contributor_insights("orders", index="by-status")
    assert report["accessed_partitions"] == [
        {"key": {"status": {"S": "open"}}, "count": 2},
        {"key": {"status": {"S": "closed"}}, "count": 2},
    ]
    with pytest.raises(KeyError):
        sim.contributor_insights("orders", index="missing")
    with pytest.raises(KeyError):
        sim.contributor_insights("missing")


def test_statuses_move_on_the_clock(sim):
    ddb = sim.client()
    answer = ddb.update_contributor_insights(TableName="orders", ContributorInsightsAction="ENABLE")
    assert answer["ContributorInsightsStatus"] == "ENABLING"
    assert ddb.describe_contributor_insights(TableName="orders")["ContributorInsightsStatus"] == "ENABLING"
    sim.advance(SETTLE_SECONDS)
    described = ddb.describe_contributor_insights(TableName="orders")
    assert described["ContributorInsightsStatus"] == "ENABLED"
    assert len(described["ContributorInsightsRuleList"]) == 4  # partition and sort key, accessed and throttled
    ddb.update_contributor_insights(
        TableName="orders",
        IndexName="by-status",
        ContributorInsightsAction="ENABLE",
        ContributorInsightsMode="THROTTLED_KEYS",
    )
    assert (
        ddb.update_contributor_insights(TableName="orders", ContributorInsightsAction="DISABLE")[
            "ContributorInsightsStatus"
        ]
        == "DISABLING"
    )
    listed = ddb.list_contributor_insights()["ContributorInsightsSummaries"]
    assert [(s.get("IndexName"), s["ContributorInsightsStatus"]) for s in listed] == [
        (None, "DISABLING"),
        ("by-status", "ENABLING"),
    ]
    sim.advance(SETTLE_SECONDS)
    listed = ddb.list_contributor_insights()["ContributorInsightsSummaries"]
    assert [(s.get("IndexName"), s["ContributorInsightsStatus"]) for s in listed] == [("by-status", "ENABLED")]
    rules = ddb.describe_contributor_insights(TableName="orders", IndexName="by-status")["ContributorInsightsRuleList"]
    assert len(rules) == 1  # throttled keys of a partition-key-only index

"""What each operation declares it touches (`Engine.touches`), PartiQL statements included."""

from __future__ import annotations

import pytest

import dynasim
from dynasim.engine.registry import ACCESS, HANDLERS
from dynasim.engine.touches import Entry, Touches

ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
STREAM = f"{ARN}/stream/2026-01-01T00:00:00.000"
BACKUP = f"{ARN}/backup/01700000000000-abcdef12"
EXPORT = f"{ARN}/export/01700000000000-abcdef12"
IMPORT = f"{ARN}/import/01700000000000-abcdef12"
BULK = f"{ARN}/bulk-operation/01700000000000-abcdef12"
S3_SOURCE = {"S3Bucket": "bucket", "InputFormat": "DYNAMODB_JSON"}
KEY = {"pk": {"S": "o-1"}, "sk": {"S": "a"}}
ITEM = {**KEY, "status": {"S": "new"}}

# Every registered operation: its declared access, a sample request and the tables found in it.
# The registry's own list drives the test below, so an operation added without an entry here fails.
SAMPLES: dict[str, tuple[str, dict, tuple[str, ...]]] = {
    "BatchExecuteStatement": (
        "statement",
        {"Statements": [{"Statement": "DELETE FROM orders WHERE pk = 'o-1' AND sk = 'a'"}]},
        ("orders",),
    ),
    "BatchGetItem": ("read", {"RequestItems": {"orders": {"Keys": [KEY]}, "users": {"Keys": []}}}, ("orders", "users")),
    "BatchWriteItem": (
        "write",
        {"RequestItems": {"orders": [{"PutRequest": {"Item": ITEM}}], "users": [{"DeleteRequest": {"Key": KEY}}]}},
        ("orders", "users"),
    ),
    "CancelBulkOperation": ("control", {"BulkOperationArn": BULK}, ("orders",)),
    "CreateBackup": ("control", {"TableName": "orders", "BackupName": "nightly"}, ("orders",)),
    "CreateGlobalTable": ("control", {"GlobalTableName": "orders", "ReplicationGroup": []}, ("orders",)),
    "CreateTable": ("control", {"TableName": "fresh"}, ("fresh",)),
    "DeleteBackup": ("control", {"BackupArn": BACKUP}, ("orders",)),
    "DeleteResourcePolicy": ("control", {"ResourceArn": STREAM}, ("orders",)),
    "DeleteItem": ("write", {"TableName": "orders", "Key": KEY}, ("orders",)),
    "DeleteTable": ("control", {"TableName": "orders"}, ("orders",)),
    "DescribeBackup": ("control", {"BackupArn": BACKUP}, ("orders",)),
    "DescribeBulkOperation": ("control", {"BulkOperationArn": BULK}, ("orders",)),
    "DescribeExport": ("control", {"ExportArn": EXPORT}, ("orders",)),
    "DescribeGlobalTable": ("control", {"GlobalTableName": "orders"}, ("orders",)),
    "DescribeGlobalTableSettings": ("control", {"GlobalTableName": "orders"}, ("orders",)),
    "DescribeImport": ("control", {"ImportArn": IMPORT}, ("orders",)),
    "DescribeContinuousBackups": ("control", {"TableName": "orders"}, ("orders",)),
    "DescribeContributorInsights": ("control", {"TableName": "orders", "IndexName": "by-status"}, ("orders",)),
    "DescribeEndpoints": ("control", {}, ()),
    "DescribeKinesisStreamingDestination": ("control", {"TableName": ARN}, ("orders",)),
    "DescribeLimits": ("control", {}, ()),
    "DescribeStream": ("control", {"StreamArn": STREAM}, ("orders",)),
    "DescribeTable": ("control", {"TableName": ARN}, ("orders",)),
    "DescribeTableReplicaAutoScaling": ("control", {"TableName": ARN}, ("orders",)),
    "DescribeTimeToLive": ("control", {"TableName": "orders"}, ("orders",)),
    "DisableKinesisStreamingDestination": (
        "control",
        {"TableName": "orders", "StreamArn": "arn:aws:kinesis:us-east-1:123456789012:stream/changes"},
        ("orders",),
    ),
    "EnableKinesisStreamingDestination": (
        "control",
        {"TableName": "orders", "StreamArn": "arn:aws:kinesis:us-east-1:123456789012:stream/changes"},
        ("orders",),
    ),
    "ExportTableToPointInTime": ("control", {"TableArn": ARN, "S3Bucket": "bucket"}, ("orders",)),
    "ExecuteStatement": ("statement", {"Statement": "SELECT * FROM orders WHERE status = 'new'"}, ("orders",)),
    "ExecuteTransaction": (
        "statement",
        {"TransactStatements": [{"Statement": "UPDATE users SET n = 1 WHERE pk = 'u' AND sk = 'a'"}]},
        ("users",),
    ),
    "GetItem": ("read", {"TableName": "orders", "Key": KEY}, ("orders",)),
    "GetResourcePolicy": ("control", {"ResourceArn": ARN}, ("orders",)),
    "GetRecords": ("read", {"ShardIterator": f"{STREAM}|1|e30="}, ("orders",)),
    "GetShardIterator": ("read", {"StreamArn": STREAM, "ShardId": "s", "ShardIteratorType": "LATEST"}, ("orders",)),
    "ImportTable": (
        "control",
        {"S3BucketSource": S3_SOURCE, "InputFormat": "CSV", "TableCreationParameters": {"TableName": "copy"}},
        ("copy",),
    ),
    "ListBackups": ("control", {"TableName": "orders"}, ("orders",)),
    "ListBulkOperations": ("control", {}, ()),
    "ListContributorInsights": ("control", {"TableName": "orders"}, ("orders",)),
    "ListExports": ("control", {"TableArn": ARN}, ("orders",)),
    "ListGlobalTables": ("control", {"RegionName": "us-west-2"}, ()),
    "ListImports": ("control", {"TableArn": ARN}, ("orders",)),
    "ListStreams": ("control", {"TableName": "orders"}, ("orders",)),
    "ListTables": ("control", {}, ()),
    "ListTagsOfResource": ("control", {"ResourceArn": ARN}, ("orders",)),
    "PutItem": ("write", {"TableName": "orders", "Item": ITEM}, ("orders",)),
    "PutResourcePolicy": ("control", {"ResourceArn": ARN, "Policy": "{}"}, ("orders",)),
    "Query": ("read", {"TableName": "orders", "IndexName": "by-status"}, ("orders",)),
    "RestoreTableFromBackup": ("control", {"TargetTableName": "copy", "BackupArn": BACKUP}, ("copy", "orders")),
    "RestoreTableToPointInTime": (
        "control",
        {"TargetTableName": "copy", "SourceTableArn": ARN},
        ("copy", "orders"),
    ),
    "Scan": ("read", {"TableName": "orders"}, ("orders",)),
    "SearchVectors": ("read", {"TableName": "orders", "IndexName": "by-meaning"}, ("orders",)),
    "StartBulkPutItems": (
        "control",
        {"TableName": "orders", "InputS3Configuration": S3_SOURCE, "OutputS3Configuration": {"OutputType": []}},
        ("orders",),
    ),
    "TagResource": ("control", {"ResourceArn": ARN, "Tags": []}, ("orders",)),
    "TransactGetItems": ("read", {"TransactItems": [{"Get": {"TableName": "orders", "Key": KEY}}]}, ("orders",)),
    "TransactWriteItems": (
        "write",
        {
            "TransactItems": [
                {"Put": {"TableName": "orders", "Item": ITEM}},
                {"ConditionCheck": {"TableName": "users", "Key": KEY, "ConditionExpression": "x"}},
            ]
        },
        ("orders", "users"),
    ),
    "UntagResource": ("control", {"ResourceArn": ARN, "TagKeys": []}, ("orders",)),
    "UpdateContinuousBackups": ("control", {"TableName": "orders"}, ("orders",)),
    "UpdateContributorInsights": ("control", {"TableName": "orders"}, ("orders",)),
    "UpdateGlobalTable": ("control", {"GlobalTableName": "orders", "ReplicaUpdates": []}, ("orders",)),
    "UpdateGlobalTableSettings": ("control", {"GlobalTableName": "orders"}, ("orders",)),
    "UpdateItem": ("write", {"TableName": ARN, "Key": KEY}, ("orders",)),
    "UpdateKinesisStreamingDestination": (
        "control",
        {"TableName": "orders", "StreamArn": "arn:aws:kinesis:us-east-1:123456789012:stream/changes"},
        ("orders",),
    ),
    "UpdateTable": ("control", {"TableName": "orders"}, ("orders",)),
    "UpdateTableReplicaAutoScaling": ("control", {"TableName": "orders"}, ("orders",)),
    "UpdateTimeToLive": ("control", {"TableName": "orders"}, ("orders",)),
}

# What the statement operations' samples resolve to.
STATEMENT_ACCESS = {"BatchExecuteStatement": "write", "ExecuteStatement": "read", "ExecuteTransaction": "write"}


def create(sim: dynasim.Simulator, name: str) -> None:
    sim.handle(
        "CreateTable",
        {
            "TableName": name,
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
                {"AttributeName": "status", "AttributeType": "S"},
            ],
            "GlobalSecondaryIndexes": [
                {
                    "IndexName": "by-status",
                    "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )


@pytest.fixture
def sim() -> dynasim.Simulator:
    simulator = dynasim.Simulator()
    create(simulator, "orders")
    create(simulator, "users")
    return simulator


@pytest.mark.parametrize("operation", sorted(HANDLERS))
def test_every_operation_declares_its_access_and_tables(sim, operation):
    assert operation in SAMPLES, f"{operation} is registered: add its access and a sample request to SAMPLES"
    declared, request, tables = SAMPLES[operation]
    assert ACCESS[operation] == declared
    found = sim.engine.touches(operation, request)
    assert found.access == STATEMENT_ACCESS.get(operation, declared)
    assert found.tables == tables


@pytest.mark.parametrize("operation", sorted(HANDLERS))
@pytest.mark.parametrize(
    "request_",
    [{}, {"TableName": 7, "RequestItems": [1], "TransactItems": {"a": 1}, "Statement": 3, "Statements": "x"}],
    ids=["empty", "malformed"],
)
def test_malformed_requests_touch_what_they_can_and_never_raise(sim, operation, request_):
    found = sim.engine.touches(operation, request_)
    assert found.tables == ()
    assert found.entries == ()


def test_an_operation_the_engine_lacks_is_control_on_its_table(sim):
    found = sim.engine.touches("UpdateKinesisStreamingDestination", {"TableName": "orders"})
    assert found == Touches("control", ("orders",))


def test_single_item_operations_name_their_entry(sim):
    engine = sim.engine
    assert engine.touches("GetItem", {"TableName": "orders", "Key": KEY, "ConsistentRead": True}) == Touches(
        "read", ("orders",), entries=(Entry("orders", "get", KEY),), consistent=frozenset({"orders"})
    )
    assert engine.touches("PutItem", {"TableName": "orders", "Item": ITEM}).entries == (Entry("orders", "put", ITEM),)
    assert engine.touches("UpdateItem", {"TableName": ARN, "Key": KEY}).item == Entry("orders", "update", KEY)
    assert engine.touches("DeleteItem", {"TableName": "orders", "Key": KEY}).item == Entry("orders", "delete", KEY)


def test_batches_and_transactions_name_every_entry(sim):
    _, request, _ = SAMPLES["BatchWriteItem"]
    found = sim.engine.touches("BatchWriteItem", request)
    assert found.batch and found.item is None
    assert found.entries == (Entry("orders", "put", ITEM), Entry("users", "delete", KEY))
    found = sim.engine.touches(
        "BatchGetItem", {"RequestItems": {"orders": {"Keys": [KEY], "ConsistentRead": True}, "users": {"Keys": [KEY]}}}
    )
    assert found.entries == (Entry("orders", "get", KEY), Entry("users", "get", KEY))
    assert found.consistent == {"orders"}
    _, request, _ = SAMPLES["TransactWriteItems"]
    found = sim.engine.touches("TransactWriteItems", request)
    assert found.transaction and found.consistent == frozenset()
    assert found.entries == (Entry("orders", "put", ITEM), Entry("users", "check", KEY))
    _, request, _ = SAMPLES["TransactGetItems"]
    assert sim.engine.touches("TransactGetItems", request).consistent == {"orders"}  # always strongly consistent


def test_query_and_scan_read_their_table_or_index(sim):
    query = sim.engine.touches("Query", {"TableName": "orders", "IndexName": "by-status"})
    assert (query.query, query.scan, query.index, query.entries) == (True, False, "by-status", ())
    scan = sim.engine.touches("Scan", {"TableName": "orders", "ConsistentRead": True})
    assert (scan.query, scan.scan, scan.index, scan.consistent) == (False, True, None, {"orders"})


def statement(sim, text, parameters=None, **extra):
    request = {"Statement": text, **extra}
    if parameters is not None:
        request["Parameters"] = parameters
    return sim.engine.touches("ExecuteStatement", request)


def test_partiql_writes_resolve_to_their_table_and_item(sim):
    insert = statement(sim, "INSERT INTO orders VALUE {'pk': 'o-1', 'sk': 'a', 'status': ?}", [{"S": "new"}])
    assert insert == Touches("write", ("orders",), entries=(Entry("orders", "put", ITEM),))
    update = statement(sim, "UPDATE orders SET n = 1 WHERE pk = ? AND sk = 'a'", [{"S": "o-1"}])
    assert update == Touches("write", ("orders",), entries=(Entry("orders", "update", KEY),))
    delete = statement(sim, "DELETE FROM \"orders\" WHERE pk = 'o-1' AND sk = 'a' AND n > 1")
    assert delete == Touches("write", ("orders",), entries=(Entry("orders", "delete", KEY),))


def test_partiql_selects_are_item_reads_queries_or_scans(sim):
    single = statement(sim, "SELECT * FROM orders WHERE pk = 'o-1' AND sk = 'a'", ConsistentRead=True)
    assert single == Touches("read", ("orders",), entries=(Entry("orders", "get", KEY),), consistent={"orders"})
    query = statement(sim, "SELECT * FROM orders WHERE pk = 'o-1' AND sk > 'a'")
    assert (query.query, query.scan, query.entries) == (True, False, ())
    on_index = statement(sim, 'SELECT * FROM "orders"."by-status" WHERE status = ?', [{"S": "new"}])
    assert (on_index.query, on_index.scan, on_index.index) == (True, False, "by-status")
    scans = [
        "SELECT * FROM orders",
        "SELECT * FROM orders WHERE status = 'new'",
        "SELECT * FROM orders WHERE pk = 'o-1' OR pk = 'o-2'",
        'SELECT * FROM "orders"."by-status" WHERE pk = \'o-1\'',
    ]
    for text in scans:
        found = statement(sim, text)
        assert (found.access, found.scan, found.query, found.tables) == ("read", True, False, ("orders",)), text


def test_partiql_statements_that_do_not_resolve_touch_nothing_they_cannot_name(sim):
    assert statement(sim, "SELEC * FROM orders") == Touches()
    assert statement(sim, "SELECT * FROM gone WHERE pk = 'a'") == Touches("read", ("gone",))
    # A key whose parameter is missing names no entry; the table is still known.
    assert statement(sim, "UPDATE orders SET n = 1 WHERE pk = ? AND sk = 'a'") == Touches("write", ("orders",))


def test_partiql_batches_and_transactions_combine_their_statements(sim):
    batch = sim.engine.touches(
        "BatchExecuteStatement",
        {
            "Statements": [
                {"Statement": "SELECT * FROM orders WHERE pk = 'o-1' AND sk = 'a'", "ConsistentRead": True},
                {"Statement": "SELECT * FROM users WHERE pk = 'o-1' AND sk = 'a'"},
            ]
        },
    )
    assert batch == Touches(
        "read",
        ("orders", "users"),
        entries=(Entry("orders", "get", KEY), Entry("users", "get", KEY)),
        consistent={"orders"},
        batch=True,
    )
    transaction = sim.engine.touches(
        "ExecuteTransaction",
        {
            "TransactStatements": [
                {"Statement": "INSERT INTO orders VALUE {'pk': 'o-1', 'sk': 'a', 'status': 'new'}"},
                {"Statement": "EXISTS(SELECT * FROM users WHERE pk = 'o-1' AND sk = 'a' AND n = 1)"},
            ]
        },
    )
    assert transaction == Touches(
        "write",
        ("orders", "users"),
        entries=(Entry("orders", "put", ITEM), Entry("users", "check", KEY)),
        transaction=True,
    )
    reads = sim.engine.touches(
        "ExecuteTransaction",
        {"TransactStatements": [{"Statement": "SELECT * FROM users WHERE pk = 'o-1' AND sk = 'a'"}]},
    )
    assert (reads.access, reads.consistent, reads.transaction) == ("read", {"users"}, True)

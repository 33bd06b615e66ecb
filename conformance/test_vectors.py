"""Vector indexes on the table operations (CreateTable VectorIndexes, UpdateTable VectorIndexUpdates,
DescribeTable) and items with vectors on every write path. SearchVectors itself: test_vectors_search.py."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.conftest import unique_name
from conformance.helpers import NOT_FOUND, VALIDATION, assert_error
from conformance.vectors_support import (
    API_CREATE,
    API_DESCRIPTION,
    API_UPDATE,
    DEVELOPER_GUIDE,
    RECORDED,
    create_vector_table,
    keys_of,
    search_vector,
    vector,
    vector_index,
    vector_test,
)

INVALID = "One or more parameter values were invalid: "


def create(ddb: Any, *indexes: dict[str, Any], definitions: dict[str, str] | None = None, **extra: Any) -> Any:
    attributes = [{"AttributeName": "pk", "AttributeType": "S"}]
    attributes += [{"AttributeName": n, "AttributeType": t} for n, t in (definitions or {}).items()]
    request = {
        "TableName": unique_name("v"),
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": attributes,
        "BillingMode": "PAY_PER_REQUEST",
        "VectorIndexes": list(indexes),
        **extra,
    }
    return lambda: ddb.create_table(**request)


def described(ddb: Any, table: str) -> list[dict[str, Any]]:
    return ddb.describe_table(TableName=table)["Table"].get("VectorIndexes", [])


# --- CreateTable and DescribeTable ---------------------------------------------------------------


@vector_test(f"{API_CREATE}; {API_DESCRIPTION}; {RECORDED} (CREATING in CreateTable's answer, then ACTIVE)")
def test_create_table_with_a_vector_index_and_describe_it(ddb):
    definition = vector_index(
        "by-meaning",
        dimensions=4,
        distance="EUCLIDEAN",
        schema=[("tenant", "HASH"), ("lang", "INLINE_FILTER")],
        projection={"ProjectionType": "INCLUDE", "NonKeyAttributes": ["title"]},
    )
    table = unique_name("v")
    answer = ddb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "tenant", "AttributeType": "S"},
            {"AttributeName": "lang", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
        VectorIndexes=[definition],
    )["TableDescription"]
    (creating,) = answer["VectorIndexes"]
    assert creating["IndexStatus"] == "CREATING" and "Backfilling" not in creating
    (index,) = described(ddb, table)
    arn = ddb.describe_table(TableName=table)["Table"]["TableArn"]
    assert index == {
        "IndexName": "by-meaning",
        "SearchSchema": definition["SearchSchema"],
        "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["title"]},
        "VectorAttribute": {"AttributeName": "v"},
        "Dimensions": 4,
        "DistanceFunction": "EUCLIDEAN",
        "IndexStatus": "ACTIVE",
        "IndexSizeBytes": 0,
        "ItemCount": 0,
        "IndexArn": f"{arn}/index/by-meaning",
    }


@vector_test(DEVELOPER_GUIDE + " (vector indexes are not supported on provisioned capacity tables); " + RECORDED)
def test_vector_indexes_need_an_on_demand_table(ddb):
    call = create(
        ddb,
        vector_index(),
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
    )
    assert_error(call, VALIDATION, INVALID + "Vector indexes are only supported for PAY_PER_REQUEST tables")


@vector_test(RECORDED)
def test_an_empty_vector_index_list_is_refused(ddb):
    assert_error(create(ddb), VALIDATION, INVALID + "List of VectorIndexes is empty")


@vector_test(f"{API_CREATE} (SearchSchema attributes in AttributeDefinitions, as index keys); {RECORDED}")
def test_search_schema_attributes_must_be_defined(ddb):
    assert_error(
        create(ddb, vector_index(schema=[("tenant", "HASH")])),
        VALIDATION,
        INVALID + "One element in SearchSchema is not defined in attribute definitions",
    )


@vector_test(RECORDED)
def test_the_vector_attribute_may_not_be_defined(ddb):
    assert_error(
        create(ddb, vector_index(), definitions={"v": "S"}),
        VALIDATION,
        INVALID + "Conflicting attribute definition for 'v'. An attribute cannot be defined in AttributeDefinitions "
        "when used as a VectorAttribute.",
    )


@vector_test(RECORDED)
def test_at_most_one_hash_attribute_and_each_attribute_once(ddb):
    assert_error(
        create(ddb, vector_index(schema=[("a", "HASH"), ("b", "HASH")]), definitions={"a": "S", "b": "S"}),
        VALIDATION,
        INVALID + "Value '2' at 'SearchSchema' failed to satisfy constraint: Member must have HASH count less than "
        "or equal to 1",
    )
    assert_error(
        create(ddb, vector_index(schema=[("a", "HASH"), ("a", "INLINE_FILTER")]), definitions={"a": "S"}),
        VALIDATION,
        INVALID + "SearchSchema contains a duplicate AttributeName",
    )


@vector_test(f"{API_CREATE} (Dimensions); CloudFormation AWS::DynamoDB::Table VectorIndex (Maximum 4096); {RECORDED}")
def test_dimensions_are_1_to_4096(ddb):
    assert_error(
        create(ddb, vector_index(dimensions=4097)),
        VALIDATION,
        INVALID + "Number of dimensions must be between 1 and 4096 inclusive.",
    )
    table = create_vector_table(ddb, vector_index(dimensions=4096))
    assert described(ddb, table)[0]["Dimensions"] == 4096


@vector_test(f"{API_CREATE} (several indexes on one attribute must use the same dimensions); {RECORDED}")
def test_indexes_on_one_attribute_agree_on_dimensions(ddb):
    assert_error(
        create(ddb, vector_index("one", dimensions=3), vector_index("two", dimensions=4)),
        VALIDATION,
        INVALID + "Conflicting attribute definition for 'v'. All VectorIndexes on the same vector attribute must use "
        "the same dimensions.",
    )
    table = create_vector_table(
        ddb, vector_index("one", distance="COSINE"), vector_index("two", distance="DOT_PRODUCT")
    )
    assert [index["IndexName"] for index in described(ddb, table)] == ["one", "two"]


@vector_test(f"{RECORDED} (at most 5 per table; index names shared with secondary indexes)")
def test_count_limit_and_names_shared_with_secondary_indexes(ddb):
    six = [vector_index(f"index-{n}", attribute=f"v{n}") for n in range(6)]
    assert_error(create(ddb, *six), VALIDATION, INVALID + "VectorIndex count exceeds the per-table limit of 5")
    assert_error(
        create(ddb, vector_index("same"), vector_index("same", attribute="w")),
        VALIDATION,
        INVALID + "Duplicate index name: same",
    )
    gsi = {
        "IndexName": "same",
        "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"},
    }
    assert_error(
        create(ddb, vector_index("same"), definitions={"g": "S"}, GlobalSecondaryIndexes=[gsi]),
        VALIDATION,
        INVALID + "Duplicate index name: same",
    )


# --- UpdateTable ----------------------------------------------------------------------------------


@vector_test(f"{API_UPDATE}; {API_DESCRIPTION} (Backfilling); {RECORDED} (the table UPDATING, the index CREATING)")
def test_update_table_adds_an_index_that_backfills_existing_items(ddb, make_table):
    table = make_table()
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "tenant": {"S": "t1"}, "v": vector(1, 0, 0)})
    ddb.put_item(TableName=table, Item={"pk": {"S": "b"}, "tenant": {"S": "t1"}, "v": vector(0, 1, 0)})
    ddb.put_item(TableName=table, Item={"pk": {"S": "c"}, "v": vector(0, 1, 0)})  # no HASH value: not indexed
    answer = ddb.update_table(
        TableName=table,
        AttributeDefinitions=[{"AttributeName": "tenant", "AttributeType": "S"}],
        VectorIndexUpdates=[{"Create": vector_index(schema=[("tenant", "HASH")])}],
    )["TableDescription"]
    assert answer["TableStatus"] == "UPDATING"
    (creating,) = answer["VectorIndexes"]
    assert (creating["IndexStatus"], creating["Backfilling"]) == ("CREATING", True)
    (index,) = described(ddb, table)
    assert index["IndexStatus"] == "ACTIVE" and "Backfilling" not in index
    definitions = ddb.describe_table(TableName=table)["Table"]["AttributeDefinitions"]
    assert {"AttributeName": "tenant", "AttributeType": "S"} in definitions
    found = ddb.search_vectors(
        TableName=table,
        IndexName="embedding",
        SearchVector=search_vector(0, 1, 0),
        TopK=5,
        SearchConditionExpression="tenant = :t",
        ExpressionAttributeValues={":t": {"S": "t1"}},
    )["SearchResults"]
    assert keys_of(found) == ["b", "a"]


@vector_test(f"{DEVELOPER_GUIDE} (Deleting a vector index); {RECORDED} (the not-found text)")
def test_update_table_deletes_an_index(ddb):
    table = create_vector_table(ddb, vector_index("one"), vector_index("two"))
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "v": vector(1, 2, 3)})
    ddb.update_table(TableName=table, VectorIndexUpdates=[{"Delete": {"IndexName": "one"}}])
    assert [index["IndexName"] for index in described(ddb, table)] == ["two"]
    assert ddb.get_item(TableName=table, Key={"pk": {"S": "a"}})["Item"]["v"] == vector(1, 2, 3)
    assert_error(
        lambda: ddb.update_table(TableName=table, VectorIndexUpdates=[{"Delete": {"IndexName": "one"}}]),
        NOT_FOUND,
        f"Requested resource not found: Index one for table {table}",
    )
    assert_error(
        lambda: ddb.search_vectors(TableName=table, IndexName="one", SearchVector=search_vector(1, 2, 3), TopK=1),
        VALIDATION,
        "The table does not have the specified index: one",
    )


@vector_test(f"{API_UPDATE} (one vector index added or removed per UpdateTable); {RECORDED}")
def test_one_index_change_at_a_time_and_no_duplicate_names(ddb):
    table = create_vector_table(ddb, vector_index("one"))
    assert_error(
        lambda: ddb.update_table(
            TableName=table,
            VectorIndexUpdates=[{"Create": vector_index("two")}, {"Delete": {"IndexName": "one"}}],
        ),
        "LimitExceededException",
        "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table",
    )
    assert_error(
        lambda: ddb.update_table(TableName=table, VectorIndexUpdates=[{"Create": vector_index("one")}]),
        VALIDATION,
        "Attempting to create an index which already exists",
    )
    gsi = {
        "IndexName": "one",
        "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"},
    }
    assert_error(
        lambda: ddb.update_table(
            TableName=table,
            AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"}],
            GlobalSecondaryIndexUpdates=[{"Create": gsi}],
        ),
        VALIDATION,
        "Attempting to create an index which already exists",
    )
    assert_error(
        lambda: ddb.update_table(TableName=table, VectorIndexUpdates=[{"Create": vector_index("two", dimensions=8)}]),
        VALIDATION,
        INVALID + "Conflicting attribute definition for 'v'. All VectorIndexes on the same vector attribute must use "
        "the same dimensions.",
    )


@vector_test(f"{DEVELOPER_GUIDE} (on-demand capacity mode only); {RECORDED}")
def test_a_vector_table_stays_on_demand_and_a_provisioned_one_gets_none(ddb, make_table):
    table = create_vector_table(ddb)
    assert_error(
        lambda: ddb.update_table(
            TableName=table,
            BillingMode="PROVISIONED",
            ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
        ),
        VALIDATION,
        INVALID + "Tables with vector indexes must be in PAY_PER_REQUEST mode",
    )
    provisioned = make_table(provisioned=(1, 1))
    assert_error(
        lambda: ddb.update_table(TableName=provisioned, VectorIndexUpdates=[{"Create": vector_index()}]),
        VALIDATION,
        INVALID + "Vector indexes are only supported for PAY_PER_REQUEST tables",
    )


# --- items with vectors ---------------------------------------------------------------------------

WRITES_SOURCE = f"{DEVELOPER_GUIDE} (Writing items with vector data: a list of numbers); {RECORDED}"


@pytest.fixture
def hashed(ddb: Any) -> str:
    """A table whose index `embedding` (3 dimensions, cosine) is partitioned by `tenant` (S)."""
    return create_vector_table(ddb, vector_index(schema=[("tenant", "HASH")]), definitions={"tenant": "S"})


def put(ddb: Any, table: str, key: str, **attributes: Any) -> Any:
    return lambda: ddb.put_item(TableName=table, Item={"pk": {"S": key}, **attributes})


@vector_test(WRITES_SOURCE)
def test_a_malformed_vector_is_refused(ddb, hashed):
    index = " IndexName: embedding"
    assert_error(
        put(ddb, hashed, "a", v=vector(1, 2)),
        VALIDATION,
        "One or more parameter values were invalid. Invalid size for parameter v, Expected: 3, Actual: 2" + index,
    )
    assert_error(
        put(ddb, hashed, "a", v={"S": "1,2,3"}),
        VALIDATION,
        "One or more parameter values were invalid. Invalid type for parameter v, Expected: 32-bit floating point "
        "number list" + index,
    )
    assert_error(
        put(ddb, hashed, "a", v={"NS": ["1", "2", "3"]}),  # a number set is not a list
        VALIDATION,
        "One or more parameter values were invalid. Invalid type for parameter v, Expected: 32-bit floating point "
        "number list" + index,
    )
    assert_error(
        put(ddb, hashed, "a", v={"L": [{"N": "1"}, {"S": "2"}, {"N": "3"}]}),
        VALIDATION,
        "One or more parameter values were invalid. Invalid type for parameter v[1], Expected: 32-bit floating point "
        "number, Actual: S." + index,
    )
    assert_error(
        put(ddb, hashed, "a", v=vector(1, 2, "4E+38")),
        VALIDATION,
        "One or more parameter values were invalid. Invalid value for parameter v[2], Value: 4E+38 is outside valid "
        "range [-3.4028235E38, 3.4028235E38]." + index,
    )
    assert "Item" not in ddb.get_item(TableName=hashed, Key={"pk": {"S": "a"}})


@vector_test(WRITES_SOURCE)
def test_search_schema_attributes_must_have_their_type(ddb, hashed):
    assert_error(
        put(ddb, hashed, "a", tenant={"N": "1"}, v=vector(1, 2, 3)),
        VALIDATION,
        "One or more parameter values were invalid. Attribute 'tenant' type mismatch. Expected: S, Actual: N. "
        "IndexName: embedding",
    )
    assert_error(
        put(ddb, hashed, "a", tenant={"S": ""}),
        VALIDATION,
        "One or more parameter values are not valid. A value specified for a secondary index key is not supported. "
        "The AttributeValue for a key attribute cannot contain an empty string value. IndexName: embedding, "
        "IndexKey: tenant",
    )


@vector_test(WRITES_SOURCE + " (an item without the HASH attribute or the vector is stored, not indexed)")
def test_items_without_vector_or_hash_attribute_are_stored_but_not_indexed(ddb, hashed):
    put(ddb, hashed, "no-hash", v=vector(1, 0, 0))()
    put(ddb, hashed, "no-vector", tenant={"S": "t"})()
    put(ddb, hashed, "indexed", tenant={"S": "t"}, v=vector(1, 0, 0))()
    assert ddb.scan(TableName=hashed)["Count"] == 3
    found = ddb.search_vectors(
        TableName=hashed,
        IndexName="embedding",
        SearchVector=search_vector(1, 0, 0),
        TopK=10,
        SearchConditionExpression="tenant = :t",
        ExpressionAttributeValues={":t": {"S": "t"}},
    )["SearchResults"]
    assert keys_of(found) == ["indexed"]


def nearest(ddb: Any, table: str, *numbers: float, top_k: int = 10) -> list[str]:
    return keys_of(
        ddb.search_vectors(TableName=table, IndexName="embedding", SearchVector=search_vector(*numbers), TopK=top_k)[
            "SearchResults"
        ]
    )


@vector_test(WRITES_SOURCE + " (an index entry follows its item on every write)")
def test_every_write_path_keeps_the_index_current(ddb):
    table = create_vector_table(ddb)
    ddb.put_item(TableName=table, Item={"pk": {"S": "put"}, "v": vector(1, 0, 0)})
    assert nearest(ddb, table, 1, 0, 0) == ["put"]
    ddb.update_item(
        TableName=table,
        Key={"pk": {"S": "put"}},
        UpdateExpression="SET v = :v",
        ExpressionAttributeValues={":v": vector(0, 0, 1)},
    )
    assert nearest(ddb, table, 0, 0, 1) == ["put"] and nearest(ddb, table, 1, 0, 0, top_k=1) == ["put"]
    ddb.batch_write_item(
        RequestItems={
            table: [
                {"PutRequest": {"Item": {"pk": {"S": "batch"}, "v": vector(1, 0, 0)}}},
                {"DeleteRequest": {"Key": {"pk": {"S": "put"}}}},
            ]
        }
    )
    assert nearest(ddb, table, 1, 0, 0) == ["batch"]
    ddb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": table, "Item": {"pk": {"S": "transaction"}, "v": vector(0, 1, 0)}}},
            {"Delete": {"TableName": table, "Key": {"pk": {"S": "batch"}}}},
        ]
    )
    assert nearest(ddb, table, 1, 0, 0) == ["transaction"]
    ddb.execute_statement(Statement=f"INSERT INTO \"{table}\" VALUE {{'pk': 'partiql', 'v': [1, 0, 0]}}")
    assert nearest(ddb, table, 1, 0, 0) == ["partiql", "transaction"]
    ddb.execute_statement(Statement=f"UPDATE \"{table}\" SET v = [0, 1, 1] WHERE pk = 'partiql'")
    assert nearest(ddb, table, 0, 1, 0) == ["transaction", "partiql"]
    ddb.execute_statement(Statement=f"DELETE FROM \"{table}\" WHERE pk = 'transaction'")
    ddb.update_item(TableName=table, Key={"pk": {"S": "partiql"}}, UpdateExpression="REMOVE v")
    assert nearest(ddb, table, 1, 0, 0) == []


@vector_test(WRITES_SOURCE)
def test_every_write_path_refuses_a_malformed_vector(ddb):
    table = create_vector_table(ddb)
    size = "One or more parameter values were invalid. Invalid size for parameter v, Expected: 3, Actual: 1 IndexName: "
    message = size + "embedding"
    assert_error(
        lambda: ddb.update_item(
            TableName=table,
            Key={"pk": {"S": "a"}},
            UpdateExpression="SET v = :v",
            ExpressionAttributeValues={":v": vector(1)},
        ),
        VALIDATION,
        message,
    )
    assert_error(
        lambda: ddb.batch_write_item(
            RequestItems={table: [{"PutRequest": {"Item": {"pk": {"S": "a"}, "v": vector(1)}}}]}
        ),
        VALIDATION,
        message,
    )
    assert_error(
        lambda: ddb.execute_statement(Statement=f"INSERT INTO \"{table}\" VALUE {{'pk': 'a', 'v': [1]}}"),
        VALIDATION,
        message,
    )
    error = assert_error(
        lambda: ddb.transact_write_items(
            TransactItems=[{"Put": {"TableName": table, "Item": {"pk": {"S": "a"}, "v": vector(1)}}}]
        ),
        "TransactionCanceledException",
        "Transaction cancelled, please refer cancellation reasons for specific reasons [ValidationError]",
    )
    assert error.response["CancellationReasons"] == [{"Code": "ValidationError", "Message": message}]
    assert ddb.scan(TableName=table)["Count"] == 0

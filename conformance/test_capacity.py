"""ReturnConsumedCapacity (NONE, TOTAL, INDEXES) on reads and writes, with and without secondary indexes.

DynamoDB's unit rules, as documented and as DynamoDB Local applies them: a read unit covers 4 KB (halved for
an eventually consistent read; GetItem and BatchGetItem round each item, Query and Scan round the sum of the
sizes of the items read), a write unit covers 1 KB (the larger of the old and the new item for overwrites
and updates), and every index whose entry changes is charged for its entry (an LSI entry counts 100 bytes
of overhead), a changed index key costing a delete and a put."""

from __future__ import annotations

from typing import Any

import pytest

from conformance import indexes_support
from conformance.helpers import service_behaviour, strip_metadata
from conformance.indexes_support import (
    KEYS_ONLY,
    S,
    create_table,
    index,
    sized_item,
    values,
)

# Fixtures from indexes_support (pytest finds fixtures among a module's attributes).
module_backend = indexes_support.module_backend
module_ddb = indexes_support.module_ddb

_counter = iter(range(10**9))


def fresh(prefix: str) -> str:
    """A partition key not used before in this module (tests share one table)."""
    return f"{prefix}-{next(_counter)}"


def capacity(response: dict[str, Any]) -> Any:
    return strip_metadata(response).get("ConsumedCapacity")


def total(table: str, units: float) -> dict[str, Any]:
    return {"TableName": table, "CapacityUnits": units}


def indexes(
    table: str,
    table_units: float,
    gsis: dict[str, float] | None = None,
    lsis: dict[str, float] | None = None,
) -> dict[str, Any]:
    """The INDEXES form; CapacityUnits is the sum of the parts."""
    gsis = gsis or {}
    lsis = lsis or {}
    shape: dict[str, Any] = {
        "TableName": table,
        "CapacityUnits": table_units + sum(gsis.values()) + sum(lsis.values()),
        "Table": {"CapacityUnits": table_units},
    }
    if gsis:
        shape["GlobalSecondaryIndexes"] = {name: {"CapacityUnits": units} for name, units in gsis.items()}
    if lsis:
        shape["LocalSecondaryIndexes"] = {name: {"CapacityUnits": units} for name, units in lsis.items()}
    return shape


# ---------------------------------------------------------------------------------------------------
# A table without indexes: pk S / sk S


@pytest.fixture(scope="module")
def table(module_ddb) -> str:
    return create_table(module_ddb)


@pytest.mark.parametrize("mode", [None, "NONE"])
def test_no_consumed_capacity_unless_asked(module_ddb, table, mode):
    extra = {} if mode is None else {"ReturnConsumedCapacity": mode}
    pk = fresh("none")
    item = sized_item(100, pk=pk, sk="1")
    key = {"pk": S(pk), "sk": S("1")}
    assert capacity(module_ddb.put_item(TableName=table, Item=item, **extra)) is None
    assert capacity(module_ddb.get_item(TableName=table, Key=key, **extra)) is None
    assert (
        capacity(
            module_ddb.query(
                TableName=table,
                KeyConditionExpression="pk = :p",
                ExpressionAttributeValues=values(p=S(pk)),
                **extra,
            )
        )
        is None
    )
    assert capacity(module_ddb.scan(TableName=table, Limit=1, **extra)) is None
    assert (
        capacity(
            module_ddb.update_item(
                TableName=table,
                Key=key,
                UpdateExpression="SET q = :q",
                ExpressionAttributeValues=values(q=S("q")),
                **extra,
            )
        )
        is None
    )
    assert capacity(module_ddb.delete_item(TableName=table, Key=key, **extra)) is None


@pytest.mark.parametrize(
    "size, units",
    [(20, 1.0), (1024, 1.0), (1025, 2.0), (2048, 2.0), (4096, 4.0), (4097, 5.0), (5120, 5.0), (9216, 9.0)],
)
def test_put_item_write_units(module_ddb, table, size, units):
    item = sized_item(size, pk=fresh("put"), sk="1")
    assert capacity(module_ddb.put_item(TableName=table, Item=item, ReturnConsumedCapacity="TOTAL")) == total(
        table, units
    )
    item = sized_item(size, pk=fresh("put"), sk="1")
    assert capacity(module_ddb.put_item(TableName=table, Item=item, ReturnConsumedCapacity="INDEXES")) == indexes(
        table, units
    )


@pytest.mark.parametrize(
    "size, eventual, strong",
    [
        (100, 0.5, 1.0),
        (1024, 0.5, 1.0),
        (4096, 0.5, 1.0),
        (4097, 1.0, 2.0),
        (5120, 1.0, 2.0),
        (9216, 1.5, 3.0),
    ],
)
def test_get_item_read_units(module_ddb, table, size, eventual, strong):
    pk = fresh("get")
    module_ddb.put_item(TableName=table, Item=sized_item(size, pk=pk, sk="1"))
    key = {"pk": S(pk), "sk": S("1")}

    def get(**kwargs: Any) -> Any:
        return capacity(module_ddb.get_item(TableName=table, Key=key, **kwargs))

    assert get(ReturnConsumedCapacity="TOTAL") == total(table, eventual)
    assert get(ReturnConsumedCapacity="TOTAL", ConsistentRead=True) == total(table, strong)
    assert get(ReturnConsumedCapacity="INDEXES", ConsistentRead=True) == indexes(table, strong)
    # A projection does not make the read cheaper.
    assert get(ReturnConsumedCapacity="TOTAL", ProjectionExpression="pk") == total(table, eventual)


def test_get_missing_item_read_units(module_ddb, table):
    key = {"pk": S(fresh("missing")), "sk": S("1")}
    response = module_ddb.get_item(TableName=table, Key=key, ReturnConsumedCapacity="TOTAL")
    assert strip_metadata(response) == {"ConsumedCapacity": total(table, 0.5)}
    response = module_ddb.get_item(TableName=table, Key=key, ReturnConsumedCapacity="TOTAL", ConsistentRead=True)
    assert strip_metadata(response) == {"ConsumedCapacity": total(table, 1.0)}


def test_overwrite_update_and_delete_write_units(module_ddb, table):
    pk = fresh("write")
    key = {"pk": S(pk), "sk": S("1")}

    def put(size: int) -> Any:
        item = sized_item(size, pk=pk, sk="1")
        return capacity(module_ddb.put_item(TableName=table, Item=item, ReturnConsumedCapacity="TOTAL"))

    assert put(5120) == total(table, 5.0)
    assert put(1024) == total(table, 5.0)  # the larger of the old and the new item
    assert put(5120) == total(table, 5.0)
    update = module_ddb.update_item(
        TableName=table,
        Key=key,
        UpdateExpression="SET q = :q",
        ExpressionAttributeValues=values(q=S("z")),
        ReturnConsumedCapacity="TOTAL",
    )
    assert capacity(update) == total(table, 6.0)  # 5,122 bytes
    shrink = module_ddb.update_item(
        TableName=table, Key=key, UpdateExpression="REMOVE v, q", ReturnConsumedCapacity="TOTAL"
    )
    assert capacity(shrink) == total(table, 6.0)  # the item before the update
    new = module_ddb.update_item(
        TableName=table,
        Key={"pk": S(pk), "sk": S("2")},
        UpdateExpression="SET q = :q",
        ExpressionAttributeValues=values(q=S("z")),
        ReturnConsumedCapacity="TOTAL",
    )
    assert capacity(new) == total(table, 1.0)
    put(9216)
    delete = module_ddb.delete_item(TableName=table, Key=key, ReturnConsumedCapacity="TOTAL")
    assert capacity(delete) == total(table, 9.0)
    missing = module_ddb.delete_item(TableName=table, Key=key, ReturnConsumedCapacity="INDEXES")
    assert capacity(missing) == indexes(table, 1.0)


def test_query_and_scan_round_the_sum_of_item_sizes(ddb):
    """Three 1,500-byte items: 4,500 bytes are two 4 KB units (GetItem would round each item: three)."""
    table = create_table(ddb)
    for sk in "123":
        ddb.put_item(TableName=table, Item=sized_item(1500, pk="p", sk=sk))
    ddb.put_item(TableName=table, Item=sized_item(100, pk="other", sk="1"))

    def query(**kwargs: Any) -> Any:
        return capacity(
            ddb.query(
                TableName=table,
                KeyConditionExpression="pk = :p",
                ExpressionAttributeValues=values(p=S("p"), **kwargs.pop("extra_values", {})),
                **kwargs,
            )
        )

    assert query(ReturnConsumedCapacity="TOTAL") == total(table, 1.0)
    assert query(ReturnConsumedCapacity="TOTAL", ConsistentRead=True) == total(table, 2.0)
    assert query(ReturnConsumedCapacity="INDEXES", Select="COUNT") == indexes(table, 1.0)
    # Items read count, whether or not the filter keeps them; Limit stops the reading.
    assert query(
        ReturnConsumedCapacity="TOTAL",
        ConsistentRead=True,
        FilterExpression="v = :z",
        extra_values={"z": S("z")},
    ) == total(table, 2.0)
    assert query(ReturnConsumedCapacity="TOTAL", ConsistentRead=True, Limit=2) == total(table, 1.0)
    nothing = ddb.query(
        TableName=table,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues=values(p=S("nobody")),
        ReturnConsumedCapacity="TOTAL",
    )
    assert capacity(nothing) == total(table, 0.0)
    # Scan: 4,600 bytes.
    assert capacity(ddb.scan(TableName=table, ReturnConsumedCapacity="TOTAL")) == total(table, 1.0)
    assert capacity(ddb.scan(TableName=table, ReturnConsumedCapacity="INDEXES", ConsistentRead=True)) == indexes(
        table, 2.0
    )


def test_batch_and_transaction_consumed_capacity(ddb):
    table = create_table(ddb)
    written = ddb.batch_write_item(
        RequestItems={
            table: [
                {"PutRequest": {"Item": sized_item(1024, pk="a", sk="1")}},
                {"PutRequest": {"Item": sized_item(2048, pk="a", sk="2")}},
                {"PutRequest": {"Item": sized_item(5120, pk="a", sk="3")}},
            ]
        },
        ReturnConsumedCapacity="TOTAL",
    )
    assert strip_metadata(written) == {"UnprocessedItems": {}, "ConsumedCapacity": [total(table, 8.0)]}
    keys = [{"pk": S("a"), "sk": S(sk)} for sk in "123"]
    read = ddb.batch_get_item(RequestItems={table: {"Keys": keys}}, ReturnConsumedCapacity="TOTAL")
    # Each item rounded on its own: 0.5 + 0.5 + 1.0.
    assert strip_metadata(read)["ConsumedCapacity"] == [total(table, 2.0)]
    read = ddb.batch_get_item(
        RequestItems={table: {"Keys": keys, "ConsistentRead": True}}, ReturnConsumedCapacity="INDEXES"
    )
    assert strip_metadata(read)["ConsumedCapacity"] == [indexes(table, 4.0)]
    deleted = ddb.batch_write_item(
        RequestItems={table: [{"DeleteRequest": {"Key": keys[2]}}]}, ReturnConsumedCapacity="INDEXES"
    )
    assert strip_metadata(deleted)["ConsumedCapacity"] == [indexes(table, 5.0)]
    # Transactions cost twice as much.
    transact_read = ddb.transact_get_items(
        TransactItems=[
            {"Get": {"TableName": table, "Key": keys[0]}},
            {"Get": {"TableName": table, "Key": keys[1]}},
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    assert strip_metadata(transact_read)["ConsumedCapacity"] == [total(table, 4.0)]
    transact_write = ddb.transact_write_items(
        TransactItems=[{"Put": {"TableName": table, "Item": sized_item(1500, pk="b", sk="1")}}],
        ReturnConsumedCapacity="INDEXES",
    )
    assert strip_metadata(transact_write)["ConsumedCapacity"] == [indexes(table, 4.0)]


# ---------------------------------------------------------------------------------------------------
# Secondary indexes


def indexed_table(ddb: Any, provisioned: tuple[int, int] | None = None) -> str:
    """pk S / sk S; gsi_all (g) ALL; gsi_keys (g, sk) KEYS_ONLY; lsi_all (pk, ls) ALL."""
    throughput = provisioned
    return create_table(
        ddb,
        types={"pk": "S", "sk": "S", "g": "S", "ls": "S"},
        gsis=[
            index("gsi_all", "g", throughput=throughput),
            index("gsi_keys", "g", "sk", KEYS_ONLY, throughput=throughput),
        ],
        lsis=[index("lsi_all", "pk", "ls")],
        provisioned=provisioned,
    )


def test_index_write_units(ddb):
    table = indexed_table(ddb)

    def put(item: dict[str, Any], mode: str = "INDEXES") -> Any:
        return capacity(ddb.put_item(TableName=table, Item=item, ReturnConsumedCapacity=mode))

    def update(sk: str, expression: str, **named: Any) -> Any:
        kwargs: dict[str, Any] = {"ExpressionAttributeValues": values(**named)} if named else {}
        return capacity(
            ddb.update_item(
                TableName=table,
                Key={"pk": S("a"), "sk": S(sk)},
                UpdateExpression=expression,
                ReturnConsumedCapacity="INDEXES",
                **kwargs,
            )
        )

    # In no index.
    assert put(sized_item(1024, pk="a", sk="0")) == indexes(table, 1.0)
    # In both GSIs: the KEYS_ONLY entry is small.
    assert put(sized_item(1024, pk="a", sk="1", g="G"), "TOTAL") == total(table, 3.0)
    # In the LSI too: 1,024 bytes plus 100 bytes of LSI overhead are two units.
    assert put(sized_item(1024, pk="a", sk="2", g="G", ls="L")) == indexes(
        table, 1.0, {"gsi_all": 1.0, "gsi_keys": 1.0}, {"lsi_all": 2.0}
    )
    assert put(sized_item(924, pk="a", sk="9", g="G", ls="L")) == indexes(
        table, 1.0, {"gsi_all": 1.0, "gsi_keys": 1.0}, {"lsi_all": 1.0}
    )
    assert put(sized_item(925, pk="a", sk="8", g="G", ls="L")) == indexes(
        table, 1.0, {"gsi_all": 1.0, "gsi_keys": 1.0}, {"lsi_all": 2.0}
    )
    five_kb = sized_item(5120, pk="a", sk="3", g="G", ls="L")
    assert put(five_kb) == indexes(table, 5.0, {"gsi_all": 5.0, "gsi_keys": 1.0}, {"lsi_all": 6.0})
    # The same item again: no index entry changes.
    assert put(five_kb) == indexes(table, 5.0)
    # A new GSI key: delete and put in the GSIs; the LSI entry (which projects g) is rewritten.
    assert put(sized_item(5120, pk="a", sk="3", g="H", ls="L")) == indexes(
        table, 5.0, {"gsi_all": 10.0, "gsi_keys": 2.0}, {"lsi_all": 6.0}
    )
    # Without the index keys: deletes from every index.
    assert put(sized_item(5120, pk="a", sk="3")) == indexes(
        table, 5.0, {"gsi_all": 5.0, "gsi_keys": 1.0}, {"lsi_all": 6.0}
    )
    assert put(sized_item(9216, pk="a", sk="4", g="G", ls="L")) == indexes(
        table, 9.0, {"gsi_all": 9.0, "gsi_keys": 1.0}, {"lsi_all": 10.0}
    )
    # A non-key attribute: the ALL indexes are rewritten, the KEYS_ONLY one is not touched.
    assert update("4", "SET z = :z", z=S("z")) == indexes(table, 10.0, {"gsi_all": 10.0}, {"lsi_all": 10.0})
    # A GSI key.
    assert update("4", "SET g = :g", g=S("Z")) == indexes(
        table, 10.0, {"gsi_all": 20.0, "gsi_keys": 2.0}, {"lsi_all": 10.0}
    )
    deleted = ddb.delete_item(TableName=table, Key={"pk": S("a"), "sk": S("4")}, ReturnConsumedCapacity="INDEXES")
    assert capacity(deleted) == indexes(table, 10.0, {"gsi_all": 10.0, "gsi_keys": 1.0}, {"lsi_all": 10.0})
    missing = ddb.delete_item(TableName=table, Key={"pk": S("a"), "sk": S("4")}, ReturnConsumedCapacity="INDEXES")
    assert capacity(missing) == indexes(table, 1.0)


def test_index_read_units(ddb):
    table = indexed_table(ddb)
    ddb.put_item(TableName=table, Item=sized_item(1024, pk="a", sk="1", g="G", ls="L"))
    ddb.put_item(TableName=table, Item=sized_item(3000, pk="a", sk="2", g="G", ls="M"))
    ddb.put_item(TableName=table, Item=sized_item(500, pk="a", sk="3"))

    def query(index_name: str | None, key_condition: str, value: str, **kwargs: Any) -> Any:
        extra = {"IndexName": index_name} if index_name else {}
        return capacity(
            ddb.query(
                TableName=table,
                KeyConditionExpression=key_condition,
                ExpressionAttributeValues=values(v=S(value)),
                **extra,
                **kwargs,
            )
        )

    # Table: 4,524 bytes.
    assert query(None, "pk = :v", "a", ReturnConsumedCapacity="INDEXES") == indexes(table, 1.0)
    assert query(None, "pk = :v", "a", ReturnConsumedCapacity="TOTAL", ConsistentRead=True) == total(table, 2.0)
    # GSI ALL: 4,024 bytes; the table itself is not read.
    assert query("gsi_all", "g = :v", "G", ReturnConsumedCapacity="INDEXES") == {
        "TableName": table,
        "CapacityUnits": 0.5,
        "Table": {"CapacityUnits": 0.0},
        "GlobalSecondaryIndexes": {"gsi_all": {"CapacityUnits": 0.5}},
    }
    assert query("gsi_all", "g = :v", "G", ReturnConsumedCapacity="TOTAL") == total(table, 0.5)
    assert query("gsi_keys", "g = :v", "G", ReturnConsumedCapacity="INDEXES") == {
        "TableName": table,
        "CapacityUnits": 0.5,
        "Table": {"CapacityUnits": 0.0},
        "GlobalSecondaryIndexes": {"gsi_keys": {"CapacityUnits": 0.5}},
    }
    assert query("lsi_all", "pk = :v", "a", ReturnConsumedCapacity="INDEXES", ConsistentRead=True) == {
        "TableName": table,
        "CapacityUnits": 1.0,
        "Table": {"CapacityUnits": 0.0},
        "LocalSecondaryIndexes": {"lsi_all": {"CapacityUnits": 1.0}},
    }
    scanned = capacity(ddb.scan(TableName=table, IndexName="gsi_all", ReturnConsumedCapacity="INDEXES"))
    assert scanned == {
        "TableName": table,
        "CapacityUnits": 0.5,
        "Table": {"CapacityUnits": 0.0},
        "GlobalSecondaryIndexes": {"gsi_all": {"CapacityUnits": 0.5}},
    }
    assert capacity(ddb.scan(TableName=table, IndexName="lsi_all", ReturnConsumedCapacity="TOTAL")) == total(table, 0.5)
    # GetItem reads the table only.
    got = ddb.get_item(TableName=table, Key={"pk": S("a"), "sk": S("2")}, ReturnConsumedCapacity="INDEXES")
    assert capacity(got) == indexes(table, 0.5)


LSI_FETCHES = (
    "Developer Guide, Local secondary indexes, Provisioned throughput considerations: Read capacity units "
    "(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LSI.html; awsdocs/"
    "amazon-dynamodb-developer-guide doc_source/LSI.md)"
)


@pytest.fixture
def keys_only_lsi(ddb) -> str:
    """pk S / sk S; lsi_keys (pk, ls) KEYS_ONLY; four 300-byte items in partition "a"."""
    table = create_table(
        ddb, types={"pk": "S", "sk": "S", "ls": "S"}, lsis=[index("lsi_keys", "pk", "ls", KEYS_ONLY)]
    )
    for sk in "1234":
        ddb.put_item(TableName=table, Item=sized_item(300, pk="a", sk=sk, ls="L" + sk))
    return table


def _query_lsi(ddb: Any, table: str, **kwargs: Any) -> Any:
    named = kwargs.pop("named", {})
    response = ddb.query(
        TableName=table,
        IndexName="lsi_keys",
        KeyConditionExpression="pk = :v",
        ExpressionAttributeValues=values(v=S("a"), **named),
        ReturnConsumedCapacity="INDEXES",
        **kwargs,
    )
    return capacity(response)


def test_local_index_fetches_charge_the_table_per_item(ddb, keys_only_lsi):
    """The guide's example: items of 300 bytes, a query fetching each from the table: the index
    entries' sum rounded up to 4 KB, plus each table item rounded up to 4 KB on its own."""
    table = keys_only_lsi

    def charged(table_units: float, index_units: float) -> dict[str, Any]:
        return indexes(table, table_units, lsis={"lsi_keys": index_units})

    assert _query_lsi(ddb, table, ConsistentRead=True) == charged(0.0, 1.0)
    assert _query_lsi(ddb, table, Select="ALL_ATTRIBUTES", ConsistentRead=True) == charged(4.0, 1.0)
    assert _query_lsi(ddb, table, Select="ALL_ATTRIBUTES") == charged(2.0, 0.5)
    assert _query_lsi(ddb, table, ProjectionExpression="pk, v", ConsistentRead=True) == charged(4.0, 1.0)
    assert _query_lsi(ddb, table, Select="ALL_ATTRIBUTES", ConsistentRead=True, Limit=2) == charged(2.0, 1.0)
    # Every item read is fetched, whether or not the filter keeps it.
    kept = _query_lsi(
        ddb, table, Select="ALL_ATTRIBUTES", ConsistentRead=True, FilterExpression="sk = :s", named={"s": S("1")}
    )
    assert kept == charged(4.0, 1.0)


@service_behaviour(
    "DynamoDB Local fetches from the table for any ProjectionExpression on a local index, even one naming only "
    "projected attributes",
    source=LSI_FETCHES,
)
def test_local_index_projection_of_projected_attributes_fetches_nothing(ddb, keys_only_lsi):
    got = _query_lsi(ddb, keys_only_lsi, ProjectionExpression="pk, sk, ls", ConsistentRead=True)
    assert got == indexes(keys_only_lsi, 0.0, lsis={"lsi_keys": 1.0})


def test_index_write_units_in_batches_and_transactions(ddb):
    table = indexed_table(ddb)
    written = ddb.batch_write_item(
        RequestItems={
            table: [
                {"PutRequest": {"Item": sized_item(1024, pk="b", sk="1", g="G")}},
                {"PutRequest": {"Item": sized_item(2048, pk="b", sk="2")}},
            ]
        },
        ReturnConsumedCapacity="INDEXES",
    )
    assert strip_metadata(written)["ConsumedCapacity"] == [indexes(table, 3.0, {"gsi_all": 1.0, "gsi_keys": 1.0})]
    transact = ddb.transact_write_items(
        TransactItems=[{"Put": {"TableName": table, "Item": sized_item(1024, pk="c", sk="1", g="G")}}],
        ReturnConsumedCapacity="INDEXES",
    )
    assert strip_metadata(transact)["ConsumedCapacity"] == [indexes(table, 2.0, {"gsi_all": 2.0, "gsi_keys": 2.0})]


def test_provisioned_table_consumed_capacity(ddb):
    table = indexed_table(ddb, provisioned=(5, 5))
    item = sized_item(1024, pk="a", sk="1", g="G", ls="L")
    put = ddb.put_item(TableName=table, Item=item, ReturnConsumedCapacity="INDEXES")
    assert capacity(put) == indexes(table, 1.0, {"gsi_all": 1.0, "gsi_keys": 1.0}, {"lsi_all": 2.0})
    got = ddb.get_item(TableName=table, Key={"pk": S("a"), "sk": S("1")}, ReturnConsumedCapacity="INDEXES")
    assert capacity(got) == indexes(table, 0.5)
    queried = ddb.query(
        TableName=table,
        IndexName="gsi_all",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues=values(g=S("G")),
        ReturnConsumedCapacity="TOTAL",
    )
    assert capacity(queried) == total(table, 0.5)

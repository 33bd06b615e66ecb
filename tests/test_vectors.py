"""Vector indexes beyond the conformance suite: the numpy store (exact answers, swap-with-last
deletes, ties), what only the simulator controls (backfill time, recall, TTL sweeps, snapshots,
`--data-dir`), the test doubles on SearchVectors, table declarations, and numpy as an optional
dependency."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from botocore.exceptions import ClientError

import dynasim
from dynasim import declare, persistence
from dynasim.engine.vectors.definitions import VectorIndex
from dynasim.engine.vectors.store import IndexStore, float32_text
from dynasim.storage.schema import KeySchema

ROOT = Path(__file__).resolve().parent.parent
KEYS = KeySchema.of([("pk", "S")], [])


def index(distance: str = "COSINE", dimensions: int = 4, hash_attribute: str | None = None) -> VectorIndex:
    types = ((hash_attribute, "S"),) if hash_attribute else ()
    return VectorIndex("idx", "v", dimensions, distance, hash_attribute, (), types, "ALL", (), None)


def item(key: str, numbers: Any, **attributes: Any) -> dict[str, Any]:
    return {"pk": {"S": key}, "v": {"L": [{"N": float32_text(np.float32(x))} for x in numbers]}, **attributes}


def brute_force(matrix: np.ndarray, keys: list[str], query: np.ndarray, distance: str, k: int) -> list[str]:
    """The k nearest by float64 scores of the float32 vectors, equal scores in key order."""
    rows, q = matrix.astype(np.float64), query.astype(np.float64)
    if distance == "DOT_PRODUCT":
        scores = -(rows @ q)
    elif distance == "EUCLIDEAN":
        scores = np.sqrt(((rows - q) ** 2).sum(axis=1))
    else:
        scores = 1 - (rows @ q) / (np.linalg.norm(rows, axis=1) * np.linalg.norm(q))
    return [keys[i] for i in sorted(range(len(keys)), key=lambda i: (scores[i], keys[i]))[:k]]


@pytest.mark.parametrize("distance", ["COSINE", "EUCLIDEAN", "DOT_PRODUCT"])
def test_the_store_answers_exactly_through_writes_and_deletes(distance):
    rng = np.random.default_rng(7)
    store = IndexStore(index(distance, dimensions=16), KEYS)
    vectors = {f"k{n:03}": rng.standard_normal(16).astype(np.float32) for n in range(300)}
    vectors["k000"] = vectors["k001"] = vectors["k002"].copy()  # exact ties
    for key, numbers in vectors.items():
        store.put(item(key, numbers), None)
    for key in list(vectors)[::3]:  # every third deleted: swap with last keeps the rows contiguous
        store.delete(item(key, vectors.pop(key)))
    for key in list(vectors)[::5]:  # and every fifth rewritten
        vectors[key] = rng.standard_normal(16).astype(np.float32)
        store.put(item(key, vectors[key]), {})
    (partition,) = store.partitions.values()
    assert partition.count == store.count == len(vectors)
    assert sorted(partition.keys) == sorted((key, None) for key in vectors)
    for row, (key, _) in enumerate(partition.keys):
        assert np.array_equal(partition.matrix[row], vectors[key]) and partition.rows[(key, None)] == row
    keys = sorted(vectors)
    matrix = np.stack([vectors[key] for key in keys])
    for query in [rng.standard_normal(16).astype(np.float32) for _ in range(20)] + [vectors["k002"]]:
        found, _ = store.search(query, None, [], 10)
        assert [found_item["pk"]["S"] for _, found_item in found] == brute_force(matrix, keys, query, distance, 10)


def test_equal_scores_are_ordered_by_key_and_scores_are_exact():
    store = IndexStore(index("COSINE"), KEYS)
    for key in ("c", "a", "b"):
        store.put(item(key, [1, 2, 3, 4]), None)
    store.put(item("zero", [0, 0, 0, 0]), None)
    found, examined = store.search(np.array([2, 4, 6, 8], dtype=np.float32), None, [], 4)
    assert [(score, found_item["pk"]["S"]) for score, found_item in found] == [
        (0.0, "a"),
        (0.0, "b"),
        (0.0, "c"),
        (1.0, "zero"),  # a zero vector's cosine score is 1
    ]
    entry = 4 * 4 + len("v") + len("pk")  # vector bytes, its name, the rest: the key
    assert examined == 3 * (entry + len("a")) + entry + len("zero")


def test_partitions_hold_their_own_rows():
    store = IndexStore(index("EUCLIDEAN", hash_attribute="tenant"), KEYS)
    store.put(item("a", [0, 0, 0, 0], tenant={"S": "t1"}), None)
    store.put(item("b", [1, 0, 0, 0], tenant={"S": "t2"}), None)
    store.put(item("a", [0, 0, 0, 1], tenant={"S": "t2"}), None)  # moves partition
    assert sorted(store.partitions) == ["t2"]
    found, _ = store.search(np.zeros(4, dtype=np.float32), "t2", [], 5)
    assert [(score, found_item["pk"]["S"]) for score, found_item in found] == [(1.0, "a"), (1.0, "b")]
    store.put(item("b", [1, 0, 0, 0]), None)  # loses its HASH attribute: leaves the index
    assert store.count == 1


# --- through the simulator --------------------------------------------------------------------------

TABLE = {
    "TableName": "docs",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
    "VectorIndexes": [
        {
            "IndexName": "by-meaning",
            "VectorAttribute": {"AttributeName": "v"},
            "Dimensions": 2,
            "DistanceFunction": "EUCLIDEAN",
            "Projection": {"ProjectionType": "ALL"},
        }
    ],
}


def docs(sim: dynasim.Simulator, count: int = 10) -> Any:
    ddb = sim.client()
    ddb.create_table(**TABLE)
    for n in range(count):
        ddb.put_item(TableName="docs", Item={"pk": {"S": f"d{n}"}, "v": {"L": [{"N": str(n)}, {"N": "0"}]}})
    return ddb


def nearest(ddb: Any, top_k: int = 5, x: int = 0) -> list[str]:
    answer = ddb.search_vectors(
        TableName="docs", IndexName="by-meaning", SearchVector=[{"N": str(x)}, {"N": "0"}], TopK=top_k
    )
    return [result["Item"]["pk"]["S"] for result in answer["SearchResults"]]


def test_backfill_takes_the_time_set_on_the_clock():
    sim = dynasim.Simulator()
    sim.clock.freeze()
    sim.vector_backfill_seconds = 300
    ddb = docs(sim)
    created = sim.clock.now()
    ddb.update_table(
        TableName="docs", VectorIndexUpdates=[{"Create": {**TABLE["VectorIndexes"][0], "IndexName": "later"}}]
    )

    def later() -> dict[str, Any]:
        return next(
            i for i in ddb.describe_table(TableName="docs")["Table"]["VectorIndexes"] if i["IndexName"] == "later"
        )

    assert (later()["IndexStatus"], later()["Backfilling"]) == ("CREATING", True)
    search = dict(TableName="docs", IndexName="later", SearchVector=[{"N": "0"}, {"N": "0"}], TopK=1)
    with pytest.raises(ClientError, match="Cannot search backfilling vector index: later"):
        ddb.search_vectors(**search)
    with pytest.raises(ClientError, match="Only 1 online index can be created or deleted simultaneously"):
        ddb.update_table(TableName="docs", VectorIndexUpdates=[{"Delete": {"IndexName": "by-meaning"}}])
    sim.advance(created + 299 - sim.clock.now())  # botocore's retries of the refusal took virtual time
    assert later()["IndexStatus"] == "CREATING"
    sim.advance(1)
    assert later()["IndexStatus"] == "ACTIVE" and "Backfilling" not in later()
    assert later()["ItemCount"] == 10
    assert ddb.search_vectors(**search)["SearchResults"][0]["Item"]["pk"] == {"S": "d0"}
    with pytest.raises(ValueError):
        sim.vector_backfill_seconds = -1


def test_ttl_deletions_leave_the_index():
    sim = dynasim.Simulator()
    ddb = docs(sim, 3)
    ddb.update_time_to_live(TableName="docs", TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"})
    ddb.update_item(
        TableName="docs",
        Key={"pk": {"S": "d0"}},
        UpdateExpression="SET #t = :t",
        ExpressionAttributeNames={"#t": "ttl"},
        ExpressionAttributeValues={":t": {"N": str(int(sim.clock.now()) - 10)}},
    )
    assert nearest(ddb) == ["d0", "d1", "d2"]
    assert sim.sweep_ttl() == 1
    assert nearest(ddb) == ["d1", "d2"]


def test_snapshots_restore_the_index_with_the_items():
    sim = dynasim.Simulator()
    ddb = docs(sim, 3)
    seeded = sim.snapshot()
    ddb.delete_item(TableName="docs", Key={"pk": {"S": "d0"}})
    ddb.put_item(TableName="docs", Item={"pk": {"S": "new"}, "v": {"L": [{"N": "0"}, {"N": "0"}]}})
    assert nearest(ddb) == ["new", "d1", "d2"]
    sim.restore(seeded)
    assert nearest(ddb) == ["d0", "d1", "d2"]
    other = dynasim.Simulator()
    other.restore(seeded)
    assert nearest(other.client()) == ["d0", "d1", "d2"]


def test_a_data_dir_keeps_vector_indexes_and_their_items(tmp_path):
    sim = dynasim.Simulator()
    store = persistence.open_store(sim, tmp_path)
    ddb = docs(sim, 4)
    ddb.delete_item(TableName="docs", Key={"pk": {"S": "d1"}})
    before = ddb.describe_table(TableName="docs")["Table"]["VectorIndexes"]
    store.close()
    again = dynasim.Simulator()
    reopened = persistence.open_store(again, tmp_path)
    try:
        ddb = again.client()
        assert ddb.describe_table(TableName="docs")["Table"]["VectorIndexes"] == before
        assert nearest(ddb) == ["d0", "d2", "d3"]
        ddb.put_item(TableName="docs", Item={"pk": {"S": "d1"}, "v": {"L": [{"N": "1"}, {"N": "0"}]}})
        assert nearest(ddb) == ["d0", "d1", "d2", "d3"]
    finally:
        reopened.close()


def test_recall_leaves_out_true_neighbours_deterministically():
    sim = dynasim.Simulator()
    ddb = docs(sim, 30)
    exact = nearest(ddb, 10)
    assert exact == [f"d{n}" for n in range(10)]
    rule = sim.set_vector_recall("by-meaning", 0.8, seed=3)
    missing = nearest(ddb, 10)
    assert len(missing) == 10 and len(set(exact) - set(missing)) == 2
    assert set(missing) - set(exact) == {"d10", "d11"}  # the next nearest take their places
    assert nearest(ddb, 10) == missing  # the same search misses the same neighbours
    sim.set_vector_recall("by-meaning", 0.8, seed=4)
    assert nearest(ddb, 10) != missing or nearest(ddb, 10, x=1) != missing  # another seed, another draw
    sim.set_vector_recall("by-meaning", 0.5, table="other-table")  # another table's index: no effect here
    sim.clear_vector_recall()
    assert nearest(ddb, 10) == exact
    sim.set_vector_recall("by-meaning", 0.0, table="docs")
    assert set(nearest(ddb, 10)).isdisjoint(exact)
    rule.remove()
    with pytest.raises(ValueError):
        sim.set_vector_recall("by-meaning", 1.5)


def test_the_doubles_see_searches_by_table_and_index():
    sim = dynasim.Simulator()
    ddb = docs(sim, 3)
    sim.inject_fault("SearchVectors", error="ThrottlingException", index="by-meaning", times=1)
    sim.set_latency("SearchVectors", seconds=2, index="by-meaning", virtual=True)
    sim.clock.freeze()
    start = sim.clock.now()
    assert nearest(ddb) == ["d0", "d1", "d2"]  # botocore retried the throttled call
    sim.assert_faults_used()
    calls = sim.verify_operation("SearchVectors", table="docs")
    assert [call.error_code for call in calls] == ["ThrottlingException", None]
    assert calls[-1].touches.index == "by-meaning" and calls[-1].touches.access == "read"
    assert sim.clock.now() - start >= 4  # each call's virtual latency
    with sim.capacity_budget(read=0, write=2, scan=False) as budget:
        ddb.put_item(TableName="docs", Item={"pk": {"S": "x"}, "v": {"L": [{"N": "1"}, {"N": "1"}]}})
        nearest(ddb)
    assert (budget.read_units, budget.write_units) == (0, 1)


def test_declarations_and_templates_carry_vector_indexes():
    declared = json.dumps({"tables": [{**TABLE, "Items": [{"pk": {"S": "a"}, "v": {"L": [{"N": "1"}, {"N": "2"}]}}]}]})
    template = """
Resources:
  Products:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: products
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}, {AttributeName: category, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      VectorIndexes:
        - IndexName: by-meaning
          VectorAttribute: {AttributeName: embedding}
          Dimensions: "8"
          DistanceFunction: DOT_PRODUCT
          SearchSchema: [{AttributeName: category, SearchSchemaElementType: HASH}]
          Projection: {ProjectionType: KEYS_ONLY}
"""
    sim = dynasim.Simulator()
    assert declare.apply(sim, declare.parse(declared)) == ["docs"]
    assert declare.apply(sim, declare.parse(template)) == ["products"]
    ddb = sim.client()
    assert nearest(ddb) == ["a"]
    (index,) = ddb.describe_table(TableName="products")["Table"]["VectorIndexes"]
    assert (index["Dimensions"], index["DistanceFunction"], index["SearchSchema"][0]["AttributeName"]) == (
        8,
        "DOT_PRODUCT",
        "category",
    )


def test_without_numpy_creating_a_vector_index_says_what_to_install(monkeypatch):
    sim = dynasim.Simulator()
    ddb = sim.client()
    monkeypatch.setitem(sys.modules, "numpy", None)  # as if it were not installed
    monkeypatch.setattr("dynasim.engine.vectors.state.numpy_available", lambda: False)
    monkeypatch.setattr("dynasim.engine.vectors.members.numpy_available", lambda: False)
    with pytest.raises(ClientError) as raised:
        ddb.create_table(**TABLE)
    assert raised.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": "Vector indexes need numpy, which is not installed: pip install 'dynasim[vector]'",
    }
    assert "docs" not in sim.engine.tables


def test_nothing_else_imports_numpy():
    script = """
import sys, dynasim
sim = dynasim.Simulator()
ddb = sim.client()
ddb.create_table(TableName="plain", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                 AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
ddb.put_item(TableName="plain", Item={"pk": {"S": "a"}, "v": {"L": [{"N": "1"}]}})
ddb.scan(TableName="plain")
ddb.describe_table(TableName="plain")
assert "numpy" not in sys.modules, "numpy was imported"
"""
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=120)

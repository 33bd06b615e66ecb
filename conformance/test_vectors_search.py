"""SearchVectors: scores and order per distance function, TopK, the search condition over the search
schema, partitions and inline filters, projections, consumed capacity and every refusal; and the
AWS documentation's own vector search example, unchanged but for the client."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.helpers import NOT_FOUND, TABLE_NOT_FOUND, VALIDATION, assert_error, clause, constraint_error
from conformance.vectors_support import (
    API_SEARCH,
    DEVELOPER_GUIDE,
    RECORDED,
    create_vector_table,
    keys_of,
    search_vector,
    vector,
    vector_index,
    vector_test,
)


def search(ddb: Any, table: str, *numbers: float | str, index: str = "embedding", **request: Any) -> dict[str, Any]:
    request.setdefault("TopK", 10)
    return ddb.search_vectors(TableName=table, IndexName=index, SearchVector=search_vector(*numbers), **request)


def fill(ddb: Any, table: str, items: dict[str, tuple[float, ...]], **attributes: Any) -> None:
    for key, numbers in items.items():
        ddb.put_item(TableName=table, Item={"pk": {"S": key}, "v": vector(*numbers), **attributes})


# --- scores and order ------------------------------------------------------------------------------


@vector_test(f"{API_SEARCH} (COSINE 0 to 2 and EUCLIDEAN distance, smallest first); {RECORDED} ([10,0,0,0])")
def test_cosine_ignores_magnitude_and_euclidean_does_not(ddb):
    table = create_vector_table(
        ddb, vector_index("cosine", dimensions=4), vector_index("euclidean", dimensions=4, distance="EUCLIDEAN")
    )
    fill(ddb, table, {"long": (10, 0, 0, 0), "near": (1, 0.1, 0, 0), "opposite": (-1, 0, 0, 0)})
    by_cosine = search(ddb, table, 1, 0, 0, 0, index="cosine")["SearchResults"]
    assert keys_of(by_cosine) == ["long", "near", "opposite"]
    assert by_cosine[0]["Score"] == 0.0 and by_cosine[2]["Score"] == 2.0
    assert by_cosine[1]["Score"] == pytest.approx(1 - 1 / (1 + 0.1**2) ** 0.5, rel=1e-6)
    by_distance = search(ddb, table, 1, 0, 0, 0, index="euclidean")["SearchResults"]
    assert keys_of(by_distance) == ["near", "opposite", "long"]
    assert [result["Score"] for result in by_distance] == pytest.approx([0.1, 2.0, 9.0], rel=1e-6)


@vector_test(f"{API_SEARCH} (DOT_PRODUCT: the k highest scores first); {RECORDED} (scores can be negative)")
def test_dot_product_ranks_highest_first(ddb):
    table = create_vector_table(ddb, vector_index(distance="DOT_PRODUCT"))
    fill(ddb, table, {"big": (3, 0, 0), "small": (1, 0, 0), "against": (-2, 0, 0), "across": (0, 5, 0)})
    results = search(ddb, table, 1, 0, 0, TopK=3)["SearchResults"]
    assert keys_of(results) == ["big", "small", "across"]
    assert [result["Score"] for result in results] == [3.0, 1.0, 0.0]
    assert search(ddb, table, 1, 0, 0)["SearchResults"][-1]["Score"] == -2.0


@vector_test(f"{API_SEARCH} (TopK: the number of most similar results)")
def test_top_k_limits_the_results(ddb):
    table = create_vector_table(ddb)
    fill(ddb, table, {f"i{n}": (1, n / 10, 0) for n in range(8)})
    assert keys_of(search(ddb, table, 1, 0, 0, TopK=3)["SearchResults"]) == ["i0", "i1", "i2"]
    assert len(search(ddb, table, 1, 0, 0, TopK=100)["SearchResults"]) == 8


@vector_test(f"{RECORDED} (TopK above 100 refused by the service; 0 by the model's constraint)")
def test_top_k_is_1_to_100(ddb, ddb_raw):
    table = create_vector_table(ddb)
    assert_error(
        lambda: search(ddb, table, 1, 0, 0, TopK=101),
        VALIDATION,
        "Provided TopK value '101' is out of valid range. The value must be between 1 and 100 inclusive",
    )
    assert_error(
        lambda: search(ddb_raw, table, 1, 0, 0, TopK=0),
        VALIDATION,
        constraint_error(clause(0, "topK", "must have value greater than or equal to 1")),
    )


# --- the search vector, the table and the index ---------------------------------------------------


@vector_test(f"{API_SEARCH} (SearchVector: 32-bit floats, the index's dimensions); {RECORDED}")
def test_the_search_vector_must_fit_the_index(ddb):
    table = create_vector_table(ddb)
    assert_error(
        lambda: search(ddb, table, 1, 0),
        VALIDATION,
        "Input search vector dimension 2 does not match vector index dimension 3",
    )
    invalid = (
        "Search vector contains invalid values. All values in the search vector must be a 32-bit floating-point "
        "number attribute"
    )
    assert_error(lambda: search(ddb, table, 1, 0, "4E+38"), VALIDATION, invalid)
    wrapped = [{"L": search_vector(1, 0, 0)}]  # the L wrapper belongs to stored items only
    assert_error(
        lambda: ddb.search_vectors(TableName=table, IndexName="embedding", SearchVector=wrapped, TopK=1),
        VALIDATION,
        invalid,
    )


@vector_test(f"{API_SEARCH} (ResourceNotFoundException); {RECORDED} (an unknown index)")
def test_an_unknown_table_or_index(ddb):
    table = create_vector_table(ddb)
    assert_error(lambda: search(ddb, "no-such-table", 1, 0, 0), NOT_FOUND, TABLE_NOT_FOUND)
    assert_error(
        lambda: search(ddb, table, 1, 0, 0, index="other"),
        VALIDATION,
        "The table does not have the specified index: other",
    )


# --- the search condition: partitions and inline filters -----------------------------------------


@pytest.fixture
def catalogue(ddb: Any) -> str:
    """Products partitioned by `category` (HASH), filterable by `brand` (INLINE_FILTER)."""
    table = create_vector_table(
        ddb,
        vector_index(schema=[("category", "HASH"), ("brand", "INLINE_FILTER")]),
        definitions={"category": "S", "brand": "S"},
    )
    for key, category, brand, numbers in (
        ("tv", "electronics", "acme", (1, 0, 0)),
        ("radio", "electronics", "other", (0.9, 0.1, 0)),
        ("phone", "electronics", None, (0.8, 0.2, 0)),
        ("sofa", "furniture", "acme", (1, 0, 0)),
    ):
        item = {"pk": {"S": key}, "category": {"S": category}, "v": vector(*numbers)}
        if brand is not None:
            item["brand"] = {"S": brand}
        ddb.put_item(TableName=table, Item=item)
    return table


def in_category(category: str, condition: str = "category = :c", **values: Any) -> dict[str, Any]:
    return {
        "SearchConditionExpression": condition,
        "ExpressionAttributeValues": {":c": {"S": category}, **values},
    }


@vector_test(f"{API_SEARCH} (HASH partitions the index; INLINE_FILTER attributes filter it)")
def test_search_within_a_partition_and_by_inline_filter(ddb, catalogue):
    assert keys_of(search(ddb, catalogue, 1, 0, 0, **in_category("electronics"))["SearchResults"]) == [
        "tv",
        "radio",
        "phone",
    ]
    assert keys_of(search(ddb, catalogue, 1, 0, 0, **in_category("furniture"))["SearchResults"]) == ["sofa"]
    acme = in_category("electronics", "category = :c AND #b = :b", **{":b": {"S": "acme"}})
    acme["ExpressionAttributeNames"] = {"#b": "brand"}
    assert keys_of(search(ddb, catalogue, 1, 0, 0, **acme)["SearchResults"]) == ["tv"]
    assert search(ddb, catalogue, 1, 0, 0, **in_category("garden"))["SearchResults"] == []


@vector_test(f"{API_SEARCH} (the HASH value must be provided); {RECORDED}")
def test_a_partitioned_index_needs_its_hash_value(ddb, catalogue):
    message = "SearchConditionExpression must be provided when SearchSchema has a HASH key"
    assert_error(lambda: search(ddb, catalogue, 1, 0, 0), VALIDATION, message)
    only_brand = {"SearchConditionExpression": "brand = :b", "ExpressionAttributeValues": {":b": {"S": "acme"}}}
    assert_error(lambda: search(ddb, catalogue, 1, 0, 0, **only_brand), VALIDATION, message)


@vector_test(f"{API_SEARCH} (equality only, top-level search-schema attributes); {RECORDED}")
def test_the_condition_is_equalities_on_the_search_schema(ddb, catalogue):
    comparator = "Invalid SearchConditionExpression: Invalid comparator used in SearchConditionExpression"
    for condition in ("category > :c", "category <> :c", "category = :c OR category = :c", "begins_with(category, :c)"):
        assert_error(lambda c=condition: search(ddb, catalogue, 1, 0, 0, **in_category("e", c)), VALIDATION, comparator)
    assert_error(
        lambda: search(ddb, catalogue, 1, 0, 0, **in_category("e", "category = :c AND title = :c")),
        VALIDATION,
        "SearchConditionExpression must not contain any attributes that is not in SearchSchema. Invalid attribute: "
        "title",
    )
    assert_error(
        lambda: search(ddb, catalogue, 1, 0, 0, **in_category("e", "category = :c AND brand.maker = :c")),
        VALIDATION,
        "Invalid SearchConditionExpression: SearchConditionExpression cannot have conditions on nested attributes",
    )
    assert_error(
        lambda: search(ddb, catalogue, 1, 0, 0, **in_category("e", "category = :c AND category = :c")),
        VALIDATION,
        "Invalid SearchConditionExpression: SearchConditionExpression must only contain one condition per attribute",
    )


@vector_test(RECORDED + " (the HASH value's type and emptiness)")
def test_the_hash_value_must_be_of_its_type_and_not_empty(ddb, catalogue):
    number = {"SearchConditionExpression": "category = :c", "ExpressionAttributeValues": {":c": {"N": "1"}}}
    assert_error(
        lambda: search(ddb, catalogue, 1, 0, 0, **number),
        VALIDATION,
        "Type of 'category' attribute in SearchConditionExpression (N) does not match type in search schema (S)",
    )
    assert_error(
        lambda: search(ddb, catalogue, 1, 0, 0, **in_category("")),
        VALIDATION,
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty "
        "string value. Key: category",
    )


@vector_test(f"{API_SEARCH} (expression attribute names and values, as Query's)")
def test_placeholders_must_be_defined_and_used(ddb, catalogue):
    assert_error(
        lambda: search(ddb, catalogue, 1, 0, 0, **in_category("electronics", "category = :other")),
        VALIDATION,
        "Invalid SearchConditionExpression: An expression attribute value used in expression is not defined; "
        "attribute value: :other",
    )
    assert_error(
        lambda: search(ddb, catalogue, 1, 0, 0, **in_category("electronics", **{":unused": {"S": "x"}})),
        VALIDATION,
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}",
    )


# --- what comes back ---------------------------------------------------------------------------------


@vector_test(f"{API_SEARCH} (ProjectionExpression: only projected attributes); {RECORDED} (vector left out)")
def test_items_come_as_the_index_projects_them(ddb):
    table = create_vector_table(
        ddb,
        vector_index("all"),
        vector_index("keys", projection={"ProjectionType": "KEYS_ONLY"}),
        vector_index("title", projection={"ProjectionType": "INCLUDE", "NonKeyAttributes": ["title"]}),
    )
    item = {"pk": {"S": "a"}, "title": {"S": "T"}, "price": {"N": "5"}, "v": vector(0.1, 0.2, 0.3)}
    ddb.put_item(TableName=table, Item=item)
    (found,) = search(ddb, table, 1, 0, 0, index="all")["SearchResults"]
    assert found["Item"] == {"pk": {"S": "a"}, "title": {"S": "T"}, "price": {"N": "5"}}
    assert search(ddb, table, 1, 0, 0, index="keys")["SearchResults"][0]["Item"] == {"pk": {"S": "a"}}
    assert search(ddb, table, 1, 0, 0, index="title")["SearchResults"][0]["Item"] == {
        "pk": {"S": "a"},
        "title": {"S": "T"},
    }
    with_vector = search(ddb, table, 1, 0, 0, index="all", ProjectionExpression="pk, v")["SearchResults"][0]
    assert with_vector["Item"] == {"pk": {"S": "a"}, "v": vector(0.1, 0.2, 0.3)}  # float32, in its fewest digits
    not_projected = search(ddb, table, 1, 0, 0, index="keys", ProjectionExpression="pk, price, v")["SearchResults"]
    assert not_projected[0]["Item"] == {"pk": {"S": "a"}}


@vector_test(f"{API_SEARCH} (ConsumedCapacity: VectorSearchRequestBytes); {RECORDED} (1 KB at least)")
def test_consumed_capacity_is_vector_search_bytes(ddb):
    table = create_vector_table(ddb, vector_index(dimensions=512))
    fill(ddb, table, {f"i{n}": tuple([n] * 512) for n in range(1, 4)})
    for choice in ("TOTAL", "INDEXES"):
        consumed = search(ddb, table, *[1] * 512, ReturnConsumedCapacity=choice)["ConsumedCapacity"]
        assert consumed == {"VectorSearchRequestBytes": 3 * (4 * 512 + len("v") + len("pk") + 2)}
    assert "ConsumedCapacity" not in search(ddb, table, *[1] * 512, ReturnConsumedCapacity="NONE")
    small = create_vector_table(ddb)
    assert search(ddb, small, 1, 0, 0, ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"] == {
        "VectorSearchRequestBytes": 1024.0
    }


@vector_test(f"{API_SEARCH} (results sorted by similarity, the most similar first)")
def test_equal_scores_come_in_key_order(ddb):
    table = create_vector_table(ddb, range_key="N")
    for pk, sk in (("b", 2), ("a", 10), ("b", 1), ("a", 9)):
        ddb.put_item(TableName=table, Item={"pk": {"S": pk}, "sk": {"N": str(sk)}, "v": vector(1, 1, 1)})
    results = search(ddb, table, 1, 1, 1)["SearchResults"]
    assert [(r["Item"]["pk"]["S"], r["Item"]["sk"]["N"]) for r in results] == [
        ("a", "9"),
        ("a", "10"),
        ("b", "1"),
        ("b", "2"),
    ]


# --- the AWS documentation's example -------------------------------------------------------------------


@vector_test(f"{DEVELOPER_GUIDE}; its AWS CLI examples (Products, ProductEmbeddingIndex) as kept in {RECORDED}")
def test_the_documentation_example(ddb):
    """The Developer Guide's walk-through: create the table with its index, write products, search a
    category, add and delete an index; the requests are the documentation's, the client a boto3 one."""
    ddb.create_table(
        TableName="Products",
        AttributeDefinitions=[
            {"AttributeName": "ProductId", "AttributeType": "S"},
            {"AttributeName": "Category", "AttributeType": "S"},
            {"AttributeName": "Brand", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "ProductId", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        VectorIndexes=[
            {
                "IndexName": "ProductEmbeddingIndex",
                "VectorAttribute": {"AttributeName": "Embedding"},
                "SearchSchema": [
                    {"AttributeName": "Category", "SearchSchemaElementType": "HASH"},
                    {"AttributeName": "Brand", "SearchSchemaElementType": "INLINE_FILTER"},
                ],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["Title"]},
                "Dimensions": 1024,
                "DistanceFunction": "COSINE",
            }
        ],
    )
    query = [1.0] + [0.0] * 1023
    for product, title, brand, first in (("p1", "Kettle", "Acme", 1.0), ("p2", "Toaster", "Acme", 0.5)):
        embedding = [first, 1 - first] + [0.0] * 1022
        ddb.put_item(
            TableName="Products",
            Item={
                "ProductId": {"S": product},
                "Category": {"S": "Electronics"},
                "Brand": {"S": brand},
                "Title": {"S": title},
                "Embedding": {"L": [{"N": str(x)} for x in embedding]},
            },
        )
    response = ddb.search_vectors(
        TableName="Products",
        IndexName="ProductEmbeddingIndex",
        SearchVector=[{"N": str(x)} for x in query],
        TopK=10,
        SearchConditionExpression="Category = :cat AND Brand = :brand",
        ExpressionAttributeValues={":cat": {"S": "Electronics"}, ":brand": {"S": "Acme"}},
        ProjectionExpression="ProductId, Title",
    )
    assert [result["Item"] for result in response["SearchResults"]] == [
        {"ProductId": {"S": "p1"}, "Title": {"S": "Kettle"}},
        {"ProductId": {"S": "p2"}, "Title": {"S": "Toaster"}},
    ]
    ddb.update_table(
        TableName="Products",
        VectorIndexUpdates=[
            {
                "Create": {
                    "IndexName": "ProductEmbeddingIndex2",
                    "VectorAttribute": {"AttributeName": "Embedding"},
                    "Projection": {"ProjectionType": "ALL"},
                    "Dimensions": 1024,
                    "DistanceFunction": "COSINE",
                }
            }
        ],
    )
    ddb.update_table(TableName="Products", VectorIndexUpdates=[{"Delete": {"IndexName": "ProductEmbeddingIndex"}}])
    indexes = ddb.describe_table(TableName="Products")["Table"]["VectorIndexes"]
    assert [(index["IndexName"], index["IndexStatus"]) for index in indexes] == [("ProductEmbeddingIndex2", "ACTIVE")]
    ddb.delete_table(TableName="Products")


@vector_test(f"{RECORDED} (Query, Scan and PartiQL do not read a vector index)")
def test_query_and_scan_do_not_read_a_vector_index(ddb):
    table = create_vector_table(ddb)
    assert_error(
        lambda: ddb.query(
            TableName=table,
            IndexName="embedding",
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "a"}},
        ),
        VALIDATION,
        "Query operation not supported on this index type.",
    )
    assert_error(
        lambda: ddb.scan(TableName=table, IndexName="embedding"),
        VALIDATION,
        "Scan operation not supported on this index type.",
    )

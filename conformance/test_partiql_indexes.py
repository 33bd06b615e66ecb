"""PartiQL reads of secondary indexes and of sort-key ranges: index-qualified SELECTs, the batch
SELECT that must name a primary key, indexes with multi-attribute keys (which PartiQL refuses),
and OR-ed branches whose sort-key ranges overlap.

Service facts: paritysuite/dynamodb-conformance tests/tier2/partiql/executeStatementIndex.test.ts,
multiAttributeIndex.test.ts, whereOverlap.test.ts and tests/tier3/error-messages/
partiqlMultiAttributeIndex.test.ts, partiqlGrammar.test.ts (live service, 2026).
"""

from __future__ import annotations

from typing import Any

import pytest

from conformance.conftest import unique_name
from conformance.helpers import VALIDATION, assert_error, service_behaviour

SELECT_NEEDS_KEY = "Select statements within BatchExecuteStatement must specify the primary key in the where clause."
MULTI_ATTRIBUTE = (
    "PartiQL statements cannot be executed on tables with multi-attribute HASH keys or multi-attribute RANGE keys."
)
OVERLAPPING = "Overlapping conditions with range keys are not supported in where clause"
INDEX_SOURCE = "paritysuite/dynamodb-conformance tests/tier2/partiql/executeStatementIndex.test.ts (live service, 2026)"
MULTI_SOURCE = (
    "paritysuite/dynamodb-conformance tests/tier3/error-messages/partiqlMultiAttributeIndex.test.ts (live service, "
    "2026)"
)
BATCH_KEY_WORDED = service_behaviour("DynamoDB Local says 'Only single item select is supported'", source=INDEX_SOURCE)
MULTI_WORDED = service_behaviour(
    "DynamoDB Local says 'composite' where the service says 'multi-attribute'", source=MULTI_SOURCE
)


def _strings(*names: str) -> list[dict[str, str]]:
    return [{"AttributeName": name, "AttributeType": "S"} for name in names]


def _key(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"AttributeName": name, "KeyType": kind} for name, kind in pairs]


def _index(name: str, *pairs: tuple[str, str], projection: Any = None) -> dict[str, Any]:
    return {"IndexName": name, "KeySchema": _key(*pairs), "Projection": projection or {"ProjectionType": "ALL"}}


# --- index-qualified SELECT ------------------------------------------------------------------


@pytest.fixture
def indexed(ddb: Any) -> str:
    """pk/sk; gsi1 on g (ALL), gsi2 on g/l2 (INCLUDE data), lsi1 on l1 (ALL), lsi2 on l2 (INCLUDE l1)."""
    name = unique_name()
    ddb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=_strings("pk", "sk", "g", "l1", "l2"),
        KeySchema=_key(("pk", "HASH"), ("sk", "RANGE")),
        GlobalSecondaryIndexes=[
            {"IndexName": "gsi1", "KeySchema": _key(("g", "HASH")), "Projection": {"ProjectionType": "ALL"}},
            {
                "IndexName": "gsi2",
                "KeySchema": _key(("g", "HASH"), ("l2", "RANGE")),
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["data"]},
            },
        ],
        LocalSecondaryIndexes=[
            _index("lsi1", ("pk", "HASH"), ("l1", "RANGE")),
            {
                "IndexName": "lsi2",
                "KeySchema": _key(("pk", "HASH"), ("l2", "RANGE")),
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["l1"]},
            },
        ],
    )
    item = {"pk": "p", "sk": "s1", "g": "ga", "l1": "la", "l2": "lb", "data": "one", "alternate": "x", "mymap": "y"}
    ddb.put_item(TableName=name, Item={key: {"S": value} for key, value in item.items()})
    return name


def test_select_on_indexes(ddb: Any, indexed: str) -> None:
    by_partition = ddb.execute_statement(Statement=f"SELECT * FROM \"{indexed}\".\"gsi1\" WHERE g = 'ga'")["Items"]
    assert [item["pk"]["S"] for item in by_partition] == ["p"]
    scanned = ddb.execute_statement(Statement=f"SELECT * FROM \"{indexed}\".\"gsi1\" WHERE pk = 'p'")["Items"]
    assert [item["sk"]["S"] for item in scanned] == ["s1"]
    consistent = ddb.execute_statement(
        Statement=f"SELECT * FROM \"{indexed}\".\"lsi1\" WHERE pk = 'p'", ConsistentRead=True
    )
    assert len(consistent["Items"]) == 1


def test_a_local_index_reaches_the_table_item(ddb: Any, indexed: str) -> None:
    statement = f"SELECT data FROM \"{indexed}\".\"lsi2\" WHERE pk = 'p' AND l2 = 'lb'"
    assert ddb.execute_statement(Statement=statement)["Items"] == [{"data": {"S": "one"}}]


def test_a_global_index_refuses_attributes_it_does_not_project(ddb: Any, indexed: str) -> None:
    assert_error(
        lambda: ddb.execute_statement(Statement=f'SELECT alternate FROM "{indexed}"."gsi2"'),
        VALIDATION,
        "One or more parameter values were invalid: Global secondary index gsi2 does not project [alternate]",
    )


@service_behaviour("DynamoDB Local lists the attributes in another order", source=INDEX_SOURCE)
def test_a_global_index_lists_the_attributes_it_does_not_project_in_order(ddb: Any, indexed: str) -> None:
    assert_error(
        lambda: ddb.execute_statement(Statement=f"SELECT alternate, mymap FROM \"{indexed}\".\"gsi2\" WHERE g = 'ga'"),
        VALIDATION,
        "One or more parameter values were invalid: Global secondary index gsi2 does not project [alternate, mymap]",
    )


@BATCH_KEY_WORDED
def test_a_batch_select_names_an_item_by_its_primary_key(ddb: Any, indexed: str) -> None:
    response = ddb.batch_execute_statement(
        Statements=[
            {"Statement": f"SELECT * FROM \"{indexed}\".\"gsi1\" WHERE g = 'ga'"},
            {"Statement": f"SELECT * FROM \"{indexed}\" WHERE pk = 'p'"},
            {"Statement": f"SELECT data FROM \"{indexed}\" WHERE pk = 'p' AND sk = 's1'"},
        ]
    )
    refused = {"Error": {"Code": "ValidationError", "Message": SELECT_NEEDS_KEY}}
    assert response["Responses"] == [refused, refused, {"TableName": indexed, "Item": {"data": {"S": "one"}}}]


# --- indexes with multi-attribute keys -------------------------------------------------------


@pytest.fixture
def multi(ddb: Any) -> str:
    """id/sk; "multi" on (h1, h2)/(r1, r2), "half" on (h1, h2)/r1, "single" on g, "local" on l."""
    name = unique_name()
    ddb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=_strings("id", "sk", "h1", "h2", "r1", "r2", "g", "l"),
        KeySchema=_key(("id", "HASH"), ("sk", "RANGE")),
        GlobalSecondaryIndexes=[
            {
                "IndexName": "multi",
                "KeySchema": _key(("h1", "HASH"), ("h2", "HASH"), ("r1", "RANGE"), ("r2", "RANGE")),
                "Projection": {"ProjectionType": "ALL"},
            },
            {
                "IndexName": "half",
                "KeySchema": _key(("h1", "HASH"), ("h2", "HASH"), ("r1", "RANGE")),
                "Projection": {"ProjectionType": "ALL"},
            },
            {"IndexName": "single", "KeySchema": _key(("g", "HASH")), "Projection": {"ProjectionType": "ALL"}},
        ],
        LocalSecondaryIndexes=[
            _index("local", ("id", "HASH"), ("l", "RANGE"))
        ],
    )
    item = {"id": "i1", "sk": "s", "h1": "a", "h2": "x", "r1": "m", "r2": "n", "g": "g1", "l": "l1"}
    ddb.put_item(TableName=name, Item={key: {"S": value} for key, value in item.items()})
    return name


@MULTI_WORDED
@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM \"{t}\".\"multi\" WHERE h1 = 'a'",
        "SELECT id FROM \"{t}\".\"multi\" WHERE h1 = 'a' AND h2 = 'x' ORDER BY r1 DESC",
        "SELECT * FROM \"{t}\".\"half\" WHERE h1 = 'a' AND h2 = 'x'",
        # Reported ahead of a key of the wrong type, a WHERE without the key, no WHERE and COUNT(*).
        'SELECT * FROM "{t}"."half" WHERE h1 = 5',
        "SELECT * FROM \"{t}\".\"half\" WHERE id = 'i1'",
        'SELECT * FROM "{t}"."half"',
        'SELECT COUNT(*) FROM "{t}"."half"',
    ],
)
def test_partiql_refuses_an_index_with_a_multi_attribute_key(ddb: Any, multi: str, statement: str) -> None:
    assert_error(lambda: ddb.execute_statement(Statement=statement.format(t=multi)), VALIDATION, MULTI_ATTRIBUTE)


def test_the_rest_of_the_table_still_runs(ddb: Any, multi: str) -> None:
    for source, where in (("", "id = 'i1'"), ('."single"', "g = 'g1'"), ('."local"', "id = 'i1'")):
        assert len(ddb.execute_statement(Statement=f'SELECT * FROM "{multi}"{source} WHERE {where}')["Items"]) == 1
    ddb.execute_statement(Statement=f"INSERT INTO \"{multi}\" VALUE {{'id': 'n1', 'sk': 's'}}")
    ddb.execute_statement(Statement=f"UPDATE \"{multi}\" SET a = 1 WHERE id = 'i1' AND sk = 's'")
    ddb.execute_statement(Statement=f"DELETE FROM \"{multi}\" WHERE id = 'zz' AND sk = 's'")
    item = ddb.get_item(TableName=multi, Key={"id": {"S": "i1"}, "sk": {"S": "s"}}, ConsistentRead=True)["Item"]
    assert item["a"] == {"N": "1"}
    assert "Item" in ddb.get_item(TableName=multi, Key={"id": {"S": "n1"}, "sk": {"S": "s"}})


@service_behaviour(
    "DynamoDB Local puts the statement itself after 'Statement wasn't well formed, can't be processed: ' and "
    "says 'A value provided cannot be converted into a number'",
    source=MULTI_SOURCE,
)
def test_what_is_reported_ahead_of_the_refusal(ddb: Any, multi: str) -> None:
    malformed = "Statement wasn't well formed, can't be processed: "
    for statement, message in [
        (f'SELECT * FROM "{multi}"."half" WHERE', malformed + "Unexpected term"),
        (f'SELECT * FROM "{multi}"."half" WHERE h1 = 1e99999999999', malformed),
    ]:
        assert_error(lambda statement=statement: ddb.execute_statement(Statement=statement), VALIDATION, message)
    assert_error(
        lambda: ddb.execute_statement(
            Statement=f'SELECT * FROM "{multi}"."half" WHERE h1 = ?', Parameters=[{"N": "1e99999999999"}]
        ),
        VALIDATION,
        "The parameter cannot be converted to a numeric value: 1e99999999999",
    )


@MULTI_WORDED
def test_a_batch_fails_only_the_statement_reading_such_an_index(ddb: Any, multi: str) -> None:
    response = ddb.batch_execute_statement(
        Statements=[
            {"Statement": f"SELECT * FROM \"{multi}\".\"single\" WHERE g = 'g1'"},
            {"Statement": f"SELECT * FROM \"{multi}\".\"half\" WHERE h1 = 'a' AND h2 = 'x' AND r1 = 'm'"},
            {"Statement": f"SELECT id FROM \"{multi}\" WHERE id = 'i1' AND sk = 's'"},
        ]
    )
    assert response["Responses"] == [
        {"Error": {"Code": "ValidationError", "Message": SELECT_NEEDS_KEY}},
        {"Error": {"Code": "ValidationError", "Message": MULTI_ATTRIBUTE}},
        {"TableName": multi, "Item": {"id": {"S": "i1"}}},
    ]


# --- OR-ed branches and the sort key ---------------------------------------------------------


@pytest.fixture
def ranged(make_table: Any, ddb: Any) -> str:
    name = make_table(range_key="S")
    for sk in "123":
        ddb.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"S": sk}})
    return name


@pytest.mark.parametrize(
    ("branch", "expected"),
    [
        ("pk = 'p' AND NOT sk = '1'", ["2", "3"]),
        ("pk = 'p' AND sk <> '1'", ["2", "3"]),
        ("pk = 'p' AND NOT begins_with(sk, 'x')", ["1", "2", "3"]),
        ("pk = 'p' AND NOT sk IN ['1', '3']", ["2"]),
        ("pk = 'p' AND NOT sk > '5'", ["1", "2", "3"]),
        ("pk = 'p' AND NOT (sk = '1')", ["2", "3"]),
        ("pk = 'p' AND sk = '1'", ["1", "2"]),
        ("pk = 'p' AND sk > '2'", ["2", "3"]),
    ],
)
def test_or_branches_that_run(ddb: Any, ranged: str, branch: str, expected: list[str]) -> None:
    statement = f"SELECT * FROM \"{ranged}\" WHERE {branch} OR pk = 'p' AND sk = '2'"
    items = ddb.execute_statement(Statement=statement, ConsistentRead=True)["Items"]
    assert sorted(item["sk"]["S"] for item in items) == expected


def test_a_partition_branch_beside_a_negated_sort_key_branch_runs(ddb: Any, ranged: str) -> None:
    statement = f"SELECT * FROM \"{ranged}\" WHERE pk = 'p' OR pk = 'p' AND NOT sk = '1'"
    assert len(ddb.execute_statement(Statement=statement, ConsistentRead=True)["Items"]) == 3


@service_behaviour(
    "DynamoDB Local runs such a statement",
    source="paritysuite/dynamodb-conformance tests/tier3/error-messages/partiqlGrammar.test.ts and "
    "tests/tier2/partiql/whereOverlap.test.ts (live service, 2026)",
)
@pytest.mark.parametrize(
    "branch", ["pk = 'p' AND x = '1'", "pk = 'p' AND x <> '1'", "pk = 'p'", "pk = 'p' AND sk BETWEEN '1' AND '3'"]
)
def test_or_branches_whose_sort_key_ranges_overlap_are_refused(ddb: Any, ranged: str, branch: str) -> None:
    statement = f"SELECT * FROM \"{ranged}\" WHERE {branch} OR pk = 'p' AND sk = '2'"
    assert_error(lambda: ddb.execute_statement(Statement=statement), VALIDATION, OVERLAPPING)

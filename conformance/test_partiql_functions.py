"""PartiQL's functions and comparisons: attribute_exists, size and attribute_type in a WHERE (a
condition on a write), IS with a type, set_add and set_delete in an UPDATE, equality on sets,
lists and maps, and DynamoDB's words for the forms it refuses.

Service facts: paritysuite/dynamodb-conformance tests/tier2/partiql/whereFunctions.test.ts,
setFunctions.test.ts, comparison.test.ts and tests/tier3/error-messages/partiqlFunctions.test.ts
(live service, 2026).
"""

from __future__ import annotations

from typing import Any

import pytest

from conformance.helpers import VALIDATION, assert_error, cases, service_behaviour, strip_metadata

FAILED = ("ConditionalCheckFailedException", "The conditional request failed")
MALFORMED = "Statement wasn't well formed, can't be processed: "
FUNCTIONS_SOURCE = (
    "paritysuite/dynamodb-conformance tests/tier3/error-messages/partiqlFunctions.test.ts (live service, 2026)"
)
NO_PLACE = service_behaviour(
    "DynamoDB Local does not give the place ('at line:column:length') of an unknown function or of a set "
    "function's first argument",
    source=FUNCTIONS_SOURCE,
)
SELECT_NEEDS_KEY = "Select statements within BatchExecuteStatement must specify the primary key in the where clause."
ITEM = {
    "pk": {"S": "item"},
    "ss": {"SS": ["a", "b", "c"]},
    "ns": {"NS": ["1", "2", "3"]},
    "s": {"S": "str"},
    "m": {"M": {"sub": {"S": "x"}, "inner": {"SS": ["x"]}}},
    "nul": {"NULL": True},
    "flag": {"BOOL": True},
}


@pytest.fixture
def table(make_table: Any, ddb: Any) -> str:
    name = make_table()
    ddb.put_item(TableName=name, Item=ITEM)
    for key in ("w1", "w2", "w3"):
        ddb.put_item(TableName=name, Item={"pk": {"S": key}, "a": {"N": "5"}})
    return name


def _matches(ddb: Any, table: str, condition: str) -> bool:
    """Whether the seeded item meets a condition."""
    statement = f"SELECT * FROM \"{table}\" WHERE pk = 'item' AND {condition}"
    return len(ddb.execute_statement(Statement=statement, ConsistentRead=True)["Items"]) == 1


def _stored(ddb: Any, table: str, key: str) -> Any:
    return ddb.get_item(TableName=table, Key={"pk": {"S": key}}, ConsistentRead=True).get("Item")


# --- functions and IS in a WHERE -------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "holds"),
    [
        ("attribute_exists(ss)", True),
        ("attribute_exists(nope)", False),
        ("attribute_not_exists(nope)", True),
        ("attribute_not_exists(ss)", False),
        ("NOT attribute_exists(nope)", True),
        ("ATTRIBUTE_EXISTS(ss)", True),
        ("(attribute_exists(nope) OR attribute_exists(ss))", True),
        ("attribute_exists(ss) = true", True),
        ("attribute_exists(ss) = false", False),
        ("true <> attribute_exists(nope)", True),
        ('attribute_exists("ss")', True),
        ("attribute_exists(m.sub)", True),
        ("attribute_exists(m.nope)", False),
        ("size(s) = 3", True),
        ("size(s) = 4", False),
        ("attribute_type(ss, 'SS')", True),
        ("attribute_type(ss, 'S')", False),
    ],
)
def test_condition_functions_filter_a_select(ddb: Any, table: str, condition: str, holds: bool) -> None:
    assert _matches(ddb, table, condition) is holds


@pytest.mark.parametrize(
    ("condition", "holds"),
    [
        ("nul IS NULL", True),
        ("s IS NULL", False),
        ("s IS NOT NULL", True),
        ("nul IS NOT NULL", False),
        ("flag IS BOOL", True),
        ("flag IS BOOLEAN", True),
        ("s IS STRING", True),
        ("s IS BOOL", False),
        ("s IS NOT STRING", False),
        ("ss IS LIST", False),
        ("m IS STRUCT", True),
        ("m IS TUPLE", True),
        ("nope IS MISSING", True),
        ("s IS NOT MISSING", True),
    ],
)
def test_is_tests_a_type(ddb: Any, table: str, condition: str, holds: bool) -> None:
    assert _matches(ddb, table, condition) is holds


def test_a_function_filters_a_scan(ddb: Any, table: str) -> None:
    response = ddb.execute_statement(Statement=f'SELECT pk FROM "{table}" WHERE attribute_exists(flag)')
    assert response["Items"] == [{"pk": {"S": "item"}}]


def test_a_function_in_a_where_is_a_condition_on_the_write(ddb: Any, table: str) -> None:
    ddb.execute_statement(Statement=f"UPDATE \"{table}\" SET z = 1 WHERE pk = 'w1' AND attribute_exists(a)")
    assert _stored(ddb, table, "w1")["z"] == {"N": "1"}
    guarded = f"UPDATE \"{table}\" SET y = 1 WHERE pk = 'w2' AND attribute_not_exists(y)"
    ddb.execute_statement(Statement=guarded)
    assert_error(lambda: ddb.execute_statement(Statement=guarded.replace("y = 1", "y = 2")), *FAILED)
    assert _stored(ddb, table, "w2")["y"] == {"N": "1"}
    delete = f"DELETE FROM \"{table}\" WHERE pk = 'w3' AND attribute_exists(nope)"
    assert_error(lambda: ddb.execute_statement(Statement=delete), *FAILED)
    ddb.execute_statement(Statement=delete.replace("attribute_exists", "attribute_not_exists"))
    assert _stored(ddb, table, "w3") is None
    absent = f"UPDATE \"{table}\" SET z = 1 WHERE pk = 'absent' AND attribute_not_exists(pk)"
    assert_error(lambda: ddb.execute_statement(Statement=absent), *FAILED)
    assert _stored(ddb, table, "absent") is None
    transaction = [{"Statement": f"UPDATE \"{table}\" SET t = 1 WHERE pk = 'w1' AND attribute_exists(a)"}]
    assert strip_metadata(ddb.execute_transaction(TransactStatements=transaction)) == {"Responses": []}
    assert _stored(ddb, table, "w1")["t"] == {"N": "1"}


@service_behaviour(
    "DynamoDB Local names an IS type it does not test by its own, older names and reads INT4, INT8 and BIGINT "
    "as no type at all",
    source="DynamoDB Local 3.3.1's answer for the types it knows (the service's text is not recorded)",
)
def test_is_with_a_type_dynamodb_does_not_test(ddb: Any, table: str) -> None:
    statement = f"SELECT * FROM \"{table}\" WHERE pk = 'item' AND s IS INT4"
    assert_error(
        lambda: ddb.execute_statement(Statement=statement),
        VALIDATION,
        "Unsupported data type for IS operator: INTEGER4. Supported data types are [MISSING, NULL, BOOLEAN, BLOB, "
        f"STRING, NUMERIC, STRUCT, TUPLE, LIST] at 1:{statement.index(' IS ') + 2}:2",
    )


# --- set_add and set_delete ------------------------------------------------------------------


@pytest.fixture
def sets(make_table: Any, ddb: Any) -> str:
    name = make_table()
    item = {"ss": {"SS": ["a", "b", "c"]}, "ns": {"NS": ["1", "2", "3"]}, "bs": {"BS": [b"\x01", b"\x02"]}}
    for key in ("k", "tx", "batch"):
        ddb.put_item(TableName=name, Item={"pk": {"S": key}, **item})
    return name


def _members(ddb: Any, table: str, attribute: str, key: str = "k") -> list[Any] | None:
    value = (_stored(ddb, table, key) or {}).get(attribute)
    return None if value is None else sorted(next(iter(value.values())))


@pytest.mark.parametrize(
    ("update", "attribute", "members"),
    [
        ("ss = set_add(ss, <<'0', 'z'>>)", "ss", ["0", "a", "b", "c", "z"]),
        ("ns = set_add(ns, <<4, 1>>)", "ns", ["1", "2", "3", "4"]),
        ("ss = set_add(ss, <<'a'>>)", "ss", ["a", "b", "c"]),
        ("nss = set_add(nss, <<'x'>>)", "nss", ["x"]),
        ("ss = SET_ADD(ss, <<'x'>>)", "ss", ["a", "b", "c", "x"]),
        ("ss = set_delete(ss, <<'a'>>)", "ss", ["b", "c"]),
        ("ns = set_delete(ns, <<2>>)", "ns", ["1", "3"]),
        ("ss = set_delete(ss, <<'a', 'b', 'c'>>)", "ss", None),
        ("ss = set_delete(ss, <<'zz'>>)", "ss", ["a", "b", "c"]),
        ("nss = set_delete(nss, <<'a'>>)", "nss", None),
    ],
)
def test_set_functions(ddb: Any, sets: str, update: str, attribute: str, members: list[str] | None) -> None:
    ddb.execute_statement(Statement=f"UPDATE \"{sets}\" SET {update} WHERE pk = 'k'")
    assert _members(ddb, sets, attribute) == members


def test_set_functions_with_parameters_and_returning(ddb: Any, sets: str) -> None:
    ddb.execute_statement(
        Statement=f"UPDATE \"{sets}\" SET bs = set_add(bs, ?) WHERE pk = 'k'", Parameters=[{"BS": [b"\x01", b"\x03"]}]
    )
    assert _members(ddb, sets, "bs") == [b"\x01", b"\x02", b"\x03"]
    response = ddb.execute_statement(
        Statement=f"UPDATE \"{sets}\" SET ss = set_add(ss, <<'x'>>) SET ns = set_add(ns, <<9>>) WHERE pk = 'k' "
        "RETURNING ALL NEW *"
    )
    assert sorted(response["Items"][0]["ss"]["SS"]) == ["a", "b", "c", "x"]
    assert _members(ddb, sets, "ns") == ["1", "2", "3", "9"]
    assert_error(
        lambda: ddb.execute_statement(Statement=f"UPDATE \"{sets}\" SET ss = set_add(ss, <<'x'>>) WHERE pk = 'none'"),
        *FAILED,
    )
    assert _stored(ddb, sets, "none") is None


def test_set_functions_in_transactions_and_batches(ddb: Any, sets: str) -> None:
    update = f"UPDATE \"{sets}\" SET ss = set_add(ss, <<'t'>>) WHERE pk = '{{key}}'"
    ddb.execute_transaction(TransactStatements=[{"Statement": update.format(key="tx")}])
    response = ddb.batch_execute_statement(Statements=[{"Statement": update.format(key="batch")}])
    assert response["Responses"] == [{"TableName": sets}]
    assert _members(ddb, sets, "ss", "tx") == _members(ddb, sets, "ss", "batch") == ["a", "b", "c", "t"]


# --- comparisons on sets, lists and maps -----------------------------------------------------

# (type, stored, an equal value (sets and maps in another order), a different value)
COMPARED = [
    ("SS", {"SS": ["a", "b", "c"]}, {"SS": ["c", "a", "b"]}, {"SS": ["a", "b", "d"]}),
    ("NS", {"NS": ["1", "2", "3"]}, {"NS": ["3", "1", "2"]}, {"NS": ["1", "2", "4"]}),
    ("BS", {"BS": [b"\x01\x02", b"\x03\x04"]}, {"BS": [b"\x03\x04", b"\x01\x02"]}, {"BS": [b"\x01\x02", b"\x05"]}),
    ("L", {"L": [{"S": "a"}, {"S": "b"}]}, {"L": [{"S": "a"}, {"S": "b"}]}, {"L": [{"S": "b"}, {"S": "a"}]}),
    ("M", {"M": {"x": {"S": "1"}, "y": {"S": "2"}}}, {"M": {"y": {"S": "2"}, "x": {"S": "1"}}}, {"M": {}}),
    ("B", {"B": b"\x01\x02\x03"}, {"B": b"\x01\x02\x03"}, {"B": b"\x01\x02\x04"}),
    ("NULL", {"NULL": True}, {"NULL": True}, {"S": "not null"}),
]


@pytest.mark.parametrize(("stored", "same", "different"), cases(COMPARED))
def test_equality_on_every_type(ddb: Any, make_table: Any, stored: Any, same: Any, different: Any) -> None:
    name = make_table()
    ddb.put_item(TableName=name, Item={"pk": {"S": "k"}, "val": stored})

    def partiql(value: Any, op: str) -> bool:
        statement = f'SELECT pk FROM "{name}" WHERE pk = ? AND val {op} ?'
        return len(ddb.execute_statement(Statement=statement, Parameters=[{"S": "k"}, value])["Items"]) == 1

    def condition(value: Any, op: str) -> bool:
        try:
            ddb.update_item(
                TableName=name,
                Key={"pk": {"S": "k"}},
                UpdateExpression="SET marker = :m",
                ConditionExpression=f"val {op} :v",
                ExpressionAttributeValues={":m": {"N": "1"}, ":v": value},
            )
        except ddb.exceptions.ConditionalCheckFailedException:
            return False
        return True

    for value, equal in ((same, True), (different, False)):
        assert partiql(value, "=") is equal
        assert partiql(value, "<>") is not equal
        assert condition(value, "=") is equal and condition(value, "<>") is not equal


@pytest.mark.parametrize("operator", ["<", "<=", ">", ">="])
def test_ordering_operators_refuse_a_type_without_an_order(ddb: Any, table: str, operator: str) -> None:
    statement = f"SELECT pk FROM \"{table}\" WHERE pk = 'item' AND s {operator} ?"
    for value, kind in [({"BOOL": True}, "BOOL"), ({"L": [{"S": "a"}]}, "L"), ({"SS": ["a"]}, "SS")]:
        assert_error(
            lambda value=value: ddb.execute_statement(Statement=statement, Parameters=[value]),
            VALIDATION,
            f"Incorrect operand type for operator or function; operator or function: {operator}, operand type: {kind}",
        )
    assert ddb.execute_statement(Statement=statement, Parameters=[{"N": "5"}])["Items"] == []
    between = f"SELECT pk FROM \"{table}\" WHERE pk = 'item' AND s BETWEEN ? AND ?"
    assert_error(
        lambda: ddb.execute_statement(Statement=between, Parameters=[{"BOOL": True}, {"BOOL": False}]),
        VALIDATION,
        "Incorrect operand type for operator or function; operator or function: BETWEEN, operand type: BOOL",
    )


def test_a_write_conditioned_on_a_set_or_a_map(ddb: Any, table: str) -> None:
    update = f"UPDATE \"{table}\" SET touched = 'yes' WHERE pk = 'item' AND {{attribute}} = ?"
    ddb.execute_statement(Statement=update.format(attribute="ss"), Parameters=[{"SS": ["c", "b", "a"]}])
    assert _stored(ddb, table, "item")["touched"] == {"S": "yes"}
    assert_error(
        lambda: ddb.execute_statement(Statement=update.format(attribute="m"), Parameters=[{"M": {"sub": {"S": "y"}}}]),
        *FAILED,
    )


# --- the forms DynamoDB refuses --------------------------------------------------------------


def _at(statement: str, token: str, after: str = "") -> str:
    """Where DynamoDB places a token (the first after `after`): line 1, its column from 1, its length."""
    index = statement.index(token, statement.index(after) if after else 0)
    return f"1:{index + 1}:{len(token)}"


WHERE = "SELECT * FROM \"{t}\" WHERE pk = 'item' AND {condition}"
UPDATE = "UPDATE \"{t}\" SET {assignment} WHERE pk = 'item'"
TYPE_MISMATCH = "An operand in the update expression has an incorrect data type"

# (id, statement, message: {at:token}, {at:token:after} give a token's place)
REFUSED = [
    ("exists-literal", WHERE.format(t="{t}", condition="attribute_exists('ss')"),
     "Operator or function requires a document path; operator or function: attribute_exists"),
    ("exists-no-operand", WHERE.format(t="{t}", condition="attribute_exists()"),
     "Incorrect number of operands for operator or function; operator or function: attribute_exists, "
     "number of operands: 0"),
    ("exists-two-operands", WHERE.format(t="{t}", condition="attribute_exists(ss, ns)"),
     "Incorrect number of operands for operator or function; operator or function: attribute_exists, "
     "number of operands: 2"),
    ("exists-projected", "SELECT attribute_exists(ss) FROM \"{t}\" WHERE pk = 'item'",
     "Unexpected path component at {at:attribute_exists}"),
    ("set-add-string", UPDATE.format(t="{t}", assignment="ss = set_add(ss, 'x')"),
     "The second argument to SET_ADD must be a value with type SET at {at:ss:set_add(}"),
    ("set-add-list", UPDATE.format(t="{t}", assignment="ss = set_add(ss, ['x'])"),
     "The second argument to SET_ADD must be a value with type SET at {at:ss:set_add(}"),
    ("set-add-one-argument", UPDATE.format(t="{t}", assignment="ss = set_add(ss)"),
     "SET_ADD must have exactly two arguments at {at:set_add}"),
    ("set-add-three-arguments", UPDATE.format(t="{t}", assignment="ss = set_add(ss, <<'x'>>, <<'y'>>)"),
     "SET_ADD must have exactly two arguments at {at:set_add}"),
    ("set-add-number-to-strings", UPDATE.format(t="{t}", assignment="ss = set_add(ss, <<1>>)"), TYPE_MISMATCH),
    ("set-add-to-a-string", UPDATE.format(t="{t}", assignment="s = set_add(s, <<'x'>>)"), TYPE_MISMATCH),
    ("set-add-in-an-insert", "INSERT INTO \"{t}\" VALUE {{'pk': 'new', 'ss': set_add(<<'a'>>, <<'b'>>)}}",
     "Unsupported data type: set_add under key root at {at:set_add}"),
    ("set-delete-string", UPDATE.format(t="{t}", assignment="ss = set_delete(ss, 'a')"),
     "The second argument to SET_DELETE must be a value with type SET at {at:ss:set_delete(}"),
    ("set-delete-number-from-strings", UPDATE.format(t="{t}", assignment="ss = set_delete(ss, <<1>>)"),
     TYPE_MISMATCH),
    # Recorded by the service only; DynamoDB Local differs as each mark says.
    ("exists-is-no-function", WHERE.format(t="{t}", condition="EXISTS(ss)"),
     "Unrecognized function: exists at {at:EXISTS}"),
    ("set-add-in-a-where", WHERE.format(t="{t}", condition="set_add(ss, <<'x'>>) = ss"),
     "Unrecognized function: set_add at {at:set_add}"),
    ("unknown-function", "SELECT * FROM \"{t}\" WHERE foo(x)", "Unrecognized function: foo at {at:foo}"),
    ("set-add-to-another-attribute", UPDATE.format(t="{t}", assignment="t = set_add(ss, <<'x'>>)"),
     "The first argument to SET_ADD must equal the assignment value at {at:set_add}"),
    ("set-add-of-a-set", UPDATE.format(t="{t}", assignment="ss = set_add(<<'a'>>, <<'b'>>)"),
     "The first argument to SET_ADD must equal the assignment value at {at:set_add}"),
    ("set-delete-to-another-attribute", UPDATE.format(t="{t}", assignment="t = set_delete(ss, <<'a'>>)"),
     "The first argument to SET_DELETE must equal the assignment value at {at:set_delete}"),
    ("set-add-repeated-member", UPDATE.format(t="{t}", assignment="ss = set_add(ss, <<'x', 'x'>>)"),
     "One or more parameter values were invalid: Input collection [x, x] contains duplicates."),
    ("set-add-empty-set", UPDATE.format(t="{t}", assignment="ss = set_add(ss, <<>>)"),
     "Empty bags are not supported"),
    ("exists-through-a-reserved-word", WHERE.format(t="{t}", condition="attribute_exists(m.inner)"),
     MALFORMED + "Invalid path dot component"),
    ("set-add-through-a-reserved-word", UPDATE.format(t="{t}", assignment="m.inner = set_add(m.inner, <<'y'>>)"),
     MALFORMED + "Invalid path dot component"),
]  # fmt: skip
SYNTAX_WORDED = service_behaviour(
    "DynamoDB Local puts the statement itself after 'Statement wasn't well formed, can't be processed: '",
    source=FUNCTIONS_SOURCE,
)
REFUSED_MARKS = {
    "exists-is-no-function": NO_PLACE,
    "set-add-in-a-where": NO_PLACE,
    "unknown-function": NO_PLACE,
    "set-add-to-another-attribute": NO_PLACE,
    "set-add-of-a-set": NO_PLACE,
    "set-delete-to-another-attribute": NO_PLACE,
    "set-add-repeated-member": service_behaviour(
        "DynamoDB Local says 'Input collection contains duplicates'", source=FUNCTIONS_SOURCE
    ),
    "set-add-empty-set": service_behaviour(
        "DynamoDB Local places an empty set given to a set function ('at 1:35:2')", source=FUNCTIONS_SOURCE
    ),
    "exists-through-a-reserved-word": SYNTAX_WORDED,
    "set-add-through-a-reserved-word": SYNTAX_WORDED,
}


def _placed(statement: str, message: str) -> str:
    """`message` with each {at:token} or {at:token:after} replaced by the token's place."""
    while "{at:" in message:
        start = message.index("{at:")
        end = message.index("}", start)
        token, _, after = message[start + 4 : end].partition(":")
        message = message[:start] + _at(statement, token, after) + message[end + 1 :]
    return message


@pytest.mark.parametrize(("statement", "message"), cases(REFUSED, REFUSED_MARKS))
def test_refused_forms(ddb: Any, table: str, statement: str, message: str) -> None:
    text = statement.format(t=table)
    assert_error(lambda: ddb.execute_statement(Statement=text), VALIDATION, _placed(text, message))
    assert _stored(ddb, table, "item") == ITEM


def test_a_path_given_as_a_parameter_is_refused(ddb: Any, table: str) -> None:
    assert_error(
        lambda: ddb.execute_statement(
            Statement=WHERE.format(t=table, condition="attribute_exists(?)"), Parameters=[{"S": "ss"}]
        ),
        VALIDATION,
        "Operator or function requires a document path; operator or function: attribute_exists",
    )


def test_a_select_in_a_transaction_or_batch_names_its_item_by_key_alone(ddb: Any, table: str) -> None:
    select = WHERE.format(t=table, condition="attribute_exists(ss)")
    assert_error(
        lambda: ddb.execute_transaction(TransactStatements=[{"Statement": select}]),
        VALIDATION,
        "Validation failed in TransactStatements[0]: Select statements within ExecuteTransaction must specify the "
        "primary key in the where clause.",
    )
    exists = f"EXISTS(SELECT * FROM \"{table}\" WHERE pk = 'item')"
    update = f"UPDATE \"{table}\" SET z = 1 WHERE pk = 'w1'"
    assert_error(
        lambda: ddb.execute_transaction(TransactStatements=[{"Statement": exists}, {"Statement": update}]),
        VALIDATION,
        "Validation failed in TransactStatements[0]: EXISTS() must contain a single item read with additional "
        "condition",
    )


@service_behaviour("DynamoDB Local says 'Only single item select is supported'", source=FUNCTIONS_SOURCE)
def test_a_batch_select_with_a_further_condition(ddb: Any, table: str) -> None:
    select = WHERE.format(t=table, condition="attribute_exists(ss)")
    response = ddb.batch_execute_statement(Statements=[{"Statement": select}])
    assert response["Responses"] == [{"Error": {"Code": "ValidationError", "Message": SELECT_NEEDS_KEY}}]

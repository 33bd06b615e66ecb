"""Reserved words: every word of AWS's published list is refused as a bare attribute name in an
expression, in any letter case; names that are not on the list (`id`, `this`, ...) are accepted.

The list below is AWS's, word for word ("Reserved words in DynamoDB",
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ReservedWords.html). It is kept
here, apart from dynasim's own copy, so that a word missing from or added to dynasim's copy fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conformance import indexes_support
from conformance.helpers import VALIDATION, WRITE_ENVELOPE, assert_error, enveloped, service_behaviour
from conformance.indexes_support import create_table

module_backend = indexes_support.module_backend
module_ddb = indexes_support.module_ddb

AWS_RESERVED_WORDS = """
ABORT ABSOLUTE ACTION ADD AFTER AGENT AGGREGATE ALL ALLOCATE ALTER ANALYZE AND ANY ARCHIVE ARE ARRAY AS
ASC ASCII ASENSITIVE ASSERTION ASYMMETRIC AT ATOMIC ATTACH ATTRIBUTE AUTH AUTHORIZATION AUTHORIZE AUTO AVG
BACK BACKUP BASE BATCH BEFORE BEGIN BETWEEN BIGINT BINARY BIT BLOB BLOCK BOOLEAN BOTH BREADTH BUCKET BULK
BY BYTE CALL CALLED CALLING CAPACITY CASCADE CASCADED CASE CAST CATALOG CHAR CHARACTER CHECK CLASS CLOB
CLOSE CLUSTER CLUSTERED CLUSTERING CLUSTERS COALESCE COLLATE COLLATION COLLECTION COLUMN COLUMNS COMBINE
COMMENT COMMIT COMPACT COMPILE COMPRESS CONDITION CONFLICT CONNECT CONNECTION CONSISTENCY CONSISTENT
CONSTRAINT CONSTRAINTS CONSTRUCTOR CONSUMED CONTINUE CONVERT COPY CORRESPONDING COUNT COUNTER CREATE CROSS
CUBE CURRENT CURSOR CYCLE DATA DATABASE DATE DATETIME DAY DEALLOCATE DEC DECIMAL DECLARE DEFAULT DEFERRABLE
DEFERRED DEFINE DEFINED DEFINITION DELETE DELIMITED DEPTH DEREF DESC DESCRIBE DESCRIPTOR DETACH
DETERMINISTIC DIAGNOSTICS DIRECTORIES DISABLE DISCONNECT DISTINCT DISTRIBUTE DO DOMAIN DOUBLE DROP DUMP
DURATION DYNAMIC EACH ELEMENT ELSE ELSEIF EMPTY ENABLE END EQUAL EQUALS ERROR ESCAPE ESCAPED EVAL EVALUATE
EXCEEDED EXCEPT EXCEPTION EXCEPTIONS EXCLUSIVE EXEC EXECUTE EXISTS EXIT EXPLAIN EXPLODE EXPORT EXPRESSION
EXTENDED EXTERNAL EXTRACT FAIL FALSE FAMILY FETCH FIELDS FILE FILTER FILTERING FINAL FINISH FIRST FIXED
FLATTERN FLOAT FOR FORCE FOREIGN FORMAT FORWARD FOUND FREE FROM FULL FUNCTION FUNCTIONS GENERAL GENERATE
GET GLOB GLOBAL GO GOTO GRANT GREATER GROUP GROUPING HANDLER HASH HAVE HAVING HEAP HIDDEN HOLD HOUR
IDENTIFIED IDENTITY IF IGNORE IMMEDIATE IMPORT IN INCLUDING INCLUSIVE INCREMENT INCREMENTAL INDEX INDEXED
INDEXES INDICATOR INFINITE INITIALLY INLINE INNER INNTER INOUT INPUT INSENSITIVE INSERT INSTEAD INT INTEGER
INTERSECT INTERVAL INTO INVALIDATE IS ISOLATION ITEM ITEMS ITERATE JOIN KEY KEYS LAG LANGUAGE LARGE LAST
LATERAL LEAD LEADING LEAVE LEFT LENGTH LESS LEVEL LIKE LIMIT LIMITED LINES LIST LOAD LOCAL LOCALTIME
LOCALTIMESTAMP LOCATION LOCATOR LOCK LOCKS LOG LOGED LONG LOOP LOWER MAP MATCH MATERIALIZED MAX MAXLEN
MEMBER MERGE METHOD METRICS MIN MINUS MINUTE MISSING MOD MODE MODIFIES MODIFY MODULE MONTH MULTI MULTISET
NAME NAMES NATIONAL NATURAL NCHAR NCLOB NEW NEXT NO NONE NOT NULL NULLIF NUMBER NUMERIC OBJECT OF OFFLINE
OFFSET OLD ON ONLINE ONLY OPAQUE OPEN OPERATOR OPTION OR ORDER ORDINALITY OTHER OTHERS OUT OUTER OUTPUT
OVER OVERLAPS OVERRIDE OWNER PAD PARALLEL PARAMETER PARAMETERS PARTIAL PARTITION PARTITIONED PARTITIONS
PATH PERCENT PERCENTILE PERMISSION PERMISSIONS PIPE PIPELINED PLAN POOL POSITION PRECISION PREPARE
PRESERVE PRIMARY PRIOR PRIVATE PRIVILEGES PROCEDURE PROCESSED PROJECT PROJECTION PROPERTY PROVISIONING
PUBLIC PUT QUERY QUIT QUORUM RAISE RANDOM RANGE RANK RAW READ READS REAL REBUILD RECORD RECURSIVE REDUCE
REF REFERENCE REFERENCES REFERENCING REGEXP REGION REINDEX RELATIVE RELEASE REMAINDER RENAME REPEAT
REPLACE REQUEST RESET RESIGNAL RESOURCE RESPONSE RESTORE RESTRICT RESULT RETURN RETURNING RETURNS REVERSE
REVOKE RIGHT ROLE ROLES ROLLBACK ROLLUP ROUTINE ROW ROWS RULE RULES SAMPLE SATISFIES SAVE SAVEPOINT SCAN
SCHEMA SCOPE SCROLL SEARCH SECOND SECTION SEGMENT SEGMENTS SELECT SELF SEMI SENSITIVE SEPARATE SEQUENCE
SERIALIZABLE SESSION SET SETS SHARD SHARE SHARED SHORT SHOW SIGNAL SIMILAR SIZE SKEWED SMALLINT SNAPSHOT
SOME SOURCE SPACE SPACES SPARSE SPECIFIC SPECIFICTYPE SPLIT SQL SQLCODE SQLERROR SQLEXCEPTION SQLSTATE
SQLWARNING START STATE STATIC STATUS STORAGE STORE STORED STREAM STRING STRUCT STYLE SUB SUBMULTISET
SUBPARTITION SUBSTRING SUBTYPE SUM SUPER SYMMETRIC SYNONYM SYSTEM TABLE TABLESAMPLE TEMP TEMPORARY
TERMINATED TEXT THAN THEN THROUGHPUT TIME TIMESTAMP TIMEZONE TINYINT TO TOKEN TOTAL TOUCH TRAILING
TRANSACTION TRANSFORM TRANSLATE TRANSLATION TREAT TRIGGER TRIM TRUE TRUNCATE TTL TUPLE TYPE UNDER UNDO
UNION UNIQUE UNIT UNKNOWN UNLOGGED UNNEST UNPROCESSED UNSIGNED UNTIL UPDATE UPPER URL USAGE USE USER USERS
USING UUID VACUUM VALUE VALUED VALUES VARCHAR VARIABLE VARIANCE VARINT VARYING VIEW VIEWS VIRTUAL VOID
WAIT WHEN WHENEVER WHERE WHILE WINDOW WITH WITHIN WITHOUT WORK WRAPPED WRITE YEAR ZONE
""".split()

# Words the expression grammar reads as keywords: as a name they are a syntax error at the word.
KEYWORDS = frozenset({"ADD", "AND", "BETWEEN", "DELETE", "IN", "NOT", "OR", "SET"})
# Reserved by the service; DynamoDB Local accepts them (see test_size_and_convert_are_reserved).
LOCAL_ACCEPTS = frozenset({"CONVERT", "SIZE"})

CASES: dict[str, Callable[[str], str]] = {
    "lower": str.lower,
    "upper": str.upper,
    "mixed": lambda word: "".join(c.lower() if i % 2 else c.upper() for i, c in enumerate(word)),
}


def test_the_list_is_awss():
    assert len(AWS_RESERVED_WORDS) == 573
    assert AWS_RESERVED_WORDS == sorted(AWS_RESERVED_WORDS)


@pytest.fixture(scope="module")
def table(module_ddb) -> str:
    return create_table(module_ddb, range_name=None)


def refusal(ddb: Any, table: str, name: str) -> str | None:
    """The message refusing `name` as a ProjectionExpression, or None if it is accepted."""
    try:
        ddb.get_item(TableName=table, Key={"pk": {"S": "k"}}, ProjectionExpression=name)
    except ddb.exceptions.ClientError as error:
        assert error.response["Error"]["Code"] == VALIDATION
        return error.response["Error"]["Message"]
    return None


def expected_refusal(name: str) -> str:
    if name.upper() in KEYWORDS:
        return f'Invalid ProjectionExpression: Syntax error; token: "{name}", near: "{name}"'
    return f"Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: {name}"


@pytest.mark.parametrize("case", list(CASES))
def test_every_reserved_word_is_refused(module_ddb, table, case):
    words = [CASES[case](word) for word in AWS_RESERVED_WORDS if word not in LOCAL_ACCEPTS]
    wrong = {word: got for word in words if (got := refusal(module_ddb, table, word)) != expected_refusal(word)}
    assert wrong == {}


@service_behaviour(
    "DynamoDB Local accepts SIZE and CONVERT as attribute names",
    source="AWS Developer Guide, Reserved words in DynamoDB (lists SIZE and CONVERT); "
    "architect/dynalite validations/index.js RESERVED_WORDS, checked against the service",
)
@pytest.mark.parametrize("case", list(CASES))
def test_size_and_convert_are_reserved(module_ddb, table, case):
    for word in sorted(LOCAL_ACCEPTS):
        name = CASES[case](word)
        assert refusal(module_ddb, table, name) == expected_refusal(name)


@pytest.mark.parametrize(
    "name", ["id", "ID", "Id", "this", "THIS", "userId", "sizes", "converted", "statuses", "names_", "a1"]
)
def test_names_off_the_list_are_accepted(module_ddb, table, name):
    assert refusal(module_ddb, table, name) is None


def test_size_stays_a_function_and_reserved_words_go_through_placeholders(module_ddb, table):
    module_ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "size": {"S": "abc"}, "status": {"N": "1"}})
    module_ddb.delete_item(
        TableName=table,
        Key={"pk": {"S": "k"}},
        ConditionExpression="size(#s) = :three AND #st = :one",
        ExpressionAttributeNames={"#s": "size", "#st": "status"},
        ExpressionAttributeValues={":three": {"N": "3"}, ":one": {"N": "1"}},
    )
    assert "Item" not in module_ddb.get_item(TableName=table, Key={"pk": {"S": "k"}})


@pytest.mark.parametrize(
    ("kind", "expression", "word"),
    [
        ("UpdateExpression", "SET a = :v, status = :v", "status"),
        ("ConditionExpression", "attribute_exists(a.b.Data)", "Data"),
        ("ConditionExpression", "a[0].Name = :v", "Name"),
    ],
)
@WRITE_ENVELOPE
def test_reserved_word_anywhere_in_a_path(module_ddb, table, kind, expression, word):
    request: dict[str, Any] = {"TableName": table, "Key": {"pk": {"S": "k"}}, kind: expression}
    if ":v" in expression:
        request["ExpressionAttributeValues"] = {":v": {"N": "1"}}
    assert_error(
        lambda: module_ddb.update_item(**request),
        VALIDATION,
        enveloped(f"Invalid {kind}: Attribute name is a reserved keyword; reserved keyword: {word}"),
    )


@pytest.fixture(scope="module")
def id_table(module_ddb) -> str:
    return create_table(module_ddb, hash_name="id", range_name=None)


def test_id_as_key_in_every_expression(module_ddb, id_table):
    """`id` is not reserved: the commonest key name works bare in every kind of expression."""
    key = {"id": {"S": "1"}}
    module_ddb.put_item(
        TableName=id_table, Item={**key, "this": {"N": "1"}}, ConditionExpression="attribute_not_exists(id)"
    )
    module_ddb.update_item(
        TableName=id_table,
        Key=key,
        UpdateExpression="SET this = this + :one",
        ConditionExpression="attribute_exists(id)",
        ExpressionAttributeValues={":one": {"N": "1"}},
    )
    assert module_ddb.get_item(TableName=id_table, Key=key, ProjectionExpression="id, this")["Item"] == {
        **key,
        "this": {"N": "2"},
    }
    found = module_ddb.query(
        TableName=id_table,
        KeyConditionExpression="id = :id",
        FilterExpression="this > :one",
        ProjectionExpression="this",
        ExpressionAttributeValues={":id": {"S": "1"}, ":one": {"N": "1"}},
    )
    assert found["Items"] == [{"this": {"N": "2"}}]

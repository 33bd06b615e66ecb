"""Shared helpers and DynamoDB's error messages, verbatim as DynamoDB Local returns them."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_example(heading: str) -> str:
    """The first Python code block of the README after `heading` (a line of its own)."""
    text = README.read_text()
    section = text[text.index(f"\n{heading}\n") :]
    found = re.search(r"```python\n(.*?)```", section, re.S)
    assert found is not None, f"no Python example after {heading!r}"
    return found.group(1)


VALIDATION = "ValidationException"
NOT_FOUND = "ResourceNotFoundException"
IN_USE = "ResourceInUseException"

# Table-level messages.
# A missing table: data-plane operations say only this; the control plane names the table.
TABLE_NOT_FOUND = "Requested resource not found"


def table_not_found_named(name: str) -> str:
    return f"Requested resource not found: Table: {name} not found"


def table_exists(name: str) -> str:
    return f"Table already exists: {name}"


TABLE_NAME_PATTERN = "must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
TABLE_NAME_LENGTH = "TableName must be at least 3 characters long and at most 255 characters long"
# CreateTable's key schema (dynalite's live-service tests; the service's catalogue recorded in 2026).
NO_DEFINITION = "Invalid KeySchema: Some index key attribute have no definition"
FIRST_NOT_HASH = "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"
SECOND_NOT_RANGE = "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"
DEFINITIONS_MISMATCH = (
    "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of "
    "attributes defined in AttributeDefinitions"
)


def keys_not_defined(keys: list[str], definitions: list[str]) -> str:
    return (
        "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. "
        f"Keys: [{', '.join(keys)}], AttributeDefinitions: [{', '.join(definitions)}]"
    )


def duplicated(name: str) -> str:
    return f"Attribute Name is duplicated: {name}"


KEY_NAME_LENGTH = (
    "Names of key attributes and attributes projected into an index must be between 1 and 255 characters, inclusive"
)
NO_THROUGHPUT = (
    "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when "
    "BillingMode is PROVISIONED"
)
NOTHING_TO_UPDATE = "Nothing to update"
SAME_THROUGHPUT = "The requested throughput value equals the current value"
DELETION_PROTECTED = (
    "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first."
)

# Query key conditions, ExclusiveStartKey and index keys.
MISSED_KEY_SOURCE = (
    "architect/dynalite test/query.js ('Query condition missed key schema element: a'); getmoto/moto "
    "moto/dynamodb/parsing/key_condition_expression.py; AWS CLI output quoted at https://openillumi.com/?p=53330"
)
KEY_CONDITION_NOT_SUPPORTED = "Query key condition not supported"
ONE_CONDITION_PER_KEY = "KeyConditionExpressions must only contain one condition per key"
CONDITION_TYPE_MISMATCH = (
    "One or more parameter values were invalid: Condition parameter type does not match schema type"
)
START_KEY_PREDICATE = "The provided starting key does not match the range key predicate"
START_KEY_INVALID = "The provided starting key is invalid"
INDEX_KEY_TYPE_MISMATCH = "One or more parameter values were invalid: Type mismatch for Index Key"

# Item-level messages.
# A request's Key that is not exactly the table's key (DynamoDB Local: "One of the required keys was not
# given a value", "The number of conditions on the keys is invalid", "...Type mismatch for key", "Invalid
# attribute value type"); an item to write names the attribute (see missing_key, key_type_mismatch).
KEY_SCHEMA_MISMATCH = "The provided key element does not match the schema"
HASH_KEY_TOO_LARGE = (
    "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes"
)
RANGE_KEY_TOO_LARGE = (
    "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit "
    "of 1024 bytes"
)
INVALID_KEY_VALUE_TYPE = "Invalid attribute value type"  # a secondary-index key of a non-key type
# PutItem's and DeleteItem's ReturnValues of the enum that they do not take (architect/dynalite test/putItem.js;
# paritysuite/dynamodb-conformance tests/tier3/error-messages/deleteItem.test.ts, 2026, enveloped).
RETURN_VALUES_NOT_OLD = "ReturnValues can only be ALL_OLD or NONE"
ITEM_TOO_LARGE = "Item size has exceeded the maximum allowed size"
NESTING_TOO_DEEP = (
    "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit"
)
EMPTY_ATTRIBUTE_NAME = "Empty attribute name"
EMPTY_VALUE = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
MULTIPLE_TYPES = (
    "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
)
NULL_NOT_TRUE = "One or more parameter values were invalid: Null attribute value types must have the value of true"
EMPTY_SS = "One or more parameter values were invalid: An string set  may not be empty"
EMPTY_NS = "One or more parameter values were invalid: An number set  may not be empty"
EMPTY_BS = "One or more parameter values were invalid: Binary sets should not be empty"
# A malformed number or a repeated set member: DynamoDB words these by the value check the operation
# runs (the current one on PutItem, UpdateItem and DeleteItem, inside the envelope, and on GetItem,
# BatchGetItem and Query, bare; the older one on BatchWriteItem, transactions and Scan).
ENVELOPE = "1 validation error detected: "
NUMBER_OVERFLOW = "Number overflow. Attempting to store a number with magnitude larger than supported range"
NUMBER_UNDERFLOW = (
    "Number underflow. Attempting to store a number with magnitude smaller than supported range"
)
NUMBER_PRECISION = "Attempting to store more than 38 significant digits in a Number"
NS_DUPLICATES = "One or more parameter values were invalid: Input collection contains duplicates."
NS_DUPLICATES_OLDER = "Input collection contains duplicates"

# Legacy conditions (Expected, QueryFilter, ScanFilter, KeyConditions).
LEGACY_MIXED_TYPES = (
    "One or more parameter values were invalid: AttributeValues inside AttributeValueList must be of same type"
)
LEGACY_BETWEEN_REVERSED = (
    "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"
)


def enveloped(message: str) -> str:
    return ENVELOPE + message


def not_a_number(text: str, older: bool = False) -> str:
    """A number that does not parse; the older check drops the colon after an empty string."""
    message = "The parameter cannot be converted to a numeric value"
    return message if older and not text else f"{message}: {text}"


def ss_duplicates(listed: list[str], older: bool = False) -> str:
    """A string set with a repeat. `listed`: the members as the message lists them (the current
    check: those before the first repeat in byte order, the repeat, the rest as sent; the older
    check: as sent)."""
    members = ", ".join(listed) if older else ", ".join(f'"{member}"' for member in listed)
    return f"One or more parameter values were invalid: Input collection [{members}] contains duplicates."


def bs_duplicates(listed: list[str], older: bool = False) -> str:
    """A binary set with a repeat; `listed` in base64, ordered as for ss_duplicates."""
    members = ", ".join(listed) if older else ",".join(f'"{member}"' for member in listed)
    return (
        f"One or more parameter values were invalid: Input collection [{members}]of type BS contains duplicates."
    )


def missing_key(name: str) -> str:
    return f"One or more parameter values were invalid: Missing the key {name} in the item"


def key_type_mismatch(name: str, expected: str, actual: str) -> str:
    detail = f"Type mismatch for key {name} expected: {expected} actual: {actual}"
    return f"One or more parameter values were invalid: {detail}"


def missed_key(name: str) -> str:
    """The service names the key schema element a query's key condition misses; DynamoDB Local
    leaves the name out (see MISSED_KEY_SOURCE)."""
    return f"Query condition missed key schema element: {name}"


def attributes_to_get_duplicate(name: str) -> str:
    """The service's message for a name twice in AttributesToGet (architect/dynalite test/getItem.js,
    query.js, scan.js, batchGetItem.js); DynamoDB Local says "Cannot have two attributes with the same name"."""
    return f"One or more parameter values were invalid: Duplicate value in attribute name: {name}"


def empty_key(name: str, binary: bool = False) -> str:
    kind = "binary" if binary else "string"
    return (
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain "
        f"an empty {kind} value. Key: {name}"
    )


def service_behaviour(reason: str, source: str) -> pytest.MarkDecorator:
    """Mark a test that asserts DynamoDB's behaviour where DynamoDB Local deviates from it (or lacks the
    operation): it runs on every target but ddblocal. `reason` says how DynamoDB Local differs, `source`
    where the service's behaviour is recorded (an AWS document, botocore's model, a public record)."""
    return pytest.mark.service_behaviour(reason=reason, source=source)


# Violations of the service model's constraints (length, range, enum, pattern, required), worded as the
# service's request validation words them. DynamoDB Local words most of them its own way.
FRAMEWORK_SOURCE = "botocore's DynamoDB model constraints, in the service's words (dynalite's live-service tests)"
FRAMEWORK = service_behaviour("DynamoDB Local words model-constraint violations its own way", source=FRAMEWORK_SOURCE)
SHORT_NAMES_LOOKED_UP = service_behaviour(
    "DynamoDB Local refuses table names shorter than 3 characters",
    source="live-service records of 2026 (PutItem and UpdateItem take a name or ARN of at least 1 character)",
)
MISSING_TABLE = service_behaviour(
    "DynamoDB Local says 'Cannot do operations on a non-existent table'",
    source="LocalStack's snapshots recorded against AWS; dynalite's live-service tests; localstack/localstack#9030",
)


# The service's newer request validation (2026, 31 of 33 regions, us-east-1 among them) checks a few members
# first and names them without echoing their value; a request missing a required member gets the older
# clauses above instead (dynasim/engine/model.py, CHECKED_FIRST).
NEWER_SOURCE = (
    "paritysuite/dynamodb-conformance registry/splits.json and captures/2026-10-07-sweep-follow-up.json "
    "(put-item- and update-item-validation-error-aggregation); captures/cross-region-latest.json (2026-09-20); "
    "tests/tier3/error-messages/batchGetItem.test.ts (2026-10-09)"
)
NEWER_FRAMEWORK = service_behaviour(
    "DynamoDB Local words model-constraint violations its own way, with none of the service's newer forms",
    source=NEWER_SOURCE,
)
RETURN_VALUES_NEWER = (  # sic: UPDATE_NEW
    "Failed to satisfy constraint: Member must satisfy enum value set: "
    "[ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATE_NEW, NONE]"
)


def unechoed_clause(path: str, requirement: str) -> str:
    """A violation as the newer validation reports it: ``unechoed_clause("TableName", "must have ...")``."""
    return f"Value at '{path}' failed to satisfy constraint: Member {requirement}"


COMPARISON_OPERATOR_ENUM = (
    "must satisfy enum value set: "
    "[IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"
)


def clause(value: Any, path: str, requirement: str) -> str:
    """One violation: ``clause("0", "limit", "must have value greater than or equal to 1")``."""
    return f"Value '{value}' at '{path}' failed to satisfy constraint: Member {requirement}"


def null_clause(path: str) -> str:
    return f"Value null at '{path}' failed to satisfy constraint: Member must not be null"


def constraint_error(*clauses: str) -> str:
    """The service's message for model-constraint violations: ``N validation error(s) detected: ...``."""
    noun = "error" if len(clauses) == 1 else "errors"
    return f"{len(clauses)} validation {noun} detected: " + "; ".join(clauses)


def constraint_pattern(path: str, requirement: str) -> re.Pattern[str]:
    """One violation whose value the service prints with Java object hashes no one can reproduce."""
    return re.compile(
        rf"1 validation error detected: Value '.+' at '{re.escape(path)}' failed to satisfy constraint: "
        + re.escape(requirement),
        re.DOTALL,
    )


def cases(rows: list[tuple[Any, ...]], marks: dict[str, pytest.MarkDecorator] | None = None) -> list[Any]:
    """Table rows ``(id, *values)`` as pytest parameters; ``marks`` marks rows by id."""
    marks = marks or {}
    return [pytest.param(*row[1:], id=row[0], marks=marks.get(row[0], ())) for row in rows]


VALUES_DIFFER = service_behaviour(
    "DynamoDB Local words malformed numbers and repeated set members as DynamoDB once did, the same on every "
    "operation ('A value provided cannot be converted into a number', 'DynamoDB only supports precision up to 38 "
    "digits', 'Input collection [b, a, b] contains duplicates', 'Input collection of type BS contains "
    "duplicates.'), with no envelope and always inside the ExpressionAttributeValues message",
    source="paritysuite/dynamodb-conformance tests/tier3/error-messages/valueLayers.test.ts (four regions, "
    "2026-10-09); architect/dynalite test/getItem.js and test/putItem.js (the texts before the envelope)",
)

# PutItem, UpdateItem and DeleteItem report every error of their request's own checks (those made before
# the table is read: expressions, legacy parameters, ReturnValues, attribute values) inside the envelope.
WRITE_ENVELOPE_SOURCE = (
    "paritysuite/dynamodb-conformance tests/tier3/error-messages/putItem.test.ts, deleteItem.test.ts and "
    "updateItem.test.ts ('request validation envelope', eu-west-2 and us-east-1, 2026-10-09); "
    "captures/cross-region-latest.json (2026-09-20) and captures/2026-10-07-batch-empty-request-items.json "
    "(31 of 33 regions)"
)
WRITE_ENVELOPE = service_behaviour(
    "DynamoDB Local reports the request errors of PutItem, UpdateItem and DeleteItem without the "
    "'1 validation error detected: ' envelope",
    source=WRITE_ENVELOPE_SOURCE,
)

ENVELOPING = frozenset({"put_item", "update_item", "delete_item"})  # as boto3 names the operations


def request_error(operation: str, message: str) -> str:
    """An error of a request's own checks as `operation` (boto3's name) reports it."""
    return enveloped(message) if operation in ENVELOPING else message


def envelope_marks(operation: str) -> tuple[pytest.MarkDecorator, ...]:
    """The marks of a case whose request error `operation` reports (see request_error)."""
    return (WRITE_ENVELOPE,) if operation in ENVELOPING else ()


KEYS_DIFFER = service_behaviour(
    "DynamoDB Local words key errors its own way: 'One of the required keys was not given a value', 'The number "
    "of conditions on the keys is invalid', 'One or more parameter values were invalid: Type mismatch for key', "
    "'Invalid attribute value type', 'Hash primary key values must be under 2048 bytes, ...'",
    source="architect/dynalite test/putItem.js, test/getItem.js, test/deleteItem.js, test/batchGetItem.js "
    "(checked against the service); paritysuite/dynamodb-conformance captures/cross-region-latest.json (2026: "
    "GetItem, DeleteItem, BatchWriteItem and TransactWriteItems key probes); getmoto/moto aws-verified key size test",
)


def assert_error(
    call_or_excinfo: Callable[[], Any] | pytest.ExceptionInfo[ClientError],
    code: str,
    message: str | re.Pattern[str],
) -> ClientError:
    """Check that a DynamoDB call fails with exactly this error code and message (or a message matching
    the pattern).

    Takes either a zero-argument callable (``lambda: ddb.get_item(...)``) or the ``ExceptionInfo`` of a
    ``pytest.raises(ClientError)`` block. Returns the ClientError.
    """
    if callable(call_or_excinfo):
        with pytest.raises(ClientError) as excinfo:
            call_or_excinfo()
    else:
        excinfo = call_or_excinfo
    error = excinfo.value
    assert isinstance(error, ClientError), f"expected a ClientError, got {error!r}"
    got = (error.response["Error"].get("Code"), error.response["Error"].get("Message"))
    if isinstance(message, re.Pattern):
        assert got[0] == code and message.fullmatch(got[1] or ""), f"expected {(code, message)!r}, got {got!r}"
    else:
        assert got == (code, message), f"expected {(code, message)!r}, got {got!r}"
    status = error.response["ResponseMetadata"]["HTTPStatusCode"]
    assert status == 400, f"expected HTTP 400, got {status}"
    return error


def strip_metadata(response: dict[str, Any]) -> dict[str, Any]:
    """The response without botocore's ResponseMetadata."""
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def table_arn_pattern(name: str) -> re.Pattern[str]:
    """Table ARNs differ in region and account between targets; the shape does not."""
    return re.compile(rf"arn:aws:dynamodb:[a-z0-9-]+:\d{{12}}:table/{re.escape(name)}")


def nested(depth: int, leaf: dict[str, Any], kind: str = "M") -> dict[str, Any]:
    """``leaf`` wrapped in ``depth`` levels of maps (``{"M": {"a": ...}}``) or lists (``{"L": [...]}``)."""
    value = leaf
    for _ in range(depth):
        value = {"M": {"a": value}} if kind == "M" else {"L": [value]}
    return value

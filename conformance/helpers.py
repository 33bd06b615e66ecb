"""Shared helpers and DynamoDB's error messages, verbatim as DynamoDB Local returns them."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

VALIDATION = "ValidationException"
NOT_FOUND = "ResourceNotFoundException"
IN_USE = "ResourceInUseException"

# Table-level messages.
INVALID_TABLE_NAME = (
    "Invalid table/index name.  Table/index names must be between 3 and 255 characters long, and may "
    "contain only the characters a-z, A-Z, 0-9, '_', '-', and '.'"
)
TABLE_NOT_FOUND = "Cannot do operations on a non-existent table"
TABLE_EXISTS = "Cannot create preexisting table"
NO_KEY_SCHEMA = (
    "No defined key schema.  A key schema containing at least a hash key must be defined for all tables"
)
NO_ATTRIBUTE_SCHEMA = "No Attribute Schema Defined"
NO_HASH_KEY = "No Hash Key specified in schema.  All Dynamo DB tables must have exactly one hash key"
TOO_MANY_HASH_KEYS = "Too many hash keys specified.  All Dynamo DB tables must have exactly one hash key"
KEY_ORDER = (
    "Invalid key order. Hash Key must be specified first in key schema, Range Key must be specifed second"
)
KEY_SCHEMA_TOO_BIG = (
    "Key Schema too big.  Key Schema must at most consist of the hash and range key of a table"
)
SAME_KEY_NAMES = "Two keys can not have the same name"
HASH_KEY_NOT_DEFINED = "Hash Key not specified in Attribute Definitions.  Type unknown."
RANGE_KEY_NOT_DEFINED = "Range Key not specified in Attribute Definitions.  Type unknown."
DEFINITIONS_MISMATCH = (
    "The number of attributes in key schema must match the number of attributes defined in attribute "
    "definitions."
)
DUPLICATE_DEFINITION = "Cannot have two attributes with the same name"
BAD_ATTRIBUTE_TYPE = "Member must satisfy enum value set: [B, N, S]"
KEY_NAME_LENGTH = (
    "Names of key attributes and attributes projected into an index must be between 1 and 255 characters, "
    "inclusive"
)
NO_THROUGHPUT = "No provisioned throughput specified for the table"
THROUGHPUT_TOO_LOW = "Table read and write throughput must be at least 1, and cannot be null"
THROUGHPUT_TOO_HIGH = "Cannot increase provisioned throughput to more than 40,000 units per table"
NOTHING_TO_UPDATE = "Nothing to update"
SAME_THROUGHPUT = "The requested throughput value equals the current value"
DELETION_PROTECTED = (
    "Resource cannot be deleted as it is currently protected against deletion. Disable deletion "
    "protection first."
)
LIST_LIMIT_TOO_HIGH = "Limit in ListTables must be <= 100"
LIST_LIMIT_TOO_LOW = "Limit must be greater than or equal to 1"

# Item-level messages.
MISSING_KEY = "One of the required keys was not given a value"
KEY_COUNT = "The number of conditions on the keys is invalid"
KEY_TYPE_MISMATCH = "One or more parameter values were invalid: Type mismatch for key"
INVALID_KEY_VALUE_TYPE = "Invalid attribute value type"
RETURN_VALUES_INVALID = "Return values set to invalid value"
ITEM_TOO_LARGE = "Item size has exceeded the maximum allowed size"
KEY_TOO_LARGE = (
    "Hash primary key values must be under 2048 bytes, and range primary key values must be under 1024 bytes"
)
NESTING_TOO_DEEP = (
    "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond "
    "supported limit"
)
EMPTY_ATTRIBUTE_NAME = "Empty attribute name"
EMPTY_VALUE = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
MULTIPLE_TYPES = (
    "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported "
    "datatypes"
)
NULL_NOT_TRUE = (
    "One or more parameter values were invalid: Null attribute value types must have the value of true"
)
EMPTY_SS = "One or more parameter values were invalid: An string set  may not be empty"
EMPTY_NS = "One or more parameter values were invalid: An number set  may not be empty"
EMPTY_BS = "One or more parameter values were invalid: Binary sets should not be empty"
NS_DUPLICATES = "Input collection contains duplicates"
BS_DUPLICATES = "One or more parameter values were invalid: Input collection of type BS contains duplicates."
NOT_A_NUMBER = "A value provided cannot be converted into a number"
NUMBER_OVERFLOW = "Number overflow. Attempting to store a number with magnitude larger than supported range"
NUMBER_UNDERFLOW = (
    "Number underflow. Attempting to store a number with magnitude smaller than supported range"
)
NUMBER_PRECISION = "DynamoDB only supports precision up to 38 digits"

# Legacy conditions (Expected, QueryFilter, ScanFilter, KeyConditions).
LEGACY_MIXED_TYPES = (
    "One or more parameter values were invalid: AttributeValues inside AttributeValueList must be of same type"
)
LEGACY_BETWEEN_REVERSED = (
    "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"
)


def ss_duplicates(members: list[str]) -> str:
    """The message for a string set with duplicates: the members as sent, e.g. ``[a, b, a]``."""
    listed = ", ".join(members)
    return f"One or more parameter values were invalid: Input collection [{listed}] contains duplicates"


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


def assert_error(
    call_or_excinfo: Callable[[], Any] | pytest.ExceptionInfo[ClientError], code: str, message: str
) -> ClientError:
    """Check that a DynamoDB call fails with exactly this error code and message.

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

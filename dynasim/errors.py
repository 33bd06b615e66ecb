"""DynamoDB's errors: their wire types, HTTP statuses and exact messages, in one place.

Every error the engine raises is built here, so a message has one spelling, word for word as
DynamoDB sends it. Handlers call the functions below; they never format error text themselves.
"""

from __future__ import annotations

from typing import Any

# The namespace DynamoDB puts before each error code in the `__type` field of an error body.
_NAMESPACES = {
    "ValidationException": "com.amazon.coral.validate",
    "SerializationException": "com.amazon.coral.service",
    "UnknownOperationException": "com.amazon.coral.service",
    "AccessDeniedException": "com.amazon.coral.service",
    "UnrecognizedClientException": "com.amazon.coral.service",
    "MissingAuthenticationTokenException": "com.amazon.coral.service",
    "IncompleteSignatureException": "com.amazon.coral.service",
    "InvalidSignatureException": "com.amazon.coral.service",
    "ThrottlingException": "com.amazon.coral.availability",
    "ServiceUnavailable": "com.amazon.coral.availability",
}
_DEFAULT_NAMESPACE = "com.amazonaws.dynamodb.v20120810"

# HTTP status per error code; everything not listed is a client error (400).
_STATUSES = {"InternalServerError": 500, "ServiceUnavailable": 503}


class DynamoDBError(Exception):
    """An error as DynamoDB returns it: a code, a message and an HTTP status.

    `extra` holds further top-level fields of the error body (for example the `Item` of a
    ConditionalCheckFailedException or the `CancellationReasons` of a cancelled transaction).
    """

    def __init__(self, code: str, message: str, status: int | None = None, **extra: Any) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status if status is not None else _STATUSES.get(code, 400)
        self.extra = extra

    @property
    def wire_type(self) -> str:
        return f"{_NAMESPACES.get(self.code, _DEFAULT_NAMESPACE)}#{self.code}"

    def body(self) -> dict[str, Any]:
        """The JSON body DynamoDB sends for this error."""
        return {"__type": self.wire_type, "message": self.message, **self.extra}


def validation(message: str) -> DynamoDBError:
    return DynamoDBError("ValidationException", message)


def invalid_parameters(detail: str) -> DynamoDBError:
    return validation(f"One or more parameter values were invalid: {detail}")


def constraint(value: Any, member: str, requirement: str) -> str:
    """One clause of DynamoDB's "N validation errors detected" message."""
    return f"Value '{value}' at '{member}' failed to satisfy constraint: Member {requirement}"


def constraints(clauses: list[str]) -> DynamoDBError:
    count = len(clauses)
    noun = "error" if count == 1 else "errors"
    return validation(f"{count} validation {noun} detected: " + "; ".join(clauses))


# --- service-level -------------------------------------------------------------------------


def unknown_operation(operation: str) -> DynamoDBError:
    return DynamoDBError("UnknownOperationException", "An unknown operation was requested.")


def serialization(message: str = "") -> DynamoDBError:
    return DynamoDBError("SerializationException", message)


def not_implemented(operation: str) -> DynamoDBError:
    return DynamoDBError(
        "UnknownOperationException",
        f"{operation} is a DynamoDB operation that dynasim does not implement yet",
    )


# --- tables --------------------------------------------------------------------------------


def table_not_found(name: Any = None) -> DynamoDBError:
    return DynamoDBError("ResourceNotFoundException", "Cannot do operations on a non-existent table")


def table_exists(name: str) -> DynamoDBError:
    return DynamoDBError("ResourceInUseException", "Cannot create preexisting table")


def attribute_type_not_enum() -> DynamoDBError:
    return validation("Member must satisfy enum value set: [B, N, S]")


def attribute_defined_twice() -> DynamoDBError:
    return validation("Cannot have two attributes with the same name")


def key_schema_too_big() -> DynamoDBError:
    return validation(
        "Key Schema too big.  Key Schema must at most consist of the hash and range key of a table"
    )


def no_hash_key() -> DynamoDBError:
    return validation("No Hash Key specified in schema.  All Dynamo DB tables must have exactly one hash key")


def too_many_hash_keys() -> DynamoDBError:
    return validation("Too many hash keys specified.  All Dynamo DB tables must have exactly one hash key")


def invalid_key_order() -> DynamoDBError:
    # "specifed" is DynamoDB's spelling.
    return validation(
        "Invalid key order. Hash Key must be specified first in key schema, Range Key must be specifed second"
    )


def key_names_equal() -> DynamoDBError:
    return validation("Two keys can not have the same name")


def key_name_length() -> DynamoDBError:
    return validation(
        "Names of key attributes and attributes projected into an index must be between "
        "1 and 255 characters, inclusive"
    )


def key_not_defined(role: str) -> DynamoDBError:
    return validation(f"{role} Key not specified in Attribute Definitions.  Type unknown.")


def definitions_do_not_match_keys() -> DynamoDBError:
    return validation(
        "The number of attributes in key schema must match the number of attributes defined "
        "in attribute definitions."
    )


def no_key_schema() -> DynamoDBError:
    return validation(
        "No defined key schema.  A key schema containing at least a hash key must be defined for all tables"
    )


def no_attribute_definitions() -> DynamoDBError:
    return validation("No Attribute Schema Defined")


def throughput_below_one() -> DynamoDBError:
    return validation("Table read and write throughput must be at least 1, and cannot be null")


def list_limit_too_small() -> DynamoDBError:
    return validation("Limit must be greater than or equal to 1")


def list_limit_too_large() -> DynamoDBError:
    return validation("Limit in ListTables must be <= 100")


def no_throughput() -> DynamoDBError:
    return validation("No provisioned throughput specified for the table")


def throughput_with_pay_per_request() -> DynamoDBError:
    return invalid_parameters(
        "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode "
        "is PAY_PER_REQUEST"
    )


def throughput_too_high() -> DynamoDBError:
    return validation("Cannot increase provisioned throughput to more than 40,000 units per table")


def throughput_unchanged() -> DynamoDBError:
    return validation("The requested throughput value equals the current value")


def nothing_to_update() -> DynamoDBError:
    return validation("Nothing to update")


def deletion_protected() -> DynamoDBError:
    return validation(
        "Resource cannot be deleted as it is currently protected against deletion. "
        "Disable deletion protection first."
    )


def invalid_table_name() -> DynamoDBError:
    return validation(
        "Invalid table/index name.  Table/index names must be between 3 and 255 characters long, "
        "and may contain only the characters a-z, A-Z, 0-9, '_', '-', and '.'"
    )


# --- attribute values ----------------------------------------------------------------------


def number_not_a_number() -> DynamoDBError:
    return validation("A value provided cannot be converted into a number")


def number_too_precise() -> DynamoDBError:
    return validation("DynamoDB only supports precision up to 38 digits")


def number_overflow() -> DynamoDBError:
    return validation(
        "Number overflow. Attempting to store a number with magnitude larger than supported range"
    )


def number_underflow() -> DynamoDBError:
    return validation(
        "Number underflow. Attempting to store a number with magnitude smaller than supported range"
    )


def value_empty() -> DynamoDBError:
    return validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")


def value_multiple_types() -> DynamoDBError:
    return validation(
        "Supplied AttributeValue has more than one datatypes set, "
        "must contain exactly one of the supported datatypes"
    )


def null_not_true() -> DynamoDBError:
    return invalid_parameters("Null attribute value types must have the value of true")


def set_empty(kind: str) -> DynamoDBError:
    # DynamoDB words the three cases differently (the double space is its own).
    if kind == "BS":
        return invalid_parameters("Binary sets should not be empty")
    return invalid_parameters(f"An {'string' if kind == 'SS' else 'number'} set  may not be empty")


def set_duplicates(kind: str, members: list[Any]) -> DynamoDBError:
    if kind == "NS":
        return validation("Input collection contains duplicates")
    if kind == "BS":
        return invalid_parameters("Input collection of type BS contains duplicates.")
    return invalid_parameters(f"Input collection [{', '.join(members)}] contains duplicates")


def empty_attribute_name() -> DynamoDBError:
    return validation("Empty attribute name")


def invalid_binary() -> DynamoDBError:
    return serialization("Base64 encoded value is not valid")


def nesting_too_deep() -> DynamoDBError:
    return validation(
        "Nesting Levels have exceeded supported limits: "
        "Attributes in the item have nested levels beyond supported limit"
    )


def item_too_large() -> DynamoDBError:
    return validation("Item size has exceeded the maximum allowed size")


# --- keys ----------------------------------------------------------------------------------


def key_missing() -> DynamoDBError:
    return validation("One of the required keys was not given a value")


def key_type_mismatch() -> DynamoDBError:
    return invalid_parameters("Type mismatch for key")


def key_not_scalar() -> DynamoDBError:
    return validation("Invalid attribute value type")


def key_count_mismatch() -> DynamoDBError:
    return validation("The number of conditions on the keys is invalid")


def key_empty_string(name: str) -> DynamoDBError:
    return validation(
        "One or more parameter values are not valid. The AttributeValue for a key attribute "
        f"cannot contain an empty string value. Key: {name}"
    )


def key_empty_binary(name: str) -> DynamoDBError:
    return validation(
        "One or more parameter values are not valid. The AttributeValue for a key attribute "
        f"cannot contain an empty binary value. Key: {name}"
    )


def key_too_large() -> DynamoDBError:
    return validation(
        "Hash primary key values must be under 2048 bytes, "
        "and range primary key values must be under 1024 bytes"
    )


def return_values_invalid() -> DynamoDBError:
    return validation("Return values set to invalid value")

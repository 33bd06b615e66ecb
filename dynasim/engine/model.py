"""botocore's DynamoDB service model, and where the service is recorded to differ from it, in one place.

The service checks every request against its own copy of this model before any operation runs:
first the JSON types (a `SerializationException`), then each member's constraints (one
"N validation errors detected" message). botocore's copy says which operations exist, which
members each takes and every member's type, length, range, enum and pattern; `validation.py` turns
that into the service's checks. The tables below hold what botocore's copy cannot say: the order in
which the service reports members and enum values, and the few members it checks differently.
Each entry says where the service's behaviour is recorded.
"""

from __future__ import annotations

import functools

import botocore.loaders
from botocore.model import ServiceModel, Shape

# Service names of the APIs the engine speaks, as botocore's data files name them.
SERVICES = ("dynamodb", "dynamodbstreams")


@functools.cache
def _models() -> tuple[ServiceModel, ...]:
    loader = botocore.loaders.create_loader()
    return tuple(ServiceModel(loader.load_service_model(name, "service-2"), service_name=name) for name in SERVICES)


@functools.cache
def known_operations() -> frozenset[str]:
    return frozenset(name for model in _models() for name in model.operation_names)


@functools.cache
def signing_names() -> frozenset[str]:
    """The service names requests are signed for (SigV4's credential scope): Streams signs as DynamoDB."""
    return frozenset(model.signing_name for model in _models())


@functools.cache
def has_output(operation: str) -> bool:
    """Whether the operation's answer has a body (TagResource and UntagResource have none)."""
    for model in _models():
        if operation in model.operation_names:
            return model.operation_model(operation).output_shape is not None
    return True


@functools.cache
def input_shape(operation: str) -> Shape | None:
    for model in _models():
        if operation in model.operation_names:
            return model.operation_model(operation).input_shape
    return None


# --- the order the service reports things in -----------------------------------------------
#
# A "validation errors detected" message lists a structure's members in the service's own order,
# which is not botocore's. Recorded orders come first; members not listed follow in botocore's
# order. Sources: the live-service assertions of dynalite's test suite (architect/dynalite,
# test/*.js: GetItem, PutItem, UpdateItem, DeleteItem, Query, Scan, BatchGetItem, BatchWriteItem,
# CreateTable, UpdateTable), and live-service records of 2026 where they differ (UpdateItem's
# "ReturnConsumedCapacity, tableName, ReturnValues, conditionalOperator, key"; BatchGetItem's
# requestItems before returnConsumedCapacity; TransactWriteItems' clientRequestToken before
# returnConsumedCapacity; AttributeDefinition, KeySchemaElement, ProvisionedThroughput,
# TimeToLiveSpecification and index definitions in CreateTable, UpdateTable and
# RestoreTableFromBackup).
MEMBER_ORDER: dict[str, tuple[str, ...]] = {
    "GetItemInput": ("ReturnConsumedCapacity", "AttributesToGet", "TableName", "Key", "ConsistentRead"),
    "PutItemInput": (
        "ReturnConsumedCapacity", "TableName", "Item", "ConditionalOperator", "Expected", "ReturnValues",
        "ReturnItemCollectionMetrics",
    ),
    "UpdateItemInput": (
        "ReturnConsumedCapacity", "TableName", "ReturnItemCollectionMetrics", "ReturnValues",
        "ConditionalOperator", "Key", "Expected", "AttributeUpdates",
    ),
    "DeleteItemInput": (
        "ReturnConsumedCapacity", "TableName", "ReturnValues", "ReturnItemCollectionMetrics", "Key",
        "ConditionalOperator", "Expected",
    ),
    "QueryInput": (
        "Limit", "ExclusiveStartKey", "ReturnConsumedCapacity", "AttributesToGet", "QueryFilter", "Select",
        "ConditionalOperator", "KeyConditions", "TableName", "ConsistentRead", "IndexName", "ScanIndexForward",
    ),
    "ScanInput": (
        "Limit", "ReturnConsumedCapacity", "AttributesToGet", "Segment", "Select", "ScanFilter",
        "ConditionalOperator", "TotalSegments", "TableName", "ExclusiveStartKey", "IndexName",
    ),
    "BatchGetItemInput": ("RequestItems", "ReturnConsumedCapacity"),
    "BatchWriteItemInput": ("ReturnConsumedCapacity", "ReturnItemCollectionMetrics", "RequestItems"),
    "TransactWriteItemsInput": (
        "TransactItems", "ClientRequestToken", "ReturnConsumedCapacity", "ReturnItemCollectionMetrics",
    ),
    "KeysAndAttributes": ("Keys", "AttributesToGet", "ConsistentRead"),
    "WriteRequest": ("DeleteRequest", "PutRequest"),
    # GSIs before LSIs: paritysuite/dynamodb-conformance tests/tier3/validation-ordering/createTable.test.ts (2026).
    "CreateTableInput": (
        "AttributeDefinitions", "TableName", "BillingMode", "ProvisionedThroughput", "KeySchema",
        "GlobalSecondaryIndexes", "LocalSecondaryIndexes",
    ),
    "UpdateTableInput": ("AttributeDefinitions", "TableName", "ProvisionedThroughput", "GlobalSecondaryIndexUpdates"),
    "AttributeDefinition": ("AttributeType", "AttributeName"),
    "KeySchemaElement": ("AttributeName", "KeyType"),
    "ProvisionedThroughput": ("WriteCapacityUnits", "ReadCapacityUnits"),
    "LocalSecondaryIndex": ("IndexName", "KeySchema", "Projection"),
    "GlobalSecondaryIndex": ("IndexName", "KeySchema", "Projection", "ProvisionedThroughput"),
    "CreateGlobalSecondaryIndexAction": ("IndexName", "KeySchema", "Projection", "ProvisionedThroughput"),
    "GlobalSecondaryIndexUpdate": ("Update", "Create", "Delete"),
    "Projection": ("ProjectionType", "NonKeyAttributes"),
    "Condition": ("AttributeValueList", "ComparisonOperator"),
    "ExpectedAttributeValue": ("AttributeValueList", "ComparisonOperator", "Exists", "Value"),
    "TimeToLiveSpecification": ("AttributeName", "Enabled"),
}

# The order in which the service lists an enum's values ("Member must satisfy enum value set:
# [...]"), where it is recorded to differ from botocore's: dynalite's tests (ReturnValue,
# ComparisonOperator, Select, ProjectionType) and live-service records of 2026 (StreamViewType,
# ScalarAttributeType, ConditionalOperator).
ENUM_ORDER: dict[str, tuple[str, ...]] = {
    "ReturnValue": ("ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"),
    "ComparisonOperator": (
        "IN", "NULL", "BETWEEN", "LT", "NOT_CONTAINS", "EQ", "GT", "NOT_NULL", "NE", "LE", "BEGINS_WITH", "GE",
        "CONTAINS",
    ),
    "Select": ("SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"),
    "StreamViewType": ("OLD_IMAGE", "KEYS_ONLY", "NEW_AND_OLD_IMAGES", "NEW_IMAGE"),
    "ScalarAttributeType": ("B", "N", "S"),
    "ProjectionType": ("ALL", "INCLUDE", "KEYS_ONLY"),
    # dynalite's tests, and a live record of 2026 (paritysuite/dynamodb-conformance
    # tests/tier3/validation-ordering/updateItem.test.ts and deepRequests.test.ts).
    "ConditionalOperator": ("OR", "AND"),
    # No record of the service's own order for this one: DynamoDB Local's (the only record) is used.
    "AttributeAction": ("ADD", "DELETE", "PUT"),
}

# --- the service's newer validation (2026) --------------------------------------------------
#
# The service checks a few members of some operations in a newer validation that runs before the
# model's other constraints and stops at the first violation it finds, naming the member as the
# request spells it without echoing its value ("Value at 'TableName' failed to satisfy constraint:
# Member must have length greater than or equal to 1") or, for an enum, naming neither ("Failed to
# satisfy constraint: Member must satisfy enum value set: [...]", in its own order and spelling).
# A request that lacks a required member is answered by the older validation alone, every
# violation in its words, as before. Recorded in 31 of 33 regions, us-east-1 among them
# (paritysuite/dynamodb-conformance registry/splits.json and captures/2026-10-07-sweep-follow-up.json:
# PutItem and UpdateItem; captures/cross-region-latest.json: DeleteItem; tests/tier3/error-messages/
# batchGetItem.test.ts, 2026-10-09: BatchGetItem's RequestItems and Keys).
#
# Checked first, per operation: (member path, rule); `*` is every key of a map, in request order.
CHECKED_FIRST: dict[str, tuple[tuple[str, str], ...]] = {
    "PutItem": (("TableName", "min_length"),),
    "DeleteItem": (("TableName", "min_length"),),
    "UpdateItem": (("TableName", "min_length"), ("ReturnValues", "enum")),
    "BatchGetItem": (
        ("RequestItems", "min_length"),
        ("RequestItems.*.Keys", "min_length"),
        ("RequestItems.*.Keys", "max_length"),
    ),
}
# Enum values as the newer validation lists them (sic: UPDATE_NEW for UPDATED_NEW).
NEWER_ENUM_VALUES: dict[str, str] = {"ReturnValue": "ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATE_NEW, NONE"}
# Members whose enum violation is worded by the newer validation but reported among the older
# validation's clauses, in member order (captures/cross-region-latest.json: PutItem's three and
# DeleteItem's two invalid enums, 2026-09-20).
NEWER_ENUM_CLAUSE: frozenset[str] = frozenset({"PutItemInput.ReturnValues", "DeleteItemInput.ReturnValues"})

# How the service echoes a value in a constraint clause, where recorded to differ from Java's
# toString of a map, list or structure (`validation._printed`):
# - as the request's JSON: BatchGetItem's RequestItems (2026-10-09, us-east-1 and eu-west-2:
#   Value '{"bad!name":{"Keys":[{"pk":{"S":"a"}}]}}' at 'requestItems');
# - structures by their fields, Lombok's form, field names as below, a field the request does
#   not carry printed "null" (2026-09-20, eu-west-2: BatchWriteItem's 26 writes, "WriteRequest(putRequest=
#   PutRequest(item={pk=AttributeValue(s=bw-0, n=null, ...)}, workloadProfileName=null),
#   deleteRequest=null)"; paritysuite/dynamodb-conformance captures/cross-region-latest.json). Only
#   the PutRequest and string forms are recorded: DeleteRequest's fields, and the form of binary
#   values (java.nio.ByteBuffer's toString), are inferred. Other structures print as Name@hash.
ECHOED_AS_JSON: frozenset[str] = frozenset({"BatchGetItemInput.RequestItems"})
PRINTED_FIELDS: dict[str, tuple[str, ...]] = {
    "WriteRequest": ("putRequest", "deleteRequest"),
    "PutRequest": ("item", "workloadProfileName"),
    "DeleteRequest": ("key",),
    "AttributeValue": (
        "s", "n", "b", "iNT", "dECIMAL", "dOUBLE", "sS", "nS", "bS", "iNTSET", "dECIMALSET", "dOUBLESET", "m",
        "l", "nULL", "bOOL",
    ),
}

# Map members whose keys (table names) the service checks only when no other member is wrong:
# BatchWriteItem reports an invalid ReturnConsumedCapacity alone beside a malformed table name
# (2026-10-09, us-east-1 and eu-west-2: tests/tier3/validation-ordering/batchOperations.test.ts).
KEYS_CHECKED_LAST: frozenset[str] = frozenset({"BatchWriteItemInput.RequestItems"})

# Members whose emptiness the service answers in a sentence of its own, before any constraint:
# BatchWriteItem's RequestItems in 28 of 33 regions, us-east-1 among them (the other five give the
# newer validation's "Value at 'RequestItems' ..."; captures/2026-10-07-batch-empty-request-items.json).
EMPTY_IN_A_SENTENCE: dict[str, str] = {"BatchWriteItem": "RequestItems"}

# Members whose pattern the service reports before their length (live records of 2026: a backup
# name and ListTables' ExclusiveStartTableName); for every other member it reports length first
# (DescribeTable's table name, an index name).
PATTERN_BEFORE_LENGTH: frozenset[str] = frozenset({"BackupName", "ListTablesInput.ExclusiveStartTableName"})

# Constraints of botocore's model that the service does not enforce: NonKeyAttributes may name more
# than 20 attributes (Developer Guide, quotas: up to 100 projected attributes in all of a table's
# secondary indexes; DynamoDB Local accepts 100 in one index).
#
# Tags are checked by the tagging operations themselves, in their own words ("The Tag Key provided is
# invalid, Key: null", recorded live in 2026), not by the model's constraints.
NOT_ENFORCED: dict[str, frozenset[str]] = {
    "NonKeyAttributeNameList": frozenset({"max"}),
    "TagKeyString": frozenset({"min", "max"}),
    "TagValueString": frozenset({"min", "max"}),
}
NOT_REQUIRED: dict[str, frozenset[str]] = {"Tag": frozenset({"Key", "Value"})}

# Constraints the service enforces that botocore's model no longer states: a table's and a local
# index's KeySchema has at most two elements (botocore's KeySchema shape lost its maximum when global
# indexes gained multi-attribute keys; dynalite's live-service tests record "Member must have length
# less than or equal to 2" at 'keySchema').
EXTRA_RULES: dict[str, dict[str, int]] = {
    "CreateTableInput.KeySchema": {"max": 2},
    "LocalSecondaryIndex.KeySchema": {"max": 2},
}

# Members the service requires although botocore's model does not (dynalite's CreateTable tests:
# "Value null at 'attributeDefinitions'", "Value null at 'keySchema'").
ALSO_REQUIRED: dict[str, tuple[str, ...]] = {"CreateTableInput": ("AttributeDefinitions", "KeySchema")}


# Operations whose legacy filter (the member named) has its ConditionalOperator checked before the
# model's constraints when it holds two or more conditions: an unknown operator is reported alone,
# in its own words (`errors.conditional_operator_enum`). Recorded for Query only (live service, 2026).
OPERATOR_BEFORE_CONSTRAINTS: dict[str, str] = {"Query": "QueryFilter"}


# --- table names ---------------------------------------------------------------------------
#
# botocore models TableName as a name or an ARN of 1 to 1024 characters. The service checks a
# name that is not an ARN as a table name, in one of three ways (an ARN gets the model's checks):
# - "data" (every data-plane operation and the table names inside batches and transactions):
#   at least 1 character, at most 255, `[a-zA-Z0-9_.-]+` (the pattern is not reported for an empty
#   name). Live records of 2026 for PutItem and UpdateItem.
# - "describe": at least 3 and at most 255 characters and the pattern, reported as constraints
#   (DescribeTable, live record of 2026: "length greater than or equal to 3; ... pattern"; the
#   time-to-live and continuous-backup operations, which the service's records group with
#   DescribeTable in their ARN checks).
# - "control" (CreateTable, UpdateTable, DeleteTable): a missing name is "The parameter 'TableName'
#   is required but was not present in the request" and a name outside 3 to 255 characters is
#   "TableName must be at least 3 characters long and at most 255 characters long", each on its
#   own and before any other check; the pattern is a constraint (dynalite's tests; aws-sdk-js's
#   DeleteTable feature; the same text for RestoreTableFromBackup recorded in 2026).
# - "create" (CreateTable): a missing name as "control"; otherwise the "describe" constraints, on
#   their own and before any other member's. Live records of 2026 (paritysuite/dynamodb-conformance
#   tests/tier3/validation-ordering/createTable.test.ts) show an empty or short name answered with
#   a message naming 'tableName' and nothing else; the clauses themselves are DescribeTable's.
TABLE_NAME_PATTERN = "[a-zA-Z0-9_.-]+"
TABLE_NAME_CHECKS: dict[str, str] = {
    "DescribeTable": "describe",
    "DescribeTimeToLive": "describe",
    "UpdateTimeToLive": "describe",
    "DescribeContinuousBackups": "describe",
    "UpdateContinuousBackups": "describe",
    "CreateTable": "create",
    "UpdateTable": "control",
    "DeleteTable": "control",
}

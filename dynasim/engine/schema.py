"""Checking table and index definitions (CreateTable, UpdateTable) in DynamoDB's order and words."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any

from dynasim import errors
from dynasim.engine.vectors.definitions import find as vector_index
from dynasim.storage.index import Index, IndexSettings
from dynasim.storage.schema import KeySchema
from dynasim.storage.table import Table

_NAME = re.compile(r"[a-zA-Z0-9_.\-]{3,255}")
_KEY_TYPES = ("B", "N", "S")
_BILLING_MODES = ("PROVISIONED", "PAY_PER_REQUEST")
_PROJECTIONS = ("ALL", "KEYS_ONLY", "INCLUDE")
MAX_THROUGHPUT = 40_000
MAX_GSIS = 20
MAX_LSIS = 5
MAX_PROJECTED_ATTRIBUTES = 100
MAX_GSI_KEY_ATTRIBUTES = 4  # per role: up to four partition and four sort attributes


def check_name(name: Any) -> str:
    """A table or index name."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise errors.invalid_table_name()
    return name


def attribute_types(definitions: list[dict[str, str]]) -> dict[str, str]:
    """AttributeDefinitions as {name: type} (each name and type was checked by the model's constraints)."""
    types: dict[str, str] = {}
    for definition in definitions:
        name = definition["AttributeName"]
        if name in types:
            raise errors.attribute_name_duplicated(name)
        types[name] = definition["AttributeType"]
    return types


def key_names(elements: list[dict[str, str]]) -> list[str]:
    """The attribute names of a table's or local index's KeySchema (one or two elements: checked by
    the model's constraints), in the service's order of checks (dynalite's live-service tests)."""
    names = [element["AttributeName"] for element in elements]
    kinds = [element["KeyType"] for element in elements]
    if len(names) == 2 and names[0] == names[1]:
        raise errors.hash_and_range_same_name()
    if kinds[0] != "HASH":
        raise errors.first_key_not_hash()
    if len(kinds) == 2 and kinds[1] != "RANGE":
        raise errors.second_key_not_range()
    return names


def global_key_names(elements: Any) -> tuple[list[str], list[str]]:
    """The partition and sort attribute names of a global secondary index's KeySchema, checked
    for shape: up to four HASH elements, then up to four RANGE elements."""
    names = [element.get("AttributeName") for element in elements]
    kinds = [element.get("KeyType") for element in elements]
    if len(set(names)) != len(names):
        if kinds == ["HASH", "RANGE"]:
            raise errors.hash_and_range_same_name()
        raise errors.key_attributes_same_name()
    if kinds[0] != "HASH":
        raise errors.first_key_not_hash()
    hash_count = kinds.count("HASH")
    if kinds[:hash_count] != ["HASH"] * hash_count:
        raise errors.hash_after_range()
    if hash_count > MAX_GSI_KEY_ATTRIBUTES:
        raise errors.too_many_key_attributes("HASH")
    if len(kinds) - hash_count > MAX_GSI_KEY_ATTRIBUTES:
        raise errors.too_many_key_attributes("RANGE")
    return names[:hash_count], names[hash_count:]


def typed(names: list[str], types: dict[str, str]) -> KeySchema:
    """A table's or local index's key schema: a partition key and an optional sort key."""
    return KeySchema.of([(names[0], types[names[0]])], [(name, types[name]) for name in names[1:]])


def table_key_schema(elements: list[dict[str, str]], types: dict[str, str]) -> KeySchema:
    """The table's key schema: its attributes' definitions are checked first, then its shape
    (dynalite's live-service tests record both orders and texts)."""
    names = [element["AttributeName"] for element in elements]
    missing = [name for name in names if name not in types]
    if not types or (len(names) == 2 and (missing or (names[0] == names[1] and len(types) == 1))):
        raise errors.key_attribute_without_definition()
    if missing:
        raise errors.key_attributes_not_defined(names, list(types))
    return typed(key_names(elements), types)


def billing_mode(mode: Any) -> str:
    if mode not in _BILLING_MODES:
        raise errors.constraints(
            [errors.constraint(mode, "billingMode", "must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]")]
        )
    return mode


def throughput(mode: str, given: Any, region: str, creating: bool) -> tuple[int, int]:
    """A table's (read, write) capacity under billing mode `mode` (each unit count is at least 1:
    checked by the model's constraints)."""
    if mode == "PAY_PER_REQUEST":
        if given:
            raise errors.throughput_with_pay_per_request()
        return 0, 0
    if not given:
        raise errors.no_throughput() if creating else errors.no_throughput_on_update()
    read, write = given["ReadCapacityUnits"], given["WriteCapacityUnits"]
    for kind, units in (("ReadCapacityUnits", read), ("WriteCapacityUnits", write)):
        if units > MAX_THROUGHPUT:
            raise errors.throughput_above_maximum(kind, units, region, MAX_THROUGHPUT)
    return read, write


def index_throughput(
    mode: str, name: str, given: Any, region: str, creating_table: bool = False
) -> tuple[int, int]:
    """A global secondary index's (read, write) capacity (`creating_table`: in a CreateTable request;
    each unit count is at least 1: checked by the model's constraints)."""
    if mode == "PAY_PER_REQUEST":
        if given:
            raise errors.index_throughput_with_pay_per_request(name)
        return 0, 0
    if not given:
        raise errors.no_index_throughput(name, creating_table)
    read, write = given["ReadCapacityUnits"], given["WriteCapacityUnits"]
    for kind, units in (("ReadCapacityUnits", read), ("WriteCapacityUnits", write)):
        if units > MAX_THROUGHPUT:
            raise errors.index_throughput_above_maximum(kind, name, units, region, MAX_THROUGHPUT)
    return read, write


def index_projection(projection: Any) -> tuple[str, list[str]]:
    if projection is None:
        raise errors.index_projection_missing()
    kind = projection.get("ProjectionType")
    if kind is None:
        raise errors.index_projection_type_null()
    if kind not in _PROJECTIONS:
        raise errors.index_projection_type()
    non_key = projection.get("NonKeyAttributes")
    if kind == "INCLUDE":
        if not non_key:
            raise errors.index_include_without_attributes()
    elif non_key is not None:
        raise errors.index_attributes_without_include(kind)
    non_key = list(non_key or [])  # each name is 1 to 255 characters: checked by the model's constraints
    for position, name in enumerate(non_key):
        if name in non_key[:position]:
            raise errors.index_projected_attribute_repeated(name)
    return kind, non_key


def local_indexes(definitions: Any, table_schema: KeySchema, types: dict[str, str], arn: str) -> list[IndexSettings]:
    if definitions is None:
        return []
    if not definitions:
        raise errors.index_list_empty("LocalSecondaryIndexes")
    indexes: list[IndexSettings] = []
    for definition in definitions:
        name = check_name(definition.get("IndexName"))
        if any(index.name == name for index in indexes):
            raise errors.index_names_equal(name)
        names = key_names(definition.get("KeySchema"))
        if table_schema.range_name is None:
            raise errors.local_index_on_hash_table()
        if names[0] != table_schema.hash_name:
            raise errors.local_index_hash_key(name, names[0], table_schema.hash_name)
        if len(names) == 1:
            raise errors.local_index_without_range(name)
        if names[1] not in types:
            raise errors.key_attributes_not_defined(names, list(types))
        kind, non_key = index_projection(definition.get("Projection"))
        indexes.append(IndexSettings(name, "LOCAL", f"{arn}/index/{name}", typed(names, types), kind, non_key))
    if len(indexes) > MAX_LSIS:
        raise errors.too_many_local_indexes(MAX_LSIS)
    return indexes


def global_index(
    definition: Any, types: dict[str, str], mode: str, arn: str, creating_table: bool = False
) -> IndexSettings:
    name = check_name(definition.get("IndexName"))
    hash_names, range_names = global_key_names(definition.get("KeySchema"))
    if any(attribute not in types for attribute in (*hash_names, *range_names)):
        raise errors.key_attributes_not_defined([*hash_names, *range_names], list(types))
    key_schema = KeySchema.of([(n, types[n]) for n in hash_names], [(n, types[n]) for n in range_names])
    kind, non_key = index_projection(definition.get("Projection"))
    region = arn.split(":")[3]
    read, write = index_throughput(mode, name, definition.get("ProvisionedThroughput"), region, creating_table)
    return IndexSettings(name, "GLOBAL", f"{arn}/index/{name}", key_schema, kind, non_key, read, write)


def global_indexes(definitions: Any, types: dict[str, str], mode: str, arn: str) -> list[IndexSettings]:
    if definitions is None:
        return []
    if not definitions:
        raise errors.index_list_empty("GlobalSecondaryIndexes")
    indexes: list[IndexSettings] = []
    for definition in definitions:
        index = global_index(definition, types, mode, arn, creating_table=True)
        if any(existing.name == index.name for existing in indexes):
            raise errors.index_names_equal(index.name)
        indexes.append(index)
    if len(indexes) > MAX_GSIS:
        raise errors.too_many_global_indexes(MAX_GSIS)
    return indexes


def check_indexes_together(
    table_schema: KeySchema, types: dict[str, str], indexes: list[IndexSettings], defined: Iterable[str] = ()
) -> None:
    """Checks across the table's key and all its indexes; `defined`: the other attributes the
    request names that AttributeDefinitions may define (a vector index's search schema)."""
    local = {index.name for index in indexes if index.kind == "LOCAL"}
    for index in indexes:
        if index.kind == "GLOBAL" and index.name in local:
            raise errors.index_names_equal(index.name)
    if sum(len(index.non_key_attributes) for index in indexes) > MAX_PROJECTED_ATTRIBUTES:
        raise errors.too_many_projected_attributes()
    used = dict.fromkeys(table_schema.names)
    for index in indexes:
        used.update(dict.fromkeys(index.key_schema.names))
    defined = [name for name in defined if name in types]
    used.update(dict.fromkeys(defined))
    if set(used) != set(types):
        if not indexes and not defined:
            raise errors.definitions_do_not_match_keys()
        raise errors.definitions_not_used(list(types), list(used))


@dataclasses.dataclass
class IndexChanges:
    """The checked GlobalSecondaryIndexUpdates of an UpdateTable request."""

    create: IndexSettings | None = None
    delete: str | None = None
    throughput: dict[str, tuple[int, int]] = dataclasses.field(default_factory=dict)
    definitions: dict[str, str] = dataclasses.field(default_factory=dict)  # merged AttributeDefinitions


def index_changes(request: dict[str, Any], table: Table, mode: str) -> IndexChanges | None:
    """Check GlobalSecondaryIndexUpdates against the table; None when the request has none."""
    updates = request.get("GlobalSecondaryIndexUpdates")
    if updates is None:
        return None
    _check_update_list(updates)
    existing_types = {d["AttributeName"]: d["AttributeType"] for d in table.settings.attribute_definitions}
    changes = IndexChanges(definitions=dict(existing_types))
    for update in updates:
        if "Create" in update:
            _check_create(request, update["Create"], table, mode, existing_types, changes)
        elif "Delete" in update:
            changes.delete = update["Delete"].get("IndexName")
            _existing_global_index(table, changes.delete)
        else:
            _check_throughput_update(update["Update"], table, mode, changes)
    return changes


def _check_update_list(updates: list[dict[str, Any]]) -> None:
    """One action per update, each index named once, at most one index created or deleted."""
    if any(not update for update in updates):
        raise errors.index_update_action_missing()
    names = [
        (update.get("Create") or update.get("Delete") or update.get("Update") or {}).get("IndexName")
        for update in updates
    ]
    for position, name in enumerate(names):
        if name is not None and name in names[:position]:
            raise errors.index_update_repeated(name)
    if sum(1 for update in updates if "Create" in update or "Delete" in update) > 1:
        raise errors.index_changes_at_once()


def _check_create(
    request: dict[str, Any],
    create: Any,
    table: Table,
    mode: str,
    existing_types: dict[str, str],
    changes: IndexChanges,
) -> None:
    """A Create: a new index, over attributes the request defines (consistently with the table's)."""
    if create.get("IndexName") in table.indexes or vector_index(table, create.get("IndexName")) is not None:
        raise errors.index_exists()
    if not request.get("AttributeDefinitions"):
        raise errors.index_definitions_missing(create.get("IndexName"))
    types = attribute_types(request["AttributeDefinitions"])
    for name, kind in types.items():
        if existing_types.get(name, kind) != kind:
            raise errors.attribute_redefined()
    changes.definitions.update(types)
    changes.create = global_index(create, changes.definitions, mode, table.settings.arn)
    if mode == "PAY_PER_REQUEST":
        changes.create.on_demand_throughput = {"MaxReadRequestUnits": -1, "MaxWriteRequestUnits": -1}


def _existing_global_index(table: Table, name: Any) -> Index:
    """The table's global secondary index `name`, which a Delete or an Update must name."""
    index = table.indexes.get(name)
    if index is None or index.settings.kind != "GLOBAL":
        raise errors.index_resource_not_found()
    return index


def _check_throughput_update(update: Any, table: Table, mode: str, changes: IndexChanges) -> None:
    """An Update: new provisioned throughput for an existing global index, which must change it."""
    name = update.get("IndexName")
    index = _existing_global_index(table, name)
    read, write = index_throughput(mode, name, update.get("ProvisionedThroughput"), table.settings.arn.split(":")[3])
    current = (index.settings.read_capacity, index.settings.write_capacity)
    if (read, write) == current:
        raise errors.index_throughput_unchanged(name, *current)
    changes.throughput[name] = (read, write)

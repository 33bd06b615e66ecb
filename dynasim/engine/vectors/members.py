"""What vector indexes add to the table operations: CreateTable's VectorIndexes, UpdateTable's
VectorIndexUpdates (one Create or Delete per request), and DescribeTable's VectorIndexes.

The service's rules, checked after the request's own: vector indexes only on PAY_PER_REQUEST tables
(and such a table stays on demand), at most five per table, index names unique across all index
kinds, search-schema attributes defined in AttributeDefinitions (and the vector attribute not),
at most one HASH attribute, each attribute once, 1 to 4096 dimensions, and every index on one
vector attribute with the same dimensions. One index is created or deleted at a time per table:
not together with a global secondary index, nor while another vector index backfills.

An index created with its table is CREATING in CreateTable's answer and ACTIVE afterwards. One
UpdateTable adds is CREATING and Backfilling in that answer, and stays so until its backfill ends on
`sim.clock`: after `VectorSearch.backfill_seconds` (0 by default: ACTIVE at the next DescribeTable;
`sim.vector_backfill_seconds = 300` then `sim.advance(300)` to watch it). Meanwhile SearchVectors
refuses it, as the service does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.engine import schema
from dynasim.engine.features import Apply, Request
from dynasim.engine.vectors.definitions import (
    MAX_DIMENSIONS,
    MAX_INDEXES,
    SETTING,
    VectorIndex,
    indexes,
    stored,
)
from dynasim.engine.vectors.state import VectorSearch, numpy_available

if TYPE_CHECKING:
    from dynasim.engine import Engine
    from dynasim.storage.table import Table


def _checked(definition: dict[str, Any], types: dict[str, str], table_arn: str) -> dict[str, Any]:
    """One VectorIndexes entry (or Create action), checked against the AttributeDefinitions that
    must define its search schema; the definition the table keeps."""
    name = definition["IndexName"]  # every required member is present: checked by the model's constraints
    if not 1 <= definition["Dimensions"] <= MAX_DIMENSIONS:
        raise errors.vector_dimensions_out_of_range()
    kind, non_key = schema.index_projection(definition.get("Projection"))
    search_schema = definition.get("SearchSchema")
    if search_schema is not None:
        names = [element["AttributeName"] for element in search_schema]
        if any(name not in types for name in names):
            raise errors.vector_search_schema_undefined()
        hashes = sum(1 for element in search_schema if element["SearchSchemaElementType"] == "HASH")
        if hashes > 1:
            raise errors.vector_search_schema_hashes(hashes)
        if len(set(names)) < len(names):
            raise errors.vector_search_schema_repeated()
    kept: dict[str, Any] = {
        "IndexName": name,
        "VectorAttribute": {"AttributeName": definition["VectorAttribute"]["AttributeName"]},
        "Dimensions": int(definition["Dimensions"]),
        "DistanceFunction": definition["DistanceFunction"],
        "Projection": {"ProjectionType": kind, **({"NonKeyAttributes": non_key} if non_key else {})},
        "IndexArn": f"{table_arn}/index/{name}",
        "BackfilledAt": None,
    }
    if search_schema is not None:
        kept["SearchSchema"] = [dict(element) for element in search_schema]
    return kept


def _check_dimensions_agree(definitions: list[dict[str, Any]]) -> None:
    dimensions: dict[str, int] = {}
    for definition in definitions:
        attribute = definition["VectorAttribute"]["AttributeName"]
        if dimensions.setdefault(attribute, definition["Dimensions"]) != definition["Dimensions"]:
            raise errors.vector_dimensions_conflict(attribute)


def _check_vector_attributes_undefined(definitions: list[dict[str, Any]], types: dict[str, str]) -> None:
    for definition in definitions:
        attribute = definition["VectorAttribute"]["AttributeName"]
        if attribute in types:
            raise errors.vector_attribute_defined(attribute)


def _require_numpy() -> None:
    if not numpy_available():
        raise errors.vector_numpy_missing()


def _schema_attributes(definitions: list[dict[str, Any]]) -> set[str]:
    return {element["AttributeName"] for d in definitions for element in d.get("SearchSchema") or ()}


class VectorTableMembers:
    """VectorIndexes on CreateTable, VectorIndexUpdates on UpdateTable, VectorIndexes in DescribeTable."""

    update_members: tuple[str, ...] = ("VectorIndexUpdates",)
    updating_members: tuple[str, ...] = ("VectorIndexUpdates",)

    def defined_attributes(self, request: Request) -> tuple[str, ...]:
        definitions = request.get("VectorIndexes") or []
        names = [element.get("AttributeName") for d in definitions for element in d.get("SearchSchema") or ()]
        names += [(d.get("VectorAttribute") or {}).get("AttributeName") for d in definitions]
        return tuple(name for name in names if isinstance(name, str))

    def check_create(self, engine: Engine, request: Request) -> Apply | None:
        definitions = request.get("VectorIndexes")
        if definitions is None:
            return None
        if not definitions:
            raise errors.index_list_empty("VectorIndexes")
        if request.get("BillingMode", "PROVISIONED") != "PAY_PER_REQUEST":
            raise errors.vector_indexes_need_on_demand()
        types = schema.attribute_types(request["AttributeDefinitions"])
        arn = engine.arn(f"table/{request['TableName']}")
        checked = [_checked(definition, types, arn) for definition in definitions]
        taken = {
            d.get("IndexName")
            for member in ("LocalSecondaryIndexes", "GlobalSecondaryIndexes")
            for d in request.get(member) or ()
        }
        for definition in checked:
            if definition["IndexName"] in taken:
                raise errors.index_names_equal(definition["IndexName"])
            taken.add(definition["IndexName"])
        if len(checked) > MAX_INDEXES:
            raise errors.vector_index_count(MAX_INDEXES)
        _check_dimensions_agree(checked)
        _check_vector_attributes_undefined(checked, types)
        _require_numpy()

        def apply(table: Table) -> None:
            table.settings.extra[SETTING] = checked

        return apply

    def check_update(self, engine: Engine, request: Request, table: Table) -> Apply | None:
        state = engine.state(VectorSearch)
        state.created_now = None
        existing = stored(table.settings)
        if request.get("BillingMode") == "PROVISIONED" and existing:
            raise errors.vector_table_stays_on_demand()
        updates = request.get("VectorIndexUpdates")
        if not updates:
            return None
        gsi_changes = [u for u in request.get("GlobalSecondaryIndexUpdates") or () if "Create" in u or "Delete" in u]
        now = engine.clock()
        if len(updates) > 1 or gsi_changes or any(index.backfilling(now) for index in indexes(table)):
            raise errors.index_changes_at_once()
        update = updates[0]
        if "Create" in update:
            return self._create(engine, request, table, update["Create"])
        if "Delete" in update:
            return self._delete(table, update["Delete"]["IndexName"])
        raise errors.vector_index_update_action_missing()

    def _create(self, engine: Engine, request: Request, table: Table, create: dict[str, Any]) -> Apply:
        settings = table.settings
        if request.get("BillingMode", settings.billing_mode) != "PAY_PER_REQUEST":
            raise errors.vector_indexes_need_on_demand()
        existing = stored(settings)
        name = create["IndexName"]
        if name in table.indexes or any(d["IndexName"] == name for d in existing):
            raise errors.index_exists()
        types = schema.attribute_types(request.get("AttributeDefinitions") or [])
        table_types = {d["AttributeName"]: d["AttributeType"] for d in settings.attribute_definitions}
        if any(table_types.get(attribute, kind) != kind for attribute, kind in types.items()):
            raise errors.attribute_redefined()
        definition = _checked(create, types, settings.arn)
        if len(existing) >= MAX_INDEXES:
            raise errors.vector_index_count(MAX_INDEXES)
        _check_dimensions_agree([*existing, definition])
        _check_vector_attributes_undefined([definition], {**table_types, **types})
        _require_numpy()
        state = engine.state(VectorSearch)
        definition["BackfilledAt"] = engine.clock() + state.backfill_seconds
        added = {name: kind for name, kind in types.items() if name in _schema_attributes([definition])}

        def apply(table: Table) -> None:
            table.settings.extra[SETTING] = [*existing, definition]
            for attribute, kind in added.items():
                if attribute not in table_types:
                    table.settings.attribute_definitions.append({"AttributeName": attribute, "AttributeType": kind})
            state.created_now = (table.name, name)

        return apply

    def _delete(self, table: Table, name: str) -> Apply:
        existing = stored(table.settings)
        if not any(d["IndexName"] == name for d in existing):
            raise errors.vector_index_not_found(name, table.name)

        def apply(table: Table) -> None:
            settings = table.settings
            remaining = [d for d in existing if d["IndexName"] != name]
            if remaining:
                settings.extra[SETTING] = remaining
            else:
                settings.extra.pop(SETTING, None)
            # The service keeps AttributeDefinitions to the attributes something still uses.
            used = set(settings.key_schema.names) | _schema_attributes(remaining)
            for index in settings.indexes:
                used.update(index.key_schema.names)
            settings.attribute_definitions = [d for d in settings.attribute_definitions if d["AttributeName"] in used]

        return apply

    def describe(self, engine: Engine, table: Table, status: str) -> dict[str, Any]:
        definitions = stored(table.settings)
        if not definitions:
            return {}
        state = engine.state(VectorSearch)
        now = engine.clock()
        described = []
        for definition, index in zip(definitions, indexes(table), strict=True):
            described.append(_describe(definition, index, state.describing(table, index, now, status)))
        return {SETTING: described}


def _describe(definition: dict[str, Any], index: VectorIndex, facts: tuple[str, bool, int, int]) -> dict[str, Any]:
    status, backfilling, size, count = facts
    entry: dict[str, Any] = {"IndexName": index.name}
    if "SearchSchema" in definition:
        entry["SearchSchema"] = definition["SearchSchema"]
    entry["Projection"] = definition["Projection"]
    entry["VectorAttribute"] = definition["VectorAttribute"]
    entry["Dimensions"] = definition["Dimensions"]
    entry["DistanceFunction"] = definition["DistanceFunction"]
    entry["IndexStatus"] = status
    if backfilling:
        entry["Backfilling"] = True
    entry["IndexSizeBytes"] = size
    entry["ItemCount"] = count
    entry["IndexArn"] = definition["IndexArn"]
    return entry

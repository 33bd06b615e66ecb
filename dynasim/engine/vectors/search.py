"""SearchVectors: the TopK items of a vector index nearest a search vector, nearest first.

Checks in the service's order (its recorded answers, 2026; where none was recorded, Query's order):
TopK within 1 to 100; the expression parameters (placeholders, the SearchConditionExpression's
syntax and its shape: equalities between a top-level attribute and a value, joined by AND; the
ProjectionExpression); the table; the index; its backfill; the search vector (numbers within
float32's range, then as many as the index's dimensions); the condition against the search schema
(only its attributes, none nested, each once, the HASH attribute always, with the defined type and
not empty); placeholders left unused.

Scores: COSINE 1 - cosine similarity (0 identical to 2 opposite), EUCLIDEAN the distance, both
smallest first; DOT_PRODUCT the dot product, largest first. Each item comes as the index projects
it, without its vector unless ProjectionExpression names it (as float32 numbers); attributes the
index does not project are left out. ConsumedCapacity is the service's vector search bytes: the
bytes of the entries the search examined (its partition), at least 1 KB, the same for TOTAL and
INDEXES.

Beside the request, a test double may make the search miss true neighbours (`leaving_out`, set
for one request in its context, as `Engine.reading_through` is): given the table, the index, the
search vector and TopK, it names the ranks among the true TopK to leave out; the next nearest take
their places.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.engine.capacity import requested
from dynasim.engine.registry import Request, Response, operation
from dynasim.engine.touches import querying
from dynasim.engine.vectors.definitions import FLOAT32_MAX, MAX_TOP_K, VectorIndex, find
from dynasim.engine.vectors.state import VectorSearch, numpy_available
from dynasim.expressions import BoundCondition, BoundProjection, Placeholders
from dynasim.expressions.ast import And, Compare, Path, Value
from dynasim.values import AttributeValue, sort_key

if TYPE_CHECKING:
    from dynasim.engine import Engine

CONDITION = "SearchConditionExpression"
MIN_SEARCH_BYTES = 1024

# (table, index, search vector, TopK) -> the ranks (0 to TopK - 1) of true neighbours to leave out.
Recall = Callable[[str, str, Sequence[float], int], Collection[int]]
leaving_out: ContextVar[Recall | None] = ContextVar("dynasim_vector_recall", default=None)


@operation("SearchVectors", access="read", finds=querying)
def search_vectors(engine: Engine, request: Request) -> Response:
    top_k = request["TopK"]  # at least 1: checked by the model's constraints
    if top_k > MAX_TOP_K:
        raise errors.top_k_out_of_range(top_k, MAX_TOP_K)
    present = tuple(name for name in (CONDITION, "ProjectionExpression") if request.get(name) is not None)
    placeholders = Placeholders(request, present, f"{CONDITION} is null")
    equalities = _equalities(placeholders.condition(request[CONDITION], CONDITION)) if CONDITION in present else []
    projection = placeholders.projection(request["ProjectionExpression"]) if "ProjectionExpression" in present else None
    table = engine.table(request["TableName"])
    index = find(table, request["IndexName"])
    if index is None:
        raise errors.index_not_found(request["IndexName"])
    if index.backfilling(engine.clock()):
        raise errors.vector_index_backfilling(index.name)
    query = _search_vector(request["SearchVector"], index)
    partition, filters = _scope(index, equalities)
    placeholders.check_unused()
    if not numpy_available():
        raise errors.vector_numpy_missing()
    return _search(engine, request, table, index, query, partition, filters, projection)


def _search(
    engine: Engine,
    request: Request,
    table: Any,
    index: VectorIndex,
    query: list[float],
    partition: Any,
    filters: list[tuple[str, AttributeValue]],
    projection: BoundProjection | None,
) -> Response:
    import numpy as np

    top_k = request["TopK"]
    recall = leaving_out.get()
    left_out = set(recall(table.name, index.name, query, top_k)) if recall is not None else set()
    store = engine.state(VectorSearch).store(engine.tables[table.name], index)
    found, examined = store.search(np.asarray(query, dtype=np.float32), partition, filters, top_k + len(left_out))
    found = [entry for rank, entry in enumerate(found) if rank not in left_out][:top_k]
    results = []
    for score, item in found:
        projected = store.projected(item, vector=projection is not None)
        results.append({"Item": projection.apply(projected) if projection is not None else projected, "Score": score})
    response: Response = {"SearchResults": results}
    if requested(request) != "NONE":
        response["ConsumedCapacity"] = {"VectorSearchRequestBytes": float(max(examined, MIN_SEARCH_BYTES))}
    return response


def _equalities(condition: BoundCondition) -> list[tuple[tuple[str | int, ...], AttributeValue]]:
    """The condition's (attribute path, value) pairs: it may only AND equalities of a path and a value."""
    pairs: list[tuple[tuple[str | int, ...], AttributeValue]] = []

    def collect(node: Any) -> None:
        if isinstance(node, And):
            collect(node.left)
            collect(node.right)
            return
        if not isinstance(node, Compare) or node.op != "=":
            raise errors.search_comparator_invalid()
        operands = (node.left, node.right)
        path = next((operand for operand in operands if isinstance(operand, Path)), None)
        value = next((operand for operand in operands if isinstance(operand, Value)), None)
        if path is None or value is None:
            raise errors.search_comparator_invalid()
        pairs.append((path.resolve(condition.ctx.names), condition.ctx.values[value.ref]))

    collect(condition.root)
    return pairs


def _search_vector(members: list[AttributeValue], index: VectorIndex) -> list[float]:
    """The search vector's numbers: each a number within float32's range, as many as the index's dimensions."""
    vector = []
    for member in members:
        number = member.get("N") if isinstance(member, dict) and len(member) == 1 else None
        try:
            value = float(number) if number is not None else None
        except ValueError:
            value = None
        if value is None or not abs(value) <= FLOAT32_MAX:
            raise errors.search_vector_invalid()
        vector.append(value)
    if len(vector) != index.dimensions:
        raise errors.search_vector_dimensions(len(vector), index.dimensions)
    return vector


def _scope(
    index: VectorIndex, equalities: list[tuple[tuple[str | int, ...], AttributeValue]]
) -> tuple[Any, list[tuple[str, AttributeValue]]]:
    """The partition the condition names (None without a HASH attribute) and its filters, checked
    against the index's search schema."""
    types = dict(index.types)
    for path, _ in equalities:
        if path[0] not in types:
            raise errors.search_attribute_not_in_schema(str(path[0]))
    if any(len(path) > 1 for path, _ in equalities):
        raise errors.search_nested_attribute()
    names = [path[0] for path, _ in equalities]
    if len(set(names)) < len(names):
        raise errors.search_attribute_repeated()
    partition = None
    filters: list[tuple[str, AttributeValue]] = []
    for path, value in equalities:
        name = str(path[0])
        if name != index.hash_attribute:
            filters.append((name, value))
            continue
        kind, payload = next(iter(value.items()))
        if kind != types[name]:
            raise errors.search_hash_type(name, kind, types[name])
        if kind == "S" and payload == "":
            raise errors.search_hash_empty(name)
        partition = sort_key(kind, payload)
    if index.hash_attribute is not None and index.hash_attribute not in names:
        raise errors.search_hash_missing()
    return partition, filters

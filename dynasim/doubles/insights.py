"""What CloudWatch Contributor Insights would graph for a table or a global index, computed from the
calls the simulator answered (its call log): the most accessed and the most throttled keys.

A call names keys by what it touches (`dynasim.engine.touches`): the items of single-item, batch and
transaction requests (by their full key), and the partition a Query reads (by its partition key
only: which items it returned is not a key it named). Scans name no key. For a global index, the
keys are the index's: a Query of the index names its partition, and a put names the index key its
item carries. A call counts as an access whatever its outcome (the service's accessed graphs count
successful and throttled requests); it counts as throttled when the throughput limits
(`Simulator.enable_throughput_limits`) refused it. Errors injected by fault rules are not
throttling, and entries a limit left unprocessed in a batch count only as accessed.

This is computed whether or not insights are enabled on the table (UpdateContributorInsights only
keeps the setting), from the calls still in the call log.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from dynasim.errors import DynamoDBError
from dynasim.storage.schema import KeySchema

if TYPE_CHECKING:
    from dynasim.doubles.calls import Call
    from dynasim.engine import Engine

THROTTLING = frozenset({"ProvisionedThroughputExceededException", "ThrottlingException"})
Key = dict[str, Any]


def _throttled(call: Call) -> bool:
    error = call.error
    return isinstance(error, DynamoDBError) and error.code in THROTTLING and call.fault is None


def _pick(item: Any, names: Iterable[str]) -> Key | None:
    """The attributes `names` of a wire item, or None if it lacks one."""
    if not isinstance(item, dict):
        return None
    picked = {name: item.get(name) for name in names}
    return picked if all(value is not None for value in picked.values()) else None


def _queried_partition(engine: Engine, call: Call, schema: KeySchema) -> Key | None:
    from dynasim.engine.reads import plan_query  # the engine's own reading of the key condition

    try:
        condition = plan_query(engine, call.request).key_condition
    except Exception:  # a request the engine refused: it named no partition
        return None
    if condition is None:
        return None
    return {name: value for (name, _), value in zip(schema.hash_attributes, condition.hash_values, strict=True)}


def _named_keys(engine: Engine, call: Call, table: str, index: str | None, schema: KeySchema) -> Iterator[Key]:
    """The keys (full or partition) of `table` or its `index` that one call names."""
    touches = call.touches
    if table not in touches.tables:
        return
    if touches.query and touches.index == index:
        partition = _queried_partition(engine, call, schema)
        if partition is not None:
            yield partition
        return
    for entry in touches.entries:
        if entry.table != table or (index is not None and entry.action != "put"):
            continue
        key = _pick(entry.key, schema.names)
        if key is not None:
            yield key


def _ranked(counts: Counter[str], top: int) -> list[dict[str, Any]]:
    return [{"key": json.loads(key), "count": count} for key, count in counts.most_common(top)]


def contributor_insights(
    engine: Engine, calls: Iterable[Call], table: str, index: str | None = None, top: int = 10
) -> dict[str, Any]:
    """The report `Simulator.contributor_insights` returns (see there)."""
    found = engine.tables.get(table)
    if found is None:
        raise KeyError(f"no table {table!r}")
    if index is not None:
        if index not in found.indexes or found.indexes[index].settings.kind != "GLOBAL":
            raise KeyError(f"table {table!r} has no global index {index!r}")
        schema = found.indexes[index].settings.key_schema
    else:
        schema = found.key_schema
    hash_names = [name for name, _ in schema.hash_attributes]
    counts: dict[str, Counter[str]] = {
        name: Counter() for name in ("accessed_keys", "accessed_partitions", "throttled_keys", "throttled_partitions")
    }
    for call in calls:
        throttled = _throttled(call)
        for key in _named_keys(engine, call, table, index, schema):
            partition = json.dumps({name: key[name] for name in hash_names}, sort_keys=True)
            counts["accessed_partitions"][partition] += 1
            full = len(key) == len(schema.names)
            if full:
                counts["accessed_keys"][json.dumps(key, sort_keys=True)] += 1
            if throttled:
                counts["throttled_partitions"][partition] += 1
                if full:
                    counts["throttled_keys"][json.dumps(key, sort_keys=True)] += 1
    return {name: _ranked(counter, top) for name, counter in counts.items()}

"""Differential replay and seeding: the simulator checked against a recording.

`simulate(cassette)` runs every recorded request, in order, against a fresh simulator and
compares each answer with the recorded one. Tables the recording uses but did not create are
made first from its DescribeTable answers, with the items it read from them before writing
them. Fields that differ between any two runs (creation times, ARNs, ids, sizes and counts
DynamoDB refreshes every six hours, stream sequence numbers) are left out of the comparison,
and the items of a scan (a Scan, or a PartiQL SELECT that scans: `Engine.touches`) are compared
as a set. SearchVectors scores within `SCORE_TOLERANCE` of the recorded ones count as equal: the
service computes them in its own arithmetic, dynasim in float32. Stream ARNs, shard ids and shard
iterators the recording sends back are translated to the ones the simulator handed out in their place.

`seed(simulator, cassette)` builds the tables and items a recording shows, for offline
development with realistic data.
"""

from __future__ import annotations

import copy
import decimal
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dynasim.engine import Engine
from dynasim.engine.touches import Touches
from dynasim.errors import DynamoDBError
from dynasim.recording import cassette as cassettes
from dynasim.recording.replayer import diff, normalise

VOLATILE_FIELDS = frozenset(
    {
        "CreationDateTime",
        "CreationRequestDateTime",
        "LastIncreaseDateTime",
        "LastDecreaseDateTime",
        "NumberOfDecreasesToday",
        "LastUpdateToPayPerRequestDateTime",
        "TableArn",
        "TableId",
        "IndexArn",
        "LatestStreamArn",
        "LatestStreamLabel",
        "StreamArn",
        "StreamLabel",
        "TableSizeBytes",
        "IndexSizeBytes",
        "ItemCount",
        "TableStatus",
        "IndexStatus",
        "SequenceNumber",
        "StartingSequenceNumber",
        "EndingSequenceNumber",
        "ApproximateCreationDateTime",
        "ShardId",
        "ParentShardId",
        "ShardIterator",
        "NextShardIterator",
        "eventID",
        "WarmThroughput",
        # what jobs (backups, restores, exports, imports, bulk loads) and settings that settle on
        # the clock report: their ids, times and statuses, and sizes of what they wrote
        "BackupArn",
        "SourceBackupArn",
        "BackupCreationDateTime",
        "BackupExpiryDateTime",
        "BackupStatus",
        "BackupSizeBytes",
        "TableCreationDateTime",
        "EarliestRestorableDateTime",
        "LatestRestorableDateTime",
        "RestoreDateTime",
        "ExportArn",
        "ExportStatus",
        "ExportTime",
        "ExportManifest",
        "ImportArn",
        "ImportStatus",
        "BulkOperationArn",
        "BulkOperationStatus",
        "StartTime",
        "EndTime",
        "CloudWatchLogGroupArn",
        "ProcessedSizeBytes",
        "BilledSizeBytes",
        "RevisionId",
        "DestinationStatus",
        "ContributorInsightsStatus",
        "LastUpdateDateTime",
    }
)

# The members of a vector index's description that a CreateTable request takes back.
VECTOR_INDEX_MEMBERS = ("IndexName", "VectorAttribute", "Dimensions", "DistanceFunction", "SearchSchema", "Projection")
SCORE_TOLERANCE = 1e-4  # relative; and 1e-6 absolute, for scores near 0

# Opaque values the service hands out and later requests send back: in requests they are
# translated to the ones the simulator handed out in the same place.
TOKEN_FIELDS = frozenset(
    {
        "StreamArn",
        "LatestStreamArn",
        "ShardId",
        "ExclusiveStartShardId",
        "ShardIterator",
        "NextShardIterator",
        "BackupArn",
        "SourceBackupArn",
        "ExclusiveStartBackupArn",
        "LastEvaluatedBackupArn",
        "ExportArn",
        "ImportArn",
        "BulkOperationArn",
        "RevisionId",
        "ExpectedRevisionId",
    }
)

Progress = Callable[[int, int], None]


@dataclass
class Mismatch:
    seq: int
    operation: str
    differences: list[str]
    request: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "operation": self.operation, "differences": self.differences, "request": self.request}


@dataclass
class Report:
    cassette: str
    calls: int = 0
    compared: int = 0
    skipped: int = 0
    seeded_tables: list[str] = field(default_factory=list)
    seeded_items: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    calls_by_operation: dict[str, int] = field(default_factory=dict)
    latency_ms: dict[str, float | None] = field(default_factory=dict)
    latency_ms_by_operation: dict[str, dict[str, float | None]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def mismatches_by_operation(self) -> dict[str, list[Mismatch]]:
        grouped: dict[str, list[Mismatch]] = {}
        for mismatch in self.mismatches:
            grouped.setdefault(mismatch.operation, []).append(mismatch)
        return dict(sorted(grouped.items()))

    def to_json(self) -> dict[str, Any]:
        grouped = self.mismatches_by_operation()
        return {
            "cassette": self.cassette,
            "calls": self.calls,
            "compared": self.compared,
            "skipped": self.skipped,
            "differing": len(self.mismatches),
            "seeded_tables": self.seeded_tables,
            "seeded_items": self.seeded_items,
            "calls_by_operation": self.calls_by_operation,
            "mismatches_by_operation": {op: len(found) for op, found in grouped.items()},
            "latency_ms": self.latency_ms,
            "latency_ms_by_operation": self.latency_ms_by_operation,
            "mismatches": {op: [m.to_json() for m in found] for op, found in grouped.items()},
        }

    def text(self, per_operation: int = 5) -> str:
        lines = []
        for operation, found in self.mismatches_by_operation().items():
            total = self.calls_by_operation.get(operation, len(found))
            lines.append(f"{operation}: {len(found)} of {total} response(s) differ")
            for mismatch in found[:per_operation]:
                lines.append(f"  seq={mismatch.seq}:")
                lines.extend(f"    {line}" for line in mismatch.differences)
            if len(found) > per_operation:
                lines.append(f"  ... and {len(found) - per_operation} more (see --report)")
        latency = ", ".join(f"{k} {v:.1f}" for k, v in self.latency_ms.items() if v is not None)
        lines.append(
            f"{self.calls} call(s), {self.compared} compared, {len(self.mismatches)} differing, "
            f"{self.skipped} skipped (transport errors)"
        )
        if self.seeded_tables:
            lines.append(
                f"tables made from recorded descriptions: {', '.join(self.seeded_tables)} "
                f"({self.seeded_items} item(s) the recording read before writing them)"
            )
        if latency:
            lines.append(f"recorded latency (ms): {latency}")
            by_operation = ", ".join(
                f"{operation} {found['p50']:.1f}/{found['p99']:.1f}"
                for operation, found in self.latency_ms_by_operation.items()
                if found["p50"] is not None and found["p99"] is not None
            )
            lines.append(f"  by operation (p50/p99): {by_operation}")
        return "\n".join(lines)


def percentiles(values: Iterable[float]) -> dict[str, float | None]:
    ordered = sorted(values)
    if not ordered:
        return {"p50": None, "p90": None, "p99": None, "max": None}

    def at(fraction: float) -> float:  # nearest rank
        return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]

    return {"p50": at(0.50), "p90": at(0.90), "p99": at(0.99), "max": ordered[-1]}


def _tape(source: str | Path | cassettes.Cassette) -> cassettes.Cassette:
    return source if isinstance(source, cassettes.Cassette) else cassettes.load(source)


def create_request(description: dict[str, Any]) -> dict[str, Any]:
    """The CreateTable request that makes a table like a DescribeTable `Table` description."""
    billing = (description.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED")
    request: dict[str, Any] = {
        "TableName": description["TableName"],
        "KeySchema": description["KeySchema"],
        "AttributeDefinitions": description["AttributeDefinitions"],
        "BillingMode": billing,
    }

    def throughput(source: dict[str, Any]) -> dict[str, int]:
        given = source.get("ProvisionedThroughput") or {}
        return {
            "ReadCapacityUnits": max(1, int(given.get("ReadCapacityUnits") or 1)),
            "WriteCapacityUnits": max(1, int(given.get("WriteCapacityUnits") or 1)),
        }

    if billing == "PROVISIONED":
        request["ProvisionedThroughput"] = throughput(description)
    for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        indexes = []
        for index in description.get(kind) or []:
            made = {"IndexName": index["IndexName"], "KeySchema": index["KeySchema"], "Projection": index["Projection"]}
            if kind == "GlobalSecondaryIndexes" and billing == "PROVISIONED":
                made["ProvisionedThroughput"] = throughput(index)
            indexes.append(made)
        if indexes:
            request[kind] = indexes
    vector_indexes = [
        {member: index[member] for member in VECTOR_INDEX_MEMBERS if member in index}
        for index in description.get("VectorIndexes") or []
    ]
    if vector_indexes:
        request["VectorIndexes"] = vector_indexes
    stream = description.get("StreamSpecification")
    if stream and stream.get("StreamEnabled"):
        request["StreamSpecification"] = stream
    return request


def _described_tables(tape: cassettes.Cassette) -> dict[tuple[str | None, str], dict[str, Any]]:
    """CreateTable requests for tables the recording describes but does not create first, by
    (region, name): a table is made in the region whose client described it."""
    created: set[tuple[str | None, str]] = set()
    wanted: dict[tuple[str | None, str], dict[str, Any]] = {}
    for interaction in tape:
        made = _table_made(interaction.operation, interaction.request)
        if made is not None:
            created.add((interaction.region, made))
        elif interaction.operation == "DescribeTable" and interaction.response:
            table = interaction.response.get("Table") or {}
            name = table.get("TableName")
            where = (interaction.region, str(name))
            if name and where not in created and where not in wanted and "KeySchema" in table:
                wanted[where] = create_request(table)
    return wanted


def _table_made(operation: str, request: dict[str, Any]) -> str | None:
    """The table a request makes, if it makes one (CreateTable, a restore, an import)."""
    if operation == "CreateTable":
        return str(request.get("TableName", ""))
    if operation in ("RestoreTableFromBackup", "RestoreTableToPointInTime"):
        return str(request.get("TargetTableName", ""))
    if operation == "ImportTable":
        return str((request.get("TableCreationParameters") or {}).get("TableName", ""))
    return None


def _comparable(document: Any, ignore: frozenset[str], scan: bool) -> Any:
    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k not in ignore}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    stripped = normalise(strip(document or {}))
    if scan and isinstance(stripped.get("Items"), list):  # a scan's order is the table's layout
        stripped["Items"] = sorted(stripped["Items"], key=lambda item: json.dumps(item, sort_keys=True))
    return stripped


def simulate(
    source: str | Path | cassettes.Cassette,
    simulator: Any = None,
    *,
    ignore: Iterable[str] = (),
    seed_items: bool = True,
    progress: Progress | None = None,
) -> Report:
    """Run a recording against `simulator` (default: a fresh one) and report what differs.
    Tables the recording uses without creating them are made from its DescribeTable answers and
    (`seed_items`) filled with the items it read from them before writing them."""
    from dynasim.simulator import Simulator

    tape = _tape(source)
    # The regions the calls were made in, each answered by its own (the first the home region).
    regions = list(dict.fromkeys(i.region for i in tape if i.region))
    # Jobs (a backup, an export) finish as they start: the recorded run waited for them, and the
    # replay compares what they did, not how long they took.
    if simulator is None:
        simulator = Simulator(*regions[:1], regions=regions[1:], jobs="immediate")
    for region in regions:
        simulator.add_region(region)
    ignored = VOLATILE_FIELDS | frozenset(ignore)
    report = Report(cassette=str(source) if not isinstance(source, cassettes.Cassette) else "cassette")
    report.calls = len(tape)
    report.latency_ms = percentiles(i.duration_ms for i in tape if i.duration_ms is not None)
    for operation in sorted({i.operation for i in tape}):
        report.latency_ms_by_operation[operation] = percentiles(
            i.duration_ms for i in tape if i.operation == operation and i.duration_ms is not None
        )
    described = _described_tables(tape)
    for seeded_in in dict.fromkeys(made_in for made_in, _ in described):
        # Each region's tables are seeded from the calls made there: one name may stand in two.
        schemas = {table: request for (made_in, table), request in described.items() if made_in == seeded_in}
        calls = cassettes.Cassette(tape.header, [i for i in tape if i.region == seeded_in])
        before = _items(calls, schemas, before=True) if seed_items else {}
        for table, request in schemas.items():
            simulator.handle("CreateTable", request, region=seeded_in)
            report.seeded_tables.append(table)
            report.seeded_items += _put_items(simulator, table, before.get(table, {}), seeded_in)
    total = len(tape)
    tokens: dict[str, str] = {}
    for done, interaction in enumerate(tape, 1):
        operation = interaction.operation
        report.calls_by_operation[operation] = report.calls_by_operation.get(operation, 0) + 1
        if interaction.error is not None and interaction.error.get("status") is None:
            report.skipped += 1
        else:
            report.compared += 1
            differences = _compare(simulator, interaction, ignored, tokens)
            if differences:
                report.mismatches.append(Mismatch(interaction.seq, operation, differences, interaction.request))
        if progress is not None:
            progress(done, total)
    return report


def _translated(node: Any, tokens: dict[str, str], key: str = "") -> Any:
    """A request with the recording's tokens (stream ARNs, shard ids and iterators, backup, export
    and import ARNs, policy revisions) replaced by the simulator's."""
    if isinstance(node, dict):
        return {k: _translated(v, tokens, k) for k, v in node.items()}
    if isinstance(node, list):
        return [_translated(v, tokens, key) for v in node]
    if key in TOKEN_FIELDS and isinstance(node, str):
        return tokens.get(node, node)
    return node


def _learn(recorded: Any, simulated: Any, tokens: dict[str, str], key: str = "") -> None:
    """Pair the tokens of a recorded response with those the simulator gave in their place."""
    if isinstance(recorded, dict) and isinstance(simulated, dict):
        for k, v in recorded.items():
            if k in simulated:
                _learn(v, simulated[k], tokens, k)
    elif isinstance(recorded, list) and isinstance(simulated, list):
        for a, b in zip(recorded, simulated, strict=False):
            _learn(a, b, tokens, key)
    elif key in TOKEN_FIELDS and isinstance(recorded, str) and isinstance(simulated, str):
        tokens[recorded] = simulated


def _compare(
    simulator: Any, interaction: cassettes.Interaction, ignored: frozenset[str], tokens: dict[str, str]
) -> list[str]:
    operation = interaction.operation
    request = _translated(copy.deepcopy(interaction.request), tokens)
    # a Scan, or a PartiQL SELECT that scans
    scan = simulator.engine_of(interaction.region).touches(operation, request).scan
    try:
        response: dict[str, Any] | None
        response = simulator.handle(operation, request, region=interaction.region)
        error = None
    except DynamoDBError as raised:
        response, error = None, {"code": raised.code, "message": raised.message, "status": raised.status}
    if response is not None and interaction.response is not None:
        _learn(interaction.response, response, tokens)
    recorded = interaction.error
    if recorded is None and error is None:
        assert response is not None
        response = _scores_settled(interaction.response, response)
        return diff(_comparable(interaction.response, ignored, scan), _comparable(response, ignored, scan))
    if recorded is None:
        assert error is not None
        return [f"recorded success, now {error['code']} ({error['status']}): {error['message']}"]
    if error is None:
        return [f"recorded {recorded.get('code')} ({recorded.get('status')}): {recorded.get('message')}, now success"]
    lines = []
    for key in ("code", "status", "message"):
        if recorded.get(key) != error[key]:
            lines.append(f"error {key}: recorded {json.dumps(recorded.get(key))}, now {json.dumps(error[key])}")
    return lines


def _scores_settled(recorded: Any, simulated: dict[str, Any]) -> dict[str, Any]:
    """The simulated answer with each SearchVectors score that agrees with the recorded one, within
    `SCORE_TOLERANCE`, replaced by it: only the scores that differ beyond it are reported."""
    pairs = zip((recorded or {}).get("SearchResults") or [], simulated.get("SearchResults") or [], strict=False)
    settled = []
    for was, now in pairs:
        before, after = was.get("Score"), now.get("Score")
        close = _numbers(before, after) and math.isclose(
            float(before), float(after), rel_tol=SCORE_TOLERANCE, abs_tol=1e-6
        )
        if close:
            now = {**now, "Score": before}
        settled.append(now)
    if not settled:
        return simulated
    return {**simulated, "SearchResults": settled + simulated["SearchResults"][len(settled) :]}


def _numbers(*values: Any) -> bool:
    return all(isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool) for value in values)


# --- seeding ---------------------------------------------------------------------------------


def _schemas(tape: cassettes.Cassette) -> dict[str, dict[str, Any]]:
    """CreateTable requests for every table the recording created or described."""
    schemas: dict[str, dict[str, Any]] = {}
    for interaction in tape:
        if interaction.error is not None:
            continue
        if interaction.operation == "CreateTable":
            name = interaction.request.get("TableName")
            if name:
                schemas.setdefault(name, interaction.request)
        elif interaction.operation == "DescribeTable" and interaction.response:
            table = interaction.response.get("Table") or {}
            if "KeySchema" in table:
                schemas.setdefault(table["TableName"], create_request(table))
    return schemas


def _item_events(
    tape: cassettes.Cassette, engine: Engine, schemas: dict[str, dict[str, Any]]
) -> Iterable[tuple[str, str, Any]]:
    """What the recording shows of items, in order: ("put" | "delete" | "read" | "touch", table,
    item or key). "read" is a whole item read back; "touch" a write whose result is not shown.
    Writes are the entries each request touches (`Engine.touches`: PartiQL statements too);
    reads are the whole items answered to GetItem, Query, Scan, BatchGetItem and SearchVectors."""
    for interaction in tape:
        if interaction.error is not None:
            continue
        request, response = interaction.request, interaction.response or {}
        if "SearchResults" in response:
            yield from _found(request, response, schemas)
            continue
        touches = engine.touches(interaction.operation, request)
        if touches.access == "write":
            yield from _written(touches, request, response)
        elif touches.access == "read":
            yield from _read(touches, request, response)


def _written(touches: Touches, request: dict[str, Any], response: dict[str, Any]) -> Iterable[tuple[str, str, Any]]:
    for entry in touches.entries:
        if entry.action in ("put", "delete"):
            yield entry.action, entry.table, entry.key
        elif entry.action == "update":
            returned = response.get("Attributes") if entry is touches.item else None
            if returned and request.get("ReturnValues") == "ALL_OLD":
                yield "read", entry.table, returned
            if returned is not None and request.get("ReturnValues") == "ALL_NEW":
                yield "put", entry.table, returned
            else:
                yield "touch", entry.table, entry.key


def _whole(request: dict[str, Any]) -> bool:
    """Whether a read answers whole items (asks for no projection)."""
    return not any(request.get(k) for k in ("ProjectionExpression", "AttributesToGet")) and (
        request.get("Select") in (None, "ALL_ATTRIBUTES")
    )


def _read(touches: Touches, request: dict[str, Any], response: dict[str, Any]) -> Iterable[tuple[str, str, Any]]:
    # A PartiQL SELECT names its columns in its statement and answers a list: only the
    # operations with TableName (GetItem, Query, Scan) or a map of Responses (BatchGetItem) show
    # whole items.
    table = touches.table
    if "TableName" not in request or table is None or touches.index is not None or not _whole(request):
        found = response.get("Responses")
        if touches.batch and isinstance(found, dict):
            asked = request.get("RequestItems") or {}
            for name, items in found.items():
                if _whole(asked.get(name) or {}):
                    yield from (("read", name, item) for item in items)
        return
    if touches.item is not None and response.get("Item"):
        yield "read", table, response["Item"]
    elif touches.query or touches.scan:
        yield from (("read", table, item) for item in response.get("Items") or [])


def _found(
    request: dict[str, Any], response: dict[str, Any], schemas: dict[str, dict[str, Any]]
) -> Iterable[tuple[str, str, Any]]:
    """The items a SearchVectors answer shows whole: asked for with no projection, from a vector
    index that projects them ALL, each with its vector."""
    table = str(request.get("TableName", "")).rpartition("table/")[2]  # a name, or an ARN
    indexes = (schemas.get(table) or {}).get("VectorIndexes") or []
    index = next((i for i in indexes if i.get("IndexName") == request.get("IndexName")), None)
    if index is None or request.get("ProjectionExpression") or index["Projection"].get("ProjectionType") != "ALL":
        return
    vector = index["VectorAttribute"]["AttributeName"]
    for found in response["SearchResults"]:
        if isinstance(found.get("Item"), dict) and vector in found["Item"]:
            yield "read", table, found["Item"]


def _items(
    tape: cassettes.Cassette, schemas: dict[str, dict[str, Any]], *, before: bool
) -> dict[str, dict[str, dict[str, Any] | None]]:
    """Items by table and key: as of the recording's end, or (`before`) those the recording shows
    existed before it (read before it wrote them)."""
    key_names = {name: [k["AttributeName"] for k in request["KeySchema"]] for name, request in schemas.items()}
    items: dict[str, dict[str, dict[str, Any] | None]] = {name: {} for name in schemas}
    written: set[tuple[str, str]] = set()
    for event, table, item in _item_events(tape, _schemas_only(schemas), schemas):
        names = key_names.get(table)
        if not names or not isinstance(item, dict) or any(n not in item for n in names):
            continue
        key = json.dumps([item[n] for n in names], sort_keys=True)
        if before:
            if event == "read" and (table, key) not in written:
                items[table].setdefault(key, item)
            elif event != "read":
                written.add((table, key))
        elif event in ("put", "read"):
            items[table][key] = item
        elif event == "delete":
            items[table][key] = None
    return items


def _schemas_only(schemas: dict[str, dict[str, Any]]) -> Engine:
    """An engine with the recording's tables, empty: what PartiQL statements' keys are read with."""
    engine = Engine()
    for request in schemas.values():
        try:
            engine.execute("CreateTable", copy.deepcopy(request))
        except DynamoDBError:
            pass  # a table the recording shows in a form the engine refuses: its statements name no keys
    return engine


def _put_items(simulator: Any, table: str, items: dict[str, dict[str, Any] | None], region: str | None = None) -> int:
    count = 0
    for item in items.values():
        if item is not None:
            simulator.handle("PutItem", {"TableName": table, "Item": copy.deepcopy(item)}, region=region)
            count += 1
    return count


def seed(simulator: Any, source: str | Path | cassettes.Cassette) -> dict[str, int]:
    """Create in `simulator` the tables a recording created or described and the items it shows
    (written, read whole, or returned ALL_NEW; deleted ones left out), as of the recording's end.
    Tables that already exist are kept. Returns {table: items put}."""
    tape = _tape(source)
    schemas = _schemas(tape)
    items = _items(tape, schemas, before=False)
    existing = set(simulator.engine.tables)
    counts: dict[str, int] = {}
    for name, request in schemas.items():
        if name not in existing:
            simulator.handle("CreateTable", copy.deepcopy(request))
            counts[name] = _put_items(simulator, name, items[name])
    return counts

"""The DynamoDB Streams API: ListStreams, DescribeStream, GetShardIterator, GetRecords.

A shard iterator names a stream, its shard and the sequence number to read from, and expires 15
minutes (of the simulator's clock) after it was handed out, as DynamoDB's do. TRIM_HORIZON reads
from the oldest record still kept, LATEST from the next record written.

As in DynamoDB, a StreamArn that is not shaped like a stream's ARN is a ValidationException, while
an unknown stream or shard is a ResourceNotFoundException. DescribeStream's ShardFilter
(CHILD_SHARDS) lists the shards split from a given one: none here, as each stream keeps one shard.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.engine.registry import Request, Response, operation
from dynasim.engine.streams.store import Stream, StreamStore
from dynasim.engine.touches import named, shard_iterator

if TYPE_CHECKING:
    from dynasim.engine import Engine

MAX_LIST_STREAMS = 100
MAX_DESCRIBE_SHARDS = 100
MAX_GET_RECORDS = 1000
ITERATOR_LIFETIME = 15 * 60.0
PAGE_BYTES = 1024 * 1024
_STREAM_ARN = re.compile(r"arn:aws[a-z-]*:dynamodb:[^:]*:[^:]*:table/[^/]+/stream/[^/]+")
_SHARD_FILTER_TYPES = ("CHILD_SHARDS",)


def _check_stream_arn(arn: Any) -> None:
    """A stream ARN that is not shaped like one is a ValidationException (an unknown one is not)."""
    if not isinstance(arn, str) or not _STREAM_ARN.fullmatch(arn):
        raise errors.stream_arn_invalid()


def _limit(request: Request, maximum: int, too_large: Any) -> int:
    limit = request.get("Limit")
    if limit is None:
        return maximum
    if limit > maximum:
        raise too_large(maximum)
    return int(limit)


@operation("ListStreams", access="control", finds=named("TableName"))
def list_streams(engine: Engine, request: Request) -> Response:
    limit = _limit(request, MAX_LIST_STREAMS, errors.list_streams_limit_too_large)
    table = request.get("TableName")
    streams = [s for s in reversed(engine.state(StreamStore).streams.values()) if table is None or s.table == table]
    start = request.get("ExclusiveStartStreamArn")
    if start is not None:
        _check_stream_arn(start)
        arns = [stream.arn for stream in streams]
        streams = streams[arns.index(start) + 1 :] if start in arns else []
    page = streams[:limit]
    response: Response = {"Streams": [{"StreamArn": s.arn, "TableName": s.table, "StreamLabel": s.label} for s in page]}
    if len(streams) > limit:
        response["LastEvaluatedStreamArn"] = page[-1].arn
    return response


@operation("DescribeStream", access="control", finds=named("StreamArn"))
def describe_stream(engine: Engine, request: Request) -> Response:
    _limit(request, MAX_DESCRIBE_SHARDS, errors.describe_stream_limit_too_large)
    start = request.get("ExclusiveStartShardId")
    shard_filter = request.get("ShardFilter")
    if shard_filter is not None and shard_filter.get("Type") not in _SHARD_FILTER_TYPES:
        raise errors.shard_filter_type_invalid(shard_filter.get("Type"))
    arn = request.get("StreamArn")
    _check_stream_arn(arn)
    stream = engine.state(StreamStore).find(arn)
    if stream is None:
        raise errors.stream_not_found(arn)
    description = stream.describe()
    shards = description["Shards"]
    if shard_filter is not None:
        # CHILD_SHARDS: the shards split from the named one. A stream here keeps one shard, which
        # no shard is split from.
        shards = [shard for shard in shards if shard.get("ParentShardId") == shard_filter.get("ShardId")]
    if start is not None:
        ids = [shard["ShardId"] for shard in shards]
        shards = shards[ids.index(start) + 1 :] if start in ids else []
    description["Shards"] = shards
    return {"StreamDescription": description}


@operation("GetShardIterator", access="read", finds=named("StreamArn"))
def get_shard_iterator(engine: Engine, request: Request) -> Response:
    kind = request.get("ShardIteratorType")
    sequence = request.get("SequenceNumber")
    timestamp = request.get("Timestamp")
    arn = request.get("StreamArn")
    _check_stream_arn(arn)
    streams = engine.state(StreamStore)
    stream = streams.find(arn)
    if stream is None:
        raise errors.stream_does_not_exist()
    if request.get("ShardId") != stream.shard_id:
        raise errors.shard_does_not_exist()
    if kind == "AT_TIMESTAMP":
        if timestamp is None:
            raise errors.timestamp_missing()
        if sequence is not None:
            raise errors.sequence_number_not_allowed()
        # The first record written at or after the timestamp; none yet: the next one written.
        later = (number for number, written, _ in stream.records if written >= timestamp)
        position = next(later, streams.next_sequence)
    elif timestamp is not None:
        raise errors.timestamp_not_allowed()
    elif kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
        if sequence is None:
            raise errors.sequence_number_missing()
        if not sequence.isdigit() or int(sequence) < stream.starting_sequence:
            raise errors.sequence_number_outside_shard()
        position = int(sequence) + (kind == "AFTER_SEQUENCE_NUMBER")
        if position <= stream.trimmed_through:
            raise errors.trimmed_data_access()
    else:
        if sequence is not None:
            raise errors.sequence_number_not_allowed()
        if kind == "LATEST":
            position = streams.next_sequence
        else:
            position = max(stream.starting_sequence, stream.trimmed_through + 1)
    return {"ShardIterator": _iterator(stream, position, engine.clock())}


def _iterator(stream: Stream, position: int, now: float) -> str:
    state = json.dumps([stream.arn, stream.shard_id, position, now], separators=(",", ":"))
    return f"{stream.arn}|1|{base64.b64encode(state.encode()).decode()}"


def _read_iterator(engine: Engine, text: Any) -> tuple[Stream, int]:
    try:
        _, _, encoded = text.rpartition("|")
        arn, shard_id, position, issued = json.loads(base64.b64decode(encoded, validate=True))
    except (AttributeError, ValueError, TypeError, binascii.Error):
        raise errors.shard_iterator_invalid() from None
    stream = engine.state(StreamStore).find(arn)
    if stream is None or stream.shard_id != shard_id or not isinstance(position, int):
        raise errors.shard_iterator_invalid()
    if engine.clock() - issued > ITERATOR_LIFETIME:
        raise errors.shard_iterator_expired()
    return stream, position


@operation("GetRecords", access="read", finds=shard_iterator)
def get_records(engine: Engine, request: Request) -> Response:
    limit = _limit(request, MAX_GET_RECORDS, errors.get_records_limit_too_large)
    stream, position = _read_iterator(engine, request.get("ShardIterator"))
    if position <= stream.trimmed_through:
        raise errors.trimmed_data_access()
    records: list[dict[str, Any]] = []
    size = 0
    for sequence, _, record in stream.records:
        if sequence < position:
            continue
        if len(records) == limit or (records and size + record["dynamodb"]["SizeBytes"] > PAGE_BYTES):
            break
        records.append(record)
        size += record["dynamodb"]["SizeBytes"]
        position = sequence + 1
    response: Response = {"Records": records}
    closed = stream.ending_sequence is not None
    if not closed or any(sequence >= position for sequence, _, _ in stream.records):
        # A closed shard read to its end has no next iterator.
        response["NextShardIterator"] = _iterator(stream, position, engine.clock())
    return response

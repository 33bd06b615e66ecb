"""DynamoDB Streams, a feature of the engine (see `dynasim.engine.features`): the stream records
(`store`), StreamSpecification on the table operations (`specification`), and the DynamoDB Streams
API (`api`: ListStreams, DescribeStream, GetShardIterator, GetRecords)."""

from __future__ import annotations

from dynasim.engine.features import Feature, register
from dynasim.engine.streams import api  # noqa: F401  (registers the DynamoDB Streams handlers)
from dynasim.engine.streams.specification import StreamTableMembers
from dynasim.engine.streams.store import StreamStore, StreamSubscription

__all__ = ["FEATURE", "StreamStore", "StreamSubscription"]

FEATURE = register(
    Feature(
        StreamStore,
        observes=True,
        after_operation=StreamStore.deliver,  # subscriptions' callbacks, outside the lock
        table=StreamTableMembers(),
    )
)

"""The engine's change feed: what each successful operation changed, for observers that keep
their own copy of the data (the durable store, DynamoDB Streams).

A handler's changes are collected while it runs and handed to every observer in one call once it
has succeeded, still under the engine's lock: observers see operations whole and in commit order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from dynasim.values import Item

if TYPE_CHECKING:
    from dynasim.storage.table import TableSettings


@dataclass(frozen=True)
class ItemPut:
    """An item written (created or replaced); `old` is the item it replaced, if any.
    `replicated_from`: the region whose write a global table's replication applied here (None: a
    write made in this region), which replication does not send on again."""

    table: str
    item: Item
    old: Item | None
    replicated_from: str | None = None


@dataclass(frozen=True)
class ItemDeleted:
    """An item deleted; `expired` when TTL deleted it (the service did, not a request);
    `replicated_from` as for `ItemPut`."""

    table: str
    old: Item
    expired: bool = False
    replicated_from: str | None = None


@dataclass(frozen=True)
class TableCreated:
    settings: TableSettings


@dataclass(frozen=True)
class TableUpdated:
    settings: TableSettings


@dataclass(frozen=True)
class TableDeleted:
    table: str


@dataclass(frozen=True)
class FeatureChanged:
    """A feature's own state changed (a backup made or deleted; see `engine.features`)."""

    feature: str


Change = ItemPut | ItemDeleted | TableCreated | TableUpdated | TableDeleted | FeatureChanged


class Observer(Protocol):
    def committed(self, changes: list[Change]) -> None:
        """Called once per successful operation that changed something, under the engine lock."""

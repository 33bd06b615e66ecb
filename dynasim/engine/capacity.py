"""Consumed capacity as DynamoDB counts it (ReturnConsumedCapacity).

Reads: one unit per 4 KB read (sizes of all items read summed, then rounded up), half that for an
eventually consistent read. Writes: one unit per 1 KB of the larger of the old and new item, at
least one. Each secondary index whose entry for the item changes is charged for writing that
entry: a global index entry is the projected item, a local index entry the projected item plus
100 bytes; a changed index key costs a delete of the old entry and a put of the new one. A Query
of a local index that asks for attributes the index does not project also reads each item from the
table: a table read per item, rounded up to 4 KB on its own.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from dynasim.storage.index import Index
from dynasim.storage.table import Table
from dynasim.values import Item, item_size

READ_UNIT = 4096
WRITE_UNIT = 1024
LOCAL_INDEX_OVERHEAD = 100

# Where the running request's capacity goes besides its response: the test doubles (call log,
# throughput limits) set a list here around one request, and every `Consumed` made while it runs
# is appended to it, whether or not the request asked for ReturnConsumedCapacity.
collector: ContextVar[list[Consumed] | None] = ContextVar("dynasim_consumed", default=None)


def requested(request: dict[str, Any]) -> str:
    """The request's ReturnConsumedCapacity (its enum is checked by the model's constraints)."""
    return request.get("ReturnConsumedCapacity", "NONE")


def _ceil(size: int, unit: int) -> int:
    return -(-size // unit)


def read_units(size: int, consistent: bool, minimum: int = 0) -> float:
    units = max(_ceil(size, READ_UNIT), minimum)
    return float(units) if consistent else units / 2


def _entry_size(index: Index, item: Item, item_bytes: int) -> int:
    # an index that projects every attribute holds the item's own size: saves sizing it again
    size = item_bytes if index.projected is None else item_size(index.project(item))
    return size + LOCAL_INDEX_OVERHEAD if index.settings.kind == "LOCAL" else size


def _index_write_units(index: Index, old: Item | None, new: Item | None, old_size: int, new_size: int) -> int:
    old_entry = index.entry(old, None, None) if old is not None else None
    new_entry = index.entry(new, None, None) if new is not None else None
    if old_entry is not None and old_entry == new_entry:  # same index key: an update in place
        assert old is not None and new is not None
        if index.project(old) == index.project(new):
            return 0
        return _ceil(max(_entry_size(index, old, old_size), _entry_size(index, new, new_size)), WRITE_UNIT)
    units = 0  # otherwise a delete of the old entry and a put of the new one, where there are any
    if old_entry is not None:
        units += _ceil(_entry_size(index, old, old_size), WRITE_UNIT)  # type: ignore[arg-type]
    if new_entry is not None:
        units += _ceil(_entry_size(index, new, new_size), WRITE_UNIT)  # type: ignore[arg-type]
    return units


class Consumed:
    """Capacity consumed by one request on one table, and its report."""

    def __init__(self, table: Table, choice: str) -> None:
        self.table = table
        self.choice = choice
        self.table_units = 0.0
        self.index_units: dict[str, float] = {}
        sink = collector.get()
        if sink is not None:
            sink.append(self)

    def read(self, size: int, consistent: bool, index: Index | None = None, minimum: int = 0) -> None:
        units = read_units(size, consistent, minimum)
        if index is None:
            self.table_units += units
        else:
            self.index_units[index.name] = self.index_units.get(index.name, 0.0) + units

    def fetch(self, size: int, consistent: bool) -> None:
        """A local index read's fetch of a whole item from the table: a table read of its own."""
        self.table_units += read_units(size, consistent)

    def write(
        self,
        old: Item | None,
        new: Item | None,
        old_size: int | None = None,
        new_size: int | None = None,
        times: int = 1,
    ) -> None:
        """A write that replaced `old` (None: nothing) by `new` (None: a delete), charged `times`
        over; their sizes where the caller knows them (saves sizing them again)."""
        if old_size is None:
            old_size = item_size(old) if old is not None else 0
        if new_size is None:
            new_size = item_size(new) if new is not None else 0
        self.table_units += max(_ceil(max(old_size, new_size), WRITE_UNIT), 1) * times
        for index in self.table.indexes.values():
            units = _index_write_units(index, old, new, old_size, new_size)
            if units:
                self.index_units[index.name] = self.index_units.get(index.name, 0.0) + units * times

    def report(self) -> dict[str, Any] | None:
        """The ConsumedCapacity member, or None when the request did not ask for it."""
        if self.choice == "NONE":
            return None
        total = self.table_units + sum(self.index_units.values())
        report: dict[str, Any] = {"TableName": self.table.name, "CapacityUnits": total}
        if self.choice == "INDEXES":
            report["Table"] = {"CapacityUnits": self.table_units}
            for kind, member in (("LOCAL", "LocalSecondaryIndexes"), ("GLOBAL", "GlobalSecondaryIndexes")):
                units = {
                    name: {"CapacityUnits": value}
                    for name, value in self.index_units.items()
                    if self.table.indexes[name].settings.kind == kind
                }
                if units:
                    report[member] = units
        return report

    def add_to(self, response: dict[str, Any]) -> dict[str, Any]:
        report = self.report()
        if report is not None:
            response["ConsumedCapacity"] = report
        return response

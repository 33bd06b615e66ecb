"""Capacity assertions: a block of code stays within a read/write-unit budget, or makes no scan
(a Scan, or a PartiQL SELECT that scans).

    with sim.capacity_budget(read=10, write=2):
        handler(event)
    with sim.assert_no_scan():
        repository.find_by_email("a@example.com")

The units are those the engine computed for each call (as DynamoDB counts them, whether or not
the request asked for ReturnConsumedCapacity), read from the call log when the block ends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dynasim.doubles.matching import pattern

if TYPE_CHECKING:
    from dynasim.doubles.calls import Call, CallLog


class CapacityBudget:
    """A context manager; after the block, `.calls`, `.read_units` and `.write_units` tell what it used."""

    def __init__(
        self,
        log: CallLog,
        *,
        read: float | None = None,
        write: float | None = None,
        table: str | None = None,
        scan: bool = True,
    ) -> None:
        self.log = log
        self.read = read
        self.write = write
        self.table = table
        self.scan = scan
        self.calls: list[Call] = []
        self.read_units = 0.0
        self.write_units = 0.0
        self._start = 0

    def __enter__(self) -> CapacityBudget:
        self._start = self.log.next_index
        return self

    def __exit__(self, exc_type: object, exc: object, traceback: object) -> None:
        on_table = pattern(table=self.table)
        self.calls = [call for call in self.log.since(self._start) if on_table(call)]
        self.read_units = sum(call.read_units for call in self.calls)
        self.write_units = sum(call.write_units for call in self.calls)
        if exc_type is not None:
            return  # the block's own error is the one to see
        problems = []
        if self.read is not None and self.read_units > self.read:
            problems.append(f"read {self.read_units:g} RCU, over the budget of {self.read:g}")
        if self.write is not None and self.write_units > self.write:
            problems.append(f"wrote {self.write_units:g} WCU, over the budget of {self.write:g}")
        scans = [call for call in self.calls if call.touches.scan]
        if not self.scan and scans:
            problems.append(f"made {len(scans)} Scan call(s) (a Scan, or a PartiQL SELECT that scans)")
        if problems:
            where = f" on table {self.table!r}" if self.table else ""
            lines = "\n".join(f"  {call.describe()}" for call in self.calls) or "  (none)"
            raise AssertionError(f"the block{where} {' and '.join(problems)}; its calls:\n{lines}")

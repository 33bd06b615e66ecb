"""What a request touches: the facts the test doubles work from, found without running it.

Each operation declares, where it is registered (`@operation(name, access=..., finds=...)`), its
access ("read", "write" or "control") and a finder that reads from a request the tables it names
(by name or ARN), the index it reads, and the entries (items named by key) of single-item, batch
and transaction operations; Query and Scan are a query and a scan of their table or index. The
PartiQL operations declare access "statement": their statements decide it, and resolve through the
PartiQL parser to the same facts (see `dynasim.engine.partiql`).

Finders never raise: a malformed request touches what can be read from it (the engine refuses it
when it runs, with DynamoDB's error).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from dynasim.engine import Engine

Access = Literal["read", "write", "control"]
Declared = Literal["read", "write", "control", "statement"]
Action = Literal["get", "put", "update", "delete", "check"]
Request = dict[str, Any]

# A table's ARN, or that of something under it (an index, a stream): the table name is its `table/` part.
_TABLE_ARN = re.compile(r"arn:aws[a-z-]*:dynamodb:[^:]*:[^:]*:table/([^/]+)")


@dataclass(frozen=True)
class Entry:
    """One item a request names: its table, what the request does to it, and its key in wire
    form (for a put, the whole item, whose key attributes name it)."""

    table: str
    action: Action
    key: Mapping[str, Any]


@dataclass(frozen=True)
class Touches:
    """What one request touches. `access`: "read", "write" or "control"; `tables`: the tables it
    names, in order, once each; `index`: the index a query or scan reads; `entries`: the items it
    names by key; `scan` / `query`: it reads a whole table or index / one partition of it;
    `consistent`: the tables it reads with strong consistency; `batch` / `transaction`: its entries
    go as one batch / as one transaction."""

    access: Access = "control"
    tables: tuple[str, ...] = ()
    index: str | None = None
    entries: tuple[Entry, ...] = ()
    scan: bool = False
    query: bool = False
    consistent: frozenset[str] = frozenset()
    batch: bool = False
    transaction: bool = False

    @property
    def table(self) -> str | None:
        """The (first) table."""
        return self.tables[0] if self.tables else None

    @property
    def item(self) -> Entry | None:
        """The one entry of a single-item request (not a batch or a transaction)."""
        if len(self.entries) == 1 and not self.batch and not self.transaction:
            return self.entries[0]
        return None

    @property
    def on_items(self) -> bool:
        """Whether it reads or writes items (not only a table's settings, nor a stream)."""
        return self.access != "control" and bool(self.entries or self.scan or self.query)


# engine (None: no tables known), request, the access the operation declares -> what it touches
Finder = Callable[["Engine | None", Request, Access], Touches]


def table_name(value: Any) -> str | None:
    """A table's name from a request member: the name, or the table's part of an ARN."""
    if not isinstance(value, str):
        return None
    match = _TABLE_ARN.match(value)
    return match.group(1) if match else value


def unique(names: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for name in names if name))


def combined(parts: Iterable[Touches], *, batch: bool = False, transaction: bool = False) -> Touches:
    """The touches of several parts of one request (a batch's or a transaction's statements)."""
    found = list(parts)
    writes = any(part.access == "write" for part in found)
    return Touches(
        access="write" if writes else "read",
        tables=unique(name for part in found for name in part.tables),
        entries=tuple(entry for part in found for entry in part.entries),
        scan=any(part.scan for part in found),
        query=any(part.query for part in found),
        consistent=frozenset(name for part in found for name in part.consistent),
        batch=batch,
        transaction=transaction,
    )


def _consistent(request: Mapping[str, Any], table: str | None) -> frozenset[str]:
    return frozenset((table,)) if table and request.get("ConsistentRead") is True else frozenset()


# --- finders, as the operations declare them ------------------------------------------------


def no_table(engine: Engine | None, request: Request, access: Access) -> Touches:
    return Touches(access)


def named(*members: str) -> Finder:
    """The tables the request's `members` name (TableName, ResourceArn, StreamArn, a backup's ARN),
    by name or ARN, in that order."""

    def find(engine: Engine | None, request: Request, access: Access) -> Touches:
        return Touches(access, unique(table_name(request.get(member)) for member in members))

    return find


def shard_iterator(engine: Engine | None, request: Request, access: Access) -> Touches:
    """A shard iterator begins with its stream's ARN."""
    iterator = request.get("ShardIterator")
    arn = iterator.split("|", 1)[0] if isinstance(iterator, str) else None
    return Touches(access, unique((table_name(arn),)))


def item(action: Action, member: str) -> Finder:
    """A single-item operation: the item its `member` (Key, or Item for a put) names."""

    def find(engine: Engine | None, request: Request, access: Access) -> Touches:
        table = table_name(request.get("TableName"))
        key = request.get(member)
        entries = (Entry(table, action, key),) if table and isinstance(key, dict) else ()
        return Touches(access, unique((table,)), entries=entries, consistent=_consistent(request, table))

    return find


def _reads(*, scan: bool) -> Finder:
    def find(engine: Engine | None, request: Request, access: Access) -> Touches:
        table = table_name(request.get("TableName"))
        index = request.get("IndexName")
        return Touches(
            access,
            unique((table,)),
            index=index if isinstance(index, str) else None,
            scan=scan,
            query=not scan,
            consistent=_consistent(request, table),
        )

    return find


querying = _reads(scan=False)  # Query: one partition of its table or index
scanning = _reads(scan=True)  # Scan: all of its table or index


def batch_write(engine: Engine | None, request: Request, access: Access) -> Touches:
    """BatchWriteItem: each PutRequest's item and DeleteRequest's key."""
    items = request.get("RequestItems")
    items = items if isinstance(items, dict) else {}
    entries = []
    for name, writes in items.items():
        table = table_name(name)
        if not table or not isinstance(writes, list):
            continue
        for write in writes:
            if not isinstance(write, dict):
                continue
            put, delete = write.get("PutRequest"), write.get("DeleteRequest")
            if isinstance(put, dict) and isinstance(put.get("Item"), dict):
                entries.append(Entry(table, "put", put["Item"]))
            elif isinstance(delete, dict) and isinstance(delete.get("Key"), dict):
                entries.append(Entry(table, "delete", delete["Key"]))
    return Touches(access, unique(table_name(name) for name in items), entries=tuple(entries), batch=True)


def batch_get(engine: Engine | None, request: Request, access: Access) -> Touches:
    """BatchGetItem: the keys asked of each table (ConsistentRead per table)."""
    items = request.get("RequestItems")
    items = items if isinstance(items, dict) else {}
    entries: list[Entry] = []
    consistent: set[str] = set()
    for name, asked in items.items():
        table = table_name(name)
        if not table or not isinstance(asked, dict):
            continue
        consistent |= _consistent(asked, table)
        keys = asked.get("Keys")
        if isinstance(keys, list):
            entries.extend(Entry(table, "get", key) for key in keys if isinstance(key, dict))
    return Touches(
        access,
        unique(table_name(name) for name in items),
        entries=tuple(entries),
        consistent=frozenset(consistent),
        batch=True,
    )


_TRANSACT_ACTIONS: dict[str, tuple[Action, str]] = {
    "Put": ("put", "Item"),
    "Update": ("update", "Key"),
    "Delete": ("delete", "Key"),
    "ConditionCheck": ("check", "Key"),
    "Get": ("get", "Key"),
}


def transaction(engine: Engine | None, request: Request, access: Access) -> Touches:
    """TransactWriteItems and TransactGetItems: the item each action names (reads in a
    transaction are strongly consistent)."""
    members = request.get("TransactItems")
    entries = []
    tables = []
    for member in members if isinstance(members, list) else ():
        for kind, part in member.items() if isinstance(member, dict) else ():
            if kind not in _TRANSACT_ACTIONS or not isinstance(part, dict):
                continue
            action, key_member = _TRANSACT_ACTIONS[kind]
            table = table_name(part.get("TableName"))
            tables.append(table)
            if table and isinstance(part.get(key_member), dict):
                entries.append(Entry(table, action, part[key_member]))
    names = unique(tables)
    reads = bool(entries) and all(entry.action == "get" for entry in entries)
    consistent = frozenset(names if reads else ())
    return Touches(access, names, entries=tuple(entries), consistent=consistent, transaction=True)

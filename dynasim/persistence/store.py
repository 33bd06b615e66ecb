"""The durable store: a snapshot plus an append-only log of the operations since, in one directory.

Layout of the data directory:

* ``snapshot.jsonl`` — every table's settings and items as of log record ``seq``, then the state
  of each feature that keeps state of its own (backups; see `dynasim.engine.features`). One JSON
  document a line, each with a chained checksum: a header, then each table followed by its items,
  then each feature's state, then a footer with the counts (see `snapshot`). A change to a
  feature's state is no log record: the operation that made it writes a snapshot. Written to
  ``snapshot.jsonl.tmp``, fsynced, and renamed over the old one (then the directory is fsynced), so
  there is always exactly one complete snapshot or none.
* ``log`` — one framed record per committed operation after the snapshot (see `log`), each carrying
  its sequence number and the operation's changes.
* ``LOCK`` — held (flock) by the one process that has the store open.

Every region a simulator holds is kept in the one store: a log record, a snapshot's table line and
a feature's line carry ``"region"`` when they are not of the home region (the region of the engine
the store was attached to), and loading makes the simulator hold each region it finds. A region
held later (a global table's replica created there) is recorded from then on.

Writing: the engine reports each successful operation's changes (see `dynasim.storage.changes`), under
its lock and before the client gets its answer. The store serialises them at once (settings objects
change later) into one log record and appends it with a single write().

Durability (``fsync``):

* ``always`` (default): fsync the log after every operation, before the answer is sent (on macOS
  F_FULLFSYNC, as fsync there does not empty the drive's cache). No acknowledged write is lost, even
  to a power failure or an OS crash.
* ``interval``: fsync every ``fsync_interval`` seconds from a background thread. A crash of the
  dynasim process loses nothing (the data is in the OS's page cache); a power failure or OS crash
  can lose the last interval's writes.
* ``never``: leave flushing to the OS. Same as ``interval`` for process crashes; an OS crash can lose
  whatever the OS had not written yet.

Snapshots are fsynced whatever the policy (a rename of an unwritten file could otherwise leave no
snapshot at all). Once the log outgrows ``snapshot_bytes``, the next operation writes a snapshot and
truncates the log; a crash between the two is harmless, because records the snapshot already holds
are skipped on loading by their sequence numbers. A clean close also snapshots, so restarts are fast.

Loading reads the snapshot, replays the log records after it, and cuts off a torn last record (a
write the crash interrupted, never acknowledged; see `log`). Any other damage, in the snapshot or
the log, is refused with `DamagedStore`, naming the file, the byte offset and what follows it;
`repair` keeps what comes before it and moves the rest aside. Tables are rebuilt through
`Table.put`, so every
structure a table derives from its items is rebuilt too.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from typing import IO, TYPE_CHECKING, Any

from dynasim.engine import features
from dynasim.engine.keys import item_key
from dynasim.persistence import codec, snapshot
from dynasim.persistence.errors import DamagedStore, StoreError
from dynasim.persistence.log import Log, flush_to_disk
from dynasim.storage.changes import Change, ItemDeleted, ItemPut, TableCreated, TableDeleted, TableUpdated
from dynasim.storage.table import KeySchema, Table
from dynasim.values import item_size

if TYPE_CHECKING:
    from dynasim.engine import Engine

logger = logging.getLogger("dynasim.persistence")

FSYNC_POLICIES = ("always", "interval", "never")
DEFAULT_SNAPSHOT_BYTES = 64 * 1024 * 1024
DEFAULT_FSYNC_INTERVAL = 1.0

SNAPSHOT = "snapshot.jsonl"
LOG = "log"
LOCK = "LOCK"

__all__ = ["FSYNC_POLICIES", "DamagedStore", "DurableStore", "StoreError"]


class RegionFeed:
    """The store's observer of one region's change feed."""

    durable = True  # what snapshots check before they replace the engine's tables behind its back

    def __init__(self, store: DurableStore, region: str) -> None:
        self.store = store
        self.region = region

    def committed(self, changes: list[Change]) -> None:
        self.store.committed(changes, self.region)


class DurableStore:
    """Keeps the tables of a simulator's regions in a directory; an observer of each region's change feed."""

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        fsync: str = "always",
        fsync_interval: float = DEFAULT_FSYNC_INTERVAL,
        snapshot_bytes: int = DEFAULT_SNAPSHOT_BYTES,
    ) -> None:
        if fsync not in FSYNC_POLICIES:
            raise ValueError(f"fsync must be one of {', '.join(FSYNC_POLICIES)}, not {fsync!r}")
        if fsync_interval <= 0:
            raise ValueError("fsync_interval must be positive")
        self.directory = os.fspath(directory)
        self.fsync = fsync
        self.fsync_interval = fsync_interval
        self.snapshot_bytes = snapshot_bytes
        self.engine: Engine | None = None  # the home region's
        self._engines: dict[str, Engine] = {}  # every region recorded, the home region first
        self._feeds: dict[str, RegionFeed] = {}
        self.seq = 0  # sequence number of the last record written (or loaded)
        self.synced_seq = 0  # the last record known to be on disk
        self._deferring_thread: int | None = None
        self._schemas: dict[tuple[str, str], KeySchema] = {}  # by (region, table)
        self._lock = threading.Lock()  # the log file: appends, truncation, closing
        self._sync_lock = threading.Lock()  # taken before _lock, never after it
        self._dirty = False
        self._failed: BaseException | None = None
        self._snapshot_due = False
        self._snapshot_at = snapshot_bytes  # log size at which the next snapshot is taken
        self._closed = threading.Event()
        self._syncer: threading.Thread | None = None
        os.makedirs(self.directory, exist_ok=True)
        self._lock_file = lock_directory(self.directory)
        self._log: Log | None = None

    # --- opening -------------------------------------------------------------------------------

    def attach(self, engine: Engine) -> DurableStore:
        """Load the stored tables into `engine`'s region and the other regions the store holds (which
        must have none), and record every region's changes from now on (regions held later too)."""
        regions = engine.regions
        with engine.lock:
            if any(held.tables for held in (regions if regions is not None else [engine])):
                raise StoreError("the engine already has tables; attach the store to a fresh simulator")
            self.engine = engine
            self._engines = {engine.region: engine}
            muted: dict[str, list[Any]] = {}  # loading is not a change to report
            try:
                self._load(muted)
            finally:
                for region, observers in muted.items():
                    self._engines[region].observers = observers
            for held in regions if regions is not None else [engine]:
                self._record(held)
            if regions is not None:
                regions.on_add.append(self._record)
        if self.fsync == "interval":
            self._syncer = threading.Thread(target=self._sync_periodically, name="dynasim-fsync", daemon=True)
            self._syncer.start()
        return self

    def _record(self, engine: Engine) -> None:
        """Record `engine`'s region's changes from now on."""
        if engine.region not in self._feeds:
            self._engines.setdefault(engine.region, engine)
            self._feeds[engine.region] = feed = RegionFeed(self, engine.region)
            engine.observers.append(feed)

    def _loading(self, region: str | None, muted: dict[str, list[Any]]) -> Engine:
        """The engine of a stored `region` (None: the home region), held now if it is not, and muted."""
        home = self.engine
        assert home is not None
        name = region or home.region
        engine = self._engines.get(name)
        if engine is None:
            if home.regions is None:
                raise StoreError(f"{self.directory} holds tables of region {name}; open it with a simulator")
            engine = self._engines[name] = home.regions.add(name)
        if name not in muted:
            muted[name], engine.observers = engine.observers, []
        return engine

    def _load(self, muted: dict[str, list[Any]]) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.remove(os.path.join(self.directory, SNAPSHOT + ".tmp"))  # an interrupted snapshot
        self._loading(None, muted)
        snapshot_seq, saved = self._load_snapshot(muted)
        self.seq = snapshot_seq
        self._log = Log(os.path.join(self.directory, LOG))
        scan = self._log.load()
        if scan.damage is not None:
            raise DamagedStore(self._log.path, scan.valid, scan.damage, f"{scan.following} intact record(s)")
        for record in scan.records:
            seq = record["seq"]
            if seq <= snapshot_seq:
                continue  # already in the snapshot (a crash came between snapshot and truncation)
            if seq != self.seq + 1:
                raise StoreError(f"{self._log.path}: record {seq} follows record {self.seq}")
            engine = self._loading(record.get("region"), muted)
            for change in record["changes"]:
                self._replay(engine, change)
            self.seq = seq
        for region, engine in self._engines.items():
            # the snapshot holds the latest: a change to them writes one
            features.load_all(engine, saved.get(region, {}))
        self._schemas = {
            (region, name): table.key_schema
            for region, engine in self._engines.items()
            for name, table in engine.tables.items()
        }
        self.synced_seq = self.seq

    def _load_snapshot(self, muted: dict[str, list[Any]]) -> tuple[int, dict[str, dict[str, Any]]]:
        """Load the snapshot's tables; return its sequence number and the features' saved state, by region."""
        path = os.path.join(self.directory, SNAPSHOT)
        saved: dict[str, dict[str, Any]] = {}
        try:
            handle = open(path, "rb")  # noqa: SIM115
        except FileNotFoundError:
            return 0, saved
        with handle:
            documents = snapshot.read(handle, path)
            header = next(documents)
            table: Table | None = None
            for entry in documents:
                if "item" in entry:
                    if table is None:
                        raise StoreError(f"{path}: an item before any table")
                    _put(table, codec.decode_item(entry["item"]))
                elif "table" in entry:
                    engine = self._loading(entry.get("region"), muted)
                    table = _new_table(engine, codec.decode_settings(entry["table"]))
                elif "feature" in entry:
                    region = self._loading(entry.get("region"), muted).region
                    saved.setdefault(region, {})[entry["feature"]] = codec.decode_saved(entry["state"])
        return int(header["seq"]), saved

    def _replay(self, engine: Engine, change: dict[str, Any]) -> None:
        op = change["op"]
        if op == "put":
            _put(engine.tables[change["table"]], codec.decode_item(change["item"]))
        elif op == "delete":
            table = engine.tables[change["table"]]
            table.delete(*item_key(table.key_schema, codec.decode_item(change["key"])))
        elif op == "create":
            _new_table(engine, codec.decode_settings(change["settings"]))
        elif op == "update":
            # Rebuilt from its items, so whatever the table derives from its settings follows.
            old = engine.tables[change["table"]]
            table = _new_table(engine, codec.decode_settings(change["settings"]))
            for item in list(old.items()):
                _put(table, item)
        elif op == "drop":
            del engine.tables[change["table"]]
        else:
            raise StoreError(f"unknown change {op!r} in {self.directory}; written by a newer dynasim?")

    # --- recording -----------------------------------------------------------------------------

    def committed(self, changes: list[Change], region: str | None = None) -> None:
        """Called by a region's engine (through its `RegionFeed`; None: the home region), under its
        lock, once per successful operation that changed something."""
        assert self.engine is not None, "attach() the store before use"
        region = region or self.engine.region
        if self._failed is not None:
            raise StoreError(f"the store at {self.directory} failed: {self._failed}") from self._failed
        encoded = []
        for change in changes:
            entry = self._encode(change, region)
            if entry is None:
                self._snapshot_due = True  # a change the log cannot express: the snapshot holds it
            else:
                encoded.append(entry)
        log = self._log
        assert log is not None, "attach() the store before use"
        with self._lock:
            if encoded:
                self.seq += 1
                try:
                    log.append(codec.dumps({"seq": self.seq, **self._region_of(region), "changes": encoded}))
                    if self.fsync == "always" and threading.get_ident() != self._deferring_thread:
                        log.sync()
                        self.synced_seq = self.seq
                    else:
                        self._dirty = True
                except BaseException as error:
                    self._fail(error)
                    raise
        if self._snapshot_due or log.size >= self._snapshot_at:
            try:
                self.snapshot()
            except Exception:  # the operation is logged and durable: only the snapshot failed
                logger.exception("snapshot of %s failed; the log grows until a retry", self.directory)
                self._snapshot_at = log.size + self.snapshot_bytes

    def _region_of(self, region: str) -> dict[str, str]:
        """What a record or snapshot line says of its region: nothing for the home region's."""
        return {} if self.engine is not None and region == self.engine.region else {"region": region}

    def _encode(self, change: Change, region: str) -> dict[str, Any] | None:
        if isinstance(change, ItemPut):
            return {"op": "put", "table": change.table, "item": change.item}
        if isinstance(change, ItemDeleted):
            schema = self._schemas.get((region, change.table))
            old = change.old
            key = {name: old[name] for name in schema.names} if schema is not None else old
            return {"op": "delete", "table": change.table, "key": key}
        if isinstance(change, TableCreated):
            self._schemas[(region, change.settings.name)] = change.settings.key_schema
            return {"op": "create", "settings": codec.encode_settings(change.settings)}
        if isinstance(change, TableUpdated):
            return {
                "op": "update",
                "table": change.settings.name,
                "settings": codec.encode_settings(change.settings),
            }
        if isinstance(change, TableDeleted):
            self._schemas.pop((region, change.table), None)
            return {"op": "drop", "table": change.table}
        return None

    def _fail(self, error: BaseException) -> None:
        """A log write failed (a full disk, say): cut the partial record off, refuse further writes."""
        self._failed = error
        logger.error("the store at %s can no longer record changes: %s", self.directory, error)
        with contextlib.suppress(OSError):
            os.ftruncate(self._log.fd, self._log.size)  # type: ignore[union-attr]

    def _sync_periodically(self) -> None:
        while not self._closed.wait(self.fsync_interval):
            try:
                self.sync()
            except Exception:  # logged by _fail; writes are refused from now on
                return

    def sync(self) -> int:
        """Flush the log to disk now (any policy); return the sequence number now on disk. Safe to call
        from any thread: it takes only the store's own lock, never the engine's."""
        with self._sync_lock:  # one fsync at a time, and none while the log is being closed
            with self._lock:
                seq, log, dirty = self.seq, self._log, self._dirty
                if self._failed is not None:
                    raise StoreError(f"the store at {self.directory} failed: {self._failed}") from self._failed
                self._dirty = False
            if log is not None and dirty:
                try:
                    log.sync()  # outside the log lock: operations keep appending meanwhile
                except BaseException as error:
                    with self._lock:
                        self._fail(error)
                    raise
            self.synced_seq = max(self.synced_seq, seq)
            return seq

    # --- group commit --------------------------------------------------------------------------

    def defer_syncs_to_caller(self) -> None:
        """Operations committed on the calling thread no longer fsync before they return (even under
        fsync "always"): the caller promises to answer no request before `sync()` has covered
        `seq` as it was when the request was done. The HTTP front does this, so one fsync serves
        every request that arrived meanwhile. Other threads keep fsyncing each operation."""
        self._deferring_thread = threading.get_ident()

    def unsynced_seq(self) -> int:
        """The sequence number an answer given now must wait for (0: nothing to wait for)."""
        if self.fsync != "always" or self.synced_seq >= self.seq:
            return 0
        return self.seq

    # --- snapshots -----------------------------------------------------------------------------

    def snapshot(self) -> None:
        """Write every table to a new snapshot and empty the log. Takes the engine lock."""
        engine = self.engine
        if engine is None:
            return
        with engine.lock, self._lock:  # every region's engine runs under the home region's lock
            path = os.path.join(self.directory, SNAPSHOT)
            temporary = path + ".tmp"
            with open(temporary, "wb") as handle:
                writer = snapshot.Writer(handle, self.seq)
                for region, held in self._engines.items():
                    where = self._region_of(region)
                    for table in held.tables.values():
                        writer.write({"table": codec.encode_settings(table.settings), **where})
                        for item in table.items():
                            writer.write({"item": item})
                    for name, state in features.save_all(held).items():
                        if state:  # a feature with nothing to keep writes no line
                            writer.write({"feature": name, "state": codec.encode_saved(state), **where})
                writer.finish()
                handle.flush()
                flush_to_disk(handle.fileno())
            os.replace(temporary, path)
            sync_directory(self.directory)
            if self._log is not None:
                self._log.truncate()
            self._dirty = False
            self.synced_seq = self.seq  # all of it is in the snapshot, on disk
            self._snapshot_due = False
            self._snapshot_at = self.snapshot_bytes

    # --- closing -------------------------------------------------------------------------------

    def close(self, snapshot: bool = True) -> None:
        """Stop recording; with `snapshot`, write a final snapshot so the next start loads quickly."""
        if self._closed.is_set():
            return
        engine = self.engine
        if engine is not None:
            with engine.lock:
                if engine.regions is not None and self._record in engine.regions.on_add:
                    engine.regions.on_add.remove(self._record)
                for region, feed in self._feeds.items():
                    observers = self._engines[region].observers
                    if feed in observers:
                        observers.remove(feed)
                if snapshot and self._failed is None:
                    self.snapshot()
        self._closed.set()
        if self._syncer is not None:
            self._syncer.join(10)
        with self._sync_lock, self._lock:
            if self._log is not None:
                if self._failed is None:
                    self._log.sync()
                self._log.close()
                self._log = None
        self._lock_file.close()  # releases the flock

    def __enter__(self) -> DurableStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _new_table(engine: Engine, settings: Any) -> Table:
    table = engine.tables[settings.name] = Table(settings, engine.record)
    return table


def _put(table: Table, item: dict[str, Any]) -> None:
    hash_key, range_key = item_key(table.key_schema, item)
    table.put(hash_key, range_key, item, item_size(item))


def lock_directory(directory: str) -> IO[str]:
    """The store's LOCK file, held by this process until it is closed; StoreError if another has it."""
    handle = open(os.path.join(directory, LOCK), "a+")  # noqa: SIM115
    try:
        _lock_exclusively(handle)
    except OSError:
        handle.close()
        raise StoreError(f"{directory} is in use by another dynasim process") from None
    return handle


def _lock_exclusively(handle: Any) -> None:
    """Hold an exclusive lock on an open file until it is closed; OSError if another process has it."""
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        return
    import fcntl

    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)


def sync_directory(directory: str) -> None:
    if os.name == "nt":  # directories cannot be opened there; a rename is durable once done
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        flush_to_disk(fd)
    finally:
        os.close(fd)

"""Durable storage for a simulator (`dynasim serve --data-dir DIR`): a snapshot and an append-only
log of operations, written from the engine's change feed. See `store` for the format and the
fsync policies.

    sim = Simulator()
    store = persistence.open_store(sim, "data", fsync="always")   # loads what DIR holds
    ...
    store.close()                                                 # final snapshot
    persistence.repair("data")                                    # after damage: see `repair`
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from dynasim.persistence.errors import DamagedStore, StoreError
from dynasim.persistence.repair import Repair, repair
from dynasim.persistence.store import FSYNC_POLICIES, DurableStore

if TYPE_CHECKING:
    from dynasim.simulator import Simulator

__all__ = ["FSYNC_POLICIES", "DamagedStore", "DurableStore", "Repair", "StoreError", "open_store", "repair"]


def open_store(simulator: Simulator, directory: str | os.PathLike[str], **options: Any) -> DurableStore:
    """Load the tables kept in `directory` into `simulator` (which must have none) and keep every
    later change there. Options: `fsync` ("always", "interval", "never"), `fsync_interval` (seconds),
    `snapshot_bytes` (log size that triggers a snapshot)."""
    store = DurableStore(directory, **options)
    try:
        return store.attach(simulator.engine)
    except BaseException:
        store.close(snapshot=False)
        raise

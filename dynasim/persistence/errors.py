"""What the durable store raises when its directory cannot be used."""

from __future__ import annotations

import os


class StoreError(RuntimeError):
    """The data directory cannot be used: locked by another process, or not a store we can read."""


class DamagedStore(StoreError):
    """A file of the store is damaged: not a torn tail a crash leaves, but bytes changed or lost where
    they had been written whole. Loading refuses it; `repair` keeps what comes before `offset`."""

    def __init__(self, path: str, offset: int, reason: str, following: str) -> None:
        self.path = path
        self.offset = offset  # where the damage starts, in bytes from the start of the file
        self.reason = reason
        self.following = following  # what follows it, e.g. "12 intact records"
        super().__init__(
            f"{path} is damaged at byte {offset}: {reason}; {following} follow it. Nothing was changed; "
            f"`dynasim repair {os.path.dirname(path) or '.'}` keeps everything before the damage and moves "
            "the rest aside"
        )

"""Backups and point-in-time recovery: on-demand backups (`api`, kept in `store`), point-in-time
recovery (`pitr`), and the restores both make (`restore`), each a job on the clock (`jobs`)."""

from __future__ import annotations

from dynasim.engine.backups import api, pitr, restore  # noqa: F401  (registers their handlers)
from dynasim.engine.backups.pitr import Recovery
from dynasim.engine.backups.store import Backups
from dynasim.engine.features import Feature, register

BACKUPS = register(Feature(Backups, table=restore.RestoreMembers(), save=Backups.save, load=Backups.load))
RECOVERY = register(Feature(Recovery, observes=True, save=Recovery.save, load=Recovery.load))

__all__ = ["Backups", "Recovery"]

"""Exports to S3, imports from S3 and bulk loads (`exports`, `imports`, `bulk`), each a job on the
clock (`dynasim.engine.jobs`), reading and writing objects through the engine's object store
(`Transfers.store`, a `dynasim.objects.ObjectStore`: the engine sees nothing else of S3)."""

from __future__ import annotations

from dynasim.engine.features import Feature, register
from dynasim.engine.transfers import bulk, exports, imports  # noqa: F401  (registers their handlers)
from dynasim.engine.transfers.state import Transfers

TRANSFERS = register(Feature(Transfers, table=imports.ImportMembers(), save=Transfers.save, load=Transfers.load))

__all__ = ["Transfers"]

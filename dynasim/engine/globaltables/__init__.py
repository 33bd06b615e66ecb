"""Global tables: one table replicated across the regions of a simulator (`dynasim.engine.regions`).

- `group`: the record of a table's replication group, kept in every replica's settings.

Each module below registers its operations and features when imported; import them here.
"""

from dynasim.engine.globaltables import group  # noqa: F401

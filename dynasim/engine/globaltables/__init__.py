"""Global tables: one table replicated across the regions of a simulator (`dynasim.engine.regions`).

- `group`: the record of a table's replication group, kept in every replica's settings.
- `version2017`: the operations of version 2017.11.29 (Legacy): CreateGlobalTable, UpdateGlobalTable,
  DescribeGlobalTable, ListGlobalTables, DescribeGlobalTableSettings, UpdateGlobalTableSettings.

Each module below registers its operations and features when imported; import them here.
"""

from dynasim.engine.globaltables import group, version2017  # noqa: F401

"""Global tables: one table replicated across the regions of a simulator (`dynasim.engine.regions`).

- `group`: the record of a table's replication group, kept in every replica's settings.
"""

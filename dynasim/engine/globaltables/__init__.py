"""Global tables: one table replicated across the regions of a simulator (`dynasim.engine.regions`).

- `group`: the record of a table's replication group, kept in every replica's settings.
- `replication`: every write to a replica delivered to the others (lag, last writer wins, the
  2017.11.29 attributes, multi-Region strong consistency) and its test doubles' state.
- `version2017`: the operations of version 2017.11.29 (Legacy): CreateGlobalTable, UpdateGlobalTable,
  DescribeGlobalTable, ListGlobalTables, DescribeGlobalTableSettings, UpdateGlobalTableSettings.
- `replicas`: the 2019.11.21 control plane (UpdateTable's ReplicaUpdates, MultiRegionConsistency and
  GlobalTableWitnessUpdates; Replicas in DescribeTable; DeleteTable on a replica).
- `autoscaling`: DescribeTableReplicaAutoScaling and UpdateTableReplicaAutoScaling (settings kept, not acted on).

Each module below registers its operations and features when imported; import them here.
"""

from dynasim.engine.globaltables import autoscaling, group, replicas, replication, version2017  # noqa: F401

"""Global tables: one table replicated across the regions of a simulator (`dynasim.engine.regions`).

- `group`: the record of a table's replication group, kept in every replica's settings.
- `replicas`: the 2019.11.21 control plane (UpdateTable's ReplicaUpdates, MultiRegionConsistency and
  GlobalTableWitnessUpdates; Replicas in DescribeTable; DeleteTable on a replica).
- `autoscaling`: DescribeTableReplicaAutoScaling and UpdateTableReplicaAutoScaling (settings kept, not acted on).

Each module below registers its operations and features when imported; import them here.
"""

from dynasim.engine.globaltables import autoscaling, group, replicas  # noqa: F401

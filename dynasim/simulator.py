"""The Simulator: one simulated DynamoDB (its engine and state) behind any number of fronts."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from contextlib import AbstractAsyncContextManager
from typing import Any

from botocore.config import Config

from dynasim.clock import Clock
from dynasim.doubles import budget, snapshot
from dynasim.doubles.calls import DEFAULT_MAX_CALLS, Call, CallLog
from dynasim.doubles.consistency import EventualConsistency
from dynasim.doubles.faults import FaultRule
from dynasim.doubles.hub import Doubles
from dynasim.doubles.insights import contributor_insights
from dynasim.doubles.latency import LatencyRule
from dynasim.doubles.recall import RecallRule
from dynasim.doubles.snapshot import Snapshot
from dynasim.doubles.throughput import BURST_SECONDS, ThroughputLimiter
from dynasim.engine import Engine
from dynasim.engine.globaltables.replication import Replication, ReplicationPause
from dynasim.engine.globaltables.version2017 import Version2017
from dynasim.engine.jobs import Hold, Job, JobFailure, Jobs
from dynasim.engine.kinesis import KinesisDestinations, KinesisSubscription
from dynasim.engine.regions import Regions
from dynasim.engine.streams import StreamStore, StreamSubscription
from dynasim.engine.transfers import Transfers
from dynasim.engine.ttl import Expiry
from dynasim.engine.vectors import VectorSearch
from dynasim.fronts import boto3 as boto3_front
from dynasim.objects import ObjectStore
from dynasim.objects.configure import object_store


class Simulator:
    """An in-memory DynamoDB. Every client and resource it hands out shares its tables.

    >>> sim = Simulator()
    >>> ddb = sim.client()

    It holds its home `region` and any others asked for (`regions=`, `add_region`, a client made
    with `region_name=`, a global table's replica): each region its own tables, all on one clock;
    a client of a region it does not hold is answered by the home region (see
    `dynasim.engine.regions`).
    """

    def __init__(
        self,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        *,
        regions: Iterable[str] = (),
        ttl: str = "sweep",
        jobs: str = "clock",
        max_logged_calls: int | None = DEFAULT_MAX_CALLS,
        max_logged_bytes: int | None = None,
        virtual_retry_delays: bool = True,
        s3_dir: str | os.PathLike[str] | None = None,
        s3_client: Any = None,
    ) -> None:
        self.region = region
        self.account_id = account_id
        self.clock = Clock()
        self._regions = Regions(region, account_id, self.clock.now, self._configure)
        self.engine: Engine = self._regions.home_engine  # the home region's
        self.ttl = ttl
        self.jobs_mode = jobs
        # where exports write and imports and bulk loads read (see `dynasim.objects.configure`)
        self.engine.state(Transfers).store = object_store(s3_dir, s3_client)
        # the call log keeps the last max_logged_calls calls, in at most max_logged_bytes (None: no bound)
        self._doubles = Doubles(self, max_logged_calls, max_logged_bytes)
        for other in regions:
            self.add_region(other)
        # While this simulator answers a client, the client's waits between retries (botocore's and
        # aiobotocore's backoff in every retry mode, adaptive mode's rate limiter, the integration
        # client's backoff) advance `clock` instead of sleeping; False: they really sleep.
        self.virtual_retry_delays = virtual_retry_delays

    def handle(
        self,
        operation: str,
        request: dict[str, Any],
        *,
        front: str = "direct",
        typed: bool = False,
        region: str | None = None,
    ) -> dict[str, Any]:
        """Run one DynamoDB operation on a wire-form request; every front ends here (`front` names
        it in the call log: "client", "mock", "http" or "direct"). Faults, latency, throughput
        limits and the call log apply here, so they work the same through every front. `typed`:
        the request comes from a client that checked every member's type against the service
        model (botocore with parameter validation on), so the engine does not check them again.
        `region`: the client's; the region answering is that one if held, else the home region."""
        return self._doubles.handle(operation, request, front, typed, region)

    # --- regions --------------------------------------------------------------------------------

    @property
    def regions(self) -> list[str]:
        """The regions this simulator holds, the home region (`region`) first."""
        return self._regions.names

    def add_region(self, region: str) -> None:
        """Hold `region` from now on: its clients see its own tables (none yet), not the home
        region's. Holding it again does nothing."""
        if not region or not isinstance(region, str):
            raise ValueError("a region is a non-empty name such as 'us-west-2'")
        self._regions.add(region)

    def engine_of(self, region: str | None = None) -> Engine:
        """The engine answering clients of `region` (None: the home region's); see `regions`."""
        return self._regions.answering(region)

    @property
    def global_tables_2017(self) -> bool:
        """Whether CreateGlobalTable and UpdateGlobalTable's Create make version 2017.11.29 (Legacy)
        global tables, as the API Reference documents: an account that still holds such groups. False
        (the default): they are refused, as the service refuses them today. See
        `dynasim.engine.globaltables.version2017`."""
        return self._regions.state(Version2017).creates

    @global_tables_2017.setter
    def global_tables_2017(self, allowed: bool) -> None:
        self._regions.state(Version2017).creates = bool(allowed)

    def _configure(self, engine: Engine) -> None:
        """Give a region added later the settings the home region has now."""
        home = self.engine
        engine.state(Expiry).mode = home.state(Expiry).mode
        engine.state(Jobs).mode = home.state(Jobs).mode
        engine.state(Transfers).store = home.state(Transfers).store
        engine.state(KinesisDestinations).sink = home.state(KinesisDestinations).sink
        engine.state(VectorSearch).backfill_seconds = home.state(VectorSearch).backfill_seconds
        consistency = self._doubles.consistency
        if consistency is not None:
            consistency.watch(engine)

    # --- TTL and DynamoDB Streams -----------------------------------------------------------

    @property
    def ttl(self) -> str:
        """When expired items are deleted: "sweep" (the default) when `sweep_ttl()` runs, as
        DynamoDB's background process eventually does (until then reads still return them), or
        "immediate": before every operation, so they vanish as soon as they expire."""
        return self.engine.state(Expiry).mode

    @ttl.setter
    def ttl(self, mode: str) -> None:
        for engine in self._regions:
            engine.state(Expiry).mode = mode

    def sweep_ttl(self, region: str | None = None) -> int:
        """Delete every item whose TTL attribute is at or before `clock` now, in one operation per
        region (stream records say the service deleted them); return how many. `region`: sweep that
        region's tables only (each region's TTL process runs on its own: a global table's expired
        item may go in one region first and reach the others as a replicated delete). See
        `dynasim.engine.ttl`."""
        engines = list(self._regions) if region is None else [self._regions.add(region)]
        return sum(engine.state(Expiry).sweep() for engine in engines)

    def on_stream_record(
        self, table: str, callback: Callable[[dict[str, Any]], Any], *, region: str | None = None
    ) -> StreamSubscription:
        """Call `callback` with each stream record of `table` (the record of a Lambda DynamoDB event)
        after the write that made it, like a stream consumer; returns the subscription
        (`.unsubscribe()`, a context manager; `.errors` holds what the callback raised). `region`:
        the table's (None: the home region). See `dynasim.engine.streams`."""
        return self.engine_of(region).state(StreamStore).subscribe(table, callback)

    # --- jobs: backups, restores, exports, imports and bulk loads ---------------------------------

    @property
    def jobs_mode(self) -> str:
        """When asynchronous jobs (a backup, a restore, an export, an import, a bulk load) finish:
        "clock" (the default), 60 seconds of virtual time after they start (`advance(60)`), or
        "immediate": as they start. See `dynasim.engine.jobs`."""
        return self.engine.state(Jobs).mode

    @jobs_mode.setter
    def jobs_mode(self, mode: str) -> None:
        for engine in self._regions:
            engine.state(Jobs).mode = mode

    @property
    def jobs(self) -> list[Job]:
        """Every job since the start (or the last reset), oldest first: `.kind`, `.resource`,
        `.status` (IN_PROGRESS, COMPLETED, FAILED), `.started_at`, `.ends_at`."""
        jobs: list[Job] = []
        for engine in self._regions:
            state = engine.state(Jobs)
            state.run_due()
            jobs.extend(state.jobs)
        return sorted(jobs, key=lambda job: job.started_at)

    def hold_jobs(self, kind: str | None = None) -> Hold:
        """Keep jobs (of `kind`: "backup", "restore", "export", "import", "bulk"; None: every kind)
        IN_PROGRESS, whatever the clock says, until `release_jobs` (or the end of the block:
        `with sim.hold_jobs():`)."""
        states = [engine.state(Jobs) for engine in self._regions]
        for state in states:
            state.hold(kind)
        return Hold(states, kind)

    def release_jobs(self, kind: str | None = None) -> None:
        """End a hold (None: every hold); jobs whose time has come finish."""
        for engine in self._regions:
            engine.state(Jobs).release(kind)

    def finish_jobs(self) -> int:
        """Finish every job in progress now, due or not (held jobs stay); return how many."""
        return sum(engine.state(Jobs).finish_all() for engine in self._regions)

    def inject_job_failure(
        self,
        kind: str | Iterable[str] | None = None,
        *,
        resource: str | None = None,
        code: str = "UnknownError",
        message: str = "The job failed",
        times: int | None = 1,
    ) -> JobFailure:
        """Make the next `times` jobs of `kind` (on `resource`: an ARN, or a table's name) fail
        with `code` and `message` when they finish: a failed backup is gone, a failed restore's
        table is deleted. Returns the rule (`.fired`, `.remove()`)."""
        jobs = self.engine_of(_region_of_arn(resource)).state(Jobs)
        return jobs.inject_failure(kind, resource=resource, code=code, message=message, times=times)

    # --- Kinesis streaming destinations ----------------------------------------------------------

    @property
    def kinesis_client(self) -> Any:
        """A boto3 Kinesis client (moto's in tests) that Kinesis streaming destinations put their
        records into, or None (the default): then records only reach `on_kinesis_record`
        subscribers. With a client, EnableKinesisStreamingDestination's stream must exist in it,
        or the destination ends ENABLE_FAILED as on the service; without one, any stream ARN of
        this simulator's region and account is taken to exist. See `dynasim.engine.kinesis`."""
        sink = self.engine.state(KinesisDestinations).sink
        return getattr(sink, "client", None)

    @kinesis_client.setter
    def kinesis_client(self, client: Any) -> None:
        from dynasim.kinesis_client import KinesisClientSink

        sink = KinesisClientSink(client) if client is not None else None
        for engine in self._regions:
            engine.state(KinesisDestinations).sink = sink

    def on_kinesis_record(
        self, table: str, callback: Callable[[dict[str, Any]], Any], *, region: str | None = None
    ) -> KinesisSubscription:
        """Call `callback` with each record DynamoDB writes to `table`'s Kinesis streaming destination
        (while it is ACTIVE), as the decoded JSON payload of the Kinesis record, after the write that
        made it; returns the subscription (`.unsubscribe()`, a context manager; `.errors` holds what
        the callback raised). `region`: the table's (None: the home region). See `dynasim.engine.kinesis`."""
        return self.engine_of(region).state(KinesisDestinations).subscribe(table, callback)

    # --- exports, imports and bulk loads ---------------------------------------------------------

    @property
    def object_store(self) -> ObjectStore:
        """Where exports write and imports and bulk loads read: the directory of `s3_dir` (each
        bucket a subdirectory: `sim.object_store.create_bucket("name")` makes one), the S3 client
        of `s3_client`, or by default a temporary directory this simulator owns."""
        return self.engine.state(Transfers).store

    def import_errors(self, arn: str) -> list[dict[str, Any]]:
        """The log entries of an import's (or bulk load's) bad items, as the service writes them to
        CloudWatch Logs: {"itemS3Pointer": {"bucket", "key", "itemIndex"}, "importArn",
        "errorMessages"}; empty until it has finished."""
        return list(self.engine_of(_region_of_arn(arn)).state(Transfers).errors.get(arn, []))

    def client(
        self, service_name: str = "dynamodb", config: Config | None = None, *, region_name: str | None = None
    ) -> Any:
        """A real botocore client for `service_name` answered by this simulator, of the home region
        or of `region_name` (which the simulator holds from then on)."""
        return boto3_front.client(self, service_name, config, self._client_region(region_name))

    def resource(self, config: Config | None = None, *, region_name: str | None = None) -> Any:
        """A boto3 DynamoDB service resource answered by this simulator (`region_name`: as `client`)."""
        return boto3_front.resource(self, config, self._client_region(region_name))

    def async_client(
        self, service_name: str = "dynamodb", config: Config | None = None, *, region_name: str | None = None
    ) -> AbstractAsyncContextManager[Any]:
        """`async with sim.async_client() as ddb:` a real aiobotocore client for `service_name`
        answered by this simulator (`region_name`: as `client`; needs aiobotocore:
        `pip install 'dynasim[async]'`)."""
        from dynasim.fronts import aio

        return aio.client(self, service_name, config, self._client_region(region_name))

    def _client_region(self, region_name: str | None) -> str:
        if region_name is None:
            return self.region
        self.add_region(region_name)
        return region_name

    def serve(self, port: int = 0, host: str = "127.0.0.1", **options: Any) -> Any:
        """Answer DynamoDB's HTTP protocol on `host`:`port` (0: any free port) from a background
        thread; returns the running server (`.url`, `.stop()`, a context manager). Options:
        `max_request_bytes`, `credentials` ({access key id: secret}: verify SigV4 signatures),
        `cors_origins`, `admin_hosts` (names the admin API accepts in a Host header besides loopback
        ones), `read_timeout` (seconds for a request's head, and between reads of its body: 408 and
        close past it; default 10), `max_buffered_bytes` (unfinished requests of all connections
        together; default 64 MiB). See `dynasim.fronts.http`."""
        from dynasim.fronts.http import RunningServer

        return RunningServer(self, host, port, **options)

    # --- test doubles: call log -----------------------------------------------------------------

    @property
    def call_log(self) -> CallLog:
        """Every call answered (the last `max_logged_calls`, within `max_logged_bytes`), oldest first;
        see `dynasim.doubles.calls`."""
        return self._doubles.call_log

    def verify_operation(self, operation: str, **criteria: Any) -> list[Call]:
        """The logged calls of `operation` (criteria as `CallLog.filter`: table=, where=, front=, error=)."""
        return self._doubles.call_log.filter(operation, **criteria)

    # --- fault injection ----------------------------------------------------------------------

    def inject_fault(
        self,
        operation: str | Iterable[str] | None = "*",
        error: Any = None,
        *,
        times: int | None = None,
        probability: float = 1.0,
        table: str | Iterable[str] | None = None,
        index: str | Iterable[str] | None = None,
        match: Callable[[dict[str, Any]], bool] | dict[str, Any] | None = None,
        seed: int | None = None,
        unprocessed: float | Callable[[str, dict[str, Any]], bool] | None = None,
        message: str | None = None,
        region: str | Iterable[str] | None = None,
    ) -> FaultRule:
        """Make matching calls fail, lose their response or come back partial; see
        `dynasim.doubles.faults`. `region=`: only calls one of these regions answers (a region's
        endpoint failing). Returns the rule (`.fired`, `.report()`, `.remove()`)."""
        rule = FaultRule(
            operation,
            error,
            times=times,
            probability=probability,
            table=table,
            index=index,
            match=match,
            seed=seed,
            unprocessed=unprocessed,
            message=message,
            region=region,
        )
        return self._doubles.faults.add(rule)

    @property
    def faults(self) -> list[FaultRule]:
        return list(self._doubles.faults.rules)

    def unused_faults(self) -> list[FaultRule]:
        """The injected faults that never fired (each `.report()` says why)."""
        return self._doubles.faults.unused()

    def assert_faults_used(self) -> None:
        """Fail, listing why, if an injected fault never fired."""
        self._doubles.faults.assert_all_used()

    def clear_faults(self) -> None:
        self._doubles.faults.clear()

    # --- latency ------------------------------------------------------------------------------

    def set_latency(
        self,
        operation: str | Iterable[str] | None = "*",
        seconds: Any = 0.0,
        *,
        table: str | Iterable[str] | None = None,
        index: str | Iterable[str] | None = None,
        virtual: bool = False,
        seed: int | None = None,
        region: str | Iterable[str] | None = None,
    ) -> LatencyRule:
        """Make matching calls take `seconds` (a number, a (low, high) range or a distribution from
        `dynasim.doubles.latency`), really slept or, with `virtual=True`, added to `clock`; `region=`:
        only calls one of these regions answers."""
        rule = LatencyRule(operation, seconds, table=table, index=index, virtual=virtual, seed=seed, region=region)
        return self._doubles.latency.add(rule)

    def clear_latency(self) -> None:
        self._doubles.latency.clear()

    @property
    def sleeps(self) -> bool:
        """Whether a call may really sleep (a latency rule that is not virtual): fronts that
        serve many clients on one thread then answer off it."""
        return any(not rule.virtual for rule in self._doubles.latency.rules)

    # --- vector search -------------------------------------------------------------------------

    def set_vector_recall(
        self, index: str, recall: float, *, table: str | Iterable[str] | None = None, seed: int = 0
    ) -> RecallRule:
        """Make SearchVectors on the vector index named `index` (on every table with one of that
        name, or only on `table`, as `inject_fault`'s `table=` and `index=`) miss true nearest
        neighbours, as the service's approximate search may: round((1 - recall) × TopK) of the true
        TopK are left out and the next nearest take their places, chosen deterministically from `seed`, the table, the
        index and the search vector; see `dynasim.doubles.recall`. Returns the rule (`.remove()`)."""
        return self._doubles.recall.add(RecallRule(index, recall, table=table, seed=seed))

    def clear_vector_recall(self) -> None:
        self._doubles.recall.clear()

    @property
    def vector_backfill_seconds(self) -> float:
        """How long, on `clock`, a vector index that UpdateTable adds backfills (CREATING and
        Backfilling in DescribeTable, refused by SearchVectors): 0 by default, so it is ACTIVE by
        the next call; set it, then `advance`, to test code that waits for an index."""
        return self.engine.state(VectorSearch).backfill_seconds

    @vector_backfill_seconds.setter
    def vector_backfill_seconds(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("vector_backfill_seconds cannot be negative")
        for engine in self._regions:
            engine.state(VectorSearch).backfill_seconds = float(seconds)

    # --- virtual time -------------------------------------------------------------------------

    def advance(self, seconds: float) -> None:
        """Move the simulator's clock forward (TTL, timestamps, throughput buckets, consistency lag,
        jobs: those whose time has come finish; global tables: writes whose lag has passed arrive)."""
        self.clock.advance(seconds)
        for engine in self._regions:
            engine.state(Jobs).run_due()
        self._regions.state(Replication).run_due()

    # --- global tables: replication between regions ---------------------------------------------
    # Writes to a global table's replica reach the others after a lag on `clock` (1 s unless set);
    # see `dynasim.engine.globaltables.replication`. `source` / `target` None: every region.

    def set_replication_lag(self, seconds: float, source: str | None = None, target: str | None = None) -> None:
        """Writes from `source` to `target` arrive `seconds` after they were made (the most specific
        rule applies; both None: every pair, replacing the narrower rules)."""
        self._regions.state(Replication).set_lag(seconds, source, target)

    def pause_replication(self, source: str | None = None, target: str | None = None) -> ReplicationPause:
        """Hold the writes from `source` to `target` (a partition) until resumed: they queue, and
        flow once resumed and their lag has passed. `with sim.pause_replication("us-east-1"):` resumes
        at the end of the block."""
        return self._regions.state(Replication).pause(source, target)

    def resume_replication(self, source: str | None = None, target: str | None = None) -> None:
        """Lift the pauses of exactly this pair (both None: every pause)."""
        self._regions.state(Replication).resume(source, target)

    def pending_replication(self, source: str | None = None, target: str | None = None) -> int:
        """How many writes wait to be delivered from `source` to `target`."""
        return self._regions.state(Replication).pending(source, target)

    def settle_replication(self) -> int:
        """Deliver every waiting write now, due or not (not those of paused pairs); return how many."""
        return self._regions.state(Replication).run_due(everything=True)

    # --- throughput limits --------------------------------------------------------------------

    def enable_throughput_limits(
        self,
        *,
        on_demand: dict[str, tuple[float, float]] | None = None,
        burst_seconds: float = BURST_SECONDS,
        partition_limits: bool = True,
    ) -> ThroughputLimiter:
        """Throttle like DynamoDB: PROVISIONED tables within their capacity (with burst), every
        partition within 3,000 RCU / 1,000 WCU, and on-demand tables in `on_demand` ({table:
        (reads, writes) per second}); see `dynasim.doubles.throughput`."""
        limiter = ThroughputLimiter(
            self.clock.now, burst_seconds=burst_seconds, on_demand=on_demand, partition_limits=partition_limits
        )
        self._doubles.limiter = limiter
        return limiter

    def disable_throughput_limits(self) -> None:
        self._doubles.limiter = None

    # --- eventual consistency -----------------------------------------------------------------

    def enable_eventual_consistency(
        self, *, lag: float = 1.0, stale_read_probability: float = 0.5, seed: int | None = None
    ) -> None:
        """Global-index reads lag `lag` seconds behind writes, and eventually consistent reads see
        an item's previous version with `stale_read_probability`; see `dynasim.doubles.consistency`."""
        self.disable_eventual_consistency()
        mode = EventualConsistency(self.clock.now, lag=lag, stale_read_probability=stale_read_probability, seed=seed)
        for engine in self._regions:
            mode.watch(engine)
        self._doubles.consistency = mode

    def disable_eventual_consistency(self) -> None:
        mode = self._doubles.consistency
        if mode is not None:
            mode.stop()
            self._doubles.consistency = None

    # --- capacity assertions ------------------------------------------------------------------

    def capacity_budget(
        self, *, read: float | None = None, write: float | None = None, table: str | None = None, scan: bool = True
    ) -> budget.CapacityBudget:
        """`with sim.capacity_budget(read=10, write=2):` fails if the block consumed more (or, with
        scan=False, made a Scan)."""
        return budget.CapacityBudget(self._doubles.call_log, read=read, write=write, table=table, scan=scan)

    def assert_no_scan(self, table: str | None = None) -> budget.CapacityBudget:
        """`with sim.assert_no_scan():` fails if the block made a Scan (on `table`, if given)."""
        return budget.CapacityBudget(self._doubles.call_log, table=table, scan=False)

    # --- contributor insights -----------------------------------------------------------------

    def contributor_insights(self, table: str, index: str | None = None, top: int = 10) -> dict[str, Any]:
        """What CloudWatch Contributor Insights would graph for `table` (or its global `index`),
        computed from the calls in the call log: a dict of four lists, each of up to `top` entries
        `{"key": <key in wire form>, "count": <calls>}`, most counted first:

        - "accessed_keys": the items most named by their full key (partition and sort key);
        - "accessed_partitions": the partition keys most named (items and Query partitions);
        - "throttled_keys" / "throttled_partitions": the same, of the calls the throughput
          limits refused (`enable_throughput_limits`).

        Computed whether or not insights are enabled with UpdateContributorInsights; see
        `dynasim.doubles.insights`. Raises KeyError for a missing table or global index."""
        with self.engine.lock:
            return contributor_insights(self.engine, list(self.call_log), table, index, top)

    # --- snapshots ----------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The tables as they are now (restore with `restore`, into this or another simulator)."""
        return snapshot.take(self)

    def restore(self, state: Snapshot) -> None:
        """Back to the tables of `state` (the call log and the fault and latency rules are kept)."""
        snapshot.restore(self, state)

    def reset(self) -> None:
        """Back to empty: no tables, backups or jobs, an empty call log, no fault, latency, recall,
        job or replication rules (the clock and throughput limits are kept; every region held stays,
        empty). What `POST /_dynasim/reset` does on the endpoint."""
        snapshot.restore(self, snapshot.EMPTY)
        for engine in self._regions:
            engine.state(Jobs).clear()
        self.call_log.clear()
        self.clear_faults()
        self.clear_latency()
        self.clear_vector_recall()
        self._regions.state(Replication).clear_rules()


def _region_of_arn(arn: str | None) -> str | None:
    """The region an ARN names (arn:aws:dynamodb:<region>:...), or None for anything else."""
    if arn is None or not arn.startswith("arn:"):
        return None
    parts = arn.split(":")
    return parts[3] if len(parts) > 3 and parts[3] else None

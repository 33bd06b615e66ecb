"""Asynchronous jobs on the simulator's clock: backups and restores now, exports, imports and bulk
loads later. The service answers such a request at once and finishes the work minutes later; a
job is that work, started by a handler and finished on `Engine.clock`.

A handler starts a job with `Jobs.start(kind, resource, complete, fail)`: `complete` applies the
job's outcome (a backup turns AVAILABLE, a restored table ACTIVE) and `fail` undoes what the
handler did when the job fails. Both run as one engine operation (under the lock, their changes
on the change feed), never inside another handler.

When a job finishes, by `Jobs.mode`:

- "clock" (the default): `SECONDS` of virtual time after it started (`sim.advance(SECONDS)`).
  Jobs that are due finish before the next operation runs, so every answer sees them finished.
- "immediate": as it starts, within the operation that started it (the operation's own answer
  still says what the service answers: CREATING, IN_PROGRESS).

`hold()` keeps every job (or one kind) IN_PROGRESS, whatever the clock says, until `release()`;
`finish_all()` finishes the jobs in progress now, due or not. A `JobFailure` rule makes the next
matching jobs fail with a code and message, like a fault rule makes calls fail.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dynasim.engine.features import Feature, register
from dynasim.engine.touches import table_name

if TYPE_CHECKING:
    from dynasim.engine import Engine

SECONDS = 60.0  # virtual seconds a job takes in "clock" mode
MODES = ("clock", "immediate")
IN_PROGRESS, COMPLETED, FAILED = "IN_PROGRESS", "COMPLETED", "FAILED"


@dataclass
class Job:
    """One job: what it works on, when it started and ends, and how it ended."""

    id: str
    kind: str  # "backup", "restore", ...
    resource: str  # the ARN or name of what it makes
    started_at: float
    ends_at: float
    status: str = IN_PROGRESS
    failure_code: str | None = None
    failure_message: str | None = None
    complete: Callable[[], None] | None = field(default=None, repr=False)
    fail: Callable[[str, str], None] | None = field(default=None, repr=False)

    def describe(self) -> dict[str, Any]:
        """The job as the admin API lists it."""
        described: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "resource": self.resource,
            "status": self.status,
            "startedAt": self.started_at,
            "endsAt": self.ends_at,
        }
        if self.failure_code is not None:
            described["failureCode"] = self.failure_code
            described["failureMessage"] = self.failure_message
        return described


class JobFailure:
    """A rule making the next matching jobs fail with `code` and `message` (`times`: how many;
    None: every one). `fired` counts the jobs it failed; `remove()` ends it."""

    def __init__(
        self,
        jobs: Jobs,
        kind: str | Iterable[str] | None,
        resource: str | None,
        code: str,
        message: str,
        times: int | None,
    ) -> None:
        self._jobs = jobs
        self.kinds = None if kind is None else {kind} if isinstance(kind, str) else set(kind)
        self.resource = resource
        self.code = code
        self.message = message
        self.times = times
        self.fired = 0

    def matches(self, job: Job) -> bool:
        if self.times is not None and self.fired >= self.times:
            return False
        if self.kinds is not None and job.kind not in self.kinds:
            return False
        # a table's name matches the jobs on it and on its backups (whose ARNs hold it)
        return self.resource is None or self.resource in (job.resource, table_name(job.resource))

    def remove(self) -> None:
        if self in self._jobs.failures:
            self._jobs.failures.remove(self)

    def __repr__(self) -> str:
        return f"<JobFailure {self.kinds or '*'} {self.code}: fired {self.fired}>"


class Hold:
    """A hold on jobs (`Jobs.hold`); as a context manager, released at the end of the block."""

    def __init__(self, jobs: Iterable[Jobs], kind: str | None) -> None:
        self._jobs = list(jobs)  # of every region held
        self.kind = kind

    def release(self) -> None:
        for jobs in self._jobs:
            jobs.release(self.kind)

    def __enter__(self) -> Hold:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


class Jobs:
    """The engine's jobs, in the order they started; the feature's state."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.jobs: list[Job] = []
        self._running: list[Job] = []  # the jobs IN_PROGRESS
        self.failures: list[JobFailure] = []
        self.mode = "clock"
        self._held: set[str | None] = set()  # kinds held; None: every kind
        self._numbers = itertools.count(1)
        engine.before_operation.append(self.run_due)

    @property
    def mode(self) -> str:
        return self._mode

    @mode.setter
    def mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f'jobs must be "clock" or "immediate", not {mode!r}')
        self._mode = mode

    def start(
        self,
        kind: str,
        resource: str,
        complete: Callable[[], None] | None = None,
        fail: Callable[[str, str], None] | None = None,
    ) -> Job:
        """A new job, IN_PROGRESS (called by a handler, under the lock); in "immediate" mode it
        finishes before the handler's operation ends."""
        now = self.engine.clock()
        job = Job(f"{kind}-{next(self._numbers)}", kind, resource, now, now + SECONDS, complete=complete, fail=fail)
        self.jobs.append(job)
        self._running.append(job)
        if self.mode == "immediate" and not self.held(job):
            self._finish(job)
        return job

    def held(self, job: Job) -> bool:
        return None in self._held or job.kind in self._held

    def hold(self, kind: str | None = None) -> Hold:
        self._held.add(kind)
        return Hold([self], kind)

    def release(self, kind: str | None = None) -> None:
        """Stop holding `kind` (None: every kind, and every hold); jobs due finish with the next
        operation, or at once in "immediate" mode."""
        if kind is None:
            self._held.clear()
        else:
            self._held.discard(kind)
        if self.mode == "immediate":
            self.finish_all()
        else:
            self.run_due()

    def in_progress(self) -> list[Job]:
        return list(self._running)

    def run_due(self) -> int:
        """Finish every job whose time has come and that is not held; return how many."""
        if not self._running:
            return 0  # run before every operation: usually nothing to look at
        now = self.engine.clock()
        return self._finish_each([job for job in self.in_progress() if job.ends_at <= now and not self.held(job)])

    def finish_all(self) -> int:
        """Finish every job in progress that is not held, due or not; return how many."""
        return self._finish_each([job for job in self.in_progress() if not self.held(job)])

    def _finish_each(self, jobs: list[Job]) -> int:
        def finish() -> None:
            for job in jobs:
                if job.status == IN_PROGRESS:  # not finished meanwhile by another thread
                    self._finish(job)

        if jobs:
            self.engine.apply(finish)
        return len(jobs)

    def _finish(self, job: Job) -> None:
        self._running.remove(job)
        rule = next((rule for rule in self.failures if rule.matches(job)), None)
        if rule is None:
            job.status = COMPLETED
            if job.complete is not None:
                job.complete()
            return
        rule.fired += 1
        job.status, job.failure_code, job.failure_message = FAILED, rule.code, rule.message
        if job.fail is not None:
            job.fail(rule.code, rule.message)

    def inject_failure(
        self,
        kind: str | Iterable[str] | None = None,
        *,
        resource: str | None = None,
        code: str = "UnknownError",
        message: str = "The job failed",
        times: int | None = 1,
    ) -> JobFailure:
        rule = JobFailure(self, kind, resource, code, message, times)
        self.failures.append(rule)
        return rule

    def load(self, saved: None) -> None:
        """A snapshot or the durable store put the engine's state back: the jobs in progress were
        the old state's (what they made is made, see `dynasim.engine.backups.store`)."""
        self.jobs.clear()
        self._running.clear()

    def clear(self) -> None:
        """No jobs, holds or failure rules (a reset)."""
        self.jobs.clear()
        self._running.clear()
        self.failures.clear()
        self._held.clear()


def _save(jobs: Jobs) -> None:
    return None  # a job's work is saved by what it works on


FEATURE = register(Feature(Jobs, save=_save, load=Jobs.load))

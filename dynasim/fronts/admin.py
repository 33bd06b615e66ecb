"""The admin API of `dynasim serve`: faults, latency, the call log and the clock over HTTP, on the
same port as DynamoDB's API, under ``/_dynasim/`` (a path no DynamoDB client uses).

    GET    /_dynasim/calls?operation=PutItem&table=orders&limit=10   the call log, as JSON lines
    DELETE /_dynasim/calls                                           empty the call log
    POST   /_dynasim/faults      {"operation": "PutItem", "error": "ThrottlingException", "times": 2}
    GET    /_dynasim/faults                                          the fault rules and what they did
    DELETE /_dynasim/faults      (or /_dynasim/faults/ID)            remove all (or one)
    POST   /_dynasim/latency     {"operation": "Query", "seconds": 0.2}
    DELETE /_dynasim/latency                                         remove every latency rule
    POST   /_dynasim/throughput  {"on_demand": {"events": [reads, writes]}}   throttle like DynamoDB
    DELETE /_dynasim/throughput                                      stop throttling
    POST   /_dynasim/clock/advance   {"seconds": 60}
    GET    /_dynasim/jobs                                             backups and restores, with their status
    POST   /_dynasim/jobs/finish                                      finish the jobs in progress now
    POST   /_dynasim/jobs/hold   {"kind": "restore"}                  keep jobs (of a kind) in progress
    POST   /_dynasim/jobs/release  {"kind": "restore"}                stop holding them (no kind: every hold)
    POST   /_dynasim/jobs/failures {"kind": "backup", "code": "...", "message": "...", "times": 1}
    GET    /_dynasim/replication?source=R&target=R                    writes waiting between regions
    POST   /_dynasim/replication/lag     {"seconds": 5, "source": "us-east-1", "target": "eu-west-1"}
    POST   /_dynasim/replication/pause   {"source": "us-east-1", "target": "eu-west-1"}  (a partition)
    POST   /_dynasim/replication/resume  {"source": ..., "target": ...}   (no body: every pause)
    POST   /_dynasim/replication/settle                               deliver what waits now, lag or not
    POST   /_dynasim/reset                                            back to empty: no tables, calls or rules
    PUT    /_dynasim/snapshots/NAME                                   remember the tables as NAME
    POST   /_dynasim/snapshots/NAME/restore                           back to the tables of NAME
    GET    /_dynasim/snapshots                                        the snapshots, with their tables
    DELETE /_dynasim/snapshots/NAME                                   forget NAME

Reset and restore replace the tables at once (the call log and rules are kept by a restore); an
endpoint that keeps its data on disk (--data-dir) refuses both with 409.

A request is an admin request only when its path starts with ``/_dynasim/`` and it carries no
``X-Amz-Target`` (every DynamoDB request does). Bodies are JSON; the arguments of faults and latency
are those of `Simulator.inject_fault` and `Simulator.set_latency` (with JSON values: an error code or
a list of codes and nulls, a `match` object, `unprocessed` as a fraction; `seconds` as a number or
[low, high]). Errors are ``{"error": "BadRequest", "message": "..."}`` with a 4xx status; an
operation name DynamoDB does not have is one, naming the closest ones.

Cross-site requests are refused, with or without `--auth`: a web page the developer visits can
send a form or `text/plain` POST to localhost, or rebind its own name to 127.0.0.1. So every
admin request needs a Host header naming this server (``localhost``, a loopback address, the
address it listens on, or a name given as `admin_hosts` / ``--admin-host``; any port), and every
write (any method but GET and HEAD) a Content-Type no page can send without the server's consent
(``application/json``: not a form, not ``text/plain``) or an ``X-Dynasim-Admin`` header. Refusals
are 403 ``{"error": "Forbidden", ...}``.

When the endpoint verifies SigV4 (`--auth`), admin requests must be signed by one of the configured
keys (SigV4 for service dynamodb in the endpoint's region, as DynamoDB requests are:
``curl --aws-sigv4 aws:amz:us-east-1:dynamodb --user KEY:SECRET``)
or carry a configured key pair as ``X-Dynasim-Auth: KEY:SECRET``; otherwise the admin API is as
open as DynamoDB's API on that endpoint. This module holds no DynamoDB behaviour: it parses JSON
and calls the Simulator.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from dynasim import wire
from dynasim.doubles.calls import json_default, json_lines
from dynasim.doubles.snapshot import Snapshot
from dynasim.doubles.specs import SpecError, add_fault, add_latency, enable_throughput, is_number
from dynasim.errors import DynamoDBError
from dynasim.fronts.sigv4 import Verifier

if TYPE_CHECKING:
    from dynasim.simulator import Simulator

PREFIX = "/_dynasim/"
AUTH_HEADER = "x-dynasim-auth"
ADMIN_HEADER = "x-dynasim-admin"  # marks a write as sent by a tool, not a web page
# What a web page may send cross-site without asking the server first (CORS "simple" requests).
SIMPLE_METHODS = ("GET", "HEAD")
SIMPLE_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain")

Headers = dict[str, str]
Query = dict[str, list[str]]
Answer = tuple[int, Headers, bytes]  # status, headers, body
Handler = Callable[[list[str], Query, bytes], Answer]
ANY_NAME = "*"  # in an endpoint's path: any one segment (a fault's ID, a snapshot's name)


class AdminError(SpecError):
    """A bad admin request: answered as {"error": code, "message": ...}. A bad fault, latency or
    throughput spec (`SpecError`) is a 400 BadRequest."""

    def __init__(self, message: str, status: int = 400, code: str = "BadRequest") -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def host_name(host: str) -> str:
    """The name in a Host header or an address: no port, no IPv6 brackets, lower case, no final dot."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    if host.count(":") == 1:
        host = host.partition(":")[0]
    return host.rstrip(".")


def is_admin_request(target: str, headers: Mapping[str, str]) -> bool:
    return "x-amz-target" not in headers and (target.startswith(PREFIX) or target.split("?", 1)[0] == PREFIX[:-1])


# --- the HTTP side ----------------------------------------------------------------------------


class Admin:
    """Answers admin requests for one endpoint."""

    def __init__(
        self, simulator: Simulator, credentials: Mapping[str, str] | None = None, hosts: Iterable[str] = ()
    ) -> None:
        self.simulator = simulator
        # Names besides localhost and loopback addresses that a Host header may give for this server
        # (not 0.0.0.0 or ::, which name no server: some browsers send them to whatever listens locally).
        self.hosts = frozenset(host_name(host) for host in hosts) - {"0.0.0.0", "::"}
        self.snapshots: dict[str, Snapshot] = {}  # by name, taken through the admin API
        self.credentials = dict(credentials or {})
        self.verifier = Verifier(self.credentials, simulator.region) if self.credentials else None

    def answer(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> tuple[int, Headers, bytes]:
        try:
            self._refuse_cross_site(method, headers)
            self._authorize(method, target, headers, body)
            split = urlsplit(target)
            path = split.path[len(PREFIX) :].strip("/") if split.path.startswith(PREFIX) else ""
            query = parse_qs(split.query, keep_blank_values=True)
            return self._route(method, path, query, body)
        except AdminError as problem:
            return _json(problem.status, {"error": problem.code, "message": str(problem)})
        except SpecError as problem:
            return _json(400, {"error": "BadRequest", "message": str(problem)})

    def _refuse_cross_site(self, method: str, headers: Mapping[str, str]) -> None:
        host = headers.get("host", "")
        if not self._names_this_server(host_name(host)):
            raise AdminError(
                f"the admin API answers requests addressed to this server only, not Host {host!r} (a page "
                "of another site?): use localhost or a loopback address, or allow the name with --admin-host",
                403,
                "Forbidden",
            )
        if method in SIMPLE_METHODS or ADMIN_HEADER in headers:
            return
        media_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if not media_type or media_type in SIMPLE_CONTENT_TYPES:
            raise AdminError(
                f"an admin {method} needs Content-Type: application/json or an X-Dynasim-Admin header, "
                f"not {media_type or 'no content type'} (which a page of another site could send)",
                403,
                "Forbidden",
            )

    def _names_this_server(self, name: str) -> bool:
        if name == "localhost" or name in self.hosts:
            return True
        try:
            return ipaddress.ip_address(name).is_loopback
        except ValueError:
            return False

    def _authorize(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> None:
        if self.verifier is None:
            return
        given = headers.get(AUTH_HEADER)
        if given is None and "authorization" in headers:
            try:
                self.verifier.verify(method, target, headers, body)
            except DynamoDBError as error:
                raise AdminError(f"{error.code}: {error.message}", 403, "Forbidden") from None
            return
        if given is None:
            raise AdminError(
                "the endpoint verifies SigV4 (--auth): sign the request with one of its keys, or send the "
                "key pair as X-Dynasim-Auth: KEY:SECRET",
                401,
                "Unauthorized",
            )
        key, _, secret = given.partition(":")
        expected = self.credentials.get(key)
        if expected is None or not hmac.compare_digest(expected.encode(), secret.encode()):
            raise AdminError("X-Dynasim-Auth does not match a configured KEY:SECRET", 403, "Forbidden")

    def _named_snapshot(self, name: str) -> Snapshot:
        taken = self.snapshots.get(name)
        if taken is None:
            raise AdminError(f"no snapshot {name!r} (GET /_dynasim/snapshots lists them)", 404, "NotFound")
        return taken

    def _route(self, method: str, path: str, query: dict[str, list[str]], body: bytes) -> tuple[int, Headers, bytes]:
        parts = path.split("/") if path else []
        found = next(((shape, handlers) for shape, handlers in self._endpoints().items() if _fits(shape, parts)), None)
        if found is None:
            raise AdminError(
                f"no admin endpoint {PREFIX}{path}: calls, faults, faults/ID, latency, throughput, clock, "
                "clock/advance, jobs, jobs/finish, jobs/hold, jobs/release, jobs/failures, replication, "
                "replication/lag, replication/pause, replication/resume, replication/settle, reset, snapshots, "
                "snapshots/NAME, snapshots/NAME/restore",
                404,
                "NotFound",
            )
        shape, handlers = found
        names = [part for part, pattern in zip(parts, shape, strict=True) if pattern == ANY_NAME]
        if shape == ("faults", ANY_NAME):
            self._rule(names[0])  # an unknown rule is a 404, whatever the method
        handler = handlers.get("GET" if method == "HEAD" else method)
        if handler is not None:
            return handler(names, query, body)
        allowed = ", ".join(handlers)
        status, headers, payload = _json(
            405, {"error": "MethodNotAllowed", "message": f"{method} {PREFIX}{path}: use {allowed}"}
        )
        headers["Allow"] = allowed
        return status, headers, payload

    def _endpoints(self) -> dict[tuple[str, ...], dict[str, Handler]]:
        """Each endpoint's path (ANY_NAME: any one segment) and its handlers by method, in the
        order `Allow` lists them; HEAD is answered as GET."""
        return {
            ("calls",): {"GET": self._calls, "DELETE": self._clear_calls},
            ("faults",): {"GET": self._list_faults, "POST": self._add_faults, "DELETE": self._clear_faults},
            ("faults", ANY_NAME): {"GET": self._show_fault, "DELETE": self._remove_fault},
            ("latency",): {"POST": self._add_latency, "DELETE": self._clear_latency},
            ("throughput",): {"POST": self._enable_throughput, "DELETE": self._disable_throughput},
            ("clock", "advance"): {"POST": self._advance_clock},
            ("clock",): {"GET": self._clock},
            ("jobs",): {"GET": self._jobs},
            ("jobs", "finish"): {"POST": self._finish_jobs},
            ("jobs", "hold"): {"POST": self._hold_jobs},
            ("jobs", "release"): {"POST": self._release_jobs},
            ("jobs", "failures"): {"POST": self._fail_jobs},
            ("replication",): {"GET": self._pending_replication},
            ("replication", "lag"): {"POST": self._replication_lag},
            ("replication", "pause"): {"POST": self._pause_replication},
            ("replication", "resume"): {"POST": self._resume_replication},
            ("replication", "settle"): {"POST": self._settle_replication},
            ("reset",): {"POST": self._reset},
            ("snapshots",): {"GET": self._list_snapshots},
            ("snapshots", ANY_NAME): {"PUT": self._take_snapshot, "DELETE": self._forget_snapshot},
            ("snapshots", ANY_NAME, "restore"): {"POST": self._restore_snapshot},
        }

    # --- the endpoints: each takes (the path's names, the query, the body) ------------------------

    def _clear_calls(self, names: list[str], query: Query, body: bytes) -> Answer:
        cleared = len(self.simulator.call_log)
        self.simulator.call_log.clear()
        return _json(200, {"cleared": cleared})

    def _list_faults(self, names: list[str], query: Query, body: bytes) -> Answer:
        return _json(200, {"faults": [_fault(rule) for rule in self.simulator.faults if not rule.removed]})

    def _add_faults(self, names: list[str], query: Query, body: bytes) -> Answer:
        specs = _body(body)
        added = [add_fault(self.simulator, spec) for spec in (specs if isinstance(specs, list) else [specs])]
        return _json(201, {"faults": [_fault(rule) for rule in added]})

    def _clear_faults(self, names: list[str], query: Query, body: bytes) -> Answer:
        removed = len([rule for rule in self.simulator.faults if not rule.removed])
        self.simulator.clear_faults()
        return _json(200, {"removed": removed})

    def _rule(self, number: str) -> Any:
        rule = next((r for r in self.simulator.faults if str(r.number) == number and not r.removed), None)
        if rule is None:
            raise AdminError(f"no fault {number!r} (GET /_dynasim/faults lists them)", 404, "NotFound")
        return rule

    def _show_fault(self, names: list[str], query: Query, body: bytes) -> Answer:
        return _json(200, _fault(self._rule(names[0])))

    def _remove_fault(self, names: list[str], query: Query, body: bytes) -> Answer:
        self._rule(names[0]).remove()
        return _json(200, {"removed": 1})

    def _add_latency(self, names: list[str], query: Query, body: bytes) -> Answer:
        specs = _body(body)
        added = [add_latency(self.simulator, spec) for spec in (specs if isinstance(specs, list) else [specs])]
        return _json(201, {"latency": [repr(rule) for rule in added]})

    def _clear_latency(self, names: list[str], query: Query, body: bytes) -> Answer:
        self.simulator.clear_latency()
        return _json(200, {"removed": True})

    def _enable_throughput(self, names: list[str], query: Query, body: bytes) -> Answer:
        enable_throughput(self.simulator, _body(body) if body.strip() else {})
        return _json(200, {"throughput_limits": True})

    def _disable_throughput(self, names: list[str], query: Query, body: bytes) -> Answer:
        self.simulator.disable_throughput_limits()
        return _json(200, {"throughput_limits": False})

    def _advance_clock(self, names: list[str], query: Query, body: bytes) -> Answer:
        spec = _body(body)
        seconds = spec.get("seconds") if isinstance(spec, dict) else None
        if not is_number(seconds) or seconds < 0:
            raise AdminError('clock/advance: expected {"seconds": a number >= 0}')
        self.simulator.advance(seconds)
        return _json(200, {"now": self.simulator.clock.now()})

    def _clock(self, names: list[str], query: Query, body: bytes) -> Answer:
        return _json(200, {"now": self.simulator.clock.now()})

    def _jobs(self, names: list[str], query: Query, body: bytes) -> Answer:
        return _json(200, {"jobs": [job.describe() for job in self.simulator.jobs]})

    def _finish_jobs(self, names: list[str], query: Query, body: bytes) -> Answer:
        return _json(200, {"finished": self.simulator.finish_jobs()})

    def _hold_jobs(self, names: list[str], query: Query, body: bytes) -> Answer:
        kind = _job_kind(body)
        self.simulator.hold_jobs(kind)
        return _json(200, {"held": kind or "*"})

    def _release_jobs(self, names: list[str], query: Query, body: bytes) -> Answer:
        kind = _job_kind(body)
        self.simulator.release_jobs(kind)
        return _json(200, {"released": kind or "*"})

    def _fail_jobs(self, names: list[str], query: Query, body: bytes) -> Answer:
        spec = _body(body)
        known = {"kind", "resource", "code", "message", "times"}
        if not isinstance(spec, dict) or set(spec) - known:
            raise AdminError(f"jobs/failures: expected a JSON object of {', '.join(sorted(known))}")
        try:
            rule = self.simulator.inject_job_failure(**spec)
        except TypeError as error:
            raise AdminError(f"jobs/failures: {error}") from None
        return _json(201, {"failure": repr(rule)})

    def _pending_replication(self, names: list[str], query: Query, body: bytes) -> Answer:
        source, target = (query[name][-1] if name in query else None for name in ("source", "target"))
        return _json(200, {"pending": self.simulator.pending_replication(source, target)})

    def _replication_lag(self, names: list[str], query: Query, body: bytes) -> Answer:
        spec = _body(body)
        seconds = spec.get("seconds") if isinstance(spec, dict) else None
        if not is_number(seconds) or seconds < 0:
            raise AdminError('replication/lag: expected {"seconds": a number >= 0, "source": ..., "target": ...}')
        source, target = _pair(spec, "replication/lag", also=("seconds",))
        self.simulator.set_replication_lag(seconds, source, target)
        return _json(200, {"lag": seconds, "source": source, "target": target})

    def _pause_replication(self, names: list[str], query: Query, body: bytes) -> Answer:
        source, target = _pair(_body(body) if body.strip() else {}, "replication/pause")
        self.simulator.pause_replication(source, target)
        return _json(200, {"paused": {"source": source, "target": target}})

    def _resume_replication(self, names: list[str], query: Query, body: bytes) -> Answer:
        source, target = _pair(_body(body) if body.strip() else {}, "replication/resume")
        self.simulator.resume_replication(source, target)
        return _json(200, {"resumed": {"source": source, "target": target}})

    def _settle_replication(self, names: list[str], query: Query, body: bytes) -> Answer:
        return _json(200, {"delivered": self.simulator.settle_replication()})

    def _reset(self, names: list[str], query: Query, body: bytes) -> Answer:
        _replacing_tables(self.simulator.reset)
        return _json(200, {"reset": True})

    def _list_snapshots(self, names: list[str], query: Query, body: bytes) -> Answer:
        return _json(200, {"snapshots": {name: _snapshot(taken) for name, taken in self.snapshots.items()}})

    def _take_snapshot(self, names: list[str], query: Query, body: bytes) -> Answer:
        taken = self.snapshots[names[0]] = self.simulator.snapshot()
        return _json(201, {names[0]: _snapshot(taken)})

    def _forget_snapshot(self, names: list[str], query: Query, body: bytes) -> Answer:
        self._named_snapshot(names[0])
        del self.snapshots[names[0]]
        return _json(200, {"removed": 1})

    def _restore_snapshot(self, names: list[str], query: Query, body: bytes) -> Answer:
        taken = self._named_snapshot(names[0])
        _replacing_tables(lambda: self.simulator.restore(taken))
        return _json(200, {names[0]: _snapshot(taken)})

    def _calls(self, names: list[str], query: Query, body: bytes) -> Answer:
        unknown = sorted(set(query) - {"operation", "table", "limit", "since"})
        if unknown:
            listed = ", ".join(unknown)
            raise AdminError(f"calls: unknown parameter(s) {listed}; expected operation, table, limit, since")
        operations = [name for value in query.get("operation", []) for name in value.split(",") if name]
        table = query.get("table", [None])[-1] or None
        limit = _whole(query, "limit")
        since = _whole(query, "since")
        try:
            calls = self.simulator.call_log.filter(operations or None, table=table)
        except ValueError as problem:
            raise AdminError(f"calls: {problem}") from None
        if since is not None:
            calls = [call for call in calls if call.index >= since]
        if limit is not None:
            calls = calls[-limit:] if limit else []
        text = json_lines(calls)
        payload = text.encode()
        return 200, {"Content-Type": "application/x-ndjson", "Content-Length": str(len(payload))}, payload


def _fits(shape: tuple[str, ...], parts: list[str]) -> bool:
    return len(shape) == len(parts) and all(
        pattern in (ANY_NAME, part) for pattern, part in zip(shape, parts, strict=True)
    )


def _whole(query: dict[str, list[str]], name: str) -> int | None:
    if name not in query:
        return None
    text = query[name][-1]
    if not (text.isascii() and text.isdigit()):
        raise AdminError(f"calls: {name} must be a whole number >= 0, not {text!r}")
    return int(text)


def _pair(spec: Any, endpoint: str, also: tuple[str, ...] = ()) -> tuple[str | None, str | None]:
    """The `source` and `target` regions of a replication body (absent or null: every region)."""
    known = {"source", "target", *also}
    if not isinstance(spec, dict) or set(spec) - known:
        raise AdminError(f"{endpoint}: expected a JSON object of {', '.join(sorted(known))}")
    pair = spec.get("source"), spec.get("target")
    if any(region is not None and not isinstance(region, str) for region in pair):
        raise AdminError(f"{endpoint}: source and target are region names")
    return pair


def _job_kind(body: bytes) -> str | None:
    """The `kind` of a jobs/hold or jobs/release body (none, or no kind: every kind)."""
    spec = _body(body) if body.strip() else {}
    kind = spec.get("kind") if isinstance(spec, dict) else None
    if kind is not None and not isinstance(kind, str):
        raise AdminError('expected {"kind": "backup" or "restore"} or no body')
    return kind


def _body(body: bytes) -> Any:
    if not body.strip():
        raise AdminError("expected a JSON body")
    try:
        text = body.decode("utf-8")
        if wire.json_depth(text) > wire.MAX_JSON_DEPTH:  # a decoder (and matcher) would recurse that deep
            raise AdminError(f"the body nests deeper than {wire.MAX_JSON_DEPTH} levels")
        return json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as problem:
        raise AdminError(f"the body is not valid JSON: {problem}") from None


def _fault(rule: Any) -> dict[str, Any]:
    return {
        "id": rule.number,
        "description": str(rule),
        "seen": rule.seen,
        "matched": rule.matched,
        "fired": rule.fired,
        "exhausted": rule.exhausted,
        "report": rule.report(),
    }


def _replacing_tables(replace: Callable[[], None]) -> None:
    """Reset or restore; 409 where the simulator keeps its data on disk (see `doubles.snapshot`)."""
    try:
        replace()
    except ValueError as error:
        raise AdminError(str(error), 409, "Conflict") from None


def _snapshot(taken: Snapshot) -> dict[str, Any]:
    return {"tables": taken.table_names, "items": taken.item_count()}


def _json(status: int, document: Any) -> tuple[int, Headers, bytes]:
    payload = json.dumps(document, default=json_default).encode() + b"\n"
    return status, {"Content-Type": "application/json", "Content-Length": str(len(payload))}, payload

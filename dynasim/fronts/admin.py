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

import base64
import hmac
import ipaddress
import json
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from dynasim import wire
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
        simulator = self.simulator
        parts = path.split("/") if path else []
        allowed: str
        if parts == ["calls"]:
            allowed = "GET, DELETE"
            if method in ("GET", "HEAD"):
                return self._calls(query)
            if method == "DELETE":
                cleared = len(simulator.call_log)
                simulator.call_log.clear()
                return _json(200, {"cleared": cleared})
        elif parts == ["faults"]:
            allowed = "GET, POST, DELETE"
            if method in ("GET", "HEAD"):
                return _json(200, {"faults": [_fault(rule) for rule in simulator.faults if not rule.removed]})
            if method == "POST":
                specs = _body(body)
                added = [add_fault(simulator, spec) for spec in (specs if isinstance(specs, list) else [specs])]
                return _json(201, {"faults": [_fault(rule) for rule in added]})
            if method == "DELETE":
                removed = len([rule for rule in simulator.faults if not rule.removed])
                simulator.clear_faults()
                return _json(200, {"removed": removed})
        elif len(parts) == 2 and parts[0] == "faults":
            allowed = "GET, DELETE"
            rule = next((r for r in simulator.faults if str(r.number) == parts[1] and not r.removed), None)
            if rule is None:
                raise AdminError(f"no fault {parts[1]!r} (GET /_dynasim/faults lists them)", 404, "NotFound")
            if method in ("GET", "HEAD"):
                return _json(200, _fault(rule))
            if method == "DELETE":
                rule.remove()
                return _json(200, {"removed": 1})
        elif parts == ["latency"]:
            allowed = "POST, DELETE"
            if method == "POST":
                specs = _body(body)
                added = [add_latency(simulator, spec) for spec in (specs if isinstance(specs, list) else [specs])]
                return _json(201, {"latency": [repr(rule) for rule in added]})
            if method == "DELETE":
                simulator.clear_latency()
                return _json(200, {"removed": True})
        elif parts == ["throughput"]:
            allowed = "POST, DELETE"
            if method == "POST":
                enable_throughput(simulator, _body(body) if body.strip() else {})
                return _json(200, {"throughput_limits": True})
            if method == "DELETE":
                simulator.disable_throughput_limits()
                return _json(200, {"throughput_limits": False})
        elif parts == ["clock", "advance"]:
            allowed = "POST"
            if method == "POST":
                spec = _body(body)
                seconds = spec.get("seconds") if isinstance(spec, dict) else None
                if not is_number(seconds) or seconds < 0:
                    raise AdminError('clock/advance: expected {"seconds": a number >= 0}')
                simulator.advance(seconds)
                return _json(200, {"now": simulator.clock.now()})
        elif parts == ["clock"]:
            allowed = "GET"
            if method in ("GET", "HEAD"):
                return _json(200, {"now": simulator.clock.now()})
        elif parts == ["reset"]:
            allowed = "POST"
            if method == "POST":
                _replacing_tables(simulator.reset)
                return _json(200, {"reset": True})
        elif parts == ["snapshots"]:
            allowed = "GET"
            if method in ("GET", "HEAD"):
                return _json(200, {"snapshots": {name: _snapshot(taken) for name, taken in self.snapshots.items()}})
        elif len(parts) == 2 and parts[0] == "snapshots":
            allowed = "PUT, DELETE"
            if method == "PUT":
                taken = self.snapshots[parts[1]] = simulator.snapshot()
                return _json(201, {parts[1]: _snapshot(taken)})
            if method == "DELETE":
                self._named_snapshot(parts[1])
                del self.snapshots[parts[1]]
                return _json(200, {"removed": 1})
        elif len(parts) == 3 and parts[0] == "snapshots" and parts[2] == "restore":
            allowed = "POST"
            if method == "POST":
                taken = self._named_snapshot(parts[1])
                _replacing_tables(lambda: simulator.restore(taken))
                return _json(200, {parts[1]: _snapshot(taken)})
        else:
            raise AdminError(
                f"no admin endpoint {PREFIX}{path}: calls, faults, faults/ID, latency, throughput, clock, "
                "clock/advance, reset, snapshots, snapshots/NAME, snapshots/NAME/restore",
                404,
                "NotFound",
            )
        status, headers, payload = _json(
            405, {"error": "MethodNotAllowed", "message": f"{method} {PREFIX}{path}: use {allowed}"}
        )
        headers["Allow"] = allowed
        return status, headers, payload

    def _calls(self, query: dict[str, list[str]]) -> tuple[int, Headers, bytes]:
        unknown = sorted(set(query) - {"operation", "table", "limit", "since"})
        if unknown:
            names = ", ".join(unknown)
            raise AdminError(f"calls: unknown parameter(s) {names}; expected operation, table, limit, since")
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
        text = "".join(json.dumps(call.as_dict(), default=_plain, ensure_ascii=False) + "\n" for call in calls)
        payload = text.encode()
        return 200, {"Content-Type": "application/x-ndjson", "Content-Length": str(len(payload))}, payload


def _whole(query: dict[str, list[str]], name: str) -> int | None:
    if name not in query:
        return None
    text = query[name][-1]
    if not (text.isascii() and text.isdigit()):
        raise AdminError(f"calls: {name} must be a whole number >= 0, not {text!r}")
    return int(text)


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


def _plain(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def _replacing_tables(replace: Callable[[], None]) -> None:
    """Reset or restore; 409 where the simulator keeps its data on disk (see `doubles.snapshot`)."""
    try:
        replace()
    except ValueError as error:
        raise AdminError(str(error), 409, "Conflict") from None


def _snapshot(taken: Snapshot) -> dict[str, Any]:
    return {"tables": taken.table_names, "items": taken.item_count()}


def _json(status: int, document: Any) -> tuple[int, Headers, bytes]:
    payload = json.dumps(document, default=_plain).encode() + b"\n"
    return status, {"Content-Type": "application/json", "Content-Length": str(len(payload))}, payload

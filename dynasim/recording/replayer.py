"""`dynasim.replay(path, mode=...)`: a real boto3 client answered from a cassette.

The client is a real botocore client (validation, serialization, `ClientError` parsing are
botocore's own); a `before-send` handler answers each request with the recorded response, so
nothing reaches the network. Retries are off: a cassette holds each call's final outcome.

- mode="strict": requests must come in the recorded order; the first one that differs raises
  `ReplayMismatch` with a diff against the recorded request.
- mode="matched": any order; a request is matched on its operation and normalised body
  (`ClientRequestToken`, which botocore generates, is ignored; numbers compare by value). Each
  recorded call answers once, then repeats its answer if asked again. A miss raises
  `ReplayMismatch` listing the closest recorded requests and how each differs.

Requests are redacted with the cassette's rules (or `redact=`, `salt=`) before matching, so a
redacted cassette still replays the unredacted requests of the code under test.
"""

from __future__ import annotations

import decimal
import json
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.config import Config

from dynasim import wire
from dynasim.fronts import boto3 as boto3_front
from dynasim.fronts.protocol import CONTENT_TYPE, operation_of, request_id
from dynasim.recording import cassette
from dynasim.recording.redaction import Redactor, Rule

MODES = ("strict", "matched")
IGNORED_REQUEST_FIELDS = frozenset({"ClientRequestToken"})
_ERROR_NAMESPACE = {
    "dynamodb": "com.amazonaws.dynamodb.v20120810#",
    "dynamodb-streams": "com.amazonaws.dynamodb.v20120810#",
}


class ReplayMismatch(AssertionError):
    """A request the cassette has no answer for; the message says why."""


def normalise(request: dict[str, Any], ignore: Iterable[str] = ()) -> Any:
    """The form requests are compared in: no generated tokens (nor the top-level fields in
    `ignore`), numbers by value."""
    left_out = IGNORED_REQUEST_FIELDS | frozenset(ignore)
    return _normalise({k: v for k, v in request.items() if k not in left_out})


def _normalise(node: Any) -> Any:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "N" and isinstance(value, str):
                out[key] = _number(value)
            elif key == "NS" and isinstance(value, list):
                out[key] = sorted(_number(v) for v in value)
            elif key in ("SS", "BS") and isinstance(value, list):
                out[key] = sorted(value)
            else:
                out[key] = _normalise(value)
        return out
    if isinstance(node, list):
        return [_normalise(v) for v in node]
    return node


def _number(text: str) -> str:
    try:
        return str(decimal.Decimal(text).normalize())
    except decimal.InvalidOperation:
        return text


def diff(recorded: Any, sent: Any, path: str = "", limit: int = 20) -> list[str]:
    """Readable differences between two wire documents, one line per differing path."""
    lines: list[str] = []
    _diff(recorded, sent, path, lines, limit)
    return lines


def _diff(a: Any, b: Any, path: str, lines: list[str], limit: int) -> None:
    if len(lines) >= limit:
        return
    where = path or "(whole document)"
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            sub = f"{path}.{key}" if path else str(key)
            if key not in b:
                lines.append(f"{sub}: recorded {_short(a[key])}, missing now")
            elif key not in a:
                lines.append(f"{sub}: not recorded, now {_short(b[key])}")
            else:
                _diff(a[key], b[key], sub, lines, limit)
            if len(lines) >= limit:
                return
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            lines.append(f"{where}: recorded {len(a)} element(s), now {len(b)}")
        for index, (x, y) in enumerate(zip(a, b, strict=False)):
            _diff(x, y, f"{path}[{index}]", lines, limit)
    elif a != b:
        lines.append(f"{where}: recorded {_short(a)}, now {_short(b)}")


def _short(value: Any, width: int = 120) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= width else text[: width - 3] + "..."


class Player:
    """Answers requests from a cassette in one of `MODES`."""

    def __init__(
        self,
        tape: cassette.Cassette,
        mode: str,
        redactor: Redactor,
        source: str = "cassette",
        ignore: Iterable[str] = (),
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        self.tape = tape
        self.mode = mode
        self.redactor = redactor
        self.source = source
        self.position = 0
        self.used: set[int] = set()
        self._lock = threading.Lock()
        self.ignore = frozenset(ignore)
        self._normalised = [normalise(i.request, self.ignore) for i in tape.interactions]

    @property
    def remaining(self) -> list[cassette.Interaction]:
        """Recorded calls not yet replayed."""
        return [i for n, i in enumerate(self.tape.interactions) if n not in self.used]

    def answer(self, operation: str, request: dict[str, Any], service: str) -> cassette.Interaction:
        sent = normalise(self.redactor.document(request), self.ignore)
        with self._lock:
            if self.mode == "strict":
                return self._strict(operation, sent, service)
            return self._matched(operation, sent, service)

    def _strict(self, operation: str, sent: Any, service: str) -> cassette.Interaction:
        interactions = self.tape.interactions
        if self.position >= len(interactions):
            raise ReplayMismatch(
                f"{self.source}: request {self.position + 1} ({operation}) is beyond the end of the cassette "
                f"({len(interactions)} recorded call(s))"
            )
        index = self.position
        recorded = interactions[index]
        if (recorded.service, recorded.operation) != (service, operation):
            raise ReplayMismatch(
                f"{self.source}: request {index + 1}: expected {recorded.operation} (recorded as seq={recorded.seq}), "
                f"got {operation}\n  sent: {_short(sent, 400)}"
            )
        if self._normalised[index] != sent:
            lines = "\n".join("  " + line for line in diff(self._normalised[index], sent))
            raise ReplayMismatch(
                f"{self.source}: request {index + 1} ({operation}, recorded as seq={recorded.seq}) differs from the "
                f"recording:\n{lines}"
            )
        self.position += 1
        self.used.add(index)
        return recorded

    def _matched(self, operation: str, sent: Any, service: str) -> cassette.Interaction:
        candidates = [
            n
            for n, i in enumerate(self.tape.interactions)
            if (i.service, i.operation) == (service, operation) and self._normalised[n] == sent
        ]
        if candidates:
            fresh = [n for n in candidates if n not in self.used]
            index = fresh[0] if fresh else candidates[-1]
            self.used.add(index)
            return self.tape.interactions[index]
        raise ReplayMismatch(self._miss(operation, sent, service))

    def _miss(self, operation: str, sent: Any, service: str) -> str:
        scored = []
        for n, recorded in enumerate(self.tape.interactions):
            differences = diff(self._normalised[n], sent, limit=50)
            other = recorded.operation != operation or recorded.service != service
            if other:
                differences.insert(0, f"operation: recorded {recorded.operation}, now {operation}")
            scored.append((other, len(differences), n, differences))
        scored.sort(key=lambda entry: entry[:3])
        lines = [f"{self.source}: no recorded {operation} matches this request:", f"  sent: {_short(sent, 400)}"]
        if not scored:
            lines.append("  the cassette is empty")
        for _, _, n, differences in scored[:3]:
            recorded = self.tape.interactions[n]
            lines.append(f"  closest: seq={recorded.seq} ({recorded.operation}) differs in:")
            lines.extend("    " + line for line in differences[:8])
        return "\n".join(lines)


def http_response(interaction: cassette.Interaction, url: str) -> AWSResponse:
    """The HTTP response botocore parses into the recorded answer."""
    if interaction.error is not None:
        error = interaction.error
        if error.get("status") is None:
            raise ReplayMismatch(
                f"the call recorded as seq={interaction.seq} ({interaction.operation}) ended in a transport error "
                f"({error.get('code')}: {error.get('message')}), which replay does not re-enact"
            )
        namespace = _ERROR_NAMESPACE.get(interaction.service, "")
        status = int(error["status"])
        body = {"__type": namespace + str(error.get("code")), "message": error.get("message", "")}
        payload = wire.dumps({**body, **(error.get("details") or {})})
    else:
        status = interaction.status or 200
        payload = wire.dumps(interaction.response or {})
    headers = {"x-amzn-RequestId": request_id(), "Content-Type": CONTENT_TYPE, "Content-Length": str(len(payload))}
    return boto3_front.http_response(url, status, headers, payload)


def replay(
    path: str | Path,
    mode: str = "strict",
    *,
    service: str = "dynamodb",
    redact: Iterable[Rule] | None = None,
    salt: str | bytes = b"",
    ignore: Iterable[str] = (),
    region: str = "us-east-1",
    config: Config | None = None,
) -> Any:
    """A boto3 client (`service`: "dynamodb" or "dynamodbstreams") answering from the cassette at
    `path`. `ignore`: top-level request fields left out of matching (say, "ReturnConsumedCapacity").
    `client.dynasim_player` is the `Player` (`.remaining`: calls not replayed)."""
    tape = cassette.load(path)
    redactor = Redactor(redact, salt) if redact is not None else Redactor.from_header(tape.redaction, salt)
    player = Player(tape, mode, redactor, source=str(path), ignore=ignore)
    no_retries = Config(retries={"total_max_attempts": 1, "mode": "standard"})
    config = config.merge(no_retries) if config is not None else no_retries
    client = boto3_front.unanswered_client(service, region, config)
    service_id = client.meta.service_model.service_id.hyphenize()

    def before_send(request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        operation = operation_of(request.headers.get("X-Amz-Target"))
        if operation is None:
            raise ReplayMismatch(f"not a DynamoDB request: {request.headers.get('X-Amz-Target')!r}")
        body = request.body
        if isinstance(body, (bytes, bytearray)):
            body = body.decode("utf-8")
        sent = json.loads(body) if body else {}
        return http_response(player.answer(operation, sent, service_id), request.url)

    client.meta.events.register_first(f"before-send.{service_id}", before_send)
    client.dynasim_player = player
    return client

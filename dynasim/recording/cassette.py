"""The cassette: a versioned JSON-lines file of recorded DynamoDB calls.

Line 1 is a header::

    {"dynasim_cassette": 1, "created": "2026-11-24T22:00:00.000Z", "dynasim": "0.1.0",
     "redaction": [{"attribute": "email", "action": "hash"}, ...]}

Every further line is one API call (one boto3 method call; botocore's retries are folded into
it, so the last attempt's outcome is what is kept)::

    {"seq": 0, "service": "dynamodb", "operation": "PutItem",
     "request": {...},                 # the request body in DynamoDB's JSON wire form
     "status": 200,                    # HTTP status; null for a transport error
     "response": {...},                # the response body in wire form (null on an error)
     "error": null,                    # or {"code": "ConditionalCheckFailedException",
                                       #     "message": "The conditional request failed", "status": 400,
                                       #     "details": {...}}  (other fields of the error body, if any)
     "duration_ms": 3.81,              # from the call to its parsed answer, retries included
     "timestamp": "2026-11-24T22:00:00.123Z",   # when the call started, UTC
     "region": "us-east-1"}            # the client's region (absent in cassettes of earlier versions)

No HTTP headers are kept, so no credentials, signatures, session tokens or auth headers can
reach a cassette; attribute values are redacted before a line is written (see `redaction`).
Readers accept any version up to `VERSION` and refuse newer ones.
"""

from __future__ import annotations

import datetime
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

VERSION = 1
HEADER_KEY = "dynasim_cassette"


class CassetteError(Exception):
    """A cassette that cannot be read."""


def utc_timestamp(seconds: float) -> str:
    moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class Interaction:
    """One recorded call."""

    seq: int
    service: str
    operation: str
    request: dict[str, Any]
    status: int | None
    response: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    duration_ms: float | None = None
    timestamp: str | None = None
    region: str | None = None  # the recording client's

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "service": self.service,
            "operation": self.operation,
            "request": self.request,
            "status": self.status,
            "response": self.response,
            "error": self.error,
            "duration_ms": self.duration_ms,
            "timestamp": self.timestamp,
            "region": self.region,
        }

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> Interaction:
        try:
            return cls(
                seq=int(document["seq"]),
                service=document.get("service", "dynamodb"),
                operation=document["operation"],
                request=document.get("request") or {},
                status=document.get("status"),
                response=document.get("response"),
                error=document.get("error"),
                duration_ms=document.get("duration_ms"),
                timestamp=document.get("timestamp"),
                region=document.get("region"),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise CassetteError(f"not a recorded call: {error}") from None


@dataclass
class Cassette:
    header: dict[str, Any]
    interactions: list[Interaction] = field(default_factory=list)

    @property
    def redaction(self) -> list[dict[str, Any]]:
        return list(self.header.get("redaction") or [])

    def __iter__(self) -> Iterator[Interaction]:
        return iter(self.interactions)

    def __len__(self) -> int:
        return len(self.interactions)


def header(created: float, redaction: list[dict[str, Any]]) -> dict[str, Any]:
    from dynasim import __version__

    return {HEADER_KEY: VERSION, "created": utc_timestamp(created), "dynasim": __version__, "redaction": redaction}


def load(path: str | Path) -> Cassette:
    """Read a cassette; `CassetteError` says which line is wrong."""
    with open(path, encoding="utf-8") as source:
        lines = [(number, line) for number, line in enumerate(source, 1) if line.strip()]
    if not lines:
        raise CassetteError(f"{path}: empty, not a dynasim cassette")
    documents = []
    for number, line in lines:
        try:
            documents.append(json.loads(line))
        except ValueError as error:
            raise CassetteError(f"{path}:{number}: not JSON ({error})") from None
    first = documents[0]
    if not isinstance(first, dict) or HEADER_KEY not in first:
        raise CassetteError(f"{path}:1: not a dynasim cassette (no {HEADER_KEY!r} header)")
    version = first[HEADER_KEY]
    if not isinstance(version, int) or version > VERSION:
        raise CassetteError(f"{path}: cassette version {version!r}; this dynasim reads up to {VERSION}")
    interactions = []
    for (number, _), document in zip(lines[1:], documents[1:], strict=True):
        try:
            interactions.append(Interaction.from_json(document))
        except CassetteError as error:
            raise CassetteError(f"{path}:{number}: {error}") from None
    return Cassette(first, interactions)


class Writer:
    """Appends lines to a cassette, one flushed line per call, from any thread."""

    def __init__(self, path: str | Path, head: dict[str, Any]) -> None:
        self._file: IO[str] | None = open(path, "w", encoding="utf-8")  # noqa: SIM115
        self._lock = threading.Lock()
        self._seq = 0
        self._write(head)

    def _write(self, document: dict[str, Any]) -> None:
        assert self._file is not None
        self._file.write(json.dumps(document, separators=(",", ":"), ensure_ascii=False) + "\n")
        self._file.flush()

    def append(self, interaction: Interaction) -> None:
        with self._lock:
            if self._file is None:
                return
            interaction.seq = self._seq
            self._seq += 1
            self._write(interaction.to_json())

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

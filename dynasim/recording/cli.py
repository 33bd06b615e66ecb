"""`dynasim replay CASSETTE --mode simulate`: the simulator checked against a recording.

Runs every recorded request against a fresh simulator, prints the responses that differ grouped
by operation, and a summary (calls, mismatches by operation, latency percentiles of the
recording). Exit status: 0 when nothing differs, 1 when something does, 2 when the cassette
cannot be read. A progress bar is drawn on stderr when it is a terminal and the cassette is long.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import IO, Any

from dynasim.recording import cassette
from dynasim.recording.simulate import simulate

MODES = ("simulate",)


def add_parser(commands: Any) -> argparse.ArgumentParser:
    replay = commands.add_parser(
        "replay",
        help="replay a recorded cassette against the simulator",
        description="Run the requests of a cassette (recorded with dynasim.record) against a fresh simulator "
        "and report every response that differs from the recorded one. Exit status 1 on differences.",
    )
    replay.add_argument("cassette", metavar="CASSETTE", help="a JSON-lines cassette written by dynasim.record")
    replay.add_argument(
        "--mode", choices=MODES, default="simulate", help="simulate: compare with a fresh simulator (default)"
    )
    replay.add_argument("--report", metavar="FILE", help="also write the summary and every difference as JSON")
    replay.add_argument(
        "--ignore", action="append", default=[], metavar="FIELD", help="a response field not to compare (repeatable)"
    )
    replay.add_argument("--show", type=int, default=5, metavar="N", help="differences shown per operation (default: 5)")
    replay.add_argument(
        "--no-seed-items",
        action="store_true",
        help="do not put into tables the recording did not create the items it read before writing them",
    )
    replay.add_argument("--no-progress", action="store_true", help="no progress bar, even on a terminal")
    return replay


class ProgressBar:
    """A one-line progress bar on a terminal stream, for cassettes of at least `minimum` calls;
    silent elsewhere."""

    def __init__(self, stream: IO[str], width: int = 30, minimum: int = 100) -> None:
        self.stream = stream
        self.width = width
        self.minimum = minimum
        self.enabled = stream.isatty()
        self._drawn = -1

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total == 0 or total < self.minimum:
            return
        filled = self.width * done // total
        if filled == self._drawn and done != total:
            return
        self._drawn = filled
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {done}/{total}")
        if done == total:
            self.stream.write("\n")
        self.stream.flush()


def run(arguments: argparse.Namespace, out: IO[str] | None = None, err: IO[str] | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        tape = cassette.load(arguments.cassette)
    except (OSError, cassette.CassetteError) as error:
        print(f"dynasim: {error}", file=err)
        return 2
    progress = None if arguments.no_progress else ProgressBar(err)
    report = simulate(tape, ignore=arguments.ignore, seed_items=not arguments.no_seed_items, progress=progress)
    report.cassette = arguments.cassette
    print(report.text(per_operation=arguments.show), file=out)
    if arguments.report:
        with open(arguments.report, "w", encoding="utf-8") as target:
            json.dump(report.to_json(), target, indent=2, default=str)
            target.write("\n")
    return 0 if report.ok else 1

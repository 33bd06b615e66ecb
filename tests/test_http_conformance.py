"""The whole conformance suite through `dynasim serve`: every test must end as it does in-process.

This runs the suite twice over (in-process and over HTTP, about a minute), so it only runs when
DYNASIM_CONFORMANCE_OVER_HTTP=1 is set, as CI does. Tests the engine does not pass yet fail on both
targets alike; what this checks is that the HTTP front changes no answer.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from pathlib import Path

import pytest
from http_helpers import ServerProcess

ROOT = Path(__file__).resolve().parents[1]
ENABLE = "DYNASIM_CONFORMANCE_OVER_HTTP"


def _outcomes(report: Path) -> dict[str, dict[str, str]]:
    """test id without its target -> {target: outcome}."""
    outcomes: dict[str, dict[str, str]] = defaultdict(dict)
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        name = f"{case.get('classname')}.{case.get('name')}"
        if not name.endswith("]"):
            continue
        test, _, ids = name[:-1].rpartition("[")
        parts = ids.split("-")
        targets = [part for part in parts if part in ("sim", "url")]
        if len(targets) != 1:
            continue
        parts.remove(targets[0])
        test, target = f"{test}[{'-'.join(parts)}]", targets[0]
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = child.tag
        outcomes[test][target] = outcome
    return outcomes


@pytest.mark.skipif(not os.environ.get(ENABLE), reason=f"set {ENABLE}=1 to run (CI does)")
def test_the_conformance_suite_answers_alike_in_process_and_over_http(tmp_path):
    report = tmp_path / "conformance.xml"
    with ServerProcess() as server:
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "conformance",
                f"--target=sim,{server.url}",
                f"--junitxml={report}",
                "-p",
                "no:cacheprovider",
                "-q",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert server.stop() == 0
    assert report.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    outcomes = _outcomes(report)
    assert len(outcomes) > 100, run.stdout[-3000:]
    # A test may skip itself on one kind of target (the simulator's own messages, say): not compared.
    compared = {test: ends for test, ends in outcomes.items() if "skipped" not in ends.values()}
    assert len(compared) > 100, run.stdout[-3000:]
    different = {test: ends for test, ends in compared.items() if ends.get("url") != ends.get("sim")}
    assert not different, f"{len(different)} tests end differently over HTTP: {sorted(different.items())[:10]}"

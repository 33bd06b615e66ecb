"""examples/test_with_dynasim.py runs as it is, with no conftest, on the simulator and against
AWS's DynamoDB Local (--dynasim-target), where the simulator-only tests are skipped with a reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "test_with_dynasim.py"
SIMULATOR_ONLY = 8
PORTABLE = 4


@pytest.fixture
def example(pytester):
    pytester.makefile(".py", test_with_dynasim=EXAMPLE.read_text())
    return pytester


def test_the_example_passes_on_the_simulator(example):
    result = example.runpytest_subprocess("-p", "no:cacheprovider", "--strict-markers")
    result.assert_outcomes(passed=PORTABLE + SIMULATOR_ONLY)


@pytest.fixture(scope="module")
def ddblocal():
    """DynamoDB Local, started before pytester moves HOME (so the usual cache is found)."""
    if shutil.which("java") is None:
        pytest.skip("DynamoDB Local needs Java")
    from conformance.ddblocal import DynamoDBLocal

    with DynamoDBLocal() as server:
        yield server


def test_the_example_passes_against_dynamodb_local(ddblocal, example):
    server = ddblocal
    result = example.runpytest_subprocess(
        "-p", "no:cacheprovider", "--strict-markers", "-rs", f"--dynasim-target={server.endpoint}"
    )
    result.assert_outcomes(passed=PORTABLE, skipped=SIMULATOR_ONLY)
    result.stdout.fnmatch_lines(
        [
            "SKIPPED*needs the in-process simulator (dynasim_only), "
            f"not available with --dynasim-target={server.endpoint}"
        ]
    )

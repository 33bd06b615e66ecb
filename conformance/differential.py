"""What the differential tests share: a simulator client and a DynamoDB Local client side by side,
and a call's outcome in a comparable form."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from conformance.conftest import ACCESS_KEY, REGION, SECRET_KEY, parse_targets


@pytest.fixture
def both_targets(request: pytest.FixtureRequest) -> tuple[Any, Any]:
    """(simulator client, DynamoDB Local client); the test is skipped unless --target names both."""
    kinds = {target.kind for target in parse_targets(request.config.getoption("--target"))}
    if not {"sim", "ddblocal"} <= kinds:
        pytest.skip("needs --target with both sim and ddblocal")
    import boto3

    import dynasim

    local = boto3.client(
        "dynamodb",
        endpoint_url=request.getfixturevalue("ddblocal_endpoint"),
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    return dynasim.Simulator().client(), local


def outcome(normalise: Callable[[Any], Any], call: Callable[..., Any], **request: Any) -> Any:
    """The normalised response of a call, or ("error", code, message)."""
    try:
        return normalise(call(**request))
    except ClientError as error:
        return ("error", error.response["Error"]["Code"], error.response["Error"]["Message"])


# PutItem, UpdateItem and DeleteItem report their request's own errors inside the envelope, and name
# no key for an expression value's error and no missing expression (WRITE_ENVELOPE in
# conformance.helpers); DynamoDB Local reports them bare, in its older wording.
_ENVELOPE = "1 validation error detected: "
_VALUE_KEY = re.compile(r"ExpressionAttributeValues contains invalid value: (.*) for key :\w+", re.DOTALL)
_MISSING_EXPRESSIONS = re.compile(r"(ExpressionAttributeValues can only be specified when using expressions): .*")


def enveloped_as_the_service_does(simulated: Any, local: Any) -> bool:
    """Whether the simulator's outcome is DynamoDB Local's error as the service words it on a write."""
    if not (isinstance(simulated, tuple) and isinstance(local, tuple)) or simulated[:2] != local[:2]:
        return False
    message = _VALUE_KEY.sub(r"\1", _MISSING_EXPRESSIONS.sub(r"\1", local[2]))
    return simulated[2] == _ENVELOPE + message

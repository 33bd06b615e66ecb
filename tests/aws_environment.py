"""An AWS environment with nothing to reach AWS with, for tests that prove no call escapes the
simulator: a call that slipped past dynasim fails loudly (NoCredentialsError, no region) instead of
reaching the network."""

from __future__ import annotations

from pathlib import Path

import pytest

import dynasim

SETTINGS = (
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_REGION",
    "AWS_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
)  # fmt: skip


def without_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """No credentials, region or endpoint from the environment, files or instance metadata; pytester
    sandboxes run this checkout's dynasim, whatever copy the environment has installed."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("PYTHONPATH", str(Path(dynasim.__file__).parent.parent))

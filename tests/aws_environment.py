"""An AWS environment with nothing to reach AWS with, for tests that prove no call escapes the
simulator: a call that slipped past dynasim fails loudly (NoCredentialsError, no region) instead of
reaching the network."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path
from typing import Any

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


def refuse_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Refuse every name lookup and connection except to loopback, and list the hosts asked for:
    a call that slipped past dynasim shows up here (and fails) even where credentials and a region
    are set, instead of reaching AWS."""
    attempts: list[str] = []
    lookup, connect, connect_ex = socket.getaddrinfo, socket.socket.connect, socket.socket.connect_ex

    def loopback(host: Any) -> bool:
        name = host.decode() if isinstance(host, bytes) else str(host)
        try:
            return ipaddress.ip_address(name).is_loopback
        except ValueError:
            return name == "localhost"

    def refused(host: Any) -> OSError:
        attempts.append(host.decode() if isinstance(host, bytes) else str(host))
        return OSError(f"tests refuse the network: {host}")

    def guarded_lookup(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not loopback(host):
            raise refused(host)
        return lookup(host, *args, **kwargs)

    def guarded_connect(sock: socket.socket, address: Any) -> Any:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not loopback(address[0]):
            raise refused(address[0])
        return connect(sock, address)

    def guarded_connect_ex(sock: socket.socket, address: Any) -> Any:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not loopback(address[0]):
            raise refused(address[0])
        return connect_ex(sock, address)

    monkeypatch.setattr(socket, "getaddrinfo", guarded_lookup)
    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    return attempts

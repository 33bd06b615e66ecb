"""Raw HTTP/1.1 over a socket, for tests of the endpoint's framing (every read is bounded)."""

from __future__ import annotations

import socket
import time

import boto3

TIMEOUT = 5.0
CREDENTIALS = {"aws_access_key_id": "dynasim-key", "aws_secret_access_key": "dynasim-secret"}
SCHEMA = dict(
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    BillingMode="PAY_PER_REQUEST",
)


def client(url: str, **overrides: object):
    options = {"endpoint_url": url, "region_name": "us-east-1", **CREDENTIALS, **overrides}
    return boto3.client("dynamodb", **options)


def post(target: str | None, body: bytes = b"{}", extra: str = "") -> bytes:
    lines = ["POST / HTTP/1.1", "Host: localhost"]
    if target is not None:
        lines.append(f"X-Amz-Target: {target}")
    lines.append("Content-Type: application/x-amz-json-1.0")
    lines.append(f"Content-Length: {len(body)}")
    head = "\r\n".join(lines) + "\r\n" + extra + "\r\n"
    return head.encode() + body


class Connection:
    """A client connection that reads whole responses (or notices the server closed it)."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.reader = self.sock.makefile("rb")

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def response(self, head_only: bool = False) -> tuple[int, dict[str, str], bytes]:
        status_line = self.reader.readline(65536)
        if not status_line:
            raise ConnectionError("closed by the server")
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        while True:
            line = self.reader.readline(65536)
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        length = 0 if head_only else int(headers.get("content-length", "0"))
        body = self.reader.read(length) if length else b""
        return status, headers, body

    def closed_by_server(self) -> bool:
        """True when the server has closed the connection (reads EOF within the timeout)."""
        try:
            return self.reader.read(1) == b""
        except (ConnectionResetError, TimeoutError):
            return False

    def close(self) -> None:
        self.reader.close()
        self.sock.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class ServerProcess:
    """`python -m dynasim serve --port 0 ...` in a subprocess; every wait is bounded."""

    def __init__(self, *arguments: str, timeout: float = 30.0, env: dict[str, str] | None = None) -> None:
        import os
        import queue
        import re
        import subprocess
        import sys
        import threading

        command = [sys.executable, "-m", "dynasim", "serve", "--port", "0", *arguments]
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, **(env or {})},
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()

        def pump() -> None:
            for line in self.process.stdout:  # type: ignore[union-attr]
                self.lines.append(line)
                self._queue.put(line)
            self._queue.put(None)

        threading.Thread(target=pump, daemon=True).start()
        self.url: str | None = None
        deadline = time.monotonic() + timeout
        while self.url is None:
            remaining = deadline - time.monotonic()
            try:
                line = self._queue.get(timeout=max(remaining, 0.01))
            except queue.Empty:
                self.kill()
                raise TimeoutError(f"the server did not start within {timeout}s: {self.output()}") from None
            if line is None:
                self.process.wait(10)
                self.url = ""
                return  # exited: the caller looks at returncode and output()
            found = re.search(r"listening on (http://\S+)", line)
            if found:
                self.url = found.group(1)

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])  # type: ignore[union-attr]

    def output(self) -> str:
        return "".join(self.lines)

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM and wait for a clean exit; returns the exit status."""
        import signal

        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except Exception:
            self.kill()
            raise

    def kill(self) -> None:
        """SIGKILL: no chance to clean up."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.kill()
        if self.process.stdout is not None:
            self.process.stdout.close()

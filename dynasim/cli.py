"""The `dynasim` command: `dynasim serve` runs a local DynamoDB endpoint (also `python -m dynasim serve`).

dynasim serve                                  # http://127.0.0.1:8000, in memory
dynasim serve --data-dir .dynasim              # durable across restarts
dynasim serve --tables template.yaml           # tables from a SAM/CloudFormation template
dynasim serve --auth AKIDEXAMPLE:secret        # verify SigV4 signatures
dynasim serve --fault PutItem:ThrottlingException:times=2 --latency Query:0.2
dynasim repair .dynasim                        # a damaged --data-dir: keep what precedes the damage
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import ipaddress
import logging
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

import dynasim
from dynasim import declare, persistence
from dynasim.doubles import specs
from dynasim.doubles.calls import Call
from dynasim.fronts import http
from dynasim.recording import cli as recording_cli

AUTH_ENVIRONMENT = "DYNASIM_AUTH"
AUTH_FILE_ENVIRONMENT = "DYNASIM_AUTH_FILE"
CALL_LOG_BYTES = 64 * 1024 * 1024  # a long-running endpoint's call log: requests and responses it keeps


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("must be between 0 and 65535 (0: any free port)")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError("must be a number of seconds >= 0")
    return value


def _key_pair(text: str) -> tuple[str, str]:
    key, sep, secret = text.partition(":")
    if not sep or not key or not secret:
        raise argparse.ArgumentTypeError("expected ACCESS_KEY_ID:SECRET_ACCESS_KEY")
    return key, secret


def _parameter(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError("expected NAME=VALUE")
    return name, value


def _fault(text: str) -> dict[str, Any]:
    try:
        return specs.fault_flag(text)
    except specs.SpecError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _latency(text: str) -> dict[str, Any]:
    try:
        return specs.latency_flag(text)
    except specs.SpecError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="dynasim", description="An in-memory DynamoDB simulator.")
    top.add_argument("--version", action="version", version=f"dynasim {dynasim.__version__}")
    commands = top.add_subparsers(dest="command", metavar="COMMAND")
    serve = commands.add_parser(
        "serve",
        help="run a local DynamoDB endpoint",
        description="Answer DynamoDB's HTTP API (and DynamoDB Streams') for any SDK, the AWS CLI or curl.",
    )
    network = serve.add_argument_group("network")
    network.add_argument(
        "--host", default=http.DEFAULT_HOST, help="address to listen on (default: %(default)s, loopback only)"
    )
    network.add_argument(
        "--port", type=_port, default=http.DEFAULT_PORT, help="port (default: %(default)s; 0: any free port)"
    )
    network.add_argument(
        "--max-request-bytes",
        type=_positive_int,
        default=http.DEFAULT_MAX_REQUEST_BYTES,
        metavar="N",
        help="refuse larger request bodies with 413 (default: %(default)s, DynamoDB's limit)",
    )
    network.add_argument(
        "--read-timeout",
        type=_positive_float,
        default=http.DEFAULT_READ_TIMEOUT,
        metavar="SECONDS",
        help="answer 408 and close when a request's head takes longer, or its body pauses longer "
        "(default: %(default)s)",
    )
    network.add_argument(
        "--auth",
        type=_key_pair,
        action="append",
        metavar="KEY:SECRET",
        help="verify SigV4 signatures; accept only these key pairs (repeatable; also "
        f"${AUTH_ENVIRONMENT}=KEY:SECRET,KEY:SECRET). Without it any credentials are accepted.",
    )
    network.add_argument(
        "--auth-file",
        metavar="FILE",
        help="like --auth, with the key pairs read from FILE, one KEY:SECRET a line ('#' comments), so that "
        f"no secret shows in the process list (also ${AUTH_FILE_ENVIRONMENT}=FILE)",
    )
    network.add_argument(
        "--admin-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a name clients use for this server (say the service name in docker compose) that the admin API "
        "accepts in the Host header besides localhost, loopback addresses and --host (repeatable)",
    )
    network.add_argument(
        "--call-log-bytes",
        type=_positive_int,
        default=CALL_LOG_BYTES,
        metavar="N",
        help="keep at most N bytes of requests and responses in the call log, dropping the oldest calls "
        "(default: %(default)s, 64 MiB)",
    )
    network.add_argument(
        "--cors",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="answer CORS requests from this browser origin ('*' for any; repeatable; default: none)",
    )
    account = serve.add_argument_group("account")
    account.add_argument("--region", default="us-east-1", help="region in ARNs and the health check")
    account.add_argument(
        "--regions",
        metavar="REGION,...",
        type=lambda text: [name.strip() for name in text.split(",") if name.strip()],
        default=[],
        help="other regions to hold besides --region, each with its own tables, answering clients that sign "
        "for it (a global table's replicas add theirs; clients of any other region see --region's)",
    )
    account.add_argument("--account-id", default="123456789012", help="account id in ARNs")
    account.add_argument(
        "--replication-lag",
        metavar="SECONDS",
        type=_seconds,
        default=None,
        help="how long a write to a global table's replica takes to reach the others (default 1; "
        "per region pair: POST /_dynasim/replication/lag)",
    )
    account.add_argument(
        "--global-tables-2017",
        action="store_true",
        help="CreateGlobalTable makes version 2017.11.29 (Legacy) groups, as for an account that still holds "
        "them (default: refused, as the service refuses them today)",
    )
    account.add_argument(
        "--jobs",
        choices=("clock", "immediate"),
        default="clock",
        help="when backups, restores, exports, imports and bulk loads finish: 60 seconds of the clock after "
        "they start (default; POST /_dynasim/clock/advance moves it), or at once",
    )
    storage = serve.add_argument_group("storage (default: in memory, gone when the process stops)")
    storage.add_argument("--data-dir", metavar="DIR", help="keep tables and items in DIR across restarts")
    storage.add_argument(
        "--s3-dir",
        metavar="DIR",
        help="the buckets exports write to and imports and bulk loads read from: each a subdirectory of DIR "
        "(default: a temporary directory removed when the process stops)",
    )
    storage.add_argument(
        "--fsync",
        choices=persistence.FSYNC_POLICIES,
        default="always",
        help="always: no acknowledged write is ever lost (default); interval: fsync every "
        "--fsync-interval seconds (an OS crash or power loss can lose that much); never: leave it to "
        "the OS. A crash of dynasim itself loses nothing under any policy.",
    )
    storage.add_argument(
        "--fsync-interval",
        type=_positive_float,
        default=1.0,
        metavar="SECONDS",
        help="for --fsync interval (default: %(default)s)",
    )
    storage.add_argument(
        "--snapshot-bytes",
        type=_positive_int,
        default=persistence.store.DEFAULT_SNAPSHOT_BYTES,
        metavar="N",
        help="write a snapshot and empty the log once the log reaches N bytes (default: %(default)s)",
    )
    data = serve.add_argument_group("startup data")
    data.add_argument(
        "--tables",
        metavar="FILE",
        action="append",
        default=[],
        help='create tables (and items) from FILE: {"tables": [CreateTable requests with optional '
        '"Items"]} or a CloudFormation/SAM template, JSON or YAML (repeatable). Tables that already '
        "exist (in --data-dir) are left as they are.",
    )
    data.add_argument(
        "--parameter",
        type=_parameter,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a template parameter's value (repeatable; default: the parameter's Default)",
    )
    data.add_argument("--stack-name", default="dynasim", help="what AWS::StackName resolves to in templates")
    doubles = serve.add_argument_group(
        "faults, latency and the admin API (also at runtime: /_dynasim/... on the same port, see README)"
    )
    doubles.add_argument(
        "--config",
        metavar="FILE",
        action="append",
        default=[],
        help='JSON {"faults": [inject_fault arguments], "latency": [set_latency arguments], "throughput": '
        "{enable_throughput_limits arguments}} (repeatable)",
    )
    doubles.add_argument(
        "--fault",
        type=_fault,
        action="append",
        default=[],
        metavar="OP:ERROR[:k=v,...]",
        help="inject a fault, e.g. PutItem:ProvisionedThroughputExceededException:times=2 (options: times, "
        "probability, table, seed, unprocessed; ERROR a,b,none for a sequence; OP * for any; repeatable)",
    )
    doubles.add_argument(
        "--latency",
        type=_latency,
        action="append",
        default=[],
        metavar="OP:SECONDS[:k=v,...]",
        help="add latency, e.g. Query:0.2 or GetItem:0.01-0.05:table=users (options: table, virtual, seed; repeatable)",
    )
    doubles.add_argument(
        "--no-admin", action="store_true", help="do not answer the admin API under /_dynasim/ on the endpoint's port"
    )
    serve.add_argument("--quiet", action="store_true", help="print nothing but errors")
    serve.add_argument(
        "--log-requests",
        action="store_true",
        help="print one line per call: operation, table, status, milliseconds (even with --quiet)",
    )
    recording_cli.add_parser(commands)
    repair = commands.add_parser(
        "repair",
        help="make a damaged --data-dir load again",
        description="Keep everything a damaged store holds before the damage, move the rest aside to "
        "files named <file>.damaged-<time> next to it, and print what was done. Stop dynasim first.",
    )
    repair.add_argument("directory", metavar="DIR", help="the --data-dir to repair")
    return top


def request_line(call: Call) -> str:
    """`--log-requests`' line for a call: `PutItem orders 200 0.4 ms` (`-` for no table or no answer)."""
    status = call.status
    outcome = str(status) if status is not None else "-"
    if call.error_code is not None:
        outcome += f" {call.error_code}"
    return f"{call.operation} {','.join(call.tables) or '-'} {outcome} {call.duration * 1000:.1f} ms"


def main(argv: list[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    if arguments.command == "replay":
        return recording_cli.run(arguments)
    if arguments.command == "repair":
        return repair(arguments.directory)
    if arguments.command != "serve":
        parser().print_help(sys.stderr)
        return 2
    return serve(arguments)


def _open_store(simulator: dynasim.Simulator, arguments: argparse.Namespace, say: Callable[[str], None]) -> Any:
    """The durable store of `--data-dir`, opened (its tables loaded into their regions)."""
    store = persistence.open_store(
        simulator,
        arguments.data_dir,
        fsync=arguments.fsync,
        fsync_interval=arguments.fsync_interval,
        snapshot_bytes=arguments.snapshot_bytes,
    )
    where = os.path.abspath(arguments.data_dir)
    say(f"data in {where} (fsync {arguments.fsync}), {_count(simulator)}")
    return store


def _simulator(arguments: argparse.Namespace) -> dynasim.Simulator:
    """The simulator `dynasim serve` answers from, as its account options set it up."""
    simulator = dynasim.Simulator(
        region=arguments.region,
        regions=arguments.regions,
        account_id=arguments.account_id,
        max_logged_bytes=arguments.call_log_bytes,
        jobs=arguments.jobs,
        s3_dir=arguments.s3_dir,
    )
    if arguments.replication_lag is not None:
        simulator.set_replication_lag(arguments.replication_lag)
    simulator.global_tables_2017 = arguments.global_tables_2017
    return simulator


def serve(arguments: argparse.Namespace, ready: Callable[[str], None] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="dynasim: %(levelname)s %(name)s: %(message)s")
    say = (lambda message: None) if arguments.quiet else (lambda message: print(f"dynasim: {message}", flush=True))
    try:
        credentials = _credentials(arguments)
    except _AuthError as error:
        print(f"dynasim: {error}", file=sys.stderr)
        return 2
    simulator = _simulator(arguments)
    store = None
    try:
        if arguments.data_dir:
            store = _open_store(simulator, arguments, say)
        if arguments.s3_dir:
            say(f"exports and imports in the buckets under {os.path.abspath(arguments.s3_dir)}")
        for path in arguments.tables:
            declarations = declare.load(
                path,
                parameters=dict(arguments.parameter),
                stack_name=arguments.stack_name,
                region=arguments.region,
                account_id=arguments.account_id,
            )
            created = declare.apply(simulator, declarations)
            kept = [d.table_name for d in declarations if d.table_name not in created]
            say(f"{path}: created {_names(created)}" + (f"; kept existing {_names(kept)}" if kept else ""))
        for path in arguments.config:
            faults, latency = specs.apply_config(simulator, specs.load_config(path))
            say(f"{path}: {faults} fault(s), {latency} latency rule(s)")
        for spec in arguments.fault:
            specs.add_fault(simulator, spec)
        for spec in arguments.latency:
            specs.add_latency(simulator, spec)
        if arguments.log_requests:
            simulator.call_log.listeners.append(lambda call: print(request_line(call), flush=True))
        options: dict[str, Any] = {
            "max_request_bytes": arguments.max_request_bytes,
            "read_timeout": arguments.read_timeout,
            "credentials": credentials or None,
            "cors_origins": arguments.cors,
            "store": store,
            "admin_api": not arguments.no_admin,
            "admin_hosts": arguments.admin_host,
        }
        if not _is_loopback(arguments.host):
            print(
                f"dynasim: WARNING listening on {arguments.host}: anyone who can reach this port can read "
                "and change your tables" + ("" if credentials else " (no --auth given)"),
                file=sys.stderr,
                flush=True,
            )

        def announce(url: str) -> None:
            auth = f"SigV4 verified for {len(credentials)} key(s)" if credentials else "any credentials accepted"
            say(f"listening on {url} ({auth}); Ctrl-C to stop")
            if ready is not None:
                ready(url)

        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C where signal handlers cannot be set
            asyncio.run(_run(simulator, arguments.host, arguments.port, options, announce))
    except (persistence.StoreError, declare.DeclarationError, specs.SpecError) as error:
        print(f"dynasim: {error}", file=sys.stderr)
        return 1
    except _ListenError as error:
        print(f"dynasim: cannot listen on {arguments.host}:{arguments.port}: {error}", file=sys.stderr)
        if error.in_use:
            print(
                "dynasim: another program has that port: choose another with --port, or --port 0 for any free one",
                file=sys.stderr,
            )
        return 1
    except OSError as error:
        print(f"dynasim: {error}", file=sys.stderr)
        return 1
    finally:
        if store is not None:
            store.close()
    say("stopped")
    return 0


class _AuthError(Exception):
    pass


def _credentials(arguments: argparse.Namespace) -> dict[str, str]:
    """The key pairs of --auth and --auth-file; else of $DYNASIM_AUTH and $DYNASIM_AUTH_FILE."""
    pairs = list(arguments.auth or [])
    path = arguments.auth_file
    if not pairs and path is None:
        path = os.environ.get(AUTH_FILE_ENVIRONMENT) or None
        text = os.environ.get(AUTH_ENVIRONMENT, "")
        pairs = [_auth_pair(f"${AUTH_ENVIRONMENT}", pair.strip()) for pair in text.split(",") if pair.strip()]
    if path is not None:
        try:
            with open(path, encoding="utf-8") as lines:
                found = [line.strip() for line in lines]
        except (OSError, UnicodeDecodeError) as error:
            raise _AuthError(f"--auth-file {path}: {getattr(error, 'strerror', None) or error}") from None
        pairs += [
            _auth_pair(f"--auth-file {path} line {number}", line)
            for number, line in enumerate(found, 1)
            if line and not line.startswith("#")
        ]
        if not pairs:
            raise _AuthError(f"--auth-file {path}: no KEY:SECRET line")
    return dict(pairs)


def _auth_pair(where: str, text: str) -> tuple[str, str]:
    try:
        return _key_pair(text)
    except argparse.ArgumentTypeError as error:
        raise _AuthError(f"{where}: {error}") from None  # the line itself may hold a secret: not repeated


def repair(directory: str) -> int:
    """`dynasim repair DIR`: 0 once the store loads again (repaired or intact), 1 if it cannot be."""
    try:
        report = persistence.repair(directory)
    except (persistence.StoreError, OSError) as error:
        print(f"dynasim: {error}", file=sys.stderr)
        return 1
    print(report)
    print(f"dynasim: {directory} repaired" if report.repaired else f"dynasim: {directory}: nothing to repair")
    return 0


async def _run(
    simulator: dynasim.Simulator,
    host: str,
    port: int,
    options: dict[str, Any],
    announce: Callable[[str], None],
) -> None:
    try:
        server = await http.HTTPServer(simulator, host, port, **options).start()
    except OSError as error:
        raise _ListenError(error.strerror or str(error), in_use=error.errno == errno.EADDRINUSE) from None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not the main thread, or Windows
            loop.add_signal_handler(signal_number, stop.set)
    announce(server.url)
    try:
        await stop.wait()
    finally:
        await server.close()


class _ListenError(Exception):
    def __init__(self, reason: str, *, in_use: bool = False) -> None:
        super().__init__(reason)
        self.in_use = in_use  # the port is taken: say how to pick another


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _count(simulator: dynasim.Simulator) -> str:
    tables = [table for region in simulator.regions for table in simulator.engine_of(region).tables.values()]
    items = sum(table.item_count for table in tables)
    regions = f" in {len(simulator.regions)} regions" if len(simulator.regions) > 1 else ""
    return f"{len(tables)} table(s), {items} item(s) loaded{regions}"


def _names(names: list[str]) -> str:
    return ", ".join(names) if names else "no tables"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The dynasim pytest plugin, registered through the `pytest11` entry point: installing dynasim is
enough.

Fixtures:
    dynasim            a fresh `dynasim.Simulator` per test, holding the declared tables
    sim                the same simulator, for test files that `import dynasim` (a `dynasim`
                       argument would hide the module inside the test)
    dynamodb           a boto3 DynamoDB client on it (or on the --dynasim-target endpoint)
    dynamodb_resource  a boto3 DynamoDB service resource, likewise
    dynamodb_async     an aiobotocore DynamoDB client, likewise (async: needs pytest-asyncio or anyio)
    dynasim_tables     override it to declare this module's (or conftest's) tables
    dynasim_route      override it to return False: clients the test did not get from a fixture
                       are not routed (as `@pytest.mark.dynasim(route=False)`)
    dynasim_options    override it to configure the simulators of a module (or conftest): a dict
                       of the settings below
    dynasim_target     the --dynasim-target URL, or None on the simulator

While a test uses these fixtures on the simulator, every DynamoDB and DynamoDB Streams client in the
process (boto3 or aiobotocore, made before the test, at import time or by the code under test)
answers from the test's simulator, as under `dynasim.mock()`; other services are left alone.

Declared tables — a dict or list of CreateTable requests (each with optional "Items"), or the path
of a declaration file or CloudFormation/SAM template (see `dynasim.declare`) — come from, first to
last: the `@pytest.mark.dynasim_tables(...)` marker, the `dynasim_tables` fixture, the
`dynasim_tables` ini setting (or --dynasim-tables). They are created once per session and restored
for each test from a snapshot, so a test starts from them in well under a millisecond.

The test's simulator is configured by, last wins: the ini settings `dynasim_region`, `dynasim_ttl`,
`dynasim_jobs`, `dynasim_max_logged_calls`, `dynasim_max_logged_bytes`, `dynasim_eventual_consistency`,
`dynasim_virtual_retry_delays`, `dynasim_s3_dir`; the
`dynasim_options` fixture; and the `@pytest.mark.dynasim(...)` marker (on a module, a class and a
test: the closest wins, setting by setting). Settings: `region`, `ttl` ("sweep" or "immediate"),
`jobs` ("clock" or "immediate": when backups, restores, exports and imports finish, see `Simulator`),
`max_logged_calls` (None: all), `max_logged_bytes` (None: no bound), `eventual_consistency` (True,
or the keyword arguments of `Simulator.enable_eventual_consistency`), `virtual_retry_delays` (False:
retries really sleep), `s3_dir` (the directory of exports' and imports' buckets) or `s3_client` (a
boto3 S3 client for them; not an ini setting).

With `--dynasim-target=URL` (or the `dynasim_target` ini setting) the same tests run against a real
endpoint (DynamoDB Local, say): `dynamodb` and `dynamodb_resource` talk to it, declared tables are
created before each test and deleted after it with the tables the test created, and tests marked
`dynasim_only`, or that use the `dynasim` fixture, are skipped with the reason.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import boto3
    from botocore.config import Config

    from dynasim.declare import TableDeclaration
    from dynasim.doubles.snapshot import Snapshot
    from dynasim.simulator import Simulator

_SIMULATOR_ONLY = "needs the in-process simulator (dynasim_only), not available with --dynasim-target={url}"
_FIXTURE_ONLY = "uses the `dynasim` fixture (the in-process simulator), not available with --dynasim-target={url}"

# One snapshot per distinct declaration and region for the session: key -> (declarations, {region: snapshot}).
_snapshots: dict[str, tuple[list[TableDeclaration], dict[str, Snapshot]]] = {}
# id(declaration object) -> (the object, its key, its declarations)
_by_identity: dict[int, tuple[Any, str, list[TableDeclaration]]] = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("dynasim", "dynasim (in-memory DynamoDB)")
    group.addoption(
        "--dynasim-target",
        dest="dynasim_target",
        default=None,
        metavar="URL",
        help="run the dynamodb fixtures against this DynamoDB endpoint instead of the simulator; "
        "dynasim_only tests are skipped (ini: dynasim_target)",
    )
    group.addoption(
        "--dynasim-tables",
        dest="dynasim_tables",
        default=None,
        metavar="FILE",
        help="declaration file or CloudFormation/SAM template of the tables every test starts with "
        "(ini: dynasim_tables)",
    )
    parser.addini("dynasim_target", "DynamoDB endpoint URL to run the dynamodb fixtures against", default="")
    for name, (_, help_text) in _INI_SETTINGS.items():
        parser.addini(f"dynasim_{name}", help_text, default="")
    parser.addini("dynasim_tables", "declaration file or template of the tables every test starts with", default="")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "dynasim_only: the test needs the in-process simulator (call log, faults, latency, limits, "
        "virtual time); skipped with --dynasim-target",
    )
    config.addinivalue_line(
        "markers",
        "dynasim(route=True, region=..., ttl=..., jobs=..., max_logged_calls=..., max_logged_bytes=..., "
        "eventual_consistency=..., virtual_retry_delays=...): the test's simulator; route=False leaves "
        "DynamoDB clients the test did not get from a dynasim fixture alone (by default every DynamoDB and "
        "Streams client answers from the test's simulator)",
    )
    config.addinivalue_line(
        "markers",
        "dynasim_tables(declaration): the tables the test starts with: a dict or list of CreateTable "
        "requests (with optional Items), or a path to a declaration file or CloudFormation/SAM template",
    )


def _target(config: pytest.Config) -> str | None:
    value = config.getoption("dynasim_target") or config.getini("dynasim_target")
    return value.rstrip("/") if value else None


def pytest_report_header(config: pytest.Config) -> str | None:
    target = _target(config)
    return f"dynasim: running against {target}" if target else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    target = _target(config)
    if not target:
        return
    skip = pytest.mark.skip(reason=_SIMULATOR_ONLY.format(url=target))
    for item in items:
        if item.get_closest_marker("dynasim_only") is not None:
            item.add_marker(skip)


# --- declared tables -------------------------------------------------------------------------


def _declarations(value: Any, base: Path) -> tuple[str, list[TableDeclaration]]:
    """(cache key, declarations) for a declaration given as a dict, a list or a path."""
    from dynasim import declare

    if isinstance(value, (str, os.PathLike)):
        path = Path(value)
        if not path.is_absolute():
            path = base / path
        path = path.resolve()
        stat = path.stat() if path.exists() else None
        key = f"file:{path}:{stat.st_mtime_ns if stat else 0}"
        if key in _snapshots:
            return key, _snapshots[key][0]
        return key, declare.load(path)
    if isinstance(value, (dict, list)):
        known = _by_identity.get(id(value))
        if known is not None and known[0] is value:
            return known[1], known[2]
        text = json.dumps(value, sort_keys=True, default=_encode)
        key = f"json:{text}"
        declarations = _snapshots[key][0] if key in _snapshots else declare.parse(text, source="dynasim_tables")
        _by_identity[id(value)] = (value, key, declarations)  # the same object next time: no re-encoding
        return key, declarations
    raise TypeError(f"dynasim_tables: expected a dict, a list or a path, got {type(value).__name__}")


def _encode(value: Any) -> Any:
    import base64

    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


@pytest.fixture
def dynasim_tables() -> Any:
    """The tables each test starts with; override this fixture to declare them (a dict, a list of
    CreateTable requests or a path). None: the marker, then the ini setting, decide."""
    return None


@pytest.fixture
def dynasim_route() -> bool:
    """Whether every DynamoDB and Streams client of the process answers from the test's simulator
    (the `dynasim(route=...)` marker overrides it); override this fixture to return False."""
    return True


@pytest.fixture
def dynasim_options() -> dict[str, Any]:
    """Settings of the test's simulator (`region`, `ttl`, `max_logged_calls`, `eventual_consistency`);
    override this fixture to set them for a module or a conftest. The marker overrides them."""
    return {}


# --- the simulator's settings ----------------------------------------------------------------

SETTINGS = (
    "region",
    "ttl",
    "jobs",
    "max_logged_calls",
    "max_logged_bytes",
    "eventual_consistency",
    "virtual_retry_delays",
    "s3_dir",
    "s3_client",
)


def _ini_count(text: str) -> int | None:
    return None if text.lower() == "none" else int(text)


def _ini_flag(text: str) -> bool:
    if text.lower() not in ("true", "false"):
        raise ValueError("expected true or false")
    return text.lower() == "true"


def _ini_eventual_consistency(text: str) -> Any:
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    return json.loads(text)  # the keyword arguments, as a JSON object


# ini setting -> (how its text becomes a value, help)
_INI_SETTINGS: dict[str, tuple[Any, str]] = {
    "region": (str, "region of each test's simulator (ARNs, stream ARNs)"),
    "ttl": (str, 'TTL mode of each test\'s simulator: "sweep" or "immediate"'),
    "jobs": (str, 'when each test\'s backups, restores, exports and imports finish: "clock" (60 s) or "immediate"'),
    "max_logged_calls": (_ini_count, "calls each test's call log keeps (none: all)"),
    "max_logged_bytes": (_ini_count, "bytes of requests and responses each test's call log keeps (none: no bound)"),
    "eventual_consistency": (
        _ini_eventual_consistency,
        'true, or a JSON object of enable_eventual_consistency arguments ({"lag": 2, "seed": 1})',
    ),
    "virtual_retry_delays": (_ini_flag, "false: clients' waits between retries are really slept (default true)"),
    "s3_dir": (str, "directory whose subdirectories are the buckets exports write to and imports read from"),
}


def _marker_settings(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The `dynasim` markers' keyword arguments, the closest (test, then class, then module) last."""
    settings: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers("dynasim"))):
        unknown = set(marker.kwargs) - {"route", *SETTINGS}
        if marker.args or unknown:
            raise pytest.UsageError(
                f"@pytest.mark.dynasim takes keyword arguments route, {', '.join(SETTINGS)}; not {marker}"
            )
        settings.update(marker.kwargs)
    return settings


def _settings(request: pytest.FixtureRequest, marker: dict[str, Any]) -> dict[str, Any]:
    """The test's simulator settings: ini, then the dynasim_options fixture, then the markers'
    (`marker`, from `_marker_settings`)."""
    settings: dict[str, Any] = {}
    for name, (parse, _) in _INI_SETTINGS.items():
        text = request.config.getini(f"dynasim_{name}")
        if text:
            try:
                settings[name] = parse(text.strip())
            except ValueError as error:
                raise pytest.UsageError(f"ini setting dynasim_{name} = {text!r}: {error}") from None
    fixture = request.getfixturevalue("dynasim_options")
    if not isinstance(fixture, dict) or set(fixture) - set(SETTINGS):
        raise pytest.UsageError(f"the dynasim_options fixture must return a dict of {', '.join(SETTINGS)}")
    settings.update(fixture)
    settings.update({name: value for name, value in marker.items() if name != "route"})
    return settings


def _routes(request: pytest.FixtureRequest, marker: dict[str, Any]) -> bool:
    if "route" in marker:
        return bool(marker["route"])
    return bool(request.getfixturevalue("dynasim_route"))


def _configured_simulator(settings: dict[str, Any]) -> Simulator:
    from dynasim.simulator import Simulator

    settings = dict(settings)
    consistency = settings.pop("eventual_consistency", False)
    try:
        simulator = Simulator(**settings)
        if consistency:
            simulator.enable_eventual_consistency(**({} if consistency is True else consistency))
    except (TypeError, ValueError) as error:
        raise pytest.UsageError(f"dynasim settings {settings}: {error}") from None
    return simulator


@pytest.fixture
def dynasim_target(request: pytest.FixtureRequest) -> str | None:
    """The endpoint the tests run against (--dynasim-target), or None on the simulator."""
    return _target(request.config)


def _declared(request: pytest.FixtureRequest) -> tuple[str, list[TableDeclaration]] | None:
    marker = request.node.get_closest_marker("dynasim_tables")
    module_dir = Path(str(request.node.fspath)).parent
    if marker is not None:
        if not marker.args:
            raise pytest.UsageError("@pytest.mark.dynasim_tables needs a declaration (dict, list or path)")
        return _declarations(marker.args[0], module_dir)
    value = request.getfixturevalue("dynasim_tables")
    if value is not None:
        return _declarations(value, module_dir)
    config = request.config
    option = config.getoption("dynasim_tables")
    if option:
        return _declarations(option, Path(config.invocation_params.dir))
    ini = config.getini("dynasim_tables")
    if ini:
        return _declarations(ini, Path(config.inipath).parent if config.inipath else Path(config.rootpath))
    return None


def _snapshot(key: str, declarations: list[TableDeclaration], region: str) -> Snapshot:
    """The declared tables, made once per region (their ARNs name it)."""
    by_region = _snapshots.setdefault(key, (declarations, {}))[1]
    taken = by_region.get(region)
    if taken is None:
        from dynasim import declare
        from dynasim.simulator import Simulator

        template = Simulator(region=region, max_logged_calls=0)
        declare.apply(template, declarations, skip_existing=False)
        taken = by_region[region] = template.snapshot()
    return taken


# --- backends --------------------------------------------------------------------------------


class _Simulated:
    """The test's simulator; with routing, every DynamoDB client of the process answers from it."""

    def __init__(self, simulator: Simulator, route: bool) -> None:
        from dynasim.fronts.mock import mock

        self.simulator = simulator
        self.routing = mock(simulator) if route else None
        if self.routing is not None:
            self.routing.__enter__()

    def client(self) -> Any:
        return self.simulator.client()

    def resource(self) -> Any:
        return self.simulator.resource()

    def async_client(self) -> AbstractAsyncContextManager[Any]:
        return self.simulator.async_client()

    def close(self) -> None:
        if self.routing is not None:
            self.routing.__exit__(None, None, None)


class RemoteEndpoint:
    """Clients on a real DynamoDB endpoint for one test: every table created through them (the
    declared ones too) is deleted by `close()`. What `--dynasim-target` runs on, and the conformance
    suite's remote targets.

    `region` and `credentials` (key, secret) default to the environment's (a session's), or
    us-east-1 and fake keys; `config` holds options of every client's config (botocore's `Config`,
    aiobotocore's `AioConfig`: timeouts, say); `session`, the boto3 session that makes the clients
    (default: a new one)."""

    def __init__(
        self,
        url: str,
        *,
        region: str | None = None,
        credentials: tuple[str, str] | None = None,
        config: dict[str, Any] | None = None,
        session: boto3.session.Session | None = None,
    ) -> None:
        import boto3
        from botocore.config import Config

        self.session = session if session is not None else boto3.session.Session()
        self.url = url
        region = region or self.session.region_name or "us-east-1"
        self.options: dict[str, Any] = {"endpoint_url": url, "region_name": region}
        if credentials is None and self.session.get_credentials() is None:
            credentials = ("dynasim", "dynasim")
        if credentials is not None:
            self.options.update(aws_access_key_id=credentials[0], aws_secret_access_key=credentials[1])
        self.config_options = config or {}
        self.config = Config(**self.config_options)
        self.created: list[tuple[str, str]] = []  # (region, table name)
        self.admin = self.client()

    def _watch(self, client: Any) -> Any:
        region = client.meta.region_name

        def created(http_response: Any, parsed: dict[str, Any], **_: Any) -> None:
            name = parsed.get("TableDescription", {}).get("TableName")
            if name and getattr(http_response, "status_code", 200) == 200:
                self.created.append((region, name))

        client.meta.events.register("after-call.dynamodb.CreateTable", created)
        return client

    def client(
        self, config: Config | None = None, service_name: str = "dynamodb", region_name: str | None = None
    ) -> Any:
        """A boto3 client of DynamoDB (or DynamoDB Streams), `config` merged into the endpoint's;
        `region_name`: another region than the endpoint's."""
        merged = self.config.merge(config) if config is not None else self.config
        options = dict(self.options, region_name=region_name or self.options["region_name"])
        return self._watch(self.session.client(service_name, config=merged, **options))

    def resource(self) -> Any:
        resource = self.session.resource("dynamodb", config=self.config, **self.options)
        self._watch(resource.meta.client)
        return resource

    @asynccontextmanager
    async def async_client(self) -> AsyncIterator[Any]:
        from aiobotocore.config import AioConfig
        from aiobotocore.session import AioSession

        config = AioConfig(**self.config_options)
        async with AioSession().create_client("dynamodb", config=config, **self.options) as client:
            yield self._watch(client)

    def create(self, declaration: TableDeclaration) -> None:
        """Create a declared table afresh (deleting one left over from an interrupted run), with
        its time to live and items."""
        import copy

        from botocore.exceptions import ClientError

        name = declaration.table_name
        try:
            self.admin.delete_table(TableName=name)  # left over from an interrupted run
            self.admin.get_waiter("table_not_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
        self.admin.create_table(**copy.deepcopy(declaration.request))
        self.admin.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
        if declaration.time_to_live is not None:
            self.admin.update_time_to_live(TableName=name, TimeToLiveSpecification=declaration.time_to_live)
        items = declaration.items
        for start in range(0, len(items), 25):
            batch = {name: [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]}
            while batch:
                batch = self.admin.batch_write_item(RequestItems=batch).get("UnprocessedItems") or {}

    def close(self) -> None:
        """Delete every table created through these clients (switching deletion protection off
        where a table has it)."""
        from botocore.exceptions import ClientError

        admins = {self.options["region_name"]: self.admin}
        # Tables of other regions first: a global table's replicas go before the table they came from.
        for region, name in sorted(
            dict.fromkeys(self.created), key=lambda made: made[0] == self.options["region_name"]
        ):
            admin = admins.get(region) or admins.setdefault(region, self.client(region_name=region))
            try:
                admin.delete_table(TableName=name)
            except ClientError as error:
                code = error.response["Error"]["Code"]
                if code == "ResourceNotFoundException":
                    continue
                if code != "ValidationException":
                    raise
                # Deletion protection, probably: switch it off and delete again.
                admin.update_table(TableName=name, DeletionProtectionEnabled=False)
                admin.delete_table(TableName=name)
        self.created.clear()


@pytest.fixture
def _dynasim_backend(request: pytest.FixtureRequest) -> Iterator[Any]:
    declared = _declared(request)
    target = _target(request.config)
    if target:
        backend: Any = RemoteEndpoint(target)
        for declaration in declared[1] if declared else []:
            backend.create(declaration)
    else:
        marker = _marker_settings(request)
        simulator = _configured_simulator(_settings(request, marker))
        if declared is not None:
            simulator.restore(_snapshot(*declared, simulator.region))
        backend = _Simulated(simulator, _routes(request, marker))
    try:
        yield backend
    finally:
        backend.close()


@pytest.fixture
def dynasim(_dynasim_backend: Any) -> Simulator:
    """A fresh in-memory DynamoDB for this test, holding the declared tables. Skips the test when
    running against --dynasim-target."""
    if not isinstance(_dynasim_backend, _Simulated):
        pytest.skip(_FIXTURE_ONLY.format(url=_dynasim_backend.url))
    return _dynasim_backend.simulator


@pytest.fixture
def sim(dynasim: Simulator) -> Simulator:
    """The `dynasim` fixture under a name that does not hide the `dynasim` module."""
    return dynasim


@pytest.fixture
def dynamodb(_dynasim_backend: Any) -> Any:
    """A boto3 DynamoDB client: on this test's simulator, or on --dynasim-target."""
    return _dynasim_backend.client()


@pytest.fixture
def dynamodb_resource(_dynasim_backend: Any) -> Any:
    """A boto3 DynamoDB service resource: on this test's simulator, or on --dynasim-target."""
    return _dynasim_backend.resource()


def _async_fixture(func: Any) -> Any:
    """An async fixture that pytest-asyncio runs when it is installed (in strict mode too);
    otherwise anyio's pytest plugin runs it for tests on an `anyio_backend`."""
    try:
        import pytest_asyncio
    except ImportError:
        return pytest.fixture(func)
    return pytest_asyncio.fixture(func)


@_async_fixture
async def dynamodb_async(_dynasim_backend: Any) -> AsyncIterator[Any]:
    """An aiobotocore DynamoDB client (needs `dynasim[async]`): on this test's simulator, or on
    --dynasim-target. Closed after the test."""
    async with _dynasim_backend.async_client() as client:
        yield client

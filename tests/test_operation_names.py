"""Operation names are checked against the operations DynamoDB has: a typo fails at once, with
the closest names, wherever a test or a flag names an operation."""

from __future__ import annotations

import json

import pytest

import dynasim
from dynasim import cli
from dynasim.doubles import specs
from dynasim.doubles.operations import check_operations, closest
from dynasim.fronts.admin import Admin


@pytest.fixture
def sim():
    simulator = dynasim.Simulator()
    simulator.handle("ListTables", {})
    return simulator


def test_a_typo_names_the_closest_operations():
    with pytest.raises(
        ValueError, match=r"^'PutItm' is not a DynamoDB or DynamoDB Streams operation; did you mean PutItem"
    ):
        check_operations("PutItm")
    assert closest("put_item")[0] == "PutItem"  # boto3's method name
    assert closest("getrecords")[0] == "GetRecords"
    with pytest.raises(ValueError, match=r"'Nothing' is not a DynamoDB .* \(names are the API's"):
        check_operations("Nothing")
    with pytest.raises(ValueError, match="'Scna'"):
        check_operations(["GetItem", "Scna"])


def test_any_operation_dynamodb_or_streams_has_is_accepted():
    # "*", None, operations dynasim does not implement, and DynamoDB Streams' operations.
    for name in ("*", None, "PutItem", "CreateBackup", "GetRecords", ["Query", "Scan"], ("*",)):
        check_operations(name)


@pytest.mark.parametrize(
    "use",
    [
        lambda sim: sim.inject_fault("PutItm", error="ThrottlingException"),
        lambda sim: sim.inject_fault(["PutItem", "PutItm"], error="ThrottlingException"),
        lambda sim: sim.set_latency("PutItm", seconds=1),
        lambda sim: sim.verify_operation("PutItm"),
        lambda sim: sim.call_log.assert_called("PutItm"),
        lambda sim: sim.call_log.assert_not_called("PutItm"),
        lambda sim: sim.call_log.assert_operations("ListTables", "PutItm"),
        lambda sim: sim.call_log.count("PutItm"),
    ],
    ids=[
        "inject_fault",
        "inject_fault-list",
        "set_latency",
        "verify_operation",
        "assert_called",
        "assert_not_called",
        "assert_operations",
        "count",
    ],
)
def test_every_python_entry_point_refuses_a_typo(sim, use):
    with pytest.raises(ValueError, match="did you mean PutItem"):
        use(sim)
    assert sim.faults == []


def test_star_and_real_names_still_work(sim):
    sim.inject_fault("*", error="ThrottlingException", times=0)
    sim.set_latency("*", seconds=0)
    sim.call_log.assert_not_called("CreateBackup")
    assert len(sim.verify_operation("ListTables")) == 1


def admin_call(sim, method, path, body=None):
    headers = {"host": "localhost", "content-type": "application/json"}
    status, _, payload = Admin(sim).answer(method, path, headers, b"" if body is None else json.dumps(body).encode())
    return status, json.loads(payload)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/_dynasim/faults", {"operation": "PutItm", "error": "ThrottlingException"}),
        ("POST", "/_dynasim/latency", {"operation": "PutItm", "seconds": 1}),
        ("GET", "/_dynasim/calls?operation=PutItm", None),
    ],
)
def test_the_admin_api_answers_400_with_the_closest_names(sim, method, path, body):
    status, answer = admin_call(sim, method, path, body)
    assert status == 400
    assert answer["error"] == "BadRequest"
    assert "'PutItm' is not a DynamoDB or DynamoDB Streams operation; did you mean PutItem" in answer["message"]


def test_a_list_of_faults_with_a_typo_is_refused_naming_it(sim):
    faults = [
        {"operation": "Query", "error": "ThrottlingException"},
        {"operation": "Qurey", "error": "ThrottlingException"},
    ]
    status, answer = admin_call(sim, "POST", "/_dynasim/faults", faults)
    assert status == 400 and "did you mean Query" in answer["message"]


def test_a_config_file_with_a_typo_is_refused(sim, tmp_path):
    path = tmp_path / "doubles.json"
    path.write_text(json.dumps({"latency": [{"operation": "Qurey", "seconds": 1}]}))
    with pytest.raises(specs.SpecError, match="latency: 'Qurey' is not a DynamoDB .* did you mean Query"):
        specs.apply_config(sim, specs.load_config(str(path)))


@pytest.mark.parametrize(
    "flag",
    [("--fault", "PutItm:ThrottlingException"), ("--latency", "PutItm:0.2"), ("--fault", "PutItm:unprocessed=0.5")],
)
def test_the_fault_and_latency_flags_are_usage_errors(flag, capsys):
    with pytest.raises(SystemExit) as exited:
        cli.parser().parse_args(["serve", *flag])
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert "usage:" in error
    assert f"{flag[0]}: 'PutItm' is not a DynamoDB or DynamoDB Streams operation; did you mean PutItem" in error


def test_the_flags_take_star_and_real_names():
    arguments = cli.parser().parse_args(["serve", "--fault", "*:ThrottlingException", "--latency", "GetRecords:0.1"])
    assert arguments.fault[0]["operation"] == "*"
    assert arguments.latency[0]["operation"] == "GetRecords"


def test_every_operation_of_the_installed_models_is_answered():
    """An operation AWS adds to the models later shows up here as a failure, not as a silent gap."""
    import botocore.session

    from dynasim.engine.registry import HANDLERS

    session = botocore.session.get_session()
    operations = {
        name
        for service in ("dynamodb", "dynamodbstreams")
        for name in session.get_service_model(service).operation_names
    }
    assert operations - set(HANDLERS) == set()

"""`dynasim serve` with faults and latency from flags and config files, and its admin API, as a process."""

from __future__ import annotations

import json

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from http_helpers import SCHEMA, ServerProcess, client
from test_admin import call

NO_RETRIES = Config(retries={"max_attempts": 0}, connect_timeout=5, read_timeout=10)


def test_fault_flag_throttles_then_succeeds_and_the_admin_api_sees_it():
    with ServerProcess("--fault", "PutItem:ProvisionedThroughputExceededException:times=2") as server:
        ddb = client(server.url, config=NO_RETRIES)
        ddb.create_table(TableName="orders", **SCHEMA)
        for _ in range(2):
            with pytest.raises(ClientError) as raised:
                ddb.put_item(TableName="orders", Item={"pk": {"S": "a"}})
            assert raised.value.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
        ddb.put_item(TableName="orders", Item={"pk": {"S": "a"}})

        _, _, body = call(server.url, "GET", "/_dynasim/faults")
        assert [(f["fired"], f["exhausted"]) for f in body["faults"]] == [(2, True)]
        _, _, calls = call(server.url, "GET", "/_dynasim/calls?operation=PutItem")
        errors = [c.get("error", {}).get("code") for c in calls]
        assert errors == ["ProvisionedThroughputExceededException"] * 2 + [None]
        assert server.stop() == 0


def test_throttle_at_runtime_over_the_admin_api_with_retries_off():
    with ServerProcess() as server:
        ddb = client(server.url, config=NO_RETRIES)
        ddb.create_table(TableName="orders", **SCHEMA)
        spec = {"operation": "GetItem", "error": "ProvisionedThroughputExceededException", "times": 1}
        assert call(server.url, "POST", "/_dynasim/faults", spec)[0] == 201
        with pytest.raises(ClientError, match="ProvisionedThroughputExceededException"):
            ddb.get_item(TableName="orders", Key={"pk": {"S": "a"}})
        assert "Item" not in ddb.get_item(TableName="orders", Key={"pk": {"S": "a"}})
        status, _, answer = call(server.url, "POST", "/_dynasim/faults", b"[")
        assert status == 400 and answer["error"] == "BadRequest"


def test_config_file_and_latency_flag(tmp_path):
    config = tmp_path / "doubles.json"
    config.write_text(
        json.dumps(
            {
                "faults": [{"operation": "DeleteItem", "error": ["ThrottlingException", None]}],
                "latency": [{"operation": "Scan", "seconds": 30, "virtual": True}],
            }
        )
    )
    with ServerProcess("--config", str(config), "--latency", "GetItem:0.05") as server:
        assert "1 fault(s), 1 latency rule(s)" in server.output()
        ddb = client(server.url, config=NO_RETRIES)
        ddb.create_table(TableName="orders", **SCHEMA)
        with pytest.raises(ClientError, match="ThrottlingException"):
            ddb.delete_item(TableName="orders", Key={"pk": {"S": "a"}})
        ddb.delete_item(TableName="orders", Key={"pk": {"S": "a"}})
        before = call(server.url, "GET", "/_dynasim/clock")[2]["now"]
        ddb.scan(TableName="orders")
        ddb.get_item(TableName="orders", Key={"pk": {"S": "a"}})
        assert call(server.url, "GET", "/_dynasim/clock")[2]["now"] >= before + 30
        _, _, [get] = call(server.url, "GET", "/_dynasim/calls?operation=GetItem")
        assert get["latency"] == pytest.approx(0.05) and get["duration"] >= 0.05


def test_with_auth_the_admin_api_needs_the_header():
    with ServerProcess("--auth", "AKIDADMIN:s3cret") as server:
        spec = {"operation": "PutItem", "error": "ThrottlingException"}
        assert call(server.url, "POST", "/_dynasim/faults", spec)[0] == 401
        assert call(server.url, "POST", "/_dynasim/faults", spec, {"X-Dynasim-Auth": "AKIDADMIN:s3cret"})[0] == 201


def test_no_admin_flag():
    with ServerProcess("--no-admin") as server:
        status, _, body = call(server.url, "GET", "/_dynasim/faults")
        assert (status, body) == (404, "<UnknownOperationException/>\n")  # just another path


@pytest.mark.parametrize(
    ("arguments", "code", "words"),
    [
        (("--fault", "PutItem"), 2, "expected OPERATION:ERROR"),
        (("--fault", "PutItem:ThrottlingException:times=x"), 2, "bad value for times"),
        (("--latency", "Query:soon"), 2, "not a number of seconds"),
        (("--fault", "PutItm:ThrottlingException"), 2, "did you mean PutItem"),
        (("--fault", "PutItem:NoSuchError"), 1, "no known message"),
    ],
)
def test_bad_flags_are_refused_at_startup(arguments, code, words):
    with ServerProcess(*arguments) as server:
        assert server.url == ""
        assert server.process.returncode == code
        assert words in server.output()


def test_bad_config_files_are_refused_at_startup(tmp_path):
    missing = str(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"faults": [{"operation": "PutItem", "errors": "X"}]}))
    for path, words in ((missing, "No such file"), (str(broken), "not valid JSON"), (str(wrong), "unknown field")):
        with ServerProcess("--config", path) as server:
            assert server.url == "" and server.process.returncode == 1
            assert words in server.output()


def test_admin_host_flag_names_the_server_for_the_admin_api():
    spec = {"operation": "PutItem", "error": "ThrottlingException"}
    with ServerProcess("--admin-host", "dynasim.test") as server:
        assert call(server.url, "POST", "/_dynasim/faults", spec, {"Host": "dynasim.test"})[0] == 201
        assert call(server.url, "POST", "/_dynasim/faults", spec, {"Host": "other.test"})[0] == 403
        assert len(call(server.url, "GET", "/_dynasim/faults")[2]["faults"]) == 1


def test_call_log_bytes_flag_bounds_the_log_of_a_running_endpoint():
    with ServerProcess("--call-log-bytes", "50000") as server:
        ddb = client(server.url, config=NO_RETRIES)
        ddb.create_table(TableName="orders", **SCHEMA)
        for number in range(10):
            ddb.put_item(TableName="orders", Item={"pk": {"S": str(number)}, "v": {"S": "x" * 20_000}})
        calls = call(server.url, "GET", "/_dynasim/calls")[2]
        assert [entry["request"]["Item"]["pk"]["S"] for entry in calls] == ["8", "9"]


def test_the_call_log_of_serve_is_bounded_by_default():
    from dynasim import cli

    assert cli.parser().parse_args(["serve"]).call_log_bytes == 64 * 1024 * 1024

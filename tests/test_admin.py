"""The admin API under /_dynasim/ on the HTTP endpoint: faults, latency, the call log and the clock."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from http_helpers import SCHEMA, Connection, client, post

import dynasim
from dynasim.doubles import specs
from dynasim.fronts import admin

NO_RETRIES = Config(retries={"max_attempts": 0}, connect_timeout=5, read_timeout=10)
TIMEOUT = 10


def call(url: str, method: str, path: str, body: object = None, headers: dict[str, str] | None = None):
    """(status, headers, parsed body: a JSON document, a list of JSON lines, or text)."""
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    # as a tool sends admin writes: JSON bodies typed so, others marked (what no web page can send unasked)
    marked = {"Content-Type": "application/json"} if data is not None else {"X-Dynasim-Admin": "1"}
    request = urllib.request.Request(url + path, data=data, method=method, headers={**marked, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            status, head, payload = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        status, head, payload = error.code, dict(error.headers), error.read()
    text = payload.decode()
    if head.get("Content-Type") == "application/x-ndjson":
        return status, head, [json.loads(line) for line in text.splitlines()]
    if head.get("Content-Type") == "application/json":
        return status, head, json.loads(text)
    return status, head, text


@pytest.fixture
def served():
    sim = dynasim.Simulator()
    with sim.serve() as server:
        ddb = client(server.url, config=NO_RETRIES)
        ddb.create_table(TableName="orders", **SCHEMA)
        yield sim, server, ddb


def test_throttle_injected_over_the_admin_api_then_success(served):
    sim, server, ddb = served
    status, _, body = call(
        server.url,
        "POST",
        "/_dynasim/faults",
        {"operation": "PutItem", "error": "ProvisionedThroughputExceededException", "times": 1, "table": "orders"},
    )
    assert status == 201
    [rule] = body["faults"]
    assert "ProvisionedThroughputExceededException" in rule["description"] and rule["fired"] == 0

    item = {"pk": {"S": "o-1"}}
    with pytest.raises(ClientError) as raised:
        ddb.put_item(TableName="orders", Item=item)
    assert raised.value.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    ddb.put_item(TableName="orders", Item=item)  # used up: the next call succeeds
    assert ddb.get_item(TableName="orders", Key=item)["Item"] == item

    status, _, body = call(server.url, "GET", "/_dynasim/faults")
    assert status == 200
    assert body["faults"][0]["fired"] == 1 and body["faults"][0]["exhausted"] is True


def test_sequence_of_errors_and_removal(served):
    sim, server, ddb = served
    status, _, body = call(
        server.url, "POST", "/_dynasim/faults", [{"operation": "GetItem", "error": ["ThrottlingException", None]}]
    )
    assert status == 201
    fault_id = body["faults"][0]["id"]
    with pytest.raises(ClientError, match="ThrottlingException"):
        ddb.get_item(TableName="orders", Key={"pk": {"S": "x"}})
    ddb.get_item(TableName="orders", Key={"pk": {"S": "x"}})

    call(server.url, "POST", "/_dynasim/faults", {"operation": "*", "error": "InternalServerError"})
    with pytest.raises(ClientError, match="InternalServerError"):
        ddb.describe_table(TableName="orders")
    assert call(server.url, "DELETE", "/_dynasim/faults")[2] == {"removed": 2}
    assert call(server.url, "GET", "/_dynasim/faults")[2] == {"faults": []}
    ddb.describe_table(TableName="orders")
    assert call(server.url, "GET", f"/_dynasim/faults/{fault_id}")[0] == 404


def test_one_fault_removed_by_id(served):
    sim, server, ddb = served
    _, _, body = call(server.url, "POST", "/_dynasim/faults", {"operation": "Scan", "error": "ThrottlingException"})
    fault_id = body["faults"][0]["id"]
    assert call(server.url, "GET", f"/_dynasim/faults/{fault_id}")[2]["id"] == fault_id
    assert call(server.url, "DELETE", f"/_dynasim/faults/{fault_id}")[2] == {"removed": 1}
    assert ddb.scan(TableName="orders")["Items"] == []


def test_unprocessed_batch_over_the_admin_api(served):
    sim, server, ddb = served
    call(server.url, "POST", "/_dynasim/faults", {"operation": "BatchWriteItem", "unprocessed": 0.5, "times": 1})
    requests = [{"PutRequest": {"Item": {"pk": {"S": f"k{i}"}}}} for i in range(4)]
    answer = ddb.batch_write_item(RequestItems={"orders": requests})
    assert len(answer["UnprocessedItems"]["orders"]) == 2


def test_call_log_as_json_lines_with_filters(served):
    sim, server, ddb = served
    for i in range(3):
        ddb.put_item(TableName="orders", Item={"pk": {"S": f"o-{i}"}, "b": {"B": b"\x00\x01"}})
    ddb.get_item(TableName="orders", Key={"pk": {"S": "o-0"}})

    status, head, calls = call(server.url, "GET", "/_dynasim/calls")
    assert status == 200 and head["Content-Type"] == "application/x-ndjson"
    assert [c["operation"] for c in calls] == ["CreateTable", "PutItem", "PutItem", "PutItem", "GetItem"]
    assert all(c["front"] == "http" for c in calls)

    _, _, puts = call(server.url, "GET", "/_dynasim/calls?operation=PutItem&table=orders&limit=2")
    assert [c["request"]["Item"]["pk"]["S"] for c in puts] == ["o-1", "o-2"]
    assert puts[0]["consumed_capacity"][0]["CapacityUnits"] == 1.0
    _, _, several = call(server.url, "GET", "/_dynasim/calls?operation=GetItem,CreateTable")
    assert [c["operation"] for c in several] == ["CreateTable", "GetItem"]
    assert call(server.url, "GET", "/_dynasim/calls?table=nothing")[2] == []
    _, _, later = call(server.url, "GET", f"/_dynasim/calls?since={calls[-1]['index']}")
    assert [c["operation"] for c in later] == ["GetItem"]

    assert call(server.url, "DELETE", "/_dynasim/calls")[2] == {"cleared": 5}
    assert call(server.url, "GET", "/_dynasim/calls")[2] == []
    assert len(sim.call_log) == 0


def test_failed_calls_appear_in_the_log_with_their_error(served):
    sim, server, ddb = served
    call(server.url, "POST", "/_dynasim/faults", {"operation": "PutItem", "error": "ThrottlingException", "times": 1})
    with pytest.raises(ClientError):
        ddb.put_item(TableName="orders", Item={"pk": {"S": "a"}})
    _, _, [logged] = call(server.url, "GET", "/_dynasim/calls?operation=PutItem")
    assert logged["error"]["code"] == "ThrottlingException"
    assert "fault #" in logged["fault"]


def test_latency_and_clock(served):
    sim, server, ddb = served
    sim.clock.freeze(1_000_000.0)
    status, _, body = call(
        server.url, "POST", "/_dynasim/latency", {"operation": "Query", "seconds": 5, "virtual": True}
    )
    assert status == 201 and "Query" in body["latency"][0]
    ddb.query(
        TableName="orders",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "x"}},
    )
    assert sim.clock.now() == pytest.approx(1_000_005.0)
    _, _, [logged] = call(server.url, "GET", "/_dynasim/calls?operation=Query")
    assert logged["latency"] == 5
    assert call(server.url, "DELETE", "/_dynasim/latency")[0] == 200
    ddb.query(
        TableName="orders",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "x"}},
    )
    assert sim.clock.now() == pytest.approx(1_000_005.0)

    status, _, body = call(server.url, "POST", "/_dynasim/clock/advance", {"seconds": 60})
    assert status == 200 and body["now"] == pytest.approx(1_000_065.0)
    assert call(server.url, "GET", "/_dynasim/clock")[2]["now"] == pytest.approx(1_000_065.0)
    assert call(server.url, "POST", "/_dynasim/latency", {"operation": "GetItem", "seconds": [0.0, 0.001]})[0] == 201


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "words"),
    [
        ("POST", "/_dynasim/faults", b"{not json", 400, "not valid JSON"),
        ("POST", "/_dynasim/faults", b"", 400, "expected a JSON body"),
        ("POST", "/_dynasim/faults", b"[" * 100_000 + b"]" * 100_000, 400, "nests deeper than 128 levels"),
        ("POST", "/_dynasim/faults", b'{"match": ' + b"[" * 500 + b"]" * 500 + b"}", 400, "nests deeper than"),
        ("POST", "/_dynasim/faults", b'{"error": "caf\xe9"}', 400, "not valid JSON"),
        ("POST", "/_dynasim/faults", {"operation": "PutItem", "eror": "X"}, 400, "unknown field(s) eror"),
        ("POST", "/_dynasim/faults", {"operation": "PutItem", "error": "NoSuchCode"}, 400, "no known message"),
        ("POST", "/_dynasim/faults", {"operation": "PutItem"}, 400, "give error"),
        ("POST", "/_dynasim/faults", {"error": "ThrottlingException", "times": "2"}, 400, "times must be"),
        ("POST", "/_dynasim/faults", {"error": "ThrottlingException", "probability": 2}, 400, "probability"),
        ("POST", "/_dynasim/faults", [1], 400, "expected a JSON object"),
        ("POST", "/_dynasim/latency", {"operation": "Query"}, 400, "seconds is required"),
        ("POST", "/_dynasim/latency", {"seconds": -1}, 400, "seconds must be"),
        ("POST", "/_dynasim/latency", {"seconds": [1]}, 400, "[low, high]"),
        ("POST", "/_dynasim/faults", {"operation": "PutItm", "error": "ThrottlingException"}, 400, "mean PutItem"),
        ("POST", "/_dynasim/latency", {"operation": ["Query", "Scna"], "seconds": 1}, 400, "mean Scan?"),
        ("GET", "/_dynasim/calls?operation=GetItem,GetItm", None, 400, "'GetItm' is not a DynamoDB"),
        ("POST", "/_dynasim/clock/advance", {"secs": 1}, 400, "seconds"),
        ("GET", "/_dynasim/calls?limit=-1", None, 400, "limit must be"),
        ("GET", "/_dynasim/calls?opertion=PutItem", None, 400, "unknown parameter(s) opertion"),
        ("GET", "/_dynasim/nothing", None, 404, "no admin endpoint"),
        ("GET", "/_dynasim/faults/999999", None, 404, "no fault"),
        ("PUT", "/_dynasim/faults", b"{}", 405, "use GET, POST, DELETE"),
        ("POST", "/_dynasim/calls", b"{}", 405, "use GET, DELETE"),
    ],
)
def test_bad_admin_requests_get_a_clear_json_error(served, method, path, body, status, words):
    sim, server, ddb = served
    got, head, answer = call(server.url, method, path, body)
    assert got == status
    assert head["Content-Type"] == "application/json"
    assert set(answer) == {"error", "message"} and words in answer["message"]
    if status == 405:
        assert head["Allow"]
    assert sim.faults == []


def test_a_bad_fault_in_a_list_is_refused_whole_enough_to_say_which(served):
    sim, server, ddb = served
    status, _, answer = call(server.url, "POST", "/_dynasim/faults", [{"error": "ThrottlingException"}, {"error": 5}])
    assert status == 400 and "error must be" in answer["message"]


def test_dynamodb_requests_to_the_prefix_are_not_admin_requests(served):
    sim, server, ddb = served
    with Connection(server.port) as connection:
        request = post("DynamoDB_20120810.ListTables").replace(b"POST / ", b"POST /_dynasim/faults ", 1)
        connection.send(request)
        status, headers, body = connection.response()
    # Not the admin API (it has a target), and not DynamoDB's path: DynamoDB's 404.
    assert (status, body) == (404, b"<UnknownOperationException/>\n")
    assert sim.faults == []
    assert call(server.url, "GET", "/")[2].startswith("healthy: ")


def test_admin_api_can_be_turned_off():
    sim = dynasim.Simulator()
    with sim.serve(admin_api=False) as server:
        status, _, body = call(server.url, "POST", "/_dynasim/faults", {"error": "ThrottlingException"})
        assert (status, body) == (404, "<UnknownOperationException/>\n")  # DynamoDB's answer to the path
        assert sim.faults == []


def test_with_auth_the_admin_api_needs_a_configured_key_pair():
    sim = dynasim.Simulator()
    with sim.serve(credentials={"AKIDADMIN": "s3cret"}) as server:
        spec = {"operation": "PutItem", "error": "ThrottlingException"}
        status, _, answer = call(server.url, "POST", "/_dynasim/faults", spec)
        assert status == 401 and answer["error"] == "Unauthorized" and "X-Dynasim-Auth" in answer["message"]
        status, _, answer = call(server.url, "POST", "/_dynasim/faults", spec, {"X-Dynasim-Auth": "AKIDADMIN:wrong"})
        assert status == 403 and answer["error"] == "Forbidden"
        assert sim.faults == []
        status, _, _ = call(server.url, "POST", "/_dynasim/faults", spec, {"X-Dynasim-Auth": "AKIDADMIN:s3cret"})
        assert status == 201
        signed = client(server.url, config=NO_RETRIES, aws_access_key_id="AKIDADMIN", aws_secret_access_key="s3cret")
        signed.create_table(TableName="tbl", **SCHEMA)
        with pytest.raises(ClientError, match="ThrottlingException"):
            signed.put_item(TableName="tbl", Item={"pk": {"S": "a"}})


# --- the flag and config parsers ------------------------------------------------------------


def test_fault_flag():
    assert specs.fault_flag("PutItem:ProvisionedThroughputExceededException:times=2") == {
        "operation": "PutItem",
        "error": "ProvisionedThroughputExceededException",
        "times": 2,
    }
    assert specs.fault_flag("*:ThrottlingException,none:table=orders,probability=0.5,seed=3") == {
        "operation": "*",
        "error": ["ThrottlingException", None],
        "table": "orders",
        "probability": 0.5,
        "seed": 3,
    }
    assert specs.fault_flag("BatchWriteItem:unprocessed=0.5") == {"operation": "BatchWriteItem", "unprocessed": 0.5}
    for bad in ("PutItem", ":X", "PutItem:X:times=two", "PutItem:X:colour=red"):
        with pytest.raises(specs.SpecError):
            specs.fault_flag(bad)


def test_latency_flag():
    assert specs.latency_flag("Query:0.2") == {"operation": "Query", "seconds": 0.2}
    assert specs.latency_flag("*:0.01-0.05:table=users,virtual=true,seed=1") == {
        "operation": "*",
        "seconds": [0.01, 0.05],
        "table": "users",
        "virtual": True,
        "seed": 1,
    }
    for bad in ("Query", "Query:fast", "Query:1:virtual=maybe"):
        with pytest.raises(specs.SpecError):
            specs.latency_flag(bad)


def test_apply_config():
    sim = dynasim.Simulator()
    config = {
        "faults": [{"operation": ["PutItem", "UpdateItem"], "error": "ThrottlingException", "table": ["a", "b"]}],
        "latency": [{"operation": "Query", "seconds": 0.1}],
    }
    assert specs.apply_config(sim, config) == (1, 1)
    assert "PutItem/UpdateItem" in str(sim.faults[0])
    with pytest.raises(specs.SpecError, match="unknown key"):
        specs.apply_config(sim, {"fault": []})
    with pytest.raises(specs.SpecError, match="expected a JSON object"):
        specs.apply_config(sim, [])


def test_with_auth_a_sigv4_signed_admin_request_is_accepted():
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    def signed(url: str, method: str, path: str, body: bytes | None, secret: str) -> dict[str, str]:
        request = AWSRequest(method=method, url=url + path, data=body or b"")
        SigV4Auth(Credentials("AKIDADMIN", secret), "dynamodb", "us-east-1").add_auth(request)
        return dict(request.headers)

    sim = dynasim.Simulator()
    with sim.serve(credentials={"AKIDADMIN": "s3cret"}) as server:
        body = json.dumps({"operation": "PutItem", "error": "ThrottlingException"}).encode()
        headers = signed(server.url, "POST", "/_dynasim/faults", body, "s3cret")
        assert call(server.url, "POST", "/_dynasim/faults", body, headers)[0] == 201
        path = "/_dynasim/calls?operation=PutItem&limit=5"
        assert call(server.url, "GET", path, None, signed(server.url, "GET", path, None, "s3cret"))[0] == 200
        status, _, answer = call(server.url, "GET", path, None, signed(server.url, "GET", path, None, "wrong"))
        assert status == 403 and "InvalidSignatureException" in answer["message"]
        assert len(sim.faults) == 1


def test_throughput_limits_over_the_admin_api():
    sim = dynasim.Simulator()
    sim.clock.freeze(1_000_000.0)
    with sim.serve() as server:
        ddb = client(server.url, config=NO_RETRIES)
        provisioned = {**SCHEMA, "BillingMode": "PROVISIONED"}
        provisioned["ProvisionedThroughput"] = {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}
        ddb.create_table(TableName="slow", **provisioned)
        ddb.create_table(TableName="events", **SCHEMA)
        spec = {"on_demand": {"events": [1, 1]}, "burst_seconds": 300}
        assert call(server.url, "POST", "/_dynasim/throughput", spec)[0] == 200
        ddb.put_item(TableName="slow", Item={"pk": {"S": "a"}})
        with pytest.raises(ClientError, match="ProvisionedThroughputExceededException"):
            ddb.put_item(TableName="slow", Item={"pk": {"S": "b"}})
        ddb.put_item(TableName="events", Item={"pk": {"S": "a"}})
        with pytest.raises(ClientError, match="ThrottlingException"):
            ddb.put_item(TableName="events", Item={"pk": {"S": "b"}})
        call(server.url, "POST", "/_dynasim/clock/advance", {"seconds": 1})
        ddb.put_item(TableName="slow", Item={"pk": {"S": "b"}})
        assert call(server.url, "DELETE", "/_dynasim/throughput")[0] == 200
        for key in "cdef":
            ddb.put_item(TableName="slow", Item={"pk": {"S": key}})
        status, _, answer = call(server.url, "POST", "/_dynasim/throughput", {"on_demand": {"events": 5}})
        assert status == 400 and "on_demand is" in answer["message"]


def test_throughput_in_a_config():
    sim = dynasim.Simulator()
    specs.apply_config(sim, {"throughput": {"partition_limits": False}})
    with pytest.raises(specs.SpecError, match="partition_limits"):
        specs.apply_config(sim, {"throughput": {"partition_limits": "no"}})


def test_reset_empties_tables_calls_and_rules(served):
    sim, server, ddb = served
    ddb.put_item(TableName="orders", Item={"pk": {"S": "o-1"}})
    call(server.url, "POST", "/_dynasim/faults", {"operation": "Scan", "error": "ThrottlingException"})
    call(server.url, "POST", "/_dynasim/latency", {"operation": "Query", "seconds": 5, "virtual": True})
    status, _, body = call(server.url, "POST", "/_dynasim/reset")
    assert (status, body) == (200, {"reset": True})
    assert ddb.list_tables()["TableNames"] == []
    assert sim.call_log.operations() == ["ListTables"]  # emptied by the reset, then this call
    assert sim.faults == [] and sim._doubles.latency.rules == []
    ddb.create_table(TableName="orders", **SCHEMA)  # the name is free again
    assert ddb.scan(TableName="orders")["Items"] == []
    status, _, _ = call(server.url, "GET", "/_dynasim/reset")
    assert status == 405


def test_named_snapshots_are_taken_restored_listed_and_removed(served):
    sim, server, ddb = served
    first = {"pk": {"S": "o-1"}}
    ddb.put_item(TableName="orders", Item=first)
    status, _, body = call(server.url, "PUT", "/_dynasim/snapshots/seeded")
    assert (status, body) == (201, {"seeded": {"tables": ["orders"], "items": 1}})
    ddb.put_item(TableName="orders", Item={"pk": {"S": "o-2"}})
    ddb.create_table(TableName="later", **SCHEMA)
    status, _, body = call(server.url, "POST", "/_dynasim/snapshots/seeded/restore")
    assert (status, body) == (200, {"seeded": {"tables": ["orders"], "items": 1}})
    assert ddb.list_tables()["TableNames"] == ["orders"]
    assert ddb.scan(TableName="orders")["Items"] == [first]
    ddb.delete_item(TableName="orders", Key=first)  # the snapshot is not changed by later writes
    call(server.url, "POST", "/_dynasim/snapshots/seeded/restore")
    assert ddb.scan(TableName="orders")["Items"] == [first]
    listed = call(server.url, "GET", "/_dynasim/snapshots")[2]
    assert listed == {"snapshots": {"seeded": {"tables": ["orders"], "items": 1}}}
    assert call(server.url, "DELETE", "/_dynasim/snapshots/seeded")[:1] == (200,)
    status, _, body = call(server.url, "POST", "/_dynasim/snapshots/seeded/restore")
    assert status == 404 and "no snapshot 'seeded'" in body["message"]


def test_reset_and_restore_are_refused_on_a_durable_endpoint(tmp_path):
    from dynasim import persistence

    sim = dynasim.Simulator()
    store = persistence.open_store(sim, tmp_path)
    try:
        with sim.serve() as server:
            ddb = client(server.url, config=NO_RETRIES)
            ddb.create_table(TableName="orders", **SCHEMA)
            status, _, body = call(server.url, "POST", "/_dynasim/reset")
            assert status == 409 and "on disk" in body["message"]
            assert call(server.url, "PUT", "/_dynasim/snapshots/s")[0] == 201  # taking one is harmless
            assert call(server.url, "POST", "/_dynasim/snapshots/s/restore")[0] == 409
            assert ddb.list_tables()["TableNames"] == ["orders"]  # nothing changed
    finally:
        store.close()


# --- cross-site requests: refused with or without --auth ---------------------------------------


def _raw(server, request: bytes) -> tuple[int, dict]:
    with Connection(server.port) as conn:
        conn.send(request)
        status, _, body = conn.response()
    return status, json.loads(body)


def _admin_post(host: str, content_type: str | None, body: bytes, extra: str = "") -> bytes:
    lines = ["POST /_dynasim/faults HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}"]
    if content_type is not None:
        lines.append(f"Content-Type: {content_type}")
    return ("\r\n".join(lines) + "\r\n" + extra + "\r\n").encode() + body


FAULT = json.dumps({"operation": "PutItem", "error": "ThrottlingException"}).encode()


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data", None],
)
def test_a_write_a_web_page_could_send_is_refused(served, content_type):
    sim, server, _ = served
    status, answer = _raw(server, _admin_post(f"127.0.0.1:{server.port}", content_type, FAULT))
    assert status == 403 and answer["error"] == "Forbidden"
    assert "Content-Type: application/json or an X-Dynasim-Admin header" in answer["message"]
    assert sim.faults == []


def test_a_write_typed_as_json_or_marked_is_accepted(served):
    sim, server, _ = served
    assert _raw(server, _admin_post(f"localhost:{server.port}", "application/json", FAULT))[0] == 201
    marked = _admin_post(f"[::1]:{server.port}", "text/plain", FAULT, "X-Dynasim-Admin: 1\r\n")
    assert _raw(server, marked)[0] == 201
    assert len(sim.faults) == 2


@pytest.mark.parametrize("host", ["attacker.example:8000", "attacker.example", "", "10.0.0.7:8000", "0.0.0.0:8000"])
def test_a_foreign_host_is_refused_for_reads_and_writes(served, host):
    sim, server, _ = served
    status, answer = _raw(server, _admin_post(host, "application/json", FAULT))
    assert status == 403 and answer["error"] == "Forbidden" and "Host" in answer["message"]
    assert sim.faults == []
    read = f"GET /_dynasim/calls HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    assert _raw(server, read)[0] == 403


def test_the_cross_site_checks_hold_with_auth_too():
    sim = dynasim.Simulator()
    with sim.serve(credentials={"AKIDADMIN": "s3cret"}) as server:
        auth = "X-Dynasim-Auth: AKIDADMIN:s3cret\r\n"
        assert _raw(server, _admin_post("rebound.example", "application/json", FAULT, auth))[0] == 403
        assert _raw(server, _admin_post("localhost", "application/json", FAULT, auth))[0] == 201
        assert len(sim.faults) == 1


def test_names_given_as_admin_hosts_are_accepted():
    sim = dynasim.Simulator()
    with sim.serve(admin_hosts=["dynasim"]) as server:
        assert _raw(server, _admin_post("dynasim:8000", "application/json", FAULT))[0] == 201
        assert _raw(server, _admin_post("other:8000", "application/json", FAULT))[0] == 403
        assert len(sim.faults) == 1


def test_host_name():
    assert admin.host_name("LocalHost:8000") == "localhost"
    assert admin.host_name("[::1]:8000") == "::1"
    assert admin.host_name("::1") == "::1"
    assert admin.host_name("example.com.") == "example.com"


def test_a_server_on_every_address_does_not_take_the_wildcard_for_its_name():
    sim = dynasim.Simulator()
    listening_everywhere = admin.Admin(sim, hosts=["0.0.0.0", "::", "dynasim"])  # as `--host 0.0.0.0` makes it
    for host, status in (("0.0.0.0:8000", 403), ("[::]:8000", 403), ("dynasim:8000", 201), ("127.0.0.1", 201)):
        headers = {"host": host, "content-type": "application/json"}
        assert listening_everywhere.answer("POST", "/_dynasim/faults", headers, FAULT)[0] == status, host
    assert len(sim.faults) == 2


def test_jobs_are_listed_and_finished_over_the_admin_api(served):
    sim, server, ddb = served
    arn = ddb.create_backup(TableName="orders", BackupName="nightly")["BackupDetails"]["BackupArn"]
    status, _, body = call(server.url, "GET", "/_dynasim/jobs")
    assert status == 200
    [job] = body["jobs"]
    assert (job["kind"], job["resource"], job["status"]) == ("backup", arn, "IN_PROGRESS")
    assert job["endsAt"] - job["startedAt"] == 60
    status, _, body = call(server.url, "POST", "/_dynasim/jobs/finish", {})
    assert (status, body) == (200, {"finished": 1})
    assert ddb.describe_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"]["BackupStatus"] == "AVAILABLE"
    assert call(server.url, "GET", "/_dynasim/jobs")[2]["jobs"][0]["status"] == "COMPLETED"


def test_jobs_are_held_released_and_failed_over_the_admin_api(served):
    sim, server, ddb = served
    assert call(server.url, "POST", "/_dynasim/jobs/hold", {"kind": "backup"})[:3:2] == (200, {"held": "backup"})
    arn = ddb.create_backup(TableName="orders", BackupName="nightly")["BackupDetails"]["BackupArn"]
    call(server.url, "POST", "/_dynasim/clock/advance", {"seconds": 3600})
    assert ddb.describe_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"]["BackupStatus"] == "CREATING"
    assert call(server.url, "POST", "/_dynasim/jobs/release", {})[:3:2] == (200, {"released": "*"})
    assert ddb.describe_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"]["BackupStatus"] == "AVAILABLE"
    status, _, body = call(
        server.url, "POST", "/_dynasim/jobs/failures", {"kind": "restore", "code": "RestoreFailed", "message": "no"}
    )
    assert status == 201 and "RestoreFailed" in body["failure"]
    ddb.restore_table_from_backup(TargetTableName="copy", BackupArn=arn)
    call(server.url, "POST", "/_dynasim/jobs/finish", {})
    assert "copy" not in ddb.list_tables()["TableNames"]
    [_, failed] = call(server.url, "GET", "/_dynasim/jobs")[2]["jobs"]
    assert (failed["status"], failed["failureCode"], failed["failureMessage"]) == ("FAILED", "RestoreFailed", "no")
    assert call(server.url, "POST", "/_dynasim/jobs/failures", {"when": 1})[0] == 400
    assert call(server.url, "POST", "/_dynasim/jobs/hold", {"kind": 3})[0] == 400


def test_replication_is_lagged_paused_resumed_and_settled_over_the_admin_api(served):
    sim, server, ddb = served
    ddb.update_table(TableName="orders", ReplicaUpdates=[{"Create": {"RegionName": "eu-west-1"}}])
    call(server.url, "POST", "/_dynasim/clock/advance", {"seconds": 600})  # the replica is made
    west = client(server.url, config=NO_RETRIES, region_name="eu-west-1")
    key = {"pk": {"S": "o-1"}}

    def seen_in_west():
        return "Item" in west.get_item(TableName="orders", Key=key, ConsistentRead=True)

    status, _, body = call(server.url, "POST", "/_dynasim/replication/lag", {"seconds": 30, "source": "us-east-1"})
    assert (status, body) == (200, {"lag": 30, "source": "us-east-1", "target": None})
    ddb.put_item(TableName="orders", Item=key)
    call(server.url, "POST", "/_dynasim/clock/advance", {"seconds": 29})
    assert not seen_in_west()
    assert call(server.url, "GET", "/_dynasim/replication?source=us-east-1&target=eu-west-1")[2] == {"pending": 1}
    assert call(server.url, "POST", "/_dynasim/replication/settle")[2] == {"delivered": 1}
    assert seen_in_west()

    partition = {"source": "us-east-1", "target": "eu-west-1"}
    assert call(server.url, "POST", "/_dynasim/replication/pause", partition)[:3:2] == (200, {"paused": partition})
    ddb.delete_item(TableName="orders", Key=key)
    call(server.url, "POST", "/_dynasim/clock/advance", {"seconds": 60})
    assert call(server.url, "POST", "/_dynasim/replication/settle")[2] == {"delivered": 0}  # not across a pause
    assert seen_in_west()
    assert call(server.url, "POST", "/_dynasim/replication/resume", partition)[0] == 200
    call(server.url, "POST", "/_dynasim/clock/advance", {"seconds": 30})
    assert not seen_in_west()
    assert call(server.url, "GET", "/_dynasim/replication")[2] == {"pending": 0}

    assert call(server.url, "POST", "/_dynasim/replication/lag", {"seconds": -1})[0] == 400
    assert call(server.url, "POST", "/_dynasim/replication/pause", {"region": "us-east-1"})[0] == 400
    assert call(server.url, "POST", "/_dynasim/replication/resume", {"source": 3})[0] == 400

"""SearchVectors where the SDKs meet dynasim. botocore's endpoint rules send it (`IsSearchOperation`)
to a vector-search host of its own (`search-dynamodb.<region>.<dns suffix>`, FIPS and dual-stack
variants, `<account>.search-ddb...` in account-ID endpoint mode), and a client's `endpoint_url`
to that URL, as every other operation. Every front answers it: `sim.client()`, `sim.resource()`,
`dynasim.mock()` (clients made before it, inside it, beside moto), the plugin's fixtures, record and
replay, and `dynasim serve`. Credentials and a region are set, as on a developer's machine, and the
network is refused: a call that slipped past dynasim is listed and fails.

Until the engine answers SearchVectors, its answer is the engine's refusal; either way it is
dynasim's: the call log holds the call, the client raised that call's error, and no host was asked
for. (The async fronts: tests/test_async.py.)"""

from __future__ import annotations

import textwrap

import boto3
import botocore.session
import pytest
from aws_environment import refuse_network, without_aws
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError

import dynasim
from dynasim.recording import Interaction, cassette, load, record, replay, simulate

pytest_plugins = ["pytester"]

HAS_SEARCH_VECTORS = "SearchVectors" in botocore.session.get_session().get_service_model("dynamodb").operation_names
pytestmark = pytest.mark.skipif(not HAS_SEARCH_VECTORS, reason="this botocore's DynamoDB model has no SearchVectors")

SEARCH = dict(TableName="docs", IndexName="by-embedding", SearchVector=[{"N": "0.25"}, {"N": "-1.5"}], TopK=3)
NO_RETRIES = Config(retries={"total_max_attempts": 1})


@pytest.fixture
def hosts_asked(monkeypatch):
    """Fake credentials and a region from the environment, and the hosts anything tried to reach."""
    without_aws(monkeypatch)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIADEVELOPERMACHINE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "developer-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    # boto3's default session keeps the credentials it first found: these stay with this test.
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    return refuse_network(monkeypatch)


def urls_of(client):
    """The URLs a client addresses its requests to, as botocore's endpoint rules resolve them."""
    urls: list[str] = []
    client.meta.events.register("request-created.dynamodb", lambda request, **_: urls.append(request.url))
    return urls


def search(client):
    """Send SEARCH; the error the client raised, or None."""
    try:
        client.search_vectors(**SEARCH)
    except ClientError as error:
        return error
    return None


def assert_answered_by(sim, front, error):
    call = sim.call_log.last
    assert (call.operation, call.front) == ("SearchVectors", front)
    if error is None:
        assert call.error_code is None
    else:
        assert error.response["Error"]["Code"] == call.error_code
        assert 400 <= error.response["ResponseMetadata"]["HTTPStatusCode"] < 500


# The vector-search endpoints of the installed botocore (its DynamoDB endpoint-rule-set).
ENDPOINTS = [
    ("us-east-1", {}, "https://search-dynamodb.us-east-1.amazonaws.com/"),
    ("eu-west-1", {}, "https://search-dynamodb.eu-west-1.amazonaws.com/"),
    ("ap-southeast-2", {}, "https://search-dynamodb.ap-southeast-2.amazonaws.com/"),
    ("cn-north-1", {}, "https://search-dynamodb.cn-north-1.amazonaws.com.cn/"),
    ("us-gov-west-1", {}, "https://search-dynamodb.us-gov-west-1.amazonaws.com/"),
    ("us-iso-east-1", {}, "https://search-dynamodb.us-iso-east-1.c2s.ic.gov/"),
    ("us-east-1", {"use_fips_endpoint": True}, "https://search-dynamodb-fips.us-east-1.amazonaws.com/"),
    ("us-east-1", {"use_dualstack_endpoint": True}, "https://search-dynamodb.us-east-1.api.aws/"),
    (
        "us-east-1",
        {"use_fips_endpoint": True, "use_dualstack_endpoint": True},
        "https://search-dynamodb-fips.us-east-1.api.aws/",
    ),
    ("cn-north-1", {"use_dualstack_endpoint": True}, "https://search-dynamodb.cn-north-1.api.amazonwebservices.com.cn/"),
    ("us-gov-west-1", {"use_fips_endpoint": True}, "https://search-dynamodb.us-gov-west-1.amazonaws.com/"),
    ("us-east-1", {"account_id_endpoint_mode": "required"}, "https://123456789012.search-ddb.us-east-1.amazonaws.com/"),
]


@pytest.mark.parametrize(("region", "options", "url"), ENDPOINTS)
def test_search_vectors_goes_to_the_vector_search_endpoint_and_mock_answers_it(hosts_asked, region, options, url):
    account = {"aws_account_id": "123456789012"} if "account_id_endpoint_mode" in options else {}
    with dynasim.mock() as sim:
        ddb = boto3.client(
            "dynamodb",
            region_name=region,
            aws_access_key_id="AKIADEVELOPERMACHINE",
            aws_secret_access_key="developer-secret",
            config=Config(**options).merge(NO_RETRIES),
            **account,
        )
        urls = urls_of(ddb)
        error = search(ddb)
        ddb.list_tables()
    assert urls[0] == url  # headed for the vector-search host ...
    assert "search" not in urls[1]  # ... where no other operation goes
    calls = [(call.operation, call.front) for call in sim.call_log]
    assert calls == [("SearchVectors", "mock"), ("ListTables", "mock")]
    assert error is not None and error.response["Error"]["Code"] == sim.call_log[0].error_code
    assert hosts_asked == []


def test_an_endpoint_url_applies_to_search_vectors_too(hosts_asked):
    ddb = boto3.client("dynamodb", endpoint_url="http://127.0.0.1:9", config=NO_RETRIES)
    urls = urls_of(ddb)
    with dynasim.mock() as sim:
        error = search(ddb)
    assert urls == ["http://127.0.0.1:9/"]
    assert_answered_by(sim, "mock", error)


def test_the_simulators_own_clients_answer_search_vectors(hosts_asked):
    sim = dynasim.Simulator()
    assert_answered_by(sim, "client", search(sim.client()))
    assert_answered_by(sim, "client", search(sim.resource().meta.client))
    assert hosts_asked == []


def test_mock_answers_search_vectors_of_clients_made_before_and_inside_it(hosts_asked):
    early = boto3.client("dynamodb", region_name="eu-west-1", config=NO_RETRIES)
    early_resource = boto3.resource("dynamodb", region_name="ap-south-1", config=NO_RETRIES)
    with dynasim.mock() as sim:
        for client in (
            early,
            early_resource.meta.client,
            boto3.client("dynamodb"),
            boto3.Session().client("dynamodb", region_name="cn-north-1"),
            boto3.resource("dynamodb").meta.client,
        ):
            assert_answered_by(sim, "mock", search(client))
    assert len(sim.verify_operation("SearchVectors")) == 5
    assert hosts_asked == []
    with pytest.raises(EndpointConnectionError):  # after the block: the real endpoint, refused here
        early.search_vectors(**SEARCH)
    assert hosts_asked == ["search-dynamodb.eu-west-1.amazonaws.com"]


@pytest.mark.parametrize("dynasim_inside", [True, False])
def test_search_vectors_beside_moto(hosts_asked, dynasim_inside):
    moto = pytest.importorskip("moto")
    outer, inner = (moto.mock_aws(), dynasim.mock()) if dynasim_inside else (dynasim.mock(), moto.mock_aws())
    with outer as first, inner as second:
        sim = second if dynasim_inside else first
        ddb = boto3.client("dynamodb", config=NO_RETRIES)
        assert_answered_by(sim, "mock", search(ddb))
        boto3.client("s3").create_bucket(Bucket="embeddings")  # moto's
    assert [call.operation for call in sim.call_log] == ["SearchVectors"]
    assert hosts_asked == []


PLUGIN_TESTS = """
import socket

import boto3
import pytest

SEARCH = dict(TableName="docs", IndexName="by-embedding", SearchVector=[{"N": "0.25"}], TopK=3)
asked = []


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(host, *args, **kwargs):
        asked.append(host)
        raise OSError("tests refuse the network")
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield
    assert asked == []


def searched(client):
    with pytest.raises(client.exceptions.ClientError) as raised:
        client.search_vectors(**SEARCH)
    return raised.value.response["Error"]["Code"]


def test_the_client_fixture(dynasim, dynamodb, dynamodb_resource):
    assert searched(dynamodb) == dynasim.call_log.last.error_code
    assert searched(dynamodb_resource.meta.client) == dynasim.call_log.last.error_code
    dynasim.call_log.assert_called("SearchVectors", times=2, front="client")


def test_clients_the_code_makes(dynasim):
    code = searched(boto3.client("dynamodb", region_name="eu-central-1"))
    dynasim.call_log.assert_called_once("SearchVectors", front="mock")
    assert dynasim.call_log.last.error_code == code
"""


def test_the_plugins_fixtures_answer_search_vectors(pytester, hosts_asked):
    pytester.makepyfile(test_search=PLUGIN_TESTS)
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_a_recording_of_search_vectors_replays_offline_and_against_the_simulator(hosts_asked, tmp_path):
    path = tmp_path / "search.jsonl"
    recorded_client = dynasim.Simulator().client()
    with record(path, client=recorded_client):
        recorded = search(recorded_client)
    [interaction] = load(path).interactions
    assert (interaction.operation, interaction.request) == ("SearchVectors", SEARCH)
    assert interaction.error is not None and interaction.error["code"] == recorded.response["Error"]["Code"]

    replayed = search(replay(path))  # offline: a cassette answers, nothing is sent
    assert replayed.response["Error"] == recorded.response["Error"]
    assert simulate(path).ok  # differential replay: a fresh simulator answers as recorded
    assert hosts_asked == []


def test_a_recorded_search_answer_replays_with_its_items_and_scores(hosts_asked, tmp_path):
    path = tmp_path / "answer.jsonl"
    answer = {
        "SearchResults": [
            {"Item": {"pk": {"S": "doc-2"}, "title": {"S": "Vectors"}}, "Score": 0.0123},
            {"Item": {"pk": {"S": "doc-7"}, "title": {"S": "Indexes"}}, "Score": 0.5},
        ],
        "ConsumedCapacity": {"TableName": "docs", "VectorSearchRequestBytes": 12.0},
    }
    writer = cassette.Writer(path, cassette.header(0.0, []))
    writer.append(Interaction(0, "dynamodb", "SearchVectors", dict(SEARCH), 200, answer))
    writer.close()
    found = replay(path).search_vectors(**SEARCH)
    assert [(r["Item"]["pk"]["S"], r["Score"]) for r in found["SearchResults"]] == [("doc-2", 0.0123), ("doc-7", 0.5)]
    assert hosts_asked == []


def test_dynasim_serve_answers_search_vectors_on_its_one_port(hosts_asked, monkeypatch):
    sim = dynasim.Simulator()
    with sim.serve() as server:
        given = boto3.client("dynamodb", endpoint_url=server.url, config=NO_RETRIES)
        urls = urls_of(given)
        assert_answered_by(sim, "http", search(given))
        assert urls == [server.url + "/"]
        monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", server.url)  # as the AWS CLI and SDKs read it
        assert_answered_by(sim, "http", search(boto3.client("dynamodb", config=NO_RETRIES)))
    assert len(sim.verify_operation("SearchVectors", front="http")) == 2
    assert hosts_asked == []


def test_serve_answers_search_vectors_with_signature_verification(hosts_asked):
    sim = dynasim.Simulator()
    with sim.serve(credentials={"vector-key": "vector-secret"}) as server:
        ddb = boto3.client(
            "dynamodb",
            endpoint_url=server.url,
            aws_access_key_id="vector-key",
            aws_secret_access_key="vector-secret",
            config=NO_RETRIES,
        )
        assert_answered_by(sim, "http", search(ddb))  # signed for service dynamodb, and verified
        assert sim.call_log.last.error_code not in ("InvalidSignatureException", "UnrecognizedClientException")


def test_search_vectors_in_the_plugin_sandbox_fails_without_a_simulator(pytester, hosts_asked):
    """The guard the plugin test relies on does catch an escaped call: without a dynasim fixture the
    same call heads for the vector-search host and is refused."""
    pytester.makepyfile(
        test_escaped=PLUGIN_TESTS.split("def searched")[0]
        + textwrap.dedent(
            """
            from botocore.config import Config
            from botocore.exceptions import EndpointConnectionError

            def test_escapes():
                once = Config(retries={"total_max_attempts": 1})
                client = boto3.client("dynamodb", region_name="eu-central-1", config=once)
                with pytest.raises(EndpointConnectionError):
                    client.search_vectors(**SEARCH)
                assert asked == ["search-dynamodb.eu-central-1.amazonaws.com"]
                asked.clear()
            """
        )
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)

"""dynasim beside moto's `mock_aws`: in either order of entry, as decorators or context managers,
DynamoDB and DynamoDB Streams answer from dynasim and every other service (S3, SQS) from moto."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from aws_environment import without_aws

import dynasim

moto = pytest.importorskip("moto")
pytest_plugins = ["pytester"]

SCHEMA = dict(
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    BillingMode="PAY_PER_REQUEST",
    StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
)


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch):
    """Nothing to reach AWS with: a call that escaped both mocks fails loudly."""
    without_aws(monkeypatch)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


def use_every_service(sim):
    """DynamoDB and Streams calls land in `sim`; S3 and SQS in moto, which still answers them."""
    ddb = boto3.client("dynamodb")
    ddb.create_table(TableName="orders", **SCHEMA)
    boto3.resource("dynamodb").Table("orders").put_item(Item={"pk": "o-1"})
    streams = boto3.client("dynamodbstreams").list_streams(TableName="orders")["Streams"]
    assert [stream["TableName"] for stream in streams] == ["orders"]
    sim.call_log.assert_called_once("CreateTable", table="orders", front="mock")
    sim.call_log.assert_called_once("PutItem", table="orders", front="mock")
    sim.call_log.assert_called_once("ListStreams", front="mock")

    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="invoices")
    s3.put_object(Bucket="invoices", Key="o-1.pdf", Body=b"%PDF")
    assert s3.get_object(Bucket="invoices", Key="o-1.pdf")["Body"].read() == b"%PDF"
    sqs = boto3.client("sqs")
    queue = sqs.create_queue(QueueName="shipments")["QueueUrl"]
    sqs.send_message(QueueUrl=queue, MessageBody="o-1")
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=queue)["Messages"]] == ["o-1"]
    assert [call.operation for call in sim.call_log] == ["CreateTable", "PutItem", "ListStreams"]


def moto_has_no_tables():
    """What moto's own DynamoDB holds (read with dynasim's routing off)."""
    return boto3.client("dynamodb").list_tables()["TableNames"] == []


def test_dynasim_inside_moto():
    with moto.mock_aws():
        with dynasim.mock() as sim:
            use_every_service(sim)
        assert moto_has_no_tables()  # moto answers DynamoDB again, and never saw the table
        assert boto3.client("s3").list_buckets()["Buckets"][0]["Name"] == "invoices"


def test_moto_inside_dynasim():
    with dynasim.mock() as sim:
        with moto.mock_aws():
            use_every_service(sim)
            with dynasim.mock(dynasim.Simulator()) as inner:  # nested dynasim mocks: the innermost answers
                assert boto3.client("dynamodb").list_tables()["TableNames"] == []
                inner.call_log.assert_called_once("ListTables")
        assert sim.handle("ListTables", {})["TableNames"] == ["orders"]


def test_decorators_in_either_order():
    @moto.mock_aws
    @dynasim.mock()
    def dynasim_inside():
        use_every_service(dynasim.mock.current())

    @dynasim.mock()
    @moto.mock_aws
    def moto_inside():
        use_every_service(dynasim.mock.current())

    dynasim_inside()
    moto_inside()


def test_clients_made_before_either_mock_and_simulator_clients():
    ddb = boto3.client("dynamodb")  # no credentials: dynasim takes it unsigned
    s3 = boto3.client("s3", aws_access_key_id="testing", aws_secret_access_key="testing")  # moto wants them
    with dynasim.mock() as sim, moto.mock_aws():
        ddb.create_table(TableName="orders", **SCHEMA)
        s3.create_bucket(Bucket="invoices")
        assert sim.client().list_tables()["TableNames"] == ["orders"]
        assert sim.client("dynamodbstreams").list_streams()["Streams"][0]["TableName"] == "orders"
        assert [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]] == ["invoices"]
    with moto.mock_aws():  # sim.client() answers from its simulator under moto alone too
        sim = dynasim.Simulator()
        sim.client().create_table(TableName="orders", **SCHEMA)
        assert moto_has_no_tables()


def test_moto_imported_after_the_mock_started(pytester, monkeypatch):
    """moto loaded lazily (a fixture that imports it) while dynasim already routes."""
    monkeypatch.setenv("PYTHONPATH", str(Path(dynasim.__file__).parent.parent))  # this checkout's dynasim
    pytester.makepyfile(
        """
        import boto3
        import dynasim

        def test_late():
            with dynasim.mock() as sim:
                from moto import mock_aws
                with mock_aws():
                    boto3.client("dynamodb").list_tables()
                    boto3.client("s3").create_bucket(Bucket="invoices")
                    assert boto3.client("s3").list_buckets()["Buckets"][0]["Name"] == "invoices"
                sim.call_log.assert_called_once("ListTables")
        """
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:dynasim").assert_outcomes(passed=1)

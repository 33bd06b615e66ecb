"""One simulator, several regions: a client's region picks the tables it sees, through every front."""

from __future__ import annotations

import json
import urllib.request

import boto3
import pytest
from botocore.exceptions import ClientError
from http_helpers import CREDENTIALS, SCHEMA

import dynasim
from dynasim import Simulator
from dynasim.doubles import specs
from dynasim.engine.ttl import Expiry


def make(client, name: str = "orders") -> str:
    return client.create_table(TableName=name, **SCHEMA)["TableDescription"]["TableArn"]


def test_a_simulator_of_one_region_answers_clients_of_any_region_from_it():
    sim = Simulator()
    make(sim.client())
    with dynasim.mock(sim):
        elsewhere = boto3.client("dynamodb", region_name="eu-west-1")
        assert elsewhere.list_tables()["TableNames"] == ["orders"]
    assert sim.regions == ["us-east-1"]


def test_a_client_of_a_region_sees_that_regions_tables_and_arns():
    sim = Simulator()
    east, west = sim.client(), sim.client(region_name="us-west-2")
    assert sim.regions == ["us-east-1", "us-west-2"]
    arn = make(west)
    assert arn.startswith("arn:aws:dynamodb:us-west-2:123456789012:table/orders")
    assert east.list_tables()["TableNames"] == []
    with pytest.raises(ClientError) as missing:
        east.describe_table(TableName="orders")
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"
    make(east)
    west.put_item(TableName="orders", Item={"pk": {"S": "west"}})
    assert east.scan(TableName="orders")["Count"] == 0
    assert west.scan(TableName="orders")["Count"] == 1
    assert [call.region for call in sim.call_log.filter("PutItem")] == ["us-west-2"]


def test_regions_given_at_creation_are_held_and_mock_routes_by_the_clients_region():
    sim = Simulator(regions=["eu-west-1"])
    assert sim.regions == ["us-east-1", "eu-west-1"]
    with dynasim.mock(sim):
        make(boto3.client("dynamodb", region_name="eu-west-1"))
        home = boto3.client("dynamodb", region_name="us-east-1")
        unheld = boto3.client("dynamodb", region_name="ap-south-1")  # not held: the home region answers
        assert home.list_tables()["TableNames"] == []
        assert unheld.list_tables()["TableNames"] == []
        assert boto3.resource("dynamodb", region_name="eu-west-1").Table("orders").item_count == 0
    assert sim.engine_of("eu-west-1").tables.keys() == {"orders"}


def test_a_fault_for_one_region_fails_only_its_calls():
    sim = Simulator(regions=["us-west-2"])
    east, west = sim.client(), sim.client(region_name="us-west-2")
    make(east)
    make(west)
    rule = sim.inject_fault("*", "InternalServerError", region="us-west-2")
    east.put_item(TableName="orders", Item={"pk": {"S": "a"}})
    with pytest.raises(ClientError) as failed:
        sim.client(region_name="us-west-2", config=_no_retries()).put_item(TableName="orders", Item={"pk": {"S": "a"}})
    assert failed.value.response["Error"]["Code"] == "InternalServerError"
    assert rule.fired == 1
    assert len(sim.call_log.filter("PutItem", region="us-west-2", error=True)) == 1
    assert len(sim.call_log.filter("PutItem", region="us-east-1", error=False)) == 1


def test_snapshot_restore_and_reset_cover_every_region():
    sim = Simulator()
    west = sim.client(region_name="us-west-2")
    make(west)
    west.put_item(TableName="orders", Item={"pk": {"S": "kept"}})
    saved = sim.snapshot()
    west.put_item(TableName="orders", Item={"pk": {"S": "later"}})
    sim.restore(saved)
    assert west.scan(TableName="orders")["Count"] == 1
    sim.reset()
    assert west.list_tables()["TableNames"] == []
    assert sim.regions == ["us-east-1", "us-west-2"]
    other = Simulator()
    other.restore(saved)
    assert other.regions == ["us-east-1", "us-west-2"]
    assert other.client(region_name="us-west-2").scan(TableName="orders")["Count"] == 1


def test_the_endpoint_answers_each_signed_region_it_holds():
    sim = Simulator(regions=["us-west-2"])
    with sim.serve(credentials={CREDENTIALS["aws_access_key_id"]: CREDENTIALS["aws_secret_access_key"]}) as server:

        def client(region: str):
            return boto3.client("dynamodb", endpoint_url=server.url, region_name=region, **CREDENTIALS)

        make(client("us-west-2"))
        assert client("us-west-2").list_tables()["TableNames"] == ["orders"]
        assert client("us-east-1").list_tables()["TableNames"] == []
        with pytest.raises(ClientError) as refused:  # as a regional endpoint refuses another region's scope
            client("eu-west-3").list_tables()
        assert "Credential should be scoped to a valid region, not 'eu-west-3'" in str(refused.value)


def test_jobs_settings_reach_regions_added_later():
    sim = Simulator(jobs="immediate", ttl="immediate")
    sim.vector_backfill_seconds = 5
    sim.add_region("us-west-2")
    assert sim.engine_of("us-west-2").region == "us-west-2"
    west = sim.client(region_name="us-west-2")
    make(west)
    arn = west.create_backup(TableName="orders", BackupName="nightly")["BackupDetails"]["BackupArn"]
    assert ":us-west-2:" in arn
    assert west.describe_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"]["BackupStatus"] == "AVAILABLE"
    assert sim.vector_backfill_seconds == 5
    assert sim.engine_of("us-west-2").state(Expiry).mode == "immediate"


def _no_retries():
    from botocore.config import Config

    return Config(retries={"total_max_attempts": 1})


def test_an_endpoints_region_fails_by_a_fault_spec_as_the_admin_api_and_flags_take_it():
    sim = Simulator(regions=["us-west-2"])
    assert specs.fault_flag("*:InternalServerError:region=us-west-2") == {
        "operation": "*",
        "error": "InternalServerError",
        "region": "us-west-2",
    }
    with sim.serve() as server:
        west = boto3.client(
            "dynamodb", endpoint_url=server.url, region_name="us-west-2", config=_no_retries(), **CREDENTIALS
        )
        east = boto3.client("dynamodb", endpoint_url=server.url, region_name="us-east-1", **CREDENTIALS)
        request = urllib.request.Request(
            server.url + "/_dynasim/faults",
            data=json.dumps({"error": "InternalServerError", "region": "us-west-2"}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 201
        assert east.list_tables()["TableNames"] == []
        with pytest.raises(ClientError) as failed:
            west.list_tables()
        assert failed.value.response["Error"]["Code"] == "InternalServerError"

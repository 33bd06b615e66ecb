"""Differential replay (`dynasim.recording.simulate`) and seeding a simulator from a cassette."""

import json

import boto3
import pytest

import dynasim
from dynasim.recording import load, record, seed, simulate

SCHEMA = dict(
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
    BillingMode="PAY_PER_REQUEST",
)


def client(url):
    return boto3.client(
        "dynamodb", endpoint_url=url, region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
    )


def workload(ddb):
    ddb.describe_table(TableName="orders")
    for n in range(5):
        ddb.put_item(TableName="orders", Item={"pk": {"S": "alice"}, "sk": {"N": str(n)}, "amount": {"N": str(n * 10)}})
    ddb.query(
        TableName="orders",
        KeyConditionExpression="pk = :p AND sk >= :s",
        ExpressionAttributeValues={":p": {"S": "alice"}, ":s": {"N": "2"}},
    )
    ddb.update_item(
        TableName="orders",
        Key={"pk": {"S": "alice"}, "sk": {"N": "1"}},
        UpdateExpression="SET amount = amount + :d",
        ExpressionAttributeValues={":d": {"N": "5"}},
        ReturnValues="ALL_NEW",
    )
    try:
        ddb.delete_item(TableName="orders", Key={"pk": {"S": "alice"}, "sk": {"N": "4"}})
    except ddb.exceptions.ResourceNotFoundException:
        pass
    ddb.scan(TableName="orders")
    try:
        ddb.put_item(
            TableName="orders",
            Item={"pk": {"S": "alice"}, "sk": {"N": "0"}},
            ConditionExpression="attribute_not_exists(pk)",
        )
    except ddb.exceptions.ConditionalCheckFailedException:
        pass


def record_production(path, production=None, **record_options):
    """Record the workload against a 'production' endpoint whose table existed before the recording."""
    production = production or dynasim.Simulator()
    production.client().create_table(TableName="orders", **SCHEMA)
    with production.serve() as server, record(path, **record_options):
        workload(client(server.url))
    return production


def test_a_faithful_recording_replays_without_differences(tmp_path):
    path = tmp_path / "calls.jsonl"
    record_production(path)
    report = simulate(path)
    assert report.ok, report.text()
    assert report.seeded_tables == ["orders"]  # made from the recorded DescribeTable
    assert report.calls == report.compared == 11
    assert report.calls_by_operation["PutItem"] == 6
    assert set(report.latency_ms) == {"p50", "p90", "p99", "max"}
    assert report.latency_ms["p50"] <= report.latency_ms["max"]


def test_a_redacted_recording_still_replays_without_differences(tmp_path):
    path = tmp_path / "calls.jsonl"
    record_production(path, redact=["pk"])
    assert "alice" not in path.read_text()
    report = simulate(path)
    assert report.ok, report.text()


def test_differences_are_reported_by_operation_with_a_diff(tmp_path):
    path = tmp_path / "calls.jsonl"
    production = dynasim.Simulator()
    # production refused one delete; the simulator does not
    production.inject_fault("DeleteItem", "ResourceNotFoundException", times=1)
    record_production(path, production)
    # and production answered one query differently (edit the recording as if it had)
    lines = path.read_text().splitlines()
    for index, line in enumerate(lines):
        document = json.loads(line)
        if document.get("operation") == "Query":
            document["response"]["Count"] = 99
            lines[index] = json.dumps(document)
    path.write_text("\n".join(lines) + "\n")

    report = simulate(path)
    assert not report.ok
    grouped = report.mismatches_by_operation()
    assert sorted(grouped) == ["DeleteItem", "Query", "Scan"]  # the scan saw the item production kept
    assert grouped["Query"][0].differences == ["Count: recorded 99, now 3"]
    assert grouped["DeleteItem"][0].differences[0].startswith("recorded ResourceNotFoundException (400)")
    text = report.text()
    assert "Query: 1 of 1 response(s) differ" in text
    assert "Count: recorded 99, now 3" in text
    summary = report.to_json()
    assert summary["mismatches_by_operation"] == {"DeleteItem": 1, "Query": 1, "Scan": 1}
    assert summary["differing"] == 3


def test_seeding_builds_the_recorded_tables_and_items(tmp_path):
    path = tmp_path / "calls.jsonl"
    record_production(path)
    sim = dynasim.Simulator()
    assert seed(sim, path) == {"orders": 4}
    items = sim.client().scan(TableName="orders")["Items"]
    by_sk = {item["sk"]["N"]: item["amount"]["N"] for item in items}
    assert by_sk == {"0": "0", "1": "15", "2": "20", "3": "30"}  # the update applied, the delete kept out
    assert seed(sim, path) == {}  # existing tables are left alone


def test_recording_against_dynamodb_local_replays_on_the_simulator(tmp_path):
    ddblocal = pytest.importorskip("conformance.ddblocal")
    if not ddblocal.is_fetched():
        pytest.skip("DynamoDB Local is not fetched (python -m conformance.ddblocal fetch)")
    path = tmp_path / "calls.jsonl"
    with ddblocal.DynamoDBLocal() as server:
        ddb = client(server.endpoint)
        ddb.create_table(TableName="orders", **SCHEMA)
        with record(path):
            workload(client(server.endpoint))
    assert len(load(path)) == 11
    report = simulate(path)
    assert report.ok, report.text()


def test_items_read_before_the_recording_wrote_them_are_seeded(tmp_path):
    path = tmp_path / "calls.jsonl"
    production = dynasim.Simulator()
    production.client().create_table(TableName="orders", **SCHEMA)
    production.client().put_item(TableName="orders", Item={"pk": {"S": "bob"}, "sk": {"N": "1"}, "amount": {"N": "7"}})
    with production.serve() as server, record(path):
        ddb = client(server.url)
        ddb.describe_table(TableName="orders")
        ddb.get_item(TableName="orders", Key={"pk": {"S": "bob"}, "sk": {"N": "1"}})
        ddb.update_item(
            TableName="orders",
            Key={"pk": {"S": "bob"}, "sk": {"N": "1"}},
            UpdateExpression="SET amount = amount + :d",
            ExpressionAttributeValues={":d": {"N": "1"}},
            ReturnValues="UPDATED_NEW",
        )
        ddb.get_item(TableName="orders", Key={"pk": {"S": "bob"}, "sk": {"N": "1"}})  # read after the write
    report = simulate(path)
    assert report.ok, report.text()
    assert report.seeded_items == 1
    unseeded = simulate(path, seed_items=False)
    assert sorted(unseeded.mismatches_by_operation()) == ["GetItem", "UpdateItem"]


def test_stream_arns_shards_and_iterators_are_translated_to_the_simulators(tmp_path):
    path = tmp_path / "calls.jsonl"
    production = dynasim.Simulator()
    production.advance(3600)  # so its stream labels (creation times) differ from the replay's
    with production.serve() as server, record(path):
        ddb = client(server.url)
        streams = boto3.client(
            "dynamodbstreams",
            endpoint_url=server.url,
            region_name="us-east-1",
            aws_access_key_id="k",
            aws_secret_access_key="s",
        )
        arn = ddb.create_table(
            TableName="orders", StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}, **SCHEMA
        )["TableDescription"]["LatestStreamArn"]
        ddb.put_item(TableName="orders", Item={"pk": {"S": "alice"}, "sk": {"N": "1"}})
        shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
        records = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    assert records[0]["dynamodb"]["NewImage"]["pk"] == {"S": "alice"}
    report = simulate(path)
    assert report.ok, report.text()


def test_backups_restores_and_policies_replay_without_differences(tmp_path):
    # Backup ARNs and policy revisions the recording got are the simulator's own on replay, their
    # times and statuses are not compared, the restored table is made by the replay itself, and
    # jobs finish as they start (the recorded run waited for them).
    sim = dynasim.Simulator(jobs="immediate")
    ddb = sim.client()
    path = tmp_path / "calls.jsonl"
    with record(path, client=ddb):
        ddb.create_table(TableName="orders", **SCHEMA)
        ddb.put_item(TableName="orders", Item={"pk": {"S": "a"}, "sk": {"N": "1"}})
        ddb.update_continuous_backups(
            TableName="orders", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
        )
        arn = ddb.create_backup(TableName="orders", BackupName="nightly")["BackupDetails"]["BackupArn"]
        ddb.describe_backup(BackupArn=arn)
        ddb.list_backups(TableName="orders")
        ddb.restore_table_from_backup(TargetTableName="orders-restored", BackupArn=arn)
        ddb.describe_table(TableName="orders-restored")
        table_arn = ddb.describe_table(TableName="orders")["Table"]["TableArn"].replace("orders", "guarded")
        statement = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Resource": table_arn}
        policy = {"Version": "2012-10-17", "Statement": [{**statement, "Action": "dynamodb:GetItem"}]}
        ddb.create_table(TableName="guarded", ResourcePolicy=json.dumps(policy), **SCHEMA)  # no cooldown after
        revision = ddb.get_resource_policy(ResourceArn=table_arn)["RevisionId"]
        changed = {**policy, "Statement": [{**statement, "Action": "dynamodb:Query"}]}
        ddb.put_resource_policy(ResourceArn=table_arn, Policy=json.dumps(changed), ExpectedRevisionId=revision)
        ddb.delete_backup(BackupArn=arn)
    report = simulate(path)
    assert report.compared == 13
    assert report.mismatches == []


def test_calls_in_two_regions_replay_each_in_its_own_region(tmp_path):
    """A table of one name in two regions holds different items: the replay answers each
    recorded call in the region its client was in, seeding each region's table apart."""
    production = dynasim.Simulator(regions=["eu-west-1"])
    path = tmp_path / "calls.jsonl"
    with production.serve() as server, record(path):
        for region, items in (("us-east-1", 2), ("eu-west-1", 3)):
            ddb = boto3.client(
                "dynamodb",
                endpoint_url=server.url,
                region_name=region,
                aws_access_key_id="k",
                aws_secret_access_key="s",
            )
            ddb.create_table(TableName="orders", **SCHEMA)
            for n in range(items):
                ddb.put_item(TableName="orders", Item={"pk": {"S": region}, "sk": {"N": str(n)}})
            assert ddb.scan(TableName="orders")["Count"] == items
    assert {interaction.region for interaction in load(path)} == {"us-east-1", "eu-west-1"}
    report = simulate(path)
    assert report.ok, report.text()
    assert report.compared == 2 * (1 + 1) + 2 + 3


def test_tables_described_in_two_regions_are_seeded_each_from_its_own_calls(tmp_path):
    """A table of one name that existed before the recording in two regions, with other items in
    each: each region's copy is seeded with what the calls made there read."""
    production = dynasim.Simulator(regions=["eu-west-1"])
    for region in ("us-east-1", "eu-west-1"):
        ddb = production.client(region_name=region)
        ddb.create_table(TableName="orders", **SCHEMA)
        ddb.put_item(TableName="orders", Item={"pk": {"S": region}, "sk": {"N": "1"}})
    path = tmp_path / "calls.jsonl"
    with production.serve() as server, record(path):
        for region in ("us-east-1", "eu-west-1"):
            ddb = boto3.client(
                "dynamodb",
                endpoint_url=server.url,
                region_name=region,
                aws_access_key_id="k",
                aws_secret_access_key="s",
            )
            ddb.describe_table(TableName="orders")
            assert ddb.scan(TableName="orders")["Count"] == 1
    report = simulate(path)
    assert report.ok, report.text()
    assert (report.seeded_tables, report.seeded_items) == (["orders", "orders"], 2)

"""The export-then-import round trip of examples/ runs unchanged on the simulator: only the
DynamoDB client is the simulator's, and the bucket is in moto's S3, which the simulator writes
through (`Simulator(s3_client=...)`). Jobs finish at once, so the script's waits never sleep."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import boto3
from moto import mock_aws

import dynasim

SCRIPT = Path(__file__).resolve().parents[1] / "examples" / "export_import_round_trip.py"


def load_script():
    spec = importlib.util.spec_from_file_location("export_import_round_trip", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_round_trip_exports_and_imports_a_table(capsys):
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="music-exports")
        sim = dynasim.Simulator(jobs="immediate", s3_client=s3)
        dynamodb = sim.client()
        dynamodb.create_table(
            TableName="MusicCollection",
            KeySchema=[
                {"AttributeName": "Artist", "KeyType": "HASH"},
                {"AttributeName": "SongTitle", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "Artist", "AttributeType": "S"},
                {"AttributeName": "SongTitle", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        songs = [("No One You Know", "Call Me Today"), ("Acme Band", "Happy Day"), ("Acme Band", "PartiQL Rocks")]
        for artist, title in songs:
            item = {"Artist": {"S": artist}, "SongTitle": {"S": title}, "Year": {"N": "2024"}}
            dynamodb.put_item(TableName="MusicCollection", Item=item)

        imported = load_script().export_and_import(dynamodb, s3, "MusicCollection", "music-exports", "MusicCopy")

        assert imported["ImportStatus"] == "COMPLETED" and imported["ImportedItemCount"] == len(songs)
        assert sim.call_log.operations()[len(songs) + 1 :] == [
            "UpdateContinuousBackups", "DescribeTable", "ExportTableToPointInTime", "DescribeExport",
            "ImportTable", "DescribeImport", "DescribeTable",
        ]  # fmt: skip
        copied = dynamodb.scan(TableName="MusicCollection")["Items"]
        assert sorted(map(str, dynamodb.scan(TableName="MusicCopy")["Items"])) == sorted(map(str, copied))
        assert any(
            key["Key"].startswith("exports/AWSDynamoDB/")
            for key in s3.list_objects_v2(Bucket="music-exports")["Contents"]
        )
    assert "Imported 3 items, 0 errors: COMPLETED" in capsys.readouterr().out

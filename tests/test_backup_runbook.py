"""The backup-and-restore runbook of examples/ runs unchanged on the simulator: only the client is
the simulator's (jobs finish at once, so the runbook's waits never sleep)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import dynasim

RUNBOOK = Path(__file__).resolve().parents[1] / "examples" / "backup_restore_runbook.py"


def load_runbook():
    spec = importlib.util.spec_from_file_location("backup_restore_runbook", RUNBOOK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_runbook_backs_up_and_restores_a_table(capsys):
    sim = dynasim.Simulator(jobs="immediate")
    dynamodb = sim.client()
    dynamodb.create_table(
        TableName="MusicCollection",
        KeySchema=[{"AttributeName": "Artist", "KeyType": "HASH"}, {"AttributeName": "SongTitle", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "Artist", "AttributeType": "S"},
            {"AttributeName": "SongTitle", "AttributeType": "S"},
        ],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )
    songs = [("No One You Know", "Call Me Today"), ("Acme Band", "Happy Day"), ("Acme Band", "PartiQL Rocks")]
    for artist, title in songs:
        dynamodb.put_item(TableName="MusicCollection", Item={"Artist": {"S": artist}, "SongTitle": {"S": title}})

    description = load_runbook().backup_and_restore(dynamodb, "MusicCollection", "MusicCollectionRestored")

    assert sim.call_log.operations()[len(songs) + 1 :] == [
        "CreateBackup", "DescribeBackup", "ListBackups", "RestoreTableFromBackup", "DescribeTable", "DescribeTable",
        "DeleteBackup",
    ]  # fmt: skip
    assert description["TableStatus"] == "ACTIVE" and description["ItemCount"] == len(songs)
    restored = dynamodb.scan(TableName="MusicCollectionRestored")["Items"]
    assert sorted((item["Artist"]["S"], item["SongTitle"]["S"]) for item in restored) == sorted(songs)
    assert dynamodb.list_backups()["BackupSummaries"] == []  # the runbook deleted its backup
    assert "Backup DELETED" in capsys.readouterr().out

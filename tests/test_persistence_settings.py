"""Table settings that live beside the items (TTL, streams, tags) survive restarts: they are persisted
generically from `TableSettings`, whatever fields it grows."""

from __future__ import annotations

from http_helpers import SCHEMA

from dynasim import Simulator, persistence


def _settings(sim) -> tuple:
    ddb = sim.client()
    table = ddb.describe_table(TableName="settled")["Table"]
    ttl = ddb.describe_time_to_live(TableName="settled")["TimeToLiveDescription"]
    tags = ddb.list_tags_of_resource(ResourceArn=table["TableArn"])["Tags"]
    return table.get("StreamSpecification"), table.get("LatestStreamArn"), ttl, tags


def test_ttl_stream_and_tag_settings_come_back(tmp_path):
    sim = Simulator()
    store = persistence.open_store(sim, tmp_path)
    ddb = sim.client()
    ddb.create_table(
        TableName="settled",
        **SCHEMA,
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        Tags=[{"Key": "team", "Value": "core"}],
    )
    ddb.update_time_to_live(TableName="settled", TimeToLiveSpecification={"AttributeName": "expires", "Enabled": True})
    before = _settings(sim)
    assert before[0] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert before[2] == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    store.close(snapshot=False)  # from the log
    sim2 = Simulator()
    store2 = persistence.open_store(sim2, tmp_path)
    assert _settings(sim2) == before
    store2.close()  # from the snapshot
    sim3 = Simulator()
    store3 = persistence.open_store(sim3, tmp_path)
    assert _settings(sim3) == before
    store3.close()

"""A boto3 (or moto) Kinesis client as the sink of Kinesis streaming destinations
(`Simulator.kinesis_client`): DynamoDB's records are put into the client's streams, and a
destination whose stream the client does not have fails to enable, as on the service."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from dynasim import errors

USABLE = ("ACTIVE", "UPDATING")


class KinesisClientSink:
    """`dynasim.engine.kinesis.KinesisSink` on a boto3 Kinesis client."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def check(self, stream_arn: str) -> str | None:
        try:
            summary = self.client.describe_stream_summary(StreamARN=stream_arn)["StreamDescriptionSummary"]
        except ClientError:
            return errors.KINESIS_NO_PERMISSION  # the service's words for a stream it cannot find
        return None if summary.get("StreamStatus") in USABLE else errors.KINESIS_NO_PERMISSION

    def put(self, stream_arn: str, partition_key: str, data: bytes) -> None:
        self.client.put_record(StreamARN=stream_arn, PartitionKey=partition_key, Data=data)

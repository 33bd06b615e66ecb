"""Thin fronts over the engine: the in-process boto3 client, `mock()`, and the wire protocol
they share. No DynamoDB logic lives here."""

"""Reading items from the object store into a table: what ImportTable and StartBulkPutItems share.

`load` reads an `ImportReader` (`dynasim.formats.imports`) with the table's key checks, as PutItem
runs them (the key attributes' presence and types, the indexes' key attributes), and puts every
good item into the table. Writes go straight to the table, as the service's loads do: they consume
none of its capacity and leave the table's throughput alone.
"""

from __future__ import annotations

from typing import Any

from dynasim.engine.keys import check_index_keys, item_key
from dynasim.formats.imports import ImportReader
from dynasim.objects import ObjectStore
from dynasim.storage.table import Table
from dynasim.values import Item, item_size


def reader_for(
    store: ObjectStore,
    table: Table,
    source: dict[str, Any],
    *,
    input_format: str,
    compression: str,
    options: dict[str, Any] | None,
    arn: str,
) -> ImportReader:
    """A reader of `source` (S3Bucket, S3KeyPrefix, S3BucketOwner) checking items against `table`."""
    csv = (options or {}).get("Csv") or {}
    types = {d["AttributeName"]: d["AttributeType"] for d in table.settings.attribute_definitions}

    def check(item: Item) -> None:
        item_key(table.key_schema, item)
        check_index_keys(table, item)

    return ImportReader(
        store,
        source["S3Bucket"],
        source.get("S3KeyPrefix"),
        input_format=input_format,
        compression=compression,
        csv_delimiter=csv.get("Delimiter", ","),
        csv_header=csv.get("HeaderList"),
        key_types=types,
        check_item=check,
        import_arn=arn,
        owner=source.get("S3BucketOwner"),
    )


def load(reader: ImportReader, table: Table) -> None:
    """Put every good item the reader reads into `table` (raises `ObjectStoreError` as S3 refuses)."""
    for item in reader.items():
        hash_key, range_key = item_key(table.key_schema, item)
        table.put(hash_key, range_key, item, item_size(item))

"""Reading items from the object store into a table: what ImportTable and StartBulkPutItems share.

`load` reads an `ImportReader` (`dynasim.formats.imports`) with the table's key checks, as PutItem
runs them (the key attributes' presence and types, the indexes' key attributes), and puts every
good item into the table. Writes go straight to the table, as the service's loads do: they consume
none of its capacity and leave the table's throughput alone.
"""

from __future__ import annotations

from typing import Any

from dynasim import errors
from dynasim.engine.keys import check_index_keys, item_key
from dynasim.formats.extras import MissingExtra, require
from dynasim.formats.imports import ImportReader
from dynasim.objects import ObjectStore
from dynasim.storage.table import Table
from dynasim.values import Item, item_size

# the optional package each format or compression needs (`dynasim.formats.extras`)
_NEEDS = {"ION": ("amazon.ion.simpleion", "Ion exports and imports"), "ZSTD": ("zstandard", "ZSTD-compressed imports")}


def check_extras(*choices: str) -> None:
    """Refuse, when the request is made, a format or compression whose package is not installed
    (rather than failing the job later)."""
    for choice in choices:
        if choice in _NEEDS:
            try:
                require(*_NEEDS[choice])
            except MissingExtra as error:
                raise errors.exports_extra_missing(str(error)) from None


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

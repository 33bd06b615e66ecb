"""Reading an import's source as ImportTable does: every object under the bucket and key prefix,
uncompressed, parsed line by line into items, bad ones counted and logged.

Developer Guide, "Amazon S3 import formats for DynamoDB" and "Import format quotas and
validation":

* CSV: the first line is the header unless InputFormatOptions.Csv.HeaderList names the columns
  (then the first line is data); the delimiter is Csv.Delimiter (a comma by default). Columns
  other than the table's and its indexes' key attributes are imported as strings; a key column
  has its attribute's type (N as written; B base64, as in DynamoDB JSON). A row with more or
  fewer cells than columns is a bad item; an empty non-key cell is left out of the item (the
  guide does not say; an empty string would be a value the CSV never wrote).
* DYNAMODB_JSON: a line `{"Item":{...}}`, as a full export writes it. ION: `$ion_1_0 {Item:{...}}`.
* An item that fails the value checks, or the key checks the caller passes (`check_item`: the
  table's and indexes' key attributes, as PutItem checks them), is skipped and counted in
  ErrorCount, and an entry like the service's CloudWatch log entry is kept: {"itemS3Pointer":
  {"bucket", "key", "itemIndex"}, "importArn", "errorMessages": [DynamoDB's message]}, itemIndex
  counting an object's items from 0 (the guide's example: "One or more parameter values were
  invalid: Missing the key pk in the item" at itemIndex 0 of a CSV with a header). An object
  that cannot be uncompressed or is not UTF-8 text is one error and its remaining items are
  skipped (the guide: "we may skip processing the remaining portion of the object").
* ProcessedItemCount counts every item read, good or bad; ImportedItemCount the good ones (an
  item whose key repeats an earlier one's replaces it and is no error, as in the service);
  ProcessedSizeBytes the source objects' bytes as stored (the guide's example: 70 for a 70-byte
  CSV). Any bad item makes the import FAILED with ItemValidationError (`failure()`).

An S3 refusal raises `ObjectStoreError`; its `failure()` is the import's FailureCode and
FailureMessage.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from dynasim import errors, values
from dynasim.errors import DynamoDBError
from dynasim.formats import dynamodb_json, ion
from dynasim.formats.compression import COMPRESSIONS, decompress
from dynasim.formats.extras import MissingExtra
from dynasim.objects import ObjectStore
from dynasim.values import Item

INPUT_FORMATS = ("CSV", "DYNAMODB_JSON", "ION")
_LINE_FORMATS = {"DYNAMODB_JSON": dynamodb_json, "ION": ion}


class ImportReader:
    """The items of an import's source; iterate `items()` once, then read the counts."""

    def __init__(
        self,
        store: ObjectStore,
        bucket: str,
        key_prefix: str | None = None,
        *,
        input_format: str,
        compression: str = "NONE",
        csv_delimiter: str = ",",
        csv_header: Sequence[str] | None = None,
        key_types: Mapping[str, str] | None = None,
        check_item: Callable[[Item], object] | None = None,
        import_arn: str = "",
        owner: str | None = None,
    ) -> None:
        if input_format not in INPUT_FORMATS:
            raise ValueError(f"InputFormat is one of {', '.join(INPUT_FORMATS)}, not {input_format!r}")
        if compression not in COMPRESSIONS:
            raise ValueError(f"InputCompressionType is one of {', '.join(COMPRESSIONS)}, not {compression!r}")
        self.store = store.owned_by(owner)
        self.bucket = bucket
        self.key_prefix = key_prefix or ""
        self.input_format = input_format
        self.compression = compression
        self.csv_delimiter = csv_delimiter
        self.csv_header = list(csv_header) if csv_header else None
        self.key_types = dict(key_types or {})
        self.check_item = check_item
        self.import_arn = import_arn
        self.processed_item_count = 0
        self.imported_item_count = 0
        self.error_count = 0
        self.processed_size_bytes = 0
        self.error_log: list[dict[str, Any]] = []

    def items(self) -> Iterator[Item]:
        """Every good item, in the order of the objects' keys and of their lines."""
        for info in self.store.list(self.bucket, self.key_prefix):
            if info.key.endswith("/"):
                continue  # a "folder" marker, no object of the import
            data = self.store.get(self.bucket, info.key)
            self.processed_size_bytes += len(data)
            yield from self._object_items(info.key, data)

    def failure(self) -> tuple[str, str] | None:
        """(FailureCode, FailureMessage) if any item was bad, else None."""
        return errors.IMPORT_ITEM_VALIDATION_FAILURE if self.error_count else None

    def description(self) -> dict[str, int]:
        """The counts DescribeImport reports."""
        return {
            "ProcessedSizeBytes": self.processed_size_bytes,
            "ProcessedItemCount": self.processed_item_count,
            "ImportedItemCount": self.imported_item_count,
            "ErrorCount": self.error_count,
        }

    # --- one object ---------------------------------------------------------------------------

    def _object_items(self, key: str, data: bytes) -> Iterator[Item]:
        try:
            text = decompress(data, self.compression).decode("utf-8")
        except MissingExtra:
            raise
        except Exception as error:  # gzip's and zstandard's own errors, and UnicodeDecodeError
            self._bad_object(key, f"The object could not be read as {self.compression}-compressed UTF-8 text: {error}")
            return
        parsed = self._csv_rows(text) if self.input_format == "CSV" else self._lines(text)
        for index, item_or_error in enumerate(parsed):
            self.processed_item_count += 1
            item = self._checked(item_or_error)
            if isinstance(item, str):
                self._log(key, index, item)
                continue
            self.imported_item_count += 1
            yield item

    def _checked(self, item_or_error: Item | str) -> Item | str:
        """The item, validated and normalised, or DynamoDB's message for why it is refused."""
        if isinstance(item_or_error, str):
            return item_or_error
        try:
            values.validate_item(item_or_error)
            if self.check_item is not None:
                self.check_item(item_or_error)
        except DynamoDBError as error:
            return error.message
        return item_or_error

    def _lines(self, text: str) -> Iterator[Item | str]:
        lines = _LINE_FORMATS[self.input_format]
        for line in text.split("\n"):  # not splitlines(): JSON and Ion strings may hold U+2028 and the like
            if not line.strip():
                continue
            try:
                document = lines.decode_line(line)
            except DynamoDBError as error:
                yield error.message
                continue
            except ValueError as error:
                yield f"The line is not {self.input_format}: {error}"
                continue
            item = document.get("Item") if isinstance(document, Mapping) else None
            yield dict(item) if isinstance(item, Mapping) else f"The line has no Item object: {line[:100]}"

    def _csv_rows(self, text: str) -> Iterator[Item | str]:
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=self.csv_delimiter)
        header = self.csv_header or next(rows, None)
        if header is None:
            return
        for row in rows:
            if row == []:
                continue  # a blank line
            if len(row) != len(header):
                yield f"The row has {len(row)} values for the {len(header)} columns of the header"
                continue
            yield self._csv_item(header, row)

    def _csv_item(self, header: Sequence[str], row: Sequence[str]) -> Item:
        """Key columns typed as their attributes, every other non-empty cell a string."""
        return {
            name: {self.key_types.get(name, "S"): cell}
            for name, cell in zip(header, row, strict=True)
            if cell != "" or name in self.key_types
        }

    # --- errors -------------------------------------------------------------------------------

    def _log(self, key: str, index: int, message: str) -> None:
        self.error_count += 1
        self.error_log.append(
            {
                "itemS3Pointer": {"bucket": self.bucket, "key": key, "itemIndex": index},
                "importArn": self.import_arn,
                "errorMessages": [message],
            }
        )

    def _bad_object(self, key: str, message: str) -> None:
        self._log(key, 0, message)

"""The files DynamoDB writes for an export and reads for an import, read and written through the
object store seam (`dynasim.objects`).

Sources (the AWS documents each module's docstring cites):

* Developer Guide, "DynamoDB table export output format" (S3DataExport.Output): the
  `<prefix>/AWSDynamoDB/<ExportId>/` folder with `manifest-summary.json`, `manifest-files.json`
  (JSON lines: itemCount, md5Checksum, etag, dataFileS3Key) and their checksum files, an empty
  `_started`, at least one gzip data file per partition (empty for an empty partition), DynamoDB
  JSON and Ion item lines and the Ion type mapping; incremental exports' data files in the shared
  `<prefix>/AWSDynamoDB/data/` folder, their lines' Metadata.WriteTimestampMicros, Keys, NewImage
  and OldImage, and their summary's exportFromTime, exportToTime, outputView and exportType.
* Listings of real exports' buckets (2021, 2022; one in Google Cloud's "Migrate from DynamoDB to
  Spanner" tutorial): the checksum files are `manifest-summary.md5` and `manifest-files.md5`, 24
  bytes each (the base64 MD5 of their manifest), `_started` is in the export's folder, data files
  are named by 26 lowercase base32 characters, export ids are `<14-digit epoch ms>-<8 hex>`.
  The tutorial's one-file `manifest-files.json` is 199 bytes: exactly the compact JSON line of
  its four members in the guide's order (a 26-character name, a "-1" etag) and a newline; its
  639-byte `manifest-summary.json` fits the guide's members as compact JSON, with no room for an
  `outputView` (which only incremental summaries are seen to carry).
* Developer Guide, "Amazon S3 import formats for DynamoDB" and "Import format quotas and
  validation" (S3DataImport.Format, S3DataImport.Validation): CSV (header line or HeaderList,
  columns other than table and index keys imported as strings), DYNAMODB_JSON and ION lines;
  a bad item is skipped, logged to CloudWatch and counted in ErrorCount, and the import ends
  FAILED with ItemValidationError; duplicate keys overwrite one another and are no errors;
  ProcessedSizeBytes counts the source objects' bytes.

`export` writes an export, `imports` reads an import's source; `dynamodb_json` and `ion` are the
line formats, `compression` the compressions. Ion needs `amazon.ion` and ZSTD `zstandard` (the
`exports` extra); nothing else in dynasim imports them.
"""

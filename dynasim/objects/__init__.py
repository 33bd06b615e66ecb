"""The object store seam: where exports are written and imports read.

One small interface, `ObjectStore` (put, get, list under a prefix, head, delete), with two
implementations: `DirectoryStore`, a local directory in which each bucket is a subdirectory and
each key a file path under it, and `S3ClientStore`, any boto3 S3 client (moto's, an S3-compatible
server's, or real S3's). S3's refusals (no such bucket, access denied) arrive as
`ObjectStoreError` values whose `failure()` is the job's FailureCode and FailureMessage.
"""

from dynasim.objects.directory import DirectoryStore
from dynasim.objects.s3 import S3ClientStore
from dynasim.objects.store import ObjectInfo, ObjectStore, ObjectStoreError

__all__ = ["DirectoryStore", "ObjectInfo", "ObjectStore", "ObjectStoreError", "S3ClientStore"]

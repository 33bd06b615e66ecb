"""Operation names a test names (`inject_fault`, `set_latency`, `verify_operation`, the call log's
assertions, the admin API, `--fault` / `--latency`) are checked against the operations DynamoDB and
DynamoDB Streams have (botocore's service models: every operation, not only those dynasim runs),
so a typo (`PutItm`) fails at once, with the closest names, instead of matching nothing.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable

from botocore import xform_name

from dynasim.engine import model

ANY = "*"


@functools.cache
def _by_spelling() -> dict[str, str]:
    """Each operation under the spellings a typo is compared with: lower case, and boto3's method
    name (put_item)."""
    spellings: dict[str, str] = {}
    for name in sorted(model.known_operations()):
        spellings[name.lower()] = name
        spellings[xform_name(name)] = name
    return spellings


def closest(name: str, count: int = 3) -> list[str]:
    """The operations spelled most like `name`, closest first."""
    spellings = _by_spelling()
    found = difflib.get_close_matches(name.strip().lower(), list(spellings), n=count * 2)
    return list(dict.fromkeys(spellings[spelling] for spelling in found))[:count]


def check_operations(operation: str | Iterable[str] | None) -> None:
    """Raise ValueError, naming the closest operations, for a name DynamoDB does not have.
    None and "*" stand for any operation."""
    if operation is None:
        return
    names = [operation] if isinstance(operation, str) else list(operation)
    known = model.known_operations()
    for name in names:
        if name == ANY or name in known:
            continue
        suggestions = closest(name) if isinstance(name, str) else []
        if suggestions:
            hint = f"; did you mean {' or '.join(filter(None, (', '.join(suggestions[:-1]), suggestions[-1])))}?"
        else:
            hint = " (names are the API's: PutItem, Query, ...)"
        raise ValueError(f"{name!r} is not a DynamoDB or DynamoDB Streams operation{hint}")

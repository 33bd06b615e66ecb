"""The optional packages the export and import formats need, and the message when one is missing.

Only `dynasim.formats` imports them, and only when a format needs one: Ion exports and imports
need `amazon.ion`, ZSTD-compressed imports `zstandard`; both come with the `exports` extra.
"""

from __future__ import annotations

import importlib
from types import ModuleType

INSTALL = "pip install 'dynasim[exports]'"


class MissingExtra(ImportError):
    """An optional package a format needs is not installed."""


def require(module: str, purpose: str) -> ModuleType:
    """`module`, imported, or MissingExtra naming the package and the command that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise MissingExtra(f"{purpose} need the {module!r} package, which is not installed: {INSTALL}") from error

"""A user's repository for pytester: module names (dotted by `/`) to their source, written as files."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path


def write_repository(root: Path, files: Mapping[str, str]) -> None:
    """Write `files` ({"shop/orders": source, ...}) under `root` as `.py` files, sources dedented."""
    for name, text in files.items():
        path = root / f"{name}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))

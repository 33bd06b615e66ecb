"""Finding dynasim's lark grammars: one place for the expression and the PartiQL parsers.

The grammars live in the repository's top-level `grammar/` directory; a wheel carries them as
`dynasim/grammar/` (pyproject's force-include). An editable install imports the package from the
source tree, where only the repository's directory exists, so both places are tried.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent  # dynasim/
_DIRECTORIES = (_PACKAGE / "grammar", _PACKAGE.parent / "grammar")


def grammar_path(file_name: str) -> Path:
    """The grammar file `file_name` (e.g. "expressions.lark"): in a wheel, else in the repository."""
    for directory in _DIRECTORIES:
        candidate = directory / file_name
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"dynasim's {file_name} is neither in dynasim/grammar nor in grammar/")


def grammar_text(file_name: str) -> str:
    """The text of the grammar file `file_name`."""
    return grammar_path(file_name).read_text(encoding="utf-8")

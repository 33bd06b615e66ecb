"""Vector indexes and SearchVectors, a feature of the engine (see `dynasim.engine.features`): the
index definitions a table keeps and the items they admit (`definitions`), VectorIndexes on the
table operations (`members`), the entries kept current from the change feed (`state`, numpy-free)
in numpy matrices (`store`), and the SearchVectors operation (`search`).

numpy is an optional dependency (`pip install 'dynasim[vector]'`), imported only once a vector
index exists; creating one without it is refused with a message that says so.
"""

from __future__ import annotations

from dynasim.engine.features import Feature, register
from dynasim.engine.vectors import search  # noqa: F401  (registers SearchVectors)
from dynasim.engine.vectors.members import VectorTableMembers
from dynasim.engine.vectors.state import VectorSearch

__all__ = ["FEATURE", "VectorSearch"]

FEATURE = register(Feature(VectorSearch, observes=True, table=VectorTableMembers()))

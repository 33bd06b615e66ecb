"""Shared pieces of the vector index conformance modules: where the service's behaviour is recorded
(every vector test cites one: DynamoDB Local has no vector search), and table builders.

The sources, as the markers cite them:

* DEVELOPER_GUIDE: the AWS Developer Guide, "Creating and searching vector indexes"
  (VectorSearchWorkingWith): on-demand tables only, the dedicated search endpoint, items with a vector
  as a list of numbers, deleting an index.
* API_SEARCH / API_CREATE / API_UPDATE / API_DESCRIPTION: the API Reference's SearchVectors (score
  semantics per distance function, TopK, SearchConditionExpression on search-schema attributes with
  equality only, ProjectionExpression limited to projected attributes), CreateTable's VectorIndexes
  and VectorIndex, UpdateTable's VectorIndexUpdates (one index per call), VectorIndexDescription
  (IndexStatus, Backfilling) - and botocore's copy of the model for their members and constraints.
* RECORDED: the service's answers as recorded in eu-west-2 and us-east-1 in 2026 and kept word for
  word by public emulator projects (nubo-db/dynoxide src/actions/vector_index.rs, search_vectors.rs,
  create_table.rs, update_table.rs) and by AWS's own DynamoDB skill for agents
  (aws/agent-toolkit-for-aws, amazon-dynamodb/references/vector-search.md: "every error string
  quoted below is reproduced verbatim from the service").
"""

from __future__ import annotations

from typing import Any

from conformance.conftest import unique_name
from conformance.helpers import service_behaviour

NO_VECTOR_SEARCH = "DynamoDB Local has no vector indexes or SearchVectors"
DEVELOPER_GUIDE = "AWS Developer Guide, Creating and searching vector indexes (VectorSearchWorkingWith)"
API_SEARCH = "API Reference, SearchVectors (and botocore's SearchVectorsInput / SearchVectorsOutput)"
API_CREATE = "API Reference, CreateTable VectorIndexes and VectorIndex (botocore's VectorIndex)"
API_UPDATE = "API Reference, UpdateTable VectorIndexUpdates, VectorIndexUpdate, CreateVectorIndexAction"
API_DESCRIPTION = "API Reference, VectorIndexDescription (IndexStatus, Backfilling)"
RECORDED = (
    "the service's answers recorded in eu-west-2 and us-east-1, 2026, as kept by nubo-db/dynoxide "
    "(src/actions/vector_index.rs, search_vectors.rs, create_table.rs, update_table.rs) and by "
    "aws/agent-toolkit-for-aws amazon-dynamodb/references/vector-search.md (error strings verbatim)"
)


def vector_test(source: str) -> Any:
    """The marker of every vector test: it runs on every target but DynamoDB Local."""
    return service_behaviour(NO_VECTOR_SEARCH, source=source)


def vector(*numbers: float | str) -> dict[str, Any]:
    """A vector attribute as the service indexes it: a list of numbers."""
    return {"L": [{"N": str(number)} for number in numbers]}


def search_vector(*numbers: float | str) -> list[dict[str, Any]]:
    """SearchVectors' SearchVector: the numbers, not wrapped in a list value."""
    return [{"N": str(number)} for number in numbers]


def vector_index(
    name: str = "embedding",
    *,
    attribute: str = "v",
    dimensions: int = 3,
    distance: str = "COSINE",
    schema: list[tuple[str, str]] | None = None,
    projection: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A VectorIndexes entry (or an UpdateTable Create action); `schema`: (attribute, HASH or INLINE_FILTER)."""
    definition: dict[str, Any] = {
        "IndexName": name,
        "VectorAttribute": {"AttributeName": attribute},
        "Dimensions": dimensions,
        "DistanceFunction": distance,
        "Projection": projection or {"ProjectionType": "ALL"},
    }
    if schema is not None:
        definition["SearchSchema"] = [
            {"AttributeName": attribute_name, "SearchSchemaElementType": kind} for attribute_name, kind in schema
        ]
    return definition


def create_vector_table(
    ddb: Any,
    *indexes: dict[str, Any],
    definitions: dict[str, str] | None = None,
    range_key: str | None = None,
    **extra: Any,
) -> str:
    """A new on-demand table (pk S, and sk of `range_key`'s type) with these vector indexes;
    `definitions`: the search-schema attributes' types. Returns its name."""
    name = unique_name("v")
    key_schema = [{"AttributeName": "pk", "KeyType": "HASH"}]
    attributes = [{"AttributeName": "pk", "AttributeType": "S"}]
    if range_key is not None:
        key_schema.append({"AttributeName": "sk", "KeyType": "RANGE"})
        attributes.append({"AttributeName": "sk", "AttributeType": range_key})
    attributes += [{"AttributeName": n, "AttributeType": t} for n, t in (definitions or {}).items()]
    ddb.create_table(
        TableName=name,
        KeySchema=key_schema,
        AttributeDefinitions=attributes,
        BillingMode="PAY_PER_REQUEST",
        VectorIndexes=list(indexes) or [vector_index()],
        **extra,
    )
    return name


def keys_of(results: list[dict[str, Any]]) -> list[str]:
    return [result["Item"]["pk"]["S"] for result in results]

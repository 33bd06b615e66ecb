"""Recordings of vector search: redaction of SearchVectors requests and answers, tables made again
with their vector indexes, scores compared within a tolerance, and items seeded from what a search
showed. The simulator's own SearchVectors answer is stood in for where a test needs one, so these
tests hold before and after the engine answers SearchVectors."""

from __future__ import annotations

from typing import Any

import dynasim
from dynasim.recording import Interaction, Redactor, cassette, seed, simulate
from dynasim.recording.simulate import create_request

VECTOR_INDEX = {
    "IndexName": "by-embedding",
    "VectorAttribute": {"AttributeName": "embedding"},
    "Dimensions": 2,
    "DistanceFunction": "COSINE",
    "Projection": {"ProjectionType": "ALL"},
}
DESCRIPTION = {
    "TableName": "docs",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
    "TableStatus": "ACTIVE",
    "VectorIndexes": [
        {**VECTOR_INDEX, "IndexStatus": "ACTIVE", "IndexSizeBytes": 120, "ItemCount": 2, "IndexArn": "arn:x"}
    ],
}
SEARCH = {"TableName": "docs", "IndexName": "by-embedding", "SearchVector": [{"N": "1"}, {"N": "0"}], "TopK": 2}


def doc(pk: str, x: str, y: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "embedding": {"L": [{"N": x}, {"N": y}]}}


def write(path, *interactions: tuple[str, dict[str, Any], dict[str, Any]]) -> None:
    writer = cassette.Writer(path, cassette.header(0.0, []))
    for n, (operation, request, response) in enumerate(interactions):
        writer.append(Interaction(n, "dynamodb", operation, request, 200, response))
    writer.close()


class SearchAnswered(dynasim.Simulator):
    """A simulator whose SearchVectors answer is given: what the engine's exact search would say."""

    def __init__(self, answer: dict[str, Any]) -> None:
        super().__init__()
        self.answer = answer

    def handle(self, operation: str, request: dict[str, Any], **options: Any) -> dict[str, Any]:
        if operation == "SearchVectors":
            return self.answer
        return super().handle(operation, request, **options)


def test_a_described_table_is_made_again_with_its_vector_indexes():
    request = create_request(DESCRIPTION)
    assert request["VectorIndexes"] == [VECTOR_INDEX]  # status, sizes and ARN left out
    assert request["BillingMode"] == "PAY_PER_REQUEST"
    assert "VectorIndexes" not in create_request({**DESCRIPTION, "VectorIndexes": []})


def test_scores_within_the_tolerance_agree_and_others_are_reported(tmp_path):
    recorded = {"SearchResults": [{"Item": doc("a", "1", "0"), "Score": 0.1234567},
                                  {"Item": doc("b", "0.6", "0.8"), "Score": 0.4}]}  # fmt: skip
    path = tmp_path / "search.jsonl"
    write(path, ("DescribeTable", {"TableName": "docs"}, {"Table": DESCRIPTION}), ("SearchVectors", SEARCH, recorded))
    close = {"SearchResults": [{"Item": doc("a", "1", "0"), "Score": 0.12345},
                               {"Item": doc("b", "0.6", "0.8"), "Score": 0.400001}]}  # fmt: skip
    # (the DescribeTable answer is the engine's to match: these tests look at SearchVectors alone)
    assert "SearchVectors" not in simulate(path, SearchAnswered(close)).mismatches_by_operation()
    far = {"SearchResults": [{"Item": doc("a", "1", "0"), "Score": 0.12345},
                             {"Item": doc("b", "0.6", "0.8"), "Score": 0.41}]}  # fmt: skip
    [mismatch] = simulate(path, SearchAnswered(far)).mismatches_by_operation()["SearchVectors"]
    assert mismatch.differences == ["SearchResults[1].Score: recorded 0.4, now 0.41"]
    missing = {"SearchResults": [{"Item": doc("b", "0.6", "0.8"), "Score": 0.4}]}  # a neighbour left out
    [mismatch] = simulate(path, SearchAnswered(missing)).mismatches_by_operation()["SearchVectors"]
    assert mismatch.differences[0] == "SearchResults: recorded 2 element(s), now 1"


def test_items_a_search_showed_whole_are_seeded(tmp_path):
    path = tmp_path / "search.jsonl"
    found = {"SearchResults": [{"Item": doc("a", "1", "0"), "Score": 0.0},
                               {"Item": {"pk": {"S": "no-vector"}}, "Score": 0.5}]}  # fmt: skip
    projected = {"SearchResults": [{"Item": doc("c", "0", "1"), "Score": 1.0}]}
    write(
        path,
        ("DescribeTable", {"TableName": "docs"}, {"Table": DESCRIPTION}),
        ("SearchVectors", SEARCH, found),
        ("SearchVectors", {**SEARCH, "ProjectionExpression": "pk, embedding"}, projected),
    )
    sim = dynasim.Simulator()
    assert seed(sim, path) == {"docs": 1}  # whole, with its vector; not the one without, nor a projection
    assert sim.client().get_item(TableName="docs", Key={"pk": {"S": "a"}})["Item"] == doc("a", "1", "0")
    report = simulate(path, SearchAnswered(found))
    assert (report.seeded_tables, report.seeded_items) == (["docs"], 1)


def test_search_condition_values_of_a_redacted_attribute_are_redacted():
    redactor = Redactor(["tenant"])
    hashed = redactor.document({"Item": {"tenant": {"S": "acme"}}})["Item"]["tenant"]
    request = {
        **SEARCH,
        "SearchConditionExpression": "#t = :t AND kind = :k",
        "ExpressionAttributeNames": {"#t": "tenant"},
        "ExpressionAttributeValues": {":t": {"S": "acme"}, ":k": {"S": "guide"}},
    }
    redacted = redactor.document(request)
    assert redacted["ExpressionAttributeValues"] == {":t": hashed, ":k": {"S": "guide"}}
    answer = {"SearchResults": [{"Item": {"pk": {"S": "a"}, "tenant": {"S": "acme"}}, "Score": 0.1}]}
    assert redactor.document(answer)["SearchResults"][0] == {"Item": {"pk": {"S": "a"}, "tenant": hashed}, "Score": 0.1}

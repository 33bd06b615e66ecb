"""Redaction rules on wire-form documents: what is hidden, and that equal values stay equal."""

import pytest

from dynasim.recording import Redact, Redactor


def test_hashes_keep_their_type_and_equal_values_stay_equal():
    redactor = Redactor(["id", "score", "blob", "tags"])
    item = {
        "id": {"S": "user-1"},
        "score": {"N": "12.5"},
        "blob": {"B": "AAEC"},
        "tags": {"SS": ["a", "b"]},
        "keep": {"S": "visible"},
    }
    once = redactor.document({"Item": item})["Item"]
    assert once["id"]["S"].startswith("redacted-") and once["id"]["S"] != "user-1"
    assert once["score"]["N"].isdigit()
    assert isinstance(once["blob"]["B"], str) and once["blob"]["B"] != "AAEC"
    assert len(set(once["tags"]["SS"])) == 2
    assert once["keep"] == {"S": "visible"}
    assert Redactor(["id"]).document({"Key": {"id": {"S": "user-1"}}})["Key"]["id"] == once["id"]
    assert item["id"] == {"S": "user-1"}  # the original is left alone


def test_a_salt_changes_the_hashes():
    plain = Redactor(["id"]).document({"Key": {"id": {"S": "x"}}})
    salted = Redactor(["id"], salt="pepper").document({"Key": {"id": {"S": "x"}}})
    assert plain != salted


def test_expression_values_compared_with_a_redacted_attribute_are_redacted():
    redactor = Redactor(["email", "age"])
    hashed = redactor.document({"Key": {"email": {"S": "a@x"}}})["Key"]["email"]
    request = {
        "KeyConditionExpression": "#e = :e AND begins_with(sk, :p)",
        "FilterExpression": "age BETWEEN :lo AND :hi AND nick IN (:n1, :n2)",
        "ExpressionAttributeNames": {"#e": "email"},
        "ExpressionAttributeValues": {
            ":e": {"S": "a@x"},
            ":p": {"S": "2024"},
            ":lo": {"N": "18"},
            ":hi": {"N": "65"},
            ":n1": {"S": "a@x"},  # equal to a value already redacted
            ":n2": {"S": "bob"},
        },
    }
    values = redactor.document(request)["ExpressionAttributeValues"]
    assert values[":e"] == hashed == values[":n1"]
    assert values[":p"] == {"S": "2024"} and values[":n2"] == {"S": "bob"}
    assert values[":lo"] != {"N": "18"} and values[":hi"] != {"N": "65"}


def test_paths_masks_callbacks_and_every_place_items_appear():
    redactor = Redactor(
        [
            Redact(path="address.street", action="mask"),
            Redact(path="contacts[*].phone", action="mask"),
            lambda path, value: {"S": "[card]"} if path == "card" else None,
        ]
    )
    item = {
        "address": {"M": {"street": {"S": "1 Road"}, "city": {"S": "Lyon"}}},
        "contacts": {"L": [{"M": {"phone": {"S": "555"}}}]},
        "card": {"S": "4111"},
    }
    response = {
        "Responses": {"t": [item]},  # BatchGetItem
        "UnprocessedKeys": {"t": {"Keys": [item]}},
        "Items": [item],
        "LastEvaluatedKey": item,
    }
    redacted = redactor.document(response)
    for found in (redacted["Responses"]["t"][0], redacted["UnprocessedKeys"]["t"]["Keys"][0], redacted["Items"][0]):
        assert found["address"]["M"] == {"street": {"S": "***"}, "city": {"S": "Lyon"}}
        assert found["contacts"]["L"][0]["M"]["phone"] == {"S": "***"}
        assert found["card"] == {"S": "[card]"}
    legacy = redactor.document({"Expected": {"card": {"Value": {"S": "4111"}}}})
    assert legacy["Expected"]["card"]["Value"] == {"S": "[card]"}
    transact = redactor.document({"TransactItems": [{"Put": {"TableName": "t", "Item": item}}]})
    assert transact["TransactItems"][0]["Put"]["Item"]["card"] == {"S": "[card]"}


def test_rules_are_described_in_the_header_and_rebuilt_from_it():
    redactor = Redactor(["email", Redact(path="a.b", action="mask")])
    described = redactor.describe()
    assert described == [{"attribute": "email", "action": "hash"}, {"path": "a.b", "action": "mask"}]
    assert Redactor.from_header(described).describe() == described


def test_bad_rules_are_refused():
    with pytest.raises(ValueError, match="exactly one"):
        Redact()
    with pytest.raises(ValueError, match="hash"):
        Redact(attribute="x", action="shred")

"""Table declarations for `dynasim serve --tables`: dynasim JSON files and CloudFormation/SAM templates."""

from __future__ import annotations

import json

import pytest

import dynasim
from dynasim import declare
from dynasim.declare import DeclarationError

KEYS = dict(
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
)

TEMPLATE = """
AWSTemplateFormatVersion: 2010-09-09
Transform: AWS::Serverless-2016-10-31
Parameters:
  Env:
    Type: String
    Default: dev
  Capacity:
    Type: Number
    Default: "3"
Mappings:
  Sizes:
    dev: {Read: 2}
    prod: {Read: 4}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
Globals:
  SimpleTable:
    SSESpecification:
      SSEEnabled: true
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Sub "${AWS::StackName}-${Env}-orders"
      BillingMode: PROVISIONED
      ProvisionedThroughput:
        ReadCapacityUnits: !FindInMap [Sizes, !Ref Env, Read]
        WriteCapacityUnits: !Ref Capacity
      AttributeDefinitions:
        - AttributeName: pk
          AttributeType: S
        - AttributeName: sk
          AttributeType: N
      KeySchema:
        - AttributeName: pk
          KeyType: HASH
        - AttributeName: sk
          KeyType: RANGE
      GlobalSecondaryIndexes:
        - IndexName: !Join ["-", [by, sk]]
          KeySchema:
            - AttributeName: sk
              KeyType: HASH
          Projection: {ProjectionType: KEYS_ONLY}
          ProvisionedThroughput: {ReadCapacityUnits: "1", WriteCapacityUnits: "1"}
          ContributorInsightsSpecification: {Enabled: true}
      StreamSpecification:
        StreamViewType: NEW_AND_OLD_IMAGES
      TimeToLiveSpecification:
        AttributeName: expires
        Enabled: true
      SSESpecification:
        SSEEnabled: true
        SSEType: KMS
      DeletionProtectionEnabled: !If [IsProd, true, !Ref "AWS::NoValue"]
      KinesisStreamSpecification:
        StreamArn: !GetAtt Stream.Arn
      PointInTimeRecoverySpecification:
        PointInTimeRecoveryEnabled: true
  ProdOnly:
    Type: AWS::DynamoDB::Table
    Condition: IsProd
    Properties:
      TableName: prod-only
  Sessions:
    Type: AWS::Serverless::SimpleTable
    Condition: NotProd
    Properties:
      PrimaryKey: {Name: token, Type: Binary}
      ProvisionedThroughput: {ReadCapacityUnits: 5, WriteCapacityUnits: 5}
      Tags: {team: core}
  Plain:
    Type: AWS::Serverless::SimpleTable
  Stream:
    Type: AWS::Kinesis::Stream
  Function:
    Type: AWS::Serverless::Function
    Properties:
      Environment:
        Variables:
          TABLE: !Ref Orders
"""


def test_template_tables_become_create_table_requests():
    declarations = declare.parse(TEMPLATE, source="template.yaml", stack_name="shop")
    by_name = {d.table_name: d for d in declarations}
    assert list(by_name) == ["shop-dev-orders", "Sessions", "Plain"]
    orders = by_name["shop-dev-orders"]
    assert orders.request == {
        "TableName": "shop-dev-orders",
        "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
        ],
        "BillingMode": "PROVISIONED",
        "ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 3},
        "GlobalSecondaryIndexes": [
            {
                "IndexName": "by-sk",
                "KeySchema": [{"AttributeName": "sk", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
                "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
            }
        ],
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        "SSESpecification": {"Enabled": True, "SSEType": "KMS"},
    }
    assert orders.time_to_live == {"AttributeName": "expires", "Enabled": True}
    assert orders.source == "template.yaml: Resources.Orders"
    assert by_name["Sessions"].request == {
        "TableName": "Sessions",
        "KeySchema": [{"AttributeName": "token", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "token", "AttributeType": "B"}],
        "BillingMode": "PROVISIONED",
        "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
        "SSESpecification": {"Enabled": True},
        "Tags": [{"Key": "team", "Value": "core"}],
    }
    assert by_name["Plain"].request["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert by_name["Plain"].request["BillingMode"] == "PAY_PER_REQUEST"


def test_parameters_and_conditions():
    declarations = declare.parse(TEMPLATE, parameters={"Env": "prod"})
    names = [d.table_name for d in declarations]
    assert names == ["dynasim-prod-orders", "prod-only", "Plain"]
    # Fn::FindInMap has no prod entry
    with pytest.raises(DeclarationError, match="FindInMap finds nothing"):
        declare.parse(TEMPLATE.replace("dev: {Read: 2}", "staging: {Read: 2}"))
    assert declarations[0].request["DeletionProtectionEnabled"] is True
    with pytest.raises(DeclarationError, match="no such template parameter: Nope"):
        declare.parse(TEMPLATE, parameters={"Nope": "x"})


def test_the_same_template_as_json():
    template = {
        "Resources": {
            "Things": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    "TableName": {"Fn::Join": ["", [{"Ref": "AWS::Region"}, "-things"]]},
                    **KEYS,
                    "BillingMode": "PAY_PER_REQUEST",
                },
            }
        }
    }
    [declaration] = declare.parse(json.dumps(template), region="eu-west-1")
    assert declaration.table_name == "eu-west-1-things"


@pytest.mark.parametrize(
    ("table_name", "message"),
    [
        ("!GetAtt Other.Arn", "Fn::GetAtt needs a deployed stack"),
        ("!Ref Other", "Ref to resource Other needs a deployed stack"),
        ("!Ref NoDefault", "parameter NoDefault has no Default"),
        ("!Ref Unknown", "Ref to unknown name 'Unknown'"),
        ('!Sub "${Other.Arn}-x"', "needs a deployed stack"),
        ("!ImportValue shared-name", "Fn::ImportValue needs a deployed stack"),
    ],
)
def test_what_needs_a_deployed_stack_is_an_error_naming_the_place(table_name, message):
    template = f"""
Parameters:
  NoDefault: {{Type: String}}
Resources:
  Other: {{Type: AWS::SNS::Topic}}
  Broken:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: {table_name}
"""
    with pytest.raises(DeclarationError, match="Resources.Broken.Properties.TableName") as raised:
        declare.parse(template, source="t.yaml")
    assert message in str(raised.value)


def test_sub_with_variables_and_literals():
    template = """
Resources:
  T:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Sub ["${Prefix}-${!Literal}-${AWS::AccountId}", {Prefix: app}]
"""
    [declaration] = declare.parse(template, account_id="999")
    assert declaration.table_name == "app-${Literal}-999"


def test_declaration_files():
    text = json.dumps(
        {
            "tables": [
                {
                    **KEYS,
                    "TableName": "first",
                    "BillingMode": "PAY_PER_REQUEST",
                    "Items": [{"pk": {"S": "a"}}],
                },
                {
                    **KEYS,
                    "TableName": "second",
                    "BillingMode": "PAY_PER_REQUEST",
                    "TimeToLiveSpecification": {"AttributeName": "ttl", "Enabled": True},
                },
            ]
        }
    )
    first, second = declare.parse(text, source="tables.json")
    assert first.items == [{"pk": {"S": "a"}}] and "Items" not in first.request
    assert second.time_to_live == {"AttributeName": "ttl", "Enabled": True}
    assert "TimeToLiveSpecification" not in second.request
    bare = declare.parse(json.dumps([{**KEYS, "TableName": "bare"}]))
    assert bare[0].table_name == "bare"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"tables": {"not": "a list"}}', "expected"),
        ('{"tables": ["nope"]}', "must be an object"),
        ('{"tables": [{"KeySchema": []}]}', "TableName is missing"),
        ('{"tables": [{"TableName": "x", "Items": [1]}]}', "Items must be a list"),
        ("key: [unclosed", "neither JSON nor YAML"),
        ("42", "expected"),
    ],
)
def test_malformed_declaration_files(text, message):
    with pytest.raises(DeclarationError, match=message):
        declare.parse(text)


def test_load_reads_files_and_reports_missing_ones(tmp_path):
    path = tmp_path / "tables.yaml"
    path.write_text("tables:\n  - TableName: from-yaml\n")
    assert declare.load(path)[0].table_name == "from-yaml"
    with pytest.raises(DeclarationError, match="cannot read"):
        declare.load(tmp_path / "missing.json")


def test_apply_runs_through_the_engine():
    sim = dynasim.Simulator()
    declarations = declare.parse(
        json.dumps(
            [
                {
                    **KEYS,
                    "TableName": "applied",
                    "BillingMode": "PAY_PER_REQUEST",
                    "Items": [{"pk": {"S": "a"}, "n": {"N": "01.50"}}, {"pk": {"S": "b"}}],
                }
            ]
        )
    )
    assert declare.apply(sim, declarations) == ["applied"]
    ddb = sim.client()
    assert ddb.get_item(TableName="applied", Key={"pk": {"S": "a"}})["Item"]["n"] == {"N": "1.5"}
    assert declarations[0].items[0]["n"] == {"N": "01.50"}  # the declaration itself is untouched
    ddb.delete_item(TableName="applied", Key={"pk": {"S": "a"}})
    assert declare.apply(sim, declarations) == []  # existing tables are left alone
    assert "Item" not in ddb.get_item(TableName="applied", Key={"pk": {"S": "a"}})
    with pytest.raises(Exception, match="Table already exists: applied"):
        declare.apply(sim, declarations, skip_existing=False)


def test_apply_reports_the_engines_errors_with_their_source():
    sim = dynasim.Simulator()
    declarations = declare.parse(
        json.dumps(
            {
                "tables": [
                    {
                        **KEYS,
                        "TableName": "bad-item",
                        "BillingMode": "PAY_PER_REQUEST",
                        "Items": [{"other": {"S": "x"}}],
                    }
                ]
            }
        ),
        source="seed.json",
    )
    with pytest.raises(DeclarationError) as raised:
        declare.apply(sim, declarations)
    message = str(raised.value)
    assert message.startswith("seed.json: tables[0] (bad-item): Items[0]: PutItem failed: ValidationException")


def test_template_tables_the_engine_supports_are_created():
    sim = dynasim.Simulator()
    template = """
Resources:
  Users:
    Type: AWS::Serverless::SimpleTable
  Events:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: events
      BillingMode: PROVISIONED
      ProvisionedThroughput: {ReadCapacityUnits: "4", WriteCapacityUnits: "2"}
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}, {AttributeName: at, AttributeType: N}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}, {AttributeName: at, KeyType: RANGE}]
      DeletionProtectionEnabled: true
"""
    assert declare.apply(sim, declare.parse(template)) == ["Users", "events"]
    events = sim.client().describe_table(TableName="events")["Table"]
    assert events["ProvisionedThroughput"]["ReadCapacityUnits"] == 4
    assert events["DeletionProtectionEnabled"] is True

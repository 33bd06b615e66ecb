"""A first table on the simulator, through an ordinary boto3 client."""

import dynasim

sim = dynasim.Simulator()
ddb = sim.client()  # a real botocore DynamoDB client, answered in-process

ddb.create_table(
    TableName="orders",
    KeySchema=[
        {"AttributeName": "customer", "KeyType": "HASH"},
        {"AttributeName": "order_id", "KeyType": "RANGE"},
    ],
    AttributeDefinitions=[
        {"AttributeName": "customer", "AttributeType": "S"},
        {"AttributeName": "order_id", "AttributeType": "N"},
    ],
    BillingMode="PAY_PER_REQUEST",
)
ddb.put_item(
    TableName="orders",
    Item={"customer": {"S": "ada"}, "order_id": {"N": "1.50"}, "total": {"N": "12.00"}},
)
item = ddb.get_item(TableName="orders", Key={"customer": {"S": "ada"}, "order_id": {"N": "1.5"}})["Item"]
print("stored item:", item)

try:
    ddb.put_item(TableName="orders", Item={"customer": {"S": "ada"}})
except ddb.exceptions.ClientError as error:
    print("DynamoDB says:", error.response["Error"]["Code"], "-", error.response["Error"]["Message"])

table = ddb.describe_table(TableName="orders")["Table"]
print(f"{table['TableName']}: {table['ItemCount']} item(s), {table['TableSizeBytes']} bytes")

// Exercises a dynasim endpoint with the AWS SDK for JavaScript v3: node smoke.mjs URL
// Prints one JSON line with what it saw; exits non-zero on the first unexpected answer.
import {
  DynamoDBClient,
  CreateTableCommand,
  PutItemCommand,
  GetItemCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  ListTablesCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-dynamodb";

const endpoint = process.argv[2];
if (!endpoint) {
  console.error("usage: node smoke.mjs http://127.0.0.1:PORT");
  process.exit(2);
}

const client = new DynamoDBClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: process.env.SMOKE_KEY || "js-key", secretAccessKey: process.env.SMOKE_SECRET || "js-secret" },
  maxAttempts: 1,
});

function check(condition, message) {
  if (!condition) {
    console.error(`unexpected: ${message}`);
    process.exit(1);
  }
}

const table = `js-smoke-${Date.now()}`;
const created = await client.send(
  new CreateTableCommand({
    TableName: table,
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
    BillingMode: "PAY_PER_REQUEST",
  }),
);
check(created.TableDescription.TableName === table, "CreateTable echoes the name");

await client.send(
  new PutItemCommand({
    TableName: table,
    Item: {
      pk: { S: "a" },
      n: { N: "1.50" },
      b: { B: new Uint8Array([0, 1, 255]) },
      l: { L: [{ S: "x" }, { BOOL: true }, { NULL: true }] },
      ss: { SS: ["p", "q"] },
    },
  }),
);
const got = await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "a" } } }));
check(got.Item.n.N === "1.5", `number normalised, got ${got.Item.n.N}`);
check(Buffer.from(got.Item.b.B).equals(Buffer.from([0, 1, 255])), "binary round trip");
check(got.Item.l.L.length === 3 && got.Item.ss.SS.length === 2, "list and set round trip");
check(typeof got.$metadata.requestId === "string" && got.$metadata.requestId.length === 52, "request id");

let notFound = null;
try {
  await client.send(new DescribeTableCommand({ TableName: "no-such-table" }));
} catch (error) {
  notFound = error;
}
check(notFound instanceof ResourceNotFoundException, `ResourceNotFoundException, got ${notFound && notFound.name}`);
check(notFound.$metadata.httpStatusCode === 400, "error status 400");

await client.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: "a" } } }));
const gone = await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "a" } } }));
check(gone.Item === undefined, "deleted item is gone");

const listed = await client.send(new ListTablesCommand({}));
check(listed.TableNames.includes(table), "ListTables lists the table");

console.log(JSON.stringify({ ok: true, table, error: notFound.name, message: notFound.message }));

import {describe, expect, it} from "vitest";
import {join} from "node:path";
import {readdirSync, writeFileSync} from "node:fs";
import {sources} from "../../loaders/index.js";
import {parseConfig} from "../../src/config.js";
import {IngestError} from "../../src/ingest/errors.js";
import {columnsOf} from "../../src/schema/columns.js";
import {ingest, type IngestReport} from "../../src/ingest/ingest.js";
import {withDuckDB} from "../../src/warehouse/duckdb.js";
import {tempTree} from "../support/fixtures.js";
import {warehouseOf} from "../support/warehouse.js";

// A data set in Olist's shape: people in one file (per-order customer_id → the person's unique id),
// payments in another (several per order), reviews keyed by order on a 1–5 scale.
const config = {
  rejectThreshold: 1,
  files: [
    {match: "people.csv", name: "people", entity: "customers", columns: {id: "unique_id", region: "state"}},
    {match: "payments.csv", name: "payments", role: "lookup"},
    {
      match: "sales.csv",
      entity: "orders",
      columns: {
        id: "order_id",
        customer_id: {from: "people", on: "customer_id", value: "unique_id"},
        ordered_at: "bought",
        amount: {from: "payments", on: "order_id", sum: "value"},
        status: {column: "state", values: {delivered: "completed", canceled: "cancelled"}}
      }
    },
    {
      match: "reviews.csv",
      entity: "ratings",
      scale: [1, 5],
      columns: {id: "review_id", order_id: "order_id", customer_id: {from: "orders", on: {order_id: "id"}, value: "customer_id"}, rated_at: "answered", score: "stars", comment: "text"}
    }
  ]
};
const people = "customer_id,unique_id,state\nk1,alice,SP\nk2,bob,RJ\nk3,alice,SP\n";
const sales = [
  "order_id,customer_id,bought,state",
  "o1,k1,2024-01-05 10:00:00,delivered",
  "o2,k2,2024-01-07 11:00:00,delivered",
  "o3,k3,2024-03-02 09:00:00,delivered", // alice again, under another per-order customer_id
  "o4,k9,2024-03-04 09:00:00,delivered", // k9 is in no row of people.csv
  "o5,k2,2024-03-05 09:00:00,canceled"
].join("\n");
const payments = [
  "order_id,seq,type,value",
  "o1,1,voucher,20.00",
  "o1,2,credit_card,79.90", // o1 = 99.90
  "o2,1,boleto,50",
  "o3,1,credit_card,30.5",
  "o4,1,credit_card,12",
  "o5,1,credit_card,8",
  "o7,1,credit_card,5" // a payment for an unknown order
].join("\n");
const reviews = [
  "review_id,order_id,answered,stars,text",
  "r1,o1,2024-01-10 08:00:00,5,Ótimo",
  "r2,o2,2024-01-12 08:00:00,1,",
  "r3,o8,2024-01-12 09:00:00,4,", // a review of an unknown order
  "r4,o3,2024-03-09 08:00:00,6,", // outside 1–5
  "r5,o1,2024-01-11 08:00:00,4,again" // a second review of o1
].join("\n");

const balanced = (report: IngestReport) => report.files.every((f) => f.read === f.accepted + f.rejected + f.skipped);
const byFile = (report: IngestReport) => Object.fromEntries(report.files.map((f) => [f.path.split("/").pop(), [f.read, f.accepted, f.rejected, f.skipped]]));
const rejectsOf = (path: string) =>
  withDuckDB((db) => db.all(`SELECT regexp_extract(file, '[^/]+$') AS file, line::INTEGER AS line, "column", value, reason FROM _rejects ORDER BY file, line`), path);

describe("ingest() joins several files of one data set", () => {
  it("ingest() sums split payments, finds the person through another file, and reaches a review's customer through its order", async () => {
    const {path, report} = await warehouseOf({"people.csv": people, "sales.csv": sales, "payments.csv": payments, "reviews.csv": reviews}, config);
    expect(balanced(report)).toBe(true);
    expect(byFile(report)).toEqual({
      "people.csv": [3, 2, 0, 1], // alice's second row is skipped: another row of the same customer
      "sales.csv": [5, 4, 1, 0],
      "reviews.csv": [5, 3, 2, 0],
      "payments.csv": [7, 4, 1, 2] // o1's card is skipped (added to o1), so is o4's (its order was rejected); o7's is rejected
    });
    const [orders, ratings, customers] = await withDuckDB(
      async (db) => [
        await db.all(`SELECT id, customer_id, amount, status FROM orders ORDER BY id`),
        await db.all(`SELECT id, customer_id, order_id, score, scale_min, scale_max, comment FROM ratings ORDER BY id`),
        await db.all(`SELECT id, region, created_at FROM customers ORDER BY id`)
      ],
      path
    );
    expect(orders).toEqual([
      {id: "o1", customer_id: "alice", amount: 99.9, status: "completed"},
      {id: "o2", customer_id: "bob", amount: 50, status: "completed"},
      {id: "o3", customer_id: "alice", amount: 30.5, status: "completed"},
      {id: "o5", customer_id: "bob", amount: 8, status: "cancelled"}
    ]);
    expect(ratings).toEqual([
      {id: "r1", customer_id: "alice", order_id: "o1", score: 5, scale_min: 1, scale_max: 5, comment: "Ótimo"},
      {id: "r2", customer_id: "bob", order_id: "o2", score: 1, scale_min: 1, scale_max: 5, comment: null},
      {id: "r5", customer_id: "alice", order_id: "o1", score: 4, scale_min: 1, scale_max: 5, comment: "again"}
    ]);
    expect(customers.map((c) => [c.id, c.region])).toEqual([["alice", "SP"], ["bob", "RJ"]]);
    expect(await rejectsOf(path)).toEqual([
      {file: "payments.csv", line: 8, column: "order_id", value: "o7", reason: "order_id matches no order in sales.csv"},
      {file: "reviews.csv", line: 4, column: "order_id", value: "o8", reason: "order_id not found in the orders loaded (unknown, or rejected in its own file), so no customer_id"},
      {file: "reviews.csv", line: 5, column: "score", value: "6", reason: "score outside the scale stated for the file (scale_min to scale_max)"},
      {file: "sales.csv", line: 5, column: "customer_id", value: "k9", reason: "customer_id not found in people.csv, so no customer_id"}
    ]);
    const payment = report.files.find((f) => f.path.endsWith("payments.csv"))!;
    expect(payment.reasons).toEqual([
      {column: "order_id", reason: "order_id matches no order in sales.csv", count: 1, lines: [8], examples: [{value: "o7", line: 8}]}
    ]);
    expect(payment.skips).toEqual([
      {reason: "further row of the same order, added to it", count: 1},
      {reason: "its order was rejected (see sales.csv)", count: 1}
    ]);
    expect(report.files.find((f) => f.path.endsWith("people.csv"))!.skips).toEqual([{reason: "another row of the same customer, kept for look-ups", count: 1}]);
  });

  it("ingest() rejects an order whose summed payment is not a number, naming the payment's line, and the payment itself", async () => {
    const {path, report} = await warehouseOf(
      {"people.csv": people, "sales.csv": sales.split("\n").slice(0, 3).join("\n"), "payments.csv": "order_id,seq,type,value\no1,1,voucher,20\no1,2,credit_card,lots\no2,1,boleto,50\n"},
      {...config, files: config.files.slice(0, 3)}
    );
    expect(balanced(report)).toBe(true);
    expect(byFile(report)).toEqual({"people.csv": [3, 2, 0, 1], "sales.csv": [2, 1, 1, 0], "payments.csv": [3, 1, 1, 1]});
    expect(await rejectsOf(path)).toEqual([
      {file: "payments.csv", line: 3, column: "value", value: "lots", reason: "not a number"},
      {file: "sales.csv", line: 2, column: "amount", value: "lots", reason: "value is not a number in payments.csv line 3, so amount cannot be added up"}
    ]);
  });

  it("ingest() rejects a missing key and a key with two different values on the other side", async () => {
    const {path} = await warehouseOf(
      {
        "people.csv": "customer_id,unique_id,state\nk1,alice,SP\nk2,bob,RJ\nk2,carol,RJ\nk3,,RJ\n",
        "sales.csv": "order_id,customer_id,bought,state\no1,,2024-01-05 10:00:00,delivered\no2,k2,2024-01-07 11:00:00,delivered\no3,k1,2024-01-08 11:00:00,delivered\no4,k3,2024-01-09 11:00:00,delivered\n",
        "payments.csv": "order_id,seq,type,value\no1,1,boleto,1\no2,1,boleto,2\no3,1,boleto,3\no4,1,boleto,4\n"
      },
      {...config, files: config.files.slice(0, 3)}
    );
    expect((await rejectsOf(path)).filter((r) => r.file === "sales.csv")).toEqual([
      {file: "sales.csv", line: 2, column: "customer_id", value: null, reason: "missing customer_id, the key to customer_id in people.csv"},
      {file: "sales.csv", line: 3, column: "customer_id", value: "k2", reason: "different unique_id for this customer_id in people.csv"},
      {file: "sales.csv", line: 5, column: "customer_id", value: "k3", reason: "unique_id is empty for this customer_id in people.csv"}
    ]);
  });

  it("ingest() gives an order with no payment row the field's default when the config sets one, and rejects it otherwise", async () => {
    const files = {"people.csv": people, "sales.csv": sales.split("\n").slice(0, 3).join("\n"), "payments.csv": "order_id,seq,type,value\no1,1,voucher,20\n"};
    const withDefault = structuredClone(config.files.slice(0, 3)) as typeof config.files;
    (withDefault[2].columns as Record<string, unknown>).amount = {from: "payments", on: "order_id", sum: "value", default: "0"};
    const {path} = await warehouseOf(files, {rejectThreshold: 1, files: withDefault});
    expect(await withDuckDB((db) => db.all(`SELECT id, amount FROM orders ORDER BY id`), path)).toEqual([{id: "o1", amount: 20}, {id: "o2", amount: 0}]);
    const strict = await warehouseOf(files, {...config, files: config.files.slice(0, 3)});
    expect(await rejectsOf(strict.path)).toEqual([{file: "sales.csv", line: 3, column: "order_id", value: "o2", reason: "order_id not found in payments.csv, so no amount"}]);
  });

  it("ingest() reloads the orders when only their payments file changed", async () => {
    const {dir, path} = await warehouseOf({"people.csv": people, "sales.csv": sales, "payments.csv": payments}, {...config, files: config.files.slice(0, 3)});
    writeFileSync(join(dir, "exports", "payments.csv"), payments.replace("o1,2,credit_card,79.90", "o1,2,credit_card,80.00"));
    const again = await ingest(["exports"], {cwd: dir, config: parseConfig({...config, files: config.files.slice(0, 3)}), sources, warehouse: path, now: new Date("2026-11-02T00:00:00Z")});
    expect(again.files.map((f) => [f.path.split("/").pop(), f.status])).toEqual([
      ["people.csv", "loaded"],
      ["sales.csv", "loaded"],
      ["payments.csv", "loaded"]
    ]);
    const [o1] = await withDuckDB((db) => db.all(`SELECT amount FROM orders WHERE id = 'o1'`), path);
    expect(o1.amount).toBe(100);
  });

  it("ingest() joins on differently named keys, summing a payments file written with decimal commas into an order file with points", async () => {
    const {path, report} = await warehouseOf(
      {
        "orders.csv": "id,customer_id,ordered_at\nA-1,c1,2024-01-05\nA-2,c1,2024-02-05\n",
        "pagamentos.csv": "pedido;valor\nA-1;1.234,50\nA-1;0,50\nA-2;10\n"
      },
      {
        files: [
          {match: "pagamentos.csv", name: "pagamentos", role: "lookup", delimiter: ";", decimal: ","},
          {match: "orders.csv", entity: "orders", columns: {amount: {from: "pagamentos", on: {id: "pedido"}, sum: "valor"}}}
        ]
      }
    );
    expect(byFile(report)).toEqual({"orders.csv": [2, 2, 0, 0], "pagamentos.csv": [3, 2, 0, 1]});
    expect(await withDuckDB((db) => db.all(`SELECT id, amount FROM orders ORDER BY id`), path)).toEqual([{id: "A-1", amount: 1235}, {id: "A-2", amount: 10}]);
  });

  it("ingest() refuses a lookup file whose readers are not among the exports", async () => {
    await expect(warehouseOf({"payments.csv": payments}, config)).rejects.toThrow(/payments\.csv: the files that read this lookup .* are not among the exports given/);
  });
});

describe("ratings are not NPS", () => {
  const stars = "id,customer_id,responded_at,score\nn1,c1,2024-03-01,5\nn2,c1,2024-03-02,1\nn3,c2,2024-03-03,4\n";
  const customers = "id,created_at\nc1,2024-01-01\nc2,2024-01-02\n";

  it("ingest() refuses a score column whose values all lie in 1–5 mapped as NPS, says what to write, and writes nothing", async () => {
    const attempt = warehouseOf({"customers.csv": customers, "reviews_export.csv": stars.replace("score", "Stars")}, {files: [{match: "reviews_export.csv", entity: "nps_responses", columns: {score: "Stars"}}]});
    await expect(attempt).rejects.toThrow(IngestError);
    await expect(attempt).rejects.toThrow(
      /reviews_export\.csv: the score column "Stars" holds only values from 1 to 5 \(3 answers\): that is a 1–5 rating .* "entity": "ratings", "scale": \[1, 5\]/
    );
    // Named after NPS, with no config at all: the same; and no warehouse is written.
    const dir = tempTree({"exports/customers.csv": customers, "exports/nps.csv": stars});
    const run = ingest(["exports"], {cwd: dir, config: parseConfig({}), sources, warehouse: "w.duckdb"});
    await expect(run).rejects.toThrow(/"entity": "ratings", "scale": \[1, 5\]/);
    expect(readdirSync(dir)).toEqual(["exports"]);
  });

  it("ingest() takes a 1–5-valued NPS file at its word when it states \"scale\": [0, 10]", async () => {
    const {report} = await warehouseOf({"customers.csv": customers, "nps.csv": stars}, {files: [{match: "nps.csv", entity: "nps_responses", scale: [0, 10]}]});
    expect(report.files.find((f) => f.entity === "nps_responses")).toMatchObject({read: 3, accepted: 3});
  });

  it("ingest() loads ratings.csv in the model's columns, scale included, with no config", async () => {
    const {path} = await warehouseOf({"customers.csv": customers, "ratings.csv": "id,customer_id,rated_at,score,scale_min,scale_max\nr1,c1,2024-03-01,4.5,1,5\nr2,c2,2024-03-02,9,1,10\n"});
    expect(await withDuckDB((db) => db.all(`SELECT id, score, scale_min, scale_max FROM ratings ORDER BY id`), path)).toEqual([
      {id: "r1", score: 4.5, scale_min: 1, scale_max: 5},
      {id: "r2", score: 9, scale_min: 1, scale_max: 10}
    ]);
  });

  it("columnsOf(ratings) marks the comment personal, like NPS comments, so the privacy scan and scrubber treat it the same", () => {
    expect(columnsOf("ratings").filter((c) => c.personal).map((c) => c.name)).toEqual(["comment"]);
    expect(columnsOf("ratings").map((c) => `${c.name} ${c.duckdbType}${c.required ? "" : "?"}`)).toEqual([
      "id VARCHAR", "customer_id VARCHAR", "order_id VARCHAR?", "rated_at TIMESTAMP", "score DOUBLE", "scale_min INTEGER", "scale_max INTEGER", "comment VARCHAR?"
    ]);
  });

  it("parseConfig() refuses a scale other than 0–10 on an NPS file, and says to load it as ratings", () => {
    expect(() => parseConfig({files: [{match: "x.csv", entity: "nps_responses", scale: [1, 5]}]})).toThrow(
      'config: files.0.scale: NPS is asked on 0–10; a 1–5 score is a rating: write "entity": "ratings", "scale": [1, 5]'
    );
  });

  it("ingest() loads a ratings file on its stated scale, and asks for the scale when none is stated", async () => {
    const ratings = "id,customer_id,rated_at,score\nr1,c1,2024-03-01,7\nr2,c2,2024-03-02,1\nr3,c2,2024-03-03,8\n";
    const {path, report} = await warehouseOf({"customers.csv": customers, "ratings.csv": ratings}, {rejectThreshold: 1, files: [{match: "ratings.csv", entity: "ratings", scale: [1, 7]}]});
    expect(report.files.find((f) => f.entity === "ratings")).toMatchObject({read: 3, accepted: 2, rejected: 1});
    expect(await rejectsOf(path)).toEqual([{file: "ratings.csv", line: 4, column: "score", value: "8", reason: "score outside the scale stated for the file (scale_min to scale_max)"}]);
    await expect(warehouseOf({"customers.csv": customers, "ratings.csv": ratings})).rejects.toThrow(/missing required column "scale_min" .* "scale": \[1, 5\]/);
  });
});

describe("parseConfig() checks joins across files", () => {
  it("parseConfig() names a join whose from is nobody, a lookup without a name, and an entity loaded later", () => {
    expect(() => parseConfig({files: [{match: "a.csv", entity: "orders", columns: {amount: {from: "pay", on: "order_id", sum: "v"}}}]})).toThrow(
      'files.0.columns.amount.from: "pay" names no file (give the file "name": "pay") and no entity'
    );
    expect(() => parseConfig({files: [{match: "p.csv", role: "lookup"}]})).toThrow('files.0.role: a lookup file needs a "name" for the joins that read it');
    expect(() => parseConfig({files: [{match: "a.csv", entity: "orders", columns: {customer_id: {from: "ratings", on: "x", value: "customer_id"}}}]})).toThrow(
      "ratings are not loaded before orders"
    );
    expect(() => parseConfig({files: [{match: "a.csv", entity: "orders", columns: {amount: {from: "pay", on: "order_id"}}}]})).toThrow('a join takes either "value" (one per key) or "sum" (added up per key)');
  });
});

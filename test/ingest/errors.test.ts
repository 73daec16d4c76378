import {existsSync, readFileSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {sources} from "../../loaders/index.js";
import {parseConfig} from "../../src/config.js";
import {IngestError} from "../../src/ingest/errors.js";
import {ingest, type IngestReport} from "../../src/ingest/ingest.js";
import {withDuckDB} from "../../src/warehouse/duckdb.js";
import {tempTree} from "../support/fixtures.js";
import {warehouseOf} from "../support/warehouse.js";

const lenient = {rejectThreshold: 1};
const rejectsOf = (path: string) =>
  withDuckDB((db) => db.all(`SELECT regexp_extract(file, '[^/]+$') AS file, line::INTEGER AS line, "column", value, reason FROM _rejects ORDER BY file, line`), path);
const balanced = (report: IngestReport) => report.files.every((f) => f.read === f.accepted + f.rejected + f.skipped);

const customers = "id,created_at,segment\nc1,2024-01-01,SMB\nc2,2024-01-02,SMB\n";

describe("ingest() rejects bad records with file, line, column, value and reason", () => {
  it("ingest() rejects wrong types, out-of-range values and broken row rules, and accepts the rest", async () => {
    const {path, report} = await warehouseOf(
      {
        "customers.csv": customers,
        "orders.csv": [
          "id,customer_id,ordered_at,amount,status",
          "o1,c1,2024-02-01,10.5,completed",
          "o2,c1,2024-02-30,10,completed",
          "o3,c2,2024-02-03,ten,completed",
          "o4,c2,2024-02-04,5,shipped",
          "o5,c2,2024-02-05,-5,completed",
          "o6,c2,2024-02-06,-5,refunded",
          "o7,c9,2024-02-07,5,completed",
          "o8,,2024-02-08,5,completed"
        ].join("\n"),
        "nps_responses.csv": "id,customer_id,responded_at,score\nn1,c1,2024-03-01,9\nn2,c1,2024-03-02,11\nn3,c2,2024-03-03,7.5\nn4,c3,2024-03-04,3\n",
        "tickets.csv": "id,customer_id,opened_at,first_response_at,resolved_at,csat\nt1,c1,2024-03-01T10:00:00Z,2024-03-01T09:00:00Z,,\nt2,c1,2024-03-01T10:00:00Z,2024-03-01T11:00:00Z,2024-03-02T10:00:00Z,0\nt3,c2,2024-03-01T10:00:00Z,,,5\n"
      },
      lenient
    );
    expect(balanced(report)).toBe(true);
    expect(report.files.map((f) => [f.path.split("/").pop(), f.read, f.accepted, f.rejected])).toEqual([
      ["customers.csv", 2, 2, 0],
      ["orders.csv", 8, 2, 6],
      ["nps_responses.csv", 4, 1, 3],
      ["tickets.csv", 3, 1, 2]
    ]);
    expect(await rejectsOf(path)).toEqual([
      {file: "nps_responses.csv", line: 3, column: "score", value: "11", reason: "score out of range: must be between 0 and 10"},
      {file: "nps_responses.csv", line: 4, column: "score", value: "7.5", reason: "not a whole number"},
      {file: "nps_responses.csv", line: 5, column: "customer_id", value: "c3", reason: "unknown customer (not in the customers export)"},
      {file: "orders.csv", line: 3, column: "ordered_at", value: "2024-02-30", reason: expect.stringMatching(/^not a date \(expected ISO 8601/)},
      {file: "orders.csv", line: 4, column: "amount", value: "ten", reason: "not a number"},
      {file: "orders.csv", line: 5, column: "status", value: "shipped", reason: "unknown value (expected completed, refunded, cancelled)"},
      {file: "orders.csv", line: 6, column: "amount", value: "-5", reason: "negative amount on a completed order"},
      {file: "orders.csv", line: 8, column: "customer_id", value: "c9", reason: "unknown customer (not in the customers export)"},
      {file: "orders.csv", line: 9, column: "customer_id", value: null, reason: "missing customer_id"},
      {file: "tickets.csv", line: 2, column: "first_response_at", value: "2024-03-01T09:00:00Z", reason: "first response before the ticket was opened"},
      {file: "tickets.csv", line: 3, column: "csat", value: "0", reason: "csat out of range: must be between 1 and 5"}
    ]);
  });

  it("ingest() rejects a repeated id: the same row again, or different content under the same id", async () => {
    const {path, report} = await warehouseOf(
      {"orders.csv": "id,customer_id,ordered_at,amount\no1,c1,2024-01-01,10\no2,c1,2024-01-02,20\no1,c1,2024-01-01,10\no2,c1,2024-01-02,25\n"},
      lenient
    );
    expect(report.files[0]).toMatchObject({read: 4, accepted: 2, rejected: 2});
    expect(await rejectsOf(path)).toEqual([
      {file: "orders.csv", line: 4, column: "id", value: "o1", reason: "repeats line 2 exactly"},
      {file: "orders.csv", line: 5, column: "id", value: "o2", reason: "duplicate id with different content (first at line 3)"}
    ]);
  });

  it("ingest() rejects lines a truncated file or a stray delimiter leave, at their lines", async () => {
    const {path, report} = await warehouseOf(
      {
        "orders.csv": "id,customer_id,ordered_at,amount\no1,c1,2024-01-01,10\no2,c1,2024-01-02,5,oops\no3,c2,2024-01-03,7\no4,c2,2024-0"
      },
      lenient
    );
    expect(report.files[0]).toMatchObject({read: 4, accepted: 2, rejected: 2});
    expect((await rejectsOf(path)).map((r) => [r.line, r.reason])).toEqual([
      [3, "too many fields on the line (an unquoted delimiter in a value?)"],
      [5, "too few fields on the line (a truncated file?)"]
    ]);
    const lines = await withDuckDB((db) => db.all(`SELECT id, _line::INTEGER AS line FROM orders ORDER BY id`), path);
    expect(lines).toEqual([{id: "o1", line: 2}, {id: "o3", line: 4}]);
  });

  it("ingest() reads UTF-16 exports by their byte-order mark, and rejects Latin-1 bytes unless the config names the encoding", async () => {
    const latin1 = Buffer.concat([Buffer.from("id,customer_id,ordered_at,amount\no1,c1,2024-01-01,10\no2,Ren"), Buffer.from([0xe9]), Buffer.from(",2024-01-02,5\n")]);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("id,customer_id,ordered_at,amount\nu1,René,2024-01-01,10\n", "utf16le")]);
    const dir = tempTree({});
    writeFileSync(join(dir, "orders-latin1.csv"), latin1);
    writeFileSync(join(dir, "orders-utf16.csv"), utf16);
    const run = (config: unknown) => ingest([dir], {cwd: dir, config: parseConfig(config), sources, warehouse: join(dir, `w${Math.random()}.duckdb`)});
    const plain = await run(lenient);
    expect(plain.files.map((f) => [f.path, f.accepted, f.rejected, f.reasons[0]?.reason])).toEqual([
      ["orders-latin1.csv", 1, 1, 'not valid UTF-8: set "encoding" for this file in rapport.config.json ("windows-1252" for Excel on Windows, "latin-1", "utf-16le" or "utf-16be")'],
      ["orders-utf16.csv", 1, 0, undefined]
    ]);
    const configured = await run({...lenient, files: [{match: "orders-latin1.csv", encoding: "latin-1"}]});
    expect(configured.files[0]).toMatchObject({accepted: 2, rejected: 0});
    const ids = await withDuckDB((db) => db.all(`SELECT DISTINCT customer_id FROM orders ORDER BY 1`), configured.warehouse!);
    expect(ids.map((r) => r.customer_id)).toEqual(["René", "c1"]);
  });
});

describe("ingest() stops, naming the file and what to do, when a file cannot be taken at all", () => {
  const fails = async (files: Record<string, string>, pattern: RegExp, options: {source?: string} = {}) => {
    const dir = tempTree(files);
    const error = await ingest(["."], {cwd: dir, config: parseConfig({}), sources, warehouse: join(dir, "w.duckdb"), ...options}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngestError);
    expect((error as Error).message).toMatch(pattern);
    expect(existsSync(join(dir, "w.duckdb"))).toBe(false);
  };

  it("ingest() stops on a missing required column, saying how to map it", () =>
    fails({"orders.csv": "id,customer_id,amount\no1,c1,5\n"}, /orders\.csv: missing required column "ordered_at" for orders .*"columns": \{"ordered_at": "<column in your file>"\}/));

  it("ingest() stops on a file it cannot recognise, listing the ways to name or map it", () =>
    fails({"export.csv": "foo,bar\n1,2\n"}, /export\.csv: cannot tell which export this is \(columns: foo, bar\)\. Name it after an entity .*--source/));

  it("ingest() stops on a file that is not text at all, naming it", async () => {
    const dir = tempTree({});
    writeFileSync(join(dir, "orders.parquet"), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 1, 2, 3, 0xff, 0xfe, 0, 0]));
    const error = await ingest(["."], {cwd: dir, config: parseConfig({}), sources, warehouse: join(dir, "w.duckdb")}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngestError);
    expect((error as Error).message).toMatch(/^orders\.parquet: cannot read this file \(.*\)\. Check that it is a complete CSV, JSON or Parquet export/);
    // check (no warehouse) reports it and goes on with the other files.
    const checked = await ingest(["."], {cwd: dir, config: parseConfig({}), sources, warehouse: null});
    expect(checked.errors?.map((e) => e.message)).toEqual([expect.stringMatching(/^orders\.parquet: cannot read this file/)]);
  });

  it("ingest() stops on an unknown --source", () => fails({"orders.csv": "id\n1\n"}, /unknown source "zoho"; known sources: generic, hubspot/, {source: "zoho"}));

  it("ingest() stops on a path that does not exist", async () => {
    await expect(ingest(["nope"], {cwd: tempTree({}), config: parseConfig({}), sources, warehouse: null})).rejects.toThrow(/nope: no such file or folder/);
  });

  it("ingest() loads nothing from an empty file and says so", async () => {
    const lines: string[] = [];
    const dir = tempTree({"orders.csv": "", "customers.csv": customers});
    const report = await ingest(["."], {cwd: dir, config: parseConfig({}), sources, warehouse: null, log: (l) => lines.push(l)});
    expect(report.files.map((f) => [f.path, f.read])).toEqual([["customers.csv", 2], ["orders.csv", 0]]);
    expect(lines.join("\n")).toMatch(/orders\.csv: WARNING the file is empty/);
  });
});

describe("ingest() is safe to repeat and never half-writes the warehouse", () => {
  const orders = "id,customer_id,ordered_at,amount\no1,c1,2024-01-01,10\no2,c2,2024-01-02,20\n";
  const snapshot = (path: string) => withDuckDB((db) => db.all(`SELECT id, customer_id, amount FROM orders ORDER BY id`), path);

  it("ingest() twice gives the same warehouse, and skips the unchanged file the second time", async () => {
    const dir = tempTree({"data/orders.csv": orders});
    const options = {cwd: dir, config: parseConfig({}), sources, warehouse: "w.duckdb"};
    const first = await ingest(["data"], options);
    const before = await snapshot(join(dir, "w.duckdb"));
    const second = await ingest(["data"], options);
    expect(first.files[0].status).toBe("loaded");
    expect(second.files[0]).toMatchObject({status: "unchanged", read: 2, accepted: 2});
    expect(await snapshot(join(dir, "w.duckdb"))).toEqual(before);
  });

  it("ingest() of an overlapping export replaces rows by id instead of adding them", async () => {
    const dir = tempTree({"a/orders.csv": orders, "b/orders-2.csv": "id,customer_id,ordered_at,amount\no2,c2,2024-01-02,25\no3,c3,2024-01-03,30\n"});
    const options = {cwd: dir, config: parseConfig({}), sources, warehouse: "w.duckdb"};
    await ingest(["a"], options);
    await ingest(["b"], options);
    expect(await snapshot(join(dir, "w.duckdb"))).toEqual([
      {id: "o1", customer_id: "c1", amount: 10},
      {id: "o2", customer_id: "c2", amount: 25},
      {id: "o3", customer_id: "c3", amount: 30}
    ]);
  });

  it("ingest() with a reject share above the threshold fails and leaves the previous warehouse as it was", async () => {
    const dir = tempTree({"good/orders.csv": orders, "bad/orders.csv": "id,customer_id,ordered_at,amount\no1,c1,2024-01-01,99\no9,c9,nonsense,1\n"});
    const options = {cwd: dir, config: parseConfig({}), sources, warehouse: "w.duckdb"};
    await ingest(["good"], options);
    const bytes = readFileSync(join(dir, "w.duckdb"));
    const report = await ingest(["bad"], options);
    expect(report.failed).toEqual([{path: "bad/orders.csv", share: 0.5}]);
    expect(report.warehouse).toBeNull();
    expect(readFileSync(join(dir, "w.duckdb")).equals(bytes)).toBe(true);
    expect(await snapshot(join(dir, "w.duckdb"))).toEqual([{id: "o1", customer_id: "c1", amount: 10}, {id: "o2", customer_id: "c2", amount: 20}]);
  });

  it("ingest() that stops on a bad file part-way leaves the previous warehouse as it was and no temporary files", async () => {
    const dir = tempTree({"good/orders.csv": orders, "later/orders.csv": "id,customer_id,ordered_at,amount\no1,c1,2024-01-01,99\n", "later/tickets.csv": "id,opened_at\nt1,2024-01-01\n"});
    const options = {cwd: dir, config: parseConfig({}), sources, warehouse: "w.duckdb"};
    await ingest(["good"], options);
    await expect(ingest(["later"], options)).rejects.toThrow(/tickets\.csv: missing required column "customer_id"/);
    expect(await snapshot(join(dir, "w.duckdb"))).toEqual([{id: "o1", customer_id: "c1", amount: 10}, {id: "o2", customer_id: "c2", amount: 20}]);
    const {readdirSync} = await import("node:fs");
    expect(readdirSync(dir).filter((f) => f.startsWith("w.duckdb"))).toEqual(["w.duckdb"]);
  });
});

describe("ingest() with a config, and other formats", () => {
  it("ingest() maps other column names, day-first dates and decimal commas from rapport.config.json", async () => {
    const {path, report} = await warehouseOf(
      {"crm-dump.csv": "Order No;Client;Date;Total\nA-1;k1;15/01/2024;1.234,50\nA-2;k2;03/02/2024;99,95\n"},
      {files: [{match: "crm-dump*.csv", entity: "orders", columns: {id: "Order No", customer_id: "Client", ordered_at: "Date", amount: "Total"}, dateFormats: "%d/%m/%Y", decimal: ","}]}
    );
    expect(report.files[0]).toMatchObject({source: "generic", entity: "orders", accepted: 2, rejected: 0});
    const rows = await withDuckDB((db) => db.all(`SELECT id, ordered_at, amount, status FROM orders ORDER BY id`), path);
    expect(rows).toEqual([
      {id: "A-1", ordered_at: new Date("2024-01-15T00:00:00Z"), amount: 1234.5, status: "completed"},
      {id: "A-2", ordered_at: new Date("2024-02-03T00:00:00Z"), amount: 99.95, status: "completed"}
    ]);
  });

  it("ingest() reads Parquet exports named after the entity", async () => {
    const dir = tempTree({});
    await withDuckDB((db) =>
      db.run(`COPY (SELECT 'o' || i AS id, 'c1' AS customer_id, TIMESTAMP '2024-01-01' + INTERVAL (i) DAY AS ordered_at, i * 1.5 AS amount FROM range(3) t(i)) TO '${dir}/orders.parquet' (FORMAT parquet)`)
    );
    const report = await ingest([dir], {cwd: dir, config: parseConfig({}), sources, warehouse: join(dir, "w.duckdb")});
    expect(report.files[0]).toMatchObject({path: "orders.parquet", read: 3, accepted: 3, rejected: 0});
    const rows = await withDuckDB((db) => db.all(`SELECT id, ordered_at, amount FROM orders ORDER BY id`), join(dir, "w.duckdb"));
    expect(rows[2]).toEqual({id: "o2", ordered_at: new Date("2024-01-03T00:00:00Z"), amount: 3});
  });

  it("ingest() reads JSON exports named after the entity", async () => {
    const {report} = await warehouseOf({"orders.json": JSON.stringify([{id: "o1", customer_id: "c1", ordered_at: "2024-01-01T10:00:00Z", amount: 10}, {id: "o2", customer_id: "c1", ordered_at: "bad", amount: 3}])}, lenient);
    expect(report.files[0]).toMatchObject({read: 2, accepted: 1, rejected: 1});
  });

  it("parseConfig(raw) reports every problem with its path", () => {
    expect(() => parseConfig({rejectThreshold: 2, files: [{match: "x", decimal: ";"}], extra: 1})).toThrow(/rejectThreshold: .*files\.0\.decimal: .*Unrecognized key/);
  });
});

describe("ingest({mirror: true}), as a build runs it", () => {
  const load = (dir: string) => ingest(["data"], {cwd: dir, config: parseConfig({}), sources, warehouse: "w.duckdb", mirror: true});
  const ids = (dir: string) => withDuckDB(async (db) => (await db.all<{id: string}>(`SELECT id FROM orders ORDER BY id`)).map((r) => r.id), join(dir, "w.duckdb"));

  it("ingest({mirror}) drops the rows of a file that was removed and of lines removed from a changed file", async () => {
    const dir = tempTree({
      "data/orders.csv": "id,customer_id,ordered_at,amount\no1,c1,2024-01-01,10\no2,c2,2024-01-02,20\n",
      "data/orders-extra.csv": "id,customer_id,ordered_at,amount\nx1,c3,2024-01-03,5\n"
    });
    await load(dir);
    expect(await ids(dir)).toEqual(["o1", "o2", "x1"]);
    writeFileSync(join(dir, "data/orders.csv"), "id,customer_id,ordered_at,amount\no1,c1,2024-01-01,10\n");
    const {rmSync} = await import("node:fs");
    rmSync(join(dir, "data/orders-extra.csv"));
    await load(dir);
    expect(await ids(dir)).toEqual(["o1"]);
    const customers = await withDuckDB((db) => db.all(`SELECT id FROM customers ORDER BY id`), join(dir, "w.duckdb"));
    expect(customers).toEqual([{id: "c1"}]);
  });

  it("ingest({mirror}) with nothing changed leaves the warehouse file untouched", async () => {
    const dir = tempTree({"data/orders.csv": "id,customer_id,ordered_at,amount\no1,c1,2024-01-01,10\n"});
    await load(dir);
    const {statSync} = await import("node:fs");
    const before = statSync(join(dir, "w.duckdb")).mtimeMs;
    const report = await load(dir);
    expect(report.files.map((f) => f.status)).toEqual(["unchanged"]);
    expect(statSync(join(dir, "w.duckdb")).mtimeMs).toBe(before);
  });
});

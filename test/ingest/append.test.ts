/**
 * The day after (src/ingest/append.ts): an export that only grew at its end is
 * loaded by its new rows, and the warehouse (every table, rows in order) and
 * the report are exactly those of a full load of the same files; anything
 * else is read whole, saying why.
 */
import {appendFileSync, cpSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {sources} from "../../loaders/index.js";
import {parseConfig} from "../../src/config.js";
import {ingest, type IngestReport} from "../../src/ingest/ingest.js";
import {withDuckDB} from "../../src/warehouse/duckdb.js";
import {tempTree} from "../support/fixtures.js";

const customers = ["id,created_at,name,segment,plan,region,channel", "c1,2024-01-01,Ann,SMB,basic,Europe,direct", "c2,2024-01-02,Bo,SMB,basic,Europe,direct", "c3,2024-01-03,Cy,SMB,pro,Asia,partner"].join("\n") + "\n";
const orders =
  [
    "id,customer_id,ordered_at,amount,currency,status",
    "o1,c1,2024-02-01,10,USD,completed", // line 2
    "o2,c2,2024-02-02,20,USD,completed", // line 3
    "o3,c1,2024-02-03,abc,USD,completed", // line 4: not a number
    "o2,c2,2024-02-02,20,USD,completed", // line 5: repeats line 3 exactly
    "o4,c3,2024-02-04,40,USD,refunded", // line 6
    "o5,c1,2024-02-05,5,USD" // line 7: too few fields
  ].join("\n") + "\n";
const nps = ["id,customer_id,responded_at,score,comment", "n1,c1,2024-03-01,9,great", "n2,c2,2024-03-02,3,slow", "n3,c3,2024-03-03,11,off scale"].join("\n") + "\n";

// The day after: new customers, orders and answers at the end of each export.
const newCustomers = ["c4,2024-04-01,Di,Enterprise,pro,Asia,direct", "c5,,Ed,SMB,basic,Europe,direct"].join("\n") + "\n";
const newOrders =
  [
    "o6,c4,2024-04-02,60,USD,completed", // line 8
    "o2,c2,2024-02-02,20,USD,completed", // line 9: repeats line 3 exactly (an old row)
    "o4,c3,2024-02-04,44,USD,refunded", // line 10: o4 again with other content (first at line 6, old)
    "o7,c9,2024-04-03,70,USD,completed", // line 11: unknown customer
    "o8,c5,2024-04-04,80,USD,completed", // line 12
    "o8,c5,2024-04-04,81,USD,completed", // line 13: o8 again with other content (first at line 12, new)
    "o9,c1,2031-01-01,90,USD,completed", // line 14: in the future
    "o10,c2,2024-04-05,1 000,USD,completed", // line 15: a thousands space, parsed
    "o11,c2,2024-04-05,5,USD,completed,extra" // line 16: too many fields
  ].join("\n") + "\n";
const newNps = "n4,c4,2024-04-03,10,love it\nn1,c1,2024-03-01,9,great\n";

const now = new Date("2026-11-01T00:00:00Z");
const later = new Date("2026-11-02T00:00:00Z");

async function load(dir: string, {at = later, config = {}, append = true, mirror = true} = {}): Promise<{report: IngestReport; log: string[]}> {
  const log: string[] = [];
  const report = await ingest(["data"], {cwd: dir, config: parseConfig({rejectThreshold: 1, ...config}), sources, warehouse: join(dir, "w.duckdb"), mirror, now: at, append, log: (l) => log.push(l)});
  return {report, log};
}

/** Every table of a warehouse but the ingest log (which says how each load read its files), rows in order. */
async function contents(dir: string): Promise<Record<string, unknown[]>> {
  return withDuckDB(async (db) => {
    const tables = await db.all<{name: string}>(`SELECT table_name AS name FROM duckdb_tables() WHERE NOT temporary AND table_name <> '_ingest_log' ORDER BY 1`);
    const out: Record<string, unknown[]> = {};
    for (const {name} of tables) out[name] = await db.all(`SELECT * FROM "${name}" ORDER BY ALL`);
    return out;
  }, join(dir, "w.duckdb"));
}

/** The report without what differs by design: seconds, and which part was read. */
const comparable = (report: IngestReport) => report.files.map(({seconds, appended, ...f}) => f);

/**
 * Day one loaded in two folders; day two's exports loaded in one by their new
 * rows and in the other by a full load (unchanged files skipped in both).
 */
async function twoDays(day2: (data: string) => void, config = {}, mirror = true): Promise<{appended: Awaited<ReturnType<typeof load>>; full: Awaited<ReturnType<typeof load>>; a: string; b: string}> {
  const a = tempTree({"data/customers.csv": customers, "data/orders.csv": orders, "data/nps_responses.csv": nps});
  const b = tempTree({});
  cpSync(join(a, "data"), join(b, "data"), {recursive: true});
  await load(a, {at: now, mirror});
  await load(b, {at: now, mirror});
  day2(join(a, "data"));
  day2(join(b, "data"));
  return {appended: await load(a, {config, mirror}), full: await load(b, {config, append: false, mirror}), a, b};
}

describe("ingest() of exports that only grew at their end", () => {
  it("ingest() appends only the new rows and gives the warehouse and report of a full load (duplicates old and new, unknown customers, future dates, unreadable lines)", async () => {
    const {appended, full, a, b} = await twoDays((data) => {
      appendFileSync(join(data, "customers.csv"), newCustomers);
      appendFileSync(join(data, "orders.csv"), newOrders);
      appendFileSync(join(data, "nps_responses.csv"), newNps);
    });
    const byPath = Object.fromEntries(appended.report.files.map((f) => [f.path, f]));
    expect(byPath["data/orders.csv"].appended).toEqual({fromByte: Buffer.byteLength(orders), fromLine: 8, read: 9});
    expect(byPath["data/customers.csv"].appended).toEqual({fromByte: Buffer.byteLength(customers), fromLine: 5, read: 2});
    expect(byPath["data/nps_responses.csv"].appended).toEqual({fromByte: Buffer.byteLength(nps), fromLine: 5, read: 2});
    expect(full.report.files.every((f) => f.appended === undefined)).toBe(true);
    expect(comparable(appended.report)).toEqual(comparable(full.report));
    expect(await contents(a)).toEqual(await contents(b));

    // The figures worked out by hand from the comments above: 15 lines read, 6 accepted.
    expect(byPath["data/orders.csv"]).toMatchObject({read: 15, accepted: 6, rejected: 9, skipped: 0});
    const rejects = await withDuckDB((db) => db.all(`SELECT line::INTEGER AS line, "column", value, reason FROM _rejects WHERE file = 'data/orders.csv' ORDER BY line`), join(a, "w.duckdb"));
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      [4, "not a number"],
      [5, "repeats line 3 exactly"],
      [7, "too few fields on the line (a truncated file?)"],
      [9, "repeats line 3 exactly"],
      [10, "duplicate id with different content (first at line 6)"],
      [11, "unknown customer (not in the customers export)"],
      [13, "duplicate id with different content (first at line 12)"],
      [14, "in the future: after 2026-11-09 (the load's day 2026-11-02 + maxDaysInFuture 7)"],
      [16, "too many fields on the line (an unquoted delimiter in a value?)"]
    ]);
    const npsRejects = await withDuckDB((db) => db.all(`SELECT line::INTEGER AS line, reason FROM _rejects WHERE file = 'data/nps_responses.csv' ORDER BY line`), join(a, "w.duckdb"));
    expect(npsRejects).toEqual([
      {line: 4, reason: "score out of range: must be between 0 and 10"},
      {line: 6, reason: "repeats line 2 exactly"}
    ]);
    const log = await withDuckDB((db) => db.all(`SELECT path, mode, from_byte::INTEGER AS "from", records::INTEGER AS records FROM _ingest_log ORDER BY loaded_at, path`), join(a, "w.duckdb"));
    expect(log.slice(3)).toEqual([
      {path: "data/customers.csv", mode: "append", from: Buffer.byteLength(customers), records: 2},
      {path: "data/nps_responses.csv", mode: "append", from: Buffer.byteLength(nps), records: 2},
      {path: "data/orders.csv", mode: "append", from: Buffer.byteLength(orders), records: 9}
    ]);
  });

  it("ingest() without mirror (rapport ingest: rows replaced by id, none removed) appends the same way", async () => {
    const {appended, full, a, b} = await twoDays((data) => {
      appendFileSync(join(data, "customers.csv"), newCustomers);
      appendFileSync(join(data, "orders.csv"), newOrders);
    }, {}, false);
    expect(appended.report.files.find((f) => f.path === "data/orders.csv")!.appended).toEqual({fromByte: Buffer.byteLength(orders), fromLine: 8, read: 9});
    expect(comparable(appended.report)).toEqual(comparable(full.report));
    expect(await contents(a)).toEqual(await contents(b));
  });

  it("ingest() reads a file whole when a row before its old end was rewritten, saying why, and still gives a full load's warehouse", async () => {
    const {appended, full, a, b} = await twoDays((data) => {
      writeFileSync(join(data, "orders.csv"), orders.replace("o4,c3,2024-02-04,40", "o4,c3,2024-02-04,41") + newOrders);
      appendFileSync(join(data, "customers.csv"), newCustomers);
    });
    const orderFile = appended.report.files.find((f) => f.path === "data/orders.csv")!;
    expect(orderFile.appended).toBeUndefined();
    expect(appended.log).toContain(`[2/3] data/orders.csv: read whole: changed within its first ${Buffer.byteLength(orders)} bytes (the part loaded last time)`);
    expect(appended.report.files.find((f) => f.path === "data/customers.csv")!.appended).toBeDefined();
    expect(comparable(appended.report)).toEqual(comparable(full.report));
    expect(await contents(a)).toEqual(await contents(b));
  });

  it("ingest() reads the rows checked against customers whole when the customers export was read whole", async () => {
    const {appended, full, a, b} = await twoDays((data) => {
      writeFileSync(join(data, "customers.csv"), customers.replace("c3,2024-01-03,Cy,SMB,pro,Asia,partner\n", "") + newCustomers); // c3 is gone: o4 is now an unknown customer's
      appendFileSync(join(data, "orders.csv"), newOrders);
    });
    expect(appended.log).toContain("[2/3] data/orders.csv: read whole: the customers export was read whole, so every row's customer is checked again");
    expect(comparable(appended.report)).toEqual(comparable(full.report));
    expect(await contents(a)).toEqual(await contents(b));
  });

  const cases: [string, (data: string) => void, object, string][] = [
    ["a shorter file", (d) => writeFileSync(join(d, "orders.csv"), orders.split("\n").slice(0, 4).join("\n") + "\n"), {}, `shorter than at the last load (${Buffer.byteLength(orders)} bytes)`],
    ["a changed header", (d) => writeFileSync(join(d, "orders.csv"), orders.replace("status\n", "Status\n") + newOrders), {}, `changed within its first ${Buffer.byteLength(orders)} bytes (the part loaded last time)`],
    ["a config change", (d) => appendFileSync(join(d, "orders.csv"), newOrders), {maxDaysInFuture: 3000}, "rapport.config.json (or --source) changed since the last load"]
  ];
  for (const [name, change, config, why] of cases) {
    it(`ingest() reads a file whole, saying why in one line, and gives a full load's warehouse: ${name}`, async () => {
      const {appended, full, a, b} = await twoDays(change, config);
      expect(appended.log).toContain(`[2/3] data/orders.csv: read whole: ${why}`);
      expect(comparable(appended.report)).toEqual(comparable(full.report));
      expect(await contents(a)).toEqual(await contents(b));
    });
  }

  it("ingest() reads a file whole when the warehouse was loaded by another version of rapport's ingest code", async () => {
    const a = tempTree({"data/orders.csv": orders});
    await load(a, {at: now});
    await withDuckDB((db) => db.run(`UPDATE _files SET code_version = 'an older one'`), join(a, "w.duckdb"));
    appendFileSync(join(a, "data/orders.csv"), newOrders);
    const {log, report} = await load(a);
    expect(log).toContain("[1/1] data/orders.csv: read whole: rapport's ingest code changed since the last load");
    expect(report.files[0]).toMatchObject({read: 15});
    expect(report.files[0].appended).toBeUndefined();
  });

  it("ingest() reads a file whole when its last line had no line break (the new bytes continue it)", async () => {
    const a = tempTree({"data/orders.csv": orders.trimEnd()});
    await load(a, {at: now});
    appendFileSync(join(a, "data/orders.csv"), "0\n" + newOrders);
    const {log, report} = await load(a);
    expect(log).toContain("[1/1] data/orders.csv: read whole: its last line at the last load had no line break, so the new bytes may continue it");
    expect(report.files[0]).toMatchObject({read: 15});
  });
});

describe("scanExport(path, {prefix})", () => {
  it("scanExport(path, {prefix}) hashes the first prefix bytes and counts their line ends, wherever the read's chunks (1 MB) cut them", async () => {
    const {scanExport} = await import("../../src/ingest/csv.js");
    const {createHash} = await import("node:crypto");
    const row = "o-0000001,c-00001,2024-01-01T00:00:00Z,12.50,USD,completed\n"; // 59 bytes
    const text = "id,customer_id,ordered_at,amount,currency,status\n" + row.repeat(60_000); // about 3.5 MB
    const dir = tempTree({"orders.csv": text});
    const bytes = Buffer.from(text);
    for (const prefix of [1 << 20, (1 << 20) + 1, (1 << 20) - 1, 2 * (1 << 20), bytes.length - row.length, bytes.length]) {
      const scan = await scanExport(join(dir, "orders.csv"), {prefix});
      const head = bytes.subarray(0, prefix);
      expect(scan.prefix, String(prefix)).toEqual({
        bytes: prefix,
        sha256: createHash("sha256").update(head).digest("hex"),
        lines: head.toString("latin1").split("\n").length - 1,
        wholeLines: head[head.length - 1] === 10
      });
      expect(scan.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
      expect(scan.csv!.lines).toBe(60_001);
    }
    expect((await scanExport(join(dir, "orders.csv"), {prefix: bytes.length + 1})).prefix).toBeUndefined();
  });
});

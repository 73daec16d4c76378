import {writeFileSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {sources} from "../../loaders/index.js";
import {parseConfig} from "../../src/config.js";
import {ingest, type IngestReport} from "../../src/ingest/ingest.js";
import {withDuckDB} from "../../src/warehouse/duckdb.js";
import {tempTree} from "../support/fixtures.js";

// Each file below is built so that its records are known by construction: n orders o1..on, order oi on line
// i + 1, and one planted fault. The expected counts are those numbers, not what the reader happened to give.
const header = "id,customer_id,ordered_at,amount,note";
const order = (i: number, note = "plain") => `o${i},c${i % 7},2024-01-${String((i % 28) + 1).padStart(2, "0")},${i % 100}.5,${note}`;
const lines = (n: number, note: (i: number) => string = () => "plain") => Array.from({length: n}, (_, i) => order(i + 1, note(i + 1)));

async function load(file: string | Buffer, config: Record<string, unknown> = {}) {
  const dir = tempTree({});
  writeFileSync(join(dir, "orders.csv"), file);
  const path = join(dir, "w.duckdb");
  const report = await ingest(["orders.csv"], {cwd: dir, config: parseConfig({rejectThreshold: 1, ...config}), sources, warehouse: path});
  const query = <T>(sql: string) => withDuckDB((db) => db.all<T>(sql), path);
  const rejects = await query<{line: number; reason: string}>(`SELECT line::INTEGER AS line, reason FROM _rejects ORDER BY line`);
  return {report, file: report.files[0], rejects, query};
}
const balanced = (report: IngestReport) => report.files.every((f) => f.read === f.accepted + f.rejected + f.skipped);

describe("ingest() reads CSV exports DuckDB's sniffer gets wrong, keeping every good record", () => {
  it("ingest(csv) takes quoted commas that first appear after row 30,000", async () => {
    const {report, file, rejects, query} = await load([header, ...lines(30_200, (i) => (i > 30_000 ? '"hello, world"' : "plain"))].join("\n") + "\n");
    expect(file).toMatchObject({read: 30_200, accepted: 30_200, rejected: 0});
    expect(rejects).toEqual([]);
    expect(balanced(report)).toBe(true);
    expect(await query(`SELECT id, _line::INTEGER AS line FROM orders WHERE id IN ('o30001', 'o30200') ORDER BY line`)).toEqual([
      {id: "o30001", line: 30_002},
      {id: "o30200", line: 30_201}
    ]);
  });

  it("ingest(csv) with one unclosed quote rejects that line only, and reads every record after it at its own line", async () => {
    const {report, file, rejects, query} = await load([header, ...lines(101, (i) => (i === 50 ? '"broken, no end' : '"ok, fine"'))].join("\n") + "\n");
    expect(file).toMatchObject({read: 101, accepted: 100, rejected: 1});
    expect(rejects.map((r) => r.line)).toEqual([51]);
    expect(rejects[0].reason).toMatch(/^broken quoting/);
    expect(balanced(report)).toBe(true);
    expect(await query(`SELECT id, _line::INTEGER AS line FROM orders WHERE id IN ('o49', 'o51', 'o101') ORDER BY line`)).toEqual([
      {id: "o49", line: 50},
      {id: "o51", line: 52},
      {id: "o101", line: 102}
    ]);
  });

  it("ingest(csv) of a file cut inside a quote rejects the cut record only", async () => {
    const {report, file, rejects} = await load([header, ...lines(101, () => '"ok, fine"'), 'o102,c1,2024-01-02,3.5,"cut off her'].join("\n"));
    expect(file).toMatchObject({read: 102, accepted: 101, rejected: 1});
    expect(rejects.map((r) => r.line)).toEqual([103]);
    expect(balanced(report)).toBe(true);
  });

  it("ingest(csv) rejects a line with a 4 MB field at its true line and reads the rest", async () => {
    const {report, file, rejects, query} = await load([header, ...lines(200, (i) => (i === 100 ? `"${"x".repeat(4 * 1024 * 1024)}"` : '"ok"'))].join("\n") + "\n");
    expect(file).toMatchObject({read: 200, accepted: 199, rejected: 1});
    expect(rejects).toEqual([{line: 101, reason: "line longer than 2 MB (a runaway value?)"}]);
    expect(balanced(report)).toBe(true);
    expect(await query(`SELECT _line::INTEGER AS line FROM orders WHERE id = 'o200'`)).toEqual([{line: 201}]);
  });

  it("ingest(csv) reads a file mixing LF, CRLF and CR line endings", async () => {
    const body = lines(99).map((l, i) => l + ["\n", "\r\n", "\r"][i % 3]).join("");
    const {report, file, query} = await load(`${header}\n${body}`);
    expect(file).toMatchObject({read: 99, accepted: 99, rejected: 0});
    expect(balanced(report)).toBe(true);
    expect(await query(`SELECT _line::INTEGER AS line, amount FROM orders WHERE id = 'o99'`)).toEqual([{line: 100, amount: 99.5}]);
  });

  it("ingest(csv) of a 5 MB file mixing line endings, with a broken quote near its end, loses only that line (chunk boundaries)", async () => {
    const body = lines(120_000, (i) => (i === 100_000 ? '"broken' : i % 5 === 0 ? '"a, b"' : "plain")).map((l, i) => l + ["\n", "\r\n", "\r"][i % 3]).join("");
    const {report, file, rejects, query} = await load(`${header}\r\n${body}`);
    expect(file).toMatchObject({read: 120_000, accepted: 119_999, rejected: 1});
    expect(rejects.map((r) => r.line)).toEqual([100_001]);
    expect(balanced(report)).toBe(true);
    expect(await query(`SELECT id, _line::INTEGER AS line FROM orders WHERE id IN ('o99999', 'o100001', 'o120000') ORDER BY line`)).toEqual([
      {id: "o99999", line: 100_000},
      {id: "o100001", line: 100_002},
      {id: "o120000", line: 120_001}
    ]);
  });

  it("ingest(csv) keeps true line numbers after a value that holds a line break", async () => {
    const {file, rejects, query} = await load([header, order(1, '"two\nlines"'), order(2), "o3,c1,not a date,1,x", ""].join("\n"));
    expect(file).toMatchObject({read: 3, accepted: 2, rejected: 1});
    expect(rejects.map((r) => r.line)).toEqual([5]);
    expect(await query(`SELECT id, _line::INTEGER AS line FROM orders ORDER BY id`)).toEqual([
      {id: "o1", line: 2},
      {id: "o2", line: 4}
    ]);
  });

  it("ingest(csv) keeps true line numbers after blank lines between records", async () => {
    const {file, query} = await load([header, order(1), "", order(2), "", "", order(3), "", ""].join("\n"));
    expect(file).toMatchObject({read: 3, accepted: 3, rejected: 0});
    expect(await query(`SELECT id, _line::INTEGER AS line FROM orders ORDER BY id`)).toEqual([
      {id: "o1", line: 2},
      {id: "o2", line: 4},
      {id: "o3", line: 7}
    ]);
    const leading = await load(["", "", header, order(1), order(2)].join("\n"));
    expect(leading.file).toMatchObject({read: 2, accepted: 2, rejected: 0});
    expect(await leading.query(`SELECT id, _line::INTEGER AS line FROM orders ORDER BY id`)).toEqual([
      {id: "o1", line: 4},
      {id: "o2", line: 5}
    ]);
  });

  const utf16 = `${header}\n${lines(20).join("\n").replaceAll("c3,", "René,")}\n`;
  const be = Buffer.from(utf16, "utf16le").swap16();
  for (const [name, bytes, config] of [
    ["UTF-16BE with a byte-order mark", Buffer.concat([Buffer.from([0xfe, 0xff]), be]), {}],
    ["UTF-16BE without one", be, {}],
    ['UTF-16BE with "encoding": "utf-16"', be, {files: [{match: "orders.csv", encoding: "utf-16"}]}],
    ["UTF-16LE without a byte-order mark", Buffer.from(utf16, "utf16le"), {}]
  ] as const) {
    it(`ingest(csv) reads ${name}`, async () => {
      const {file, query} = await load(bytes, config);
      expect(file).toMatchObject({read: 20, accepted: 20, rejected: 0});
      expect(await query(`SELECT DISTINCT customer_id FROM orders WHERE id IN ('o3', 'o10') ORDER BY 1`)).toEqual([{customer_id: "René"}]);
    });
  }

  it("ingest(csv) of Windows-1252 text says which encoding to set, and reads it once set", async () => {
    const bytes = Buffer.from(`${header}\n${lines(10).join("\n").replaceAll("c3,", "René,")}\n`, "latin1");
    const plain = await load(bytes);
    expect(plain.file).toMatchObject({read: 10, accepted: 8, rejected: 2});
    expect(plain.rejects.map((r) => r.line)).toEqual([4, 11]);
    expect(plain.rejects[0].reason).toMatch(/not valid UTF-8: set "encoding" .*"windows-1252"/);
    const set = await load(bytes, {files: [{match: "orders.csv", encoding: "windows-1252"}]});
    expect(set.file).toMatchObject({read: 10, accepted: 10, rejected: 0});
  });
});

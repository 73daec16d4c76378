import {csvParse} from "d3";
import {afterEach, beforeAll, describe, expect, it, vi} from "vitest";
import {checkCalibrationEnd, suggestedEnd} from "../../src/cli/clv.js";
import {exitCodes, main} from "../../src/cli/main.js";
import {metricParts} from "../../src/cli/metrics.js";
import {metricNames} from "../../src/metrics/registry.js";
import {outputFormat} from "../../src/cli/output.js";
import {decimals, formatCsv, formatTable, partsOf} from "../../src/format/table.js";
import {warehouseOf} from "../support/warehouse.js";

afterEach(() => vi.restoreAllMocks());

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((s) => (err.push(String(s)), true));
  return {out: () => out.join(""), err: () => err.join("")};
}

describe("partsOf, formatTable, formatCsv", () => {
  it("partsOf(value) names each table by its path, plain values as key/value parts, null beside arrays as no rows", () => {
    const parts = partsOf({
      unit: "week",
      fit: {r: 0.25, nested: {a: 1}},
      rows: [{x: 1}, {x: 2, y: "b"}],
      none: null,
      words: {good: [{w: "fast"}], bad: []}
    });
    expect(parts.map((p) => [p.path, p.columns, p.rows.length])).toEqual([
      ["summary", ["key", "value"], 1],
      ["fit", ["key", "value"], 2],
      ["rows", ["x", "y"], 2],
      ["none", [], 0],
      ["words.good", ["w"], 1],
      ["words.bad", [], 0]
    ]);
    expect(parts[1].rows).toEqual([{key: "r", value: 0.25}, {key: "nested.a", value: 1}]);
    expect(partsOf([{a: 1}]).map((p) => p.path)).toEqual([""]);
  });

  it("formatTable(part) aligns columns, right-aligns numbers with one number of decimals a column, days for midnight dates", () => {
    const text = formatTable({
      columns: ["cohort", "customers", "rate", "revenue"],
      rows: [
        {cohort: new Date("2026-01-01T00:00:00Z"), customers: 1200, rate: 1, revenue: 1981.04},
        {cohort: new Date("2026-02-01T00:00:00Z"), customers: 7, rate: 0.0833333, revenue: null}
      ]
    });
    expect(text).toBe(
      ["cohort      customers   rate  revenue", "2026-01-01      1,200  1.000  1,981.0", "2026-02-01          7  0.083", ""].join("\n")
    );
    expect(decimals([1, 2, null])).toBe(0);
    expect(decimals([0.5, 12.25])).toBe(2);
    expect(formatTable({columns: ["a"], rows: []})).toBe("(no rows)\n");
  });

  it("formatCsv(part) quotes per RFC 4180 and keeps full precision", () => {
    const csv = formatCsv({columns: ["name", "share", "day", "list"], rows: [{name: 'a, "b"', share: 21.052631578947366, day: new Date("2026-03-01T00:00:00Z"), list: [1, 2]}, {name: "c", share: NaN}]});
    expect(csv).toBe('name,share,day,list\n"a, ""b""",21.052631578947366,2026-03-01,"[1,2]"\nc,,,\n');
  });

  it("outputFormat(values, isTTY) is a table on a terminal, JSON when piped, and what --format or --json asks", () => {
    expect(outputFormat({}, true)).toBe("table");
    expect(outputFormat({}, false)).toBe("json");
    expect(outputFormat({json: true}, true)).toBe("json");
    expect(outputFormat({format: "csv"}, true)).toBe("csv");
    expect(() => outputFormat({format: "xml"}, true)).toThrow(/--format must be table, csv or json, not "xml"/);
    expect(() => outputFormat({format: "csv", json: true}, true)).toThrow(/disagree/);
  });
});

describe("rapport metrics --format and --part", () => {
  // Three customers: c1 orders in January and February, c2 in January only, c3 in February.
  // By hand, monthly cohorts: January has 2 customers, 2 active at k = 0 (rate 1) and 1 at k = 1 (rate 0.5);
  // February has 1 customer, active at k = 0 (rate 1).
  let dir: string;
  beforeAll(async () => {
    ({dir} = await warehouseOf({
      "customers.csv": "id,created_at,segment\nc1,2026-01-01,SMB\nc2,2026-01-01,Enterprise\nc3,2026-02-01,SMB\n",
      "orders.csv": "id,customer_id,ordered_at,amount\no1,c1,2026-01-05,10\no2,c1,2026-02-07,20\no3,c2,2026-01-09,30\no4,c3,2026-02-11,40\n",
      "nps_responses.csv": "id,customer_id,responded_at,score\nn1,c1,2026-01-05,10\nn2,c1,2026-01-20,6\nn3,c2,2026-01-21,9\n"
    }));
  });
  const run = (...args: string[]) => main(["metrics", ...args, "--warehouse", "warehouse.duckdb"], dir);

  it("--part triangle --format csv prints the cohort triangle's rows", async () => {
    const io = capture();
    expect(await run("retention", "--part", "triangle", "--format", "csv")).toBe(exitCodes.ok);
    const rows = csvParse(io.out()).map((r) => [r.cohort, r.k, r.customers, r.retained, r.rate]);
    expect(rows).toEqual([
      ["2026-01-01", "0", "2", "2", "1"],
      ["2026-01-01", "1", "2", "1", "0.5"],
      ["2026-02-01", "0", "1", "1", "1"]
    ]);
  });

  it("--format table prints every part under its name, numbers aligned", async () => {
    const io = capture();
    expect(await run("retention", "--format", "table")).toBe(exitCodes.ok);
    const text = io.out();
    expect(text).toMatch(/^triangle \(3 rows\)\ncohort\s+group\s+k\s+customers\s+retained\s+rate/);
    expect(text).toMatch(/\n2026-01-01\s+all\s+1\s+2\s+1\s+0\.500\s/);
    expect(text).toMatch(/\nrepeatRate \(2 rows\)\n[\s\S]*\nchurn \([\s\S]*\nrecurringRevenue \(0 rows\)\n\(no rows\)/);
    expect(text).not.toMatch(/^\s*[{[]/);
  });

  it("--format json (and --json, and a pipe) prints JSON; --part narrows it", async () => {
    let io = capture();
    expect(await run("nps", "--by", "segment", "--format", "json")).toBe(exitCodes.ok);
    const rows = JSON.parse(io.out());
    expect(rows.map((r: {group: string; nps: number}) => [r.group, r.nps])).toEqual([
      ["Enterprise", 100],
      ["SMB", 0]
    ]);
    vi.restoreAllMocks();
    io = capture();
    expect(await run("retention", "--part", "repeatRate")).toBe(exitCodes.ok); // not a terminal: JSON
    expect(JSON.parse(io.out()).map((r: {cohort: string; repeaters: number}) => [r.cohort.slice(0, 10), r.repeaters])).toEqual([
      ["2026-01-01", 1],
      ["2026-02-01", 0]
    ]);
  });

  it("an unknown part, or CSV of several parts, is a usage error naming the parts", async () => {
    const io = capture();
    expect(await run("retention", "--part", "pyramid")).toBe(exitCodes.usage);
    expect(await run("retention", "--format", "csv")).toBe(exitCodes.usage);
    expect(await run("nps", "--part", "x")).toBe(exitCodes.usage);
    expect(io.err()).toMatch(/no part "pyramid"; its parts are triangle, repeatRate, churn, recurringRevenue/);
    expect(io.err()).toMatch(/--format csv prints one table: pick one with --part \(triangle, repeatRate, churn, recurringRevenue\)/);
    expect(io.err()).toMatch(/metrics nps prints a single table/);
  });

  it("metricParts, listed in rapport metrics --help, are the parts each metric prints", async () => {
    const {computeMetric} = await import("../../src/metrics/registry.js");
    const {readWarehouse} = await import("../../src/warehouse/read.js");
    for (const name of metricNames) {
      const result = await readWarehouse((db) => computeMetric(db, name, {}), `${dir}/warehouse.duckdb`);
      const paths = partsOf(result).map((p) => p.path);
      const listed = metricParts[name].startsWith("one table") ? [""] : metricParts[name].replace(/ \([^)]*\)/g, "").split(", ");
      expect(paths, name).toEqual(listed);
    }
    const io = capture();
    expect(await main(["metrics", "--help"])).toBe(exitCodes.ok);
    expect(io.out()).toMatch(/^Usage: rapport metrics NAME \[options\][\s\S]*retention\s+triangle, repeatRate[\s\S]*--format F[\s\S]*--part PATH[\s\S]*--warehouse FILE[\s\S]*RAPPORT_TRACE_SQL/);
  });
});

describe("rapport COMMAND --help and shared options", () => {
  it("every command has its own --help, with the options it takes", async () => {
    const io = capture();
    for (const name of ["build", "check", "clv", "ingest", "metrics", "pdf", "preview", "sample", "serve"]) {
      expect(await main([name, "--help"]), name).toBe(exitCodes.ok);
    }
    const text = io.out();
    expect(text).toMatch(/Usage: rapport build \[options\][\s\S]*--wait SECONDS[\s\S]*RAPPORT_DATA[\s\S]*RAPPORT_PSEUDONYM_KEY/);
    expect(text).toMatch(/Usage: rapport serve \[DIR\] \[options\][\s\S]*--host H/);
    expect(text).toMatch(/Usage: rapport pdf \[PAGE\.\.\.\] \[options\][\s\S]*--out FILE[\s\S]*RAPPORT_CHROMIUM/);
  });

  it("rapport --help documents --warehouse for the commands that read it, and every environment variable", async () => {
    const io = capture();
    expect(await main(["--help"])).toBe(exitCodes.ok);
    expect(io.out()).toMatch(/--warehouse FILE .*\(clv, ingest, metrics\)/);
    expect(io.out()).toMatch(/--host H .*\(preview, serve\)/);
    for (const v of ["RAPPORT_DATA", "RAPPORT_WAREHOUSE", "RAPPORT_PSEUDONYM_KEY", "RAPPORT_TRACE_SQL", "RAPPORT_DEBUG", "RAPPORT_LOCK_WAIT", "RAPPORT_CHROMIUM"]) expect(io.out()).toContain(v);
  });

  it("an option a command does not read is refused, not ignored", async () => {
    const io = capture();
    expect(await main(["build", "--warehouse", "x.duckdb"])).toBe(exitCodes.usage);
    expect(io.err()).toMatch(/Unknown option '--warehouse' \(build does not take it\)\nRun rapport build --help/);
  });
});

describe("rapport clv fit --calibration-end", () => {
  it("a calibration end before the first order is a usage error that says which dates work", async () => {
    const {dir} = await warehouseOf({
      "customers.csv": "id,created_at\nc1,2025-01-01\nc2,2025-01-01\n",
      "orders.csv": "id,customer_id,ordered_at,amount\no1,c1,2025-01-05,10\no2,c1,2025-06-07,20\no3,c2,2025-03-09,30\no4,c2,2026-01-11,40\n"
    });
    const io = capture();
    expect(await main(["clv", "fit", "--calibration-end", "1997-09-30", "--unit", "week", "--warehouse", "warehouse.duckdb"], dir)).toBe(exitCodes.usage);
    expect(await main(["clv", "fit", "--calibration-end", "2026-01-11", "--warehouse", "warehouse.duckdb"], dir)).toBe(exitCodes.usage);
    expect(io.err()).toMatch(/^rapport: --calibration-end 1997-09-30 is before the first order \(2025-01-05\): nothing to fit on; pick a day between 2025-01-05 and 2026-01-11, e\.g\. 2025-09-30/);
    expect(io.err()).toMatch(/--calibration-end 2026-01-11 is on or after the last order \(2026-01-11\): no holdout/);
    expect(io.err()).not.toMatch(/internal error|\n\s+at /);
  });

  it("suggestedEnd(first, last) is the month end two thirds of the way; checkCalibrationEnd accepts a day inside", () => {
    // 2023-11-02 → 2026-10-31 is 1,094 days; two thirds is 729 days on, 2025-10-31, itself a month end.
    expect(suggestedEnd("2023-11-02", "2026-10-31")).toBe("2025-10-31");
    expect(suggestedEnd("2025-01-05", "2026-01-11")).toBe("2025-09-30");
    expect(() => checkCalibrationEnd("2025-10-31", {first: "2023-11-02", last: "2026-10-31"})).not.toThrow();
  });
});

/**
 * The end-to-end benchmark at smoke size: `npm run bench -- --customers 10000`
 * runs every stage (generate, DuckDB alone, ingest, every metric, CLV fit,
 * site build, pages in Chromium) and writes a well-formed results file and
 * table, then the day after (1% new orders appended, and the refresh again). Targets are not asserted: at this size fixed costs dominate. It took 135 s
 * on a quiet 2-core machine (after the loaders grew this session), so its limit is 280 s.
 */
import {spawnSync} from "node:child_process";
import {mkdtempSync, readFileSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {beforeAll, describe, expect, it} from "vitest";
import type {BenchResults} from "../../bench/report.js";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const out = mkdtempSync(join(tmpdir(), "rapport-bench-test-"));
let results: BenchResults;
let readme: string;

beforeAll(() => {
  writeFileSync(
    join(out, "README.md"),
    "# Benchmarks\n\nBefore.\n\n<!-- bench:run 10000 -->\nold\n<!-- /bench:run 10000 -->\n\n<!-- bench:run 1000000 -->\nmillion\n<!-- /bench:run 1000000 -->\n\nAfter.\n"
  );
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", "bench/run.ts", "--customers", "10000", "--out", join(out, "results.json"), "--readme", join(out, "README.md")],
    {cwd: repo, encoding: "utf-8", timeout: 440_000}
  );
  if (run.status !== 0) throw new Error(`npm run bench failed (${run.status ?? run.signal}):\n${run.stderr.slice(-3000)}`);
  results = JSON.parse(readFileSync(join(out, "results.json"), "utf-8"));
  readme = readFileSync(join(out, "README.md"), "utf-8");
}, 450_000);

describe("npm run bench -- --customers 10000", () => {
  it("generates the requested CRM with the sample generator: 10 orders, 0.5 NPS answers and 1 ticket per customer, give or take", () => {
    const {size} = results;
    expect(size.customers).toBe(10_000);
    expect(size.orders / size.customers).toBeGreaterThan(8.5);
    expect(size.orders / size.customers).toBeLessThan(11.5);
    expect(size.nps_responses / size.customers).toBeGreaterThan(0.4);
    expect(size.nps_responses / size.customers).toBeLessThan(0.6);
    expect(size.tickets / size.customers).toBeGreaterThan(0.85);
    expect(size.tickets / size.customers).toBeLessThan(1.15);
    expect(size.csvBytes).toBeGreaterThan(size.orders * 40);
  });

  it("records the machine and runs every stage, each with its time, peak memory and ratio to DuckDB alone", () => {
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(results.machine.node).toBe(process.version);
    expect(Date.parse(results.machine.date)).toBeGreaterThan(Date.parse("2024-01-01"));
    expect(Object.keys(results.baseline.parts)).toEqual(["read_csv", "retention", "revenue", "nps"]);
    expect(results.baseline.seconds).toBeGreaterThan(0);
    const names = results.stages.map((s) => s.name);
    expect(names).toEqual(["generate", "ingest", "metric retention", "metric nps", "metric service", "metric scorecard", "metric emotion", "metric clv", "clv fit", "site build"]);
    for (const s of results.stages) {
      expect(s.seconds, s.name).toBeGreaterThan(0);
      expect(s.peakRssMB, s.name).toBeGreaterThan(30);
      expect(s.ratio, s.name).toBeCloseTo(s.seconds / results.baseline.seconds, 10);
    }
    // The site build's peak counts Framework and its data loaders, not just the parent.
    expect(results.stages.find((s) => s.name === "site build")!.peakRssMB).toBeGreaterThan(results.stages.find((s) => s.name === "ingest")!.peakRssMB);
  });

  it("ingests every generated record and none is rejected", () => {
    const ingest = results.stages.find((s) => s.name === "ingest")!;
    const {size} = results;
    expect(ingest.info.accepted).toBe(size.customers + size.orders + size.nps_responses + size.tickets);
    expect(ingest.info.rejected).toBe(0);
  });

  it("sums the pipeline (ingest, every metric, CLV fit) against the 1.5x and 4 GB targets", () => {
    const inPipeline = results.stages.filter((s) => s.inPipeline);
    expect(inPipeline.map((s) => s.name)).toEqual(results.pipeline.stages);
    expect(results.pipeline.seconds).toBeCloseTo(inPipeline.reduce((s, r) => s + r.seconds, 0), 10);
    expect(results.pipeline.peakRssMB).toBe(Math.max(...inPipeline.map((s) => s.peakRssMB)));
    expect(results.pipeline.targets).toEqual({ratio: 1.5, peakRssMB: 4096});
  });

  it("times the day after: 1% new orders at the end of the orders export, loaded by their new rows, then the refresh, as a share of the full one", () => {
    const d = results.dayAfter!;
    expect(d.addedOrders).toBe(Math.round(results.size.orders * 0.01));
    // The orders export had a header and one line per order: the new rows start on the line after.
    expect(d.appended).toMatchObject({fromLine: results.size.orders + 2, read: d.addedOrders});
    expect(Object.keys(d.parts)).toEqual([...results.pipeline.stages, "site build"]);
    expect(d.seconds).toBeGreaterThanOrEqual(Object.values(d.parts).reduce((s, x) => s + x, 0));
    const siteBuild = results.stages.find((s) => s.name === "site build")!;
    expect(d.refreshSeconds).toBeCloseTo(results.pipeline.seconds + siteBuild.seconds, 10);
    expect(d.share).toBeCloseTo(d.seconds / d.refreshSeconds, 10);
    expect(readme).toContain(`| **day after: ${d.addedOrders.toLocaleString("en")} new orders (1%)`);
  });

  it("measures every page of the built site: compressed bytes and the time until its charts are drawn", () => {
    const paths = results.pages.map((p) => p.path);
    expect(paths).toContain("/");
    expect(paths).toContain("/retention");
    for (const p of results.pages) {
      expect(p.requests, p.path).toBeGreaterThan(0);
      expect(p.gzipBytes, p.path).toBeGreaterThan(1000);
      expect(p.gzipBytes, p.path).toBeLessThan(p.bytes);
      expect(p.chartsDrawnMs, p.path).toBeGreaterThan(0);
    }
    // The Overview draws its revenue and channel charts.
    expect(results.pages.find((p) => p.path === "/")!.charts).toBeGreaterThan(1);
  });

  it("writes the table in the README's section of its size and leaves the other sizes and the rest as they were", () => {
    expect(readme.startsWith("# Benchmarks\n\nBefore.\n\n<!-- bench:run 10000 -->\n### 10,000 customers\n\n10,000 customers")).toBe(true);
    expect(readme.endsWith("<!-- /bench:run 10000 -->\n\n<!-- bench:run 1000000 -->\nmillion\n<!-- /bench:run 1000000 -->\n\nAfter.\n")).toBe(true);
    expect(readme).not.toContain("\nold\n");
    for (const s of results.stages) expect(readme).toContain(`| ${s.name === "generate" ? "generate the CSVs" : s.name}`);
    for (const p of results.pages) expect(readme).toContain(`| ${p.path} |`);
  });
});

import {rmSync, writeFileSync, readFileSync} from "node:fs";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {computeResults} from "../../src/results/compute.js";
import {tableNames} from "../../src/results/tables.js";
import {resultsStore} from "../../src/warehouse/results.js";
import {loaderOutput, publishedOutputs, referenceFile, sampleWarehouse, sha256} from "../support/published.js";

// Every data file the sample site publishes and 17 `rapport metrics` outputs, byte for byte, against
// reference hashes (test/support/published.ts --write makes them). The one difference allowed is
// freshness.json's builtAt, the build's clock, replaced before hashing.
// The reference was first made from the code before the compute-once refactor (b1aa40e), and the
// refactor matched it byte for byte. It was remade once, at the merge of 2026-12-02, after comparing
// every output of that merge with b1aa40e's (both on one thread); the 8 that differ, and why:
// - retention.arrow, activity-groups.arrow, monthly-activity.arrow: strings dictionary-encoded; the
//   decoded rows are identical (apache-arrow tableFromIPC, every row compared);
// - voice.json, metrics emotion: the emotion score's interval is the score interval (was Wald);
// - metrics retention: revenueRate in the last bit (e.g. 0.10283647044350129 → …126), sums taken in
//   another order since the customers are joined only for a breakdown (customersJoinSql);
// - clv.json, metrics clv: for the same reason Gamma-Gamma's optimiser stops at a point 4e-8 away
//   (p 2.6380733 → 2.6380732; mean 12-month CLV 86.991776 → 86.991773).
// Remade again on 2026-12-02 (session of 04:08), after comparing every output with the code before (ef696e7):
// - notebook-starter.json: new (the Explore starter's Markdown rendered at build time);
// - metrics retention (monthly, and quarterly by segment, region and channel): revenueRate only, in the last
//   bit (at most 1.3e-15 of its value; e.g. 0.10283647044350126 → …125): each customer's orders are summed
//   per period before the cohort is joined (stepsSql, read once per refresh). Every other field of these
//   outputs, and every published file (retention.arrow rounds the rate to 4 decimals), is byte-identical.
// Remade on 2026-12-03: notebook-starter.json only (the starter's first text cell now says "whole months only
// (`NOT incomplete`)", the activity table's new column); every other output is unchanged.
// DuckDB runs on one thread here and for the reference (RAPPORT_DUCKDB_THREADS=1): with several, sums of
// doubles add up in an order that varies from run to run, and the old code itself gave two different
// `rapport metrics retention` outputs on one warehouse (a few last digits of revenue rates and CLV sums).
process.env.RAPPORT_DUCKDB_THREADS = "1";

describe("published tables", () => {
  let dir: string;
  let warehouse: string;
  let first: Awaited<ReturnType<typeof computeResults>>;
  beforeAll(async () => {
    ({dir, warehouse} = await sampleWarehouse());
    first = await computeResults(warehouse);
  }, 300_000);
  afterAll(() => rmSync(dir, {recursive: true, force: true}));

  it("computeResults(path) computes every published table once, and nothing when nothing changed", async () => {
    expect(first.computed).toEqual(tableNames);
    const again = await computeResults(warehouse);
    expect(again.key).toBe(first.key);
    expect(again.computed).toEqual([]);
  }, 300_000);

  it("every loader output and rapport metrics output is byte-identical to the code before the refactor", async () => {
    const reference = JSON.parse(readFileSync(referenceFile, "utf-8")) as Record<string, {sha256: string; bytes: number}>;
    const outputs = await publishedOutputs(warehouse);
    const changed: string[] = [];
    for (const [name, bytes] of outputs) {
      if (reference[name]?.sha256 === sha256(bytes)) continue;
      changed.push(`${name} (${bytes.length} bytes, was ${reference[name]?.bytes})`);
      writeFileSync(join(dir, "..", `published-${name.replace(/\W+/g, "-")}-changed`), bytes);
    }
    expect(changed).toEqual([]);
    expect([...outputs.keys()].sort()).toEqual(Object.keys(reference).sort());
  }, 600_000);

  it("a data loader writes its stored table, byte for byte", async () => {
    expect(resultsStore(warehouse, first.key).read("groups.json")).toEqual(await loaderOutput(warehouse, "groups.json.ts"));
  }, 120_000);
});

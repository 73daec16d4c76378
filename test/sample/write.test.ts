import {mkdtempSync, readFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {formatCsv} from "../../src/sample/csv.js";
import {generateSample, simulateSample} from "../../src/sample/generate.js";
import {sampleScale} from "../../src/sample/scale.js";
import {writeSample} from "../../src/sample/write.js";

const repo = new URL("../..", import.meta.url).pathname;
const entities = ["customers", "orders", "nps_responses", "tickets"] as const;

describe("writeSample", () => {
  it("writeSample(dir, {customers: 3000, seed: 42}) writes data/sample/ byte for byte", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rapport-sample-"));
    await writeSample(dir, {customers: 3000, seed: 42});
    for (const e of entities) expect(readFileSync(join(dir, `${e}.csv`)).equals(readFileSync(join(repo, "data", "sample", `${e}.csv`))), e).toBe(true);
  });

  it("writeSample(dir, options) writes what formatCsv(generateSample(options)) gives, for scaled options too", async () => {
    const options = {customers: 500, seed: 3, activity: 3.5, surveys: 0.5, tickets: 2};
    const dir = mkdtempSync(join(tmpdir(), "rapport-sample-"));
    const counts = await writeSample(dir, options);
    const data = generateSample(options);
    for (const e of entities) {
      expect(readFileSync(join(dir, `${e}.csv`), "utf-8"), e).toBe(formatCsv(data[e]));
      expect(counts[join(dir, `${e}.csv`)]).toBe(data[e].length);
    }
  });
});

describe("sampleScale", () => {
  it("sampleScale(targets, options) aims the generator at orders, answers and tickets per customer", () => {
    const options = {customers: 4000, seed: 11};
    const scale = sampleScale({ordersPerCustomer: 6, responsesPerCustomer: 0.4, ticketsPerCustomer: 1.5}, options, 2000);
    expect(scale.activity).toBeGreaterThan(1);
    const counts = {orders: 0, responses: 0, tickets: 0};
    simulateSample({...options, ...scale}, {customer() {}, order: () => ++counts.orders, response: () => ++counts.responses, ticket: () => ++counts.tickets});
    expect(counts.orders / 4000).toBeGreaterThan(6 * 0.9);
    expect(counts.orders / 4000).toBeLessThan(6 * 1.1);
    expect(counts.responses / 4000).toBeGreaterThan(0.4 * 0.85);
    expect(counts.responses / 4000).toBeLessThan(0.4 * 1.15);
    expect(counts.tickets / 4000).toBeGreaterThan(1.5 * 0.9);
    expect(counts.tickets / 4000).toBeLessThan(1.5 * 1.1);
  });

  it("sampleScale({}, options) leaves the generator as it is, and refuses fewer than one order a customer", () => {
    expect(sampleScale({}, {customers: 10, seed: 1})).toEqual({activity: 1, surveys: 1, tickets: 1});
    expect(() => sampleScale({ordersPerCustomer: 0.5}, {customers: 10, seed: 1})).toThrow(/at least 1/);
  });
});

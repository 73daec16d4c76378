import {describe, expect, it} from "vitest";
import {pooledNps} from "../../reports/components/npsMath.js";
import {npsFromCounts} from "../../src/metrics/nps.js";

describe("pooledNps(rows)", () => {
  it("equals npsFromCounts on the summed counts", () => {
    const rows = [
      {promoters: 40, passives: 25, detractors: 10},
      {promoters: 12, passives: 30, detractors: 33},
      {promoters: 0, passives: 1, detractors: 7}
    ];
    const pooled = pooledNps(rows);
    const reference = npsFromCounts({promoters: 52, passives: 56, detractors: 50});
    expect(pooled.responses).toBe(158);
    expect(pooled.nps).toBeCloseTo(reference.nps!, 12);
    expect(pooled.moe).toBeCloseTo(reference.moe!, 12);
  });

  it("treats withheld rows (no counts) as nothing and gives undefined without responses", () => {
    expect(pooledNps([{}, {}]).nps).toBeUndefined();
    expect(pooledNps([{promoters: 3}, {}]).nps).toBe(100);
  });
});

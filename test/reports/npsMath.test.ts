import {describe, expect, it} from "vitest";
import {pooledNps, scoreInterval} from "../../reports/components/npsMath.js";
import {npsFromCounts} from "../../src/metrics/nps.js";
import {npsScoreInterval} from "../../src/metrics/npsStats.js";

describe("pooledNps(rows)", () => {
  it("equals npsFromCounts on the summed counts, score interval included", () => {
    const rows = [
      {promoters: 40, passives: 25, detractors: 10},
      {promoters: 12, passives: 30, detractors: 33},
      {promoters: 0, passives: 1, detractors: 7}
    ];
    const pooled = pooledNps(rows);
    const reference = npsFromCounts({promoters: 52, passives: 56, detractors: 50});
    expect(pooled.responses).toBe(158);
    expect(pooled.nps).toBeCloseTo(reference.nps!, 12);
    expect(pooled.low).toBeCloseTo(reference.low!, 12);
    expect(pooled.high).toBeCloseTo(reference.high!, 12);
  });

  it("scoreInterval is npsScoreInterval on every outcome of 12 answers, and the scipy reference on 2/0/1", () => {
    for (let a = 0; a <= 12; ++a) {
      for (let b = 0; a + b <= 12; ++b) {
        const mine = scoreInterval(a, b, 12 - a - b);
        const node = npsScoreInterval({promoters: a, passives: b, detractors: 12 - a - b})!;
        expect([mine.low, mine.high]).toEqual([node.low, node.high]);
      }
    }
    // test/fixtures/stats/nps_reference.py
    expect(scoreInterval(2, 0, 1).low).toBeCloseTo(-58.468079, 4);
    expect(scoreInterval(2, 0, 1).high).toBeCloseTo(87.701611, 4);
  });

  it("treats withheld rows (no counts) as nothing and gives undefined without responses", () => {
    expect(pooledNps([{}, {}]).nps).toBeUndefined();
    expect(pooledNps([{promoters: 3}, {}]).nps).toBe(100);
  });
});

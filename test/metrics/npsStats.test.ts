import {describe, expect, it} from "vitest";
import {npsFromCounts, z95, type NpsCounts} from "../../src/metrics/nps.js";
import {benjaminiHochberg, npsChangeTest, npsScoreInterval, normalUpperTail} from "../../src/metrics/npsStats.js";

// Reference figures: test/fixtures/stats/nps_reference.py (scipy brentq / minimize_scalar /
// multivariate_hypergeom), an implementation independent of the one under test.
const referenceIntervals: [NpsCounts, number, number][] = [
  [{promoters: 5, passives: 3, detractors: 2}, -21.65922, 67.527789],
  [{promoters: 1, passives: 1, detractors: 1}, -69.240474, 69.240474],
  [{promoters: 3, passives: 0, detractors: 0}, -12.299405, 100],
  [{promoters: 0, passives: 0, detractors: 3}, -100, 12.299406],
  [{promoters: 0, passives: 0, detractors: 10}, -100, -44.493441],
  [{promoters: 10, passives: 0, detractors: 0}, 44.49344, 100],
  [{promoters: 2, passives: 0, detractors: 1}, -58.468079, 87.701611],
  [{promoters: 30, passives: 40, detractors: 30}, -15.08095, 15.08095],
  [{promoters: 120, passives: 50, detractors: 80}, 4.939282, 26.637772]
];

/** Exact coverage: the probability, summed over every outcome of n answers, that the interval holds the true NPS. */
function coverage(intervals: Map<string, {low: number; high: number}>, n: number, [pP, pN, pD]: number[]): number {
  const logF = [0];
  for (let i = 1; i <= n; ++i) logF[i] = logF[i - 1] + Math.log(i);
  const truth = 100 * (pP - pD);
  let covered = 0;
  for (let a = 0; a <= n; ++a) {
    for (let b = 0; a + b <= n; ++b) {
      const c = n - a - b;
      const log = logF[n] - logF[a] - logF[b] - logF[c] + (a ? a * Math.log(pP) : 0) + (b ? b * Math.log(pN) : 0) + (c ? c * Math.log(pD) : 0);
      const i = intervals.get(`${a},${b},${c}`)!;
      if (i.low - 1e-9 <= truth && truth <= i.high + 1e-9) covered += Math.exp(log);
    }
  }
  return covered;
}

function allIntervals(n: number, interval: (c: NpsCounts) => {low: number; high: number}) {
  const out = new Map<string, {low: number; high: number}>();
  for (let a = 0; a <= n; ++a) for (let b = 0; a + b <= n; ++b) out.set(`${a},${b},${n - a - b}`, interval({promoters: a, passives: b, detractors: n - a - b}));
  return out;
}

// True mixes of promoters, passives and detractors: typical, balanced and lopsided ones.
const mixes = [
  [0.5, 0.3, 0.2], [0.3, 0.4, 0.3], [0.6, 0.3, 0.1], [0.2, 0.3, 0.5], [0.4, 0.2, 0.4], [0.7, 0.2, 0.1],
  [0.8, 0.15, 0.05], [0.1, 0.2, 0.7], [0.33, 0.34, 0.33], [0.45, 0.35, 0.2], [0.9, 0.05, 0.05], [0.25, 0.5, 0.25]
];

describe("npsScoreInterval", () => {
  it("npsScoreInterval(counts) matches the scipy reference to 1e-4 points", () => {
    for (const [counts, low, high] of referenceIntervals) {
      const i = npsScoreInterval(counts)!;
      expect(i.low).toBeCloseTo(low, 4);
      expect(i.high).toBeCloseTo(high, 4);
    }
  });

  it("npsScoreInterval(counts) stays inside [−100, 100] and has width where every answer is in one category", () => {
    const three = npsScoreInterval({promoters: 0, passives: 0, detractors: 3})!;
    expect(three.low).toBe(-100);
    expect(three.high).toBeGreaterThan(-100);
    // The Wald margin on 3 answers of 1 each runs to 140 (the Enterprise Dec 2023 case had [−73, 140]).
    const wald = npsFromCounts({promoters: 2, passives: 0, detractors: 1});
    expect(wald.nps! + wald.moe!).toBeGreaterThan(100);
    const score = npsScoreInterval({promoters: 2, passives: 0, detractors: 1})!;
    expect(score.high).toBeLessThanOrEqual(100);
    expect(npsScoreInterval({promoters: 0, passives: 0, detractors: 0})).toBeUndefined();
  });

  it("npsScoreInterval covers the true NPS at least 94% of the time at n = 10, 30 and 100 (exact enumeration), where the Wald margin does not", () => {
    const wald = (c: NpsCounts) => {
      const f = npsFromCounts(c);
      return {low: f.nps! - f.moe!, high: f.nps! + f.moe!};
    };
    for (const n of [10, 30, 100]) {
      const score = allIntervals(n, (c) => npsScoreInterval(c)!);
      const covs = mixes.map((m) => coverage(score, n, m));
      expect(Math.min(...covs), `n = ${n}`).toBeGreaterThanOrEqual(0.94);
    }
    const waldAt10 = allIntervals(10, wald);
    expect(Math.min(...mixes.map((m) => coverage(waldAt10, 10, m)))).toBeLessThan(0.9);
  });
});

describe("npsChangeTest", () => {
  it("npsChangeTest(a, b) gives the exact permutation p-value scipy's multivariate hypergeometric gives", () => {
    const cases: [NpsCounts, NpsCounts, number][] = [
      [{promoters: 2, passives: 1, detractors: 3}, {promoters: 4, passives: 1, detractors: 1}, 0.37229437],
      [{promoters: 0, passives: 0, detractors: 3}, {promoters: 5, passives: 3, detractors: 2}, 0.06993007],
      [{promoters: 10, passives: 8, detractors: 12}, {promoters: 15, passives: 9, detractors: 6}, 0.12585591],
      [{promoters: 1, passives: 0, detractors: 0}, {promoters: 3, passives: 4, detractors: 3}, 0.63636364],
      [{promoters: 40, passives: 30, detractors: 30}, {promoters: 55, passives: 25, detractors: 20}, 0.03885796]
    ];
    for (const [a, b, p] of cases) {
      const t = npsChangeTest(a, b)!;
      expect(t.method).toBe("exact");
      expect(t.p).toBeCloseTo(p, 7);
    }
  });

  it("npsChangeTest(a, b) does not call three detractors against ten answers a change, which the z-test with SE 0 did", () => {
    const t = npsChangeTest({promoters: 0, passives: 0, detractors: 3}, {promoters: 5, passives: 3, detractors: 2})!;
    expect(t.change).toBeCloseTo(130, 9);
    expect(t.p).toBeGreaterThan(0.05);
  });

  it("npsChangeTest(a, b) uses the pooled-variance z-test for large periods", () => {
    const big = npsChangeTest({promoters: 400, passives: 300, detractors: 300}, {promoters: 450, passives: 280, detractors: 270})!;
    expect(big.method).toBe("normal");
    // Change 18 − 10 = 8 points; pooled p_P = 0.425, p_D = 0.285 → SE = 100·√((0.71 − 0.0196)·(2/1000)) = 3.71591;
    // scipy: 2·norm.sf(8 / 3.71591) = 0.03132625.
    expect(big.change).toBeCloseTo(8, 9);
    expect(big.p).toBeCloseTo(0.03132625, 6);
    expect(normalUpperTail(z95)).toBeCloseTo(0.025, 7);
  });
});

describe("benjaminiHochberg", () => {
  it("benjaminiHochberg(p) rejects the first four of Benjamini & Hochberg's (1995) fifteen p-values at q = 0.05", () => {
    const p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528, 0.759, 1];
    const {discovery, adjusted} = benjaminiHochberg(p);
    expect(discovery.filter(Boolean).length).toBe(4);
    expect(discovery.slice(0, 4)).toEqual([true, true, true, true]);
    expect(adjusted[3]).toBeCloseTo((0.0095 * 15) / 4, 12);
    expect(adjusted[4]).toBeCloseTo(Math.min((0.0201 * 15) / 5, (0.0459 * 15) / 9), 12);
  });

  it("benjaminiHochberg(p) skips undefined p-values and flags nothing when no test passes", () => {
    const {discovery, adjusted} = benjaminiHochberg([undefined, 0.2, 0.01, NaN], 0.05);
    expect(discovery).toEqual([false, false, true, false]);
    expect(adjusted[0]).toBeUndefined();
    expect(adjusted[2]).toBeCloseTo(0.02, 12);
    expect(benjaminiHochberg([0.5, 0.6]).discovery).toEqual([false, false]);
  });
});

/**
 * NPS from counts, in the browser: pooling the counts of the periods a reader
 * picks gives the figure for the whole range. The same definition as
 * src/metrics/nps.ts (npsFromCounts) and the same 95% score interval as
 * src/metrics/npsStats.ts (npsScoreInterval), which the loaders use and
 * test/reports/npsMath.test.ts holds this copy to: NPS = 100 × (promoters −
 * detractors) / responses; [low, high] = the values d of NPS for which
 * n (d̂ − d)² ≤ 1.96² V(d), V(d) the trinomial variance at the shares that
 * maximise the likelihood given NPS = d. Always inside ±100, never of width 0.
 * Kept here because pages may only import from inside the Framework root.
 */
export interface Counts {
  promoters: number;
  passives: number;
  detractors: number;
}

export interface PooledNps extends Counts {
  responses: number;
  nps: number | undefined;
  /** 95% score interval, in points. */
  low: number | undefined;
  high: number | undefined;
}

const z95 = 1.959963984540054;

export function pooledNps(rows: Iterable<Partial<Counts>>): PooledNps {
  let promoters = 0;
  let passives = 0;
  let detractors = 0;
  for (const r of rows) {
    promoters += r.promoters ?? 0;
    passives += r.passives ?? 0;
    detractors += r.detractors ?? 0;
  }
  const responses = promoters + passives + detractors;
  if (responses === 0) return {promoters, passives, detractors, responses, nps: undefined, low: undefined, high: undefined};
  const {low, high} = scoreInterval(promoters, passives, detractors);
  return {promoters, passives, detractors, responses, nps: (100 * (promoters - detractors)) / responses, low, high};
}

/** npsScoreInterval of src/metrics/npsStats.ts, line for line. */
export function scoreInterval(promoters: number, passives: number, detractors: number, z = z95): {low: number; high: number} {
  const n = promoters + passives + detractors;
  const estimate = (promoters - detractors) / n;
  const inside = (d: number) => {
    const t = restrictedDetractorShare(promoters, passives, detractors, d);
    const variance = t + d + t - d * d;
    return n * (estimate - d) ** 2 <= z * z * variance + 1e-15;
  };
  const end = (from: number, to: number) => {
    if (inside(to)) return to;
    let a = from;
    let b = to;
    for (let i = 0; i < 60; ++i) {
      const m = (a + b) / 2;
      if (inside(m)) a = m;
      else b = m;
    }
    return a;
  };
  return {low: 100 * end(estimate, -1), high: 100 * end(estimate, 1)};
}

function restrictedDetractorShare(nP: number, nN: number, nD: number, d: number): number {
  const low = Math.max(0, -d);
  const high = (1 - d) / 2;
  const slope = (t: number) => (nP ? nP / (t + d) : 0) - (nN ? (2 * nN) / (1 - d - 2 * t) : 0) + (nD ? nD / t : 0);
  let a = low + 1e-12;
  let b = high - 1e-12;
  if (!(b > a)) return low;
  if (slope(a) <= 0) return a;
  if (slope(b) >= 0) return b;
  for (let i = 0; i < 100; ++i) {
    const m = (a + b) / 2;
    if (slope(m) > 0) a = m;
    else b = m;
  }
  return (a + b) / 2;
}

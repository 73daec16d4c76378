/**
 * NPS from counts, in the browser: pooling the counts of the periods a reader
 * picks gives the figure for the whole range. The same definition as
 * src/metrics/nps.ts (npsFromCounts), which the loaders use and a unit test
 * holds this copy to: NPS = 100 × (promoters − detractors) / responses; 95%
 * margin = 1.96 × 100 × √((p_P + p_D − (p_P − p_D)²) / n). Kept here because
 * pages may only import from inside the Framework root.
 */
export interface Counts {
  promoters: number;
  passives: number;
  detractors: number;
}

export interface PooledNps extends Counts {
  responses: number;
  nps: number | undefined;
  moe: number | undefined;
}

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
  if (responses === 0) return {promoters, passives, detractors, responses, nps: undefined, moe: undefined};
  const pP = promoters / responses;
  const pD = detractors / responses;
  const moe = 1.959963984540054 * 100 * Math.sqrt((pP + pD - (pP - pD) ** 2) / responses);
  return {promoters, passives, detractors, responses, nps: 100 * (pP - pD), moe};
}

/**
 * Satisfaction from counts, in the browser: pooling the periods a reader picks. The same definitions as
 * src/metrics/satisfaction.ts, which the loaders use and a unit test holds this copy to. Kept here
 * because pages may only import from inside the Framework root.
 */
/** Pools period rows (same scale) into one figure per group: counts and sums add up. */
export function pooledSatisfaction(rows: readonly {ratings: number; topTwo: number; mean: number}[]): {ratings: number; topTwo: number; topTwoShare: number; mean: number} | undefined {
  const ratings = rows.reduce((n, d) => n + d.ratings, 0);
  if (!ratings) return undefined;
  const topTwo = rows.reduce((n, d) => n + d.topTwo, 0);
  return {ratings, topTwo, topTwoShare: topTwo / ratings, mean: rows.reduce((s, d) => s + d.mean * d.ratings, 0) / ratings};
}

/** The 95% Wilson score interval of k/n, as src/metrics/satisfaction.ts computes it. */
export function wilson(k: number, n: number, z = 1.959963984540054): [number, number] {
  if (n === 0) return [NaN, NaN];
  const p = k / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return [k === 0 ? 0 : Math.max(0, centre - half), k === n ? 1 : Math.min(1, centre + half)];
}

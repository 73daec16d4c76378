/**
 * Satisfaction from star ratings and reviews (the `ratings` table: score on its own scale
 * scale_min…scale_max, e.g. Olist's 1–5 stars). Ratings are not NPS and are never converted to it.
 *
 * - count: ratings in the period (and group).
 * - mean: the mean score on the rating's own scale, with a 95% Student-t interval
 *   mean ± t(0.975, n − 1) × s / √n (s the sample standard deviation).
 * - top-two boxes: the share of ratings in the two highest points of the scale
 *   (score ≥ scale_max − 1: 4–5 of 1–5, 6–7 of 1–7, 9–10 of 1–10), with the 95% Wilson score
 *   interval (Wilson 1927; Brown, Cai & DasGupta 2001, Statistical Science 16(2)), which stays
 *   inside 0–1 and keeps its coverage at small n.
 * - Rows of different scales are never pooled: each (period, group, scale) is its own row.
 * - Edge cases: no ratings table or no ratings gives no rows; n = 1 has no interval for the mean
 *   (undefined); groups with fewer than minResponses ratings are flagged `small`.
 */
import {z95} from "./nps.js";
import {customersJoinSql, groupSql, periodEndSql, periodSql, type Breakdown, type Period} from "./periods.js";

export interface RatingCountRow {
  period: Date;
  group: string;
  scale_min: number;
  scale_max: number;
  n: number;
  sum: number;
  sumSquares: number;
  topTwo: number;
  incomplete: boolean;
}

export interface SatisfactionRow {
  period: Date;
  group: string;
  scaleMin: number;
  scaleMax: number;
  ratings: number;
  mean: number;
  meanLow: number | undefined;
  meanHigh: number | undefined;
  topTwo: number;
  topTwoShare: number;
  topTwoLow: number;
  topTwoHigh: number;
  incomplete: boolean;
  small: boolean;
}

/** SQL: ratings summed per period, group and scale, with the incomplete-period flag. */
export function ratingCountsSql({period, by}: {period: Period; by?: Breakdown}): string {
  return `WITH counted AS (
  SELECT ${periodSql(period, "r.rated_at")} AS period, ${groupSql(by)} AS "group", r.scale_min::INTEGER AS scale_min, r.scale_max::INTEGER AS scale_max,
    count(*)::INTEGER AS n, sum(r.score)::DOUBLE AS sum, sum(r.score * r.score)::DOUBLE AS "sumSquares",
    count(*) FILTER (WHERE r.score >= r.scale_max - 1)::INTEGER AS "topTwo"
  FROM ratings r${customersJoinSql(by, "r.customer_id")}
  WHERE r.score IS NOT NULL
  GROUP BY ALL
)
SELECT counted.*, ${periodEndSql(period, "period")} > (SELECT max(rated_at)::DATE FROM ratings) AS incomplete
FROM counted ORDER BY "group", scale_min, scale_max, period`;
}

/** satisfaction(rows, {minResponses}): count, mean and top-two-box share with 95% intervals per row. */
export function satisfaction(rows: readonly RatingCountRow[], {minResponses = 30} = {}): SatisfactionRow[] {
  return rows.map((r) => {
    const mean = r.sum / r.n;
    const variance = r.n > 1 ? Math.max(0, (r.sumSquares - r.n * mean * mean) / (r.n - 1)) : NaN;
    const margin = r.n > 1 ? studentT975(r.n - 1) * Math.sqrt(variance / r.n) : undefined;
    const [low, high] = wilson(r.topTwo, r.n);
    return {
      period: r.period,
      group: r.group,
      scaleMin: r.scale_min,
      scaleMax: r.scale_max,
      ratings: r.n,
      mean,
      meanLow: margin === undefined ? undefined : Math.max(r.scale_min, mean - margin),
      meanHigh: margin === undefined ? undefined : Math.min(r.scale_max, mean + margin),
      topTwo: r.topTwo,
      topTwoShare: r.topTwo / r.n,
      topTwoLow: low,
      topTwoHigh: high,
      incomplete: r.incomplete,
      small: r.n < minResponses
    };
  });
}

/** wilson(k, n): the 95% Wilson score interval of the proportion k/n. */
export function wilson(k: number, n: number, z = z95): [number, number] {
  if (n === 0) return [NaN, NaN];
  const p = k / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = ((z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n)));
  return [k === 0 ? 0 : Math.max(0, centre - half), k === n ? 1 : Math.min(1, centre + half)];
}

/**
 * studentT975(df): the 97.5th percentile of Student's t, by the Cornish–Fisher expansion in 1/df
 * (Abramowitz & Stegun 26.7.5); within 3e-4 of the exact value for df ≥ 5 (scipy: 2.570582 at df 5), which the minimum
 * group size guarantees. Hand-written because no installed library ships a t quantile.
 */
export function studentT975(df: number): number {
  if (!(df >= 1)) return NaN;
  const z = z95;
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  const g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384;
  const g4 = (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

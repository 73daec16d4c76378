/**
 * Inference for NPS that holds at the small counts a segment-month has:
 * a score interval, an exact test for a change, and false-discovery control
 * over the many changes a page shows.
 *
 * Why not the textbook margin (NPS ± 1.96·SE): at n = 10 it covers the true
 * NPS 87% of the time on average (65% at 90% promoters), it has width 0 when
 * every answer falls in one category, and it runs past ±100. The score
 * interval below covers at least 94.5% on the grid of true mixes the unit test
 * enumerates exactly at n = 10, 30 and 100, never leaves [−100, 100] and
 * never has width 0.
 */
import {z95, type NpsCounts} from "./nps.js";
import {logChoose} from "../models/special.js";

export interface Interval {
  /** Lower and upper bound, in NPS points (−100 … +100). */
  low: number;
  high: number;
}

/**
 * npsScoreInterval(counts[, z]): the score interval for NPS = 100 (p_P − p_D).
 *
 * Method: the set of values d for which the score statistic
 * n (d̂ − d)² / V(d) ≤ z², where V(d) = p̃_P + p̃_D − d² is the trinomial
 * variance at the maximum-likelihood shares p̃ restricted to p_P − p_D = d
 * (Tango-type inversion, as Miettinen & Nurminen 1985 do for two binomials;
 * Newcombe 1998 for why score intervals beat Wald at small n). The
 * restricted maximum is the root of a concave log-likelihood's derivative,
 * found by bisection; the ends by bisection on d.
 *
 * Units: NPS points. Edge cases: no responses gives undefined. Checked in
 * test/metrics/npsStats.test.ts against an independent scipy computation
 * (test/fixtures/stats/nps_reference.py) and by exact coverage.
 */
export function npsScoreInterval({promoters, passives, detractors}: NpsCounts, z = z95): Interval | undefined {
  const n = promoters + passives + detractors;
  if (!(n > 0)) return undefined;
  const estimate = (promoters - detractors) / n;
  const inside = (d: number) => {
    const t = restrictedDetractorShare(promoters, passives, detractors, d);
    const variance = t + d + t - d * d;
    return n * (estimate - d) ** 2 <= z * z * variance + 1e-15;
  };
  const end = (from: number, to: number) => {
    // `from` is inside, `to` is the bound ±1; find the last inside value.
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

/** The detractor share t maximising the trinomial likelihood when p_P = t + d, p_D = t. */
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

export interface ChangeTest {
  /** NPS of b minus NPS of a, in points. */
  change: number;
  /** Two-sided p-value of "the two periods have the same mix of answers". */
  p: number;
  method: "exact" | "normal";
}

/** Largest number of tables the exact test enumerates before it uses the normal approximation. */
const exactLimit = 250_000;

/**
 * npsChangeTest(a, b): is the change from NPS(a) to NPS(b) larger than chance?
 *
 * Method: conditional on the pooled counts of promoters, passives and
 * detractors and on each period's number of answers, every split of the
 * answers between the periods is equally likely under "no change"
 * (multivariate hypergeometric); the p-value is the probability of a change
 * at least as large in absolute value as the one seen (an exact permutation
 * test, as Fisher's exact test is for 2×2 tables). When the smaller period
 * has so many answers that there are more than 250,000 splits, the score
 * (pooled-variance) z-test, which is accurate there, stands in.
 *
 * Units: change in NPS points; p in 0–1. Edge cases: a period without
 * answers gives undefined. Reference: permutation p-values from
 * test/fixtures/stats/nps_reference.py (scipy's multivariate_hypergeom).
 */
export function npsChangeTest(a: NpsCounts, b: NpsCounts): ChangeTest | undefined {
  const n1 = a.promoters + a.passives + a.detractors;
  const n2 = b.promoters + b.passives + b.detractors;
  if (!(n1 > 0 && n2 > 0)) return undefined;
  const change = 100 * ((b.promoters - b.detractors) / n2 - (a.promoters - a.detractors) / n1);
  const P = a.promoters + b.promoters;
  const N = a.passives + b.passives;
  const D = a.detractors + b.detractors;
  const n = n1 + n2;
  // Enumerate the smaller period's splits.
  const [x, m] = n1 <= n2 ? [a, n1] : [b, n2];
  const first = x === a;
  if ((m + 1) * (m + 2) / 2 <= exactLimit) {
    const logTotal = logChoose(n, m);
    const observed = Math.abs(change);
    let p = 0;
    for (let pr = Math.max(0, m - N - D); pr <= Math.min(P, m); ++pr) {
      for (let de = Math.max(0, m - pr - N); de <= Math.min(D, m - pr); ++de) {
        const pa = m - pr - de;
        const npsSmall = (pr - de) / m;
        const npsLarge = (P - pr - (D - de)) / (n - m);
        const c = 100 * (first ? npsLarge - npsSmall : npsSmall - npsLarge);
        if (Math.abs(c) >= observed - 1e-9) p += Math.exp(logChoose(P, pr) + logChoose(N, pa) + logChoose(D, de) - logTotal);
      }
    }
    return {change, p: Math.min(1, p), method: "exact"};
  }
  const pP = P / n;
  const pD = D / n;
  const se = 100 * Math.sqrt((pP + pD - (pP - pD) ** 2) * (1 / n1 + 1 / n2));
  const zStat = se === 0 ? 0 : change / se;
  return {change, p: se === 0 ? 1 : 2 * normalUpperTail(Math.abs(zStat)), method: "normal"};
}

/**
 * benjaminiHochberg(p[, q]): which of m tests to call discoveries so that the
 * expected share of false ones among them stays at most q (default 0.05).
 * Sorts p ascending, finds the largest k with p₍ₖ₎ ≤ k q / m, and flags the k
 * smallest. Also gives each test its adjusted p-value (q-value). NaN or
 * undefined p-values are not tests: they count in no m and are never flagged.
 * Source: Benjamini & Hochberg (1995), JRSS B 57(1), 289–300.
 */
export function benjaminiHochberg(p: readonly (number | undefined)[], q = 0.05): {discovery: boolean[]; adjusted: (number | undefined)[]} {
  const tests = p.flatMap((v, i) => (v === undefined || Number.isNaN(v) ? [] : [{v, i}])).sort((x, y) => x.v - y.v);
  const m = tests.length;
  const discovery = p.map(() => false);
  const adjusted: (number | undefined)[] = p.map(() => undefined);
  let k = 0;
  tests.forEach((t, j) => {
    if (t.v <= ((j + 1) * q) / m) k = j + 1;
  });
  for (let j = 0; j < k; ++j) discovery[tests[j].i] = true;
  let running = 1;
  for (let j = m - 1; j >= 0; --j) {
    running = Math.min(running, (tests[j].v * m) / (j + 1));
    adjusted[tests[j].i] = running;
  }
  return {discovery, adjusted};
}

/** P(Z > x) for a standard normal, via the complementary error function (Numerical Recipes erfcc, |error| < 1.2e-7). */
export function normalUpperTail(x: number): number {
  const zAbs = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * zAbs);
  const r =
    t *
    Math.exp(
      -zAbs * zAbs - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
    );
  const erfc = x >= 0 ? r : 2 - r;
  return erfc / 2;
}

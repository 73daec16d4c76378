/**
 * MBG/NBD: the modified BG/NBD of Batislam, Denizel & Filiztekin (2007),
 * "Empirical validation and comparison of models for customer base
 * analysis", International Journal of Research in Marketing 24(3).
 *
 * As BG/NBD (bgnbd.ts), except that a customer may also drop out right after
 * the first purchase, not only after repeat ones. So a one-time buyer who has
 * been silent for a long time is no longer certainly alive (BG/NBD gives every
 * x = 0 customer P(alive) = 1 by construction), and the model predicts fewer
 * purchases from old one-time buyers. Same data (x, t_x, T, weighted by n),
 * same parameters: λ ~ Gamma(r, α), p ~ Beta(a, b).
 *
 * Likelihood of a customer (the same paper, and lifetimes' ModifiedBetaGeoFitter):
 *   L = B(a, b + x + 1)/B(a, b) · Γ(r + x) α^r / Γ(r)
 *       · [(α + T)^−(r+x) + a/(b + x) · (α + t_x)^−(r+x)]
 */
import {perDenominator, type BgNbdParameters, type FitSummary, type RfmGroup} from "./bgnbd.js";
import {hyp2f1Each, lgamma} from "./special.js";

export type MbgNbdParameters = BgNbdParameters;

export interface MbgNbdFit extends MbgNbdParameters, FitSummary {}

/** The log-likelihood as a function of the parameters, with the gamma terms computed once per distinct x and call. */
export function prepareMbgNbd(groups: readonly RfmGroup[]): (params: MbgNbdParameters) => number {
  const xs = [...new Set(groups.map((g) => g.x))];
  const xIndex = new Map(xs.map((x, i) => [x, i]));
  const ids = Int32Array.from(groups, (g) => xIndex.get(g.x)!);
  const n = Float64Array.from(groups, (g) => g.n ?? 1);
  const xOf = Float64Array.from(groups, (g) => g.x);
  const base = new Float64Array(xs.length);
  const c4 = new Float64Array(xs.length);
  // ln(α + T) and ln(α + t_x) once per distinct value and call, as bgnbd.ts does.
  const times = [...new Set(groups.flatMap((g) => [g.T, g.t_x]))];
  const timeIndex = new Map(times.map((t, i) => [t, i]));
  const TIds = Int32Array.from(groups, (g) => timeIndex.get(g.T)!);
  const txIds = Int32Array.from(groups, (g) => timeIndex.get(g.t_x)!);
  const lnTime = new Float64Array(times.length);
  return ({r, alpha, a, b}) => {
    times.forEach((t, i) => (lnTime[i] = Math.log(alpha + t)));
    const lnAlpha = Math.log(alpha);
    const lnA = Math.log(a);
    xs.forEach((xi, i) => {
      base[i] = lgamma(r + xi) - lgamma(r) + r * lnAlpha + lgamma(a + b) + lgamma(b + xi + 1) - lgamma(b) - lgamma(a + b + xi + 1);
      c4[i] = lnA - Math.log(b + xi);
    });
    let total = 0;
    for (let g = 0; g < n.length; ++g) {
      const i = ids[g];
      const rx = r + xOf[g];
      const a3 = -rx * lnTime[TIds[g]];
      const a4 = c4[i] - rx * lnTime[txIds[g]];
      total += n[g] * (base[i] + (a3 > a4 ? a3 + Math.log1p(Math.exp(a4 - a3)) : a4 + Math.log1p(Math.exp(a3 - a4))));
    }
    return total;
  };
}

export function mbgnbdLogLikelihood(params: MbgNbdParameters, groups: readonly RfmGroup[]): number {
  return prepareMbgNbd(groups)(params);
}

/** P(alive | x, t_x, T) = 1 / (1 + a/(b + x) · ((α + T)/(α + t_x))^(r+x)); below 1 also for one-time buyers. */
export function mbgnbdProbabilityAlive({r, alpha, a, b}: MbgNbdParameters, {x, t_x, T}: RfmGroup): number {
  return 1 / (1 + (a / (b + x)) * Math.pow((alpha + T) / (alpha + t_x), r + x));
}

/** E[Y(t) | x, t_x, T]: expected purchases in the next t (Batislam et al. 2007, eq. 7). */
export function mbgnbdExpectedPurchases(params: MbgNbdParameters, t: number, customer: RfmGroup): number {
  return mbgnbdExpectedPurchasesEach(params, [t], customer)[0];
}

/** mbgnbdExpectedPurchases at each horizon of ts (0 where t ≤ 0): the t-free part once, every t's ₂F₁ together (hyp2f1Each). */
export function mbgnbdExpectedPurchasesEach(params: MbgNbdParameters, ts: readonly number[], customer: RfmGroup): number[] {
  const denominator = mbgnbdAliveDenominator(params, customer);
  return perDenominator(mbgnbdExpectedPurchasesIfAlive(params, ts, customer), ts, denominator);
}

/** The numerators of mbgnbdExpectedPurchasesEach: they depend on x and T only (as bgnbd.ts's expectedPurchasesIfAlive). */
export function mbgnbdExpectedPurchasesIfAlive({r, alpha, a, b}: MbgNbdParameters, ts: readonly number[], {x, T}: Pick<RfmGroup, "x" | "T">): number[] {
  const ahead = ts.filter((t) => !(t <= 0)); // the horizons the map below computes (NaN included, as before)
  const series = hyp2f1Each(r + x, b + x + 1, a + b + x, ahead.map((t) => t / (alpha + T + t)));
  let k = 0;
  return ts.map((t) => (t <= 0 ? 0 : ((a + b + x) / (a - 1)) * (1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * series[k++])));
}

/** 1 / P(alive | x, t_x, T) under MBG/NBD: mbgnbdExpectedPurchasesEach's denominator. */
export function mbgnbdAliveDenominator({r, alpha, a, b}: MbgNbdParameters, {x, t_x, T}: RfmGroup): number {
  return 1 + (a / (b + x)) * Math.pow((alpha + T) / (alpha + t_x), r + x);
}

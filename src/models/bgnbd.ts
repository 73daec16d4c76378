/**
 * BG/NBD: the beta-geometric / negative binomial distribution model of repeat
 * purchases (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy
 * Way", Marketing Science 24(2)).
 *
 * While alive, a customer buys at rate λ ~ Gamma(r, α); after each purchase
 * they drop out with probability p ~ Beta(a, b). A customer is summarised by
 * x (repeat purchases in the calibration period), t_x (time of the last
 * purchase since the first) and T (time from the first purchase to the end of
 * calibration), all in one time unit (days or weeks; parameters are in that
 * unit: α scales with it). Customers with identical (x, t_x, T) share a
 * likelihood term, so fitting works on weighted groups: a million customers
 * have a few hundred thousand distinct triples at most.
 *
 * Fit (purchases.ts, fitPurchaseModel): maximum likelihood on the logs of the
 * four parameters within [1e-5, 1e5] (optimize.ts: Nelder–Mead to the optimum's
 * neighbourhood, then Newton's method; Nelder–Mead restarts when the optimum is
 * on a bound); a parameter that ends on a bound is named in atBound. On the CDNOW sample it reproduces the paper's r = 0.243,
 * α = 4.414, a = 0.793, b = 2.426, LL = −9582.4 (test/models).
 */
import type {FitStatus} from "./optimize.js";
import {hyp2f1, hyp2f1Each, lgamma} from "./special.js";

export interface RfmGroup {
  /** Repeat purchases in the calibration period. */
  x: number;
  /** Time of the last purchase after the first (0 when x = 0). */
  t_x: number;
  /** Time from the first purchase to the end of the calibration period. */
  T: number;
  /** How many customers have this (x, t_x, T); 1 if omitted. */
  n?: number;
}

export interface BgNbdParameters {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** How a maximum-likelihood fit of a purchase model ended (src/models/purchases.ts, fitPurchaseModel). */
export interface FitSummary {
  logLikelihood: number;
  customers: number;
  /** The optimiser's iterations in all (Nelder–Mead's, then Newton's steps). */
  iterations: number;
  /** True only when the optimiser settled inside the parameter bounds (status "converged"). */
  converged: boolean;
  /** "at-bound": a parameter ended on a bound of [1e-5, 1e5] (see atBound); "iteration-limit": the optimiser ran out of iterations. */
  status: FitStatus;
  /** The parameters that ended on a bound: the model degenerates there (e.g. a → 0: nobody drops out). */
  atBound: string[];
}

export interface BgNbdFit extends BgNbdParameters, FitSummary {}

/** The log-likelihood of the groups under params (weighted by n). */
export function bgnbdLogLikelihood(params: BgNbdParameters, groups: readonly RfmGroup[]): number {
  return prepare(groups)(params);
}

/**
 * Returns the log-likelihood as a function of the parameters, with the data
 * indexed once: the gamma-function terms depend on x only, and ln(α + T),
 * ln(α + t_x) on the distinct values of T and t_x only, which a large customer
 * base has few of (days in its history); so a call costs one exp and one log
 * per group, whatever the number of customers in it.
 */
export function prepare(groups: readonly RfmGroup[]): (params: BgNbdParameters) => number {
  const index = (values: number[]) => {
    const distinct = [...new Set(values)];
    const position = new Map(distinct.map((v, i) => [v, i]));
    return {distinct, ids: Int32Array.from(values, (v) => position.get(v)!)};
  };
  const xs = index(groups.map((g) => g.x));
  const Ts = index(groups.map((g) => g.T));
  const txs = index(groups.map((g) => g.t_x));
  const n = Float64Array.from(groups, (g) => g.n ?? 1);
  const lnT = new Float64Array(Ts.distinct.length);
  const lnTx = new Float64Array(txs.distinct.length);
  const base = new Float64Array(xs.distinct.length);
  const c4 = new Float64Array(xs.distinct.length);
  return ({r, alpha, a, b}) => {
    const lnBetaAB = lgamma(a) + lgamma(b) - lgamma(a + b);
    const lnAlpha = Math.log(alpha);
    xs.distinct.forEach((x, i) => {
      base[i] = lgamma(r + x) - lgamma(r) + r * lnAlpha + lgamma(a) + lgamma(b + x) - lgamma(a + b + x) - lnBetaAB;
      c4[i] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : -Infinity;
    });
    Ts.distinct.forEach((T, i) => (lnT[i] = Math.log(alpha + T)));
    txs.distinct.forEach((t, i) => (lnTx[i] = Math.log(alpha + t)));
    let total = 0;
    for (let g = 0; g < n.length; ++g) {
      const xi = xs.ids[g];
      const rx = r + xs.distinct[xi];
      const a3 = -rx * lnT[Ts.ids[g]];
      const a4 = c4[xi] - rx * lnTx[txs.ids[g]];
      // ln(e^a3 + e^a4) with one exp and one log
      total += n[g] * (base[xi] + (a3 > a4 ? a3 + Math.log1p(Math.exp(a4 - a3)) : a4 + Math.log1p(Math.exp(a3 - a4))));
    }
    return total;
  };
}

/** E[X(t)]: expected purchases of a new customer in (0, t]. */
export function expectedPurchasesNew({r, alpha, a, b}: BgNbdParameters, t: number): number {
  return ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * hyp2f1(r, b, a + b - 1, t / (alpha + t)));
}

/** E[Y(t) | x, t_x, T]: expected purchases in the next t, given the customer's history (FHL 2005, eq. 10). */
export function expectedPurchases(params: BgNbdParameters, t: number, customer: RfmGroup): number {
  return expectedPurchasesEach(params, [t], customer)[0];
}

/**
 * expectedPurchases at each horizon of ts (0 where t ≤ 0): the part that does not depend on t (the
 * customer's chance of being alive) once, the ₂F₁ of every t together (hyp2f1Each).
 */
export function expectedPurchasesEach(params: BgNbdParameters, ts: readonly number[], customer: RfmGroup): number[] {
  const denominator = aliveDenominator(params, customer);
  return perDenominator(expectedPurchasesIfAlive(params, ts, customer), ts, denominator);
}

/**
 * The numerators of expectedPurchasesEach (FHL 2005, eq. 10): what a customer is expected to buy at each
 * horizon of ts if still alive, times P(alive)'s denominator. They depend on x and T only, not on t_x, so a
 * valuation of many customers computes them once per (x, T) (purchases.ts, expectedPurchasesCurve).
 */
export function expectedPurchasesIfAlive({r, alpha, a, b}: BgNbdParameters, ts: readonly number[], {x, T}: Pick<RfmGroup, "x" | "T">): number[] {
  const ahead = ts.filter((t) => !(t <= 0)); // the horizons the map below computes (NaN included, as before)
  const series = hyp2f1Each(r + x, b + x, a + b + x - 1, ahead.map((t) => t / (alpha + T + t)));
  let k = 0;
  return ts.map((t) => (t <= 0 ? 0 : ((a + b + x - 1) / (a - 1)) * (1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * series[k++])));
}

/** The expected purchases from their numerators at each horizon of ts: each over the denominator, 0 where t ≤ 0. */
export function perDenominator(numerators: readonly number[], ts: readonly number[], denominator: number): number[] {
  return numerators.map((numerator, i) => (ts[i] <= 0 ? 0 : numerator / denominator));
}

/** 1 / P(alive | x, t_x, T): expectedPurchasesEach's denominator. */
export function aliveDenominator({r, alpha, a, b}: BgNbdParameters, {x, t_x, T}: RfmGroup): number {
  return 1 + (x > 0 ? (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + t_x), r + x) : 0);
}

/** P(alive | x, t_x, T): the probability the customer has not dropped out by T. */
export function probabilityAlive({r, alpha, a, b}: BgNbdParameters, {x, t_x, T}: RfmGroup): number {
  return x === 0 ? 1 : 1 / (1 + (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + t_x), r + x));
}

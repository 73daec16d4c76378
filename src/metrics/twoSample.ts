/**
 * Two-sample tests and a median interval for the scorecard's change labels:
 * Fisher's exact test for two shares, the log-rank test for two sets of
 * times some of which are still running (censored), and the Brookmeyer–
 * Crowley interval for a Kaplan–Meier median. Hand-written: no installed
 * npm package ships Fisher's exact test or the log-rank test (checked
 * /work/.library/env/packages/npm.tsv for "fisher", "logrank", "survival"),
 * and each is a few lines. Checked against scipy and an independent numpy
 * computation in test/fixtures/stats/scorecard_reference.py.
 */
import {normalUpperTail} from "./npsStats.js";
import {z95} from "./nps.js";
import type {SurvivalStep} from "./survival.js";
import {logChoose} from "../models/special.js";

/**
 * fisherExact(k1, n1, k2, n2): the two-sided p-value of Fisher's exact test
 * that k1 of n1 and k2 of n2 come from the same share. Conditional on the
 * margins, k1 is hypergeometric; the p-value sums the probabilities of every
 * table no more likely than the one seen (scipy.stats.fisher_exact's rule,
 * with a relative tolerance of 1e-7 for ties). Undefined when a sample is
 * empty. Source: Fisher (1935); Agresti, Categorical Data Analysis, 3.5.
 */
export function fisherExact(k1: number, n1: number, k2: number, n2: number): number | undefined {
  if (!(n1 > 0 && n2 > 0)) return undefined;
  const k = k1 + k2;
  const n = n1 + n2;
  const logP = (x: number) => logChoose(n1, x) + logChoose(n2, k - x) - logChoose(n, k);
  const observed = logP(k1);
  let p = 0;
  for (let x = Math.max(0, k - n2); x <= Math.min(k, n1); ++x) {
    const l = logP(x);
    if (l <= observed + 1e-7) p += Math.exp(l);
  }
  return Math.min(1, p);
}

/**
 * logRank(a, b): the two-sided p-value of the log-rank (Mantel–Cox) test that
 * two sets of times share one survival curve. Each set is {durations,
 * observed}: observed false means still running at that duration (censored).
 * At each distinct event time, the expected events of a given the pooled risk
 * set; the statistic (O − E)² / V is χ² with one degree of freedom (Mantel
 * 1966; Kalbfleisch & Prentice 2002, 7.2). Undefined without events.
 */
export function logRank(a: {durations: readonly number[]; observed: readonly boolean[]}, b: {durations: readonly number[]; observed: readonly boolean[]}): number | undefined {
  const cases: {t: number; event: boolean; first: boolean}[] = [];
  const add = (s: typeof a, first: boolean) => s.durations.forEach((t, i) => t >= 0 && cases.push({t, event: s.observed[i], first}));
  add(a, true);
  add(b, false);
  cases.sort((x, y) => x.t - y.t);
  let atRiskA = cases.filter((c) => c.first).length;
  let atRisk = cases.length;
  let oMinusE = 0;
  let variance = 0;
  for (let i = 0; i < cases.length; ) {
    const t = cases[i].t;
    let d = 0;
    let dA = 0;
    let leaving = 0;
    let leavingA = 0;
    for (; i < cases.length && cases[i].t === t; ++i) {
      ++leaving;
      if (cases[i].first) ++leavingA;
      if (cases[i].event) {
        ++d;
        if (cases[i].first) ++dA;
      }
    }
    if (d > 0 && atRisk > 1) {
      oMinusE += dA - (d * atRiskA) / atRisk;
      variance += (d * (atRiskA / atRisk) * (1 - atRiskA / atRisk) * (atRisk - d)) / (atRisk - 1);
    }
    atRisk -= leaving;
    atRiskA -= leavingA;
  }
  if (!(variance > 0)) return undefined;
  return Math.min(1, 2 * normalUpperTail(Math.abs(oMinusE) / Math.sqrt(variance)));
}

/**
 * medianInterval(steps[, z]): the 95% Brookmeyer–Crowley interval of a
 * Kaplan–Meier median: the event times t at which "the median is t" is not
 * rejected, |S(t) − ½| ≤ z·SE(S(t)), with Greenwood's SE (the "plain" interval
 * of R's survfit). high is undefined when the curve never falls clearly below
 * one half (the median could be longer than the longest time seen).
 * Source: Brookmeyer & Crowley (1982), Biometrics 38(1), 29–41.
 */
export function medianInterval(steps: readonly SurvivalStep[], z = z95): {low: number | undefined; high: number | undefined} {
  let sum = 0;
  let low: number | undefined;
  let high: number | undefined;
  for (const s of steps) {
    if (s.atRisk > s.events) sum += s.events / (s.atRisk * (s.atRisk - s.events));
    const se = s.survival * Math.sqrt(sum);
    if (low === undefined && s.survival <= 0.5 + z * se) low = s.time;
    if (high === undefined && s.survival < 0.5 - z * se) high = s.time;
  }
  return {low, high};
}


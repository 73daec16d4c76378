/**
 * Pareto/NBD (Schmittlein, Morrison & Colombo 1987, "Counting Your
 * Customers: Who Are They and What Will They Do Next?", Management Science
 * 33(1)), in the form of Fader, Hardie & Lee (2005), "A Note on Implementing
 * the Pareto/NBD Model in MATLAB" (brucehardie.com/notes/008/).
 *
 * While alive, a customer buys at rate λ ~ Gamma(r, α); their lifetime is
 * exponential with rate μ ~ Gamma(s, β): they can leave at any moment, not
 * only right after a purchase as in BG/NBD. Data as BG/NBD: (x, t_x, T),
 * weighted by n. On CDNOW's 39-week calibration sample the note reports
 * r = 0.553, α = 10.578, s = 0.606, β = 11.669, LL = −9595.0 (test/models).
 *
 * Likelihood of a customer (the note's eq. 2 and 3):
 *   L = Γ(r+x) α^r β^s / Γ(r) · [ (α+T)^−(r+x) (β+T)^−s + s/(r+s+x) · A0 ]
 *   A0 = F(t_x) − F(T),  F(t) = ₂F₁(r+s+x, c; r+s+x+1; |α−β|/(m+t)) / (m+t)^(r+s+x)
 * with m = max(α, β) and c = s + 1 when α ≥ β, r + x otherwise: the choice the
 * note makes so that the argument of ₂F₁ stays in [0, 1). Everything is
 * summed in logs, A0 as ln F(t_x) + ln(1 − e^(ln F(T) − ln F(t_x))), so
 * nothing overflows for large x or T.
 *
 * ₂F₁(a, c; a+1; z) converges slowly as z → 1 (a customer base where one of α,
 * β is tiny next to the other); Euler's transformation turns it into
 * (1 − z)^(1−c) · ₂F₁(1, a+1−c; a+1; z), whose terms shrink at least as fast
 * as zⁿ. F depends on (x, t) only, so a call computes it once per distinct
 * (x, t_x) and (x, T) pair, which a large customer base has few of.
 */
import type {FitSummary, RfmGroup} from "./bgnbd.js";
import {lgamma} from "./special.js";

export interface ParetoNbdParameters {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

export interface ParetoNbdFit extends ParetoNbdParameters, FitSummary {}

/** ln ₂F₁(a, c; a + 1; z) for 0 ≤ z < 1, by Euler's transformation (see the module's docblock). */
export function logHyp2f1Pareto(a: number, c: number, z: number): number {
  if (z === 0) return 0;
  if (!(z >= 0 && z < 1)) throw new Error(`logHyp2f1Pareto: z must be in [0, 1), got ${z}`);
  // ₂F₁(1, b'; a+1; z) with b' = a + 1 − c < a + 1: the term ratio (b'+n)z/(a+1+n) stays below z.
  const b = a + 1 - c;
  let term = 1;
  let sum = 1;
  for (let n = 0; n < 1_000_000; ++n) {
    term *= ((b + n) * z) / (a + 1 + n);
    const next = sum + term;
    if (next === sum || Math.abs(term) < 1e-16 * Math.abs(next)) return (1 - c) * Math.log1p(-z) + Math.log(next);
    sum = next;
  }
  return (1 - c) * Math.log1p(-z) + Math.log(sum);
}

/** ln A0 of the note (−∞ when t_x = T: a purchase on the last day leaves no time to have left unseen). */
function logA0({r, alpha, s, beta}: ParetoNbdParameters, x: number, t_x: number, T: number): number {
  const [lnFtx, lnFT] = [t_x, T].map((t) => logF({r, alpha, s, beta}, x, t));
  return logSubExp(lnFtx, lnFT);
}

function logF({r, alpha, s, beta}: ParetoNbdParameters, x: number, t: number): number {
  const rsx = r + s + x;
  const m = Math.max(alpha, beta);
  const c = alpha >= beta ? s + 1 : r + x;
  return logHyp2f1Pareto(rsx, c, Math.abs(alpha - beta) / (m + t)) - rsx * Math.log(m + t);
}

/** ln(eᵘ − eᵛ) for u ≥ v. */
function logSubExp(u: number, v: number): number {
  return v >= u ? -Infinity : u + Math.log(-Math.expm1(v - u));
}

function logAddExp(u: number, v: number): number {
  if (u === -Infinity) return v;
  if (v === -Infinity) return u;
  return u > v ? u + Math.log1p(Math.exp(v - u)) : v + Math.log1p(Math.exp(u - v));
}

/** The log-likelihood as a function of the parameters, ln F computed once per distinct (x, t) and call. */
export function prepareParetoNbd(groups: readonly RfmGroup[]): (params: ParetoNbdParameters) => number {
  const pairs = new Map<string, number>();
  const pairList: [number, number][] = [];
  const pairOf = (x: number, t: number) => {
    const key = `${x} ${t}`;
    let i = pairs.get(key);
    if (i === undefined) pairs.set(key, (i = pairList.push([x, t]) - 1));
    return i;
  };
  const txIds = Int32Array.from(groups, (g) => pairOf(g.x, g.t_x));
  const TIds = Int32Array.from(groups, (g) => pairOf(g.x, g.T));
  const n = Float64Array.from(groups, (g) => g.n ?? 1);
  const xOf = Float64Array.from(groups, (g) => g.x);
  const lnF = new Float64Array(pairList.length);
  // Terms that depend on x only, or on T only, once per distinct value and call.
  const xs = [...new Set(groups.map((g) => g.x))];
  const xIds = Int32Array.from(groups, ((index) => (g: RfmGroup) => index.get(g.x)!)(new Map(xs.map((x, i) => [x, i]))));
  const Ts = [...new Set(groups.map((g) => g.T))];
  const TIndex = Int32Array.from(groups, ((index) => (g: RfmGroup) => index.get(g.T)!)(new Map(Ts.map((T, i) => [T, i]))));
  const byX = new Float64Array(xs.length);
  const lnRsx = new Float64Array(xs.length);
  const lnAlphaT = new Float64Array(Ts.length);
  const lnBetaT = new Float64Array(Ts.length);
  return (params) => {
    const {r, alpha, s, beta} = params;
    pairList.forEach(([x, t], i) => (lnF[i] = logF(params, x, t)));
    const lnS = Math.log(s);
    const head = r * Math.log(alpha) + s * Math.log(beta) - lgamma(r);
    xs.forEach((x, i) => ((byX[i] = lgamma(r + x) + head), (lnRsx[i] = lnS - Math.log(r + s + x))));
    Ts.forEach((T, i) => ((lnAlphaT[i] = Math.log(alpha + T)), (lnBetaT[i] = Math.log(beta + T))));
    let total = 0;
    for (let g = 0; g < n.length; ++g) {
      const xi = xIds[g];
      const ti = TIndex[g];
      const a0 = logSubExp(lnF[txIds[g]], lnF[TIds[g]]);
      const tail = logAddExp(-(r + xOf[g]) * lnAlphaT[ti] - s * lnBetaT[ti], lnRsx[xi] + a0);
      total += n[g] * (byX[xi] + tail);
    }
    return total;
  };
}

export function paretoNbdLogLikelihood(params: ParetoNbdParameters, groups: readonly RfmGroup[]): number {
  return prepareParetoNbd(groups)(params);
}

/** P(alive | x, t_x, T) = 1 / (1 + s/(r+s+x) · (α+T)^(r+x) (β+T)^s · A0) (the note's eq. 4). */
export function paretoNbdProbabilityAlive(params: ParetoNbdParameters, {x, t_x, T}: RfmGroup): number {
  const {r, alpha, s, beta} = params;
  const ln = Math.log(s) - Math.log(r + s + x) + (r + x) * Math.log(alpha + T) + s * Math.log(beta + T) + logA0(params, x, t_x, T);
  return 1 / (1 + Math.exp(ln));
}

/**
 * E[Y(t) | x, t_x, T] = P(alive) · (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)]
 * (Schmittlein et al. 1987, eq. 22; the limit (r+x)(β+T)/(α+T) · ln((β+T+t)/(β+T)) when s = 1).
 */
export function paretoNbdExpectedPurchases(params: ParetoNbdParameters, t: number, customer: RfmGroup): number {
  return paretoNbdExpectedPurchasesEach(params, [t], customer)[0];
}

/** paretoNbdExpectedPurchases at each horizon of ts (0 where t ≤ 0), with P(alive), which does not depend on t, computed once. */
export function paretoNbdExpectedPurchasesEach(params: ParetoNbdParameters, ts: readonly number[], customer: RfmGroup): number[] {
  const {r, alpha, s, beta} = params;
  const {x, T} = customer;
  const alive = ts.some((t) => t > 0) ? paretoNbdProbabilityAlive(params, customer) : 0;
  const rate = (r + x) / (alpha + T);
  return ts.map((t) => {
    if (t <= 0) return 0;
    const horizon = Math.abs(s - 1) < 1e-9 ? (beta + T) * Math.log1p(t / (beta + T)) : ((beta + T) / (s - 1)) * -Math.expm1((s - 1) * -Math.log1p(t / (beta + T)));
    return alive * rate * horizon;
  });
}

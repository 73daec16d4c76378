import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {bgnbdLogLikelihood, probabilityAlive, type RfmGroup} from "../../src/models/bgnbd.js";
import {mbgnbdExpectedPurchases, mbgnbdLogLikelihood, mbgnbdProbabilityAlive} from "../../src/models/mbgnbd.js";
import {logHyp2f1Pareto, paretoNbdExpectedPurchases, paretoNbdLogLikelihood, paretoNbdProbabilityAlive} from "../../src/models/paretonbd.js";
import {prepare as prepareBgNbd} from "../../src/models/bgnbd.js";
import {prepareMbgNbd} from "../../src/models/mbgnbd.js";
import {prepareParetoNbd} from "../../src/models/paretonbd.js";
import {maximizeLogLikelihood, nelderMead, parameterBounds} from "../../src/models/optimize.js";
import {expectedPurchasesCurve, expectedPurchasesEachOf, expectedPurchasesOf, fitPurchaseModel, histogram, maxSearchCustomers, parsePurchaseModel, probabilityAliveOf, searchSample} from "../../src/models/purchases.js";
import {discountedPurchases, discountedPurchasesOf} from "../../src/models/clv.js";

// Reference figures: test/fixtures/clv/reference.py (scipy.special.hyp2f1, scipy.optimize), run with
// /usr/bin/python3 on test/fixtures/cdnow/cdnow_customers_summary_with_transactions.csv, and the
// published Pareto/NBD estimates (Fader, Hardie & Lee 2005, "A Note on Implementing the Pareto/NBD
// Model in MATLAB": r 0.553, α 10.578, s 0.606, β 11.669, LL −9595.0).
const summary: RfmGroup[] = readFileSync(new URL("../fixtures/cdnow/cdnow_customers_summary_with_transactions.csv", import.meta.url), "utf-8")
  .trim()
  .split("\n")
  .slice(1)
  .map((line) => {
    const [, x, t_x, T] = line.split(",").map(Number);
    return {x, t_x, T};
  });
const customer1 = {x: 2, t_x: 30.43, T: 38.86};
const within = (got: number, want: number, relative: number) => expect(Math.abs(got / want - 1)).toBeLessThan(relative);

describe("Pareto/NBD", () => {
  const fit = fitPurchaseModel("pareto", summary);

  it("fitPurchaseModel('pareto', CDNOW 39-week summary) reproduces the published r 0.553, α 10.578, s 0.606, β 11.669, LL −9595.0", () => {
    expect(fit.status).toBe("converged");
    expect(fit.customers).toBe(2357);
    within(fit.r, 0.553, 0.01);
    within(fit.alpha, 10.578, 0.01);
    within(fit.s, 0.606, 0.01);
    within(fit.beta, 11.669, 0.01);
    expect(Math.abs(fit.logLikelihood - -9595.0)).toBeLessThan(0.1);
    // scipy's MLE on the same file: 0.553276, 10.577613, 0.606214, 11.667918, LL −9594.9739.
    within(fit.r, 0.553276, 1e-3);
    within(fit.beta, 11.667918, 1e-3);
    expect(fit.logLikelihood).toBeCloseTo(-9594.9739, 2);
  });

  it("paretoNbdLogLikelihood(published, CDNOW) is scipy's −9594.9740", () => {
    expect(paretoNbdLogLikelihood({r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669}, summary)).toBeCloseTo(-9594.974, 3);
  });

  it("paretoNbdProbabilityAlive and paretoNbdExpectedPurchases(params, 39, customer 1) match scipy (0.86917, 1.45512)", () => {
    const published = {r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669};
    expect(paretoNbdProbabilityAlive(published, customer1)).toBeCloseTo(0.8691675591530114, 8);
    expect(paretoNbdExpectedPurchases(published, 39, customer1)).toBeCloseTo(1.4551231932576028, 8);
    expect(paretoNbdExpectedPurchases(published, 0, customer1)).toBe(0);
    // A purchase on the last day: certainly alive.
    expect(paretoNbdProbabilityAlive(published, {x: 3, t_x: 20, T: 20})).toBe(1);
  });

  it("logHyp2f1Pareto(a, c, z) matches the series and stays finite as z → 1", () => {
    // ₂F₁(1, 1; 2; z) = −ln(1 − z)/z
    expect(logHyp2f1Pareto(1, 1, 0.5)).toBeCloseTo(Math.log(-Math.log(0.5) / 0.5), 12);
    expect(logHyp2f1Pareto(3, 1, 0)).toBe(0);
    // ₂F₁(2.5, 4; 3.5; 0.3) by direct summation of the plain series.
    let term = 1;
    let sum = 1;
    for (let n = 0; n < 200; ++n) sum += term *= ((2.5 + n) * (4 + n) * 0.3) / ((3.5 + n) * (n + 1));
    expect(logHyp2f1Pareto(2.5, 4, 0.3)).toBeCloseTo(Math.log(sum), 12);
    expect(Number.isFinite(logHyp2f1Pareto(40.5, 38, 0.999999))).toBe(true);
    expect(() => logHyp2f1Pareto(1, 1, 1)).toThrow(/\[0, 1\)/);
  });
});

describe("MBG/NBD", () => {
  const fit = fitPurchaseModel("mbgnbd", summary);

  it("fitPurchaseModel('mbgnbd', CDNOW 39-week summary) gives scipy's MLE r 0.5248, α 6.1830, a 0.8914, b 1.6140, LL −9582.1327", () => {
    expect(fit.status).toBe("converged");
    within(fit.r, 0.524838, 2e-3);
    within(fit.alpha, 6.182992, 2e-3);
    within(fit.a, 0.891356, 2e-3);
    within(fit.b, 1.613999, 2e-3);
    expect(fit.logLikelihood).toBeCloseTo(-9582.1327, 2);
  });

  it("mbgnbdProbabilityAlive gives a one-time buyer less than 1, where BG/NBD gives exactly 1", () => {
    const params = {r: 0.524838, alpha: 6.182992, a: 0.891356, b: 1.613999};
    expect(mbgnbdProbabilityAlive(params, {x: 0, t_x: 0, T: 38.86})).toBeCloseTo(0.38971629757738474, 8);
    expect(probabilityAlive(fitPurchaseModel("bgnbd", summary), {x: 0, t_x: 0, T: 38.86})).toBe(1);
    expect(mbgnbdProbabilityAlive(params, customer1)).toBeCloseTo(0.706126262853641, 8);
    expect(mbgnbdExpectedPurchases(params, 39, customer1)).toBeCloseTo(1.2626708486523517, 8);
  });
});

describe("purchase models", () => {
  it("expectedPurchasesCurve and discountedPurchasesOf value every CDNOW customer bit for bit as the per-customer functions, the series shared per (x, T)", () => {
    // CDNOW's 2,357 customers have 1,016 distinct (x, t_x, T) but fewer (x, T): customers of one (x, T) differ in t_x only.
    const ts = [0, 4.35, 8.7, 13.04, -1];
    for (const model of ["bgnbd", "mbgnbd", "pareto"] as const) {
      const fit = fitPurchaseModel(model, summary);
      const curve = expectedPurchasesCurve(fit, ts);
      const discounted = discountedPurchasesOf(fit, {unit: "week"});
      for (const c of summary) {
        expect(curve(c)).toEqual(expectedPurchasesEachOf(fit, ts, c));
        expect(discounted(c)).toBe(discountedPurchases(fit, c, {unit: "week"}));
      }
    }
    expect(new Set(summary.map((c) => `${c.x} ${c.T}`)).size).toBeLessThan(histogram(summary).length);
  });

  it("fitPurchaseModel(model, groups) dispatches, and expectedPurchasesOf / probabilityAliveOf follow the model", () => {
    const fit = fitPurchaseModel("pareto", summary);
    if (fit.model !== "pareto") throw new Error("fitPurchaseModel('pareto') gave " + fit.model);
    const pareto = fit;
    expect(expectedPurchasesOf(pareto, 39, customer1)).toBe(paretoNbdExpectedPurchases(pareto, 39, customer1));
    expect(probabilityAliveOf(pareto, customer1)).toBe(paretoNbdProbabilityAlive(pareto, customer1));
    expect(() => parsePurchaseModel("bg")).toThrow(/invalid model: bg/);
  });

  it("fitPurchaseModel('bgnbd', …) reports a fit that ends on a parameter bound as at-bound, not converged", () => {
    // Customers who buy every 4 weeks and never leave: BG/NBD's drop-out probability heads to 0 (a → 0),
    // the degenerate fit the issue found on UCI Online Retail (a ≈ 3e-6, b ≈ 54,300).
    const groups: RfmGroup[] = [];
    for (let T = 20; T <= 100; T += 4) groups.push({x: Math.floor(T / 4), t_x: 4 * Math.floor(T / 4), T, n: 50});
    for (let T = 20; T <= 100; T += 4) groups.push({x: Math.floor(T / 8), t_x: 8 * Math.floor(T / 8), T, n: 50});
    const fit = fitPurchaseModel("bgnbd", groups);
    expect(fit.status).toBe("at-bound");
    expect(fit.converged).toBe(false);
    expect(fit.atBound.length).toBeGreaterThan(0);
    // A data set with drop-out converges inside the bounds.
    expect(fitPurchaseModel("bgnbd", summary)).toMatchObject({status: "converged", converged: true, atBound: []});
  });
});

describe("histogram", () => {
  // pandas: the 2,357 CDNOW customers have 1,016 distinct (x, t_x, T), the largest shared by 24 customers.
  const grouped = histogram(summary);

  it("histogram(customers) collapses identical (x, t_x, T) into one row weighted by n", () => {
    expect(grouped.length).toBe(1016);
    expect(grouped.reduce((s, g) => s + g.n!, 0)).toBe(2357);
    expect(Math.max(...grouped.map((g) => g.n!))).toBe(24);
    expect(histogram(grouped)).toBe(grouped); // distinct rows come back as they are
    expect(histogram([{x: 1, t_x: 2, T: 3, n: 2}, {x: 1, t_x: 2, T: 3}])).toEqual([{x: 1, t_x: 2, T: 3, n: 3}]);
  });

  it("each model's log-likelihood on the histogram equals the per-customer one to 1e-9", () => {
    const bg = {r: 0.243, alpha: 4.414, a: 0.793, b: 2.426};
    const pareto = {r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669};
    for (const [ll, params] of [
      [bgnbdLogLikelihood, bg],
      [mbgnbdLogLikelihood, bg],
      [paretoNbdLogLikelihood, pareto]
    ] as const) {
      const perCustomer = (ll as (p: typeof params, g: RfmGroup[]) => number)(params, summary);
      expect(Math.abs((ll as (p: typeof params, g: RfmGroup[]) => number)(params, grouped) / perCustomer - 1)).toBeLessThan(1e-9);
    }
  });
});

describe("the fits' optimiser", () => {
  // The reference: Nelder–Mead alone, restarted from its own solution to its tight tolerances (1e-11 in the
  // log-likelihood per customer, 1e-8 in the log-parameters), as the fits ran before Newton's method polished them.
  const simplexOnly = (logLikelihood: (values: number[]) => number, start: number[]) => {
    const [lo, hi] = [Math.log(parameterBounds.lower), Math.log(parameterBounds.upper)];
    const objective = (v: number[]) => (v.some((p) => p < lo || p > hi) ? 1e10 : -logLikelihood(v.map(Math.exp)) / summary.length);
    let x = start.map(Math.log);
    let best = Infinity;
    let iterations = 0;
    for (let restart = 0; restart < 8; ++restart) {
      const solution = nelderMead(objective, x, {maxIterations: 1500, tolerance: 1e-11, xTolerance: 1e-8});
      iterations += solution.iterations;
      x = solution.x;
      if (best - solution.fx < 1e-10 * Math.abs(solution.fx)) break;
      best = solution.fx;
    }
    return {values: x.map(Math.exp), iterations};
  };
  const groups = histogram(summary);
  const cases = [
    {model: "bgnbd", names: ["r", "alpha", "a", "b"], likelihood: prepareBgNbd(groups)},
    {model: "mbgnbd", names: ["r", "alpha", "a", "b"], likelihood: prepareMbgNbd(groups)},
    {model: "pareto", names: ["r", "alpha", "s", "beta"], likelihood: prepareParetoNbd(groups)}
  ] as const;

  for (const {model, names, likelihood} of cases) {
    it(`fitPurchaseModel('${model}', CDNOW) reaches Nelder–Mead's maximum with at most 60% of its likelihood evaluations`, () => {
      const named = (v: readonly number[]) => Object.fromEntries(names.map((name, i) => [name, v[i]])) as never;
      let evaluations = 0;
      const counted = (v: number[]) => {
        evaluations++;
        return (likelihood as (p: never) => number)(named(v));
      };
      const mean = summary.reduce((s, c) => s + c.T, 0) / summary.length;
      const start = model === "pareto" ? [1, mean / 4, 1, mean / 4] : [1, mean / 10, 1, 1];
      const fast = maximizeLogLikelihood(counted, start, summary.length);
      const fastEvaluations = evaluations;
      evaluations = 0;
      const reference = simplexOnly(counted, start);
      const referenceLogLikelihood = counted(reference.values);
      // BG/NBD, MBG/NBD, Pareto/NBD: 471, 389 and 458 likelihoods (130, 127 and 126 iterations, of which 2 to 4 Newton
      // steps of 41 likelihoods); Nelder–Mead alone took 876 for BG/NBD and 841 for Pareto/NBD (460 and 439 iterations).
      expect(fastEvaluations).toBeLessThan(0.6 * evaluations);
      expect(fast.values).toEqual(names.map((name) => (fitPurchaseModel(model, summary) as unknown as Record<string, number>)[name]));
      const fit = fitPurchaseModel(model, summary);
      expect(fit.status).toBe("converged");
      // The same maximum, to the log-likelihood's rounding: within 1e-11 per customer (2.4e-8 in all).
      expect(Math.abs(fit.logLikelihood - referenceLogLikelihood)).toBeLessThan(1e-11 * summary.length);
      names.forEach((name, i) => within((fit as unknown as Record<string, number>)[name], reference.values[i], 1e-5));
    });
  }
});

describe("a large customer base: the search on a sample, the finish on everyone", () => {
  // A seeded BG/NBD base of 60,000 customers (r 0.5, α 5, a 0.8, b 3; first purchases spread over 78 weeks,
  // times in whole weeks), three times maxSearchCustomers: the fit searches on every third customer.
  const random = mulberry32(20261202);
  const gamma = (shape: number): number => {
    // Marsaglia & Tsang (2000); shape < 1 through shape + 1 and a uniform's power.
    if (shape < 1) return gamma(shape + 1) * random() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let z, v;
      do {
        const u1 = random() || 1e-300;
        z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * random());
        v = 1 + c * z;
      } while (v <= 0);
      v = v * v * v;
      const u = random();
      if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  const customers: RfmGroup[] = [];
  for (let i = 0; i < 60_000; ++i) {
    const T = 1 + Math.floor(random() * 78);
    const lambda = gamma(0.5) / 5;
    const g1 = gamma(0.8);
    const p = g1 / (g1 + gamma(3));
    let t = 0;
    let x = 0;
    let tx = 0;
    for (;;) {
      t += -Math.log(1 - random()) / lambda;
      if (t > T) break;
      x++;
      tx = t;
      if (random() < p) break;
    }
    customers.push({x, t_x: Math.floor(tx), T});
  }
  const groups = histogram(customers);
  const total = customers.length;

  it("searchSample(groups, k) takes every k-th customer in (x, t_x, T) order, whatever the rows' order", () => {
    const sample = searchSample(groups, 3);
    expect(sample.reduce((s, g) => s + g.n!, 0)).toBe(20_000);
    expect(searchSample([...groups].reverse(), 3)).toEqual(sample);
    // Spread over every kind of history: the customers' mean age T (which the order by x does not sort) within a
    // tenth of a week of everyone's (measured: 39.43 against 39.44 weeks), and each purchase count x as in the whole,
    // to a customer (a run of the sorted order loses at most one to the 1-in-3 step).
    const mean = (gs: RfmGroup[]) => gs.reduce((s, g) => s + g.n! * g.T, 0) / gs.reduce((s, g) => s + g.n!, 0);
    expect(Math.abs(mean(sample) - mean(groups))).toBeLessThan(0.1);
    const withX = (gs: RfmGroup[], x: number) => gs.filter((g) => g.x === x).reduce((s, g) => s + g.n!, 0);
    for (const x of [0, 1, 2, 5]) expect(Math.abs(withX(sample, x) - withX(groups, x) / 3)).toBeLessThanOrEqual(1);
    // By hand: histories of 2, 2 and 3 customers, every 2nd customer: the 2nd, 4th and 6th.
    expect(searchSample([{x: 0, t_x: 0, T: 5, n: 2}, {x: 1, t_x: 1, T: 5, n: 2}, {x: 2, t_x: 3, T: 5, n: 3}], 2)).toEqual([
      {x: 0, t_x: 0, T: 5, n: 1},
      {x: 1, t_x: 1, T: 5, n: 1},
      {x: 2, t_x: 3, T: 5, n: 1}
    ]);
    expect(maxSearchCustomers).toBe(20_000);
  });

  it("fitPurchaseModel reaches the maximum on every customer, with under half the likelihoods of every customer a search on all of them costs", () => {
    const likelihood = prepareBgNbd(groups);
    const named = ([r, alpha, a, b]: readonly number[]) => ({r, alpha, a, b});
    let evaluations = 0;
    const counted = (v: number[]) => (evaluations++, likelihood(named(v)));
    const mean = customers.reduce((s, c) => s + c.T, 0) / total;
    const start = [1, mean / 10, 1, 1];
    const sampled = searchSample(groups, 3);
    const onSample = prepareBgNbd(sampled);
    const searched = maximizeLogLikelihood(counted, start, total, {logLikelihood: (v) => onSample(named(v)), scale: 20_000});
    const withSample = evaluations;
    evaluations = 0;
    const everyone = maximizeLogLikelihood(counted, start, total);
    // Measured: 125 likelihoods of every customer with the search on the sample (three Newton steps of 41 and the
    // search's end), against 278 with the search on everyone (194 for Nelder–Mead, then two Newton steps).
    expect(withSample).toBeLessThan(0.5 * evaluations);
    const fit = fitPurchaseModel("bgnbd", customers);
    expect(fit.status).toBe("converged");
    expect([fit.r, fit.alpha, fit.a, fit.b]).toEqual(searched.values);
    // The same maximum as the search on every customer: the log-likelihood to its rounding, the parameters to 1e-6.
    expect(Math.abs(fit.logLikelihood - likelihood(named(everyone.values)))).toBeLessThan(1e-11 * total);
    everyone.values.forEach((v, i) => within(searched.values[i], v, 1e-6));
    // And the simulation's parameters, to the sampling error of 60,000 customers.
    within(fit.r, 0.5, 0.1);
    within(fit.alpha, 5, 0.15);
  });
});

/** A seeded uniform generator (mulberry32), so the simulated base is the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

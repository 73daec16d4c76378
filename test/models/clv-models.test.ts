import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {bgnbdLogLikelihood, expectedPurchases, expectedPurchasesNew, probabilityAlive, type RfmGroup} from "../../src/models/bgnbd.js";
import {fitPurchaseModel} from "../../src/models/purchases.js";
import {customerLifetimeValue, discountedPurchases, monthInUnits} from "../../src/models/clv.js";
import {expectedSpend, fitGammaGamma, gammaGammaLogLikelihood} from "../../src/models/gammagamma.js";

// Reference numbers: test/fixtures/cdnow/SOURCES.md and the papers it cites.
const paper = {r: 0.243, alpha: 4.414, a: 0.793, b: 2.426};
const summary = readFileSync(new URL("../fixtures/cdnow/cdnow_customers_summary_with_transactions.csv", import.meta.url), "utf-8")
  .trim()
  .split("\n")
  .slice(1)
  .map((line) => {
    const [, x, t_x, T, zbar] = line.split(",").map(Number);
    return {x, t_x, T, zbar};
  });

describe("BG/NBD", () => {
  it("expectedPurchasesNew(params, t) reproduces lifetimes' unconditional expectations for the CDNOW fit", () => {
    const fit = fitPurchaseModel("bgnbd", summary);
    const expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    [0.1429, 1, 3, 31.8571, 32, 78].forEach((t, i) => expect(expectedPurchasesNew(fit, t)).toBeCloseTo(expected[i], 3));
  });

  it("expectedPurchases(params, 39, customer 1) is 1.226 and probabilityAlive 0.727 (x = 2, t_x = 30.43, T = 38.86)", () => {
    const fit = fitPurchaseModel("bgnbd", summary);
    const one = {x: 2, t_x: 30.43, T: 38.86};
    expect(expectedPurchases(fit, 39, one)).toBeCloseTo(1.226, 3);
    expect(probabilityAlive(fit, one)).toBeCloseTo(0.7266, 4);
  });

  it("expectedPurchases and probabilityAlive handle the edge cases: no repeat purchase, no time ahead", () => {
    expect(probabilityAlive(paper, {x: 0, t_x: 0, T: 10})).toBe(1);
    expect(expectedPurchases(paper, 0, {x: 3, t_x: 5, T: 10})).toBe(0);
    // A customer silent for long after frequent purchases is probably gone.
    expect(probabilityAlive(paper, {x: 10, t_x: 2, T: 60})).toBeLessThan(0.01);
  });

  it("bgnbdLogLikelihood(params, groups) weights identical customers by n", () => {
    const one: RfmGroup = {x: 2, t_x: 5, T: 20};
    expect(bgnbdLogLikelihood(paper, [{...one, n: 3}])).toBeCloseTo(3 * bgnbdLogLikelihood(paper, [one]), 10);
  });

  it("fitPurchaseModel('bgnbd', groups) on the 2-dp CDNOW summary gives the recomputed MLE (0.2426, 4.4135, 0.7929, 2.4258; LL −9582.43)", () => {
    const fit = fitPurchaseModel("bgnbd", summary);
    expect(fit.r).toBeCloseTo(0.2426, 4);
    expect(fit.alpha).toBeCloseTo(4.4135, 3);
    expect(fit.a).toBeCloseTo(0.7929, 4);
    expect(fit.b).toBeCloseTo(2.4258, 3);
    expect(fit.logLikelihood).toBeCloseTo(-9582.4256, 2);
    expect(fit.customers).toBe(2357);
  });

  it("fitPurchaseModel('bgnbd', []) refuses to fit nothing", () => {
    expect(() => fitPurchaseModel("bgnbd", [])).toThrow(/no customers/);
  });
});

describe("Gamma-Gamma", () => {
  const repeaters = summary.filter((c) => c.x > 0);

  it("fitGammaGamma(groups) on the 946 CDNOW repeat customers (2-dp zbar) gives p 6.249, q 3.745, γ 15.448", () => {
    const fit = fitGammaGamma(repeaters);
    expect(fit.customers).toBe(946);
    expect(fit.p).toBeCloseTo(6.2488, 2);
    expect(fit.q).toBeCloseTo(3.7446, 3);
    expect(fit.v).toBeCloseTo(15.4477, 2);
    expect(fit.logLikelihood).toBeCloseTo(-4055.9232, 2);
  });

  it("expectedSpend(params, x, zbar) reproduces the Hardie spreadsheet's customers 1–10 and is the population mean at x = 0", () => {
    const fit = fitGammaGamma(repeaters);
    const expected = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17];
    summary.slice(0, 10).forEach((c, i) => expect(Math.abs(expectedSpend(fit, c.x, c.zbar) - expected[i])).toBeLessThan(0.1));
    expect(expectedSpend(fit, 0, 0)).toBeCloseTo(fit.populationMean, 10);
  });

  it("fitGammaGamma ignores customers without repeat spend, and refuses when none is left", () => {
    expect(() => fitGammaGamma([{x: 0, zbar: 0}])).toThrow(/no customer with a repeat purchase/);
    expect(gammaGammaLogLikelihood({p: 6, q: 4, v: 15}, [{x: 2, zbar: 30, n: 2}])).toBeCloseTo(2 * gammaGammaLogLikelihood({p: 6, q: 4, v: 15}, [{x: 2, zbar: 30}]), 10);
  });
});

describe("customerLifetimeValue", () => {
  it("customerLifetimeValue(...) is expected purchases × expected spend, month by month, discounted", () => {
    const spend = {p: 6.25, q: 3.74, v: 15.44};
    const customer = {x: 2, t_x: 30.43, T: 38.86, zbar: 22.35};
    const undiscounted = customerLifetimeValue(paper, spend, customer, {unit: "week", months: 12, discount: 0});
    const purchases = expectedPurchases(paper, 12 * monthInUnits("week"), customer);
    expect(undiscounted).toBeCloseTo(purchases * expectedSpend(spend, 2, 22.35), 8);
    const discounted = customerLifetimeValue(paper, spend, customer, {unit: "week", months: 12, discount: 0.01});
    expect(discounted).toBeLessThan(undiscounted);
    expect(discounted).toBeGreaterThan(undiscounted / 1.01 ** 12);
    expect(customerLifetimeValue(paper, spend, customer, {unit: "week", months: 0})).toBe(0);
  });

  it("discountedPurchases(params, customer, options) × expectedSpend equals customerLifetimeValue, with or without repeat purchases", () => {
    const spend = {p: 6.25, q: 3.74, v: 15.44};
    for (const customer of [{x: 2, t_x: 30.43, T: 38.86, zbar: 22.35}, {x: 0, t_x: 0, T: 20, zbar: 0}, {x: 7, t_x: 3, T: 70, zbar: 40}]) {
      for (const options of [{unit: "week" as const}, {unit: "day" as const, months: 24, discount: 0.02}]) {
        const clv = customerLifetimeValue(paper, spend, customer, options);
        expect(discountedPurchases(paper, customer, options) * expectedSpend(spend, customer.x, customer.zbar)).toBeCloseTo(clv, 10);
      }
    }
    expect(discountedPurchases(paper, {x: 1, t_x: 1, T: 2}, {unit: "week", months: 0})).toBe(0);
  });

  it("monthInUnits(unit) is 30.4375 days or 4.348 weeks", () => {
    expect(monthInUnits("day")).toBe(30.4375);
    expect(monthInUnits("week")).toBeCloseTo(4.348, 3);
  });
});

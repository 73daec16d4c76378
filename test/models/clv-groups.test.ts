import {describe, expect, it} from "vitest";
import {customerLifetimeValue, discountedPurchases} from "../../src/models/clv.js";
import {expectedSpend, totalExpectedSpend} from "../../src/models/gammagamma.js";

// FHL's CDNOW estimates (weeks) and their Gamma-Gamma fit.
const paper = {r: 0.243, alpha: 4.414, a: 0.793, b: 2.426};
const spend = {p: 6.25, q: 3.74, v: 15.44};

describe("discountedPurchases and totalExpectedSpend", () => {
  it("discountedPurchases(...) × expectedSpend(...) is customerLifetimeValue(...)", () => {
    for (const customer of [{x: 0, t_x: 0, T: 38.86}, {x: 2, t_x: 30.43, T: 38.86}, {x: 14, t_x: 70, T: 77}]) {
      for (const zbar of [0, 12.5, 300]) {
        const options = {unit: "week" as const, months: 12, discount: 0.01};
        const clv = customerLifetimeValue(paper, spend, {...customer, zbar}, options);
        expect(discountedPurchases(paper, customer, options) * expectedSpend(spend, customer.x, zbar)).toBeCloseTo(clv, 10);
      }
    }
  });

  it("totalExpectedSpend(params, x, n, Σzbar) is the sum of expectedSpend over the n customers", () => {
    const zbars = [3.2, 17, 45.5, 120];
    const sum = zbars.reduce((s, z) => s + expectedSpend(spend, 3, z), 0);
    expect(totalExpectedSpend(spend, 3, zbars.length, zbars.reduce((s, z) => s + z, 0))).toBeCloseTo(sum, 10);
    expect(totalExpectedSpend(spend, 0, 5, 0)).toBeCloseTo(5 * expectedSpend(spend, 0, 0), 10);
  });

  it("discountedPurchases(params, customer, {months: 0}) is 0, and more months never give less", () => {
    const customer = {x: 2, t_x: 30.43, T: 38.86};
    expect(discountedPurchases(paper, customer, {unit: "week", months: 0})).toBe(0);
    expect(discountedPurchases(paper, customer, {unit: "week", months: 24})).toBeGreaterThan(discountedPurchases(paper, customer, {unit: "week", months: 12}));
  });
});

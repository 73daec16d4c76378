import {describe, expect, it} from "vitest";
import {hyp2f1, lgamma, logAddExp} from "../../src/models/special.js";
import {nelderMead} from "../../src/models/optimize.js";

describe("special functions", () => {
  it("lgamma(x) matches ln((x−1)!) and ln Γ(½) = ½ ln π", () => {
    expect(lgamma(1)).toBeCloseTo(0, 14);
    expect(lgamma(5)).toBeCloseTo(Math.log(24), 13);
    expect(lgamma(171)).toBeCloseTo(706.5730622457874, 9);
    expect(lgamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(lgamma(0.001)).toBeCloseTo(6.907178885383854, 10);
  });

  it("hyp2f1(a, b, c, z) matches closed forms and refuses |z| ≥ 1", () => {
    expect(hyp2f1(1, 1, 2, 0.5)).toBeCloseTo(-Math.log(1 - 0.5) / 0.5, 13); // ₂F₁(1,1;2;z) = −ln(1−z)/z
    expect(hyp2f1(0.5, 1, 1, 0.3)).toBeCloseTo(Math.pow(1 - 0.3, -0.5), 13); // ₂F₁(a,b;b;z) = (1−z)^−a
    expect(hyp2f1(2, 3, 4, 0)).toBe(1);
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(/below 1/);
  });

  it("logAddExp(x, y) is ln(eˣ + eʸ) without overflow", () => {
    expect(logAddExp(Math.log(2), Math.log(3))).toBeCloseTo(Math.log(5), 14);
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.log(2), 10);
    expect(logAddExp(-Infinity, 2)).toBe(2);
  });
});

describe("nelderMead", () => {
  it("nelderMead(f, x0) finds the minimum of Rosenbrock's function", () => {
    const rosenbrock = ([x, y]: number[]) => (1 - x) ** 2 + 100 * (y - x * x) ** 2;
    const {x, fx, converged} = nelderMead(rosenbrock, [-1.2, 1]);
    expect(converged).toBe(true);
    expect(x[0]).toBeCloseTo(1, 5);
    expect(x[1]).toBeCloseTo(1, 5);
    expect(fx).toBeLessThan(1e-10);
  });

  it("nelderMead(f, x0) treats NaN as +∞ and stops at maxIterations", () => {
    const result = nelderMead(([x]) => (x < 0 ? NaN : (x - 2) ** 2), [5], {maxIterations: 3});
    expect(result.converged).toBe(false);
    expect(result.iterations).toBe(3);
    expect(nelderMead(([x]) => (x < 0 ? NaN : (x - 2) ** 2), [5]).x[0]).toBeCloseTo(2, 5);
  });
});

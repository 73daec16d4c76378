import {describe, expect, it} from "vitest";
import {hyp2f1, hyp2f1Each, lgamma, logAddExp} from "../../src/models/special.js";
import {minimizeInBox, nelderMead, newtonMinimize} from "../../src/models/optimize.js";

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

  it("hyp2f1Each(a, b, c, zs) gives each z the sum it has alone, bit for bit, matches the closed forms, and refuses |z| ≥ 1", () => {
    // The twelve monthly horizons of a weekly CLV (t = 4.35 … 52.2 weeks) for customers young and old, and the series' edges.
    for (const [a, b, c, T] of [[1.47, 13.9, 15.9, 2], [2.47, 14.9, 16.9, 150], [0.24, 2.43, 2.22, 39], [10.5, 30, 31, 0.5]]) {
      const zs = Array.from({length: 12}, (_, i) => ((i + 1) * 4.348) / (6.3 + T + (i + 1) * 4.348));
      expect(hyp2f1Each(a, b, c, zs)).toEqual(zs.map((z) => hyp2f1(a, b, c, z)));
    }
    expect(hyp2f1Each(2, 3, 4, [0, 0.5, -0.5])).toEqual([1, hyp2f1(2, 3, 4, 0.5), hyp2f1(2, 3, 4, -0.5)]);
    // Series of different lengths in one batch: ₂F₁(1,1;2;z) = −ln(1−z)/z.
    hyp2f1Each(1, 1, 2, [0.01, 0.5, 0.9]).forEach((value, i) => expect(value).toBeCloseTo(-Math.log(1 - [0.01, 0.5, 0.9][i]) / [0.01, 0.5, 0.9][i], 12));
    expect(hyp2f1Each(1, 1, 2, [])).toEqual([]);
    expect(() => hyp2f1Each(1, 1, 2, [0.5, 1])).toThrow(/below 1/);
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

describe("newtonMinimize and minimizeInBox", () => {
  // An ill-conditioned quadratic (eigenvalues 1e-3 and 2): its minimum (2, −1) by hand.
  const quadratic = ([x, y]: number[]) => 0.5 * ((x - 2) ** 2 + (y + 1) ** 2) + 0.4995 * (x - 2) * (y + 1) * 2;

  it("newtonMinimize(f, x0) lands on a quadratic's minimum at once, however ill-conditioned (one step, then the checks that nothing is left)", () => {
    const result = newtonMinimize(quadratic, [1.5, -0.5])!;
    expect(result.converged).toBe(true);
    expect(result.iterations).toBeLessThanOrEqual(3);
    expect(newtonMinimize(quadratic, [1.5, -0.5], {maxSteps: 1})!.x[0]).toBeCloseTo(2, 5);
    expect(result.x[0]).toBeCloseTo(2, 6);
    expect(result.x[1]).toBeCloseTo(-1, 6);
  });

  it("newtonMinimize(f, x0) converges on Rosenbrock's function from near (1, 1), and refuses a saddle", () => {
    const rosenbrock = ([x, y]: number[]) => (1 - x) ** 2 + 100 * (y - x * x) ** 2;
    const result = newtonMinimize(rosenbrock, [0.95, 0.9])!;
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 7);
    expect(result.x[1]).toBeCloseTo(1, 7);
    expect(newtonMinimize(([x, y]) => x * x - y * y, [0.1, 0.1])).toBeUndefined();
  });

  it("minimizeInBox polishes an inside minimum with Newton, and leaves one on the box's edge to Nelder–Mead", () => {
    const inside = minimizeInBox(quadratic, [0, 0], {lo: -10, hi: 10, gain: () => 1e-12});
    expect(inside.converged).toBe(true);
    expect(inside.x[0]).toBeCloseTo(2, 6);
    expect(inside.x[1]).toBeCloseTo(-1, 6);
    // The minimum at (12, 0) is outside [−10, 10]²: the best point is on the edge x = 10.
    const box = (v: number[]) => (v.some((p) => Math.abs(p) > 10) ? 1e10 : (v[0] - 12) ** 2 + v[1] ** 2);
    const edge = minimizeInBox(box, [0, 1], {lo: -10, hi: 10, gain: () => 1e-12});
    expect(edge.x[0]).toBeLessThanOrEqual(10);
    expect(edge.x[0]).toBeGreaterThan(9.999);
    expect(Math.abs(edge.x[1])).toBeLessThan(1e-3);
  });

  it("newtonMinimize refuses differences across a penalty's wall; minimizeInBox then settles it with Nelder–Mead", () => {
    // Inside the box, the likelihood is not finite for x < 0.0005 (a penalty, as the fits' objectives give): the
    // minimum is on that wall, (0.0005, 0), where no gradient exists.
    const walled = ([x, y]: number[]) => (x < 0.0005 ? 1e10 : x * x + y * y);
    expect(newtonMinimize(walled, [0.001, 0.001])).toBeUndefined();
    const settled = minimizeInBox(walled, [3, 2], {lo: -10, hi: 10, gain: () => 1e-12});
    expect(settled.x[0]).toBeGreaterThanOrEqual(0.0005);
    expect(settled.x[0]).toBeLessThan(0.0006);
    expect(Math.abs(settled.x[1])).toBeLessThan(1e-4);
  });

  it("newtonMinimize stops once what is left to gain is within f's rounding, instead of taking steps that rounding accepts", () => {
    // The quadratic above, at height 10, with rounding-sized noise (1e-15 relative, as a sum of many terms carries):
    // the gradient's noise moves the Newton step by about 1e-8, above xTolerance. Before the decrement's stop, a third
    // step's line search halved its step 20 times looking for a decrease below f's rounding: 3 steps, 59 values of f.
    // Now: the second step's model predicts a gain within the rounding, the step is taken and the search ends (2 steps
    // of 13 values, and the step's own).
    const noisy = ([x, y]: number[]) => (10 + quadratic([x, y])) * (1 + 1e-15 * Math.sin(12345.678 * x + 98765.4321 * y));
    const result = newtonMinimize(noisy, [1.5, -0.5])!;
    expect(result.converged).toBe(true);
    expect(result.iterations).toBe(2);
    expect(result.evaluations).toBeLessThanOrEqual(2 * 13 + 1);
    expect(result.x[0]).toBeCloseTo(2, 5);
    expect(result.x[1]).toBeCloseTo(-1, 5);
  });

  it("newtonMinimize does not call a stalled line search converged when the model says f should still fall", () => {
    // A spike at the start (f's value there below every neighbour's): the differences see a slope, no step decreases f.
    const spiked = ([x]: number[]) => (x === 0.5 ? -1 : x * x);
    expect(newtonMinimize(spiked, [0.5])).toBeUndefined();
    // At the minimum itself the Newton step is 0 (below xTolerance): converged, where it started.
    expect(newtonMinimize(([x]) => (x - 1) ** 2, [1])).toMatchObject({converged: true, x: [1]});
    // Near it, the decrement's stop takes the last step: f's gain is within its rounding.
    expect(newtonMinimize(([x]) => 1 + (x - 1) ** 2, [1 + 1e-8])!.x[0]).toBeCloseTo(1, 12);
  });
});

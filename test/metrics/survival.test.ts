import {describe, expect, it} from "vitest";
import {kaplanMeier, survivalQuantile} from "../../src/metrics/survival.js";

// The 6-MP arm of Freireich et al. (1963) (Gehan 1965; Kleinbaum & Klein, table 2.1): weeks in
// remission, false = still in remission when last seen (censored). Published KM median: 23 weeks.
// Survival column from test/fixtures/stats/km_reference.py (pandas, independent of this code).
const weeks = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35];
const relapsed = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0].map(Boolean);

describe("kaplanMeier", () => {
  it("kaplanMeier(durations, observed) reproduces the published 6-MP product-limit table", () => {
    const steps = kaplanMeier(weeks, relapsed);
    expect(steps.map((s) => s.time)).toEqual([6, 7, 10, 13, 16, 22, 23]);
    expect(steps.map((s) => s.atRisk)).toEqual([21, 17, 15, 12, 11, 7, 6]);
    const reference = [0.857143, 0.806723, 0.752941, 0.690196, 0.627451, 0.537815, 0.448179];
    steps.forEach((s, i) => expect(s.survival).toBeCloseTo(reference[i], 6));
  });

  it("survivalQuantile(steps, q) gives the published median of 23 weeks, and no 90th percentile when too many are censored", () => {
    const steps = kaplanMeier(weeks, relapsed);
    expect(survivalQuantile(steps, 0.5)).toBe(23);
    expect(survivalQuantile(steps, 0.9)).toBeUndefined();
  });

  it("kaplanMeier counts open cases as censored, so the 90th percentile is longer than the solved cases' alone", () => {
    // Eight tickets solved in 1..8 h, two still open after 20 h at the data's end. Dropping the open ones
    // gives a median of 4 h and a 90th percentile of 8 h; counted as censored, the median is 5 h and
    // the 90th percentile is beyond the longest time seen (a fifth of tickets have waited over 8 h).
    const hours = [1, 2, 3, 4, 5, 6, 7, 8, 20, 20];
    const solved = [...Array(8).fill(true), false, false];
    const dropped = kaplanMeier(hours.slice(0, 8), solved.slice(0, 8));
    expect([survivalQuantile(dropped, 0.5), survivalQuantile(dropped, 0.9)]).toEqual([4, 8]);
    const censored = kaplanMeier(hours, solved);
    expect([survivalQuantile(censored, 0.5), survivalQuantile(censored, 0.9)]).toEqual([5, undefined]);
    expect(censored.at(-1)!.survival).toBeCloseTo(0.2, 12);
  });

  it("kaplanMeier ignores null, NaN and negative durations", () => {
    expect(kaplanMeier([null, NaN, -1, 2], [true, true, true, true])).toEqual([{time: 2, survival: 0, atRisk: 1, events: 1}]);
    expect(kaplanMeier([], [])).toEqual([]);
  });
});

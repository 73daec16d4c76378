import {describe, expect, it} from "vitest";
import {cardMonths, monthComplete} from "../../reports/components/months.js";

const m = (s: string) => new Date(`${s}-01T00:00:00Z`);
const rows = ["2026-08", "2026-11", "2026-09", "2026-10"].map((s) => ({month: m(s), orders: s}));

describe("monthComplete(month, through)", () => {
  it("is true once the data reach the month's last day, whatever the hour, and false before", () => {
    expect(monthComplete(m("2026-10"), "2026-10-31T00:00:01Z")).toBe(true);
    expect(monthComplete(m("2026-10"), "2026-10-31T23:59:59Z")).toBe(true);
    expect(monthComplete(m("2026-10"), "2026-10-30T23:59:59Z")).toBe(false);
    expect(monthComplete(m("2026-10"), "2026-11-01T08:00:00Z")).toBe(true);
    expect(monthComplete(m("2026-02"), "2026-02-28T12:00:00Z")).toBe(true); // 28 days in 2026
    expect(monthComplete(m("2024-02"), "2024-02-28T12:00:00Z")).toBe(false); // 29 in 2024
    expect(monthComplete(m("2026-10"), null)).toBe(true);
  });
});

describe("cardMonths(rows, {to, through})", () => {
  it("on the 1st of a month (the bench's day after: data through 1 November) describes October against September and keeps November apart", () => {
    const {current, previous, partial} = cardMonths(rows, {to: new Date("2026-11-01T00:00:00Z"), through: "2026-11-01T21:30:00Z"});
    expect([current?.orders, previous?.orders]).toEqual(["2026-10", "2026-09"]);
    expect(partial).toEqual({row: rows[1], days: 1});
  });

  it("with the data through the month's last day (the sample: 31 October) the latest month is whole", () => {
    const {current, previous, partial} = cardMonths(rows.slice(0, 1).concat(rows.slice(2)), {to: new Date("2026-10-31T00:00:00Z"), through: "2026-10-31T21:30:06Z"});
    expect([current?.orders, previous?.orders, partial]).toEqual(["2026-10", "2026-09", undefined]);
  });

  it("a range ending earlier ends the cards at its last month; a month in progress past it is not mentioned", () => {
    const {current, previous, partial} = cardMonths(rows, {to: new Date("2026-09-30T00:00:00Z"), through: "2026-11-15T00:00:00Z"});
    expect([current?.orders, previous?.orders, partial]).toEqual(["2026-09", "2026-08", undefined]);
  });

  it("names the latest earlier month the rows hold when one is missing, and nothing when there is none", () => {
    const gap = [rows[0], rows[3]]; // August and October
    expect(cardMonths(gap, {to: m("2026-10"), through: "2026-10-31T10:00:00Z"}).previous?.orders).toBe("2026-08");
    expect(cardMonths([rows[1]], {to: m("2026-11"), through: "2026-11-03T10:00:00Z"})).toEqual({current: undefined, previous: undefined, partial: {row: rows[1], days: 3}});
    expect(cardMonths([], {to: m("2026-11"), through: null})).toEqual({current: undefined, previous: undefined, partial: undefined});
  });
});

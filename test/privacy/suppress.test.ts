import {describe, expect, it} from "vitest";
import {complementarySql, periodLines, suppressedRows} from "../../src/privacy/suppress.js";
import {withDuckDB} from "../../src/warehouse/duckdb.js";
import {differences} from "../support/differencing.js";

// A quarter worked by hand. Answers per month and group (all = A + B):
//            Jan  Feb  Mar   Q1
//   all       30   50   70  150
//   A         25   30   40   95
//   B          5   20   30   55
// B's January (5) is below 10, so January's A (25) goes too (else 30 − 25 = 5); then B's quarter minus its
// February and March would be 5, so B's February (the smaller of the two) goes; February's total minus A
// then leaves B's 20, which is enough. Withheld: A Jan, B Jan, B Feb.
const table: [string, string, string, number][] = [
  ["all", "all", "2026-01-01", 30], ["all", "all", "2026-02-01", 50], ["all", "all", "2026-03-01", 70],
  ["segment", "A", "2026-01-01", 25], ["segment", "A", "2026-02-01", 30], ["segment", "A", "2026-03-01", 40],
  ["segment", "B", "2026-01-01", 5], ["segment", "B", "2026-02-01", 20], ["segment", "B", "2026-03-01", 30]
];
const quarters: [string, string, number][] = [["all", "all", 150], ["segment", "A", 95], ["segment", "B", 55]];
const selects = [
  table.map(([by, group, period, size]) => `SELECT 'month' AS granularity, '${by}' AS "by", '${group}' AS "group", DATE '${period}' AS period, ${size} AS size`).join(" UNION ALL "),
  quarters.map(([by, group, size]) => `SELECT 'quarter' AS granularity, '${by}' AS "by", '${group}' AS "group", DATE '2026-01-01' AS period, ${size} AS size`).join(" UNION ALL ")
];
type Cell = {granularity: string; by: string; group: string; period: Date; size: number; hidden: boolean};
const cellsOf = (rows: Cell[]) => rows.map((r) => ({table: "t", granularity: r.granularity, by: r.by, group: r.group, period: r.period.toISOString().slice(0, 10), size: r.hidden ? null : r.size}));

describe("suppressedRows", () => {
  it("suppressedRows(db, selects, lines) withholds the hand-worked cells, over groups and months of quarters, until nothing changes", async () => {
    const rows = await withDuckDB((db) => suppressedRows<Cell>(db, selects, [periodLines.groups, periodLines.monthsOfQuarter], {minGroup: 10}));
    expect(rows.filter((r) => r.hidden).map((r) => `${r.granularity} ${r.group} ${r.period.toISOString().slice(0, 7)}`)).toEqual(["month A 2026-01", "month B 2026-01", "month B 2026-02"]);
    expect(differences(cellsOf(rows), 10)).toEqual([]);
  });

  it("one kind of line alone is not enough: with the groups only, B's quarter minus its months gives away its January", async () => {
    const rows = await withDuckDB((db) => suppressedRows<Cell>(db, selects, [periodLines.groups], {minGroup: 10}));
    expect(differences(cellsOf(rows), 10).map((l) => [l.line, l.remainder])).toEqual([["t|months|segment|B|2026-01-01", 5]]);
  });

  it("suppressedRows(db, selects, lines, {passes}) runs a second size from the cells the first withheld", async () => {
    const withRatings = selects.map((s) => `SELECT *, size - 3 AS ratings FROM (${s})`);
    const rows = await withDuckDB((db) => suppressedRows<Cell & {rated_hidden: boolean}>(db, withRatings, [periodLines.groups, periodLines.monthsOfQuarter], {minGroup: 10, passes: [{}, {size: "ratings", column: "rated_hidden", initially: "hidden"}]}));
    for (const r of rows) if (r.hidden) expect(r.rated_hidden).toBe(true);
    expect(rows.filter((r) => r.rated_hidden).length).toBeGreaterThanOrEqual(rows.filter((r) => r.hidden).length);
  });
});

describe("complementarySql", () => {
  it("complementarySql(table, options) withholds small parts and, when they are too few together, the smallest other part", async () => {
    const rows = await withDuckDB((db) =>
      db.all<{g: string; hidden: boolean}>(`SELECT g, hidden FROM (${complementarySql("(SELECT * FROM (VALUES ('a', 3), ('b', 4), ('c', 12), ('d', 30)) v(g, n))", {partition: ["true"], key: "g", size: "n", minGroup: 10})}) ORDER BY g`)
    );
    expect(rows).toEqual([{g: "a", hidden: true}, {g: "b", hidden: true}, {g: "c", hidden: true}, {g: "d", hidden: false}]);
  });
});

import {existsSync, readFileSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {sources} from "../../loaders/index.js";
import {parseConfig} from "../../src/config.js";
import {ingest} from "../../src/ingest/ingest.js";
import {dateHint, formatGroup} from "../../src/ingest/rejects.js";
import {tempTree} from "../support/fixtures.js";

const now = new Date("2026-11-01T00:00:00Z");
// 2 good orders, 3 repeats of o1 (lines 4, 5, 6), 3 day-first dates (lines 7, 8, 9).
const orders = [
  "id,customer_id,ordered_at,amount",
  "o1,c1,2024-01-01,10",
  "o2,c1,2024-01-02,10",
  "o1,c1,2024-01-01,10",
  "o1,c1,2024-01-01,10",
  "o1,c1,2024-01-01,10",
  "o7,c1,13/12/2010 08:26,5",
  "o8,c1,14/12/2010 09:00,5",
  "o9,c1,15/12/2010 10:00,5"
].join("\n") + "\n";

describe("ingest() summarises rejects by column and rule, and writes them where a person can open them", () => {
  it("ingest() groups rejects by column and rule, without line numbers, with the first lines, three examples and a date hint", async () => {
    const dir = tempTree({"orders.csv": orders});
    const report = await ingest(["orders.csv"], {cwd: dir, config: parseConfig({rejectThreshold: 1}), sources, warehouse: null, now});
    const [file] = report.files;
    expect(file.reasons).toEqual([
      {column: "id", reason: "repeats an earlier line exactly", count: 3, lines: [4, 5, 6], examples: [{value: "o1", line: 4}, {value: "o1", line: 5}, {value: "o1", line: 6}]},
      {
        column: "ordered_at",
        reason: "not a date (expected ISO 8601 such as 2024-01-15 or 2024-01-15T10:00:00Z; set dateFormats for others)",
        count: 3,
        lines: [7, 8, 9],
        examples: [{value: "13/12/2010 08:26", line: 7}, {value: "14/12/2010 09:00", line: 8}, {value: "15/12/2010 10:00", line: 9}],
        hint: 'looks day-first: add "dateFormats": "%d/%m/%Y %H:%M"'
      }
    ]);
    expect(formatGroup(file.reasons[1])).toBe(
      "ordered_at: 3 × not a date (expected ISO 8601 such as 2024-01-15 or 2024-01-15T10:00:00Z; set dateFormats for others), " +
        "e.g. '13/12/2010 08:26' at line 7, '14/12/2010 09:00' at line 8, '15/12/2010 10:00' at line 9; looks day-first: add \"dateFormats\": \"%d/%m/%Y %H:%M\""
    );
    // check writes the full list to the working folder.
    expect(report.rejects).toEqual({path: join(dir, "rapport-rejects.csv"), count: 6});
    const csv = readFileSync(join(dir, "rapport-rejects.csv"), "utf-8").trim().split("\n");
    expect(csv[0]).toBe("file,line,entity,column,value,reason");
    expect(csv.slice(1).map((l) => l.split(",").slice(0, 5).join(","))).toEqual([
      "orders.csv,4,orders,id,o1",
      "orders.csv,5,orders,id,o1",
      "orders.csv,6,orders,id,o1",
      "orders.csv,7,orders,ordered_at,13/12/2010 08:26",
      "orders.csv,8,orders,ordered_at,14/12/2010 09:00",
      "orders.csv,9,orders,ordered_at,15/12/2010 10:00"
    ]);
  });

  it("ingest() that fails its threshold writes rejects.csv next to the warehouse; one that succeeds writes none", async () => {
    const dir = tempTree({"orders.csv": orders});
    const failed = await ingest(["orders.csv"], {cwd: dir, config: parseConfig({}), sources, warehouse: join(dir, "wh/w.duckdb"), now});
    expect(failed.failed).toHaveLength(1);
    expect(failed.rejects).toEqual({path: join(dir, "wh/rejects.csv"), count: 6});
    expect(readFileSync(join(dir, "wh/rejects.csv"), "utf-8").trim().split("\n")).toHaveLength(7);
    const passed = await ingest(["orders.csv"], {cwd: dir, config: parseConfig({rejectThreshold: 1}), sources, warehouse: join(dir, "ok/w.duckdb"), now});
    expect(passed.rejects).toBeNull();
    expect(existsSync(join(dir, "ok/rejects.csv"))).toBe(false);
  });

  it("dateHint(group) tells day-first from month-first only when the examples do", () => {
    const hint = (...values: string[]) => dateHint({reason: "not a date", examples: values.map((value, line) => ({value, line}))});
    expect(hint("13/12/2010")).toBe('looks day-first: add "dateFormats": "%d/%m/%Y"');
    expect(hint("12/13/10 8:05")).toBe('looks month-first: add "dateFormats": "%m/%d/%y %H:%M"');
    expect(hint("01.02.2024 10:00:00", "25.02.2024 10:00:00")).toBe('looks day-first: add "dateFormats": "%d.%m.%Y %H:%M:%S"');
    expect(hint("01/02/2024")).toBeUndefined();
    expect(hint("yesterday")).toBeUndefined();
  });
});

import {tableFromIPC} from "apache-arrow";
import {describe, expect, it} from "vitest";
import {toArrowStream} from "../../src/format/arrow.js";

describe("toArrowStream", () => {
  it("toArrowStream(rows) writes an IPC stream whose column types follow the values", () => {
    const month = new Date("2026-01-01T00:00:00Z");
    const table = tableFromIPC(
      toArrowStream([
        {month, channel: "organic", orders: 3, revenue: 10.5, ok: true, note: null},
        {month, channel: null, orders: 4, revenue: 2, ok: false, note: null}
      ])
    );
    expect(table.schema.fields.map((f) => [f.name, String(f.type)])).toEqual([
      ["month", "Date64<MILLISECOND>"],
      ["channel", "Utf8"],
      ["orders", "Int32"],
      ["revenue", "Float64"],
      ["ok", "Bool"],
      ["note", "Utf8"]
    ]);
    expect(table.numRows).toBe(2);
    expect(table.get(1)?.toJSON()).toMatchObject({channel: null, orders: 4, revenue: 2, ok: false});
  });

  it("toArrowStream(rows) dictionary-encodes a string column whose values repeat, and reads back the same strings", () => {
    const groups = ["all", "segment", "region", null];
    const rows = Array.from({length: 40}, (_, i) => ({breakdown: groups[i % 4], id: `c${i}`}));
    const table = tableFromIPC(toArrowStream(rows));
    expect(table.schema.fields.map((f) => [f.name, String(f.type)])).toEqual([
      ["breakdown", "Dictionary<Int32, Utf8>"],
      ["id", "Utf8"]
    ]);
    expect(table.toArray().map((r) => r.toJSON())).toEqual(rows);
  });

  it("toArrowStream(rows) keeps large whole numbers as Float64", () => {
    const table = tableFromIPC(toArrowStream([{n: 2 ** 40}]));
    expect(String(table.schema.fields[0].type)).toBe("Float64");
    expect(table.get(0)?.toJSON().n).toBe(2 ** 40);
  });

  it("toArrowStream(rows) refuses bigint columns, naming the column", () => {
    expect(() => toArrowStream([{customers: 3n}])).toThrow(/column customers holds bigint/);
  });

  it("toArrowStream([]) is an empty stream with no columns", () => {
    expect(tableFromIPC(toArrowStream([])).numRows).toBe(0);
  });
});

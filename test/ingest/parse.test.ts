import {describe, expect, it} from "vitest";
import {withDuckDB} from "../../src/warehouse/duckdb.js";
import {warehouseOf} from "../support/warehouse.js";

// The parser takes a fast path for plain timestamps and numbers; these values must read exactly as the
// general path reads them, and the ones the general path rejects must still be rejected.
const orders = [
  "id,customer_id,ordered_at,amount,currency,status",
  "o1,c1,2024-01-15T10:00:00Z,12.50,USD,completed",
  "o2,c1,2024-01-15T10:00:00+02:00,1e2,USD,completed",
  "o3,c1,2024-01-15 10:00:00-05,$1,234.50,USD,completed",
  "o4,c1,2024-01-15T10:00:00+0200,(7.25),USD,refunded",
  "o5,c1,2024-01-15,USD 3,USD,completed",
  "o6,c1,2024-01-15 10:00:00,NaN,USD,completed",
  "o7,c1,2024-01-15T10:00:00.250Z,inf,USD,completed",
  "o8,c1,2024-01-15T10:00:00 America/New_York,5,USD,completed"
].join("\n");

describe("parsing timestamps and amounts", () => {
  it("ingest(...) reads offsets, bare dates, money-like amounts and exponents, and rejects NaN and infinity", async () => {
    const {path, report} = await warehouseOf({"customers.csv": "id,created_at\nc1,2024-01-01\n", "orders.csv": orders.replace("$1,234.50", '"$1,234.50"')}, {rejectThreshold: 0.5});
    const rows = await withDuckDB((db) => db.all<{id: string; ordered_at: Date; amount: number}>("SELECT id, ordered_at, amount FROM orders ORDER BY id"), path);
    expect(rows.map((r) => [r.id, r.ordered_at.toISOString(), r.amount])).toEqual([
      ["o1", "2024-01-15T10:00:00.000Z", 12.5],
      ["o2", "2024-01-15T08:00:00.000Z", 100],
      ["o3", "2024-01-15T15:00:00.000Z", 1234.5],
      ["o4", "2024-01-15T08:00:00.000Z", -7.25],
      ["o5", "2024-01-15T00:00:00.000Z", 3],
      ["o8", "2024-01-15T15:00:00.000Z", 5]
    ]);
    const rejects = await withDuckDB((db) => db.all<{line: bigint; column: string; reason: string}>(`SELECT line, "column", reason FROM _rejects ORDER BY line`), path);
    expect(rejects.map((r) => [Number(r.line), r.column, r.reason])).toEqual([
      [7, "amount", "not a number"],
      [8, "amount", "not a number"]
    ]);
    expect(report.files.find((f) => f.path.endsWith("orders.csv"))!.rejected).toBe(2);
  });
});

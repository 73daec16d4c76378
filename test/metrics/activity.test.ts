import {describe, expect, it} from "vitest";
import {groupActivitySql, monthlyActivitySql, publishedActivitySql} from "../../src/metrics/activity.js";
import {withDuckDB} from "../../src/warehouse/duckdb.js";
import {warehouseOf} from "../support/warehouse.js";

const files = {
  "customers.csv": "id,created_at,segment,channel\nc1,2026-01-03,SMB,organic\nc2,2026-01-20,SMB,referral\nc3,2026-02-01,Enterprise,organic\n",
  "orders.csv": [
    "id,customer_id,ordered_at,amount,currency,status",
    "o1,c1,2026-01-03T10:00:00Z,100,USD,completed",
    "o2,c1,2026-01-28T10:00:00Z,50,USD,completed",
    "o3,c2,2026-01-20T09:00:00Z,80,USD,refunded", // c2's first completed order is o4
    "o4,c2,2026-02-02T09:00:00Z,20,USD,completed",
    "o5,c1,2026-02-14T23:59:59Z,30.25,USD,completed",
    "o6,c3,2026-02-05T00:00:00Z,999,USD,cancelled",
    "o7,c3,2026-02-06T00:00:00Z,5.5,USD,completed"
  ].join("\n")
};

describe("monthlyActivitySql", () => {
  it("monthlyActivitySql() counts completed orders only, new customers at their first completed order, per month × channel × segment", async () => {
    const {path} = await warehouseOf(files);
    const rows = await withDuckDB((db) => db.all(monthlyActivitySql()), path);
    expect(rows.map((r) => ({...r, month: (r.month as Date).toISOString().slice(0, 7)}))).toEqual([
      {month: "2026-01", channel: "organic", segment: "SMB", orders: 2, active_customers: 1, new_customers: 1, gross_revenue: 150, returned: 0, net_revenue: 150},
      {month: "2026-02", channel: "organic", segment: "Enterprise", orders: 1, active_customers: 1, new_customers: 1, gross_revenue: 5.5, returned: 0, net_revenue: 5.5},
      {month: "2026-02", channel: "organic", segment: "SMB", orders: 1, active_customers: 1, new_customers: 0, gross_revenue: 30.25, returned: 0, net_revenue: 30.25},
      {month: "2026-02", channel: "referral", segment: "SMB", orders: 1, active_customers: 1, new_customers: 1, gross_revenue: 20, returned: 0, net_revenue: 20}
    ]);
  });
});

describe("publishedActivitySql", () => {
  it("publishedActivitySql({minGroup}) keeps exact monthly totals, merges small channels into other, and withholds a month too small as a whole", async () => {
    const {path} = await warehouseOf(files);
    const rows = await withDuckDB((db) => db.all(publishedActivitySql({minGroup: 2})), path);
    expect(rows.map((r) => [(r.month as Date).toISOString().slice(0, 7), r.channel, r.active_customers, r.net_revenue, r.suppressed])).toEqual([
      ["2026-01", "All channels", null, null, true], // one customer in January: withheld even in total
      ["2026-01", "other", null, null, true],
      // February: referral (1 customer) is too small, and "other" would be too: organic, the smallest
      // large channel, joins it, so the total minus the channels shown reveals nothing about referral.
      ["2026-02", "All channels", 3, 55.75, false],
      ["2026-02", "other", 3, 55.75, false]
    ]);
  });

  it("publishedActivitySql({minGroup}) leaves large channels alone when the small ones are enough together, and the channels add up to the total", async () => {
    const customers = ["id,created_at,channel", ...["a1", "a2", "a3"].map((id) => `${id},2026-01-01,organic`), ...["b1", "b2", "b3"].map((id) => `${id},2026-01-01,paid`), "c1,2026-01-01,social", "d1,2026-01-01,partner"];
    const orders = ["id,customer_id,ordered_at,amount,currency,status", ...["a1", "a2", "a3", "b1", "b2", "b3", "c1", "d1"].map((c, i) => `o${i},${c},2026-01-0${1 + (i % 5)}T10:00:00Z,${10 + i},USD,completed`)];
    const {path} = await warehouseOf({"customers.csv": customers.join("\n"), "orders.csv": orders.join("\n")});
    const rows = await withDuckDB((db) => db.all<{channel: string; active_customers: number; net_revenue: number}>(publishedActivitySql({minGroup: 2})), path);
    expect(rows.map((r) => [r.channel, r.active_customers])).toEqual([["All channels", 8], ["organic", 3], ["other", 2], ["paid", 3]]);
    const total = rows.find((r) => r.channel === "All channels")!;
    expect(rows.filter((r) => r.channel !== "All channels").reduce((s, r) => s + r.net_revenue, 0)).toBeCloseTo(total.net_revenue, 6);
  });
});

describe("groupActivitySql", () => {
  it("groupActivitySql({by, minGroup}) counts each segment's month like monthlyActivitySql, withholding groups below minGroup and what would give them away", async () => {
    const {path} = await warehouseOf(files);
    const rows = await withDuckDB((db) => db.all(groupActivitySql({by: "segment", minGroup: 2})), path);
    expect(rows.map((r) => [(r.month as Date).toISOString().slice(0, 7), r.by, r.group, r.orders, r.active_customers, r.new_customers, r.net_revenue, r.suppressed])).toEqual([
      ["2026-01", "segment", "SMB", null, null, null, null, true], // c1 alone: c2's January order was refunded
      ["2026-02", "segment", "Enterprise", null, null, null, null, true],
      // Enterprise alone is too small, and the February total minus SMB would give it away: SMB is withheld too.
      ["2026-02", "segment", "SMB", null, null, null, null, true]
    ]);
    const roomy = await withDuckDB((db) => db.all(groupActivitySql({by: "segment", minGroup: 1})), path);
    expect(roomy.filter((r) => (r.month as Date).toISOString().startsWith("2026-02")).map((r) => [r.group, r.active_customers, r.suppressed])).toEqual([
      ["Enterprise", 1, false],
      ["SMB", 2, false]
    ]);
    const open = await withDuckDB((db) => db.all(groupActivitySql({by: "region", minGroup: 1})), path);
    expect(open.map((r) => [r.group, r.active_customers])).toEqual([["unknown", 1], ["unknown", 3]]);
  });
});

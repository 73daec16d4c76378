import {describe, expect, it} from "vitest";
import {groupPages, groupSlug, groupSlugs, groupLabel} from "../../src/metrics/groupPages.js";
import {routesOf} from "../../src/cli/group-routes.js";
import {withDuckDB} from "../../src/warehouse/duckdb.js";
import {warehouseOf} from "../support/warehouse.js";

describe("groupSlug", () => {
  it("groupSlug(name) is lower case, dashes for other characters, accents dropped, no dash at either end", () => {
    expect(groupSlug("paid_search")).toBe("paid-search");
    expect(groupSlug("North America")).toBe("north-america");
    expect(groupSlug("Île-de-France")).toBe("ile-de-france");
    expect(groupSlug("São Paulo / Rio")).toBe("sao-paulo-rio");
    expect(groupSlug("  B2B (direct)  ")).toBe("b2b-direct");
    expect(groupSlug("—")).toBe("group");
  });
  it("groupSlugs(names) gives colliding names -2, -3 in code-point order, whatever order they come in", () => {
    const a = groupSlugs(["paid_search", "Paid search", "paid-search"]);
    const b = groupSlugs(["paid-search", "paid_search", "Paid search"]);
    expect([...a].sort()).toEqual([...b].sort());
    expect(a.get("Paid search")).toBe("paid-search");
    expect(a.get("paid-search")).toBe("paid-search-2");
    expect(a.get("paid_search")).toBe("paid-search-3");
  });
  it("groupLabel(name) reads internal names as words and keeps names that have capitals", () => {
    expect(groupLabel("paid_search")).toBe("Paid search");
    expect(groupLabel("organic")).toBe("Organic");
    expect(groupLabel("EMEA")).toBe("EMEA");
    expect(groupLabel("Mid-market")).toBe("Mid-market");
  });
});

// 11 customers. Segments: Enterprise 3, SMB 4, Tiny 1, none 3. Regions: EMEA 7, APAC 4.
// Channels: paid_search 3, "Paid search" 4, organic 4.
const rows = [
  ["c1", "Enterprise", "EMEA", "paid_search"],
  ["c2", "Enterprise", "EMEA", "paid_search"],
  ["c3", "Enterprise", "EMEA", "paid_search"],
  ["c4", "SMB", "EMEA", "Paid search"],
  ["c5", "SMB", "EMEA", "Paid search"],
  ["c6", "SMB", "EMEA", "Paid search"],
  ["c7", "SMB", "EMEA", "Paid search"],
  ["c8", "Tiny", "APAC", "organic"],
  ["c9", "", "APAC", "organic"],
  ["c10", "", "APAC", "organic"],
  ["c11", "", "APAC", "organic"]
];
const files = {
  "customers.csv": "id,created_at,segment,region,channel\n" + rows.map(([id, s, r, c]) => `${id},2026-01-03,${s},${r},${c}`).join("\n") + "\n",
  "orders.csv": "id,customer_id,ordered_at,amount,currency,status\n" + rows.map(([id], i) => `o${i},${id},2026-01-0${(i % 5) + 3}T10:00:00Z,10,USD,completed`).join("\n") + "\n"
};

describe("groupPages", () => {
  it("groupPages(db, minGroupSize) gives a page to every named group of at least minGroupSize customers, none to smaller ones or to unknown", async () => {
    const {path} = await warehouseOf(files);
    const pages = await withDuckDB((db) => groupPages(db, 3), path);
    expect(pages.map((p) => [p.by, p.group, p.slug, p.label, p.customers])).toEqual([
      // Tiny (1) is withheld; with fewer than 3 withheld together, the smallest shown (Enterprise 3, before "unknown" 3 by name) loses its count, not its page.
      ["segment", "Enterprise", "enterprise", "Enterprise", null],
      ["segment", "SMB", "smb", "SMB", 4],
      ["region", "APAC", "apac", "APAC", 4],
      ["region", "EMEA", "emea", "EMEA", 7],
      ["channel", "Paid search", "paid-search", "Paid search", 4],
      ["channel", "organic", "organic", "Organic", 4],
      ["channel", "paid_search", "paid-search-2", "Paid search", 3]
    ]);
    // With 5, only groups of 5 or more: EMEA alone; APAC (4) is then withheld and, below 5 on its own, keeps EMEA's count back too.
    const five = await withDuckDB((db) => groupPages(db, 5), path);
    expect(five.map((p) => [p.group, p.customers])).toEqual([["EMEA", null]]);
  });
  it("routesOf(pages) gives Framework's dynamic paths and one collapsible sidebar section per kind with pages", async () => {
    const {path} = await warehouseOf(files);
    const routes = routesOf(await withDuckDB((db) => groupPages(db, 5), path));
    expect(routes).toEqual({paths: ["/regions/emea"], sections: [{name: "Regions", collapsible: true, open: false, pages: [{name: "EMEA", path: "/regions/emea"}]}]});
  });
});

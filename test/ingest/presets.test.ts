import {describe, expect, it} from "vitest";
import {sources} from "../../loaders/index.js";
import {parseConfig} from "../../src/config.js";
import {ingest, type IngestReport} from "../../src/ingest/ingest.js";
import {withDuckDB} from "../../src/warehouse/duckdb.js";
import {tempTree} from "../support/fixtures.js";

const root = new URL("../..", import.meta.url).pathname;

/** Loads one folder of fixture exports into a fresh warehouse and returns the report and its tables. */
async function load(folder: string) {
  const path = `${tempTree({})}/warehouse.duckdb`;
  const report = await ingest([`test/fixtures/exports/${folder}`], {cwd: root, config: parseConfig({rejectThreshold: 1}), sources, warehouse: path});
  const tables = await withDuckDB(async (db) => ({
    customers: await db.all(`SELECT id, created_at, name, email, phone, segment, region, channel FROM customers ORDER BY id`),
    orders: await db.all(`SELECT id, customer_id, ordered_at, amount, currency, status FROM orders ORDER BY id`),
    rejects: await db.all(`SELECT regexp_extract(file, '[^/]+$') AS file, line::INTEGER AS line, "column", value, reason FROM _rejects ORDER BY file, line`)
  }), path);
  return {report, ...tables};
}

const counts = (report: IngestReport) => report.files.map((f) => [f.path.split("/").pop(), f.source, f.entity, f.read, f.accepted, f.rejected, f.skipped]);
const utc = (s: string) => new Date(s);

describe("source presets on exports written the way each tool writes them", () => {
  it("hubspot: contacts (BOM, CRLF, two date formats, source codes) and closed deals; open deals skipped", async () => {
    const {report, customers, orders} = await load("hubspot");
    expect(counts(report)).toEqual([
      ["contacts.csv", "hubspot", "customers", 3, 3, 0, 0],
      ["deals.csv", "hubspot", "orders", 4, 3, 0, 1]
    ]);
    expect(customers[0]).toEqual({id: "101", created_at: utc("2024-01-15T10:23:00Z"), name: "Ada Lovelace", email: "ada@example.com", phone: "+44 20 7946 0001", segment: "customer", region: "United Kingdom", channel: "organic"});
    expect(customers[2]).toMatchObject({name: "Chloé Dubois", created_at: utc("2024-02-20T16:30:00Z"), channel: "referral"});
    expect(orders).toEqual([
      {id: "9001", customer_id: "101", ordered_at: utc("2024-01-20T12:00:00Z"), amount: 1200, currency: null, status: "completed"},
      {id: "9002", customer_id: "102", ordered_at: utc("2024-02-10T09:00:00Z"), amount: 300, currency: null, status: "cancelled"},
      {id: "9004", customer_id: "101", ordered_at: utc("2025-01-20T12:00:00Z"), amount: 1250.5, currency: null, status: "completed"}
    ]);
  });

  it("salesforce: report exports with US dates, currency codes and symbols, and the report footer skipped", async () => {
    const {report, customers, orders} = await load("salesforce");
    expect(counts(report)).toEqual([
      ["accounts_report.csv", "salesforce", "customers", 5, 2, 0, 3],
      ["opportunities_report.csv", "salesforce", "orders", 6, 3, 0, 3]
    ]);
    expect(customers.map((c) => [c.id, c.name, c.created_at, c.region, c.channel])).toEqual([
      ["0015g00000A1bCdAAA", "Acme Corp", utc("2024-01-15T00:00:00Z"), "United States", "Web"],
      ["0015g00000A1bCeAAA", "Globex, Inc.", utc("2024-03-02T00:00:00Z"), "Germany", "Partner Referral"]
    ]);
    expect(orders.map((o) => [o.id, o.amount, o.currency, o.status, o.ordered_at])).toEqual([
      ["0065g00000XyZ01AAA", 12500, "USD", "completed", utc("2024-02-28T00:00:00Z")],
      ["0065g00000XyZ02AAA", 1000.5, null, "completed", utc("2024-06-30T00:00:00Z")],
      ["0065g00000XyZ03AAA", 4000, "USD", "cancelled", utc("2024-04-15T00:00:00Z")]
    ]);
  });

  it("stripe: payments net of partial refunds, statuses mapped, and a guest payment rejected for its missing customer", async () => {
    const {report, orders, rejects} = await load("stripe");
    expect(counts(report)).toEqual([
      ["customers.csv", "stripe", "customers", 2, 2, 0, 0],
      ["unified_payments.csv", "stripe", "orders", 5, 4, 1, 0]
    ]);
    expect(orders.map((o) => [o.id, o.amount, o.currency, o.status])).toEqual([
      ["ch_3Ox1", 49, "USD", "completed"],
      ["ch_3Ox2", 1000, "USD", "completed"],
      ["ch_3Ox3", 49, "EUR", "refunded"],
      ["ch_3Ox4", 49, "USD", "cancelled"]
    ]);
    expect(rejects).toEqual([{file: "unified_payments.csv", line: 6, column: "customer_id", value: null, reason: "missing customer_id"}]);
  });

  it("shopify: customers keyed by e-mail, one order per order (line items skipped), offsets converted to UTC", async () => {
    const {report, customers, orders} = await load("shopify");
    expect(counts(report)).toEqual([
      ["customers_export.csv", "shopify", "customers", 2, 2, 0, 0],
      ["orders_export.csv", "shopify", "orders", 6, 4, 0, 2]
    ]);
    expect(customers[0]).toMatchObject({id: "dana@example.com", name: "Dana Scully", phone: "+15550100", region: "US", created_at: utc("2024-01-15T15:23:45Z")});
    expect(orders.map((o) => [o.id, o.customer_id, o.ordered_at, o.amount, o.status])).toEqual([
      ["5550001", "dana@example.com", utc("2024-01-15T15:23:45Z"), 115, "completed"],
      ["5550002", "eve@example.com", utc("2024-02-01T14:00:00Z"), 30, "refunded"],
      ["5550003", "dana@example.com", utc("2024-03-01T11:00:00Z"), 40, "completed"],
      ["5550005", "dana@example.com", utc("2024-03-06T13:00:00Z"), 20, "cancelled"]
    ]);
  });
});

describe("CDNOW through the same path", () => {
  it("cdnow: the 2,357-customer sample loads whole, with customers derived from orders", async () => {
    const path = `${tempTree({})}/warehouse.duckdb`;
    const report = await ingest(["test/fixtures/cdnow/CDNOW_sample.txt"], {cwd: root, config: parseConfig({}), sources, warehouse: path});
    expect(counts(report)).toEqual([["CDNOW_sample.txt", "cdnow", "orders", 6919, 6919, 0, 0]]);
    const [row] = await withDuckDB(
      (db) =>
        db.all(`SELECT (SELECT count(*) FROM customers WHERE _derived)::INTEGER AS customers, round(sum(amount), 2) AS revenue,
          min(ordered_at) AS first, max(ordered_at) AS last,
          (SELECT count(*) FROM (SELECT DISTINCT customer_id, ordered_at::DATE FROM orders))::INTEGER AS customer_days FROM orders`),
      path
    );
    // Revenue as awk sums the last column; 6,696 distinct customer-days as in the CLV literature (CLVTools cdnow).
    expect(row).toEqual({customers: 2357, revenue: 244091.94, first: utc("1997-01-01T00:00:00Z"), last: utc("1998-06-30T00:00:00Z"), customer_days: 6696});
  });
});

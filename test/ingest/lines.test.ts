import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {computeMetric} from "../../src/metrics/registry.js";
import {monthlyActivitySql} from "../../src/metrics/activity.js";
import {revenueToDateSql} from "../../src/metrics/historical.js";
import {currencySql, guestOrdersSql} from "../../src/metrics/revenue.js";
import {rfmCustomersSql} from "../../src/metrics/rfm.js";
import {withDuckDB} from "../../src/warehouse/duckdb.js";
import {warehouseOf} from "../support/warehouse.js";

const fixture = (path: string) => readFileSync(new URL(`../fixtures/online-retail/${path}`, import.meta.url), "utf-8");
const exampleConfig = JSON.parse(readFileSync(new URL("../../data/examples/online-retail/rapport.config.json", import.meta.url), "utf-8"));

type Triangle = {cohort: Date; k: number; customers: number; retained: number; revenue: number}[];
const query = <T>(path: string, sql: string) => withDuckDB((db) => db.all<T>(sql), path);
const month = (d: Date) => d.toISOString().slice(0, 7);

describe("order lines, returns and guests on the Online Retail subset", () => {
  const reference = JSON.parse(fixture("reference-subset.json"));

  it("ingest(OnlineRetail.csv) with the example config: one order per invoice, credit notes as returns, guests apart, read = accepted + rejected + skipped", async () => {
    const {report} = await warehouseOf({"OnlineRetail.csv": fixture("export/OnlineRetail.csv")}, exampleConfig);
    const [file] = report.files;
    expect(report.failed).toEqual([]);
    expect([file.read, file.accepted, file.rejected, file.skipped]).toEqual([7062, 456, 0, 6606]);
    expect(file.read).toBe(reference.lines);
    expect(file.accepted).toBe(reference.invoices);
    expect(file.kinds).toEqual({orders: reference.orders, returns: reference.returns + reference.guestReturns, guestOrders: reference.guestOrders, lines: reference.lines - reference.invoices});
    expect([reference.orders, reference.returns, reference.guestOrders, reference.guestReturns]).toEqual([305, 98, 48, 5]);
  });

  it("metrics retention --period month gives pandas' triangle, cohort sizes and customer count, revenue net of returns", async () => {
    const {path} = await warehouseOf({"OnlineRetail.csv": fixture("export/OnlineRetail.csv")}, exampleConfig);
    const {triangle} = (await withDuckDB((db) => computeMetric(db, "retention", {period: "month"}), path)) as {triangle: Triangle};
    const got = triangle.map((r) => ({cohort: month(r.cohort), k: r.k, customers: r.customers, retained: r.retained, revenue: r.revenue}));
    expect(got.length).toBe(reference.triangle.length);
    for (const [i, cell] of reference.triangle.entries()) {
      expect({...got[i], revenue: Math.round(got[i].revenue * 100)}).toEqual({...cell, revenue: Math.round(cell.revenue * 100)});
    }
    const sizes = Object.fromEntries(got.filter((r) => r.k === 0).map((r) => [r.cohort, r.customers]));
    expect(sizes).toEqual(reference.cohortSizes);
    expect(Object.values(sizes).reduce((s, n) => s + n, 0)).toBe(62);
    expect(reference.customers).toBe(62);
  });

  it("monthlyActivitySql() and guestOrdersSql give pandas' gross, returns and net, and the guest orders by month", async () => {
    const {path} = await warehouseOf({"OnlineRetail.csv": fixture("export/OnlineRetail.csv")}, exampleConfig);
    const rows = await query<{gross_revenue: number; returned: number; net_revenue: number; orders: number}>(path, monthlyActivitySql());
    const sum = (key: keyof (typeof rows)[number]) => Math.round(rows.reduce((s, r) => s + r[key], 0) * 100) / 100;
    expect([sum("gross_revenue"), sum("returned"), sum("net_revenue"), sum("orders")]).toEqual([reference.gross, reference.returned, reference.net, reference.orders]);
    expect([reference.gross, reference.returned]).toEqual([120920.07, 4810.26]);
    const guests = await query<{month: Date; orders: number; revenue: number; returned: number}>(path, guestOrdersSql);
    const byMonth = Object.fromEntries(guests.filter((g) => g.orders > 0).map((g) => [month(g.month), {count: g.orders, amount: g.revenue}]));
    expect(byMonth).toEqual(reference.guestByMonth);
    expect(Math.round(guests.reduce((s, g) => s + g.returned, 0) * 100) / 100).toBe(reference.guestReturned);
    expect(await query(path, currencySql)).toEqual([{currency: "GBP"}]);
  });

  it("customers derived from the invoices take the Country of their latest order as region, as pandas counts them", async () => {
    const {path} = await warehouseOf({"OnlineRetail.csv": fixture("export/OnlineRetail.csv")}, exampleConfig);
    const rows = await query<{region: string; n: number}>(path, "SELECT region, count(*)::INTEGER AS n FROM customers GROUP BY region ORDER BY region");
    expect(Object.fromEntries(rows.map((r) => [r.region, r.n]))).toEqual(reference.customersByRegion);
  });
});

const lineConfig = (file: Record<string, unknown> = {}, top: Record<string, unknown> = {}) => ({
  ...top,
  files: [
    {
      match: "lines.csv",
      entity: "orders",
      columns: {id: "Invoice", customer_id: "Customer", ordered_at: "Date"},
      lines: {quantity: "Qty", unitPrice: "Price"},
      returns: {idPattern: "^C", negative: true},
      guests: "allow",
      ...file
    }
  ]
});

describe("order lines (hand-made exports)", () => {
  it("lines of one order are summed (quantity × unit price), timed at the earliest line, and counted as further lines", async () => {
    const csv = ["Invoice,Customer,Date,Qty,Price", "1,a,2024-01-05 10:01,2,2.5", "1,a,2024-01-05 10:00,1,10", "2,a,2024-02-01 09:00,3,1.1", "1,a,2024-01-05 10:02,-1,1"].join("\n");
    const {path, report} = await warehouseOf({"lines.csv": csv}, lineConfig());
    expect([report.files[0].read, report.files[0].accepted, report.files[0].rejected, report.files[0].skipped]).toEqual([4, 2, 0, 2]);
    expect(await query(path, `SELECT id, customer_id, ordered_at, round(amount, 6) AS amount, _line::INTEGER AS line FROM orders ORDER BY id`)).toEqual([
      {id: "1", customer_id: "a", ordered_at: new Date("2024-01-05T10:00:00Z"), amount: 14, line: 2},
      {id: "2", customer_id: "a", ordered_at: new Date("2024-02-01T09:00:00Z"), amount: 3.3, line: 4}
    ]);
  });

  it("a line amount column gives the same orders as quantity × unit price", async () => {
    const csv = ["Invoice,Customer,Date,Qty,Price,Total", "1,a,2024-01-05,2,2.5,5", "1,a,2024-01-05,1,10,10", "2,b,2024-01-06,3,1.1,3.3"].join("\n");
    const byProduct = await warehouseOf({"lines.csv": csv}, lineConfig());
    const byTotal = await warehouseOf({"lines.csv": csv}, lineConfig({lines: {}, columns: {id: "Invoice", customer_id: "Customer", ordered_at: "Date", amount: "Total"}}));
    const sql = `SELECT id, customer_id, round(amount, 6) AS amount FROM orders ORDER BY id`;
    expect(await query(byTotal.path, sql)).toEqual([{id: "1", customer_id: "a", amount: 15}, {id: "2", customer_id: "b", amount: 3.3}]);
    expect(await query(byProduct.path, sql)).toEqual(await query(byTotal.path, sql));
  });

  it("an order whose lines disagree on the customer is rejected whole, naming the order and its customers", async () => {
    const csv = ["Invoice,Customer,Date,Qty,Price", "7,a,2024-01-05,1,10", "7,b,2024-01-05,1,10", "7,a,2024-01-05,1,5", "8,a,2024-01-06,1,4"].join("\n");
    const {path, report} = await warehouseOf({"lines.csv": csv}, lineConfig({}, {rejectThreshold: 1}));
    const [file] = report.files;
    expect([file.read, file.accepted, file.rejected, file.skipped]).toEqual([4, 1, 3, 0]);
    const rejects = await query<{line: number; column: string; value: string; reason: string}>(path, `SELECT line::INTEGER AS line, "column", value, reason FROM _rejects ORDER BY line`);
    expect(rejects.map((r) => r.line)).toEqual([2, 3, 4]);
    expect(rejects[0]).toEqual({line: 2, column: "customer_id", value: "7", reason: "order lines disagree on customer_id: order 7 has a at line 2, b at line 3"});
    expect(await query(path, "SELECT id FROM orders")).toEqual([{id: "8"}]);
  });

  it("a rejected line takes its whole order with it (a part of an order is not an order)", async () => {
    const csv = ["Invoice,Customer,Date,Qty,Price", "7,a,2024-01-05,1,10", "7,a,2024-01-05,x,10", "8,a,2024-01-06,1,4"].join("\n");
    const {path, report} = await warehouseOf({"lines.csv": csv}, lineConfig({}, {rejectThreshold: 1}));
    expect([report.files[0].accepted, report.files[0].rejected, report.files[0].skipped]).toEqual([1, 2, 0]);
    expect(await query(path, `SELECT line::INTEGER AS line, "column", value, reason FROM _rejects ORDER BY line`)).toEqual([
      {line: 2, column: "id", value: "7", reason: "another line of this order was rejected (order 7, line 3); the whole order is left out"},
      {line: 3, column: "amount", value: "x × 10", reason: "not a number"}
    ]);
  });

  it("guest lines (no customer id) become guest orders: accepted, in no cohort, not failing the threshold", async () => {
    const csv = ["Invoice,Customer,Date,Qty,Price", "1,,2024-01-05,2,5", "1,,2024-01-05,1,1", "2,,2024-01-09,1,3", "3,a,2024-01-10,1,20", "C4,,2024-01-20,-1,1"].join("\n");
    const {path, report} = await warehouseOf({"lines.csv": csv}, lineConfig());
    expect(report.failed).toEqual([]);
    expect(report.files[0].kinds).toEqual({orders: 1, returns: 1, guestOrders: 2, lines: 1});
    expect([report.files[0].read, report.files[0].accepted, report.files[0].rejected, report.files[0].skipped]).toEqual([5, 4, 0, 1]);
    expect(await query(path, guestOrdersSql)).toEqual([{month: new Date("2024-01-01T00:00:00Z"), orders: 2, revenue: 14, returned: 1, net: 13}]);
    expect(await query(path, "SELECT id FROM customers")).toEqual([{id: "a"}]);
    const {triangle} = (await withDuckDB((db) => computeMetric(db, "retention", {period: "month"}), path)) as {triangle: Triangle};
    expect(triangle.map((r) => [r.customers, r.revenue])).toEqual([[1, 20]]);
  });

  it("customer attributes on order lines: must agree within an order; a derived customer takes its latest order's, an exported one keeps its own", async () => {
    const csv = ["Invoice,Customer,Date,Qty,Price,Country", "1,a,2024-01-05,1,10,France", "1,a,2024-01-05,1,10,France", "2,a,2024-03-01,1,5,Spain", "3,b,2024-01-07,1,5,Italy", "4,c,2024-01-08,1,5,Chile", "4,c,2024-01-08,1,5,Peru"].join("\n");
    const config = lineConfig({columns: {id: "Invoice", customer_id: "Customer", ordered_at: "Date", region: "Country"}}, {rejectThreshold: 1});
    const {path, report} = await warehouseOf({"lines.csv": csv, "customers.csv": "id,created_at,region\na,2023-01-01,\nb,2023-01-01,Greece\nc,2023-01-01,\n"}, config);
    expect(report.files.find((f) => f.path.endsWith("lines.csv"))!.reasons.map((r) => ({column: r.column, reason: r.reason, count: r.count}))).toEqual([{column: "region", reason: "order lines disagree on region: order 4", count: 2}]);
    expect(await query(path, "SELECT id, region FROM customers ORDER BY id")).toEqual([{id: "a", region: "Spain"}, {id: "b", region: "Greece"}, {id: "c", region: null}]);
    const derived = await warehouseOf({"lines.csv": csv}, config);
    expect(await query(derived.path, "SELECT id, region FROM customers ORDER BY id")).toEqual([{id: "a", region: "Spain"}, {id: "b", region: "Italy"}]);
  });

  it("without guests: \"allow\", an order with no customer is still rejected", async () => {
    const csv = ["Invoice,Customer,Date,Qty,Price", "1,,2024-01-05,2,5", "2,a,2024-01-09,1,3"].join("\n");
    const {report} = await warehouseOf({"lines.csv": csv}, lineConfig({guests: undefined}, {rejectThreshold: 1}));
    expect(report.files[0].reasons.map((r) => ({column: r.column, reason: r.reason, count: r.count}))).toEqual([{column: "customer_id", reason: "missing customer_id", count: 1}]);
  });
});

describe("returns and credit notes", () => {
  it("a credit note before its customer's first order starts no cohort, counts in the first period, and is no activity", async () => {
    const csv = ["Invoice,Customer,Date,Qty,Price", "C1,a,2024-01-10,-2,5", "2,a,2024-02-03,4,10", "3,b,2024-01-15,1,50"].join("\n");
    const {path} = await warehouseOf({"lines.csv": csv}, lineConfig());
    expect(await query(path, "SELECT id, customer_id, returned_at, amount, order_id FROM returns")).toEqual([
      {id: "C1", customer_id: "a", returned_at: new Date("2024-01-10T00:00:00Z"), amount: 10, order_id: null}
    ]);
    const {triangle} = (await withDuckDB((db) => computeMetric(db, "retention", {period: "month"}), path)) as {triangle: Triangle};
    expect(triangle.map((r) => [month(r.cohort), r.k, r.customers, r.retained, r.revenue])).toEqual([
      ["2024-01", 0, 1, 1, 50],
      ["2024-01", 1, 1, 0, 0],
      ["2024-02", 0, 1, 1, 30] // a's cohort is February, its first order; the January credit note is taken off there
    ]);
    const activity = await query<Record<string, unknown>>(path, monthlyActivitySql());
    expect(activity.map((r) => [month(r.month as Date), r.orders, r.active_customers, r.new_customers, r.gross_revenue, r.returned, r.net_revenue])).toEqual([
      ["2024-01", 1, 1, 1, 50, 10, 40], // the credit note lowers January's revenue, but a is neither active nor new in January
      ["2024-02", 1, 1, 1, 40, 0, 40]
    ]);
    expect(await query(path, revenueToDateSql)).toEqual([
      {customer_id: "a", revenue: 30, orders: 1, first_order: new Date("2024-02-03T00:00:00Z"), last_order: new Date("2024-02-03T00:00:00Z")},
      {customer_id: "b", revenue: 50, orders: 1, first_order: new Date("2024-01-15T00:00:00Z"), last_order: new Date("2024-01-15T00:00:00Z")}
    ]);
  });

  it("a return larger than the month's purchases makes that month's net revenue negative", async () => {
    const csv = ["Invoice,Customer,Date,Qty,Price", "1,a,2024-01-10,10,10", "2,a,2024-02-03,1,5", "C3,a,2024-02-20,-10,10"].join("\n");
    const {path} = await warehouseOf({"lines.csv": csv}, lineConfig());
    const activity = await query<Record<string, unknown>>(path, monthlyActivitySql());
    expect(activity.map((r) => [month(r.month as Date), r.gross_revenue, r.returned, r.net_revenue])).toEqual([
      ["2024-01", 100, 0, 100],
      ["2024-02", 5, 100, -95]
    ]);
    const {triangle} = (await withDuckDB((db) => computeMetric(db, "retention", {period: "month"}), path)) as {triangle: Triangle};
    expect(triangle.map((r) => [r.k, r.retained, r.revenue])).toEqual([[0, 1, 100], [1, 1, -95]]);
  });

  it("returns by status, negative rows of an orders export, and the original order when the export names it", async () => {
    const csv = ["id,customer_id,ordered_at,amount,status,refers_to", "o1,a,2024-01-05,100,completed,", "r1,a,2024-01-20,30,Refund,o1", "o2,a,2024-02-01,-15,completed,o1", "o3,b,2024-02-02,60,completed,"].join("\n");
    const config = {files: [{match: "orders.csv", returns: {status: "refund", negative: true, originalId: "refers_to"}}]};
    const {path, report} = await warehouseOf({"orders.csv": csv}, config);
    expect(report.files[0].kinds).toEqual({orders: 2, returns: 2, guestOrders: 0, lines: 0});
    expect(await query(path, "SELECT id, customer_id, amount, order_id FROM returns ORDER BY id")).toEqual([
      {id: "o2", customer_id: "a", amount: 15, order_id: "o1"},
      {id: "r1", customer_id: "a", amount: 30, order_id: "o1"}
    ]);
    expect(await query(path, "SELECT id FROM orders ORDER BY id")).toEqual([{id: "o1"}, {id: "o3"}]);
  });

  it("without a returns rule, a negative completed order is still rejected", async () => {
    const csv = ["id,customer_id,ordered_at,amount", "o1,a,2024-01-05,100", "o2,a,2024-02-01,-15"].join("\n");
    const {report} = await warehouseOf({"orders.csv": csv}, {rejectThreshold: 1, files: [{match: "orders.csv", guests: "allow"}]});
    expect(report.files[0].reasons.map((r) => ({column: r.column, reason: r.reason, count: r.count}))).toEqual([{column: "amount", reason: "negative amount on a completed order", count: 1}]);
  });

  it("rfmCustomersSql: the CLV spend per repeat purchase is net of the returns after the first purchase", async () => {
    const csv = ["Invoice,Customer,Date,Qty,Price", "1,a,2024-01-01,1,100", "2,a,2024-01-05,1,50", "C9,a,2024-01-07,-1,20", "3,a,2024-01-09,1,30"].join("\n");
    const {path} = await warehouseOf({"lines.csv": csv}, lineConfig());
    expect(await query(path, `SELECT customer_id, x, zbar FROM (${rfmCustomersSql({})})`)).toEqual([{customer_id: "a", x: 2, zbar: 30}]); // (50 + 30 − 20) / 2
  });
});

describe("currency", () => {
  it("a file's currency is published; mixed currencies are refused, naming them and what to write", async () => {
    const gbp = ["Invoice,Customer,Date,Qty,Price", "1,a,2024-01-05,1,10"].join("\n");
    const {path} = await warehouseOf({"lines.csv": gbp}, lineConfig({currency: "GBP"}));
    expect(await query(path, currencySql)).toEqual([{currency: "GBP"}]);
    const usd = ["id,customer_id,ordered_at,amount,currency", "o1,b,2024-01-05,20,USD"].join("\n");
    await expect(warehouseOf({"lines.csv": gbp, "orders.csv": usd}, lineConfig({currency: "GBP"}))).rejects.toThrow(
      /the orders are in 2 currencies: GBP \(1 record in exports\/lines.csv\), USD \(1 record in exports\/orders.csv\).*"reportingCurrency": "GBP", "rates": \{"USD": <GBP per USD>\}/
    );
  });

  it("with a reportingCurrency and rates, amounts are converted when loaded, and a currency with no rate is rejected", async () => {
    const gbp = ["Invoice,Customer,Date,Qty,Price", "1,a,2024-01-05,1,10"].join("\n");
    const usd = ["id,customer_id,ordered_at,amount,currency", "o1,b,2024-01-05,20,USD", "o2,b,2024-01-06,20,JPY"].join("\n");
    const {path, report} = await warehouseOf({"lines.csv": gbp, "orders.csv": usd}, lineConfig({currency: "GBP"}, {rejectThreshold: 1, reportingCurrency: "EUR", rates: {GBP: 1.2, USD: 0.9}}));
    expect(await query(path, "SELECT id, amount, currency FROM orders ORDER BY id")).toEqual([
      {id: "1", amount: 12, currency: "EUR"},
      {id: "o1", amount: 18, currency: "EUR"}
    ]);
    expect(report.files.find((f) => f.path.endsWith("orders.csv"))!.reasons.map((r) => ({column: r.column, reason: r.reason, count: r.count}))).toEqual([{column: "currency", reason: 'no rate for this currency: add it to "rates" in rapport.config.json', count: 1}]);
    expect(await query(path, currencySql)).toEqual([{currency: "EUR"}]);
  });
});

import {describe, expect, it} from "vitest";
import {dateFormatsOf, decimalOf, guessConfig} from "../../src/ingest/guess.js";

describe("dateFormatsOf: month-first or day-first by a part above 12", () => {
  it("a second part above 12 is month-first (Online Retail: 12/1/2010 8:26 … 12/13/2010 9:02)", () => {
    expect(dateFormatsOf(["12/1/2010 8:26", "12/13/2010 9:02", "1/4/2011 10:00"])).toEqual({formats: ["%m/%d/%Y %H:%M"], note: undefined});
  });
  it("a first part above 12 is day-first; seconds and date-only values give their own formats, longest first", () => {
    expect(dateFormatsOf(["25.02.2024 17:30:05", "03.01.2024", "04.01.2024 08:00:00"])).toEqual({formats: ["%d.%m.%Y %H:%M:%S", "%d.%m.%Y"], note: undefined});
  });
  it("two-digit years", () => {
    expect(dateFormatsOf(["31-12-24"]).formats).toEqual(["%d-%m-%y"]);
  });
  it("no part above 12: day-first assumed, and said", () => {
    const guess = dateFormatsOf(["01/02/2024", "03/04/2024"]);
    expect(guess.formats).toEqual(["%d/%m/%Y"]);
    expect(guess.note).toMatch(/no day above 12/);
  });
  it("parts above 12 on both sides: no format, a note", () => {
    expect(dateFormatsOf(["13/01/2024", "01/13/2024"])).toEqual({note: expect.stringMatching(/neither day-first nor month-first/)});
  });
  it("ISO 8601 needs no format", () => {
    expect(dateFormatsOf(["2018-07-29 13:54:51", "2018-04-11"])).toEqual({});
  });
});

describe("decimalOf", () => {
  it("1.234,56 and 12,5 are a decimal comma; 2.55 and 1,234.50 a decimal point", () => {
    expect(decimalOf(["1.234,56", "12,5", "3"])).toBe(",");
    expect(decimalOf(["€ 99,90"])).toBe(",");
    expect(decimalOf(["2.55", "1,234.50", "7"])).toBe(".");
    expect(decimalOf(["3", "4"])).toBe(".");
  });
});

describe("guessConfig", () => {
  const rows = (header: string[], lines: string[][]) => lines.map((l) => Object.fromEntries(header.map((h, i) => [h, l[i] ?? ""])));
  it("a file a loader knows needs no entry; a file of nothing it knows is said, not guessed", () => {
    const {config, guessed, unknown} = guessConfig([
      {name: "orders_export.csv", columns: ["Name"], rows: [], known: "a Shopify orders export"},
      {name: "notes.csv", columns: ["when", "what"], rows: rows(["when", "what"], [["yesterday", "call back"]])}
    ]);
    expect(config).toEqual({files: []});
    expect(guessed).toEqual(["orders_export.csv: a Shopify orders export, read as it is (no entry needed)"]);
    expect(unknown).toEqual([expect.stringMatching(/^notes\.csv: could not tell what it holds/)]);
  });
  it("0–10 scores are NPS, 1–7 scores ratings on a 1–7 scale", () => {
    const header = ["id", "customer_id", "date", "score"];
    const nps = guessConfig([{name: "s.csv", columns: header, rows: rows(header, [["1", "a", "2024-01-01", "0"], ["2", "b", "2024-01-02", "10"]])}]);
    expect(nps.config.files[0]).toMatchObject({entity: "nps_responses", columns: {score: "score", id: "id", customer_id: "customer_id", responded_at: "date"}});
    const stars = guessConfig([{name: "s.csv", columns: header, rows: rows(header, [["1", "a", "2024-01-01", "1"], ["2", "b", "2024-01-02", "6"]])}]);
    expect(stars.config.files[0]).toMatchObject({entity: "ratings", scale: [1, 7]});
  });
  it("order lines summing an amount column, a status vocabulary, and a currency column", () => {
    const header = ["order_id", "customer", "created_at", "line_total", "status", "currency"];
    const {config, unknown} = guessConfig([
      {
        name: "sales.csv",
        columns: header,
        rows: rows(header, [
          ["A1", "c1", "2024-01-01", "10.50", "paid", "USD"],
          ["A1", "c1", "2024-01-01", "2.00", "paid", "USD"],
          ["A2", "c2", "2024-01-03", "5.00", "Refunded", "USD"],
          ["A3", "c2", "2024-01-04", "5.00", "on hold", "USD"]
        ])
      }
    ]);
    expect(config.files[0]).toMatchObject({
      entity: "orders",
      lines: {},
      columns: {id: "order_id", customer_id: "customer", ordered_at: "created_at", amount: "line_total", currency: "currency", status: {column: "status", values: {paid: "completed", refunded: "refunded"}}}
    });
    expect(config.currency).toBeUndefined();
    expect(unknown).toEqual(["sales.csv: status values not known: on hold; map each to completed, cancelled or refunded under columns.status.values"]);
  });
});

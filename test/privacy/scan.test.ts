import {describe, expect, it} from "vitest";
import {personalValues, scanSite} from "../../src/privacy/scan.js";
import {withDuckDB} from "../../src/warehouse/duckdb.js";
import {tempTree} from "../support/fixtures.js";
import {warehouseOf} from "../support/warehouse.js";

const customers = "id,created_at,name,email,phone\ncust-alpha,2026-01-01,Zoë Quackenbush,zoe.q@unique-example.org,+44 20 7946 0999\n4711,2026-01-01,Ben Ng,,\n";

describe("scanSite", () => {
  it("scanSite(dir, values) finds e-mails, phones by their digits, full names and raw ids, in any text file", async () => {
    const {path} = await warehouseOf({"customers.csv": customers, "orders.csv": "id,customer_id,ordered_at,amount\no1,cust-alpha,2026-01-01,1\n"});
    const values = await withDuckDB(personalValues, path);
    const site = tempTree({
      "index.html": "<p>Contact ZOE.Q@unique-example.org</p>",
      "_file/data/x.json": '{"phone": "(+44) 20-7946-0999"}',
      "_npm/lib.js.map": '{"sources": ["zoë quackenbush"]}',
      "page.js": "const who = 'cust-alpha';",
      "clean.js": "const benign = 'Bengal'; const n = 4711; // Ben and Ng alone are not a full name"
    });
    const findings = scanSite(site, values).map((f) => [f.file, f.kind]);
    expect(findings).toEqual(
      expect.arrayContaining([
        ["index.html", "e-mail"],
        ["_file/data/x.json", "phone"],
        ["_npm/lib.js.map", "name"],
        ["page.js", "customer id"]
      ])
    );
    expect(findings.filter(([file]) => file === "clean.js")).toEqual([]);
    expect(scanSite(site, values).every((f) => !f.masked.includes("unique-example"))).toBe(true);
  });

  it("scanSite(dir, values) does not look for ids in the libraries copied from node_modules, where short ids occur as code", async () => {
    const {path} = await warehouseOf({"customers.csv": "id,created_at\nc-65536,2026-01-01\n", "orders.csv": "id,customer_id,ordered_at,amount\no1,c-65536,2026-01-01,1\n"});
    const values = await withDuckDB(personalValues, path);
    const site = tempTree({
      "_npm/@duckdb/duckdb-wasm@1.29.0/dist/worker.js": "else{var d=c-65536;l+=String.fromCharCode(55296|d>>10)}",
      "_observablehq/client.js": "x=c-65536",
      "_file/data/leak.json": '[{"customer": "c-65536"}]'
    });
    expect(scanSite(site, values).map((f) => [f.file, f.kind])).toEqual([["_file/data/leak.json", "customer id"]]);
  });

  it("scanSite(dir, values) finds any e-mail, phone number, IBAN or card number outside the libraries, whoever's it is", async () => {
    const values = {emails: new Set<string>(), phones: new Set<string>(), names: new Set<string>(), ids: new Set<string>()};
    const site = tempTree({
      "_file/data/nps.json": '[{"by":"segment","group":"ceo@acme-corp.example.com"},{"by":"channel","group":"Call +1 (555) 010-4477"}]',
      "_file/data/quality.json": '{"note":"paid from DE89 3704 0044 0532 0130 00 with 4111-1111-1111-1111"}',
      "_npm/@duckdb/duckdb-wasm@1.29.0/dist/x.js": "mail=a@b.example.com;t=+1 (555) 010-4477",
      "clean.json": '{"nps":16.470588235294116,"period":"2024-03-01T00:00:00.000Z","n":1234567,"ts":1709251200000,"v":"1.29.0","ip":"127.0.0.1","url":"/_npm/@duckdb/duckdb-wasm@1.29.0/dist/x.js","rate":-0.123456,"sum":[4111, 1111, 1111]}'
    });
    expect(scanSite(site, values).map((f) => [f.file, f.kind])).toEqual([
      ["_file/data/nps.json", "e-mail"],
      ["_file/data/nps.json", "phone"],
      ["_file/data/quality.json", "IBAN"],
      ["_file/data/quality.json", "card number"]
    ]);
  });

  it("scanSite(dir, values) passes a site with no personal value", async () => {
    const {path} = await warehouseOf({"customers.csv": customers, "orders.csv": "id,customer_id,ordered_at,amount\no1,cust-alpha,2026-01-01,1\n"});
    const values = await withDuckDB(personalValues, path);
    expect(scanSite(tempTree({"index.html": "<h1>Customer overview</h1><p>3 customers, NPS 42</p>"}), values)).toEqual([]);
  });
});

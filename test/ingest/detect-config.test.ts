import {mkdirSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {sources} from "../../loaders/index.js";
import {findConfig, loadConfig, parseConfig} from "../../src/config.js";
import {detectExport} from "../../src/ingest/detect.js";
import {ingest} from "../../src/ingest/ingest.js";
import {main} from "../../src/cli/main.js";
import {tempTree} from "../support/fixtures.js";

// The header of Olist's olist_customers_dataset.csv (none of Stripe's columns: id, Email, Created (UTC)).
const olistCustomers = "customer_id,customer_unique_id,customer_zip_code_prefix,customer_city,customer_state\n06b8999e,861eff47,14409,franca,SP\n";
const orders = "id,customer_id,ordered_at,amount\no1,c1,2024-01-01,10\n";

describe("detectExport() recognises a file by its columns; the name only breaks ties", () => {
  const header = (csv: string) => csv.split("\n")[0].split(",");
  it("detectExport(olist_customers_dataset.csv) is not Stripe customers: the name matches, none of the columns do", () => {
    expect(() => detectExport("olist_customers_dataset.csv", header(olistCustomers), sources)).toThrow(/olist_customers_dataset\.csv: cannot tell which export this is \(columns: customer_id, customer_unique_id/);
  });
  it("detectExport(file) takes Stripe customers by its columns whatever the name, and generic orders by the model's columns", () => {
    expect(detectExport("export-42.csv", ["id", "Email", "Created (UTC)", "Name"], sources).rule.title).toMatch(/customers/i);
    expect(detectExport("export-42.csv", ["id", "Email", "Created (UTC)", "Name"], sources).source.name).toBe("stripe");
    expect(detectExport("dump.csv", header(orders), sources)).toMatchObject({source: {name: "generic"}, rule: {entity: "orders"}});
  });
});

describe("check goes on past a file it cannot recognise", () => {
  it("ingest(check) reports an unrecognised file and still checks the others", async () => {
    const dir = tempTree({"olist_customers_dataset.csv": olistCustomers, "orders.csv": orders});
    const report = await ingest(["."], {cwd: dir, config: parseConfig({}), sources, warehouse: null});
    expect(report.files.map((f) => [f.path, f.accepted])).toEqual([["orders.csv", 1]]);
    expect(report.errors).toEqual([{path: "olist_customers_dataset.csv", message: expect.stringMatching(/^olist_customers_dataset\.csv: cannot tell which export this is/)}]);
  });
  it("ingest() that writes still stops at it, writing nothing", async () => {
    const dir = tempTree({"olist_customers_dataset.csv": olistCustomers, "orders.csv": orders});
    await expect(ingest(["."], {cwd: dir, config: parseConfig({}), sources, warehouse: join(dir, "w.duckdb")})).rejects.toThrow(/cannot tell which export/);
  });
});

describe("the config is found beside the exports as well as in the working folder", () => {
  it("findConfig(dir, undefined, [exports]) prefers the exports folder's config, then the working folder's", () => {
    const dir = tempTree({"rapport.config.json": `{"rejectThreshold": 0.2}`, "exports/rapport.config.json": `{"rejectThreshold": 0.3}`, "other/orders.csv": orders});
    expect(findConfig(dir, undefined, ["exports"])).toBe(join(dir, "exports/rapport.config.json"));
    expect(findConfig(dir, undefined, ["other"])).toBe(join(dir, "rapport.config.json"));
    expect(findConfig(dir, "rapport.config.json", ["exports"])).toBe(join(dir, "rapport.config.json"));
    return expect(loadConfig(dir, undefined, ["exports"])).resolves.toMatchObject({rejectThreshold: 0.3});
  });

  it("rapport check FOLDER uses the config in FOLDER, says so, and exits 65 when a file is not recognised", async () => {
    const dir = tempTree({"exports/data.csv": "Order No,Client,Date,Total\nA1,c1,13/01/2024,10\n", "exports/rapport.config.json": JSON.stringify({files: [{match: "data.csv", entity: "orders", columns: {id: "Order No", customer_id: "Client", ordered_at: "Date", amount: "Total"}, dateFormats: "%d/%m/%Y"}]})});
    const err: string[] = [];
    const out: string[] = [];
    const write = (sink: string[]) => ((chunk: string | Uint8Array) => (sink.push(String(chunk)), true)) as typeof process.stdout.write;
    const [stdout, stderr] = [process.stdout.write, process.stderr.write];
    process.stdout.write = write(out);
    process.stderr.write = write(err);
    try {
      expect(await main(["check", "exports"], dir)).toBe(0);
      mkdirSync(join(dir, "exports/more"), {recursive: true});
      writeFileSync(join(dir, "exports/olist_customers_dataset.csv"), olistCustomers);
      expect(await main(["check", "exports"], dir)).toBe(65);
    } finally {
      process.stdout.write = stdout;
      process.stderr.write = stderr;
    }
    expect(err.join("")).toMatch(/config: exports\/rapport\.config\.json/);
    expect(out.join("")).toMatch(/data\.csv\s+orders\s+checked\s+1\s+1\s+0/);
    expect(out.join("") + err.join("")).toMatch(/NOT CHECKED: exports\/olist_customers_dataset\.csv: cannot tell which export this is/);
  });
});

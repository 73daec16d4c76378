import {copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {afterEach, describe, expect, it, vi} from "vitest";
import {exitCodes, main} from "../../src/cli/main.js";
import {parseConfig} from "../../src/config.js";
import {withDuckDB} from "../../src/warehouse/duckdb.js";
import {tempTree} from "../support/fixtures.js";

// rapport init on the raw exports of the two real data sets: the draft it writes must load them
// (exit 0 at the default threshold) with the same figures as the hand-written examples, which
// test/fixtures/*/reference.py (pandas) checks independently.
const root = fileURLToPath(new URL("../..", import.meta.url));
const example = (name: string) => JSON.parse(readFileSync(join(root, `data/examples/${name}/rapport.config.json`), "utf-8"));

afterEach(() => vi.restoreAllMocks());

async function run(argv: string[], cwd: string): Promise<{code: number; out: string; err: string}> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((s) => (err.push(String(s)), true));
  const code = await main(argv, cwd);
  vi.restoreAllMocks();
  return {code, out: out.join(""), err: err.join("")};
}

/** A temp folder with the fixture files copied into `sub`. */
function folderOf(fixtures: string, sub: string): string {
  const dir = tempTree({});
  mkdirSync(join(dir, sub));
  for (const f of readdirSync(fixtures).filter((f) => f.endsWith(".csv"))) copyFileSync(join(fixtures, f), join(dir, sub, f));
  return dir;
}

type Cell = {cohort: string; k: number; customers: number; retained: number; revenue: number};

/** Ingests `sub` (with the config found there, or --config) and returns the per-file counts and the monthly retention triangle. */
async function load(dir: string, sub: string, config?: string) {
  const ingest = await run(["ingest", ...(config ? ["--config", config] : []), sub], dir);
  expect(ingest.code, ingest.err).toBe(exitCodes.ok);
  const files = await withDuckDB(
    (db) => db.all(`SELECT path, "read"::INTEGER AS "read", accepted::INTEGER AS accepted, rejected::INTEGER AS rejected, skipped::INTEGER AS skipped FROM _files ORDER BY path`),
    join(dir, ".rapport/warehouse.duckdb")
  );
  const retention = await run(["metrics", "retention", "--period", "month"], dir);
  expect(retention.code, retention.err).toBe(exitCodes.ok);
  const triangle = (JSON.parse(retention.out) as {triangle: Cell[]}).triangle.map((t) => ({cohort: t.cohort.slice(0, 7), k: t.k, customers: t.customers, retained: t.retained, revenue: t.revenue}));
  return {files, triangle, err: ingest.err};
}

describe("rapport init", () => {
  it("on the raw Olist files: people, payments summed per order, reviews as 1–5 ratings through the orders; loads with the example's figures and pandas' triangle", async () => {
    const dir = folderOf(join(root, "test/fixtures/olist/raw"), "olist");
    const init = await run(["init", "olist"], dir);
    expect(init.code, init.err).toBe(exitCodes.ok);
    const draft = JSON.parse(readFileSync(join(dir, "olist/rapport.config.json"), "utf-8"));
    parseConfig(draft);
    const hand = example("olist");
    // Every entry as the hand-written one, joins included; only the status words the sample never uses are not listed.
    expect(draft.currency).toBe(hand.currency);
    expect(draft.files.map((f: {match: string}) => f.match)).toEqual(hand.files.map((f: {match: string}) => f.match));
    for (const [i, f] of draft.files.entries()) {
      const {status, ...columns} = f.columns ?? {};
      const {status: handStatus, ...handColumns} = hand.files[i].columns ?? {};
      expect({...f, columns}).toEqual({...hand.files[i], columns: handColumns});
      if (status) {
        expect(status.column).toBe(handStatus.column);
        for (const [word, value] of Object.entries(status.values)) expect(handStatus.values[word]).toBe(value);
      }
    }
    expect(init.err).toMatch(/guessed olist_orders_dataset\.csv: customer_id ← customer_unique_id of olist_customers_dataset\.csv through customer_id/);
    expect(init.err).toMatch(/guessed olist_order_reviews_dataset\.csv: ratings on a 1–5 scale/);
    expect(init.err).toMatch(/guessed currency BRL/);

    const drafted = await load(dir, "olist");
    const handDir = folderOf(join(root, "test/fixtures/olist/raw"), "olist");
    const handLoad = await load(handDir, "olist", join(root, "data/examples/olist/rapport.config.json"));
    expect(drafted.files).toEqual(handLoad.files);
    expect(drafted.triangle).toEqual(handLoad.triangle);
    const reference = JSON.parse(readFileSync(join(root, "test/fixtures/olist/reference.json"), "utf-8")) as {triangle: Cell[]};
    expect(drafted.triangle).toEqual(reference.triangle);
    expect(drafted.triangle.filter((c) => c.k === 0).reduce((s, c) => s + c.customers, 0)).toBe(3958);
  }, 120_000);

  it("on the Online Retail lines: the example config exactly (lines, C credit notes, guests, month-first dates, GBP), loading with pandas' cohorts", async () => {
    const dir = folderOf(join(root, "test/fixtures/online-retail/export"), "retail");
    const init = await run(["init", "retail"], dir);
    expect(init.code, init.err).toBe(exitCodes.ok);
    const draft = JSON.parse(readFileSync(join(dir, "retail/rapport.config.json"), "utf-8"));
    expect(draft).toEqual(example("online-retail"));
    expect(init.err).toMatch(/returns: ids starting C go with negative Quantity/);
    expect(init.err).toMatch(/dates in InvoiceDate read as %m\/%d\/%Y %H:%M/);

    const drafted = await load(dir, "retail");
    expect(drafted.files).toEqual([{path: "retail/OnlineRetail.csv", read: 7062, accepted: 456, rejected: 0, skipped: 6606}]);
    const reference = JSON.parse(readFileSync(join(root, "test/fixtures/online-retail/reference-subset.json"), "utf-8")) as {cohortSizes: Record<string, number>; triangle: Cell[]};
    const sizes = Object.fromEntries(drafted.triangle.filter((c) => c.k === 0).map((c) => [c.cohort, c.customers]));
    expect(sizes).toEqual(reference.cohortSizes);
    expect(drafted.triangle.map((c) => [c.cohort, c.k, c.retained])).toEqual(reference.triangle.map((c) => [c.cohort.slice(0, 7), c.k, c.retained]));
  }, 120_000);

  it("never overwrites a config without --force, and names the file", async () => {
    const dir = folderOf(join(root, "test/fixtures/online-retail/export"), "retail");
    writeFileSync(join(dir, "retail/rapport.config.json"), '{"rejectThreshold": 0.1}\n');
    const refused = await run(["init", "retail"], dir);
    expect(refused.code).toBe(exitCodes.badInput);
    expect(refused.err).toMatch(/retail\/rapport\.config\.json exists: rapport init leaves it as it is \(--force replaces it\)/);
    expect(readFileSync(join(dir, "retail/rapport.config.json"), "utf-8")).toBe('{"rejectThreshold": 0.1}\n');
    const forced = await run(["init", "--force", "retail"], dir);
    expect(forced.code, forced.err).toBe(exitCodes.ok);
    expect(JSON.parse(readFileSync(join(dir, "retail/rapport.config.json"), "utf-8"))).toEqual(example("online-retail"));
  }, 60_000);

  it("a European export (semicolons, decimal commas, day-first dates, € amounts, Portuguese column names) and an NPS survey load from the draft with the right amounts", async () => {
    const dir = tempTree({
      "eu/vendas.csv": [
        "Pedido;Cliente;Data;Total;Situação",
        "P-1;c1;03/01/2024 10:15;1.234,50 €;entregue",
        "P-2;c2;14/01/2024 09:00;99,90 €;entregue",
        "P-3;c1;25/02/2024 17:30;10,00 €;entregue",
        ""
      ].join("\n"),
      "eu/enquete.csv": ["resposta_id,cliente_id,respondido_em,nps_score", "r1,c1,2024-03-01,9", "r2,c2,2024-03-02,0", "r3,c1,2024-04-01,10", ""].join("\n")
    });
    const init = await run(["init", "eu"], dir);
    expect(init.code, init.err).toBe(exitCodes.ok);
    const draft = JSON.parse(readFileSync(join(dir, "eu/rapport.config.json"), "utf-8"));
    const sales = draft.files.find((f: {match: string}) => f.match === "vendas.csv");
    expect(sales).toMatchObject({entity: "orders", decimal: ",", dateFormats: ["%d/%m/%Y %H:%M"], columns: {id: "Pedido", customer_id: "Cliente", ordered_at: "Data", amount: "Total"}});
    expect(draft.currency).toBe("EUR");
    expect(init.err).toMatch(/not guessed: vendas\.csv: status values not known: entregue/);
    const survey = draft.files.find((f: {match: string}) => f.match === "enquete.csv");
    expect(survey).toMatchObject({entity: "nps_responses", columns: {score: "nps_score", customer_id: "cliente_id", responded_at: "respondido_em", id: "resposta_id"}});
    // The one thing it could not tell, written by hand, as the message says:
    draft.files.find((f: {match: string}) => f.match === "vendas.csv").columns.status.values.entregue = "completed";
    writeFileSync(join(dir, "eu/rapport.config.json"), JSON.stringify(draft));
    const ingest = await run(["ingest", "eu"], dir);
    expect(ingest.code, ingest.err).toBe(exitCodes.ok);
    const orders = await withDuckDB((db) => db.all(`SELECT id, amount, strftime(ordered_at, '%Y-%m-%d %H:%M') AS at FROM orders ORDER BY id`), join(dir, ".rapport/warehouse.duckdb"));
    expect(orders).toEqual([
      {id: "P-1", amount: 1234.5, at: "2024-01-03 10:15"},
      {id: "P-2", amount: 99.9, at: "2024-01-14 09:00"},
      {id: "P-3", amount: 10, at: "2024-02-25 17:30"}
    ]);
  }, 60_000);

  it("the README's mapping example (a column under two names, cents scaled, stage values, a default, a name from SQL) loads as it says", async () => {
    const readme = readFileSync(join(root, "README.md"), "utf-8");
    const block = /```json\n(\{"files": \[\n\{"match": "deals\.csv"[\s\S]*?)```/.exec(readme)![1];
    const dir = tempTree({
      "crm/rapport.config.json": block,
      "crm/deals.csv": "Deal ID,Account ID,Close Date,Amount (cents),Stage,Source\nd1,co1,2024-01-05,12345,Won,web\nd2,p9,2024-02-01,500,lost,\nd3,co1,2024-03-01,1000,,\n",
      "crm/companies.csv": "Company ID,First,Last\nco1,Ada,Lovelace\np9,Bob,Smith\n"
    });
    const ingest = await run(["ingest", "crm"], dir);
    expect(ingest.code, ingest.err).toBe(exitCodes.ok);
    const warehouse = join(dir, ".rapport/warehouse.duckdb");
    expect(await withDuckDB((db) => db.all(`SELECT id, customer_id, amount, status FROM orders ORDER BY id`), warehouse)).toEqual([
      {id: "d1", customer_id: "co1", amount: 123.45, status: "completed"},
      {id: "d2", customer_id: "p9", amount: 5, status: "cancelled"},
      {id: "d3", customer_id: "co1", amount: 10, status: "completed"}
    ]);
    expect(await withDuckDB((db) => db.all(`SELECT id, name FROM customers ORDER BY id`), warehouse)).toEqual([{id: "co1", name: "Ada Lovelace"}, {id: "p9", name: "Bob Smith"}]);
  }, 60_000);

  it("exports a loader knows (a tool's, or the model's own columns) get no entry, and each is named", async () => {
    const dir = folderOf(join(root, "test/fixtures/exports/shopify"), "shop");
    copyFileSync(join(root, "data/sample/nps_responses.csv"), join(dir, "shop/nps_responses.csv"));
    const init = await run(["init", "shop"], dir);
    expect(init.code, init.err).toBe(exitCodes.ok);
    expect(JSON.parse(readFileSync(join(dir, "shop/rapport.config.json"), "utf-8"))).toEqual({files: []});
    expect(init.err).toMatch(/guessed orders_export\.csv: a Shopify orders export, read as it is/);
    expect(init.err).toMatch(/guessed nps_responses\.csv: NPS responses in the model's own columns, read as it is/);
  }, 60_000);

  it("says what it could not read (an empty file, JSON, a file of unknown columns) and still writes the rest; no CSV at all is exit 65", async () => {
    const dir = tempTree({"x/empty.csv": "", "x/notes.csv": "a,b\n1,2\n", "x/more.json": "{}", "y/readme.md": "hello"});
    const init = await run(["init", "x"], dir);
    expect(init.code, init.err).toBe(exitCodes.ok);
    expect(init.err).toMatch(/not guessed: empty\.csv: empty, no header to read/);
    expect(init.err).toMatch(/not guessed: more\.json: rapport init reads CSV exports only/);
    expect(init.err).toMatch(/not guessed: notes\.csv: could not tell what it holds \(columns: a, b\)/);
    expect(JSON.parse(readFileSync(join(dir, "x/rapport.config.json"), "utf-8"))).toEqual({files: []});
    const none = await run(["init", "y"], dir);
    expect(none.code).toBe(exitCodes.badInput);
    expect(none.err).toMatch(/y: no CSV exports/);
  }, 60_000);
});

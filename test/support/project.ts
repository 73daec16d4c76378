/**
 * A tiny rapport project for tests that run real builds as processes: the
 * real src/, loaders/ and node_modules (linked), a one-page Framework site
 * whose one data loader counts the warehouse's orders, and small exports in
 * data/. A build takes a few seconds instead of the full site's minute.
 *
 * The loader obeys, for the tests: TINY_MARK (a file it writes with its pid
 * when it starts), TINY_SLEEP (seconds it sleeps first), TINY_FAIL (it exits
 * 1, so Framework fails the build).
 */
import {cpSync, symlinkSync} from "node:fs";
import {join} from "node:path";
import {withDuckDB} from "../../src/warehouse/duckdb.js";
import {tempTree} from "./fixtures.js";

const repo = new URL("../..", import.meta.url).pathname;

export function customersCsv(): string {
  return "id,created_at,name,email,segment\n" + ["c1", "c2", "c3"].map((id, i) => `${id},2026-01-0${i + 1},Person ${i + 1},person.${id}@tiny-example.org,SMB`).join("\n") + "\n";
}

export function ordersCsv(count: number, prefix = "o"): string {
  const lines = ["id,customer_id,ordered_at,amount"];
  for (let i = 1; i <= count; i++) lines.push(`${prefix}${i},c${(i % 3) + 1},2026-02-${String((i % 28) + 1).padStart(2, "0")},${(i % 97) + 1}.50`);
  return lines.join("\n") + "\n";
}

export function tinyProject({orders = 5}: {orders?: number} = {}): string {
  const dir = tempTree({
    "observablehq.config.ts": `export default {root: "reports", output: process.env.RAPPORT_OUTPUT ?? "dist", title: "tiny", pages: [], globalStylesheets: [], search: false, duckdb: {extensions: {json: null, parquet: null}}};\n`,
    "reports/index.md": "# Tiny\n\n```js\nconst orders = FileAttachment(\"data/orders.json\").json();\n```\n\nOrders: ${orders.n}\n",
    "reports/data/orders.json.ts": [
      `import {writeFileSync} from "node:fs";`,
      `import {readWarehouse} from "../../src/warehouse/read.js";`,
      `if (process.env.TINY_MARK) writeFileSync(process.env.TINY_MARK, String(process.pid));`,
      `if (process.env.TINY_SLEEP) await new Promise((ok) => setTimeout(ok, Number(process.env.TINY_SLEEP) * 1000));`,
      `if (process.env.TINY_FAIL) {`,
      `  console.error("tiny: failing on purpose");`,
      `  process.exit(1);`,
      `}`,
      `const n = await readWarehouse(async (db) => Number((await db.all<{n: bigint}>("SELECT count(*) AS n FROM orders"))[0].n));`,
      `process.stdout.write(JSON.stringify({n}));`,
      ``
    ].join("\n"),
    "data/customers.csv": customersCsv(),
    "data/orders.csv": ordersCsv(orders)
  });
  for (const entry of ["src", "loaders", "node_modules"]) symlinkSync(join(repo, entry), join(dir, entry), "dir");
  cpSync(join(repo, "package.json"), join(dir, "package.json"));
  cpSync(join(repo, "package-lock.json"), join(dir, "package-lock.json"));
  return dir;
}

/** The environment a build of the tiny project needs (its exports folder). */
export function tinyEnv(dir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {RAPPORT_DATA: join(dir, "data"), ...extra};
}

/** The number of orders in a warehouse file. */
export function ordersIn(warehouse: string): Promise<number> {
  return withDuckDB(async (db) => Number((await db.all<{n: bigint}>("SELECT count(*) AS n FROM orders"))[0].n), warehouse, {readOnly: true});
}

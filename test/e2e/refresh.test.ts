/**
 * Scheduled refreshes and privacy, end to end on a copy of the project: a new
 * export shows in the next build; a broken export fails the build with exit
 * code 66 (too many rejects) and leaves the last good dist/ exactly as it
 * was; `rapport preview` started after the exports changed serves the new
 * figures, not the loader outputs the last build cached; distinctive personal
 * values in the exports appear nowhere in the built site, and a page that
 * leaks one fails the build with 67.
 */
import {appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync} from "node:fs";
import {spawn, spawnSync} from "node:child_process";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {tableFromIPC} from "apache-arrow";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {exitCodes, main} from "../../src/cli/main.js";
import {freePort} from "../support/process.js";

const repo = new URL("../..", import.meta.url).pathname;
let project: string;
const saved = process.env.RAPPORT_DATA;

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), "rapport-refresh-"));
  for (const entry of ["src", "loaders", "reports", "observablehq.config.ts", "package.json", "package-lock.json"]) {
    cpSync(join(repo, entry), join(project, entry), {recursive: true, filter: (f) => !f.includes(".observablehq")});
  }
  cpSync(join(repo, "data", "sample"), join(project, "data", "sample"), {recursive: true});
  symlinkSync(join(repo, "node_modules"), join(project, "node_modules"), "dir");
  process.env.RAPPORT_DATA = join(project, "data", "sample");
});
afterAll(() => {
  if (saved === undefined) delete process.env.RAPPORT_DATA;
  else process.env.RAPPORT_DATA = saved;
});

/** Net revenue of October 2026 (all channels) in the built site's data file (or in bytes of it). */
function octoberRevenue(bytes?: Uint8Array): number {
  const dir = join(project, "dist", "_file", "data");
  const table = tableFromIPC(bytes ?? readFileSync(join(dir, readdirSync(dir).find((f) => f.startsWith("monthly-activity."))!)));
  const rows = table.toArray().filter((r) => new Date(r.month).toISOString().startsWith("2026-10") && r.channel === "All channels");
  expect(rows).toHaveLength(1);
  return rows[0].net_revenue;
}

function snapshot(): string {
  const files = readdirSync(join(project, "dist"), {recursive: true, withFileTypes: true}).filter((e) => e.isFile());
  return files.map((e) => `${join(e.parentPath, e.name)}:${readFileSync(join(e.parentPath, e.name)).length}`).sort().join("\n");
}

describe("rapport build on refreshed exports", () => {
  it("a new export's orders show in the next build's figures", async () => {
    expect(await main(["build"], project)).toBe(exitCodes.ok);
    const before = octoberRevenue();
    writeFileSync(join(project, "data", "sample", "orders-late.csv"), "id,customer_id,ordered_at,amount,currency,status\nlate-1,c-00001,2026-10-30T12:00:00Z,12345.67,USD,completed\n");
    expect(await main(["build"], project)).toBe(exitCodes.ok);
    expect(octoberRevenue()).toBeCloseTo(before + 12345.67, 2);
  }, 420_000); // two full builds: 210 s on the shared 2-core machine, above the project's 180 s

  it("a broken export fails the build with exit code 66 and the previous dist/ stays as it was", async () => {
    const before = snapshot();
    writeFileSync(join(project, "data", "sample", "orders-broken.csv"), "id,customer_id,ordered_at,amount\nb1,c-00001,yesterday,1\nb2,c-00002,2026-10-01,lots\n");
    expect(await main(["build"], project)).toBe(exitCodes.rejectThreshold);
    expect(snapshot()).toBe(before);
    rmSync(join(project, "data", "sample", "orders-broken.csv"));
  });
});

describe("rapport build and its data loaders", () => {
  it("runs no data loader that would only copy its stored table: Framework takes the tables from its cache, as computed", async () => {
    // The project's publishTable (what every such loader calls) notes each call in a file, when asked to.
    const stored = join(project, "src", "results", "stored.ts");
    const original = readFileSync(stored, "utf-8");
    const calls = join(project, "publish-calls.txt");
    writeFileSync(stored, original.replace("export async function publishTable(name: TableName, env: NodeJS.ProcessEnv = process.env): Promise<void> {", (line) => `${line}\n  if (env.RAPPORT_TEST_PUBLISH_CALLS) (await import("node:fs")).appendFileSync(env.RAPPORT_TEST_PUBLISH_CALLS, name + "\\n");`));
    expect(readFileSync(stored, "utf-8")).toContain("RAPPORT_TEST_PUBLISH_CALLS");
    process.env.RAPPORT_TEST_PUBLISH_CALLS = calls;
    try {
      expect(await main(["build"], project)).toBe(exitCodes.ok);
      expect(existsSync(calls) ? readFileSync(calls, "utf-8") : "").toBe("");
      // Run by hand, the loader does call it (the note works).
      expect(spawnSync(process.execPath, ["--import", "tsx", join(project, "reports", "data", "guests.json.ts")], {cwd: project, env: process.env}).status).toBe(0);
      expect(readFileSync(calls, "utf-8")).toBe("guests.json\n");
      // And the site holds the tables the build computed: every file of the stored generation, byte for byte.
      const results = join(project, ".rapport", "results");
      const [generation] = readdirSync(results);
      const data = join(project, "dist", "_file", "data");
      const published = readdirSync(data);
      const files = readdirSync(join(results, generation));
      const tables = files.filter((name) => !name.endsWith(".key"));
      // Beside each table, the key of what it read (src/warehouse/results.ts tableKeys), and nothing else.
      expect(files.filter((name) => name.endsWith(".key")).sort()).toEqual(tables.map((name) => `${name}.key`).sort());
      for (const name of tables) {
        const [stem, ext] = [name.slice(0, name.lastIndexOf(".")), name.slice(name.lastIndexOf("."))];
        const file = published.find((f) => f.startsWith(`${stem}.`) && f.endsWith(ext))!;
        expect(readFileSync(join(data, file)).equals(readFileSync(join(results, generation, name))), name).toBe(true);
      }
    } finally {
      delete process.env.RAPPORT_TEST_PUBLISH_CALLS;
      writeFileSync(stored, original);
      rmSync(calls, {force: true});
    }
  }, 300_000);
});

describe("rapport preview after a build", () => {
  it("started after the exports changed, it shows what it ingested, not the loader outputs the last build left", async () => {
    expect(await main(["build"], project)).toBe(exitCodes.ok);
    const built = octoberRevenue();
    writeFileSync(join(project, "data", "sample", "orders-preview.csv"), "id,customer_id,ordered_at,amount,currency,status\npreview-1,c-00002,2026-10-29T12:00:00Z,777.25,USD,completed\n");
    const port = await freePort();
    const preview = spawn(process.execPath, [join(project, "src", "cli", "rapport.js"), "preview", "--port", String(port), "--host", "127.0.0.1"], {cwd: project, detached: true, stdio: "ignore"});
    try {
      let bytes: Uint8Array | undefined;
      for (const deadline = Date.now() + 150_000; !bytes; ) {
        const answer = await fetch(`http://127.0.0.1:${port}/_file/data/monthly-activity.arrow`).catch(() => undefined);
        if (answer?.ok) bytes = new Uint8Array(await answer.arrayBuffer());
        else if (Date.now() > deadline) throw new Error("rapport preview did not serve monthly-activity.arrow within 150 s");
        else await new Promise((ok) => setTimeout(ok, 500));
      }
      expect(octoberRevenue(bytes)).toBeCloseTo(built + 777.25, 2);
    } finally {
      if (preview.pid) process.kill(-preview.pid, "SIGTERM"); // the preview and the Framework server it started
      rmSync(join(project, "data", "sample", "orders-preview.csv"));
    }
  }, 300_000);
});

describe("rapport build and personal data", () => {
  const person = {name: "Zebediah Quackenbush", email: "zebediah.quackenbush@distinct-example.net", phone: "+1 202 555 0199", id: "cust-zq-7731"};

  it("the inputs' distinctive personal values appear nowhere in dist/: data files, HTML, JavaScript, source maps", async () => {
    const sample = join(project, "data", "sample");
    appendFileSync(join(sample, "customers.csv"), `${person.id},2026-10-01T10:00:00Z,${person.name},${person.email},${person.phone},SMB,basic,EMEA,referral\n`);
    appendFileSync(join(sample, "orders.csv"), `o-zq-1,${person.id},2026-10-02T10:00:00Z,49.00,USD,completed\n`);
    appendFileSync(join(sample, "nps_responses.csv"), `n-zq-1,${person.id},2026-10-05T10:00:00Z,3,"Call me on ${person.phone} or write to ${person.email}, ${person.name}"\n`);
    expect(await main(["build"], project)).toBe(exitCodes.ok);
    const files = readdirSync(join(project, "dist"), {recursive: true, withFileTypes: true}).filter((e) => e.isFile());
    expect(files.some((e) => e.name.endsWith(".js"))).toBe(true);
    const needles = [person.name, person.email, person.phone, person.phone.replace(/\D/g, ""), person.id].map((n) => n.toLowerCase());
    for (const e of files) {
      const text = readFileSync(join(e.parentPath, e.name), "latin1").toLowerCase();
      for (const needle of needles) expect(text.includes(needle), `${needle} in ${e.name}`).toBe(false);
    }
  });

  it("a build into which a personal value is planted fails the privacy check with exit code 67 and keeps the previous dist/", async () => {
    const before = snapshot();
    writeFileSync(join(project, "reports", "leak.md"), `# Leak\n\nWrite to ${person.email}.\n`);
    try {
      expect(await main(["build"], project)).toBe(exitCodes.privacy);
      expect(snapshot()).toBe(before);
    } finally {
      rmSync(join(project, "reports", "leak.md"));
    }
  });
});

// The differencing attack on the published data files: every published total minus the published parts that
// add up to it (the groups of a period, the months of a quarter), on the bundled sample and on the sample with
// planted groups of one customer. The files are written by the site's own data loaders, run as processes
// against a warehouse ingested for the test.
import {execFile} from "node:child_process";
import {readFileSync} from "node:fs";
import {join} from "node:path";
import {promisify} from "node:util";
import {tableFromIPC} from "apache-arrow";
import {beforeAll, describe, expect, it} from "vitest";
import {projectRoot} from "../../src/paths.js";
import {withDuckDB} from "../../src/warehouse/duckdb.js";
import {differences, type Cell} from "../support/differencing.js";
import {warehouseOf} from "../support/warehouse.js";

const run = promisify(execFile);
const minGroup = 10; // the default minGroupSize; the project has no rapport.config.json
const sample = (name: string) => readFileSync(join(projectRoot, "data", "sample", name), "utf-8");

/** One customer alone in a segment, region and channel in a busy month, and a quarter (before the sample starts) with ten customers in July and one in August. */
function planted(): Record<string, string> {
  const customers = ["p-00", ...Array.from({length: 11}, (_, i) => `p-${String(i + 1).padStart(2, "0")}`)];
  const when = (id: string) => (id === "p-00" ? "2025-03-14T10:00:00Z" : id === "p-11" ? "2023-08-10T10:00:00Z" : `2023-07-${String(Number(id.slice(2)) + 1).padStart(2, "0")}T10:00:00Z`);
  const attrs = (id: string) => (id === "p-00" || id === "p-11" ? "Solo segment,basic,Solo region,solo_channel" : "SMB,basic,EMEA,organic");
  return {
    "customers.csv": sample("customers.csv") + customers.map((id) => `${id},${when(id)},,,,${attrs(id)}\n`).join(""),
    "orders.csv": sample("orders.csv") + customers.map((id) => `o-${id},${id},${when(id)},50,USD,completed\n`).join(""),
    "nps_responses.csv": sample("nps_responses.csv") + customers.map((id) => `n-${id},${id},${when(id)},${id === "p-00" ? 10 : 3},${id === "p-00" ? "Planted praise: my account is p-00 (my colleague is C-00012)" : ""}\n`).join(""),
    "tickets.csv": sample("tickets.csv") + customers.map((id) => `t-${id},${id},${when(id)},${when(id)},${when(id)},email,5,Where is my order?\n`).join("")
  };
}

async function loader(file: string, warehouse: string): Promise<string> {
  const {stdout} = await run(process.execPath, ["--import", "tsx", join(projectRoot, "reports", "data", file)], {
    cwd: projectRoot,
    env: {...process.env, RAPPORT_WAREHOUSE: warehouse},
    encoding: "buffer",
    maxBuffer: 64 << 20
  });
  return file.endsWith(".arrow.ts") ? (stdout as unknown as Buffer).toString("base64") : (stdout as unknown as Buffer).toString("utf-8");
}

type Row = Record<string, unknown>;
const day = (d: unknown) => (d instanceof Date ? d.toISOString() : typeof d === "number" ? new Date(d).toISOString() : String(d)).slice(0, 10);
const cell = (table: string, r: Row, period: unknown, size: unknown): Cell => ({table, granularity: String(r.granularity), by: String(r.by), group: String(r.group), period: day(period), size: size == null ? null : Number(size)});

/** Every published table of totals and parts, as cells of the attack. */
/**
 * Adds a `ratings` table (the shape of the joins branch's, as test/metrics/satisfaction.test.ts builds it) to
 * an ingested warehouse: one 1–5 star rating per NPS response, by the same customer at the same moment
 * (score 0–10 halved, rounded, at least 1), so the ratings have the NPS answers' groups, small ones included.
 */
async function addRatings(warehouse: string): Promise<void> {
  await withDuckDB(async (db) => {
    await db.run(`CREATE OR REPLACE TABLE ratings (id VARCHAR, customer_id VARCHAR, order_id VARCHAR, rated_at TIMESTAMP, score DOUBLE, scale_min INTEGER, scale_max INTEGER, comment VARCHAR)`);
    await db.run(`INSERT INTO ratings SELECT 'r-' || id, customer_id, NULL, responded_at, greatest(1, round(score / 2)), 1, 5, NULL FROM nps_responses`);
  }, warehouse);
}

async function publishedCells(warehouse: string): Promise<{cells: Cell[]; rows: Record<string, Row[]>; path: string}> {
  await addRatings(warehouse);
  const [npsText, churnText, serviceText, retentionText, activityText, groupsText, satisfactionText] = await Promise.all(
    ["nps.json.ts", "churn.json.ts", "service.json.ts", "retention.arrow.ts", "monthly-activity.arrow.ts", "activity-groups.arrow.ts", "satisfaction.json.ts"].map((f) => loader(f, warehouse))
  );
  const arrow = (text: string) => tableFromIPC(Buffer.from(text, "base64")).toArray().map((r) => r.toJSON() as Row);
  // Activity: the all-channel total of a month, its channels (small ones merged into "other"), its segments and regions.
  const activity: Row[] = [
    ...arrow(activityText).map((r) => ({...r, granularity: "month", by: r.channel === "All channels" ? "all" : "channel", group: r.channel})),
    ...arrow(groupsText).map((r) => ({...r, granularity: "month"}))
  ];
  const nps = JSON.parse(npsText) as Row[];
  const churn = JSON.parse(churnText) as Row[];
  const service = JSON.parse(serviceText) as {times: Row[]; npsAfterService: Row[]};
  const satisfaction = (JSON.parse(satisfactionText) as {rows: Row[]}).rows;
  const retention = tableFromIPC(Buffer.from(retentionText, "base64")).toArray().map((r) => r.toJSON() as Row).filter((r) => r.k === 0);
  const cells = [
    ...nps.map((r) => cell("nps", r, r.period, r.responses)),
    ...churn.map((r) => cell("churn", r, r.period, r.buyers_before)),
    ...service.times.map((r) => cell("tickets", r, r.period, r.tickets)),
    ...service.times.map((r) => cell("ratings", r, r.period, r.ratings)),
    ...retention.map((r) => cell("cohorts", r, r.cohort, r.customers)),
    ...activity.map((r) => cell("activity", r, r.month, r.active_customers)),
    // One rating scale here (1–5); the loader makes a line per scale.
    ...satisfaction.map((r) => cell("stars", r, r.period, r.ratings))
  ];
  return {cells, rows: {nps, churn, retention, times: service.times, npsAfterService: service.npsAfterService, satisfaction}, path: warehouse};
}

// Each sample is ingested and published once for all the tests that read it.
const built = new Map<string, ReturnType<typeof publishedCells>>();
const publishedOf = (name: string, files: () => Record<string, string>) => built.get(name) ?? (built.set(name, warehouseOf(files()).then(({path}) => publishedCells(path))), built.get(name)!);
const bundled = () => Object.fromEntries(["customers.csv", "orders.csv", "nps_responses.csv", "tickets.csv"].map((f) => [f, sample(f)]));

describe.each([
  ["the bundled sample", bundled],
  ["the sample with planted one-customer groups", planted]
])("published data files of %s", (name, files) => {
  let published: Awaited<ReturnType<typeof publishedCells>>;
  beforeAll(async () => {
    published = await publishedOf(name, files);
  }, 180_000);

  it("no published total minus the published groups of a period, or months of a quarter, leaves fewer than minGroupSize people", () => {
    // Churn counts buyers of the period before: a quarter's buyers are not the sum of its months', so only groups make lines there.
    const leaks = [...differences(published.cells.filter((c) => c.table !== "churn"), minGroup), ...differences(published.cells.filter((c) => c.table === "churn"), minGroup, {months: false})];
    expect(leaks).toEqual([]);
    // The attack has something to work on: totals are published, and so are many parts.
    expect(published.cells.filter((c) => c.by !== "all" && c.size != null).length).toBeGreaterThan(500);
    // Star ratings are published by group too, and some of them are withheld: the rule has work to do there.
    expect(published.rows.satisfaction.filter((r) => r.by !== "all" && !r.withheld).length).toBeGreaterThan(50);
    expect(published.rows.satisfaction.some((r) => r.withheld)).toBe(true);
  });

  it("a withheld row publishes no count, and no change or rolling NPS involves a withheld period", () => {
    const counts = ["responses", "promoters", "passives", "detractors", "nps", "low", "high", "ratings", "mean", "topTwo", "topTwoShare", "customers", "retained", "buyers_before", "lost", "churn", "tickets", "ratings"];
    for (const r of [...published.rows.nps, ...published.rows.churn, ...published.rows.npsAfterService, ...published.rows.satisfaction]) if (r.withheld) for (const c of counts) expect(r[c] ?? null, `${c} of ${JSON.stringify(r)}`).toBeNull();
    for (const r of published.rows.retention) if (r.small) expect([r.customers, r.retained, r.rate]).toEqual([null, null, null]);
    for (const r of published.rows.times) {
      if (r.withheld) expect([r.tickets, r.firstResponseMedian]).toEqual([undefined, undefined]);
      if (r.csatWithheld) expect([r.ratings, r.csatSatisfied]).toEqual([undefined, undefined]);
    }
    const series = new Map<string, Row[]>();
    for (const r of published.rows.nps) series.set(`${r.granularity}|${r.by}|${r.group}`, [...(series.get(`${r.granularity}|${r.by}|${r.group}`) ?? []), r]);
    for (const rows of series.values()) {
      rows.forEach((r, i) => {
        if (r.change != null) expect(rows[i - 1].withheld, `change of ${JSON.stringify(r)}`).toBe(false);
        if (r.rollingNps != null) expect(rows.slice(Math.max(0, i - 2), i).some((p) => p.withheld), `rolling NPS of ${JSON.stringify(r)}`).toBe(false);
      });
    }
  });

  it("the NPS classes after fast and slow answers leave no small class to subtract from all responses", () => {
    const all = published.rows.nps.filter((r) => r.by === "all" && r.granularity === "quarter");
    if (all.some((r) => r.withheld)) return; // no published total of all responses to subtract from
    const total = all.reduce((s, r) => s + Number(r.responses), 0);
    for (const cutoff of new Set(published.rows.npsAfterService.map((r) => r.slowHours))) {
      const shown = published.rows.npsAfterService.filter((r) => r.slowHours === cutoff && !r.withheld).reduce((s, r) => s + Number(r.responses), 0);
      expect(total - shown === 0 || total - shown >= minGroup, `cut-off ${cutoff}: ${total} − ${shown}`).toBe(true);
    }
  });
});

describe("planted groups", () => {
  it("the one customer of a planted segment, region and channel is withheld everywhere, and so is the lone August of the planted quarter", async () => {
    const {rows, path} = await publishedOf("the sample with planted one-customer groups", planted);
    const solo = rows.nps.filter((r) => String(r.group).startsWith("Solo") || r.group === "solo_channel");
    expect(solo.length).toBeGreaterThan(0);
    expect(solo.every((r) => r.withheld)).toBe(true);
    const soloStars = rows.satisfaction.filter((r) => String(r.group).startsWith("Solo") || r.group === "solo_channel");
    expect(soloStars.length).toBeGreaterThan(0);
    expect(soloStars.every((r) => r.withheld)).toBe(true);
    // The lone customer's comment is published without the segment, region and channel only they have, and with no customer id.
    const voice = JSON.parse(await loader("voice.json.ts", path)) as {comments: Row[]};
    const praise = voice.comments.find((c) => String(c.text).startsWith("Planted praise"));
    expect(praise).toMatchObject({month: "2025-03-01T00:00:00.000Z", score: 10, segment: null, region: null, channel: null, text: "Planted praise: my account is [customer] (my colleague is [customer])"});
    expect(voice.comments.filter((c) => [c.segment, c.region, c.channel].some((a) => /solo/i.test(String(a))))).toEqual([]);
    // July 2023 alone has ten answers, but July's figures with the quarter's would give August's one answer away.
    const q3 = rows.nps.filter((r) => r.by === "all" && day(r.period) >= "2023-07-01" && day(r.period) < "2023-10-01");
    expect(q3.map((r) => [r.granularity, day(r.period), r.withheld])).toEqual([
      ["month", "2023-07-01", true],
      ["month", "2023-08-01", true],
      ["quarter", "2023-07-01", false]
    ]);
  }, 180_000);
});

/**
 * Every table the site publishes that is computed from the warehouse, by the name of its file under
 * reports/data (each data loader there writes its table with publishTable(name), src/results/stored.ts). freshness.json is not here: it
 * tells the build's own clock, read when the page is built.
 */
import type {Database} from "../warehouse/duckdb.js";
import {activityGroups} from "./activityGroups.js";
import {churn} from "./churn.js";
import {clv, clvHistorical} from "./clv.js";
import type {PublishedTable, ResultContext} from "./context.js";
import {groupPages} from "./groupPages.js";
import {groupRetentions, groups} from "./groups.js";
import {guests} from "./guests.js";
import {monthlyActivity} from "./monthlyActivity.js";
import {nps} from "./nps.js";
import {quality} from "./quality.js";
import {retention} from "./retention.js";
import {satisfaction} from "./satisfaction.js";
import {scorecard} from "./scorecard.js";
import {service} from "./service.js";
import {voice} from "./voice.js";

// In the order they are computed: the tables whose parts others reuse (nps, retention, clv) before those.
export const publishedTables = {
  "monthly-activity.arrow": monthlyActivity,
  "activity-groups.arrow": activityGroups,
  "guests.json": guests,
  "quality.json": quality,
  "group-pages.json": groupPages,
  "nps.json": nps,
  "retention.arrow": retention,
  "churn.json": churn,
  "clv.json": clv,
  "groups.json": groups,
  "scorecard.json": scorecard,
  "satisfaction.json": satisfaction,
  "service.json": service,
  "voice.json": voice
} satisfies Record<string, PublishedTable>;

export type TableName = keyof typeof publishedTables;
export const tableNames = Object.keys(publishedTables) as TableName[];

/**
 * The warehouse tables each published table reads, directly or through the metrics and temporary tables it
 * uses: a refresh copies a table from the refresh before when none of them changed (tableKeys,
 * src/warehouse/results.ts). test/results/reads.test.ts records the SQL of each table computed alone and
 * checks that it reads exactly these.
 */
export const tableReads = {
  "monthly-activity.arrow": ["customers", "orders", "returns"],
  "activity-groups.arrow": ["customers", "orders", "returns"],
  "guests.json": ["guest_orders", "orders", "returns"],
  "quality.json": ["_files", "_rejects", "customers", "nps_responses", "orders", "ratings", "subscriptions", "tickets"],
  "group-pages.json": ["customers"],
  "nps.json": ["customers", "nps_responses"],
  "retention.arrow": ["customers", "orders", "returns"],
  "churn.json": ["customers", "orders"],
  "clv.json": ["customers", "orders", "returns"],
  "groups.json": ["customers", "nps_responses", "orders", "returns", "subscriptions"],
  "scorecard.json": ["nps_responses", "orders", "tickets"],
  "satisfaction.json": ["customers", "ratings"],
  "service.json": ["customers", "nps_responses", "tickets"],
  "voice.json": ["customers", "nps_responses", "ratings", "tickets"]
} as const satisfies Record<TableName, readonly string[]>;

/**
 * The temporary tables a refresh shares between published tables, by family: the tables and views whose
 * names start with prefix, made under the memo keys that start with memo (customerActivity,
 * scorecardDays, clvCustomers), and the published tables that read them (directly or through a part they
 * share). A lane of computeResults drops a family once its last reader in the lane is stored: at ten
 * million customers each customer's periods are about 300 M rows, their order days 90 M and their CLV
 * summaries 2 × 10 M, which DuckDB otherwise keeps (in memory or spilled) while the tables after them need
 * the room. Checked by test/results/temporary.test.ts, which computes each table alone and looks for the
 * families.
 */
export interface TemporaryFamily {
  prefix: string;
  memo: string;
  readers: readonly TableName[];
}

export const temporaryTables: readonly TemporaryFamily[] = [
  {prefix: "_activity_", memo: "activity ", readers: ["monthly-activity.arrow", "activity-groups.arrow", "retention.arrow", "churn.json", "clv.json", "groups.json"]},
  {prefix: "_scorecard_", memo: "scorecard days", readers: ["scorecard.json"]},
  {prefix: "_clv_", memo: "clv customers ", readers: ["clv.json", "groups.json"]}
];

/**
 * The parts of the model lane's tables (modelLane, compute.ts) that read each customer's periods (the _activity_
 * family), by table: values of the refresh (ResultContext.shared) that the other lane computes before its own
 * tables, since it makes those temporary tables for its own tables anyway. The model lane then finds them
 * computed and makes no copy of the tables (a temporary table belongs to one connection): at a million customers
 * its copies of each customer's first order, months and quarters took about 10 s of the two cores. Were the
 * model lane to ask first, it would compute a part itself, with the same result.
 */
export const lanePrefetch: Partial<Record<TableName, (context: ResultContext) => Promise<unknown>>> = {
  "clv.json": clvHistorical,
  "groups.json": groupRetentions
};

/**
 * Drops a family's temporary views and tables on db's connection (the views first: they read the tables),
 * as the catalog lists them, and forgets them in the memo (forget(prefix): the memo's keys that start with
 * it), so that a later reader makes them again.
 */
export async function dropTemporary(db: Pick<Database, "all" | "run">, {prefix, memo}: TemporaryFamily, forget: (prefix: string) => void): Promise<void> {
  const objects = await db.all<{kind: string; name: string}>(
    `SELECT 'VIEW' AS kind, view_name AS name FROM duckdb_views() WHERE temporary AND NOT internal AND starts_with(view_name, '${prefix}')
     UNION ALL SELECT 'TABLE', table_name FROM duckdb_tables() WHERE temporary AND starts_with(table_name, '${prefix}')`
  );
  for (const kind of ["VIEW", "TABLE"]) {
    for (const o of objects.filter((o) => o.kind === kind)) await db.run(`DROP ${kind} IF EXISTS "${o.name}"`);
  }
  forget(memo);
}

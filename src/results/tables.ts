/**
 * Every table the site publishes that is computed from the warehouse, by the name of its file under
 * reports/data (each data loader there writes its table with publishTable(name), src/results/stored.ts). freshness.json is not here: it
 * tells the build's own clock, read when the page is built.
 */
import {dropClvCustomers} from "../metrics/clv.js";
import {dropCustomerActivity} from "../metrics/retention.js";
import {dropScorecardDays} from "../metrics/scorecard.js";
import {activityGroups} from "./activityGroups.js";
import {churn} from "./churn.js";
import {clv} from "./clv.js";
import type {PublishedTable} from "./context.js";
import {groupPages} from "./groupPages.js";
import {groups} from "./groups.js";
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
 * The temporary tables a refresh shares between published tables (a family: the names starting with
 * prefix), which of them read it (directly or through a part they share), and how to drop it. A lane of
 * computeResults drops a family once its last reader in the lane is stored: at ten million customers each
 * customer's periods are about 300 M rows, their order days 90 M and their CLV summaries 2 × 10 M, which
 * DuckDB otherwise keeps (in memory or spilled) while the tables after them need the room. Checked by
 * test/results/temporary.test.ts, which computes each table alone and looks for the families.
 */
export const temporaryTables: readonly {prefix: string; readers: readonly TableName[]; drop: (db: {run(sql: string): Promise<unknown>}, forget: (key: string) => void) => Promise<void>}[] = [
  {prefix: "_activity_", readers: ["monthly-activity.arrow", "activity-groups.arrow", "retention.arrow", "churn.json", "clv.json", "groups.json"], drop: dropCustomerActivity},
  {prefix: "_scorecard_", readers: ["scorecard.json"], drop: dropScorecardDays},
  {prefix: "_clv_", readers: ["clv.json", "groups.json"], drop: dropClvCustomers}
];

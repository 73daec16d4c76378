/**
 * Every table the site publishes that is computed from the warehouse, by the name of its file under
 * reports/data (each data loader there writes its table with publishTable(name), src/results/stored.ts). freshness.json is not here: it
 * tells the build's own clock, read when the page is built.
 */
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

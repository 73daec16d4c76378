/**
 * The published tables' definitions and documentation: what the Explore
 * notebook and the pages saved from it can query (notebook-catalogue.ts
 * loads them), and what the README's table of published tables says.
 *
 * The loaders' files keep their own shapes (the report pages read them); this
 * layer is the analysts' view of them, made for guessing:
 * - one convention for totals: a grouped table has `breakdown` (what the rows
 *   are split by: 'all', 'segment', 'region', 'channel', …) and `group_name`
 *   (the group), and its totals are the rows with breakdown = 'all' (where
 *   group_name is 'all' too). The activity table, published as two files
 *   (by channel with an 'All channels' row, and by segment or region), is one
 *   table here with the same convention;
 * - no name needs quoting in SQL: the files' `by` and `group` columns (SQL
 *   keywords) become breakdown and group_name, voice_comments' group its
 *   nps_group, service_nps_after_service's group its answer_speed; camelCase
 *   becomes snake_case.
 *
 * Pure data: no browser, no Framework; tests and docs read it in Node.
 */

export interface ColumnDoc {
  name: string;
  /** DuckDB's type, as the table list and completion show it. */
  type: string;
  about: string;
}

export interface PublishedTable {
  name: string;
  about: string;
  /** The loader files it is made of: private name → file under reports/ (and, for a JSON object, the array in it). */
  from: Record<string, {file: string; array?: string; row?: boolean}>;
  /** SQL making the published table from the private ones. */
  select: string;
  columns: readonly ColumnDoc[];
}

const grouping = (what: string): ColumnDoc[] => [
  {name: "breakdown", type: "VARCHAR", about: `What the rows are split by: 'all' (every ${what} together: the totals), or 'segment', 'region', 'channel'…`},
  {name: "group_name", type: "VARCHAR", about: "The group within the breakdown ('all' on the total rows); 'other' gathers groups too small to show alone."}
];

const activityColumns: ColumnDoc[] = [
  {name: "month", type: "DATE", about: "The calendar month (its first day, UTC)."},
  ...grouping("customer"),
  {name: "orders", type: "INTEGER", about: "Completed orders in the month."},
  {name: "active_customers", type: "INTEGER", about: "Customers with at least one completed order in the month."},
  {name: "new_customers", type: "INTEGER", about: "Customers whose first completed order was in the month."},
  {name: "net_revenue", type: "DOUBLE", about: "Completed orders' amounts less refunds, in the data's currency."},
  {name: "suppressed", type: "BOOLEAN", about: "True when the figures are withheld (blank) because the group had too few active customers to keep them anonymous."},
  {name: "incomplete", type: "BOOLEAN", about: "True when the month is not over: the data end inside it, so its figures will still grow (compare whole months with NOT incomplete)."}
];

/** Every published table, in the order the table list shows them. */
export const publishedTables: readonly PublishedTable[] = [
  {
    name: "activity",
    about: "A row per month and group: orders, active and new customers, net revenue. Totals: breakdown = 'all'.",
    // incomplete: the month ends after the data's last day (freshness.json's latestRecord, as the pages' "Data through").
    from: {_channels: {file: "data/monthly-activity.arrow"}, _groups: {file: "data/activity-groups.arrow"}, _freshness: {file: "data/freshness.json", row: true}},
    select: `SELECT *, month + INTERVAL 1 MONTH > (SELECT CAST("latestRecord" AS TIMESTAMP)::DATE + 1 FROM _freshness) AS incomplete
FROM (SELECT month::DATE AS month, CASE WHEN channel = 'All channels' THEN 'all' ELSE 'channel' END AS breakdown,
  CASE WHEN channel = 'All channels' THEN 'all' ELSE channel END AS group_name, orders, active_customers, new_customers, net_revenue, suppressed FROM _channels
UNION ALL
SELECT month::DATE, "by", "group", orders, active_customers, new_customers, net_revenue, suppressed FROM _groups)
ORDER BY month, breakdown <> 'all', breakdown, group_name`,
    columns: activityColumns
  },
  {
    name: "retention",
    about: "Cohort retention: a row per cohort (customers by the week, month or quarter of their first order), period since (k) and group.",
    from: {_retention: {file: "data/retention.arrow"}},
    select: `SELECT granularity, "by" AS breakdown, "group" AS group_name, cohort::DATE AS cohort, k, customers, retained, rate,
  "windowRate" AS window_rate, "revenueRate" AS revenue_rate, churn, "repeatRate" AS repeat_rate, incomplete, small FROM _retention`,
    columns: [
      {name: "granularity", type: "VARCHAR", about: "The cohorts' period: 'week', 'month' or 'quarter'."},
      ...grouping("customer"),
      {name: "cohort", type: "DATE", about: "The first day of the period of the cohort's first completed order."},
      {name: "k", type: "INTEGER", about: "Periods since the first order: 0 is the first period itself, 1 the next…"},
      {name: "customers", type: "INTEGER", about: "Customers in the cohort."},
      {name: "retained", type: "INTEGER", about: "Of them, those with a completed order in period k."},
      {name: "rate", type: "DOUBLE", about: "retained / customers (0 to 1)."},
      {name: "window_rate", type: "DOUBLE", about: "Share who ordered in period k or the periods just after it (4 weeks, 3 months or 2 quarters in all; 0 to 1), blank until that span is over: cohorts compared over equal windows."},
      {name: "revenue_rate", type: "DOUBLE", about: "The cohort's net revenue in period k over its revenue in period 0."},
      {name: "churn", type: "DOUBLE", about: "Of the customers active in period k − 1, the share not active in k (blank at k = 0)."},
      {name: "repeat_rate", type: "DOUBLE", about: "Share of the cohort who ever ordered on a second day."},
      {name: "incomplete", type: "BOOLEAN", about: "True when period k is not over yet: its figures will still grow."},
      {name: "small", type: "BOOLEAN", about: "True when the cohort has fewer than 10 customers: read its rates with care."}
    ]
  },
  {
    name: "nps",
    about: "Net Promoter Score per month or quarter and group, with its 95% margin and whether the change from the period before is larger than chance.",
    from: {_nps: {file: "data/nps.json"}},
    select: `SELECT granularity, "by" AS breakdown, "group" AS group_name, period, responses, promoters, passives, detractors, nps, low, high,
  "promoterShare" AS promoter_share, "passiveShare" AS passive_share, "detractorShare" AS detractor_share, change, p, significant, "rollingNps" AS rolling_nps,
  incomplete, withheld, small FROM _nps`,
    columns: [
      {name: "granularity", type: "VARCHAR", about: "'month' or 'quarter'."},
      ...grouping("respondent"),
      {name: "period", type: "DATE", about: "The first day of the month or quarter."},
      {name: "responses", type: "DOUBLE", about: "Survey answers in the period."},
      {name: "promoters", type: "DOUBLE", about: "Answers of 9 or 10."},
      {name: "passives", type: "DOUBLE", about: "Answers of 7 or 8."},
      {name: "detractors", type: "DOUBLE", about: "Answers of 0 to 6."},
      {name: "nps", type: "DOUBLE", about: "Net Promoter Score: % promoters − % detractors (−100 to 100)."},
      {name: "low", type: "DOUBLE", about: "Lower end of the 95% score interval of nps, in points (never below −100)."},
      {name: "high", type: "DOUBLE", about: "Upper end of the 95% score interval of nps, in points (never above 100)."},
      {name: "promoter_share", type: "DOUBLE", about: "promoters / responses (0 to 1)."},
      {name: "passive_share", type: "DOUBLE", about: "passives / responses (0 to 1)."},
      {name: "detractor_share", type: "DOUBLE", about: "detractors / responses (0 to 1)."},
      {name: "change", type: "DOUBLE", about: "nps minus the period before's, in points."},
      {name: "p", type: "DOUBLE", about: "p-value of the change: the chance of one at least as large if the mix of answers had not changed (exact permutation test for small counts)."},
      {name: "significant", type: "BOOLEAN", about: "True when the change is larger than chance: a discovery of Benjamini–Hochberg at 5% over all changes of the same granularity and breakdown."},
      {name: "rolling_nps", type: "DOUBLE", about: "NPS of this and the previous periods pooled, steadier for small groups."},
      {name: "incomplete", type: "BOOLEAN", about: "True when the period is not over yet."},
      {name: "withheld", type: "BOOLEAN", about: "True when the figures are withheld (blank): too few respondents to keep them anonymous."},
      {name: "small", type: "BOOLEAN", about: "True when too few answered for the score to be reliable."}
    ]
  },
  {
    name: "clv_groups",
    about: "Lifetime value per group: expected value of the next 12 months per customer (BG/NBD and Gamma-Gamma models).",
    from: {_clv_groups: {file: "data/clv.json", array: "groups"}},
    select: `SELECT "by" AS breakdown, "group" AS group_name, customers, "meanClv12" AS mean_clv_12, "expectedActive" AS expected_active, "oneTime" AS one_time, withheld FROM _clv_groups`,
    columns: [
      ...grouping("customer"),
      {name: "customers", type: "DOUBLE", about: "Customers in the group."},
      {name: "mean_clv_12", type: "DOUBLE", about: "Expected net revenue per customer over the next 12 months, in the data's currency."},
      {name: "expected_active", type: "DOUBLE", about: "Customers the model expects still to be buying."},
      {name: "one_time", type: "DOUBLE", about: "Customers with a single order so far."},
      {name: "withheld", type: "BOOLEAN", about: "True when the figures are withheld: too few customers."}
    ]
  },
  {
    name: "clv_cohorts",
    about: "Lifetime value per group and monthly cohort of first order.",
    from: {_clv_cohorts: {file: "data/clv.json", array: "cohorts"}},
    select: `SELECT "by" AS breakdown, "group" AS group_name, cohort, customers, clv, alive, "oneTime" AS one_time FROM _clv_cohorts`,
    columns: [
      ...grouping("customer"),
      {name: "cohort", type: "DATE", about: "The month of the customers' first order."},
      {name: "customers", type: "DOUBLE", about: "Customers in the cohort."},
      {name: "clv", type: "DOUBLE", about: "Expected net revenue per customer over the next 12 months."},
      {name: "alive", type: "DOUBLE", about: "Mean probability that a customer of the cohort is still buying (0 to 1)."},
      {name: "one_time", type: "DOUBLE", about: "Customers with a single order so far."}
    ]
  },
  {
    name: "service_times",
    about: "Support: first-answer and solution times (median and 90th percentile, hours) and satisfaction (CSAT) per period and group.",
    from: {_service_times: {file: "data/service.json", array: "times"}},
    select: `SELECT granularity, "by" AS breakdown, "group" AS group_name, period, tickets, "firstResponseMedian" AS first_response_median, "firstResponseP90" AS first_response_p90,
  "resolutionMedian" AS resolution_median, "resolutionP90" AS resolution_p90, ratings, "csatSatisfied" AS csat_satisfied, "csatMean" AS csat_mean,
  "csatResponseRate" AS csat_response_rate, incomplete, withheld, "csatWithheld" AS csat_withheld FROM _service_times`,
    columns: [
      {name: "granularity", type: "VARCHAR", about: "'week', 'month' or 'quarter'."},
      ...grouping("ticket"),
      {name: "period", type: "DATE", about: "The first day of the period the tickets were opened in."},
      {name: "tickets", type: "DOUBLE", about: "Tickets opened."},
      {name: "first_response_median", type: "DOUBLE", about: "Median hours to the first answer."},
      {name: "first_response_p90", type: "DOUBLE", about: "Hours within which 90% had a first answer."},
      {name: "resolution_median", type: "DOUBLE", about: "Median hours to a solution."},
      {name: "resolution_p90", type: "DOUBLE", about: "Hours within which 90% were solved."},
      {name: "ratings", type: "DOUBLE", about: "Tickets rated by the customer."},
      {name: "csat_satisfied", type: "DOUBLE", about: "Share of ratings of 4 or 5 out of 5 (0 to 1)."},
      {name: "csat_mean", type: "DOUBLE", about: "Mean rating (1 to 5)."},
      {name: "csat_response_rate", type: "DOUBLE", about: "ratings / tickets (0 to 1)."},
      {name: "incomplete", type: "BOOLEAN", about: "True when the period is not over yet."},
      {name: "withheld", type: "BOOLEAN", about: "True when the times are withheld: too few tickets."},
      {name: "csat_withheld", type: "BOOLEAN", about: "True when the satisfaction figures are withheld: too few ratings."}
    ]
  },
  {
    name: "service_nps_after_service",
    about: "NPS of customers whose last ticket was answered fast, slowly, or who had none recently, for each cut-off between fast and slow.",
    from: {_service_nps: {file: "data/service.json", array: "npsAfterService"}},
    select: `SELECT "slowHours" AS slow_hours, "group" AS answer_speed, responses, nps, low, high, "promoterShare" AS promoter_share, "detractorShare" AS detractor_share, withheld FROM _service_nps`,
    columns: [
      {name: "slow_hours", type: "DOUBLE", about: "The cut-off: a first answer later than this many hours is slow."},
      {name: "answer_speed", type: "VARCHAR", about: "'fast', 'slow' or 'no recent ticket'."},
      {name: "responses", type: "DOUBLE", about: "Survey answers."},
      {name: "nps", type: "DOUBLE", about: "Net Promoter Score (−100 to 100)."},
      {name: "low", type: "DOUBLE", about: "Lower end of its 95% score interval, in points."},
      {name: "high", type: "DOUBLE", about: "Upper end of its 95% score interval, in points."},
      {name: "promoter_share", type: "DOUBLE", about: "Share of answers of 9 or 10."},
      {name: "detractor_share", type: "DOUBLE", about: "Share of answers of 0 to 6."},
      {name: "withheld", type: "BOOLEAN", about: "True when withheld: too few answers."}
    ]
  },
  {
    name: "voice_emotion",
    about: "Customers' words: the customer emotion score of NPS comments per month (% positive − % negative comments) with its 95% interval.",
    from: {_voice_emotion: {file: "data/voice.json", array: "emotion"}},
    select: `SELECT period, comments, scored, positive, neutral, negative, "noEmotionWords" AS no_emotion_words, "notScored" AS not_scored,
  "emotionScore" AS emotion_score, low, high, withheld FROM _voice_emotion`,
    columns: [
      {name: "period", type: "DATE", about: "The month (its first day)."},
      {name: "comments", type: "DOUBLE", about: "Comments written (blank when withheld)."},
      {name: "scored", type: "DOUBLE", about: "Comments in a language rapport scores: positive + neutral + negative."},
      {name: "positive", type: "DOUBLE", about: "Comments whose emotion words lean positive."},
      {name: "neutral", type: "DOUBLE", about: "Comments that lean neither way, or have no emotion word."},
      {name: "negative", type: "DOUBLE", about: "Comments whose emotion words lean negative."},
      {name: "no_emotion_words", type: "DOUBLE", about: "Of the neutral ones, comments with no word of the language's emotion list."},
      {name: "not_scored", type: "DOUBLE", about: "Comments in a language rapport does not score (never counted as 0)."},
      {name: "emotion_score", type: "DOUBLE", about: "Customer emotion score: % positive − % negative of the scored comments (−100 to 100)."},
      {name: "low", type: "DOUBLE", about: "Lower end of its 95% interval."},
      {name: "high", type: "DOUBLE", about: "Upper end of its 95% interval."},
      {name: "withheld", type: "BOOLEAN", about: "True when withheld: too few comments (no count is published then)."}
    ]
  },
  {
    name: "voice_languages",
    about: "How many NPS comments were written, and scored, in each language.",
    from: {_voice_languages: {file: "data/voice.json", array: "languages"}},
    select: `SELECT language, name, comments, scored, "noEmotionWords" AS no_emotion_words, "notScored" AS not_scored FROM _voice_languages`,
    columns: [
      {name: "language", type: "VARCHAR", about: "ISO 639-1 code ('en', 'pt'…), or 'unknown'."},
      {name: "name", type: "VARCHAR", about: "The language's name."},
      {name: "comments", type: "DOUBLE", about: "Comments written in it."},
      {name: "scored", type: "DOUBLE", about: "Of them, comments scored."},
      {name: "no_emotion_words", type: "DOUBLE", about: "Comments with no word of its emotion list."},
      {name: "not_scored", type: "DOUBLE", about: "Comments not scored (no emotion list for the language)."}
    ]
  },
  {
    name: "voice_comments",
    about: "The latest NPS comments, scrubbed of personal details, with their month, score and the customer's segment, region and channel where at least 10 answers of the month share them.",
    from: {_voice_comments: {file: "data/voice.json", array: "comments"}},
    select: `SELECT month, "monthKnown" AS month_known, score, "group" AS nps_group, segment, region, channel, emotion, language, text FROM _voice_comments`,
    columns: [
      {name: "month", type: "DATE", about: "The month of the answer (the quarter's first month when month_known is false)."},
      {name: "month_known", type: "BOOLEAN", about: "False when too few answered that month: month is then the quarter."},
      {name: "score", type: "DOUBLE", about: "The 0–10 answer."},
      {name: "nps_group", type: "VARCHAR", about: "'Promoter', 'Passive' or 'Detractor'."},
      {name: "segment", type: "VARCHAR", about: "The customer's segment (blank when too few share it)."},
      {name: "region", type: "VARCHAR", about: "The customer's region (blank when too few share it)."},
      {name: "channel", type: "VARCHAR", about: "The customer's acquisition channel (blank when too few share it)."},
      {name: "emotion", type: "DOUBLE", about: "The comment's emotion: the sum of its rated words, after negation (blank when not scored)."},
      {name: "language", type: "VARCHAR", about: "The comment's language (ISO 639-1)."},
      {name: "text", type: "VARCHAR", about: "The comment, personal details replaced."}
    ]
  },
  {
    name: "quality_files",
    about: "The last load of the exports: records read, accepted, rejected and skipped per file (read = accepted + rejected + skipped).",
    from: {_quality_files: {file: "data/quality.json", array: "files"}},
    select: `SELECT path, source, export, entity, read, accepted, rejected, skipped, loaded_at FROM _quality_files`,
    columns: [
      {name: "path", type: "VARCHAR", about: "The export file."},
      {name: "source", type: "VARCHAR", about: "The CRM or tool it came from."},
      {name: "export", type: "VARCHAR", about: "The kind of export."},
      {name: "entity", type: "VARCHAR", about: "What its rows are: customers, orders, responses, tickets…"},
      {name: "read", type: "DOUBLE", about: "Records read."},
      {name: "accepted", type: "DOUBLE", about: "Records loaded."},
      {name: "rejected", type: "DOUBLE", about: "Records refused (see quality_reasons)."},
      {name: "skipped", type: "DOUBLE", about: "Records skipped (duplicates, blank lines)."},
      {name: "loaded_at", type: "TIMESTAMP", about: "When the file was loaded (UTC)."}
    ]
  },
  {
    name: "quality_reasons",
    about: "Why records were rejected in the last load, with counts.",
    from: {_quality_reasons: {file: "data/quality.json", array: "reasons"}},
    select: `SELECT * FROM _quality_reasons`,
    columns: []
  },
  {
    name: "quality_coverage",
    about: "The dates each kind of record covers.",
    from: {_quality_coverage: {file: "data/quality.json", array: "coverage"}},
    select: `SELECT entity, "rows" AS records, "first" AS first_date, "last" AS last_date FROM _quality_coverage`,
    columns: [
      {name: "entity", type: "VARCHAR", about: "customers, orders, responses, tickets…"},
      {name: "records", type: "DOUBLE", about: "Records loaded."},
      {name: "first_date", type: "TIMESTAMP", about: "The earliest date and time in the records (UTC)."},
      {name: "last_date", type: "TIMESTAMP", about: "The latest date and time in the records (UTC)."}
    ]
  }
];

/** A table's columns, by its name. */
export function columnDocs(name: string): readonly ColumnDoc[] {
  return publishedTables.find((t) => t.name === name)?.columns ?? [];
}

/**
 * The SQL making a published table from its private ones: its select, with
 * every documented column cast to its documented type, so a table has the same
 * types in every build (a JSON column that happens to be all blank, or all at
 * midnight, would otherwise come out as text or as dates).
 */
export function tableSql(table: PublishedTable): string {
  if (!table.columns.length) return table.select;
  return `SELECT ${table.columns.map((c) => `CAST(${c.name} AS ${c.type}) AS ${c.name}`).join(", ")}\nFROM (${table.select})`;
}

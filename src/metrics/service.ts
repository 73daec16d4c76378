/**
 * Support service: how fast tickets are answered and solved, how satisfied
 * customers say they are, and how NPS differs after slow and fast answers.
 *
 * - first response: hours from opened_at to first_response_at; resolution:
 *   hours from opened_at to resolved_at. Median and 90th percentile by
 *   Kaplan–Meier (survival.ts, computed here in SQL with window functions so
 *   DuckDB does it at a million tickets): a ticket still without an answer
 *   (or a solution) at asOf — the data's last moment, by default the latest
 *   timestamp in tickets — counts as "at least asOf − opened_at so far"
 *   (censored), not dropped: dropping them keeps only the quick cases. The
 *   quantile is the first event time where the estimated share still waiting
 *   falls to 50% (10%); null when it never does, and then the page says
 *   "more than <longest>", the longest time followed in the group
 *   (firstResponseLongest, resolutionLongest). Durations below 0 are ignored,
 *   as kaplanMeier does. test/metrics/service.test.ts checks this SQL against
 *   kaplanMeier/survivalQuantile on the bundled sample.
 * - CSAT: ratings 1–5; satisfied = rated 4 or 5, as a share of ratings;
 *   mean rating; response rate = ratings / resolved tickets.
 * - NPS after service: each NPS response whose customer had a ticket opened
 *   in the windowDays (default 60) before it is classed by that latest
 *   ticket's first response: slow when it took more than slowHours (default
 *   24) or never came, fast otherwise; responses with no such ticket are
 *   "no recent ticket". NPS and its score interval per class (see nps.ts).
 * Periods are those of opened_at (UTC).
 */
import {groupSql, periodEndSql, periodSql, type Breakdown, type Period} from "./periods.js";

export type ServiceBreakdown = Breakdown | "ticket_channel";

/** A row of serviceSql: times in hours, shares 0–1; null where no ticket in the group has the time or rating. */
export interface ServiceRow {
  period: Date;
  group: string;
  tickets: number;
  firstResponseMedian: number | null;
  firstResponseP90: number | null;
  /** Longest time followed (event or censored), in hours: a null quantile is "more than" this. */
  firstResponseLongest: number | null;
  resolutionMedian: number | null;
  resolutionP90: number | null;
  resolutionLongest: number | null;
  /** Tickets without a first answer, and without a solution, at asOf (censored). */
  unanswered: number;
  unresolved: number;
  ratings: number;
  csatMean: number | null;
  csatSatisfied: number | null;
  csatResponseRate: number | null;
  incomplete: boolean;
}

/** SQL: the latest timestamp in tickets, the default asOf of serviceSql. */
export const ticketsAsOfSql = `(SELECT max(greatest(opened_at, coalesce(first_response_at, opened_at), coalesce(resolved_at, opened_at))) FROM tickets)`;

/**
 * SQL: per (partition columns, what) of a table of durations `t` (hours) and
 * `event` (true: the answer came at t; false: still waiting at t), the
 * Kaplan–Meier median, 90th percentile and longest time followed.
 * S(t) = Π (1 − dᵢ/nᵢ) as exp(Σ ln(1 − dᵢ/nᵢ)), and 0 from the first time
 * every case still at risk has the event; quantiles compare with a 1e-9
 * tolerance for the rounding of that sum.
 */
export function kaplanMeierQuantilesSql(durations: string, partition: string[]): string {
  const by = partition.join(", ");
  return `SELECT ${by}, min(t) FILTER (WHERE d > 0 AND s <= 0.5 + 1e-9) AS median, min(t) FILTER (WHERE d > 0 AND s <= 0.1 + 1e-9) AS p90, max(t) AS longest
FROM (
  SELECT *, CASE WHEN bool_or(d = n) OVER w THEN 0 ELSE exp(sum(ln(CASE WHEN d > 0 AND d < n THEN 1 - d / n ELSE 1 END)) OVER w) END AS s
  FROM (
    SELECT *, sum(leaving) OVER (PARTITION BY ${by} ORDER BY t DESC ROWS UNBOUNDED PRECEDING) AS n
    FROM (SELECT ${by}, t, count(*) FILTER (WHERE event) AS d, count(*) AS leaving FROM ${durations} WHERE t >= 0 GROUP BY ALL)
  )
  WINDOW w AS (PARTITION BY ${by} ORDER BY t ROWS UNBOUNDED PRECEDING)
)
GROUP BY ALL`;
}

/**
 * SQL: service figures per period (of opened_at) and group. `asOf` (an ISO
 * timestamp) is when still-open tickets are censored; by default the data's
 * latest timestamp (ticketsAsOfSql).
 */
export function serviceSql({period, by, asOf}: {period: Period; by?: ServiceBreakdown; asOf?: Date}): string {
  const group = by === "ticket_channel" ? "coalesce(t.channel, 'unknown')" : groupSql(by);
  const hours = (to: string) => `date_diff('second', t.opened_at, ${to}) / 3600.0`;
  const cut = asOf ? `TIMESTAMP '${asOf.toISOString().replace("T", " ").replace("Z", "")}'` : ticketsAsOfSql;
  // A time after asOf has not happened yet at asOf.
  const seen = (column: string) => `CASE WHEN t.${column} <= b.as_of THEN t.${column} END`;
  return `WITH bounds AS (SELECT ${cut} AS as_of), rows AS (
  SELECT ${periodSql(period, "t.opened_at")} AS period, ${group} AS "group",
    ${hours(seen("first_response_at"))} AS first_response, ${hours(seen("resolved_at"))} AS resolution, ${hours("b.as_of")} AS followed, t.csat, ${seen("resolved_at")} AS resolved_at
  FROM tickets t CROSS JOIN bounds b LEFT JOIN customers c ON c.id = t.customer_id
  WHERE t.opened_at <= b.as_of
), durations AS (
  SELECT period, "group", 'first_response' AS what, coalesce(first_response, followed) AS t, first_response IS NOT NULL AS event FROM rows
  UNION ALL
  SELECT period, "group", 'resolution' AS what, coalesce(resolution, followed) AS t, resolution IS NOT NULL AS event FROM rows
), km AS (
  ${kaplanMeierQuantilesSql("durations", ["period", `"group"`, "what"]).replaceAll("\n", "\n  ")}
), counted AS (
  SELECT period, "group",
    count(*)::INTEGER AS tickets,
    count(*) FILTER (WHERE first_response IS NULL)::INTEGER AS unanswered,
    count(*) FILTER (WHERE resolution IS NULL)::INTEGER AS unresolved,
    count(csat)::INTEGER AS ratings,
    avg(csat) AS "csatMean",
    count(*) FILTER (WHERE csat >= 4) / nullif(count(csat), 0) AS "csatSatisfied",
    count(csat) / nullif(count(resolved_at), 0) AS "csatResponseRate"
  FROM rows GROUP BY period, "group"
)
SELECT c.period, c."group", c.tickets,
  f.median AS "firstResponseMedian", f.p90 AS "firstResponseP90", f.longest AS "firstResponseLongest",
  r.median AS "resolutionMedian", r.p90 AS "resolutionP90", r.longest AS "resolutionLongest",
  c.unanswered, c.unresolved, c.ratings, c."csatMean", c."csatSatisfied", c."csatResponseRate",
  ${periodEndSql(period, "c.period")} > (SELECT as_of::DATE FROM bounds) AS incomplete
FROM counted c
LEFT JOIN km f ON f.period = c.period AND f."group" = c."group" AND f.what = 'first_response'
LEFT JOIN km r ON r.period = c.period AND r."group" = c."group" AND r.what = 'resolution'
ORDER BY c."group", c.period`;
}

export function npsAfterServiceSql({slowHours = 24, windowDays = 60} = {}): string {
  return `WITH latest AS (
  SELECT r.id, r.score,
    arg_max(coalesce(date_diff('second', t.opened_at, t.first_response_at) / 3600.0, 'Infinity'::DOUBLE), t.opened_at) AS wait
  FROM nps_responses r
  LEFT JOIN tickets t ON t.customer_id = r.customer_id AND t.opened_at <= r.responded_at AND t.opened_at > r.responded_at - INTERVAL ${windowDays} DAY
  GROUP BY r.id, r.score
)
SELECT CASE WHEN wait IS NULL THEN 'no recent ticket' WHEN wait > ${slowHours} THEN 'slow' ELSE 'fast' END AS "group",
  count(*) FILTER (WHERE score >= 9)::INTEGER AS promoters,
  count(*) FILTER (WHERE score BETWEEN 7 AND 8)::INTEGER AS passives,
  count(*) FILTER (WHERE score <= 6)::INTEGER AS detractors
FROM latest GROUP BY ALL ORDER BY "group"`;
}

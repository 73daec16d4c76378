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
import {customersJoinSql, groupSql, periodEndSql, periodSql, type Breakdown, type Period} from "./periods.js";

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
 * SQL: per partition of a table of durations `t` (hours) and `event` (true:
 * the answer came at t; false: still waiting at t), the Kaplan–Meier median,
 * 90th percentile and longest time followed.
 *
 * Fast path, exact: before the first censored time c₁ of a partition,
 * S(t) = 1 − (events ≤ t) / N (no one has left the risk set but by the event),
 * so the q-quantile is the ⌈qN⌉-th smallest time with censored cases counted
 * as never (DuckDB's quantile_disc), whenever that is ≤ c₁ (a case censored at c₁ is still at risk
 * there). Most partitions (periods long past, with no or few open tickets)
 * end here. The others get the product limit with window functions:
 * S(t) = Π (1 − dᵢ/nᵢ) as exp(Σ ln(1 − dᵢ/nᵢ)), 0 where dᵢ = nᵢ (the last
 * time). Quantiles allow 1e-9 for the rounding of that sum. Windows over
 * every ticket took 15× the time of the old plain quantiles at a million
 * synthetic tickets; this path keeps them to the few partitions that need them.
 */
export function kaplanMeierQuantilesSql(durations: string, partition: string[]): string {
  const by = partition.join(", ");
  const on = (a: string, b: string) => partition.map((c) => `${a}.${c} IS NOT DISTINCT FROM ${b}.${c}`).join(" AND ");
  return `WITH km_cases AS MATERIALIZED (SELECT ${by}, t, event FROM ${durations} WHERE t >= 0),
km_fast AS (
  SELECT *, qs[1] AS m, qs[2] AS p FROM (
    -- quantile_disc is the ⌈qN⌉-th smallest value (checked against survival.ts in test/metrics/service.test.ts)
    SELECT ${by}, min(t) FILTER (WHERE NOT event) AS first_censored, max(t) AS longest,
      quantile_disc(CASE WHEN event THEN t ELSE 'Infinity'::DOUBLE END, [0.5, 0.9]) AS qs
    FROM km_cases GROUP BY ALL
  )
),
km_slow AS (
  SELECT ${by}, min(t) FILTER (WHERE d > 0 AND s <= 0.5 + 1e-9) AS m, min(t) FILTER (WHERE d > 0 AND s <= 0.1 + 1e-9) AS p
  FROM (
    SELECT *, CASE WHEN d = at_risk THEN 0 ELSE exp(sum(ln(CASE WHEN d > 0 AND d < at_risk THEN 1 - d / at_risk ELSE 1 END)) OVER (PARTITION BY ${by} ORDER BY t ROWS UNBOUNDED PRECEDING)) END AS s
    FROM (
      SELECT *, sum(leaving) OVER (PARTITION BY ${by} ORDER BY t DESC ROWS UNBOUNDED PRECEDING) AS at_risk
      FROM (
        SELECT c.${partition.join(", c.")}, c.t, count(*) FILTER (WHERE c.event) AS d, count(*) AS leaving
        FROM km_cases c SEMI JOIN (SELECT * FROM km_fast WHERE m > first_censored OR p > first_censored) f ON ${on("c", "f")}
        GROUP BY ALL
      )
    )
  )
  GROUP BY ALL
)
SELECT ${partition.map((c) => `f.${c}`).join(", ")},
  CASE WHEN f.first_censored IS NULL OR f.m <= f.first_censored THEN f.m ELSE s.m END AS median,
  CASE WHEN f.first_censored IS NULL OR f.p <= f.first_censored THEN f.p ELSE s.p END AS p90,
  f.longest
FROM km_fast f LEFT JOIN km_slow s ON ${on("f", "s")}`;
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
  return `WITH bounds AS (SELECT ${cut} AS as_of), rows AS MATERIALIZED (
  SELECT ${periodSql(period, "t.opened_at")} AS period, ${group} AS "group",
    ${hours(seen("first_response_at"))} AS first_response, ${hours(seen("resolved_at"))} AS resolution, ${hours("b.as_of")} AS followed, t.csat, ${seen("resolved_at")} AS resolved_at
  FROM tickets t CROSS JOIN bounds b${customersJoinSql(by === "ticket_channel" ? undefined : by, "t.customer_id")}
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

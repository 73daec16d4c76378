/**
 * Support service: how fast tickets are answered and solved, how satisfied
 * customers say they are, and how NPS differs after slow and fast answers.
 *
 * - first response: hours from opened_at to first_response_at; resolution:
 *   hours from opened_at to resolved_at. Median and 90th percentile
 *   (continuous quantiles), over tickets that have the time; open tickets
 *   count in `tickets` but not in the times.
 * - CSAT: ratings 1–5; satisfied = rated 4 or 5, as a share of ratings;
 *   mean rating; response rate = ratings / resolved tickets.
 * - NPS after service: each NPS response whose customer had a ticket opened
 *   in the windowDays (default 60) before it is classed by that latest
 *   ticket's first response: slow when it took more than slowHours (default
 *   24) or never came, fast otherwise; responses with no such ticket are
 *   "no recent ticket". NPS and its margin per class (see nps.ts).
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
  resolutionMedian: number | null;
  resolutionP90: number | null;
  ratings: number;
  csatMean: number | null;
  csatSatisfied: number | null;
  csatResponseRate: number | null;
  incomplete: boolean;
}

export function serviceSql({period, by}: {period: Period; by?: ServiceBreakdown}): string {
  const group = by === "ticket_channel" ? "coalesce(t.channel, 'unknown')" : groupSql(by);
  const hours = (to: string) => `date_diff('second', t.opened_at, ${to}) / 3600.0`;
  return `WITH rows AS (
  SELECT ${periodSql(period, "t.opened_at")} AS period, ${group} AS "group",
    ${hours("t.first_response_at")} AS first_response, ${hours("t.resolved_at")} AS resolution, t.csat, t.resolved_at
  FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id
)
SELECT period, "group",
  count(*)::INTEGER AS tickets,
  quantile_cont(first_response, 0.5) AS "firstResponseMedian",
  quantile_cont(first_response, 0.9) AS "firstResponseP90",
  quantile_cont(resolution, 0.5) AS "resolutionMedian",
  quantile_cont(resolution, 0.9) AS "resolutionP90",
  count(csat)::INTEGER AS ratings,
  avg(csat) AS "csatMean",
  count(*) FILTER (WHERE csat >= 4) / nullif(count(csat), 0) AS "csatSatisfied",
  count(csat) / nullif(count(resolved_at), 0) AS "csatResponseRate",
  ${periodEndSql(period, "period")} > (SELECT max(opened_at)::DATE FROM tickets) AS incomplete
FROM rows GROUP BY period, "group" ORDER BY "group", period`;
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

/**
 * The relationship scorecard: six aspects of a customer relationship, each
 * read from one or two measures, per period (month by default), with the
 * change against the previous period.
 *
 * | aspect        | measure                    | definition                                                      | better |
 * |---------------|----------------------------|-----------------------------------------------------------------|--------|
 * | value         | average order value        | net revenue / completed orders                                  | up     |
 * | value         | revenue per customer       | net revenue / customers with a completed order                  | up     |
 * | communication | first response (median h)  | median hours to the first answer of tickets opened              | down   |
 * | experience    | CSAT satisfied             | ratings of 4–5 / ratings                                        | up     |
 * | trust         | repeat customers           | share of the period's buyers who had bought in an earlier period | up     |
 * | loyalty       | churn                      | share of the previous period's buyers who bought nothing now    | down   |
 * | advocacy      | NPS                        | % promoters − % detractors                                      | up     |
 * | advocacy      | promoter share             | promoters / responses                                           | up     |
 *
 * "Current" is the last complete period (the period holding the data's last
 * day is used only when it is also the period's last day), "previous" the one
 * before. A measure without data (no tickets exported, say) is absent, not 0.
 */
import {periodEndSql, periodSql, type Period} from "./periods.js";

export interface ScorecardMeasure {
  aspect: "value" | "communication" | "experience" | "trust" | "loyalty" | "advocacy";
  measure: string;
  label: string;
  unit: "currency" | "hours" | "share" | "points";
  better: "up" | "down";
}

export const measures: readonly ScorecardMeasure[] = [
  {aspect: "value", measure: "aov", label: "Average order value", unit: "currency", better: "up"},
  {aspect: "value", measure: "revenue_per_customer", label: "Revenue per customer", unit: "currency", better: "up"},
  {aspect: "communication", measure: "first_response_median", label: "First response (median)", unit: "hours", better: "down"},
  {aspect: "experience", measure: "csat_satisfied", label: "Satisfied with support", unit: "share", better: "up"},
  {aspect: "trust", measure: "repeat_share", label: "Repeat customers", unit: "share", better: "up"},
  {aspect: "loyalty", measure: "churn", label: "Churn", unit: "share", better: "down"},
  {aspect: "advocacy", measure: "nps", label: "Net Promoter Score", unit: "points", better: "up"},
  {aspect: "advocacy", measure: "promoter_share", label: "Promoters", unit: "share", better: "up"}
];

/** Long rows (measure, period, value, incomplete) for every measure and period. */
export function scorecardSeriesSql(period: Period = "month"): string {
  const p = (x: string) => periodSql(period, x);
  return `WITH completed AS (
  SELECT customer_id, ${p("ordered_at")} AS period, amount FROM orders WHERE status = 'completed'
), buyers AS (
  SELECT DISTINCT customer_id, period FROM completed
), firsts AS (
  SELECT customer_id, min(period) AS first_period FROM buyers GROUP BY customer_id
), periods AS (
  SELECT DISTINCT period FROM buyers
), returned AS (
  -- returns and credit notes of customers, in the period they happened: revenue is net of them
  SELECT ${p("returned_at")} AS period, sum(amount) AS returned FROM returns WHERE customer_id IS NOT NULL GROUP BY ALL
), sales AS (
  SELECT period, sum(amount) - coalesce(any_value(r.returned), 0) AS net, count(*) AS orders, count(DISTINCT customer_id) AS buyers
  FROM completed LEFT JOIN returned r USING (period) GROUP BY period
), series AS (
  SELECT 'aov' AS measure, period, net / orders AS value FROM sales
  UNION ALL SELECT 'revenue_per_customer', period, net / buyers FROM sales
  UNION ALL SELECT 'repeat_share', b.period, count(*) FILTER (WHERE f.first_period < b.period) / count(*) FROM buyers b JOIN firsts f USING (customer_id) GROUP BY b.period
  UNION ALL SELECT 'churn', p.period, count(*) FILTER (WHERE now.customer_id IS NULL) / count(*)
    FROM periods p JOIN buyers prev ON prev.period = p.period - INTERVAL 1 ${period}
    LEFT JOIN buyers now ON now.customer_id = prev.customer_id AND now.period = p.period GROUP BY p.period
  UNION ALL SELECT 'first_response_median', ${p("opened_at")}, quantile_cont(date_diff('second', opened_at, first_response_at) / 3600.0, 0.5) FROM tickets GROUP BY ALL
  UNION ALL SELECT 'csat_satisfied', ${p("opened_at")}, count(*) FILTER (WHERE csat >= 4) / nullif(count(csat), 0) FROM tickets GROUP BY ALL
  UNION ALL SELECT 'nps', ${p("responded_at")}, 100 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) / count(*) FROM nps_responses GROUP BY ALL
  UNION ALL SELECT 'promoter_share', ${p("responded_at")}, count(*) FILTER (WHERE score >= 9) / count(*) FROM nps_responses GROUP BY ALL
)
SELECT measure, period::DATE AS period, value::DOUBLE AS value,
  ${periodEndSql(period, "period::DATE")} > (SELECT max(ordered_at)::DATE FROM orders) AS incomplete
FROM series WHERE value IS NOT NULL ORDER BY measure, period`;
}

export interface ScorecardRow extends ScorecardMeasure {
  period: Date | undefined;
  current: number | undefined;
  previous: number | undefined;
  change: number | undefined;
  /** Whether the change is for the better (undefined without a change). */
  improved: boolean | undefined;
  /** The complete periods' values, oldest first, for a sparkline (at most `spark`). */
  series: {period: Date; value: number}[];
}

/** The scorecard from long series rows (scorecardSeriesSql). */
export function scorecard(rows: readonly {measure: string; period: Date; value: number; incomplete: boolean}[], {spark = 12} = {}): ScorecardRow[] {
  return measures.map((m) => {
    const series = rows
      .filter((r) => r.measure === m.measure && !r.incomplete)
      .sort((a, b) => a.period.getTime() - b.period.getTime())
      .map(({period, value}) => ({period, value}));
    const current = series.at(-1);
    const previous = series.at(-2);
    const change = current && previous ? current.value - previous.value : undefined;
    return {
      ...m,
      period: current?.period,
      current: current?.value,
      previous: previous?.value,
      change,
      improved: change === undefined || change === 0 ? undefined : (change > 0) === (m.better === "up"),
      series: series.slice(-spark)
    };
  });
}

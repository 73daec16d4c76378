/**
 * Net Promoter Score.
 *
 * Definition: respondents scoring 9–10 are promoters, 7–8 passives, 0–6
 * detractors; NPS = % promoters − % detractors, from −100 to +100 (points).
 *
 * Margin of error (95%): give each respondent +1 (promoter), 0 (passive) or
 * −1 (detractor); NPS is 100 × their mean, whose variance is
 * (p_P + p_D − (p_P − p_D)²) / n. MoE = 1.96 × 100 × √that. Two NPS figures
 * differ by more than chance when |NPS₁ − NPS₂| > 1.96 × √(SE₁² + SE₂²)
 * (a two-sided z-test at 5%, the periods independent).
 *
 * Edge cases: no responses gives NPS undefined (never 0); a group with fewer
 * responses than minResponses (default 30) is flagged `small`, not hidden.
 *
 * Sources: Reichheld (2003), "The One Number You Need to Grow", HBR; the
 * variance of a trinomial mean, e.g. Rocks (2016), "Margin of error for NPS".
 */
import {groupSql, periodEndSql, periodSql, type Breakdown, type Period} from "./periods.js";

export interface NpsCounts {
  promoters: number;
  passives: number;
  detractors: number;
}

export interface NpsFigure extends NpsCounts {
  responses: number;
  /** Shares of respondents, 0–1. */
  promoterShare: number;
  passiveShare: number;
  detractorShare: number;
  /** −100 … +100; undefined without responses. */
  nps: number | undefined;
  /** Standard error of nps, in points. */
  se: number | undefined;
  /** 95% margin of error, in points: the interval is nps ± moe. */
  moe: number | undefined;
  /** Fewer responses than the minimum asked for. */
  small: boolean;
}

export const z95 = 1.959963984540054;

/** NPS, shares and margin of error from the counts of each group. */
export function npsFromCounts({promoters, passives, detractors}: NpsCounts, {minResponses = 30} = {}): NpsFigure {
  const responses = promoters + passives + detractors;
  if (responses === 0) {
    return {promoters, passives, detractors, responses, promoterShare: NaN, passiveShare: NaN, detractorShare: NaN, nps: undefined, se: undefined, moe: undefined, small: true};
  }
  const pP = promoters / responses;
  const pD = detractors / responses;
  const variance = pP + pD - (pP - pD) ** 2;
  const se = 100 * Math.sqrt(variance / responses);
  return {
    promoters,
    passives,
    detractors,
    responses,
    promoterShare: pP,
    passiveShare: passives / responses,
    detractorShare: pD,
    nps: 100 * (pP - pD),
    se,
    moe: z95 * se,
    small: responses < minResponses
  };
}

/** Counts the groups of 0–10 scores; other values are ignored. */
export function npsCounts(scores: Iterable<number | null | undefined>): NpsCounts {
  const counts = {promoters: 0, passives: 0, detractors: 0};
  for (const s of scores) {
    if (s == null || !Number.isInteger(s) || s < 0 || s > 10) continue;
    if (s >= 9) counts.promoters++;
    else if (s >= 7) counts.passives++;
    else counts.detractors++;
  }
  return counts;
}

/** Whether two NPS figures differ by more than chance at 95%, and the z statistic. */
export function npsDifference(a: NpsFigure, b: NpsFigure): {difference: number; z: number; significant: boolean} | undefined {
  if (a.nps === undefined || b.nps === undefined || a.se === undefined || b.se === undefined) return undefined;
  const difference = a.nps - b.nps;
  const pooled = Math.sqrt(a.se ** 2 + b.se ** 2);
  const z = pooled === 0 ? (difference === 0 ? 0 : Infinity * Math.sign(difference)) : difference / pooled;
  return {difference, z, significant: Math.abs(z) > z95};
}

export interface NpsCountRow extends NpsCounts {
  period: Date;
  group: string;
  /** The period is not over at the data's last day. */
  incomplete: boolean;
}

export interface NpsTrendRow extends NpsFigure {
  period: Date;
  group: string;
  incomplete: boolean;
  /** Change against the group's previous period, and whether it is more than chance. */
  change: number | undefined;
  significant: boolean;
  /** NPS over this and the previous (rolling − 1) periods of the group, with its margin of error. */
  rollingNps: number | undefined;
  rollingMoe: number | undefined;
}

/**
 * NPS per period and group from count rows: each period's figure, its change
 * against the group's previous period with a significance flag, and a rolling
 * figure pooled over `rolling` periods (default 3). Expects one row per
 * period and group; returns them sorted by group, then period.
 */
export function npsTrend(rows: readonly NpsCountRow[], {minResponses = 30, rolling = 3} = {}): NpsTrendRow[] {
  const byGroup = new Map<string, NpsCountRow[]>();
  for (const row of rows) byGroup.set(row.group, [...(byGroup.get(row.group) ?? []), row]);
  const out: NpsTrendRow[] = [];
  for (const group of [...byGroup.keys()].sort()) {
    const sorted = [...byGroup.get(group)!].sort((a, b) => a.period.getTime() - b.period.getTime());
    sorted.forEach((row, i) => {
      const figure = npsFromCounts(row, {minResponses});
      const diff = i > 0 ? npsDifference(figure, npsFromCounts(sorted[i - 1], {minResponses})) : undefined;
      const pooled = npsFromCounts(
        sorted.slice(Math.max(0, i - rolling + 1), i + 1).reduce(
          (s, r) => ({promoters: s.promoters + r.promoters, passives: s.passives + r.passives, detractors: s.detractors + r.detractors}),
          {promoters: 0, passives: 0, detractors: 0}
        ),
        {minResponses}
      );
      out.push({
        ...figure,
        period: row.period,
        group,
        incomplete: row.incomplete,
        change: diff?.difference,
        significant: diff?.significant ?? false,
        rollingNps: pooled.nps,
        rollingMoe: pooled.moe
      });
    });
  }
  return out;
}

/** SQL: responses counted by group per period (and breakdown), with the incomplete-period flag. */
export function npsCountsSql({period, by}: {period: Period; by?: Breakdown}): string {
  return `WITH counted AS (
  SELECT ${periodSql(period, "r.responded_at")} AS period, ${groupSql(by)} AS "group",
    count(*) FILTER (WHERE r.score >= 9)::INTEGER AS promoters,
    count(*) FILTER (WHERE r.score BETWEEN 7 AND 8)::INTEGER AS passives,
    count(*) FILTER (WHERE r.score <= 6)::INTEGER AS detractors
  FROM nps_responses r LEFT JOIN customers c ON c.id = r.customer_id
  GROUP BY ALL
)
SELECT counted.*, ${periodEndSql(period, "period")} > (SELECT max(responded_at)::DATE FROM nps_responses) AS incomplete
FROM counted ORDER BY "group", period`;
}

/**
 * Net Promoter Score.
 *
 * Definition: respondents scoring 9–10 are promoters, 7–8 passives, 0–6
 * detractors; NPS = % promoters − % detractors, from −100 to +100 (points).
 *
 * Uncertainty: each figure carries the 95% score interval [low, high] of
 * npsStats.ts (always inside ±100, never of width 0, honest coverage at 10
 * answers), not NPS ± 1.96·SE, which covers 86–90% at n = 10 and runs past
 * ±100. `se` and `moe` (= 1.96·SE, the normal-approximation margin) are kept
 * because the customer emotion score (sentiment.ts) still uses them; no NPS
 * figure is published with them.
 *
 * Changes: a period's change against the group's previous period is tested
 * with npsChangeTest (exact permutation test at small counts), and the
 * changes of one npsTrend call — one granularity and one breakdown, all its
 * groups — are one family: a change is flagged larger than chance when
 * Benjamini–Hochberg at q = 0.05 calls it a discovery, so that of the changes
 * flagged on a page about 1 in 20 at most is expected to be chance.
 *
 * Edge cases: no responses gives NPS undefined (never 0); a group with fewer
 * responses than minResponses (default 30) is flagged `small`, not hidden.
 *
 * Sources: Reichheld (2003), "The One Number You Need to Grow", HBR; the
 * variance of a trinomial mean, e.g. Rocks (2016), "Margin of error for NPS".
 */
import {benjaminiHochberg, npsChangeTest, npsScoreInterval} from "./npsStats.js";
import {customersJoinSql, groupSql, periodEndSql, periodSql, type Breakdown, type Period} from "./periods.js";

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
  /** 95% score interval of nps, in points, inside −100 … +100 (npsScoreInterval); undefined without responses. */
  low: number | undefined;
  high: number | undefined;
  /** Normal-approximation standard error, in points (for the emotion score only; see above). */
  se: number | undefined;
  /** 1.96 × se: the Wald margin, in points (for the emotion score only; see above). */
  moe: number | undefined;
  /** Fewer responses than the minimum asked for. */
  small: boolean;
}

export const z95 = 1.959963984540054;

/** NPS, shares and 95% score interval from the counts of each group. */
export function npsFromCounts({promoters, passives, detractors}: NpsCounts, {minResponses = 30} = {}): NpsFigure {
  const responses = promoters + passives + detractors;
  if (responses === 0) {
    return {promoters, passives, detractors, responses, promoterShare: NaN, passiveShare: NaN, detractorShare: NaN, nps: undefined, low: undefined, high: undefined, se: undefined, moe: undefined, small: true};
  }
  const pP = promoters / responses;
  const pD = detractors / responses;
  const variance = pP + pD - (pP - pD) ** 2;
  const se = 100 * Math.sqrt(variance / responses);
  const interval = npsScoreInterval({promoters, passives, detractors})!;
  return {
    promoters,
    passives,
    detractors,
    responses,
    promoterShare: pP,
    passiveShare: passives / responses,
    detractorShare: pD,
    nps: 100 * (pP - pD),
    low: interval.low,
    high: interval.high,
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
  /** Change against the group's previous period, in points; undefined for the first period or next to a withheld one. */
  change: number | undefined;
  /** Two-sided p-value of the change (npsChangeTest) and its Benjamini–Hochberg adjusted value over the call's changes. */
  p: number | undefined;
  q: number | undefined;
  /** The change is larger than chance: a discovery of Benjamini–Hochberg at 5% over the call's changes. */
  significant: boolean;
  /** NPS over this and the previous (rolling − 1) periods of the group, with its score interval; undefined when one of them is withheld. */
  rollingNps: number | undefined;
  rollingLow: number | undefined;
  rollingHigh: number | undefined;
}

/**
 * NPS per period and group from count rows: each period's figure and score
 * interval; its change against the group's previous period, with the exact
 * or permutation p-value of npsChangeTest and a flag when Benjamini–Hochberg
 * at `q` (default 0.05) over all the changes of the call calls it larger than
 * chance; and a rolling figure pooled over `rolling` periods (default 3).
 * `withheld(row)` names periods that are not published: they get no change,
 * no rolling figure, and neither do the periods whose change or rolling
 * window would use them; their changes are not in the family. Expects one row
 * per period and group; returns them sorted by group, then period.
 */
export function npsTrend(
  rows: readonly NpsCountRow[],
  {minResponses = 30, rolling = 3, q = 0.05, withheld = () => false}: {minResponses?: number; rolling?: number; q?: number; withheld?: (row: NpsCountRow) => boolean} = {}
): NpsTrendRow[] {
  const byGroup = new Map<string, NpsCountRow[]>();
  for (const row of rows) byGroup.set(row.group, [...(byGroup.get(row.group) ?? []), row]);
  const out: NpsTrendRow[] = [];
  for (const group of [...byGroup.keys()].sort()) {
    const sorted = [...byGroup.get(group)!].sort((a, b) => a.period.getTime() - b.period.getTime());
    const hidden = sorted.map(withheld);
    sorted.forEach((row, i) => {
      const figure = npsFromCounts(row, {minResponses});
      const test = i > 0 && !hidden[i] && !hidden[i - 1] ? npsChangeTest(sorted[i - 1], row) : undefined;
      const window = sorted.slice(Math.max(0, i - rolling + 1), i + 1);
      const pooled = hidden.slice(Math.max(0, i - rolling + 1), i + 1).some(Boolean)
        ? undefined
        : npsFromCounts(
            window.reduce((s, r) => ({promoters: s.promoters + r.promoters, passives: s.passives + r.passives, detractors: s.detractors + r.detractors}), {promoters: 0, passives: 0, detractors: 0}),
            {minResponses}
          );
      out.push({
        ...figure,
        period: row.period,
        group,
        incomplete: row.incomplete,
        change: test?.change,
        p: test?.p,
        q: undefined,
        significant: false,
        rollingNps: pooled?.nps,
        rollingLow: pooled?.low,
        rollingHigh: pooled?.high
      });
    });
  }
  const {discovery, adjusted} = benjaminiHochberg(out.map((r) => r.p), q);
  out.forEach((r, i) => {
    r.significant = discovery[i];
    r.q = adjusted[i];
  });
  return out;
}

/** SQL: responses counted by group per period (and breakdown), with the incomplete-period flag. */
export function npsCountsSql({period, by}: {period: Period; by?: Breakdown}): string {
  return `WITH counted AS (
  SELECT ${periodSql(period, "r.responded_at")} AS period, ${groupSql(by)} AS "group",
    count(*) FILTER (WHERE r.score >= 9)::INTEGER AS promoters,
    count(*) FILTER (WHERE r.score BETWEEN 7 AND 8)::INTEGER AS passives,
    count(*) FILTER (WHERE r.score <= 6)::INTEGER AS detractors
  FROM nps_responses r${customersJoinSql(by, "r.customer_id")}
  GROUP BY ALL
)
SELECT counted.*, ${periodEndSql(period, "period")} > (SELECT max(responded_at)::DATE FROM nps_responses) AS incomplete
FROM counted ORDER BY "group", period`;
}

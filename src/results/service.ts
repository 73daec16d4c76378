/**
 * service.json: support service for the Service page: first-response and resolution times (Kaplan–Meier median and 90th
 * percentile, tickets still open at the data's last moment counted as censored; where a quantile is not
 * reached, the longest time followed, which the page shows as "more than …"), CSAT, per week, month and quarter, for all customers and for each segment, region,
 * acquisition channel and support channel; and NPS after slow and fast first answers at several
 * cut-offs. Definitions: src/metrics/service.ts. Rows are withheld by complementary suppression
 * (src/privacy/suppress.ts): a row with fewer tickets (or, for CSAT, ratings) than minGroupSize
 * (rapport.config.json, default 10), and whatever else would let a total minus the parts shown (the groups
 * of a period, the months of a quarter) give it away; a withheld row publishes no count and no figure.
 * NPS classes (fast, slow, no recent ticket) are suppressed the same way against all responses; each class
 * carries its 95% score interval, and each fast-minus-slow gap the p-value of npsChangeTest, flagged larger
 * than chance by Benjamini–Hochberg at 5% over the family of the gaps published (one per cut-off).
 */
import {npsFromCounts, type NpsCounts} from "../metrics/nps.js";
import {benjaminiHochberg, npsChangeTest} from "../metrics/npsStats.js";
import {periods} from "../metrics/periods.js";
import {npsAfterServiceSql, serviceSql, type ServiceBreakdown, type ServiceRow} from "../metrics/service.js";
import {complementarySql, periodLines, suppressedRows} from "../privacy/suppress.js";
import type {ResultContext} from "./context.js";

/** The cut-offs, in hours, past which a first answer counts as slow; 24 is the metric's own (and the CLI's). */
const slowCutoffs = [1, 4, 8, 24];
const breakdowns: (ServiceBreakdown | undefined)[] = [undefined, "segment", "region", "channel", "ticket_channel"];

// Hours to the nearest 3.6 seconds and shares to 0.01 points: far finer than the page shows, and a third of the bytes.
const round = (value: number | null | undefined, digits: number) => (value == null || !Number.isFinite(value) ? undefined : Math.round(value * 10 ** digits) / 10 ** digits);
/** round where the cell is shown; a withheld cell publishes no figure. */
const roundIf = (shown: boolean) => (value: number | null | undefined, digits: number) => (shown ? round(value, digits) : undefined);
const day = (date: Date) => date.toISOString().slice(0, 10);

export async function service({db, log, config: {minGroupSize}}: ResultContext): Promise<string> {
  const selects: string[] = [];
  for (const granularity of periods) {
    for (const by of breakdowns) selects.push(`SELECT '${granularity}' AS granularity, '${by ?? "all"}' AS "by", * FROM (${serviceSql({period: granularity, by})})`);
  }
  // Tickets first; then ratings, starting from the rows whose tickets are withheld.
  const cells = await suppressedRows<ServiceRow & {granularity: string; by: string; csat_hidden: boolean}>(db, selects, [periodLines.groups, periodLines.monthsOfQuarter], {
    minGroup: minGroupSize,
    passes: [{size: "tickets"}, {size: "ratings", column: "csat_hidden", initially: "hidden"}]
  });
  const times = cells.map((r) => {
    const timesShown = !r.hidden;
    const csatShown = !r.csat_hidden;
    const times = roundIf(timesShown);
    const csat = roundIf(csatShown);
    return {
      granularity: r.granularity,
      by: r.by,
      group: r.group,
      period: day(r.period),
      incomplete: r.incomplete,
      tickets: timesShown ? r.tickets : undefined,
      firstResponseMedian: times(r.firstResponseMedian, 3),
      firstResponseP90: times(r.firstResponseP90, 3),
      firstResponseLongest: times(r.firstResponseLongest, 3),
      resolutionMedian: times(r.resolutionMedian, 3),
      resolutionP90: times(r.resolutionP90, 3),
      resolutionLongest: times(r.resolutionLongest, 3),
      unresolved: timesShown ? r.unresolved : undefined,
      ratings: csatShown ? r.ratings : undefined,
      csatSatisfied: csat(r.csatSatisfied, 4),
      csatMean: csat(r.csatMean, 4),
      csatResponseRate: csat(r.csatResponseRate, 4),
      withheld: !timesShown,
      csatWithheld: !csatShown
    };
  });

  const npsAfterService: Record<string, unknown>[] = [];
  const gaps: {slowHours: number; fast: number | undefined; slow: number | undefined; gap: number | undefined; p: number; significant: boolean}[] = [];
  for (const slowHours of slowCutoffs) {
    const classes = new Map<string, ReturnType<typeof npsFromCounts>>();
    // The classes add up to all responses (published in nps.json): one line, suppressed like the tables above.
    for (const r of await db.all<NpsCounts & {group: string; hidden: boolean}>(
      `${complementarySql(`(SELECT *, (promoters + passives + detractors)::INTEGER AS responses FROM (${npsAfterServiceSql({slowHours})}))`, {partition: ["true"], key: `"group"`, size: "responses", minGroup: minGroupSize})} ORDER BY "group"`
    )) {
      const figure = npsFromCounts(r);
      const shown = !r.hidden;
      const figureRound = roundIf(shown);
      if (shown) classes.set(r.group, figure);
      npsAfterService.push({
        slowHours,
        group: r.group,
        responses: shown ? figure.responses : undefined,
        nps: figureRound(figure.nps, 2),
        low: figureRound(figure.low, 2),
        high: figureRound(figure.high, 2),
        promoterShare: figureRound(figure.promoterShare, 4),
        detractorShare: figureRound(figure.detractorShare, 4),
        withheld: !shown
      });
    }
    const fast = classes.get("fast");
    const slow = classes.get("slow");
    const test = fast && slow ? npsChangeTest(slow, fast) : undefined;
    if (test) gaps.push({slowHours, fast: round(fast!.nps, 2), slow: round(slow!.nps, 2), gap: round(test.change, 2), p: test.p, significant: false});
  }
  const {discovery} = benjaminiHochberg(gaps.map((g) => g.p));
  gaps.forEach((g, i) => (g.significant = discovery[i]));

  const [{latest}] = await db.all<{latest: Date | null}>("SELECT max(opened_at) AS latest FROM tickets");
  const published = {latestTicket: latest, minGroupSize, slowCutoffs, times, npsAfterService, gaps};
  log(`service: ${published.times.length} rows of times, ${published.npsAfterService.length} of NPS after service`);
  return JSON.stringify(published);
}

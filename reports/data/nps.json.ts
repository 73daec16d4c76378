// NPS per month and per quarter, for all customers and for each segment, region and acquisition channel,
// computed by the same code as `rapport metrics nps --by <breakdown> --period <period>` (src/metrics/nps.ts):
// the figure, its 95% margin, shares and counts of each group, the change against the previous period and
// whether it is larger than chance. Cells are withheld by complementary suppression (src/privacy/suppress.ts):
// a period with fewer responses than minGroupSize, and whatever else would let a total minus the parts shown
// (the groups of a period, the months of a quarter) give it away. A withheld row publishes no count; a change
// or rolling figure that involves a withheld period is not published either.
import {loadConfig} from "../../src/config.js";
import {npsCountsSql, npsTrend, type NpsCountRow} from "../../src/metrics/nps.js";
import {projectRoot} from "../../src/paths.js";
import {periodLines, suppressedRows} from "../../src/privacy/suppress.js";
import {readWarehouse} from "../../src/warehouse/read.js";

const {minGroupSize} = await loadConfig(projectRoot);
const breakdowns = [undefined, "segment", "region", "channel"] as const;
const rolling = 3;
const rows = await readWarehouse(async (db) => {
  const tables = (["month", "quarter"] as const).flatMap((granularity) => breakdowns.map((by) => ({granularity, by: by ?? "all", sql: npsCountsSql({period: granularity, by})})));
  const cells = await suppressedRows<NpsCountRow & {granularity: string; by: string}>(
    db,
    tables.map((t) => `SELECT '${t.granularity}' AS granularity, '${t.by}' AS "by", *, (promoters + passives + detractors)::INTEGER AS size FROM (${t.sql})`),
    [periodLines.groups, periodLines.monthsOfQuarter],
    {minGroup: minGroupSize}
  );
  const out: Record<string, unknown>[] = [];
  for (const {granularity, by} of tables) {
    const mine = cells.filter((c) => c.granularity === granularity && c.by === by);
    const hidden = new Map(mine.map((c) => [`${c.group}|${c.period.getTime()}`, c.hidden]));
    const trend = npsTrend(mine, {rolling});
    trend.forEach((r, i) => {
      const key = {granularity, by, group: r.group, period: r.period, incomplete: r.incomplete};
      const isHidden = (j: number) => j >= 0 && trend[j].group === r.group && hidden.get(`${r.group}|${trend[j].period.getTime()}`)!;
      if (isHidden(i)) return void out.push({...key, withheld: true});
      // The change and the rolling figure use the periods before: none of them may be withheld.
      const window = Array.from({length: rolling - 1}, (_, n) => i - 1 - n);
      out.push({
        ...key,
        withheld: false,
        responses: r.responses,
        promoters: r.promoters,
        passives: r.passives,
        detractors: r.detractors,
        nps: r.nps,
        moe: r.moe,
        promoterShare: r.promoterShare,
        passiveShare: r.passiveShare,
        detractorShare: r.detractorShare,
        change: isHidden(i - 1) ? null : (r.change ?? null),
        significant: isHidden(i - 1) ? false : r.significant,
        small: r.small,
        rollingNps: window.some(isHidden) ? null : (r.rollingNps ?? null)
      });
    });
  }
  return out;
});
console.error(`nps: ${rows.length} rows, ${rows.filter((r) => r.withheld).length} withheld`);
process.stdout.write(JSON.stringify(rows));

// NPS per month with its 95% margin of error, shares of each group and significance of the change,
// from src/metrics/nps.ts. Months with fewer responses than minGroupSize are withheld.
import {loadConfig} from "../../src/config.js";
import {npsCountsSql, npsTrend, type NpsCountRow} from "../../src/metrics/nps.js";
import {projectRoot} from "../../src/paths.js";
import {readWarehouse} from "../../src/warehouse/read.js";

const {minGroupSize} = await loadConfig(projectRoot);
const counts = await readWarehouse((db) => db.all<NpsCountRow>(npsCountsSql({period: "month"})));
const rows = npsTrend(counts, {minResponses: 30}).map((r) =>
  r.responses < minGroupSize
    ? {period: r.period, responses: r.responses, withheld: true, incomplete: r.incomplete}
    : {
        period: r.period,
        responses: r.responses,
        nps: r.nps,
        moe: r.moe,
        promoterShare: r.promoterShare,
        passiveShare: r.passiveShare,
        detractorShare: r.detractorShare,
        change: r.change ?? null,
        significant: r.significant,
        small: r.small,
        rollingNps: r.rollingNps,
        incomplete: r.incomplete,
        withheld: false
      }
);
process.stdout.write(JSON.stringify(rows));

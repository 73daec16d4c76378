/**
 * scorecard.json: the relationship scorecard by month and by quarter, as `rapport metrics scorecard --period
 * <p>` prints it (src/metrics/scorecard.ts): each measure's latest period its own source covers, its
 * population and 95% range, the change from the period before with its test, and the last twelve periods
 * for a sparkline. A period of fewer than minGroupSize people, tickets or answers is withheld.
 */
import type {ResultContext} from "./context.js";

export async function scorecard({metric, config: {minGroupSize}}: ResultContext): Promise<string> {
  return JSON.stringify({
    minGroup: minGroupSize,
    month: await metric("scorecard", {period: "month", minResponses: minGroupSize}),
    quarter: await metric("scorecard", {period: "quarter", minResponses: minGroupSize})
  });
}

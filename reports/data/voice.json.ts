// The voice of the customer: the sentiment of NPS comments by month, the words that separate detractors
// from promoters (both as `rapport metrics emotion` computes them, src/metrics/sentiment.ts), and the
// latest comments for the searchable table. Every text is scrubbed of e-mails, URLs, phone numbers and
// customer names and ids first (src/privacy/scrub.ts); comments carry no customer id, only the month, score,
// segment, region and acquisition channel, and of these only as many as at least minGroupSize customers who
// answered that month share (coarsenedAttributesSql, src/privacy/suppress.ts: channel goes first, then region,
// then segment; a month with too few answers shows its quarter, and a quarter with too few drops the comment).
// Months with fewer comments than minGroupSize are withheld by complementary suppression (no count either);
// the table keeps the latest `maxComments`, so the page stays small however many responses there are.
import {computeMetric} from "../../src/cli/metrics.js";
import {loadConfig} from "../../src/config.js";
import {sentimentScore, type WordScore} from "../../src/metrics/sentiment.js";
import {projectRoot} from "../../src/paths.js";
import {customerScrubber} from "../../src/privacy/scrub.js";
import {coarsenedAttributesSql, complementarySql} from "../../src/privacy/suppress.js";
import {readWarehouse} from "../../src/warehouse/read.js";

const maxComments = 2000;
const {minGroupSize} = await loadConfig(projectRoot);
const voice = await readWarehouse(async (db) => {
  const emotion = (await computeMetric(db, "emotion", {period: "month"})) as {
    npsComments: {period: Date; texts: number; meanScore: number}[];
    words: {detractors: WordScore[]; promoters: WordScore[]};
  };
  const scrub = await customerScrubber(db);
  const answers = `(SELECT r.id, r.customer_id, date_trunc('month', r.responded_at)::DATE AS month, r.responded_at, r.score, r.comment,
       coalesce(c.segment, 'unknown') AS segment, coalesce(c.region, 'unknown') AS region, coalesce(c.channel, 'unknown') AS channel
     FROM nps_responses r LEFT JOIN customers c ON c.id = r.customer_id)`;
  const latest = await db.all<{month: Date; monthKnown: boolean; score: number; segment: string | null; region: string | null; channel: string | null; comment: string}>(
    `WITH picked AS (
       SELECT * FROM ${answers} WHERE comment IS NOT NULL AND trim(comment) <> '' ORDER BY responded_at DESC, id LIMIT ${maxComments}
     )
     SELECT a.month, a."monthKnown", p.score, a.segment, a.region, a.channel, p.comment
     FROM picked p JOIN (${coarsenedAttributesSql({rows: "picked", population: answers, attributes: ["segment", "region", "channel"], minGroup: minGroupSize})}) a USING (id)
     WHERE a.publish ORDER BY p.responded_at DESC, p.id`
  );
  const total = await db.all<{n: bigint}>("SELECT count(*) AS n FROM nps_responses WHERE comment IS NOT NULL AND trim(comment) <> ''");
  return {
    sentiment: await suppressedMonths(db, emotion.npsComments),
    words: emotion.words,
    comments: latest.map((c) => {
      const text = scrub(c.comment)!;
      return {month: c.month, monthKnown: c.monthKnown, score: c.score, group: c.score >= 9 ? "Promoter" : c.score >= 7 ? "Passive" : "Detractor", segment: c.segment, region: c.region, channel: c.channel, sentiment: sentimentScore(text) ?? null, text};
    }),
    totalComments: Number(total[0].n),
    maxComments
  };
});
/** The sentiment months, withheld by complementary suppression against all comments (no count for a withheld month). */
async function suppressedMonths(db: Parameters<Parameters<typeof readWarehouse>[0]>[0], months: {period: Date; texts: number; meanScore: number}[]) {
  if (!months.length) return [];
  const values = months.map((d, i) => `(${i}, ${d.texts})`).join(", ");
  const hidden = await db.all<{i: number; hidden: boolean}>(`SELECT i, hidden FROM (${complementarySql(`(SELECT * FROM (VALUES ${values}) v(i, texts))`, {partition: ["true"], key: "i", size: "texts", minGroup: minGroupSize})}) ORDER BY i`);
  return months.map((d, i) => (hidden[i].hidden ? {period: d.period, withheld: true} : {...d, withheld: false}));
}
console.error(`voice: ${voice.comments.length} of ${voice.totalComments} comments, ${voice.sentiment.length} months`);
process.stdout.write(JSON.stringify(voice));

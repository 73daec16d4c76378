// The voice of the customer: the sentiment of NPS comments by month, the words that separate detractors
// from promoters (both as `rapport metrics emotion` computes them, src/metrics/sentiment.ts), and the
// latest comments for the searchable table. Every text is scrubbed of e-mails, URLs, phone numbers and
// customer names first (src/privacy/scrub.ts); comments carry no customer id, only the month, score,
// segment, region and acquisition channel. Months with fewer comments than minGroupSize are withheld; the table keeps the latest
// `maxComments`, so the page stays small however many responses there are.
import {computeMetric} from "../../src/cli/metrics.js";
import {loadConfig} from "../../src/config.js";
import {sentimentScore, type WordScore} from "../../src/metrics/sentiment.js";
import {projectRoot} from "../../src/paths.js";
import {customerScrubber} from "../../src/privacy/scrub.js";
import {readWarehouse} from "../../src/warehouse/read.js";

const maxComments = 2000;
const {minGroupSize} = await loadConfig(projectRoot);
const voice = await readWarehouse(async (db) => {
  const emotion = (await computeMetric(db, "emotion", {period: "month"})) as {
    npsComments: {period: Date; texts: number; meanScore: number}[];
    words: {detractors: WordScore[]; promoters: WordScore[]};
  };
  const scrub = await customerScrubber(db);
  const latest = await db.all<{month: Date; score: number; segment: string; region: string; channel: string; comment: string}>(
    `SELECT date_trunc('month', r.responded_at)::DATE AS month, r.score, coalesce(c.segment, 'unknown') AS segment,
       coalesce(c.region, 'unknown') AS region, coalesce(c.channel, 'unknown') AS channel, r.comment
     FROM nps_responses r LEFT JOIN customers c ON c.id = r.customer_id
     WHERE r.comment IS NOT NULL AND trim(r.comment) <> ''
     ORDER BY r.responded_at DESC, r.id LIMIT ${maxComments}`
  );
  const total = await db.all<{n: bigint}>("SELECT count(*) AS n FROM nps_responses WHERE comment IS NOT NULL AND trim(comment) <> ''");
  return {
    sentiment: emotion.npsComments.map((d) => (d.texts < minGroupSize ? {period: d.period, texts: d.texts, withheld: true} : {...d, withheld: false})),
    words: emotion.words,
    comments: latest.map((c) => {
      const text = scrub(c.comment)!;
      return {month: c.month, score: c.score, group: c.score >= 9 ? "Promoter" : c.score >= 7 ? "Passive" : "Detractor", segment: c.segment, region: c.region, channel: c.channel, sentiment: sentimentScore(text) ?? null, text};
    }),
    totalComments: Number(total[0].n),
    maxComments
  };
});
console.error(`voice: ${voice.comments.length} of ${voice.totalComments} comments, ${voice.sentiment.length} months`);
process.stdout.write(JSON.stringify(voice));

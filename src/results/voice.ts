/**
 * voice.json: the voice of the customer: the customer emotion score of NPS comments by month, how many comments were
 * scored in which language, how well comment emotion agrees with the score given with it, the words that
 * separate detractors from promoters (all as `rapport metrics emotion` computes them, src/metrics/sentiment.ts), and the
 * latest comments for the searchable table. Every text is scrubbed of e-mails, URLs, phone numbers and
 * customer names and ids first (src/privacy/scrub.ts); comments carry no customer id, only the month, score,
 * segment, region and acquisition channel, and of these only as many as at least minGroupSize customers who
 * answered that month share (coarsenedAttributesSql, src/privacy/suppress.ts: channel goes first, then region,
 * then segment; a month with too few answers shows its quarter, and a quarter with too few drops the comment).
 * Months with fewer comments than minGroupSize are withheld by complementary suppression (no count either);
 * the table keeps the latest `maxComments`, so the page stays small however many responses there are.
 */
import {emotionScorer, type EmotionFigure, type LanguageCount, type WordScore} from "../metrics/sentiment.js";
import {customerScrubber} from "../privacy/scrub.js";
import {coarsenedAttributesSql, complementarySql} from "../privacy/suppress.js";
import type {Database} from "../warehouse/duckdb.js";
import type {ResultContext} from "./context.js";

const maxComments = 2000;

export async function voice({db, log, metric, config: {minGroupSize}}: ResultContext): Promise<string> {
  type Words = {detractors: WordScore[]; promoters: WordScore[]};
  type Agreement = {language: string; comments: number; spearman: number | null}[];
  const emotion = (await metric("emotion", {period: "month"})) as {
    context: string;
    npsComments: ({period: Date} & EmotionFigure)[];
    ratingComments: ({period: Date} & EmotionFigure)[] | null;
    languages: {nps: LanguageCount[]; ratings: LanguageCount[] | null};
    agreement: {nps: Agreement; ratings: Agreement | null};
    words: Words;
    ratingWords: Words | null;
  };
  const score = emotionScorer({context: emotion.context === "und" ? undefined : emotion.context});
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
  const voice = {
    emotion: await suppressedMonths(db, emotion.npsComments, minGroupSize),
    languages: emotion.languages.nps,
    agreement: emotion.agreement.nps,
    words: emotion.words,
    ratings: emotion.ratingComments && {emotion: await suppressedMonths(db, emotion.ratingComments, minGroupSize), languages: emotion.languages.ratings, agreement: emotion.agreement.ratings, words: emotion.ratingWords},
    comments: latest.map((c) => {
      const text = scrub(c.comment)!;
      const e = score(text);
      return {month: c.month, monthKnown: c.monthKnown, score: c.score, group: c.score >= 9 ? "Promoter" : c.score >= 7 ? "Passive" : "Detractor", segment: c.segment, region: c.region, channel: c.channel, emotion: e?.score ?? null, language: e?.language ?? null, text};
    }),
    totalComments: Number(total[0].n),
    maxComments
  };
  log(`voice: ${voice.comments.length} of ${voice.totalComments} comments, ${voice.emotion.length} months, languages ${voice.languages.map((l) => `${l.language} ${l.comments}`).join(", ")}`);
  return JSON.stringify(voice);
}

/**
 * The emotion months, withheld by complementary suppression against all scored comments (a withheld month
 * publishes its period only: no count, no score).
 */
async function suppressedMonths(db: Database, months: ({period: Date} & EmotionFigure)[], minGroupSize: number) {
  if (!months.length) return [];
  const values = months.map((d, i) => `(${i}, ${d.scored})`).join(", ");
  const hidden = await db.all<{i: number; hidden: boolean}>(`SELECT i, hidden FROM (${complementarySql(`(SELECT * FROM (VALUES ${values}) v(i, texts))`, {partition: ["true"], key: "i", size: "texts", minGroup: minGroupSize})}) ORDER BY i`);
  return months.map((d, i) => (hidden[i].hidden ? {period: d.period, withheld: true as const} : {...d, withheld: false as const}));
}

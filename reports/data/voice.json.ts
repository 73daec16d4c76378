// The voice of the customer: the customer emotion score of NPS comments by month, how many comments were
// scored in which language, how well comment emotion agrees with the score given with it, the words that
// separate detractors from promoters (all as `rapport metrics emotion` computes them, src/metrics/sentiment.ts), and the
// latest comments for the searchable table. Every text is scrubbed of e-mails, URLs, phone numbers and
// customer names first (src/privacy/scrub.ts); comments carry no customer id, only the month, score,
// segment, region and acquisition channel. Months with fewer comments than minGroupSize are withheld; the table keeps the latest
// `maxComments`, so the page stays small however many responses there are.
import {computeMetric} from "../../src/cli/metrics.js";
import {loadConfig} from "../../src/config.js";
import {emotionScorer, type EmotionFigure, type LanguageCount, type WordScore} from "../../src/metrics/sentiment.js";
import {projectRoot} from "../../src/paths.js";
import {customerScrubber} from "../../src/privacy/scrub.js";
import {readWarehouse} from "../../src/warehouse/read.js";

const maxComments = 2000;
const {minGroupSize} = await loadConfig(projectRoot);
const voice = await readWarehouse(async (db) => {
  type Words = {detractors: WordScore[]; promoters: WordScore[]};
  type Agreement = {language: string; comments: number; spearman: number | null}[];
  const emotion = (await computeMetric(db, "emotion", {period: "month"})) as {
    context: string | null;
    npsComments: ({period: Date} & EmotionFigure)[];
    ratingComments: ({period: Date} & EmotionFigure)[] | null;
    languages: {nps: LanguageCount[]; ratings: LanguageCount[] | null};
    agreement: {nps: Agreement; ratings: Agreement | null};
    words: Words;
    ratingWords: Words | null;
  };
  const score = emotionScorer({context: emotion.context ?? undefined});
  const withheld = (rows: ({period: Date} & EmotionFigure)[]) =>
    rows.map((d) => (d.scored < minGroupSize ? {period: d.period, comments: d.comments, scored: d.scored, notScored: d.notScored, withheld: true} : {...d, withheld: false}));
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
    emotion: withheld(emotion.npsComments),
    languages: emotion.languages.nps,
    agreement: emotion.agreement.nps,
    words: emotion.words,
    ratings: emotion.ratingComments && {emotion: withheld(emotion.ratingComments), languages: emotion.languages.ratings, agreement: emotion.agreement.ratings, words: emotion.ratingWords},
    comments: latest.map((c) => {
      const text = scrub(c.comment)!;
      const e = score(text);
      return {month: c.month, score: c.score, group: c.score >= 9 ? "Promoter" : c.score >= 7 ? "Passive" : "Detractor", segment: c.segment, region: c.region, channel: c.channel, emotion: e?.score ?? null, language: e?.language ?? null, text};
    }),
    totalComments: Number(total[0].n),
    maxComments
  };
});
console.error(`voice: ${voice.comments.length} of ${voice.totalComments} comments, ${voice.emotion.length} months, languages ${voice.languages.map((l) => `${l.language} ${l.comments}`).join(", ")}`);
process.stdout.write(JSON.stringify(voice));

import {fileURLToPath} from "node:url";
import {describe, expect, it} from "vitest";
import {computeMetric} from "../../src/metrics/registry.js";
import {loadOrder} from "../../src/schema/model.js";
import {createTableSql} from "../../src/ingest/sql.js";
import {commentEmotion, emotionTokens} from "../../src/metrics/emotion.js";
import {detectLanguage} from "../../src/metrics/language.js";
import {emotionFromCounts, emotionScorer, emotionTrend, languageCounts, spearman} from "../../src/metrics/sentiment.js";
import {withDuckDB, type Database} from "../../src/warehouse/duckdb.js";

const olist = fileURLToPath(new URL("../fixtures/olist/reviews-with-comments.csv", import.meta.url));
const sampleNps = fileURLToPath(new URL("../../data/sample/nps_responses.csv", import.meta.url));

/** A warehouse with the model's tables, the given NPS responses, and (optionally) a ratings table of the joins branch's shape. */
async function voiceWarehouse<T>(f: (db: Database) => Promise<T>, {nps, ratings}: {nps?: string; ratings?: string}): Promise<T> {
  return withDuckDB(async (db) => {
    for (const entity of loadOrder) await db.run(createTableSql(entity));
    if (nps) await db.run(`INSERT INTO nps_responses (id, customer_id, responded_at, score, comment) SELECT id, customer_id, responded_at, score, comment FROM read_csv('${nps}')`);
    if (ratings) {
      await db.run(`CREATE OR REPLACE TABLE ratings (id VARCHAR, customer_id VARCHAR, order_id VARCHAR, rated_at TIMESTAMP, score DOUBLE, scale_min INTEGER, scale_max INTEGER, comment VARCHAR)`);
      await db.run(
        `INSERT INTO ratings SELECT review_id, customer_id, order_id, review_creation_date, review_score, 1, 5, review_comment_message FROM read_csv('${ratings}', types = {'review_score': 'DOUBLE'})`
      );
    }
    return f(db);
  });
}

describe("commentEmotion", () => {
  it("emotionTokens(text) keeps Unicode letters and emoji, whether or not spaces surround them, and drops the scrubber's placeholders", () => {
    expect(emotionTokens("Très déçu")).toEqual([["très", "déçu"]]); // the old ASCII tokeniser read "tr"
    expect(emotionTokens("Great👍👍, but [email] slow")).toEqual([["great", "👍", "👍"], ["slow"]]);
    expect(emotionTokens("Ärger über die Lieferung")).toEqual([["ärger", "über", "die", "lieferung"]]);
  });

  it("commentEmotion(text) scores each language with its own lexicon: AFINN ratings summed, negation over 3 words", () => {
    // By hand from AFINN-165: good +3, helpful +2, fast +2 (added: slow −2, unhelpful −2, expensive −2).
    expect(commentEmotion("never good")).toMatchObject({language: "en", status: "scored", valence: -3, polarity: -1}); // was +1.5
    expect(commentEmotion("Slow response and unhelpful answers")).toMatchObject({language: "en", valence: -4, score: -2, hits: 2}); // was 0: both words unknown
    expect(commentEmotion("Too expensive for what you get")).toMatchObject({language: "en", valence: -2});
    expect(commentEmotion("Not very helpful, but fast")).toMatchObject({language: "en", valence: -2 + 2, polarity: 0, hits: 2});
    expect(commentEmotion("Très déçu")).toMatchObject({language: "fr", valence: -2});
    expect(commentEmotion("Die Lieferung war langsam")).toMatchObject({language: "de", valence: -2}); // "die" is not English −3
    expect(commentEmotion("Nicht gut")).toMatchObject({language: "de", valence: -3});
    expect(commentEmotion("Não gostei do produto")).toMatchObject({language: "pt", valence: -2});
    expect(commentEmotion("Muy decepcionado con el producto")).toMatchObject({language: "es", valence: -2});
  });

  it("commentEmotion(text) counts emoji in every language, and placeholders do not dilute the score", () => {
    // Emoji Sentiment Ranking as npm `sentiment` ships it: 👍 +2; AFINN great +3.
    expect(commentEmotion("Great service👍", {context: "en"})).toMatchObject({valence: 3 + 2, hits: 2});
    expect(commentEmotion("👍")).toMatchObject({language: "emoji", valence: 2});
    expect(commentEmotion("Great service, call me [phone] or [email], [name]")!.score).toBe(commentEmotion("Great service")!.score);
  });

  it("commentEmotion(text) leaves a language without a lexicon not scored, never 0, and tells 'no emotion words' apart", () => {
    expect(commentEmotion("Het product is kapot aangekomen en niemand heeft geholpen")).toMatchObject({language: "nl", status: "not scored", polarity: undefined, score: undefined});
    expect(commentEmotion("Il prodotto è arrivato rotto e nessuno mi ha aiutato", {context: "pt"})).toMatchObject({language: "it", status: "not scored"});
    expect(commentEmotion("Produto chegou antes do prazo")).toMatchObject({language: "pt", status: "no emotion words", score: undefined, polarity: 0});
    expect(commentEmotion("   ")).toBeUndefined();
  });

  it("detectLanguage(text, {context}) takes the export's language for texts too short to tell", () => {
    expect(detectLanguage("Ótima").language).toBeUndefined();
    expect(detectLanguage("Ótima", {context: "pt"}).language).toBe("pt");
    expect(commentEmotion("Ótima", {context: "pt"})).toMatchObject({language: "pt", valence: 3}); // feminine of ótimo (+3)
    expect(commentEmotion("Recomendo", {context: "pt"})).toMatchObject({language: "pt", valence: 2}); // eld reads it as Spanish
  });
});

describe("customer emotion score", () => {
  it("emotionFromCounts(counts) is % positive − % negative with the trinomial score interval", () => {
    // By hand: 11 positive, 6 neutral, 2 negative of 19: 100 × 9/19 = 47.368. Interval ends from
    // test/fixtures/stats/nps_reference.py score_interval(11, 6, 2) (scipy brentq; the Wald interval gave 16.9…77.9).
    const f = emotionFromCounts({comments: 20, positive: 11, neutral: 6, negative: 2, noEmotionWords: 1, notScored: 1});
    expect(f.scored).toBe(19);
    expect(f.emotionScore).toBeCloseTo(47.36842105, 6);
    expect(f.low).toBeCloseTo(11.085213, 4);
    expect(f.high).toBeCloseTo(71.581131, 4);
    // Three positive comments: the Wald interval was [100, 100]; the score interval is −12.3…100 (scipy).
    const three = emotionFromCounts({comments: 3, positive: 3, neutral: 0, negative: 0, noEmotionWords: 0, notScored: 0});
    expect(three.low).toBeCloseTo(-12.299405, 4);
    expect(three.high).toBe(100);
    // Four neutral comments: Wald gave 0…0; the score interval is ±48.99 (scipy).
    const neutral = emotionFromCounts({comments: 4, positive: 0, neutral: 4, negative: 0, noEmotionWords: 4, notScored: 0});
    expect(neutral.low).toBeCloseTo(-48.989086, 3);
    expect(neutral.high).toBeCloseTo(48.989084, 3);
    expect(emotionFromCounts({comments: 3, positive: 0, neutral: 0, negative: 0, noEmotionWords: 0, notScored: 3}).emotionScore).toBeUndefined();
  });

  it("emotionTrend(rows) counts not-scored comments apart from the score", () => {
    const jan = new Date("2026-01-01T00:00:00Z");
    const score = emotionScorer({context: "en"});
    // "awful support": awful −3, support +2 in AFINN: negative.
    const [row] = emotionTrend([{period: jan, text: "great", n: 3}, {period: jan, text: "Het product is kapot aangekomen en niemand heeft geholpen"}, {period: jan, text: "awful support"}], score);
    expect(row).toMatchObject({comments: 5, scored: 4, positive: 3, negative: 1, notScored: 1, emotionScore: 50});
    expect(languageCounts([{text: "great", n: 3}, {text: "Het product is kapot aangekomen en niemand heeft geholpen"}], score)).toEqual([
      {language: "en", name: "English", comments: 3, scored: 3, noEmotionWords: 0, notScored: 0},
      {language: "nl", name: "Dutch", comments: 1, scored: 0, noEmotionWords: 0, notScored: 1}
    ]);
  });

  it("spearman(x, y) is scipy.stats.spearmanr's rho, ties averaged", () => {
    // scipy 1.10: spearmanr([1, 2, 2, 3, 5, 4], [2, 1, 4, 3, 6, 5]).correlation
    expect(spearman([1, 2, 2, 3, 5, 4], [2, 1, 4, 3, 6, 5])).toBeCloseTo(0.8116794499134278, 12);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeUndefined();
  });
});

describe("comment emotion against the scores given with it", () => {
  it("on Olist's Portuguese reviews, agrees with the stars (Spearman 0.61; AFINN in English only: 0.13, 83% at exactly 0)", async () => {
    const emotion = (await voiceWarehouse((db) => computeMetric(db, "emotion", {period: "month"}), {ratings: olist})) as {
      context: string;
      languages: {ratings: {language: string; comments: number; scored: number; noEmotionWords: number; notScored: number}[]};
      agreement: {ratings: {language: string; comments: number; spearman: number}[]};
      ratingComments: {comments: number}[];
    };
    expect(emotion.context).toBe("pt");
    const pt = emotion.languages.ratings.find((l) => l.language === "pt")!;
    // Reference (scipy.stats.spearmanr on the 1,620 Portuguese comments' valences and stars, /tmp dump of this scorer):
    // rho 0.6122025753902687; the old scorer (npm sentiment, AFINN English) on the same comments: 0.134, and 1,350 of 1,620 (83.3%) at exactly 0.
    expect(pt.comments).toBe(1620);
    expect(pt.noEmotionWords).toBe(326);
    expect(pt.noEmotionWords / pt.comments).toBeLessThan(0.25);
    const agreement = emotion.agreement.ratings.find((a) => a.language === "pt")!;
    expect(agreement.comments).toBe(1620);
    expect(agreement.spearman).toBeCloseTo(0.6122025753902687, 9);
    expect(agreement.spearman).toBeGreaterThan(0.5);
    // Every comment is counted once: scored + not scored = the fixture's 1,655 comments.
    expect(emotion.languages.ratings.reduce((n, l) => n + l.comments, 0)).toBe(1655);
    expect(emotion.ratingComments.reduce((n, r) => n + r.comments, 0)).toBe(1655);
  });

  it("on the sample's English NPS comments, agrees with the 0–10 score (Spearman 0.815; AFINN: 0.805, 35% at 0)", async () => {
    const emotion = (await voiceWarehouse((db) => computeMetric(db, "emotion", {period: "month"}), {nps: sampleNps})) as {
      agreement: {nps: {language: string; comments: number; spearman: number}[]; ratings: null};
      ratingComments: null;
    };
    // scipy.stats.spearmanr over the 1,046 comments: 0.815258148014139 (the old AFINN comparative: 0.8051068749709722).
    expect(emotion.agreement.nps).toEqual([{language: "en", comments: 1046, spearman: expect.closeTo(0.815258148014139, 9)}]);
    expect(emotion.ratingComments).toBeNull();
    expect(emotion.agreement.ratings).toBeNull();
  });
});

/**
 * Emotion in customers' words: a sentiment score per comment or ticket text,
 * its trend per period, and the words that most separate detractors from
 * promoters.
 *
 * - score: the AFINN-165 lexicon (npm `sentiment`, a maintained
 *   lexicon-based scorer), as its "comparative" value: the sum of word
 *   valences (−5…+5) over the number of tokens. Empty text has no score.
 * - trend: mean score and count per period of texts with a score.
 * - distinguishing words: the weighted log-odds ratio with an informative
 *   Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words",
 *   Political Analysis 16(4)), as z-scores: positive for words detractors
 *   use more, negative for promoters. Stop words and words seen fewer than
 *   minCount times (default 3) are left out.
 */
import Sentiment from "sentiment";

const analyzer = new Sentiment();

export function sentimentScore(text: string | null | undefined): number | undefined {
  if (!text || !text.trim()) return undefined;
  const {comparative} = analyzer.analyze(text);
  return Number.isFinite(comparative) ? comparative : undefined;
}

export interface DatedText {
  period: Date;
  text: string | null | undefined;
  /** How many times this text was written in the period (default 1): callers count repeats in SQL and score each text once. */
  n?: number;
}

export function sentimentTrend(rows: readonly DatedText[]): {period: Date; texts: number; meanScore: number}[] {
  const byPeriod = new Map<number, {sum: number; n: number}>();
  for (const {period, text, n = 1} of rows) {
    const score = sentimentScore(text);
    if (score === undefined) continue;
    const cell = byPeriod.get(period.getTime()) ?? {sum: 0, n: 0};
    cell.sum += score * n;
    cell.n += n;
    byPeriod.set(period.getTime(), cell);
  }
  return [...byPeriod].sort(([a], [b]) => a - b).map(([t, {sum, n}]) => ({period: new Date(t), texts: n, meanScore: sum / n}));
}

const stopWords = new Set(
  "a an and are as at be but by for from had has have i i'm if in is it it's its me my no not of on or our so that the their them then there they this to too us was we were what when which who will with you your very just also all any can could do does did been being am".split(" ")
);

export function tokens(text: string): string[] {
  return (text.toLowerCase().match(/[a-z][a-z']+/g) ?? []).filter((w) => !stopWords.has(w));
}

export interface WordScore {
  word: string;
  /** z-score: > 0 detractors use it more, < 0 promoters do. */
  z: number;
  detractorCount: number;
  promoterCount: number;
}

/** A text, or a text with the number of times it was written. */
export type CountedText = string | {text: string; n: number};

export function distinguishingWords(detractorTexts: Iterable<CountedText>, promoterTexts: Iterable<CountedText>, {minCount = 3, top = 15} = {}): {detractors: WordScore[]; promoters: WordScore[]} {
  const count = (texts: Iterable<CountedText>) => {
    const counts = new Map<string, number>();
    for (const entry of texts) {
      const [text, n] = typeof entry === "string" ? [entry, 1] : [entry.text, entry.n];
      for (const w of tokens(text)) counts.set(w, (counts.get(w) ?? 0) + n);
    }
    return counts;
  };
  const d = count(detractorTexts);
  const p = count(promoterTexts);
  const prior = new Map<string, number>();
  for (const [w, n] of [...d, ...p]) prior.set(w, (prior.get(w) ?? 0) + n);
  const nD = sum(d.values());
  const nP = sum(p.values());
  const a0 = sum(prior.values());
  const scores: WordScore[] = [];
  for (const [word, aw] of prior) {
    if (aw < minCount) continue;
    const yd = d.get(word) ?? 0;
    const yp = p.get(word) ?? 0;
    const delta = Math.log((yd + aw) / (nD + a0 - yd - aw)) - Math.log((yp + aw) / (nP + a0 - yp - aw));
    const variance = 1 / (yd + aw) + 1 / (yp + aw);
    scores.push({word, z: delta / Math.sqrt(variance), detractorCount: yd, promoterCount: yp});
  }
  scores.sort((x, y) => y.z - x.z || (x.word < y.word ? -1 : 1));
  return {detractors: scores.filter((s) => s.z > 0).slice(0, top), promoters: scores.filter((s) => s.z < 0).reverse().slice(0, top)};
}

function sum(values: Iterable<number>): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

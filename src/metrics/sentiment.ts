/**
 * Emotion in customers' words: the customer emotion score per period, how many comments were
 * scored in which language, and the words that most separate unhappy from happy customers.
 *
 * - Each comment is scored in its own language (./emotion.ts): positive, neutral (including
 *   comments with no emotion word) or negative; comments in a language rapport has no lexicon for
 *   are "not scored" and counted apart.
 * - Customer emotion score: % positive − % negative comments among the comments in a scored
 *   language, from −100 to +100 (points), with the 95% score interval of a difference of two
 *   trinomial shares (the same interval as NPS, ./npsStats.ts npsScoreInterval: positive ↔
 *   promoter, neutral ↔ passive, negative ↔ detractor): always inside −100…+100 and never of width
 *   0, with honest coverage at small counts where the Wald interval has neither. Undefined with no
 *   scored comment (never 0).
 * - Distinguishing words: the weighted log-odds ratio with an informative Dirichlet prior (Monroe,
 *   Colaresi & Quinn 2008, "Fightin' Words", Political Analysis 16(4), eq. 16–22), as z-scores:
 *   positive for terms detractors use more, negative for promoters. Terms are words and two-word
 *   phrases, and a word after a negator is counted as the phrase ("not helpful"), never as the
 *   bare word. A text is counted once per customer however often they wrote it. The prior comes
 *   from a background that is not the data under test (passives' comments and support tickets):
 *   each term's background count plus one, scaled down when the background holds more terms than
 *   the comments under test, so the prior is never stronger than the data; with no background it
 *   is one per term (Laplace). Where one phrase is written word for word by the same customers
 *   (templated comments), its words and overlapping phrases have the same counts: only the
 *   strongest of them is kept, so one template does not fill the list.
 */
import {commentEmotion, emotionTokens, languageNames, type CommentEmotion} from "./emotion.js";
import {npsFromCounts} from "./nps.js";
import {npsScoreInterval} from "./npsStats.js";
import {negators} from "./lexicon-corrections.js";

export interface DatedText {
  period: Date;
  text: string | null | undefined;
  /** How many times this text was written in the period (default 1): callers count repeats in SQL and score each text once. */
  n?: number;
}

/** Scores texts with a cache, so each distinct text is detected and scored once. */
export function emotionScorer({context}: {context?: string} = {}): (text: string | null | undefined) => CommentEmotion | undefined {
  const cache = new Map<string, CommentEmotion | undefined>();
  return (text) => {
    if (text == null) return undefined;
    if (!cache.has(text)) cache.set(text, commentEmotion(text, {context}));
    return cache.get(text);
  };
}

export interface EmotionCounts {
  /** Non-empty comments. */
  comments: number;
  positive: number;
  neutral: number;
  negative: number;
  /** Of the neutral: comments in a scored language with no emotion word at all. */
  noEmotionWords: number;
  /** Comments in a language with no lexicon, or whose language cannot be told. */
  notScored: number;
}

export interface EmotionFigure extends EmotionCounts {
  /** Comments in a scored language: positive + neutral + negative. */
  scored: number;
  /** Customer emotion score, −100…+100; undefined when nothing was scored. */
  emotionScore: number | undefined;
  /** 95% score interval (npsScoreInterval), inside −100…+100. */
  low: number | undefined;
  high: number | undefined;
}

export function emotionCounts(emotions: Iterable<{emotion: CommentEmotion | undefined; n?: number}>): EmotionCounts {
  const c: EmotionCounts = {comments: 0, positive: 0, neutral: 0, negative: 0, noEmotionWords: 0, notScored: 0};
  for (const {emotion: e, n = 1} of emotions) {
    if (!e) continue;
    c.comments += n;
    if (e.status === "not scored") c.notScored += n;
    else if (e.polarity === 1) c.positive += n;
    else if (e.polarity === -1) c.negative += n;
    else {
      c.neutral += n;
      if (e.status === "no emotion words") c.noEmotionWords += n;
    }
  }
  return c;
}

/** The customer emotion score and its interval from counts. */
export function emotionFromCounts(c: EmotionCounts): EmotionFigure {
  const f = npsFromCounts({promoters: c.positive, passives: c.neutral, detractors: c.negative}, {minResponses: 1});
  const scored = c.positive + c.neutral + c.negative;
  if (f.nps === undefined) return {...c, scored, emotionScore: undefined, low: undefined, high: undefined};
  const {low, high} = npsScoreInterval({promoters: c.positive, passives: c.neutral, detractors: c.negative})!;
  return {...c, scored, emotionScore: f.nps, low, high};
}

/** The customer emotion score per period (ascending), from texts already grouped by period. */
export function emotionTrend(rows: readonly DatedText[], score: (text: string | null | undefined) => CommentEmotion | undefined = emotionScorer()): ({period: Date} & EmotionFigure)[] {
  const byPeriod = new Map<number, {emotion: CommentEmotion | undefined; n?: number}[]>();
  for (const {period, text, n} of rows) {
    const list = byPeriod.get(period.getTime()) ?? [];
    list.push({emotion: score(text), n});
    byPeriod.set(period.getTime(), list);
  }
  return [...byPeriod].sort(([a], [b]) => a - b).map(([t, list]) => ({period: new Date(t), ...emotionFromCounts(emotionCounts(list))}));
}

export interface LanguageCount {
  /** ISO 639-1 code, or "unknown". */
  language: string;
  name: string;
  comments: number;
  scored: number;
  noEmotionWords: number;
  notScored: number;
}

/** How many comments were written, and scored, in each language (most comments first). */
export function languageCounts(rows: Iterable<{text: string | null | undefined; n?: number}>, score: (text: string | null | undefined) => CommentEmotion | undefined = emotionScorer()): LanguageCount[] {
  const counts = new Map<string, LanguageCount>();
  for (const {text, n = 1} of rows) {
    const e = score(text);
    if (!e) continue;
    const language = e.language ?? "unknown";
    const c = counts.get(language) ?? {language, name: languageName(language), comments: 0, scored: 0, noEmotionWords: 0, notScored: 0};
    c.comments += n;
    if (e.status === "not scored") c.notScored += n;
    else c.scored += n;
    if (e.status === "no emotion words") c.noEmotionWords += n;
    counts.set(language, c);
  }
  return [...counts.values()].sort((a, b) => b.comments - a.comments || (a.language < b.language ? -1 : 1));
}

const displayNames = new Intl.DisplayNames(["en"], {type: "language"});

/** "Portuguese" for "pt"; "language not recognised" for "unknown". */
export function languageName(code: string): string {
  if (code === "unknown") return "language not recognised";
  if (languageNames[code]) return languageNames[code];
  try {
    return displayNames.of(code) ?? code;
  } catch {
    return code;
  }
}

/**
 * spearman(x, y): Spearman's rank correlation (Pearson's r of the mid-ranks, ties averaged), as
 * scipy.stats.spearmanr; undefined with fewer than 3 pairs or a constant side.
 */
export function spearman(x: readonly number[], y: readonly number[]): number | undefined {
  if (x.length !== y.length) throw new Error(`spearman: x has ${x.length} values, y ${y.length}`);
  if (x.length < 3) return undefined;
  const rx = ranks(x);
  const ry = ranks(y);
  const mean = (x.length + 1) / 2;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (rx[i] - mean) * (ry[i] - mean);
    sxx += (rx[i] - mean) ** 2;
    syy += (ry[i] - mean) ** 2;
  }
  return sxx === 0 || syy === 0 ? undefined : sxy / Math.sqrt(sxx * syy);
}

function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) r[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

// Function words of the five scored languages; negators are not among them (they make phrases).
const stopWords = new Set(
  [
    "a an and are as at be but by for from had has have i i'm if in is it it's its me my of on or our so that the their them then there they this to too us was we were what when which who will with you your very just also all any can could do does did been being am get got one",
    "o a os as um uma e é de do da dos das em no na nos nas que com por para pra se eu meu minha foi ser está estou mas mais muito já ao aos à me ele ela isso esse essa este esta como só q ou até pois pelo pela num numa também quando onde porque",
    "el la los las un una y es de del en que con por para se lo le mi muy pero más al su me ha",
    "le la les un une et est de du des en que qui avec pour par se il elle je mon ma mes très mais plus au aux ce sur",
    "der die das den dem des ein eine einen und ist war in im zu mit für auf von sich ich mein meine sehr aber auch es wir sie er"
  ].join(" ").split(" ")
);
const allNegators = new Set(Object.values(negators).flat());

/**
 * terms(text): the words and two-word phrases the words chart counts. Words are lower-case Unicode
 * letters or emoji; function words are dropped; the first word within 3 tokens after a negator
 * becomes the phrase "negator word" ("not very helpful" → "not helpful") instead of the bare word; two adjacent remaining words also
 * form a phrase ("fast delivery"). Phrases never cross a clause break.
 */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const clause of emotionTokens(text)) {
    let negator: string | undefined;
    let negatedUntil = -1;
    let previous: string | undefined;
    clause.forEach((t, i) => {
      if (allNegators.has(t)) {
        negator = t;
        negatedUntil = i + 3;
        previous = undefined;
        return;
      }
      if (stopWords.has(t) || (t.length < 2 && /\p{L}/u.test(t))) return;
      const word = i <= negatedUntil ? `${negator} ${t}` : t;
      negatedUntil = -1; // a negator binds the first word after it
      out.push(word);
      if (previous !== undefined && !word.includes(" ")) out.push(`${previous} ${word}`);
      previous = word.includes(" ") ? undefined : word;
    });
  }
  return out;
}

export interface WordScore {
  word: string;
  /** z-score: > 0 detractors use it more, < 0 promoters do; |z| > 1.96 is unlikely to be chance. */
  z: number;
  detractorCount: number;
  promoterCount: number;
}

/** A text, or a text with the number of customers who wrote it. */
export type CountedText = string | {text: string; n: number};

function countTerms(texts: Iterable<CountedText>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of texts) {
    const [text, n] = typeof entry === "string" ? [entry, 1] : [entry.text, entry.n];
    for (const w of terms(text)) counts.set(w, (counts.get(w) ?? 0) + n);
  }
  return counts;
}

/**
 * distinguishingWords(detractorTexts, promoterTexts, {background, minCount, top}): terms ranked by
 * the weighted log-odds z-score (module docblock). Pass each text once per customer (n = the
 * number of distinct customers who wrote it). Terms used fewer than minCount (default 3) times by
 * the two groups together are left out; `top` (default 15) each way are returned.
 */
export function distinguishingWords(
  detractorTexts: Iterable<CountedText>,
  promoterTexts: Iterable<CountedText>,
  {background = [], minCount = 3, top = 15}: {background?: Iterable<CountedText>; minCount?: number; top?: number} = {}
): {detractors: WordScore[]; promoters: WordScore[]} {
  const d = countTerms(detractorTexts);
  const p = countTerms(promoterTexts);
  const b = countTerms(background);
  const nD = sum(d.values());
  const nP = sum(p.values());
  const nB = sum(b.values());
  const vocabulary = new Set([...d.keys(), ...p.keys(), ...b.keys()]);
  const scale = Math.min(1, (nD + nP) / (nB + vocabulary.size));
  const alpha = (w: string) => scale * ((b.get(w) ?? 0) + 1);
  const a0 = scale * (nB + vocabulary.size);
  const scores: WordScore[] = [];
  for (const word of new Set([...d.keys(), ...p.keys()])) {
    const yd = d.get(word) ?? 0;
    const yp = p.get(word) ?? 0;
    if (yd + yp < minCount) continue;
    const aw = alpha(word);
    const delta = Math.log((yd + aw) / (nD + a0 - yd - aw)) - Math.log((yp + aw) / (nP + a0 - yp - aw));
    const variance = 1 / (yd + aw) + 1 / (yp + aw);
    scores.push({word, z: delta / Math.sqrt(variance), detractorCount: yd, promoterCount: yp});
  }
  const pick = (side: WordScore[]) => {
    const kept: WordScore[] = [];
    for (const s of side) {
      if (kept.length === top) break;
      const words = s.word.split(" ");
      if (!kept.some((k) => k.detractorCount === s.detractorCount && k.promoterCount === s.promoterCount && k.word.split(" ").some((w) => words.includes(w)))) kept.push(s);
    }
    return kept;
  };
  const byStrength = (x: WordScore, y: WordScore) => Math.abs(y.z) - Math.abs(x.z) || y.word.length - x.word.length || (x.word < y.word ? -1 : 1);
  return {detractors: pick(scores.filter((s) => s.z > 0).sort(byStrength)), promoters: pick(scores.filter((s) => s.z < 0).sort(byStrength))};
}

function sum(values: Iterable<number>): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

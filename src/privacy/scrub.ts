/**
 * Free text on the way to the site: comments and ticket texts are scrubbed
 * of e-mail addresses, URLs, phone numbers, IBANs and payment card numbers
 * (any, whoever's: patterns.ts), customers' ids, and the names of customers
 * (full names, and first or last names of three letters or more written as
 * a capitalised word), each replaced by a bracketed placeholder.
 *
 * And ids on the way to the site: where a page needs a per-customer row, the
 * customer's id is replaced by a keyed hash (HMAC-SHA-256, first 16 hex
 * digits) whose key stays on the build machine, so the published id cannot be
 * traced back to the CRM without the key.
 */
import {createHmac, randomBytes} from "node:crypto";
import {existsSync, mkdirSync, readFileSync, writeFileSync} from "node:fs";
import {dirname} from "node:path";
import {eachRows, type Database} from "../warehouse/duckdb.js";
import {cardPattern, ibanPattern, isCard, isIban, isPhone, phonePattern} from "./patterns.js";
import {findEmails} from "./scan.js";

const url = /\b(?:https?:\/\/|www\.)[^\s<>"')]+/gi;

export interface Scrubber {
  (text: string | null | undefined): string | null;
}

/** A scrubber for the warehouse's texts: it also removes the names and ids of its customers. */
export async function customerScrubber(db: Database): Promise<Scrubber> {
  // Each name once, in the order first written (the order of the full-name pattern's alternatives), and
  // the ids streamed as strings: ten million customers' rows as objects would take gigabytes.
  const names = await db.all<{name: string}>("SELECT name FROM customers WHERE name IS NOT NULL GROUP BY name ORDER BY min(rowid)");
  const ids: string[] = [];
  await eachRows<{id: string}>(db, "SELECT id FROM customers", (rows) => {
    for (const {id} of rows) ids.push(id);
  });
  return scrubber(
    names.map((n) => n.name),
    ids
  );
}

/**
 * A scrubber that also removes these customer names and ids. An id counts as
 * a whole token (letters, digits and - _ . / # :), case-insensitively, and
 * like the site check (scan.ts) only ids of four characters or more that are
 * not all digits: "1234" in a comment is more often a number than a customer.
 */
export function scrubber(names: Iterable<string>, ids: Iterable<string> = []): Scrubber {
  const idSet = new Set<string>();
  for (const id of ids) if (id.length >= 4 && !/^\d+$/.test(id)) idSet.add(id.toLowerCase());
  const full = new Set<string>();
  const parts = new Set<string>();
  for (const name of names) {
    const words = name.trim().split(/\s+/).filter(Boolean);
    if (words.length >= 2) full.add(words.join(" ").toLowerCase());
    for (const w of words) if (w.length >= 3) parts.add(w.toLowerCase());
  }
  const fullPattern = full.size ? new RegExp(`(?<![\\p{L}])(?:${[...full].map(escape).join("|")})(?![\\p{L}])`, "giu") : undefined;
  return (text) => {
    if (text == null) return null;
    let out = replaceEmails(text)
      .replace(url, "[link]")
      .replace(ibanPattern, (m) => (isIban(m) ? "[iban]" : m))
      .replace(cardPattern, (m) => (isCard(m) ? "[card]" : m))
      .replace(phonePattern, (m) => (isPhone(m) ? "[phone]" : m));
    if (idSet.size) out = out.replace(/[\p{L}\p{N}][\p{L}\p{N}_./#:-]*[\p{L}\p{N}]/gu, (token) => (idSet.has(token.toLowerCase()) ? "[customer]" : token));
    if (fullPattern) out = out.replace(fullPattern, "[name]");
    out = out.replace(/(?<![\p{L}])\p{Lu}[\p{L}'-]{2,}(?![\p{L}])/gu, (word) => (parts.has(word.toLowerCase()) ? "[name]" : word));
    return out;
  };
}

function replaceEmails(text: string): string {
  let out = "";
  let at = 0;
  for (const {start, end} of findEmails(text)) {
    out += `${text.slice(at, start)}[email]`;
    at = end;
  }
  return out + text.slice(at);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\s+/g, "\\s+");
}

/** The pseudonym of an id under key: HMAC-SHA-256, 16 hex digits. */
export function pseudonym(id: string, key: string): string {
  return createHmac("sha256", key).update(id).digest("hex").slice(0, 16);
}

/** The build machine's pseudonym key: RAPPORT_PSEUDONYM_KEY, else a random key kept in file (created once). */
export function pseudonymKey(file: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.RAPPORT_PSEUDONYM_KEY) return env.RAPPORT_PSEUDONYM_KEY;
  if (existsSync(file)) return readFileSync(file, "utf-8").trim();
  const key = randomBytes(32).toString("hex");
  mkdirSync(dirname(file), {recursive: true});
  writeFileSync(file, key, {mode: 0o600});
  return key;
}

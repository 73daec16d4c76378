/**
 * Reading CSV exports without trusting DuckDB's sniffer. read_csv guesses the
 * dialect (quoting, line endings) from the first rows and then holds the whole
 * file to it: quoted commas that first appear after row 30,000, one unclosed
 * quote, a 4 MB field, a file mixing LF and CR line endings or written in
 * UTF-16BE each turn good records into rejects or refuse the file.
 *
 * So rapport decides the dialect itself and gives DuckDB explicit options:
 * 1. scanExport() reads the file once (it hashes it anyway) and notes what
 *    DuckDB cannot take: the encoding, lone CRs, lines longer than maxLineBytes,
 *    and counts the non-blank lines;
 * 2. a plain UTF-8 file goes to read_csv with the header, delimiter and quote
 *    set (auto_detect off: the fast path, DuckDB's own speed);
 * 3. any other file, or one where DuckDB's records and rejects do not add up to
 *    the file's lines (a record ran over several lines because of a broken
 *    quote), goes through normaliseCsv(): a streaming reader that takes every
 *    good record, rejects only the line that breaks (and resumes at the next
 *    one), and writes a clean UTF-8 CSV with each record's true line, which
 *    DuckDB then reads with every option fixed.
 *
 * Written here rather than with a CSV library because the recovery rule (a
 * record that runs over lines and does not fit the header is one broken line,
 * not the rest of the file) and the true line numbers are what matter, and no
 * parser on npm does both (csv-parse's relax options skip the whole record).
 */
import {isUtf8} from "node:buffer";
import {createHash} from "node:crypto";
import {createReadStream, createWriteStream, openSync, readSync, closeSync} from "node:fs";
import {once} from "node:events";
import {rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {literal, type Database} from "../warehouse/duckdb.js";

/** DuckDB's default max_line_size: a longer line is rejected as "line too long". */
export const maxLineBytes = 2 * 1024 * 1024;

/** The encodings rapport reads, by the names rapport.config.json uses. */
export type CsvEncoding = "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";

/** What one pass over an export found, for choosing how to read it. */
export interface CsvProfile {
  /** The encoding told by a byte-order mark or NUL bytes; utf-8 otherwise. */
  encoding: CsvEncoding;
  /** Whether every byte is valid UTF-8 (only checked for utf-8). */
  utf8: boolean;
  /**
   * Lines up to the last one that holds something (blank lines at the end left
   * out, blank lines between records counted: DuckDB skips those, which would
   * shift its line numbers, so they send the file to the normaliser).
   */
  lines: number;
  /** A CR not followed by LF: old Mac line endings, alone or mixed. */
  loneCr: boolean;
  /** The longest line, in bytes. */
  longest: number;
  /** Blank lines before the header (read_csv's skip = 1 would take the blank line for the header). */
  leadingBlank?: boolean;
}

export interface ScannedExport {
  sha256: string;
  /** Set for CSV-like files (.csv, .tsv, .txt). */
  csv?: CsvProfile;
  /**
   * With scanExport(path, {prefix: N}) and a file of at least N bytes: the
   * SHA-256 of its first N bytes, the line ends (LF) among them, and whether
   * the last of them is a LF (so the first N bytes are whole lines).
   */
  prefix?: {bytes: number; sha256: string; lines: number; wholeLines: boolean};
}

/**
 * Hashes a file and, for CSV, profiles it, in one read. With `prefix`, also
 * hashes its first `prefix` bytes on the way (the size of the version loaded
 * last: same hash, and the file only grew at its end).
 */
export async function scanExport(path: string, {prefix}: {prefix?: number} = {}): Promise<ScannedExport> {
  const hash = createHash("sha256");
  const csv = /\.(csv|tsv|txt)$/i.test(path);
  let offset = 0; // bytes hashed so far
  let lfs = 0; // LFs counted so far (for the prefix's line count)
  let head: ScannedExport["prefix"];
  const feed = (chunk: Buffer) => {
    if (prefix !== undefined && head === undefined && offset + chunk.length >= prefix) {
      const cut = prefix - offset;
      hash.update(chunk.subarray(0, cut));
      for (let i = chunk.indexOf(10); i >= 0 && i < cut; i = chunk.indexOf(10, i + 1)) lfs++;
      head = {bytes: prefix, sha256: hash.copy().digest("hex"), lines: lfs, wholeLines: cut > 0 ? chunk[cut - 1] === 10 : lastByte === 10};
      hash.update(chunk.subarray(cut));
    } else {
      hash.update(chunk);
      if (prefix !== undefined && head === undefined) for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lfs++;
    }
    offset += chunk.length;
    if (chunk.length) lastByte = chunk[chunk.length - 1];
  };
  let lastByte = -1;
  if (prefix === 0) head = {bytes: 0, sha256: createHash("sha256").digest("hex"), lines: 0, wholeLines: true};
  if (!csv) {
    for await (const chunk of createReadStream(path, {highWaterMark: 1 << 20})) feed(chunk as Buffer);
    return {sha256: hash.digest("hex"), ...(head ? {prefix: head} : {})};
  }
  const encoding = sniffEncoding(path);
  const profile: CsvProfile = {encoding, utf8: encoding === "utf-8", lines: 0, loneCr: false, longest: 0};
  let lineBytes = 0; // bytes of the current line so far
  let lineHasContent = false;
  let total = 0; // lines ended so far
  let pendingCr = false;
  let carry: Buffer = Buffer.alloc(0); // an incomplete UTF-8 sequence at the end of the previous chunk
  for await (const data of createReadStream(path, {highWaterMark: 1 << 20})) {
    const chunk = data as Buffer;
    feed(chunk);
    if (encoding !== "utf-8") continue;
    if (profile.utf8) {
      const joined = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      const cut = completeUtf8(joined);
      profile.utf8 = isUtf8(joined.subarray(0, cut));
      carry = joined.subarray(cut);
    }
    let from = 0;
    if (pendingCr && chunk[0] !== 10) profile.loneCr = true;
    pendingCr = false;
    let cr = chunk.indexOf(13); // the next CR, found once per CR rather than once per line
    for (;;) {
      const lf = chunk.indexOf(10, from);
      const end = lf < 0 ? chunk.length : lf;
      while (cr >= 0 && cr < end) {
        // A CR is fine only right before the LF; one at the very end of the chunk is decided by the next chunk.
        if (cr === chunk.length - 1) pendingCr = true;
        else if (cr !== lf - 1) profile.loneCr = true;
        cr = chunk.indexOf(13, cr + 1);
      }
      lineBytes += end - from;
      if (!lineHasContent && end > from && !(end - from === 1 && chunk[from] === 13)) lineHasContent = true;
      if (lf < 0) break;
      if (lineBytes > profile.longest) profile.longest = lineBytes;
      total++;
      if (lineHasContent) profile.lines = total;
      else if (profile.lines === 0) profile.leadingBlank = true;
      lineBytes = 0;
      lineHasContent = false;
      from = lf + 1;
    }
  }
  if (pendingCr) profile.loneCr = true;
  if (carry.length) profile.utf8 = false;
  if (lineBytes > profile.longest) profile.longest = lineBytes;
  if (lineHasContent) profile.lines = total + 1;
  return {sha256: hash.digest("hex"), csv: profile, ...(head ? {prefix: head} : {})};
}

/** The length of the prefix of bytes that does not end inside a UTF-8 sequence. */
function completeUtf8(bytes: Buffer): number {
  let i = bytes.length;
  for (let back = 0; back < 3 && i > 0; back++) {
    const b = bytes[i - 1];
    if ((b & 0xc0) !== 0x80) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      return need > back + 1 ? i - 1 : bytes.length;
    }
    i--;
  }
  return bytes.length;
}

/** UTF-16 by its byte-order mark, or, without one, by the NUL bytes ASCII text has in UTF-16. */
export function sniffEncoding(path: string): CsvEncoding {
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(4096);
    const n = readSync(fd, head, 0, head.length, 0);
    if (n >= 2 && head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
    if (n >= 2 && head[0] === 0xfe && head[1] === 0xff) return "utf-16be";
    let even = 0;
    let odd = 0;
    for (let i = 0; i < n; i++) if (head[i] === 0) i % 2 ? odd++ : even++;
    if (n >= 4 && even + odd > n / 4) return even > odd ? "utf-16be" : "utf-16le";
    return "utf-8";
  } finally {
    closeSync(fd);
  }
}

/** The encoding a config value names (undefined: as detected). */
export function configEncoding(value: string | undefined, detected: CsvEncoding): CsvEncoding {
  switch (value) {
    case undefined:
      return detected;
    case "utf-8":
      return "utf-8";
    case "utf-16":
      return detected === "utf-16be" ? "utf-16be" : "utf-16le";
    case "utf-16le":
    case "utf-16be":
    case "windows-1252":
      return value;
    case "latin-1":
      return "windows-1252"; // a superset of ISO-8859-1 for every printable character, as browsers read "latin1"
    default:
      throw new Error(`invalid encoding: ${value}`);
  }
}

/** How read_csv is to read a file: nothing left for it to guess. */
export interface CsvDialect {
  columns: readonly string[];
  delimiter: string;
  /** The file starts with a `_line` column holding each record's line (a normalised file). */
  lineColumn?: boolean;
}

/**
 * A read_csv relation with every option fixed, every column VARCHAR, `_line`
 * first: the record's line (header = 1) from the normalised file, or counted.
 */
export function csvRelation(path: string, {columns, delimiter, lineColumn}: CsvDialect, rejects?: {table: string; scan: string}): string {
  const names = lineColumn ? ["_line", ...columns] : columns;
  const struct = `{${names.map((c) => `${literal(c)}: 'VARCHAR'`).join(", ")}}`;
  const options =
    `columns = ${struct}, auto_detect = false, header = false, skip = 1, delim = ${literal(delimiter)}, quote = '"', escape = '"', ` +
    `max_line_size = ${maxLineBytes + 1024}` +
    (rejects ? `, store_rejects = true, rejects_table = ${literal(rejects.table)}, rejects_scan = ${literal(rejects.scan)}` : "");
  const select = lineColumn ? `_line::BIGINT AS _line, * EXCLUDE (_line)` : `(row_number() OVER () + 1)::BIGINT AS _line, *`;
  return `SELECT ${select} FROM read_csv(${literal(path)}, ${options})`;
}

/** The header and delimiter of a CSV export, from its first line. */
export async function csvHeader(path: string, encoding: CsvEncoding, delimiter?: string): Promise<{columns: string[]; delimiter: string}> {
  for await (const line of physicalLines(path, encoding)) {
    if (line.text.trim() === "") continue;
    const delim = delimiter ?? guessDelimiter(line.text);
    const parser = new RecordParser(delim);
    parser.feed(line.text);
    return {columns: headerNames(parser.fields), delimiter: delim};
  }
  return {columns: [], delimiter: delimiter ?? ","};
}

function guessDelimiter(header: string): string {
  let best = ",";
  let most = 0;
  for (const d of [",", ";", "\t", "|"]) {
    const n = header.replace(/"[^"]*"/g, "").split(d).length - 1;
    if (n > most) (best = d), (most = n);
  }
  return best;
}

/** Header names as DuckDB would give them: blank ones numbered, repeats suffixed. */
function headerNames(fields: string[]): string[] {
  const seen = new Set<string>();
  return fields.map((f, i) => {
    let name = f.replace(/^\ufeff/, "") || `column${i}`;
    for (let n = 1; seen.has(name.toLowerCase()); n++) name = `${f}_${n}`;
    seen.add(name.toLowerCase());
    return name;
  });
}

interface Line {
  /** 1-based line number in the file. */
  n: number;
  text: string;
  bytes: number;
  /** Not decodable in the file's encoding. */
  bad: boolean;
}

/** Splits a file into lines (ended by LF, CRLF or a lone CR), decoded. */
async function* physicalLines(path: string, encoding: CsvEncoding): AsyncGenerator<Line> {
  for await (const lines of lineBatches(path, encoding)) yield* lines;
}

/** The lines of a file, a chunk's worth at a time (one await per chunk rather than per line). */
async function* lineBatches(path: string, encoding: CsvEncoding): AsyncGenerator<Line[]> {
  let n = 0;
  if (encoding === "utf-8" || encoding === "windows-1252") {
    const decoder = encoding === "utf-8" ? undefined : new TextDecoder("windows-1252");
    let carry: Buffer = Buffer.alloc(0);
    const emit = (bytes: Buffer): Line => {
      const bad = decoder === undefined && !isUtf8(bytes);
      let text = decoder ? decoder.decode(bytes) : bytes.toString("utf-8");
      if (n === 0) text = text.replace(/^\ufeff/, "");
      return {n: ++n, text, bytes: bytes.length, bad};
    };
    for await (const data of createReadStream(path, {highWaterMark: 1 << 20})) {
      const chunk: Buffer = carry.length ? Buffer.concat([carry, data as Buffer]) : (data as Buffer);
      const lines: Line[] = [];
      let from = 0;
      // The common case, a chunk of plain UTF-8: decode it once and split the text, rather than line by line.
      const last = Math.max(chunk.lastIndexOf(10), chunk.lastIndexOf(13) === chunk.length - 1 ? -1 : chunk.lastIndexOf(13));
      if (decoder === undefined && n > 0 && last >= 0 && isUtf8(chunk.subarray(0, last + 1))) {
        const text = chunk.toString("utf-8", 0, last + 1);
        let start = 0;
        for (let i = 0; i < text.length; i++) {
          const c = text.charCodeAt(i);
          if (c !== 10 && c !== 13) continue;
          const line = text.slice(start, i);
          // At most 3 bytes a UTF-16 unit: only a long line needs its bytes counted for the 2 MB limit.
          lines.push({n: ++n, text: line, bytes: line.length * 3 > maxLineBytes ? Buffer.byteLength(line) : line.length, bad: false});
          if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
          start = i + 1;
        }
        carry = Buffer.from(chunk.subarray(last + 1));
        if (lines.length) yield lines;
        continue;
      }
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i];
        if (b !== 10 && b !== 13) continue;
        if (b === 13 && i === chunk.length - 1) break; // CR at the chunk's end: is it CRLF? Decided with the next chunk.
        lines.push(emit(chunk.subarray(from, i)));
        if (b === 13 && chunk[i + 1] === 10) i++;
        from = i + 1;
      }
      carry = Buffer.from(chunk.subarray(from));
      if (lines.length) yield lines;
    }
    if (carry.length) yield [emit(carry[carry.length - 1] === 13 ? carry.subarray(0, -1) : carry)];
    return;
  }
  const decoder = new TextDecoder(encoding);
  let carry = "";
  const split = (text: string, final: boolean): Line[] => {
    const lines: Line[] = [];
    let from = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      if (c === 13 && i === text.length - 1 && !final) break;
      lines.push({n: ++n, text: text.slice(from, i), bytes: (i - from) * 2, bad: false});
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      from = i + 1;
    }
    carry = text.slice(from);
    return lines;
  };
  for await (const data of createReadStream(path, {highWaterMark: 1 << 20})) yield split(carry + decoder.decode(data as Buffer, {stream: true}), false);
  yield split(carry + decoder.decode(), true);
  if (carry) yield [{n: ++n, text: carry, bytes: carry.length * 2, bad: false}];
}

/** An RFC 4180 record parser fed line by line; a quote is special only at the start of a field. */
class RecordParser {
  fields: string[] = [];
  private field = "";
  private quoted = false; // the current field started with a quote
  private inQuote = false;
  constructor(private readonly delimiter: string) {}
  /** Feeds one line (without its ending); true when the record is complete. */
  feed(text: string): boolean {
    if (!this.inQuote && this.field === "" && !text.includes('"')) {
      const parts = text.split(this.delimiter);
      this.fields.push(...parts);
      return true;
    }
    const d = this.delimiter;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (this.inQuote) {
        if (c === '"') {
          if (text[i + 1] === '"') (this.field += '"'), i++;
          else this.inQuote = false;
        } else this.field += c;
      } else if (c === d) {
        this.fields.push(this.field);
        this.field = "";
        this.quoted = false;
      } else if (c === '"' && this.field === "" && !this.quoted) {
        this.quoted = this.inQuote = true;
      } else this.field += c;
    }
    if (this.inQuote) {
      this.field += "\n";
      return false;
    }
    this.fields.push(this.field);
    this.field = "";
    this.quoted = false;
    return true;
  }
}

export interface NormalisedCsv {
  columns: string[];
  /** Records written (good ones, with the right number of fields). */
  records: number;
  /** Lines rejected, by DuckDB's error types so both paths read the same. */
  rejects: {line: number; errorType: string; text: string}[];
}

/**
 * Reads a CSV export of any supported encoding and line endings and writes it
 * to `out` as plain UTF-8 CSV (every field quoted) with its true line first.
 * A record that does not fit the header is rejected at its first line; when
 * it ran over several lines (a quote opened and never closed, or a file cut
 * inside a quote), reading resumes at its second line, so one broken quote
 * costs one record.
 */
export async function normaliseCsv(path: string, out: string, {encoding, delimiter}: {encoding: CsvEncoding; delimiter?: string}): Promise<NormalisedCsv> {
  const writer = createWriteStream(out);
  const rejects: NormalisedCsv["rejects"] = [];
  let columns: string[] | undefined;
  let delim = delimiter;
  let records = 0;
  let buffer: string[] = [];
  let size = 0;
  const write = async (s: string) => {
    buffer.push(s);
    size += s.length;
    if (size > 1 << 20) {
      if (!writer.write(buffer.join(""))) await once(writer, "drain");
      buffer = [];
      size = 0;
    }
  };
  const quote = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const reject = (line: Line, errorType: string) => rejects.push({line: line.n, errorType, text: line.text.slice(0, 200)});

  const source = lineBatches(path, encoding)[Symbol.asyncIterator]();
  const pushedBack: Line[] = [];
  let batch: Line[] = [];
  let at = 0;
  const refill = async (): Promise<Line | undefined> => {
    for (;;) {
      const {value, done} = await source.next();
      if (done) return undefined;
      if (value.length === 0) continue;
      batch = value;
      at = 1;
      return batch[0];
    }
  };
  const next = (): Line | undefined | Promise<Line | undefined> => pushedBack.pop() ?? (at < batch.length ? batch[at++] : refill());
  try {
    for (;;) {
      let first = next(); // a line at hand is taken without waiting: an await per line would cost more than the parsing
      if (first instanceof Promise) first = await first;
      if (!first) break;
      if (first.text.trim() === "" && !first.bad) continue;
      if (first.bad) {
        reject(first, "INVALID ENCODING");
        continue;
      }
      if (first.bytes > maxLineBytes) {
        reject(first, "LINE SIZE OVER MAXIMUM");
        continue;
      }
      delim ??= guessDelimiter(first.text);
      const parser = new RecordParser(delim);
      const taken = [first];
      let bytes = first.bytes;
      let done = parser.feed(first.text);
      while (!done && bytes <= maxLineBytes) {
        let line = next();
        if (line instanceof Promise) line = await line;
        if (!line) break;
        taken.push(line);
        bytes += line.bytes + 1;
        if (line.bad) break;
        done = parser.feed(line.text);
      }
      if (!columns) {
        columns = headerNames(parser.fields);
        await write(["_line", ...columns].map(quote).join(",") + "\n");
        if (!done) for (let i = taken.length - 1; i >= 1; i--) pushedBack.push(taken[i]); // a header with an open quote: its first line only
        continue;
      }
      if (done && parser.fields.length === columns.length && !taken.some((l) => l.bad)) {
        records++;
        await write(`${first.n},${parser.fields.map(quote).join(",")}\n`);
        continue;
      }
      // One broken line: reject it and read on from the line after it.
      for (let i = taken.length - 1; i >= 1; i--) pushedBack.push(taken[i]);
      if (taken.length === 1 && done) reject(first, parser.fields.length > columns.length ? "TOO MANY COLUMNS" : "MISSING COLUMNS");
      else reject(first, "UNQUOTED VALUE");
    }
    if (!columns) buffer.push('"_line"\n');
    writer.end(buffer.join(""));
    await once(writer, "finish");
  } catch (error) {
    writer.destroy();
    throw error;
  }
  return {columns: columns ?? [], records, rejects};
}

export interface CsvReadOptions {
  /** The config's "encoding", if any. */
  encoding?: string;
  /** The config's "delimiter", or a tab for .tsv. */
  delimiter?: string;
}

export interface CsvReading {
  /** Read through normaliseCsv(): `_line` is each record's true line and the rejects are final. */
  normalised: boolean;
  /** Removes the normalised copy, once the view over it has been read. */
  done(): Promise<void>;
}

let temporary = 0;

/**
 * Creates the view `table` over a CSV export (`_line` and every column VARCHAR)
 * and the table `rejectsTable` of its unreadable lines (line, error_type,
 * csv_line, column_name), choosing the fast path when the profile allows it.
 */
export async function openCsv(
  db: Database,
  path: string,
  profile: CsvProfile,
  options: CsvReadOptions,
  {table, rejectsTable, normalise = false}: {table: string; rejectsTable: string; normalise?: boolean}
): Promise<CsvReading> {
  const encoding = configEncoding(options.encoding, profile.encoding);
  await db.run(`DROP TABLE IF EXISTS ${rejectsTable}; DROP TABLE IF EXISTS ${rejectsTable}_scan`);
  if (!normalise && encoding === "utf-8" && profile.utf8 && !profile.loneCr && !profile.leadingBlank && profile.longest <= maxLineBytes) {
    const {columns, delimiter} = await csvHeader(path, encoding, options.delimiter);
    await db.run(`CREATE OR REPLACE TEMP VIEW ${table} AS ${csvRelation(path, {columns, delimiter}, {table: rejectsTable, scan: `${rejectsTable}_scan`})}`);
    return {normalised: false, done: async () => {}};
  }
  const out = join(tmpdir(), `rapport-${process.pid}-${++temporary}.csv`);
  try {
    const result = await normaliseCsv(path, out, {encoding, delimiter: options.delimiter});
    await db.run(`CREATE OR REPLACE TEMP VIEW ${table} AS ${csvRelation(out, {columns: result.columns, delimiter: ",", lineColumn: true})}`);
    await db.run(`CREATE OR REPLACE TEMP TABLE ${rejectsTable} (line BIGINT, error_type VARCHAR, csv_line VARCHAR, column_name VARCHAR)`);
    for (let i = 0; i < result.rejects.length; i += 1000) {
      const rows = result.rejects.slice(i, i + 1000).map((r) => `(${r.line}, ${literal(r.errorType)}, ${literal(r.text)}, NULL)`);
      await db.run(`INSERT INTO ${rejectsTable} VALUES ${rows.join(", ")}`);
    }
  } catch (error) {
    await rm(out, {force: true});
    throw error;
  }
  return {normalised: true, done: () => rm(out, {force: true})};
}

/**
 * Whether DuckDB's fast read accounted for every line: records + distinct
 * rejected lines + the header = the file's non-blank lines. When a record ran
 * over lines (a broken quote swallowed the next record, or a value holds a
 * line break, which would shift every later line number), it does not.
 */
export async function csvAddsUp(db: Database, staged: string, rejectsTable: string, profile: CsvProfile): Promise<boolean> {
  const [row] = await db.all<{n: number}>(
    `SELECT ((SELECT count(*) FROM ${staged}) + (SELECT count(DISTINCT line) FROM ${rejectsTable}) + 1)::DOUBLE AS n`
  );
  return row.n === profile.lines;
}

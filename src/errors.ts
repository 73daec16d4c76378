/**
 * The one error type of rapport, shared by every layer (config, ingest,
 * warehouse, metrics, cli). An error that stops a command is a RapportError
 * whose kind says what went wrong and so which exit code a scheduler sees;
 * the message is one line that names the file (and line, column) when there
 * is one, and says what to do. Anything else that escapes is a bug or the
 * machine failing: toRapportError() turns it into "io" (a full disk, a failed
 * read or write) or "software", never a bare stack trace.
 *
 * Exit codes follow sysexits.h where one fits (64–78), so `rapport build ||
 * notify` can tell "fix the exports" (65, 66) from "retry later" (75) from
 * "page someone" (70, 74).
 */

/** Exit codes a scheduler can act on (sysexits.h numbering). The README lists the same table. */
export const exitCodes = {
  ok: 0,
  /** EX_USAGE: an unknown command or option, or a bad option value. */
  usage: 64,
  /** EX_DATAERR: an unreadable export or config, a missing column, an unknown source, no warehouse or site yet. */
  badInput: 65,
  /** Too many rejected records in one export (config rejectThreshold); nothing was written. */
  rejectThreshold: 66,
  /** Personal data found in the built site; the previous site and warehouse are kept. */
  privacy: 67,
  /** EX_SOFTWARE: the site build failed, or an unexpected internal error. */
  software: 70,
  /** The same code as software, by its older name: the site build (Framework) failed. */
  buildFailed: 70,
  /** EX_IOERR: the disk is full, or a file could not be read or written; the previous warehouse and site are kept. */
  io: 74,
  /** EX_TEMPFAIL: another rapport run holds the lock on this warehouse; nothing was done, retry later. */
  busy: 75
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** What went wrong; each kind has one exit code (see exitCodeOf). */
export type ErrorKind = "usage" | "bad-input" | "threshold" | "privacy" | "build-failed" | "software" | "io" | "busy";

const codeOfKind: Record<ErrorKind, ExitCode> = {
  usage: exitCodes.usage,
  "bad-input": exitCodes.badInput,
  threshold: exitCodes.rejectThreshold,
  privacy: exitCodes.privacy,
  "build-failed": exitCodes.buildFailed,
  software: exitCodes.software,
  io: exitCodes.io,
  busy: exitCodes.busy
};

/** The exit code of a kind of error. */
export function exitCodeOf(kind: ErrorKind): ExitCode {
  return codeOfKind[kind];
}

export class RapportError extends Error {
  override name = "RapportError";
  readonly kind: ErrorKind;
  /** The file the error is about, relative to the project when it can be. */
  readonly file?: string;
  constructor(message: string, kind: ErrorKind = "software", options: {file?: string; cause?: unknown} = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause});
    this.kind = kind;
    this.file = options.file;
  }
  get exitCode(): ExitCode {
    return exitCodeOf(this.kind);
  }
}

/** A bad command line; the CLI adds "Run rapport --help for usage." */
export class UsageError extends RapportError {
  override name = "UsageError";
  constructor(message: string) {
    super(message, "usage");
  }
}

/** The kinds an ingest error can have: an export that cannot be read as data, too many rejects, or a read that failed. */
export type IngestErrorKind = Extract<ErrorKind, "bad-input" | "threshold" | "io">;

/** An error that stops an ingest run (the signature ingest code has always used). */
export class IngestError extends RapportError {
  override name = "IngestError";
  declare readonly kind: IngestErrorKind;
  constructor(message: string, kind: IngestErrorKind = "bad-input", file?: string) {
    super(message, kind, {file});
  }
}

/** Error codes and DuckDB messages that mean the machine failed to read or write, not the data was bad. */
const ioCodes = new Set(["ENOSPC", "EDQUOT", "EIO", "EROFS", "EMFILE", "ENFILE", "EFBIG"]);
const fullDisk = /No space left on device|Disk quota exceeded|ENOSPC|EDQUOT/i;

/** Whether error is a failed read or write (a full disk, an I/O error), from Node or from DuckDB. */
export function isIoError(error: unknown): boolean {
  const e = error as {code?: unknown; message?: unknown} | null;
  if (e && typeof e.code === "string" && ioCodes.has(e.code)) return true;
  const message = e && typeof e.message === "string" ? e.message : "";
  return fullDisk.test(message) || /^IO Error\b/.test(message);
}

/**
 * Any thrown value as a RapportError: a RapportError as it is, a failed read
 * or write as "io" with a message that says so, anything else as "software"
 * ("internal error: …"). The original error is kept as the cause.
 */
export function toRapportError(error: unknown): RapportError {
  if (error instanceof RapportError) return error;
  const message = firstLine(error instanceof Error ? error.message : String(error));
  if (isIoError(error)) {
    const full = fullDisk.test(message) || (error as {code?: string}).code === "ENOSPC";
    const text = full ? `the disk is full (${message}); free space and run again` : `a file could not be read or written (${message}); check the disk and the folder's permissions, then run again`;
    return new RapportError(text, "io", {cause: error});
  }
  return new RapportError(`internal error: ${message}`, "software", {cause: error});
}

/**
 * What the CLI prints for an error: one line ("rapport: …"; a usage error adds
 * the pointer to --help), then the stacks of the error and its causes only
 * when verbose.
 */
export function formatError(error: unknown, {verbose = false} = {}): string {
  const e = toRapportError(error);
  const hint = !verbose && (e.kind === "software" || e.kind === "io") ? " (--verbose or RAPPORT_DEBUG=1 shows the stack)" : "";
  let out = `rapport: ${e.message}${hint}\n`;
  if (e.kind === "usage") out += "Run rapport --help for usage.\n";
  if (verbose) {
    for (let c: unknown = e; c; c = (c as {cause?: unknown}).cause) {
      out += `${c instanceof Error ? (c.stack ?? c.message) : String(c)}\n`;
      if (!(c instanceof Error)) break;
    }
  }
  return out;
}

function firstLine(text: string): string {
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  return lines.length <= 1 ? (lines[0] ?? "") : `${lines[0]} …`;
}

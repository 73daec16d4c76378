/**
 * One writer at a time per warehouse: `rapport build`, `rapport ingest` and
 * the reloads of `rapport preview` hold `<warehouse>.lock` while they write
 * the warehouse (and, for build, dist/).
 *
 * The lock file holds the holder's pid, command and start time as JSON. It is
 * created with link(2) from a finished temporary file, so it never exists
 * half-written and only one of two runs can create it. A lock whose pid is no
 * longer running (a run killed with -9) is stale: the next run takes it over.
 * A run that finds a live holder waits up to `waitSeconds` (--wait, or
 * RAPPORT_LOCK_WAIT; 0 by default), then stops with exit code 75 (busy)
 * having done nothing.
 *
 * Written here rather than with proper-lockfile or lockfile (npm): those
 * detect staleness by the lock's age, which a long nightly build outlives or
 * a short timeout mistakes; a pid is exact on one machine. The warehouse is a
 * local file (DuckDB does not support network file systems), so one machine
 * is the case to cover.
 */
import {dirname} from "node:path";
import {linkSync, mkdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync} from "node:fs";
import {RapportError} from "../errors.js";
import {isRunning, onInterrupt} from "./processes.js";

export interface LockHolder {
  pid: number;
  command: string;
  started: string;
}

export interface Lock {
  path: string;
  /** Removes the lock file if it is still this run's. */
  release(): void;
}

export interface LockOptions {
  /** What the holder is doing, for the message another run prints. */
  command: string;
  /** How long to wait for a live holder, in seconds (default 0: do not wait). */
  waitSeconds?: number;
  log?: (line: string) => void;
  /** The pause between tries, in milliseconds. */
  pollMs?: number;
}

export async function acquireLock(path: string, {command, waitSeconds = 0, log = () => {}, pollMs = 250}: LockOptions): Promise<Lock> {
  const me: LockHolder = {pid: process.pid, command, started: new Date().toISOString()};
  const deadline = Date.now() + waitSeconds * 1000;
  let waited = false;
  mkdirSync(dirname(path), {recursive: true});
  for (;;) {
    if (tryCreate(path, me)) break;
    const holder = readHolder(path);
    if (holder === undefined) continue; // released between our try and our read
    if (!isRunning(holder.pid)) {
      takeOverStale(path, holder);
      log(`lock: took over ${path} from rapport ${holder.command} (pid ${holder.pid}), which is no longer running`);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new RapportError(
        `another rapport ${holder.command} (pid ${holder.pid}, started ${holder.started}) holds ${path}; this run did nothing. ` +
          (waitSeconds > 0 ? `It waited ${waitSeconds} s; run again later or wait longer (--wait SECONDS)` : "Run again later, or pass --wait SECONDS to wait for it"),
        "busy",
        {file: path}
      );
    }
    if (!waited) log(`lock: rapport ${holder.command} (pid ${holder.pid}) holds ${path}; waiting up to ${waitSeconds} s`);
    waited = true;
    await new Promise((ok) => setTimeout(ok, Math.min(pollMs, Math.max(1, deadline - Date.now()))));
  }
  const unregister = onInterrupt(() => release());
  function release(): void {
    unregister();
    if (readHolder(path)?.pid === process.pid) rmSync(path, {force: true});
  }
  return {path, release};
}

/** Runs f holding the lock at path. */
export async function withLock<T>(path: string, options: LockOptions, f: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(path, options);
  try {
    return await f();
  } finally {
    lock.release();
  }
}

/** Who holds the lock at path, or undefined when there is none. */
export function readHolder(path: string): LockHolder | undefined {
  let text;
  try {
    text = readFileSync(path, "utf-8");
  } catch {
    return undefined;
  }
  try {
    const holder = JSON.parse(text) as LockHolder;
    if (Number.isSafeInteger(holder.pid) && holder.pid > 0) return holder;
  } catch {
    // not a lock this code wrote
  }
  // A file we cannot read as a lock is treated as held by a process that is gone, so it cannot block runs forever.
  return {pid: 0x7fffffff, command: "(unreadable lock file)", started: "unknown"};
}

function tryCreate(path: string, holder: LockHolder): boolean {
  const temporary = `${path}.${holder.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(holder) + "\n");
  try {
    linkSync(temporary, path); // atomic: fails if a lock exists, and the lock is complete when it appears
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return false;
  } finally {
    rmSync(temporary, {force: true});
  }
}

/**
 * Removes a stale lock. Two runs may find the same stale lock at once: each
 * renames the lock aside and checks it moved the stale one; the one that
 * moved a live run's fresh lock instead puts it back.
 */
function takeOverStale(path: string, stale: LockHolder): void {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // another run removed it first
  }
  const moved = readHolder(aside);
  if (moved && moved.pid !== stale.pid && isRunning(moved.pid)) {
    try {
      linkSync(aside, path);
    } catch {
      // a third run created a lock meanwhile; it holds the lock now
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // already gone
  }
}

/** The --wait option or RAPPORT_LOCK_WAIT, in seconds. */
export function waitSeconds(option: string | undefined, env: NodeJS.ProcessEnv = process.env): number {
  const text = option ?? env.RAPPORT_LOCK_WAIT;
  if (text === undefined) return 0;
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n < 0) throw new RapportError(`--wait (or RAPPORT_LOCK_WAIT) must be a number of seconds ≥ 0, not ${JSON.stringify(text)}`, "usage");
  return n;
}

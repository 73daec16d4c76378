/**
 * The rapport command as a real process, for tests whose finding is about
 * processes (signals, locks, crashes, servers under load). Every process a
 * test starts is stopped by its id in stopAll().
 */
import {spawn, type ChildProcess} from "node:child_process";
import {existsSync, readdirSync, readFileSync} from "node:fs";
import {createServer} from "node:net";
import {fileURLToPath} from "node:url";

const bin = fileURLToPath(new URL("../../src/cli/rapport.js", import.meta.url));
const started = new Set<ChildProcess>();

export interface RapportProcess {
  child: ChildProcess;
  pid: number;
  /** Everything written to stderr (and stdout) so far. */
  output(): string;
  /** Resolves with the exit code (or 128 + signal number when killed) once its output is all read. */
  exited: Promise<number>;
  /**
   * Resolves when the process itself has ended, even if children it left
   * behind still hold its output open (exited waits for them too).
   */
  ended: Promise<void>;
}

export function startRapport(args: string[], {cwd, env = {}}: {cwd: string; env?: NodeJS.ProcessEnv}): RapportProcess {
  const child = spawn(process.execPath, [bin, ...args], {cwd, env: {...process.env, CI: "1", ...env}, stdio: ["ignore", "pipe", "pipe"]});
  started.add(child);
  let text = "";
  child.stdout!.on("data", (chunk: Buffer) => (text += chunk));
  child.stderr!.on("data", (chunk: Buffer) => (text += chunk));
  const signals: Record<string, number> = {SIGKILL: 9, SIGTERM: 15, SIGINT: 2};
  const exited = new Promise<number>((ok) => child.on("close", (code, signal) => (started.delete(child), ok(code ?? 128 + (signals[signal!] ?? 0)))));
  const ended = new Promise<void>((ok) => child.on("exit", () => ok()));
  return {child, pid: child.pid!, output: () => text, exited, ended};
}

/** Kills (SIGKILL) every process started here that is still running. */
export function stopAll(): void {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

/** A TCP port free on 127.0.0.1 just now, for a server that must be told its port (Framework's preview). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const {port} = server.address() as {port: number};
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

/** Polls until f() is truthy (returns it) or the time is up (throws with what). */
export async function waitFor<T>(f: () => T | undefined | false, what: string, seconds = 60, pollMs = 100): Promise<T> {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    const value = f();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, pollMs));
  }
}

/** Whether a process with this id exists (a zombie counts as gone). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf-8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** The ids of the live processes in a process group (Linux /proc). */
export function processGroup(pgid: number): number[] {
  if (!existsSync("/proc")) return [];
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf-8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields[0] !== "Z" && Number(fields[2]) === pgid) pids.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** The ids of the live children of a process (Linux /proc). */
export function childrenOf(pid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf-8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields[0] !== "Z" && Number(fields[1]) === pid) pids.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

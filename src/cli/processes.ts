/**
 * The processes rapport starts, and what happens to them when rapport stops.
 *
 * Each child (Framework, and the data loaders Framework starts) runs in its
 * own process group, led by the child. On SIGINT, SIGTERM or SIGHUP rapport
 * kills every group it started, runs the registered clean-ups (its own
 * half-written files, its lock) and exits with 128 + the signal's number.
 * A kill -9 of rapport cannot be caught, so the group leader watches its
 * parent (guard.ts, loaded into the child with --import): when rapport is
 * gone it kills its whole group within half a second. Leftover files of a
 * killed run are removed by the next run (leftovers.ts).
 */
import {spawn, type ChildProcess, type SpawnOptions} from "node:child_process";
import {readFileSync} from "node:fs";

const groups = new Set<number>();
const cleanups = new Set<() => void>();

/** The --import argument that loads the orphan guard into a child node process. */
export const guardImport = new URL("./guard.ts", import.meta.url).href;

/**
 * spawn() with the child leading a new process group, watched by the guard
 * when it is a node process started with `--import ${guardImport}`. The group
 * is killed with rapport (signals) and swept when the child exits.
 */
export function spawnGroup(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, {...options, detached: true, env: {...(options.env ?? process.env), RAPPORT_PARENT_PID: String(process.pid)}});
  const pgid = child.pid;
  if (pgid !== undefined) {
    groups.add(pgid);
    child.on("exit", () => {
      groups.delete(pgid);
      signalGroup(pgid, "SIGKILL"); // a data loader the child left behind
    });
  }
  return child;
}

/** Registers a synchronous clean-up to run if rapport is interrupted; returns a function that unregisters it. */
export function onInterrupt(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => void cleanups.delete(cleanup);
}

/** Kills every process group rapport started and still runs. */
export function killGroups(signal: NodeJS.Signals = "SIGTERM"): void {
  for (const pgid of groups) signalGroup(pgid, signal);
}

/** Runs the clean-ups (each once, errors ignored: this is the way out). */
export function runCleanups(): void {
  for (const cleanup of [...cleanups].reverse()) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // best effort; the next run removes what is left (leftovers.ts)
    }
  }
}

/** Installs the signal handlers of the rapport command (src/cli/rapport.js). */
export function handleSignals(): void {
  const numbers: Partial<Record<NodeJS.Signals, number>> = {SIGHUP: 1, SIGINT: 2, SIGTERM: 15};
  for (const signal of Object.keys(numbers) as NodeJS.Signals[]) {
    process.once(signal, () => {
      const working = groups.size > 0 || cleanups.size > 0;
      killGroups("SIGTERM");
      runCleanups();
      const what = working ? "; its child processes were stopped and its partial files removed, the previous warehouse and dist/ are unchanged" : "";
      process.stderr.write(`rapport: stopped by ${signal}${what}\n`);
      process.exit(128 + numbers[signal]!);
    });
  }
  process.on("exit", () => {
    killGroups("SIGKILL");
    runCleanups();
  });
}

/** Whether a process with this id is running (a zombie, dead but not yet reaped, counts as gone). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf-8");
    return stat[stat.lastIndexOf(")") + 2] !== "Z";
  } catch {
    return true; // no /proc (not Linux): kill(pid, 0) said it runs
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group has ended
  }
}

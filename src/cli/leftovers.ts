/**
 * What a run killed with -9 leaves behind, and its removal by the next run
 * (which holds the lock, so no live run is writing them). Each name carries
 * the pid of the run that wrote it; only names of pids no longer running are
 * touched:
 * - beside the warehouse: `<warehouse>.next-PID` (ingest's working copy),
 *   `<warehouse>.staged-PID` (a build's new warehouse waiting for its site),
 *   each with DuckDB's `.wal` and `.tmp`; and the spill folders of DuckDB
 *   instances, `<warehouse>.tmp-PID-N` (also after `.next-PID`), see
 *   src/warehouse/duckdb.ts;
 * - in the project: `dist.next-PID` (a site being built) is removed;
 *   `dist.previous-PID` (the old site, moved aside during the swap) is put
 *   back as dist/ when the run died before the new one was in place, and
 *   removed otherwise.
 */
import {existsSync, readdirSync, renameSync, rmSync} from "node:fs";
import {basename, dirname, join, relative} from "node:path";
import {isRunning} from "./processes.js";

export interface Leftover {
  path: string;
  pid: number;
  action: "removed" | "restored as dist/";
}

export function cleanLeftovers({cwd, warehouse, log = () => {}}: {cwd: string; warehouse: string; log?: (line: string) => void}): Leftover[] {
  const done: Leftover[] = [];
  const base = basename(warehouse).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const beside = new RegExp(`^${base}(?:\\.(?:next|staged)-(\\d+))?(?:\\.wal|\\.tmp(?:-(\\d+)-\\d+)?)?$`);
  for (const name of list(dirname(warehouse))) {
    const match = beside.exec(name);
    const pid = Number(match?.[2] ?? match?.[1]);
    if (!pid || pid === process.pid || isRunning(pid)) continue;
    rmSync(join(dirname(warehouse), name), {recursive: true, force: true});
    done.push({path: join(dirname(warehouse), name), pid, action: "removed"});
  }
  const names = list(cwd);
  for (const name of names.sort((a, b) => Number(/-(\d+)$/.exec(b)?.[1]) - Number(/-(\d+)$/.exec(a)?.[1]))) {
    const match = /^dist\.(next|previous)-(\d+)$/.exec(name);
    const pid = Number(match?.[2]);
    if (!match || pid === process.pid || isRunning(pid)) continue;
    const path = join(cwd, name);
    if (match[1] === "previous" && !existsSync(join(cwd, "dist"))) {
      renameSync(path, join(cwd, "dist"));
      done.push({path, pid, action: "restored as dist/"});
    } else {
      rmSync(path, {recursive: true, force: true});
      done.push({path, pid, action: "removed"});
    }
  }
  for (const d of done) log(`leftovers: ${d.action} ${relative(cwd, d.path) || d.path}, left by a run that stopped without cleaning up (pid ${d.pid})`);
  return done;
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

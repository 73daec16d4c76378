import {spawn, spawnSync} from "node:child_process";
import {existsSync, mkdirSync, readFileSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {acquireLock, readHolder, waitSeconds} from "../../src/cli/lock.js";
import {cleanLeftovers} from "../../src/cli/leftovers.js";
import {tempTree} from "../support/fixtures.js";

const deadPid = () => spawnSync("true").pid!;

describe("acquireLock", () => {
  it("acquireLock(path) writes the holder's pid and command, and release() removes it", async () => {
    const path = join(tempTree({}), "w.duckdb.lock");
    const lock = await acquireLock(path, {command: "build"});
    expect(readHolder(path)).toMatchObject({pid: process.pid, command: "build"});
    lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it("acquireLock(path) while a live process holds it throws a busy error (exit 75) naming the holder", async () => {
    const path = join(tempTree({}), "w.duckdb.lock");
    const lock = await acquireLock(path, {command: "build"});
    try {
      await expect(acquireLock(path, {command: "ingest"})).rejects.toMatchObject({kind: "busy", exitCode: 75, message: expect.stringMatching(`another rapport build \\(pid ${process.pid}`)});
    } finally {
      lock.release();
    }
  });

  it("acquireLock(path, {waitSeconds}) waits for the holder to release, and gives up after waitSeconds", async () => {
    const path = join(tempTree({}), "w.duckdb.lock");
    const first = await acquireLock(path, {command: "build"});
    setTimeout(() => first.release(), 300);
    const lines: string[] = [];
    const second = await acquireLock(path, {command: "build", waitSeconds: 10, pollMs: 50, log: (l) => lines.push(l)});
    expect(lines.join("\n")).toMatch(/waiting up to 10 s/);
    const started = Date.now();
    await expect(acquireLock(path, {command: "build", waitSeconds: 0.3, pollMs: 50})).rejects.toMatchObject({kind: "busy", message: expect.stringMatching(/It waited 0\.3 s/)});
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    second.release();
  });

  it("acquireLock(path) takes over a lock whose pid is no longer running, and an unreadable one", async () => {
    const path = join(tempTree({}), "w.duckdb.lock");
    writeFileSync(path, JSON.stringify({pid: deadPid(), command: "build", started: "x"}));
    const lock = await acquireLock(path, {command: "ingest"});
    expect(readHolder(path)?.pid).toBe(process.pid);
    lock.release();
    writeFileSync(path, "garbage");
    (await acquireLock(path, {command: "ingest"})).release();
  });

  it("release() leaves alone a lock that another run holds now", async () => {
    const path = join(tempTree({}), "w.duckdb.lock");
    const lock = await acquireLock(path, {command: "build"});
    writeFileSync(path, JSON.stringify({pid: process.ppid, command: "build", started: "x"}));
    lock.release();
    expect(readHolder(path)?.pid).toBe(process.ppid);
  });

  it("waitSeconds(option, env) reads --wait, then RAPPORT_LOCK_WAIT, and refuses anything but seconds ≥ 0", () => {
    expect(waitSeconds(undefined, {})).toBe(0);
    expect(waitSeconds("30", {RAPPORT_LOCK_WAIT: "5"})).toBe(30);
    expect(waitSeconds(undefined, {RAPPORT_LOCK_WAIT: "5"})).toBe(5);
    expect(() => waitSeconds("-1", {})).toThrow(/--wait .* seconds ≥ 0/);
    expect(() => waitSeconds("soon", {})).toThrow(/not "soon"/);
  });
});

describe("cleanLeftovers", () => {
  it("cleanLeftovers() removes the files of runs that are gone, keeps those of live runs, and puts back dist.previous when dist/ is missing", async () => {
    const dead = deadPid();
    const live = spawn("sleep", ["30"]);
    try {
      const cwd = tempTree({
        [`.rapport/warehouse.duckdb.next-${dead}`]: "x",
        [`.rapport/warehouse.duckdb.next-${dead}.wal`]: "x",
        [`.rapport/warehouse.duckdb.staged-${dead}`]: "x",
        [`.rapport/warehouse.duckdb.next-${live.pid}`]: "live",
        ".rapport/warehouse.duckdb": "kept",
        [`dist.next-${dead}/index.html`]: "half",
        [`dist.previous-${dead}/index.html`]: "old site",
        [`dist.next-${live.pid}/index.html`]: "live"
      });
      mkdirSync(join(cwd, ".rapport", `warehouse.duckdb.next-${dead}.tmp`));
      // Spill folders of DuckDB instances (src/warehouse/duckdb.ts): a dead reader's goes, a live one's stays.
      mkdirSync(join(cwd, ".rapport", `warehouse.duckdb.tmp-${dead}-3`));
      mkdirSync(join(cwd, ".rapport", `warehouse.duckdb.next-${dead}.tmp-${dead}-1`));
      mkdirSync(join(cwd, ".rapport", `warehouse.duckdb.tmp-${live.pid}-1`));
      const lines: string[] = [];
      const done = cleanLeftovers({cwd, warehouse: join(cwd, ".rapport", "warehouse.duckdb"), log: (l) => lines.push(l)});
      expect(done).toHaveLength(8);
      expect(existsSync(join(cwd, ".rapport", `warehouse.duckdb.tmp-${live.pid}-1`))).toBe(true);
      expect(readFileSync(join(cwd, "dist", "index.html"), "utf-8")).toBe("old site");
      expect(existsSync(join(cwd, ".rapport", `warehouse.duckdb.next-${live.pid}`))).toBe(true);
      expect(existsSync(join(cwd, `dist.next-${live.pid}`))).toBe(true);
      expect(existsSync(join(cwd, ".rapport", "warehouse.duckdb"))).toBe(true);
      for (const name of [`warehouse.duckdb.next-${dead}`, `warehouse.duckdb.next-${dead}.wal`, `warehouse.duckdb.next-${dead}.tmp`, `warehouse.duckdb.staged-${dead}`, `warehouse.duckdb.tmp-${dead}-3`, `warehouse.duckdb.next-${dead}.tmp-${dead}-1`]) {
        expect(existsSync(join(cwd, ".rapport", name)), name).toBe(false);
      }
      expect(existsSync(join(cwd, `dist.next-${dead}`))).toBe(false);
      expect(lines.join("\n")).toMatch(new RegExp(`restored as dist/ dist\\.previous-${dead}, left by a run that stopped without cleaning up \\(pid ${dead}\\)`));
    } finally {
      live.kill();
    }
  });
});

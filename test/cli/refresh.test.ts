/**
 * The promises `rapport build` and `rapport ingest` make to a scheduler that
 * nobody watches, checked on real processes of the rapport command on a tiny
 * project (test/support/project.ts): one run at a time (a lock), all or
 * nothing (warehouse and dist/ swapped together, only on success), nothing
 * left behind by a run killed with -9 (its children die with it, its files
 * are removed by the next run), a full disk and an internal error each end
 * with one line and a documented exit code.
 */
import {spawnSync} from "node:child_process";
import {createHash} from "node:crypto";
import {appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {afterAll, afterEach, beforeAll, describe, expect, it} from "vitest";
import {exitCodes} from "../../src/errors.js";
import {withDuckDB} from "../../src/warehouse/duckdb.js";
import {customersCsv, ordersCsv, ordersIn, tinyEnv, tinyProject} from "../support/project.js";
import {alive, childrenOf, processGroup, startRapport, stopAll, waitFor} from "../support/process.js";

afterEach(() => stopAll());

const build = (project: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) => startRapport(["build", ...args], {cwd: project, env: tinyEnv(project, env)});
const warehouseOf = (project: string) => join(project, ".rapport", "warehouse.duckdb");
const sha = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
/** The order count the built site shows (its one data file). */
function siteOrders(project: string): number {
  const dir = join(project, "dist", "_file", "data");
  return JSON.parse(readFileSync(join(dir, readdirSync(dir).find((f) => f.startsWith("orders."))!), "utf-8")).n;
}
function snapshot(dir: string): string {
  const files = readdirSync(dir, {recursive: true, withFileTypes: true}).filter((e) => e.isFile());
  return files.map((e) => `${join(e.parentPath, e.name)}:${sha(join(e.parentPath, e.name))}`).sort().join("\n");
}
/** Files a run writes before its swap (or a killed run leaves): *.next-PID, *.staged-PID, dist.previous-PID, and their .wal. */
function partials(project: string, warehouseDir = join(project, ".rapport")): string[] {
  return [project, warehouseDir].flatMap((d) => (existsSync(d) ? readdirSync(d) : [])).filter((f) => /\.(next|staged|previous)-\d+/.test(f));
}
/** The pid of a process that has ended. */
function deadPid(): number {
  return spawnSync("true").pid!;
}

describe("rapport build, one run at a time and all or nothing (real processes)", () => {
  let project: string;
  let orders = 5;
  const addOrders = (n: number) => {
    appendFileSync(join(project, "data", "orders.csv"), ordersCsv(orders + n).split("\n").slice(orders + 1, orders + n + 1).join("\n") + "\n");
    orders += n;
  };

  beforeAll(async () => {
    project = tinyProject({orders});
    const first = build(project);
    expect(await first.exited, first.output()).toBe(exitCodes.ok);
    expect(siteOrders(project)).toBe(5);
  }, 180_000);

  it("two rapport build runs started together: one builds, the other exits 75 saying who holds the lock, and does nothing", async () => {
    addOrders(2);
    const [a, b] = [build(project), build(project)];
    const codes = await Promise.all([a.exited, b.exited]);
    expect(codes.slice().sort(), a.output() + b.output()).toEqual([exitCodes.ok, exitCodes.busy]);
    const loser = codes[0] === exitCodes.busy ? a : b;
    expect(loser.output()).toMatch(/^rapport: another rapport build \(pid \d+, started .*\) holds .*warehouse\.duckdb\.lock; this run did nothing\. Run again later, or pass --wait SECONDS/m);
    expect(loser.output()).not.toMatch(/replaced/);
    expect(await ordersIn(warehouseOf(project))).toBe(orders);
    expect(siteOrders(project)).toBe(orders);
    expect(existsSync(`${warehouseOf(project)}.lock`)).toBe(false);
  }, 180_000);

  it("two rapport build --wait runs started together: the second waits for the first, then both exit 0", async () => {
    addOrders(1);
    const [a, b] = [build(project, ["--wait", "600"]), build(project, ["--wait", "600"])];
    expect(await Promise.all([a.exited, b.exited]), a.output() + b.output()).toEqual([exitCodes.ok, exitCodes.ok]);
    expect(a.output() + b.output()).toMatch(/lock: rapport build \(pid \d+\) holds .*; waiting up to 600 s/);
    expect(siteOrders(project)).toBe(orders);
  }, 180_000);

  it("rapport build takes over a lock whose holder is gone", async () => {
    writeFileSync(`${warehouseOf(project)}.lock`, JSON.stringify({pid: deadPid(), command: "build", started: "2026-01-01T00:00:00Z"}));
    const run = build(project);
    expect(await run.exited, run.output()).toBe(exitCodes.ok);
    expect(run.output()).toMatch(/lock: took over .*warehouse\.duckdb\.lock from rapport build \(pid \d+\), which is no longer running/);
  }, 180_000);

  it("a failed site build (70) and a failed privacy check (67) keep the previous warehouse and dist/; the next good build swaps both", async () => {
    const warehouse = warehouseOf(project);
    const [before, site, kept] = [sha(warehouse), snapshot(join(project, "dist")), orders];
    addOrders(3);
    const failed = build(project, [], {TINY_FAIL: "1"});
    expect(await failed.exited, failed.output()).toBe(exitCodes.buildFailed);
    expect(await ordersIn(warehouse)).toBe(kept);
    expect(sha(warehouse)).toBe(before);
    expect(snapshot(join(project, "dist"))).toBe(site);
    expect(partials(project)).toEqual([]);
    expect(failed.output()).toMatch(/site build FAILED, the previous warehouse and dist\/ are unchanged/);

    writeFileSync(join(project, "reports", "leak.md"), "# Leak\n\nWrite to person.c2@tiny-example.org.\n");
    const leaked = build(project);
    expect(await leaked.exited, leaked.output()).toBe(exitCodes.privacy);
    expect(sha(warehouse)).toBe(before);
    expect(snapshot(join(project, "dist"))).toBe(site);
    expect(partials(project)).toEqual([]);
    rmSync(join(project, "reports", "leak.md"));

    const good = build(project);
    expect(await good.exited, good.output()).toBe(exitCodes.ok);
    expect(good.output()).toMatch(/warehouse and dist\/ replaced with the new ones/);
    expect(await ordersIn(warehouse)).toBe(orders);
    expect(siteOrders(project)).toBe(orders);
  }, 300_000);

  it("kill -9 of rapport build: Framework and its data loader die with it, and the next build removes what it left", async () => {
    addOrders(1);
    const mark = join(project, "loader.pid");
    const run = build(project, [], {TINY_SLEEP: "120", TINY_MARK: mark});
    const loader = await waitFor(() => existsSync(mark) && Number(readFileSync(mark, "utf-8")), "the data loader to start", 120);
    const [framework] = childrenOf(run.pid);
    expect(alive(framework) && alive(loader)).toBe(true);
    run.child.kill("SIGKILL");
    await run.ended;
    await waitFor(() => !alive(framework) && !alive(loader) && processGroup(framework).length === 0, "Framework and its data loader to end", 10);
    const left = partials(project);
    expect(left).toContain(`warehouse.duckdb.staged-${run.pid}`);

    rmSync(mark);
    const next = build(project);
    expect(await next.exited, next.output()).toBe(exitCodes.ok);
    expect(next.output()).toMatch(new RegExp(`leftovers: removed .*warehouse\\.duckdb\\.staged-${run.pid}, left by a run that stopped without cleaning up \\(pid ${run.pid}\\)`));
    expect(partials(project)).toEqual([]);
    expect(siteOrders(project)).toBe(orders);
  }, 300_000);

  it("SIGTERM to rapport build stops Framework and its loader, removes its partial files and the lock, exits 143, and keeps the previous warehouse", async () => {
    const before = sha(warehouseOf(project));
    addOrders(1);
    const mark = join(project, "loader.pid");
    const run = build(project, [], {TINY_SLEEP: "120", TINY_MARK: mark});
    const loader = await waitFor(() => existsSync(mark) && Number(readFileSync(mark, "utf-8")), "the data loader to start", 120);
    const [framework] = childrenOf(run.pid);
    run.child.kill("SIGTERM");
    await run.ended;
    await waitFor(() => !alive(framework) && !alive(loader) && processGroup(framework).length === 0, "Framework and its data loader to end", 10);
    expect(partials(project)).toEqual([]);
    expect(existsSync(`${warehouseOf(project)}.lock`)).toBe(false);
    expect(sha(warehouseOf(project))).toBe(before);
    expect(await run.exited).toBe(143);
    expect(run.output()).toMatch(/stopped by SIGTERM/);
    rmSync(mark);
  }, 300_000);
});

describe("rapport ingest under faults (real processes)", () => {
  it("kill -9 of rapport ingest leaves its working copy; the next ingest removes it and loads", async () => {
    const dir = tinyProject();
    const ingest = () => startRapport(["ingest", "data", "--warehouse", "w.duckdb"], {cwd: dir});
    const first = ingest();
    expect(await first.exited, first.output()).toBe(exitCodes.ok);
    writeFileSync(join(dir, "data", "orders.csv"), ordersCsv(150_000));
    const run = ingest();
    const working = join(dir, `w.duckdb.next-${run.pid}`);
    await waitFor(() => existsSync(working), "ingest's working copy", 60, 10);
    run.child.kill("SIGKILL");
    await run.exited;
    expect(existsSync(working)).toBe(true);
    expect(await ordersIn(join(dir, "w.duckdb"))).toBe(5);

    const next = ingest();
    expect(await next.exited, next.output()).toBe(exitCodes.ok);
    expect(next.output()).toMatch(new RegExp(`leftovers: removed w\\.duckdb\\.next-${run.pid}\\b`));
    expect(readdirSync(dir).filter((f) => f.includes(".next-"))).toEqual([]);
    expect(await ordersIn(join(dir, "w.duckdb"))).toBe(150_000);
  }, 180_000);

  it("rapport ingest while another run holds the lock exits 75 and does nothing", async () => {
    const dir = tinyProject();
    // The holder: this test's own process, which is running.
    writeFileSync(join(dir, "w.duckdb.lock"), JSON.stringify({pid: process.pid, command: "build", started: "2026-12-01T00:00:00Z"}));
    const run = startRapport(["ingest", "data", "--warehouse", "w.duckdb"], {cwd: dir});
    expect(await run.exited).toBe(exitCodes.busy);
    expect(run.output()).toMatch(new RegExp(`another rapport build \\(pid ${process.pid}, .*holds .*w\\.duckdb\\.lock; this run did nothing`));
    expect(existsSync(join(dir, "w.duckdb"))).toBe(false);
    expect(readFileSync(join(dir, "w.duckdb.lock"), "utf-8")).toMatch(String(process.pid));
  }, 60_000);

  it("an internal error exits 70 with one line; --verbose and RAPPORT_DEBUG=1 add the stack", async () => {
    const dir = tinyProject();
    // A DuckDB file without rapport's tables: the metric's query fails in a way no command expects.
    await withDuckDB((db) => db.run("CREATE TABLE unrelated (a INTEGER)"), join(dir, "broken.duckdb"));
    const plain = startRapport(["metrics", "nps", "--warehouse", "broken.duckdb"], {cwd: dir});
    expect(await plain.exited).toBe(exitCodes.software);
    expect(plain.output().trim().split("\n")).toHaveLength(1);
    expect(plain.output()).toMatch(/^rapport: internal error: .* \(--verbose or RAPPORT_DEBUG=1 shows the stack\)$/m);
    for (const [args, env] of [[["--verbose"], {}], [[], {RAPPORT_DEBUG: "1"}]] as const) {
      const verbose = startRapport(["metrics", "nps", "--warehouse", "broken.duckdb", ...args], {cwd: dir, env});
      expect(await verbose.exited).toBe(exitCodes.software);
      expect(verbose.output()).toMatch(/\n\s+at /);
    }
  }, 60_000);
});

/** A small tmpfs (root on Linux): a real full disk. */
function mountTmpfs(dir: string, size: string): boolean {
  mkdirSync(dir, {recursive: true});
  return process.getuid?.() === 0 && spawnSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir]).status === 0;
}

describe("a full disk (a 4 MB tmpfs)", () => {
  let disk: string;
  let mounted = false;
  beforeAll(() => {
    disk = join(tinyProject(), "disk");
    mounted = mountTmpfs(disk, "4m");
  });
  afterAll(() => {
    if (mounted) spawnSync("umount", [disk]);
  });

  it("rapport ingest and rapport build on a full disk exit 74 with one line, keep the previous warehouse and leave no partial file", async (context) => {
    if (!mounted) return context.skip("needs root to mount a tmpfs");
    const dir = join(disk, "..");
    writeFileSync(join(dir, "rapport.config.json"), JSON.stringify({warehouse: join(disk, "warehouse.duckdb")}));
    const ingest = () => startRapport(["ingest", "data"], {cwd: dir});
    const first = ingest();
    expect(await first.exited, first.output()).toBe(exitCodes.ok);
    const before = sha(join(disk, "warehouse.duckdb"));
    writeFileSync(join(dir, "data", "customers.csv"), customersCsv());
    writeFileSync(join(dir, "data", "orders.csv"), ordersCsv(150_000));
    for (const start of [ingest, () => build(dir)]) {
      const run = start();
      expect(await run.exited, run.output()).toBe(exitCodes.io);
      const last = run.output().trim().split("\n").at(-1)!;
      expect(last).toMatch(/^rapport: the disk is full \(.*No space left on device.*\); free space and run again\. The (warehouse is|previous warehouse and dist\/ are) unchanged/);
      expect(run.output()).not.toMatch(/\n\s+at /);
      expect(sha(join(disk, "warehouse.duckdb"))).toBe(before);
      expect(partials(dir, disk)).toEqual([]);
    }
  }, 120_000);
});

/**
 * Peak resident memory of a process and all its descendants (Framework and
 * its data loaders are children of `rapport build`), sampled from /proc every
 * 200 ms: the largest sum of their RSS seen. A process's own exact peak is
 * its `process.resourceUsage().maxRSS`; this catches the children it spawns.
 * Off Linux (no /proc) it reports 0.
 */
import {readFileSync, readdirSync} from "node:fs";

export function peakTreeRss(root: number, everyMs = 200): {stop(): number} {
  let peak = 0;
  const sample = () => {
    const rss = treeRssBytes(root);
    if (rss > peak) peak = rss;
  };
  const timer = setInterval(sample, everyMs);
  sample();
  return {
    stop() {
      clearInterval(timer);
      return peak / 2 ** 20;
    }
  };
}

function treeRssBytes(root: number): number {
  let processes: string[];
  try {
    processes = readdirSync("/proc").filter((f) => /^\d+$/.test(f));
  } catch {
    return 0;
  }
  const children = new Map<number, number[]>();
  for (const p of processes) {
    try {
      // pid (comm) state ppid ...: comm may hold spaces, so split after the last ")".
      const stat = readFileSync(`/proc/${p}/stat`, "utf-8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(p)]);
    } catch {
      // the process ended while we looked
    }
  }
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    try {
      total += Number(readFileSync(`/proc/${pid}/statm`, "utf-8").split(" ")[1]) * 4096;
    } catch {
      // ended
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

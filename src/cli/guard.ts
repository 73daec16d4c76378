/**
 * Loaded into a child process rapport starts (node --import …/guard.ts):
 * when rapport is gone (killed with -9, so it could not stop its children),
 * this kills the child's whole process group, data loaders included, rather
 * than let it run on as an orphan. See processes.ts.
 */
import {readFileSync} from "node:fs";

const parent = Number(process.env.RAPPORT_PARENT_PID);

/** The parent's id now: /proc (live) on Linux; process.ppid is fixed at start. */
function currentParent(): number | undefined {
  try {
    const stat = readFileSync("/proc/self/stat", "utf-8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    try {
      process.kill(parent, 0);
      return parent;
    } catch {
      return undefined;
    }
  }
}

// Only the group leader (the process rapport started) watches; its children inherit the variable, not the import.
if (parent > 0 && currentParent() === parent) {
  setInterval(() => {
    if (currentParent() === parent) return;
    try {
      process.kill(-process.pid, "SIGKILL");
    } catch {
      process.exit(137);
    }
  }, 500).unref();
}

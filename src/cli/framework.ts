/**
 * Runs Observable Framework (`observable build` or `observable preview`) the
 * rapport way: offline, with npm imports answered from node_modules (see
 * src/offline/), telemetry off, and the npm cache pruned of versions that
 * package-lock.json no longer installs.
 */
import {createRequire} from "node:module";
import {delimiter, join} from "node:path";
import {pathToFileURL} from "node:url";
import {pruneNpmCache} from "../offline/cache.js";
import {indexPackages} from "../offline/packages.js";
import {guardImport, spawnGroup} from "./processes.js";

const require = createRequire(import.meta.url);

export interface FrameworkOptions {
  /** The project folder holding observablehq.config.ts and node_modules. */
  cwd: string;
  /** The Framework root, relative to cwd (observablehq.config.ts says "reports"). */
  root?: string;
  /** Extra environment for Framework and the data loaders it runs. */
  env?: NodeJS.ProcessEnv;
  /** Where Framework's output goes; inherit by default. */
  stdio?: "inherit" | "pipe";
  log?: (line: string) => void;
}

/**
 * Spawns Framework with args (e.g. ["build"]) and resolves with its exit code.
 * Framework and the data loaders it runs form one process group that dies
 * with rapport, even with kill -9 (see processes.ts).
 */
export async function runFramework(args: string[], options: FrameworkOptions): Promise<number> {
  const {cwd, root = "reports", env = {}, stdio = "inherit", log = (line) => console.error(line)} = options;
  const removed = pruneNpmCache(join(cwd, root, ".observablehq", "cache"), indexPackages(cwd));
  if (removed.length) log(`npm cache: dropped ${removed.join(", ")} (not installed)`);
  const frameworkBin = join(require.resolve("@observablehq/framework/package.json"), "..", "dist", "bin", "observable.js");
  const register = new URL("../offline/register.ts", import.meta.url).href;
  const tsx = pathToFileURL(require.resolve("tsx")).href;
  // The preview also answers the notebook's Save as page and Open page (notebook-save.ts).
  const notebook = args[0] === "preview" ? ["--import", new URL("./notebook-save.ts", import.meta.url).href] : [];
  const child = spawnGroup(process.execPath, ["--import", tsx, "--import", guardImport, "--import", register, ...notebook, frameworkBin, ...args], {
    cwd,
    stdio: stdio === "inherit" ? "inherit" : ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      // Framework runs .ts data loaders with the `tsx` command it finds on PATH.
      PATH: [join(cwd, "node_modules", ".bin"), process.env.PATH].filter(Boolean).join(delimiter),
      OBSERVABLE_TELEMETRY_DISABLE: "true",
      RAPPORT_PACKAGES_ROOT: cwd,
      ...(args[0] === "preview" ? {RAPPORT_NOTEBOOK_ROOT: root} : {}),
      ...env
    }
  });
  if (stdio === "pipe") {
    child.stdout?.on("data", (chunk: Buffer) => process.stderr.write(chunk));
    child.stderr?.on("data", (chunk: Buffer) => process.stderr.write(chunk));
  }
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

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
  /**
   * Where Framework's output goes: inherit (the default) passes it all through; pipe sends it
   * all to stderr; quiet sends to stderr only what a person needs (see frameworkNoise).
   */
  stdio?: "inherit" | "pipe" | "quiet";
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
  // The offline resolver's placeholders for packages that are not installed (see frameworkNoise) go every time: not news.
  // (NOT_INSTALLED in src/offline/cdn.ts, which is not imported here: it loads esbuild.)
  const upgraded = removed.filter((entry) => !entry.endsWith("@0.0.0-not-installed"));
  if (upgraded.length) log(`npm cache: dropped ${upgraded.join(", ")} (no longer installed)`);
  const frameworkBin = join(require.resolve("@observablehq/framework/package.json"), "..", "dist", "bin", "observable.js");
  const register = new URL("../offline/register.ts", import.meta.url).href;
  const tsx = pathToFileURL(require.resolve("tsx")).href;
  // The preview also answers the notebook's Save as page and Open page (notebook-save.ts).
  const notebook = args[0] === "preview" ? ["--import", new URL("./notebook-save.ts", import.meta.url).href] : [];
  const child = spawnGroup(process.execPath, ["--import", tsx, "--import", guardImport, "--import", register, ...notebook, frameworkBin, ...args], {
    cwd,
    stdio: stdio === "inherit" ? "inherit" : ["ignore", "pipe", "pipe"],
    env: {
      // RAPPORT_RESULTS (src/results/stored.ts) only as the build names it: never inherited into a preview.
      ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== "RAPPORT_RESULTS")),
      // node_modules/.bin first: the commands Framework and the data loaders start (observablehq.config.ts runs .ts loaders with tsx's loader).
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
  const flush: (() => void)[] = [];
  if (stdio === "quiet") {
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      let rest = "";
      const emit = (line: string) => {
        if (!isFrameworkNoise(line)) process.stderr.write(`${line}\n`);
      };
      stream.setEncoding("utf-8");
      stream.on("data", (chunk: string) => {
        const lines = (rest + chunk).split("\n");
        rest = lines.pop()!;
        lines.forEach(emit);
      });
      flush.push(() => rest && emit(rest));
    }
  }
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      flush.forEach((f) => f());
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

/**
 * Framework's routine progress, which a build prints some 280 lines of: each
 * module it resolves, bundles, aliases, copies and renders, each data loader's
 * output file and time. `npm:react-dom@latest → npm:react-dom@0.0.0-not-installed`
 * is among them: Framework probes optional packages its client can use, and
 * the offline resolver (src/offline/cdn.ts) answers that they are not
 * installed, which is expected. Everything else (warnings, errors, a loader's
 * own messages, the page-size table) is kept.
 */
const frameworkNoise = [
  /^(load|bundle|build|copy|render|alias) \S.*(→|\bin \d+ms$)/,
  // Resolutions, alone or run together on one line when Framework resolves several at once.
  /^(\s*(→\s*)?(npm:|reports\/\.observablehq\/)\S+)+\s*$/,
  /^(\S+ )?in \d+ms$/,
  /^success [\d.]+ \S*B in \d+ms$/,
  /^(dist[^/\s]*|reports\/\.observablehq\/cache)\/\S+$/,
  /^built \d+ pages? in \S+$/,
  /^\s*$/
];

export function isFrameworkNoise(line: string): boolean {
  // eslint-disable-next-line no-control-regex
  const plain = line.replace(/\x1b\[[0-9;]*m/g, "");
  return frameworkNoise.some((pattern) => pattern.test(plain));
}

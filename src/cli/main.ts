/**
 * The rapport command line. Each subcommand is a function from arguments to
 * an exit code; nothing here calls process.exit, so tests run it in-process.
 */
import {readFileSync} from "node:fs";
import {resolve} from "node:path";
import {parseArgs} from "node:util";
import {runFramework} from "./framework.js";
import {serveStatic} from "./serve.js";
import {writeSample} from "../sample/write.js";

/** Exit codes a scheduler can act on (sysexits.h numbering). */
export const exitCodes = {ok: 0, usage: 64, badInput: 65, buildFailed: 70} as const;

const help = `rapport — customer-relationship reports from CRM exports

Usage: rapport <command> [options]

Commands:
  build                 build the site from data/ into dist/ (offline: npm imports come from node_modules)
  preview               live preview for editing report pages (Framework's dev server)
  serve [DIR]           serve a built site (default dist/) on http://127.0.0.1:3000
  sample [DIR]          write the seeded sample CRM exports (default data/sample/)

Options:
  -h, --help            show this help
  -v, --version         show the version
  --port N              serve, preview: the port (default 3000)
  --customers N         sample: how many customers (default 3000)
  --seed N              sample: the random seed (default 42)

Exit codes: 0 ok, 64 usage error, 65 bad input, 70 build failed.
`;

export async function main(argv: string[], cwd = process.cwd()): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        help: {type: "boolean", short: "h"},
        version: {type: "boolean", short: "v"},
        port: {type: "string"},
        host: {type: "string"},
        customers: {type: "string"},
        seed: {type: "string"}
      }
    });
  } catch (error) {
    process.stderr.write(`rapport: ${(error as Error).message}\nRun rapport --help for usage.\n`);
    return exitCodes.usage;
  }
  const {values, positionals} = parsed;
  const [command, ...rest] = positionals;
  if (values.version) {
    process.stdout.write(`${version()}\n`);
    return exitCodes.ok;
  }
  if (values.help || command === undefined || command === "help") {
    process.stdout.write(help);
    return exitCodes.ok;
  }
  try {
    return await run(command, rest, values, cwd);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`rapport: ${error.message}\nRun rapport --help for usage.\n`);
    return exitCodes.usage;
  }
}

async function run(command: string, rest: string[], values: Record<string, string | boolean | undefined>, cwd: string): Promise<number> {
  const option = (name: string) => values[name] as string | undefined;
  switch (command) {
    case "build":
      return (await runFramework(["build"], {cwd})) === 0 ? exitCodes.ok : exitCodes.buildFailed;
    case "preview":
      return runFramework(["preview", "--port", option("port") ?? "3000", ...(option("host") ? ["--host", option("host")!] : [])], {cwd});
    case "serve": {
      const port = integer(option("port") ?? "3000", "--port");
      const site = await serveStatic(resolve(cwd, rest[0] ?? "dist"), {port, host: option("host") ?? "127.0.0.1"});
      process.stderr.write(`rapport: serving ${rest[0] ?? "dist"} at ${site.url} (Ctrl-C to stop)\n`);
      await new Promise(() => {}); // until interrupted
      return exitCodes.ok;
    }
    case "sample": {
      const dir = resolve(cwd, rest[0] ?? "data/sample");
      const counts = await writeSample(dir, {
        customers: integer(option("customers") ?? "3000", "--customers"),
        seed: integer(option("seed") ?? "42", "--seed")
      });
      for (const [file, rows] of Object.entries(counts)) process.stderr.write(`rapport: wrote ${rows} rows to ${file}\n`);
      return exitCodes.ok;
    }
    default:
      process.stderr.write(`rapport: unknown command ${JSON.stringify(command)}\nRun rapport --help for usage.\n`);
      return exitCodes.usage;
  }
}

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf-8")) as {version: string};
  return pkg.version;
}

function integer(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number, not ${JSON.stringify(value)}`);
  return n;
}

export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * The rapport command line: parses the arguments, runs one command (see
 * commands.ts) and turns whatever it throws into a one-line message and an
 * exit code from the documented list (src/errors.ts). Nothing here calls
 * process.exit, so tests run it in-process.
 */
import {readFileSync} from "node:fs";
import {parseArgs, type ParseArgsConfig} from "node:util";
import {exitCodes, formatError, toRapportError} from "../errors.js";
import type {Command, OptionValues} from "./command.js";
import * as registry from "./commands.js";

export {exitCodes} from "../errors.js";
export {UsageError} from "../errors.js";

const commands: Record<string, Command> = {...registry};

/** Options every command accepts, or several share. */
const commonOptions: NonNullable<ParseArgsConfig["options"]> = {
  help: {type: "boolean", short: "h"},
  version: {type: "boolean", short: "v"},
  verbose: {type: "boolean"},
  config: {type: "string"},
  warehouse: {type: "string"},
  wait: {type: "string"},
  port: {type: "string"},
  host: {type: "string"}
};

const commonHelp = [
  "-h, --help            show this help",
  "-v, --version         show the version",
  "--verbose             on an error, print the stack too (also RAPPORT_DEBUG=1)",
  "--config FILE         ingest, check, build: the config (default rapport.config.json if present)",
  "--warehouse FILE      ingest, metrics, clv: the warehouse (default .rapport/warehouse.duckdb)",
  "--wait SECONDS        ingest, build: wait this long for another run's lock (default 0; also RAPPORT_LOCK_WAIT)",
  "--port N              serve, preview: the port (default 3000)",
  "--host H              serve, preview: the address to listen on (default 127.0.0.1)"
];

function help(): string {
  const entries = Object.entries(commands);
  const width = Math.max(...entries.map(([name, c]) => `${name} ${c.usage}`.trim().length)) + 2;
  const lines = entries.map(([name, c]) => `  ${`${name} ${c.usage}`.trim().padEnd(width)}${c.summary}`);
  const options = [...commonHelp, ...entries.flatMap(([, c]) => c.optionHelp ?? [])].map((l) => `  ${l}`);
  return `rapport — customer-relationship reports from CRM exports

Usage: rapport <command> [options]

Commands:
${lines.join("\n")}

Options:
${options.join("\n")}

Exit codes: 0 ok, 64 usage error, 65 bad input (unreadable file, missing column,
unknown source, no warehouse or site yet), 66 too many rejected records, 67
personal data found in the built site, 70 site build failed or internal error,
74 I/O error (disk full, unreadable or unwritable file), 75 another run holds
the lock (retry later or pass --wait). On 66, 67, 70, 74 and 75 the previous
warehouse and dist/ are unchanged.
`;
}

export async function main(argv: string[], cwd = process.cwd()): Promise<number> {
  const verbose = argv.includes("--verbose") || /^(1|true|yes)$/i.test(process.env.RAPPORT_DEBUG ?? "");
  try {
    let parsed;
    try {
      const options: ParseArgsConfig["options"] = Object.assign({}, commonOptions, ...Object.values(commands).map((c) => c.options ?? {}));
      parsed = parseArgs({args: argv, allowPositionals: true, options});
    } catch (error) {
      process.stderr.write(`rapport: ${(error as Error).message}\nRun rapport --help for usage.\n`);
      return exitCodes.usage;
    }
    const values = parsed.values as OptionValues;
    const positionals = parsed.positionals;
    const [name, ...args] = positionals;
    if (values.version) {
      process.stdout.write(`${version()}\n`);
      return exitCodes.ok;
    }
    if (values.help || name === undefined || name === "help") {
      process.stdout.write(help());
      return exitCodes.ok;
    }
    const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
    if (!command) {
      process.stderr.write(`rapport: unknown command ${JSON.stringify(name)}\nRun rapport --help for usage.\n`);
      return exitCodes.usage;
    }
    return await command.run({args, values, cwd, option: (key) => values[key] as string | undefined});
  } catch (error) {
    process.stderr.write(formatError(error, {verbose}));
    return toRapportError(error).exitCode;
  }
}

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf-8")) as {version: string};
  return pkg.version;
}

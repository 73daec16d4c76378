/**
 * The rapport command line: parses the arguments, runs one command (see
 * commands.ts) and turns whatever it throws into a one-line message and an
 * exit code from the documented list (src/errors.ts). Nothing here calls
 * process.exit, so tests run it in-process. A command accepts the global
 * options, the shared ones it lists (Command.shared) and its own; any other
 * is refused rather than silently ignored. `rapport COMMAND --help` (or
 * `rapport help COMMAND`) prints that command's options, environment and
 * examples.
 */
import {readFileSync} from "node:fs";
import {parseArgs, type ParseArgsConfig} from "node:util";
import {exitCodes, formatError, toRapportError} from "../errors.js";
import type {Command, OptionValues, SharedOption} from "./command.js";
import * as registry from "./commands.js";

export {exitCodes} from "../errors.js";
export {UsageError} from "../errors.js";

// Listed in --help by name, whatever order the module system gives the exports.
const commands: Record<string, Command> = Object.fromEntries(Object.entries(registry).sort(([a], [b]) => a.localeCompare(b)));

/** Options every command accepts. */
const globalOptions: NonNullable<ParseArgsConfig["options"]> = {
  help: {type: "boolean", short: "h"},
  version: {type: "boolean", short: "v"},
  verbose: {type: "boolean"}
};

const globalHelp = [
  "-h, --help            show this help",
  "-v, --version         show the version",
  "--verbose             print everything (Framework's own output; on an error, the stack); also RAPPORT_DEBUG=1"
];

/** Options several commands share; a command lists the ones it reads in Command.shared. */
const sharedOptions: Record<SharedOption, {type: "string"; help: string}> = {
  config: {type: "string", help: "--config FILE         the config (default rapport.config.json if present)"},
  warehouse: {type: "string", help: "--warehouse FILE      the DuckDB warehouse (default .rapport/warehouse.duckdb, or the config's \"warehouse\")"},
  wait: {type: "string", help: "--wait SECONDS        wait this long for another run's lock (default 0; also RAPPORT_LOCK_WAIT)"},
  port: {type: "string", help: "--port N              the port (default 3000)"},
  host: {type: "string", help: "--host H              the address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)"}
};

/** The environment variables rapport reads. */
export const environment: Record<string, string> = {
  RAPPORT_DATA: "the exports folder read when no PATH is given (default data/sample)",
  RAPPORT_WAREHOUSE: "the warehouse the site's data loaders read; build and preview set it, set it yourself to run a loader by hand",
  RAPPORT_PSEUDONYM_KEY: "the key of the pseudonyms that replace customer ids in published rows (default: a random key kept on the build machine)",
  RAPPORT_LOCK_WAIT: "seconds to wait for another run's lock, as --wait",
  RAPPORT_DEBUG: "1 prints the stack of an error and Framework's full output, as --verbose",
  RAPPORT_TRACE_SQL: "1 logs every SQL statement with its time on stderr; full logs the whole statement",
  RAPPORT_DUCKDB_MEMORY_LIMIT: "DuckDB's memory cap for every database rapport opens (default: half the RAM for ingest, a quarter for a reader, 2GB while build computes the published tables, or three times a large warehouse's size up to a quarter of the RAM; past it DuckDB spills to disk)",
  RAPPORT_CHROMIUM: "the Chromium (or Chrome) executable rapport pdf drives (default /usr/bin/chromium and the usual places)",
  CI: "when set, progress lines are printed one per line with a timestamp, as in a log file"
};

const exitCodeHelp = `Exit codes: 0 ok, 64 usage error, 65 bad input (unreadable file, missing column,
unknown source, no warehouse or site yet), 66 too many rejected records, 67
personal data found in the built site, 70 site build failed or internal error,
74 I/O error (disk full, unreadable or unwritable file), 75 another run holds
the lock (retry later or pass --wait). On 66, 67, 70, 74 and 75 the previous
warehouse and dist/ are unchanged.
`;

function help(): string {
  const entries = Object.entries(commands);
  const width = Math.max(...entries.map(([name, c]) => `${name} ${c.usage}`.trim().length)) + 2;
  const lines = entries.map(([name, c]) => `  ${`${name} ${c.usage}`.trim().padEnd(width)}${c.summary}`);
  const users = (option: string) => entries.filter(([, c]) => c.shared?.includes(option as SharedOption)).map(([name]) => name);
  const shared = Object.entries(sharedOptions).map(([name, o]) => `${o.help} (${users(name).join(", ")})`);
  return `rapport — customer-relationship reports from CRM exports

Usage: rapport <command> [options]

Commands:
${lines.join("\n")}

Run rapport <command> --help for a command's options and examples.

Options:
${[...globalHelp, ...shared].map((l) => `  ${l}`).join("\n")}

Environment:
${envLines(Object.keys(environment)).join("\n")}

${exitCodeHelp}`;
}

/** `rapport COMMAND --help`. */
export function commandHelp(name: string, command: Command = commands[name]): string {
  const options = [...(command.optionHelp ?? []), ...(command.shared ?? []).map((o) => sharedOptions[o].help), ...globalHelp].map((l) => `  ${l}`);
  const env = command.env?.length ? `\nEnvironment:\n${envLines(command.env).join("\n")}\n` : "";
  return `Usage: rapport ${`${name} ${command.usage}`.trim()} [options]

${command.summary}
${command.details ? `\n${command.details.trimEnd()}\n` : ""}
Options:
${options.join("\n")}
${env}
Exit codes: rapport --help lists them.
`;
}

function envLines(names: string[]): string[] {
  const width = Math.max(...names.map((n) => n.length)) + 2;
  return names.map((n) => `  ${n.padEnd(width)}${environment[n] ?? ""}`);
}

/** The options a command accepts: every command's own, the shared ones it reads, and the global ones. */
function optionsOf(command: Command | undefined): NonNullable<ParseArgsConfig["options"]> {
  if (!command) return Object.assign({}, globalOptions, sharedParse(Object.keys(sharedOptions) as SharedOption[]), ...Object.values(commands).map((c) => c.options ?? {}));
  return {...globalOptions, ...sharedParse(command.shared ?? []), ...command.options};
}

function sharedParse(names: SharedOption[]): NonNullable<ParseArgsConfig["options"]> {
  return Object.fromEntries(names.map((n) => [n, {type: "string" as const}]));
}

export async function main(argv: string[], cwd = process.cwd()): Promise<number> {
  const verbose = argv.includes("--verbose") || /^(1|true|yes)$/i.test(process.env.RAPPORT_DEBUG ?? "");
  try {
    // A first, lenient pass finds the command's name, which decides the options to accept.
    const name = parseArgs({args: argv, allowPositionals: true, strict: false, options: optionsOf(undefined)}).positionals[0];
    const command = name !== undefined && Object.hasOwn(commands, name) ? commands[name] : undefined;
    let parsed;
    try {
      parsed = parseArgs({args: argv, allowPositionals: true, options: optionsOf(command)});
    } catch (error) {
      const message = (error as Error).message.replace(/\. To specify a positional argument starting with a '-'.*$/s, "");
      process.stderr.write(`rapport: ${message}${command ? ` (${name} does not take it)` : ""}\nRun rapport ${command ? `${name} ` : ""}--help for usage.\n`);
      return exitCodes.usage;
    }
    const values = parsed.values as OptionValues;
    const args = parsed.positionals.slice(1);
    if (values.version) {
      process.stdout.write(`${version()}\n`);
      return exitCodes.ok;
    }
    if (name === "help" && args[0] !== undefined && Object.hasOwn(commands, args[0])) {
      process.stdout.write(commandHelp(args[0]));
      return exitCodes.ok;
    }
    if (name === undefined || name === "help" || (values.help && !command)) {
      process.stdout.write(help());
      return exitCodes.ok;
    }
    if (!command) {
      process.stderr.write(`rapport: unknown command ${JSON.stringify(name)}\nRun rapport --help for usage.\n`);
      return exitCodes.usage;
    }
    if (values.help) {
      process.stdout.write(commandHelp(name));
      return exitCodes.ok;
    }
    if (values.verbose === undefined && verbose) values.verbose = true;
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

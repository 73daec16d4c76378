/**
 * What a rapport subcommand is: a usage line and a summary for --help, the
 * options only it reads, and a function from the parsed command line to an
 * exit code. Commands never call process.exit, so tests run them in-process;
 * they throw a RapportError (src/errors.ts) to stop with its exit code.
 * Every command is listed in commands.ts, one line each.
 */
import type {ParseArgsConfig} from "node:util";
import {UsageError} from "../errors.js";

/** Options several commands share; main.ts holds their help lines. */
export type SharedOption = "config" | "warehouse" | "wait" | "port" | "host";

export type OptionValues = Record<string, string | boolean | undefined>;

export interface CommandContext {
  /** The positional arguments after the command's name. */
  args: string[];
  values: OptionValues;
  cwd: string;
  /** A string option's value (undefined when absent). */
  option(name: string): string | undefined;
}

export interface Command {
  /** The command line shown in --help after "rapport", e.g. "serve [DIR]". */
  usage: string;
  summary: string;
  /** Options only this command reads, with their help lines ("--port N   the port"). */
  options?: NonNullable<ParseArgsConfig["options"]>;
  optionHelp?: string[];
  /** The shared options (main.ts) this command reads; any other is refused as unknown. */
  shared?: SharedOption[];
  /** The environment variables this command reads (main.ts describes each). */
  env?: string[];
  /** More for `rapport COMMAND --help`: what the arguments are, examples. */
  details?: string;
  run(context: CommandContext): Promise<number>;
}

/** A whole number ≥ 0 from an option's text, or a usage error naming the flag. */
export function integer(value: string, flag: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isSafeInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number, not ${JSON.stringify(value)}`);
  return n;
}

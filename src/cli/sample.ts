/** `rapport sample [DIR]`: write the seeded sample CRM exports. */
import {resolve} from "node:path";
import {exitCodes} from "../errors.js";
import {writeSample} from "../sample/write.js";
import {integer, type Command} from "./command.js";

export const sample: Command = {
  usage: "[DIR]",
  summary: "write the seeded sample CRM exports (default data/sample/)",
  options: {customers: {type: "string"}, seed: {type: "string"}},
  optionHelp: ["--customers N         how many customers (default 3000)", "--seed N              the random seed (default 42)"],
  async run({args, cwd, option}) {
    const dir = resolve(cwd, args[0] ?? "data/sample");
    const counts = await writeSample(dir, {
      customers: integer(option("customers") ?? "3000", "--customers"),
      seed: integer(option("seed") ?? "42", "--seed")
    });
    for (const [file, rows] of Object.entries(counts)) process.stderr.write(`rapport: wrote ${rows} rows to ${file}\n`);
    return exitCodes.ok;
  }
};

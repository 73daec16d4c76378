#!/usr/bin/env node
// The `rapport` command. The CLI is TypeScript; tsx (a dependency) compiles it
// on the fly so a fresh clone runs with no build step.
import {register} from "tsx/esm/api";

register();
const {handleSignals, killGroups, runCleanups} = await import("./processes.ts");
const {formatError, toRapportError} = await import("../errors.ts");
handleSignals();
// `rapport metrics … | head` closes the pipe early: that is the reader being done, not an error.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});
// Last resort: an error no command caught still ends in one line and a documented exit code.
const verbose = process.argv.includes("--verbose") || /^(1|true|yes)$/i.test(process.env.RAPPORT_DEBUG ?? "");
const fatal = (error) => {
  process.stderr.write(formatError(error, {verbose}));
  killGroups("SIGTERM");
  runCleanups();
  process.exit(toRapportError(error).exitCode);
};
process.on("uncaughtException", fatal);
process.on("unhandledRejection", fatal);
const {main} = await import("./main.ts");
process.exitCode = await main(process.argv.slice(2));
